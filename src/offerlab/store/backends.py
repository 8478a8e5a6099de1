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
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import duckdb
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine, insert, text

from offerlab.dates import DAYS_PER_YEAR
from offerlab.market.ports import RecordSummary
from offerlab.market.stats import COMPONENTS, PERCENTILES
from offerlab.store.cell_refresh import refresh_cells
from offerlab.store.cells import CellAnswer, CellKey, CellReader, CellRows
from offerlab.store.columnar import connect_columnar
from offerlab.store.models import Base
from offerlab.store.queries import FLOAT_COLUMNS, Where
from offerlab.store.record_import import RECORD_COLUMNS

__all__ = [
    "FLOAT_COLUMNS",
    "ColumnarRecords",
    "RecordStore",
    "SqlRecords",
    "Where",
]


def _day(value: np.datetime64) -> date:
    day: date = value.astype("datetime64[D]").item()
    return day


def _restate(dates: NDArray[Any], as_of: date | None, rate: float) -> NDArray[np.float64] | float:
    """(1 + rate) ** years from each date to ``as_of`` (1 for undated records or no as_of)."""
    if as_of is None:
        return 1.0
    days = np.asarray(dates, dtype="datetime64[D]")
    target = np.datetime64(as_of.isoformat(), "D")
    years = (target - days).astype("timedelta64[D]").astype(np.float64) / DAYS_PER_YEAR
    years[np.isnat(days)] = 0.0
    return np.power(1.0 + rate, years)


