"""The store: SQL database (SQLite by default, PostgreSQL) plus a columnar record store."""

from offerlab.store.repository import (
    ImportResult,
    MarketRepository,
    RecordQuery,
    SourceInfo,
    Store,
    open_store,
)

__all__ = [
    "ImportResult",
    "MarketRepository",
    "RecordQuery",
    "SourceInfo",
    "Store",
    "open_store",
]
