"""An open store: the SQL database (SQLite by default, PostgreSQL) migrated on first use, and
the record store beside it (DuckDB's columnar file with SQLite; the same database otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from offerlab.config import database_url
from offerlab.store.database import make_engine, read_engine
from offerlab.store.database import migrate as migrate_database

if TYPE_CHECKING:
    from offerlab.store.backends import RecordStore

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
        self.columnar = self.engine.dialect.name == "sqlite" if columnar is None else columnar
        self._records: RecordStore | None = None

    @property
    def records(self) -> RecordStore:
        """The market records: a DuckDB file beside a SQLite store, else the SQL database.
        Made on first use: DuckDB and NumPy load only for a command that reads records."""
        if self._records is None:
            from offerlab.store.backends import ColumnarRecords, SqlRecords
            from offerlab.store.columnar import columnar_path

            self._records = (
                ColumnarRecords(columnar_path(self.url))
                if self.columnar
                else SqlRecords(self.engine)
            )
        return self._records

    def close(self) -> None:
        if self._records is not None:
            self._records.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, *, columnar: bool | None = None) -> Store:
    """Open the store at ``url`` (``--db``), else the configured one; migrate it if needed."""
    return Store(database_url(url), columnar=columnar)
