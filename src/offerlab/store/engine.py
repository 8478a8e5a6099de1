"""An open store: the SQL database (SQLite by default, PostgreSQL) migrated on first use, and
the record store beside it (DuckDB's columnar file with SQLite; the same database otherwise).
"""

from __future__ import annotations

from sqlalchemy import Engine

from offerlab.config import database_url
from offerlab.store.backends import ColumnarRecords, RecordStore, SqlRecords
from offerlab.store.columnar import columnar_path
from offerlab.store.database import make_engine, read_engine
from offerlab.store.database import migrate as migrate_database

__all__ = ["Store", "open_store"]


class Store:
    """An open store: the SQL engine (sources, metadata) and the record store."""

    def __init__(self, url: str, *, columnar: bool | None = None, migrate: bool = True) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        #: The engine for reads that need no transaction: on PostgreSQL each statement runs on
        #: its own (autocommit), one round trip instead of BEGIN, the query and ROLLBACK.
        self.reader: Engine = read_engine(self.engine)
        if migrate:
            migrate_database(self.engine)
        use_columnar = self.engine.dialect.name == "sqlite" if columnar is None else columnar
        self.records: RecordStore = (
            ColumnarRecords(columnar_path(url)) if use_columnar else SqlRecords(self.engine)
        )

    def close(self) -> None:
        self.records.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, *, columnar: bool | None = None) -> Store:
    """Open the store at ``url`` (``--db``), else the configured one; migrate it if needed."""
    return Store(database_url(url), columnar=columnar)
