"""Where records live: a DuckDB file (the default, columnar) or the SQL database itself.

Both answer the same SQL text (named ``:params``, no dialect-specific syntax) with rows or
with NumPy columns, and both take imports staged in DuckDB: the columnar store stages straight
into its own ``records`` table inside a transaction; the SQL store stages in an in-memory DuckDB
and copies the rows over (``COPY`` on PostgreSQL) inside the caller's SQL transaction.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import duckdb
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine, insert, text

from offerlab.store.columnar import connect_columnar
from offerlab.store.models import Base

__all__ = ["ColumnarRecords", "RecordStore", "SqlRecords"]

#: Indexes of the SQL ``records`` table (as the migrations create them): name, columns.
RECORD_INDEXES: Final = (
    ("ix_records_record_key", "record_key"),
    ("ix_records_company_level", "company_raw, level_raw"),
)
#: Loads of at least this many rows rebuild the indexes instead of updating them.
BULK_ROWS: Final = 100_000
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
STAGE_COLUMNS: Final = (
    "source_id",
    "record_key",
    "external_id",
    "company_raw",
    "title_raw",
    "tag_raw",
    "level_raw",
    "location_raw",
    "currency",
    "base",
    "stock",
    "bonus",
    "total",
    "years_experience",
    "years_at_company",
    "reported_on",
)


def _as_float(values: Any) -> NDArray[np.float64]:
    if isinstance(values, np.ma.MaskedArray):
        return np.ma.filled(values.astype(np.float64), np.nan)
    return np.asarray(values, dtype=np.float64)


class RecordStore(ABC):
    """Records and normalisation maps behind one query interface."""

    kind: str

    @abstractmethod
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query; all its rows."""

    @abstractmethod
    def arrays(
        self, sql: str, params: Mapping[str, Any], floats: Sequence[str]
    ) -> dict[str, NDArray[Any]]:
        """Run a query; its columns as arrays (``floats`` as float64 with NaN for NULL)."""

    @abstractmethod
    def insert_rows(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert a few rows (normalisation maps) in the current import."""

    @abstractmethod
    def staging(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection whose ``records`` table an import stages into."""

    @abstractmethod
    def begin(self, sql: Connection) -> None:
        """Start an import inside the SQL transaction ``sql``."""

    @abstractmethod
    def restart(self) -> None:
        """Throw away what the import staged so far and start staging again."""

    @abstractmethod
    def publish(self, source_id: int) -> tuple[int, int]:
        """Make the staged rows of ``source_id`` records; (added, duplicates dropped)."""

    @abstractmethod
    def commit(self) -> None:
        """Commit the import's columnar side (the SQL side commits with its transaction)."""

    @abstractmethod
    def rollback(self) -> None:
        """Undo the import's columnar side."""

    @abstractmethod
    def delete_sources_except(self, keep: Sequence[int]) -> int:
        """Drop records whose source is not in ``keep`` (orphans of a failed commit)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


class ColumnarRecords(RecordStore):
    """Records in a DuckDB file under the data directory (or in memory)."""

    kind = "duckdb"

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = connect_columnar(self.path)
        return self._con

    def _sql(self, sql: str, params: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
        """``:name`` -> ``$name``, keeping only the parameters the text uses (DuckDB insists)."""
        used = set(_PARAM.findall(sql))
        return _PARAM.sub(r"$\1", sql), {k: v for k, v in (params or {}).items() if k in used}

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(*self._sql(sql, params)).fetchall()

    def arrays(
        self, sql: str, params: Mapping[str, Any], floats: Sequence[str]
    ) -> dict[str, NDArray[Any]]:
        data = self.con.execute(*self._sql(sql, params)).fetchnumpy()
        return {k: (_as_float(v) if k in floats else np.asarray(v)) for k, v in data.items()}

    def insert_rows(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        names = list(rows[0])
        selects = ", ".join(f"unnest($c{i}::VARCHAR[])" for i in range(len(names)))
        params = {f"c{i}": [row[name] for row in rows] for i, name in enumerate(names)}
        self.con.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {selects}",
            params,
        )

    def staging(self) -> duckdb.DuckDBPyConnection:
        return self.con

    def begin(self, sql: Connection) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def restart(self) -> None:
        self.rollback()
        self.con.execute("BEGIN TRANSACTION")

    def publish(self, source_id: int) -> tuple[int, int]:
        row = self.con.execute(
            "SELECT count(*) FROM records WHERE source_id = $s", {"s": source_id}
        ).fetchone()
        staged = int(row[0]) if row else 0
        others = self.con.execute(
            "SELECT 1 FROM records WHERE source_id <> $s LIMIT 1", {"s": source_id}
        ).fetchone()
        if others is None:
            return staged, 0
        deleted = self.con.execute(
            "DELETE FROM records WHERE source_id = $s AND record_key IN "
            "(SELECT record_key FROM records WHERE source_id <> $s)",
            {"s": source_id},
        ).fetchone()
        dropped = int(deleted[0]) if deleted else 0
        return staged - dropped, dropped

    def commit(self) -> None:
        self.con.execute("COMMIT")

    def rollback(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def delete_sources_except(self, keep: Sequence[int]) -> int:
        if keep:
            marks = ", ".join(str(int(k)) for k in keep)
            result = self.con.execute(
                f"DELETE FROM records WHERE source_id NOT IN ({marks})"
            ).fetchone()
        else:
            result = self.con.execute("DELETE FROM records").fetchone()
        return int(result[0]) if result else 0

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class SqlRecords(RecordStore):
    """Records in the SQL database's ``records`` table (PostgreSQL: loaded with ``COPY``)."""

    kind = "sql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._stage: duckdb.DuckDBPyConnection | None = None

    def _run(self, sql: str, params: Mapping[str, Any] | None) -> list[tuple[Any, ...]]:
        if self._conn is not None:
            return [tuple(r) for r in self._conn.execute(text(sql), dict(params or {}))]
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), dict(params or {}))]

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self._run(sql, params)

    def arrays(
        self, sql: str, params: Mapping[str, Any], floats: Sequence[str]
    ) -> dict[str, NDArray[Any]]:
        with self.engine.connect() as conn:
            result = conn.execute(text(sql), dict(params))
            names = list(result.keys())
            rows = result.all()
        out: dict[str, NDArray[Any]] = {}
        for i, name in enumerate(names):
            column = [row[i] for row in rows]
            if name in floats:
                out[name] = np.array(
                    [np.nan if v is None else float(v) for v in column], dtype=np.float64
                )
            else:
                out[name] = np.array(column, dtype=object)
        return out

    def insert_rows(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            assert self._conn is not None, "insert_rows runs inside an import"
            self._conn.execute(insert(Base.metadata.tables[table]), [dict(r) for r in rows])

    def staging(self) -> duckdb.DuckDBPyConnection:
        if self._stage is None:
            self._stage = connect_columnar(None)
        return self._stage

    def begin(self, sql: Connection) -> None:
        self._conn = sql
        self.staging().execute("DELETE FROM records")

    def restart(self) -> None:
        self.staging().execute("DELETE FROM records")

    def publish(self, source_id: int) -> tuple[int, int]:
        assert self._conn is not None, "publish runs inside an import"
        conn = self._conn
        stage = self.staging()
        columns = ", ".join(STAGE_COLUMNS)
        row = stage.execute("SELECT count(*) FROM records").fetchone()
        staged = int(row[0]) if row else 0
        conn.execute(
            text(f"CREATE TEMP TABLE offerlab_stage AS SELECT {columns} FROM records WHERE false")
        )
        postgres = conn.dialect.name == "postgresql"
        try:
            if postgres:
                self._copy_postgres(conn, stage, columns)
            else:
                self._insert_batches(conn, stage, columns)
            rebuild = postgres and staged >= max(BULK_ROWS, self._estimated_rows(conn) // 5)
            if rebuild:
                # A big load into a smaller table: building the indexes afterwards (one sort
                # each) beats updating them row by row. DDL is transactional in PostgreSQL.
                for name, _ in RECORD_INDEXES:
                    conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
            result = conn.execute(
                text(
                    f"INSERT INTO records ({columns}) SELECT {columns} FROM offerlab_stage s "
                    "WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.record_key = s.record_key)"
                )
            )
            added = int(result.rowcount)
            if rebuild:
                for name, on in RECORD_INDEXES:
                    conn.execute(text(f"CREATE INDEX {name} ON records ({on})"))
        finally:
            conn.execute(text("DROP TABLE offerlab_stage"))
        return added, staged - added

    @staticmethod
    def _estimated_rows(conn: Connection) -> int:
        row = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('records')")
        ).first()
        return max(int(row[0]), 0) if row is not None and row[0] is not None else 0

    def _copy_postgres(
        self, conn: Connection, stage: duckdb.DuckDBPyConnection, columns: str
    ) -> None:
        raw = conn.connection.driver_connection
        assert raw is not None
        with tempfile.TemporaryDirectory(prefix="offerlab-copy-") as tmp:
            path = Path(tmp) / "stage.csv"
            stage.execute(
                f"COPY (SELECT {columns} FROM records) TO '{path}' (FORMAT csv, HEADER false)"
            )
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY offerlab_stage ({columns}) FROM STDIN (FORMAT csv)") as copy,
                path.open("rb") as handle,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)

    def _insert_batches(
        self, conn: Connection, stage: duckdb.DuckDBPyConnection, columns: str
    ) -> None:
        names = list(STAGE_COLUMNS)
        marks = ", ".join(f":{n}" for n in names)
        statement = text(f"INSERT INTO offerlab_stage ({columns}) VALUES ({marks})")
        cursor = stage.execute(f"SELECT {columns} FROM records")
        while batch := cursor.fetchmany(50_000):
            conn.execute(statement, [dict(zip(names, row, strict=True)) for row in batch])

    def commit(self) -> None:
        self._conn = None

    def rollback(self) -> None:
        self._conn = None

    def delete_sources_except(self, keep: Sequence[int]) -> int:
        return 0  # records share the sources' transaction: there are never orphans

    def close(self) -> None:
        if self._stage is not None:
            self._stage.close()
            self._stage = None