#: Indexes of the SQL ``records`` table (as the migrations create them): name, columns.
RECORD_INDEXES: Final = (
    ("ix_records_record_key", "record_key"),
    ("ix_records_company_level", "company_raw, level_raw"),
)
#: How many companies' records the columnar store keeps copied in memory for warm queries.
SUBSET_CACHE: Final = 4
#: Loads of at least this many rows rebuild the indexes instead of updating them.
BULK_ROWS: Final = 100_000
_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def _plain(value: Any) -> Any:
    """A value SQLite's driver binds as is: Decimal as its exact text, a date as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _unmask(values: Any) -> NDArray[Any]:
    """A plain array: masked (NULL) dates become NaT, other masked values None."""
    if isinstance(values, np.ma.MaskedArray):
        if values.dtype.kind == "M":
            return np.ma.filled(values, np.datetime64("NaT"))
        return np.ma.filled(values.astype(object), None)
    return np.asarray(values)


def _as_float(values: Any) -> NDArray[np.float64]:
    if isinstance(values, np.ma.MaskedArray):
        return np.ma.filled(values.astype(np.float64), np.nan)
    return np.asarray(values, dtype=np.float64)


class RecordStore(ABC):
    """Records and normalisation maps behind one query interface."""

    kind: str
    #: The reader of the market cells this store precomputes (:mod:`offerlab.store.cells`);
    #: None for a store that keeps none.
    cells: CellReader | None = None

    @abstractmethod
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query; all its rows."""

    @abstractmethod
    def arrays(
        self, sql: str, params: Mapping[str, Any], floats: Sequence[str]
    ) -> dict[str, NDArray[Any]]:
        """Run a query; its columns as arrays (``floats`` as float64 with NaN for NULL)."""

    def in_list(
        self, column: str, prefix: str, values: Sequence[str | int], params: dict[str, Any]
    ) -> str:
        """``column IN (...)`` for a list of values, adding its parameters to ``params``."""
        names = []
        for i, value in enumerate(values):
            params[f"{prefix}{i}"] = value
            names.append(f":{prefix}{i}")
        return f"{column} IN ({', '.join(names)})"

    def _from(self, where: Where) -> str:
        """The table holding (at least) the records ``where`` can match."""
        return "records"

    def _cond(self, where: Where) -> str:
        """The condition to apply to :meth:`_from`'s table."""
        return where.condition

    def _only_currency(self, where: Where) -> str | None:
        """The one currency every record :meth:`_from` gives is in, if known (else None)."""
        return None

    def summary(self, where: Where, as_of: date | None, rate: float) -> RecordSummary:
        """Counts and percentiles over the matching records (NumPy over fetched columns)."""
        table = self._from(where)
        source = f"{table} r{where.joins} WHERE {self._cond(where)}"
        only = self._only_currency(where)
        # Text columns cost a Python object a row: skip currency when it is known to be one.
        currency = "" if only is not None else ", r.currency AS currency"
        data = self.arrays(
            "SELECT CAST(r.base AS DOUBLE PRECISION) AS base, "
            "CAST(r.stock AS DOUBLE PRECISION) AS stock, "
            "CAST(r.bonus AS DOUBLE PRECISION) AS bonus, "
            "CAST(r.total AS DOUBLE PRECISION) AS total, "
            f"r.source_id AS source_id{currency}, r.reported_on AS reported_on FROM {source}",
            where.params,
            COMPONENTS,
        )
        days = np.sort(np.asarray(data["reported_on"], dtype="datetime64[D]"))
        days = days[~np.isnat(days)]
        factor = _restate(data["reported_on"], as_of, rate) if as_of is not None else 1.0
        components = {}
        for name in COMPONENTS:
            values = data[name] * factor
            values = values[np.isfinite(values) & (values > 0)]
            points = np.percentile(values, PERCENTILES).tolist() if values.size else []
            components[name] = (int(values.size), [float(v) for v in points])
        n = int(data["total"].size)
        if only is not None:
            currencies = [only] if n else []
        else:
            currencies = sorted({str(c) for c in data["currency"].tolist()})
        return RecordSummary(
            n,
            components,
            currencies,
            [int(i) for i in np.unique(data["source_id"].astype(np.int64))],
            first_date=_day(days[0]) if days.size else None,
            last_date=_day(days[-1]) if days.size else None,
            median_date=_day(days[(days.size - 1) // 2]) if days.size else None,
        )

    def cell_summary(self, key: CellKey, seen: CellRows | None = None) -> CellAnswer | None:
        """The answer of the precomputed cells (:mod:`offerlab.store.cells`), or None when
        this store keeps none or none answers ``key`` exactly; ``seen``: the cells the query
        read already (:meth:`CellReader.answer`)."""
        return None

    def refresh_cells(self, companies: Sequence[str] | None) -> int:
        """Recompute the cells of ``companies`` in the current import (None: all); the
        cells written (0 for a store that keeps none)."""
        return 0

    def yearly_totals(self, where: Where) -> dict[int, tuple[int, float]]:
        """Per calendar year: (records with a total, median total)."""
        data = self.arrays(
            "SELECT CAST(r.total AS DOUBLE PRECISION) AS total, r.reported_on AS reported_on "
            f"FROM {self._from(where)} r{where.joins} WHERE {self._cond(where)} "
            "AND r.total > 0 AND r.reported_on IS NOT NULL",
            where.params,
            ("total",),
        )
        dates = np.asarray(data["reported_on"], dtype="datetime64[D]")
        years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
        out = {}
        for year in np.unique(years):
            chosen = data["total"][years == year]
            out[int(year)] = (int(chosen.size), float(np.median(chosen)))
        return out

    def level_summary(self, where: Where) -> list[tuple[str, int, float | None, float]]:
        """Per normalised level: (level, n, median years of experience, median total)."""
        data = self.arrays(
            "SELECT l.level AS level, "
            "CAST(r.years_experience AS DOUBLE PRECISION) AS years_experience, "
            "CAST(r.total AS DOUBLE PRECISION) AS total "
            f"FROM {self._from(where)} r JOIN level_norm l ON l.company_raw = r.company_raw "
            "AND l.level_raw = coalesce(r.level_raw, '') "
            f"WHERE {self._cond(where)} AND l.level IS NOT NULL",
            where.params,
            ("years_experience", "total"),
        )
        levels = np.asarray(data["level"]).astype(str)
        out = []
        for level in np.unique(levels):
            chosen = levels == level
            years = data["years_experience"][chosen]
            years = years[np.isfinite(years)]
            out.append(
                (
                    str(level),
                    int(chosen.sum()),
                    float(np.median(years)) if years.size else None,
                    float(np.median(data["total"][chosen])),
                )
            )
        return out

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
        self._subsets: OrderedDict[tuple[str, ...], str] = OrderedDict()
        self._currencies: dict[str, str | None] = {}
        self._subset_count = 0

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
        return {k: (_as_float(v) if k in floats else _unmask(v)) for k, v in data.items()}

    def in_list(
        self, column: str, prefix: str, values: Sequence[str | int], params: dict[str, Any]
    ) -> str:
        # One list parameter, as a semi-join: DuckDB filters 10M rows ~3x faster this way
        # than with a long IN (...) of constants.
        kind = "INTEGER" if values and isinstance(values[0], int) else "VARCHAR"
        params[prefix] = list(values)
        return f"{column} IN (SELECT unnest(CAST(:{prefix} AS {kind}[])))"

    def _from(self, where: Where) -> str:
        """A temporary in-memory copy of the queried company's records (kept for the next
        queries: a warm query scans that company, not the whole store), else ``records``."""
        if not where.companies:
            return "records"
        key = where.companies
        name = self._subsets.get(key)
        if name is not None:
            self._subsets.move_to_end(key)
            return name
        self._subset_count += 1
        name = f"offerlab_company_{self._subset_count}"
        self.con.execute(
            f"CREATE TEMP TABLE {name} AS SELECT * FROM records "
            "WHERE company_raw IN (SELECT unnest(CAST($c AS VARCHAR[])))",
            {"c": list(key)},
        )
        self._subsets[key] = name
        found = self.con.execute(f"SELECT DISTINCT currency FROM {name}").fetchall()
        self._currencies[name] = found[0][0] if len(found) == 1 else None
        while len(self._subsets) > SUBSET_CACHE:
            _, old = self._subsets.popitem(last=False)
            self._currencies.pop(old, None)
            self.con.execute(f"DROP TABLE IF EXISTS {old}")
        return name

    def _only_currency(self, where: Where) -> str | None:
        if not where.companies:
            return None
        return self._currencies.get(self._from(where))

    def _cond(self, where: Where) -> str:
        return where.rest if where.companies else where.condition

    def _forget_subsets(self) -> None:
        """Drop the cached company copies (the records changed)."""
        if self._con is not None:
            for name in self._subsets.values():
                self._con.execute(f"DROP TABLE IF EXISTS {name}")
        self._subsets.clear()
        self._currencies.clear()

    def yearly_totals(self, where: Where) -> dict[int, tuple[int, float]]:
        rows = self.rows(
            "SELECT year(r.reported_on), count(*), median(CAST(r.total AS DOUBLE)) "
            f"FROM {self._from(where)} r{where.joins} WHERE {self._cond(where)} "
            "AND r.total > 0 AND r.reported_on IS NOT NULL GROUP BY 1",
            where.params,
        )
        return {int(y): (int(n), float(m)) for y, n, m in rows}

    def level_summary(self, where: Where) -> list[tuple[str, int, float | None, float]]:
        rows = self.rows(
            "SELECT l.level, count(*), median(CAST(r.years_experience AS DOUBLE)), "
            "median(CAST(r.total AS DOUBLE)) "
            f"FROM {self._from(where)} r JOIN level_norm l ON l.company_raw = r.company_raw "
            "AND l.level_raw = coalesce(r.level_raw, '') "
            f"WHERE {self._cond(where)} AND l.level IS NOT NULL GROUP BY 1",
            where.params,
        )
        return [
            (str(lv), int(n), None if y is None else float(y), float(t)) for lv, n, y, t in rows
        ]

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
        self._forget_subsets()
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
        self._forget_subsets()

    def rollback(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def delete_sources_except(self, keep: Sequence[int]) -> int:
        self._forget_subsets()
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
            self._forget_subsets()
            self._con.close()
            self._con = None


class SqlRecords(RecordStore):
    """Records in the SQL database's ``records`` table (PostgreSQL: loaded with ``COPY``)."""

    kind = "sql"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None
        self._stage: duckdb.DuckDBPyConnection | None = None
        self.cells: CellReader = CellReader(engine)

    def cell_summary(self, key: CellKey, seen: CellRows | None = None) -> CellAnswer | None:
        if self._conn is not None:
            return None  # inside an import: the records as this transaction sees them
        return self.cells.answer(key, seen)

    def refresh_cells(self, companies: Sequence[str] | None) -> int:
        assert self._conn is not None, "refresh_cells runs inside an import"
        return refresh_cells(self._conn, companies)

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
        columns = ", ".join(RECORD_COLUMNS)
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
        names = list(RECORD_COLUMNS)
        marks = ", ".join(f":{n}" for n in names)
        statement = text(f"INSERT INTO offerlab_stage ({columns}) VALUES ({marks})")
        cursor = stage.execute(f"SELECT {columns} FROM records")
        while batch := cursor.fetchmany(50_000):
            conn.execute(
                statement,
                [{n: _plain(v) for n, v in zip(names, row, strict=True)} for row in batch],
            )

    def commit(self) -> None:
        self._conn = None
        self.cells.forget()

    def rollback(self) -> None:
        self._conn = None

    def delete_sources_except(self, keep: Sequence[int]) -> int:
        return 0  # records share the sources' transaction: there are never orphans

    def close(self) -> None:
        if self._stage is not None:
            self._stage.close()
            self._stage = None
