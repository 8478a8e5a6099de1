"""Computing the market cells (:mod:`offerlab.store.cells`) inside an import's transaction.

For the companies the import touched (every company the first time), under a PostgreSQL
advisory lock so that two imports at once cannot each compute a company from a view missing
the other's rows: the records are read out with ``COPY`` (a plain query on SQLite), DuckDB
computes the cells one grouping at a time, NumPy's linear interpolation written out in SQL on
the sorted values (the same arithmetic, so the same floats as ``numpy.percentile``), and they
are written back with ``COPY``. Community reports and H-1B filings are evidence of their own
and are left out, as a records query leaves them out.

DuckDB loads here only: reading a cell needs none of it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import duckdb
from sqlalchemy import Connection, text

from offerlab.market.records import EVIDENCE_FORMATS
from offerlab.market.stats import COMPONENTS, PERCENTILES
from offerlab.store.cells import CELL_COLUMNS, PLACE_KINDS, Place, cells_computed, places_of

__all__ = ["refresh_cells"]


def _refresh_key(schema: str) -> int:
    """The advisory lock key that serialises cell refreshes of the store in ``schema`` (an
    advisory lock is the database's, not a schema's: stores in two schemas of one database
    refresh side by side)."""
    name = f"offerlab market cells\x1f{schema}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)


_EXPORT_COLUMNS: Final = (
    ("company_raw", "VARCHAR"),
    ("level_raw", "VARCHAR"),
    ("tag_raw", "VARCHAR"),
    ("title_raw", "VARCHAR"),
    ("location_raw", "VARCHAR"),
    ("currency", "VARCHAR"),
    ("base", "DOUBLE"),
    ("stock", "DOUBLE"),
    ("bonus", "DOUBLE"),
    ("total", "DOUBLE"),
    ("reported_on", "DATE"),
    ("source_id", "INTEGER"),
)
# The amounts as the query over the records reads them (CAST to double precision), so the
# cells' figures are computed from the very same floats.
_EXPORT_SQL: Final = (
    "SELECT r.company_raw, r.level_raw, r.tag_raw, r.title_raw, r.location_raw, r.currency, "
    "CAST(r.base AS DOUBLE PRECISION), CAST(r.stock AS DOUBLE PRECISION), "
    "CAST(r.bonus AS DOUBLE PRECISION), CAST(r.total AS DOUBLE PRECISION), r.reported_on, "
    "r.source_id FROM records r"
)
_COMPANIES_TABLE: Final = "offerlab_cell_companies"

#: Source ids per bit mask column (a cell's sources are a bit per source, OR-ed: a list of
#: distinct ids per group costs DuckDB twenty times as much).
_SLOTS_PER_MASK: Final = 64


def _percentile_sql(values: str, fraction: float) -> str:
    """``numpy.percentile``'s linear method on the sorted list ``values``, written out: the
    virtual index ``(m - 1) * q``, its floor and fraction ``g``, and NumPy's two-sided lerp
    (``a + (b - a) * g`` below one half, ``b - (b - a) * (1 - g)`` from one half), in doubles,
    so the result is the float NumPy gives."""
    q = f"CAST({fraction!r} AS DOUBLE)"
    v = f"((len({values}) - 1) * {q})"
    i = f"CAST(floor({v}) AS BIGINT)"
    a = f"{values}[{i} + 1]"
    b = f"{values}[least({i} + 2, len({values}))]"
    g = f"({v} - floor({v}))"
    return (
        f"CASE WHEN coalesce(len({values}), 0) = 0 THEN NULL WHEN {g} >= 0.5 "
        f"THEN {b} - ({b} - {a}) * (1 - {g}) ELSE {a} + ({b} - {a}) * {g} END"
    )


_ROW_COLUMNS: Final = "company, loc, currency, base, stock, bonus, total, reported_on, slot"


def _rows_sql(level_each: bool, specialty_each: bool) -> str:
    """``lab``'s rows with the level and specialty keys they are counted under: 0 ("every"),
    or each key. A record is in the cells of its level as placed and as reported (once when
    both are one text), likewise its specialty and its tag (UNION ALL, not unnest: ten times
    faster in DuckDB)."""
    columns = _ROW_COLUMNS
    if level_each:
        rows = (
            f"SELECT {columns}, lk1 AS lkey, sk1, sk2 FROM lab WHERE lk1 IS NOT NULL "
            f"UNION ALL SELECT {columns}, lk2, sk1, sk2 FROM lab "
            "WHERE lk2 IS NOT NULL AND lk2 IS DISTINCT FROM lk1"
        )
    else:
        rows = f"SELECT {columns}, 0 AS lkey, sk1, sk2 FROM lab"
    if specialty_each:
        return (
            f"SELECT {columns}, lkey, sk1 AS skey FROM ({rows}) WHERE sk1 IS NOT NULL "
            f"UNION ALL SELECT {columns}, lkey, sk2 FROM ({rows}) "
            "WHERE sk2 IS NOT NULL AND sk2 IS DISTINCT FROM sk1"
        )
    return f"SELECT {columns}, lkey, 0 AS skey FROM ({rows})"


def _grouping_sql(place_kind: str | None, masks: int) -> str:
    """One grouping of the keyed rows (``keyed``) into ``grouped`` (each cell's sorted values):
    every place, or each place of one kind. Keys are ids of ``keys``; 0 is "every"."""
    if place_kind is None:
        rows = "SELECT *, 0 AS pkey FROM keyed"
    else:
        rows = (
            "SELECT x.*, m.place AS pkey FROM keyed x JOIN place_members m "
            f"ON m.loc = x.loc AND m.kind = '{place_kind}'"
        )
    lists = ", ".join(f"list_sort(list({c}) FILTER (WHERE {c} > 0))" for c in COMPONENTS)
    bits = ", ".join(
        f"bit_or(CASE WHEN slot // {_SLOTS_PER_MASK} = {j} "
        f"THEN CAST(1 AS UBIGINT) << (slot % {_SLOTS_PER_MASK}) ELSE CAST(0 AS UBIGINT) END)"
        for j in range(masks)
    )
    return (
        "INSERT INTO grouped SELECT company, lkey, skey, pkey, currency, count(*), "
        f"count(reported_on), {lists}, min(reported_on), max(reported_on), "
        f"quantile_disc(reported_on, 0.5), {bits} "
        f"FROM ({rows}) GROUP BY company, lkey, skey, pkey, currency"
    )


def _finish_sql(sources: Sequence[int]) -> str:
    """``grouped`` -> ``cells``: the keys as text, the percentiles, the sources as text (one
    statement, prepared once: its expressions are long)."""
    figures = []
    for c in COMPONENTS:
        figures.append(f"coalesce(len(l_{c}), 0)")
        figures += [_percentile_sql(f"l_{c}", p / 100) for p in PERCENTILES]
    listed = ", ".join(
        f"CASE WHEN (m{slot // _SLOTS_PER_MASK} >> {slot % _SLOTS_PER_MASK}) & 1 = 1 "
        f"THEN '{source}' END"
        for slot, source in enumerate(sources)
    )
    names = "".join(
        f" JOIN keys {k} ON {k}.id = g.{column}"
        for k, column in (("kc", "company"), ("kl", "lkey"), ("ks", "skey"), ("kp", "pkey"))
    )
    return (
        "INSERT INTO cells SELECT kc.k, kl.k, ks.k, kp.k, ku.k, n, n_dated, "
        f"{', '.join(figures)}, first_date, last_date, median_date, "
        f"{f'concat_ws({chr(39)},{chr(39)}, {listed})' if sources else chr(39) * 2} "
        f"FROM grouped g{names} JOIN keys ku ON ku.id = g.currency"
    )


def _duck_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """A DuckDB table of text columns holding ``rows``."""
    con.execute(f"CREATE TABLE {name} ({', '.join(f'{c} VARCHAR' for c in columns)})")
    if rows:
        selects = ", ".join(f"unnest($c{i}::VARCHAR[])" for i in range(len(columns)))
        params = {f"c{i}": [row[i] for row in rows] for i in range(len(columns))}
        con.execute(f"INSERT INTO {name} SELECT {selects}", params)


def _csv_line(values: Sequence[Any]) -> str:
    """One CSV line as PostgreSQL's ``COPY ... (FORMAT csv)`` writes it: NULL as nothing, text
    quoted (so an empty text is ``""``), numbers as Python writes them back exactly."""
    fields = []
    for value in values:
        if value is None:
            fields.append("")
        elif isinstance(value, str):
            fields.append('"' + value.replace('"', '""') + '"')
        elif isinstance(value, date):
            fields.append(value.isoformat())
        elif isinstance(value, float):
            fields.append(repr(value))
        else:
            fields.append(str(value))
    return ",".join(fields) + "\n"


def _export_records(conn: Connection, companies: Sequence[str] | None, path: Path) -> None:
    """The records of ``companies`` (canonical names; None: every one) as CSV (NULL unquoted
    and empty, text quoted) in ``path``."""
    formats = ", ".join(f"'{f}'" for f in sorted(EVIDENCE_FORMATS))
    where = f" WHERE r.source_id NOT IN (SELECT id FROM sources WHERE format IN ({formats}))"
    if companies is not None:
        conn.execute(text(f"DROP TABLE IF EXISTS {_COMPANIES_TABLE}"))
        conn.execute(text(f"CREATE TEMP TABLE {_COMPANIES_TABLE} (company VARCHAR(300))"))
        conn.execute(
            text(f"INSERT INTO {_COMPANIES_TABLE} (company) VALUES (:c)"),
            [{"c": c} for c in companies],
        )
        where += (
            " AND r.company_raw IN (SELECT n.company_raw FROM company_norm n "
            f"WHERE n.company IN (SELECT company FROM {_COMPANIES_TABLE}))"
        )
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY ({_EXPORT_SQL}{where}) TO STDOUT (FORMAT csv)") as copy,
            path.open("wb") as handle,
        ):
            for chunk in copy:
                handle.write(chunk)
    else:
        result = conn.execute(text(_EXPORT_SQL + where))
        with path.open("w", encoding="utf-8") as handle:
            while batch := result.fetchmany(10_000):
                handle.writelines(_csv_line(row) for row in batch)
    if companies is not None:
        conn.execute(text(f"DROP TABLE {_COMPANIES_TABLE}"))


def _compute(
    conn: Connection, records: Path, places: Sequence[Place], work: Path
) -> duckdb.DuckDBPyConnection:
    """DuckDB with the table ``cells`` computed from the exported records and the maps."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET temp_directory = '{work / 'duckdb'}'")
    con.execute("SET preserve_insertion_order = false")
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in _EXPORT_COLUMNS)
    con.execute(
        "CREATE TABLE rec AS SELECT * FROM read_csv("
        f"'{records}', header = false, columns = {{{columns}}}, auto_detect = false, "
        "quote = '\"', escape = '\"', nullstr = '', allow_quoted_nulls = false)"
    )
    maps = {
        "company_norm": ("company_raw", "company"),
        "level_norm": ("company_raw", "level_raw", "level"),
        "specialty_norm": ("tag_raw", "title_raw", "specialty"),
    }
    for table, names in maps.items():
        rows = conn.execute(text(f"SELECT {', '.join(names)} FROM {table}")).all()
        _duck_table(con, table, names, [tuple(r) for r in rows])
    _duck_table(
        con,
        "members",
        ("location_raw", "kind", "place_key"),
        [(raw, p.kind, p.key) for p in places for raw in p.members],
    )
    # Every text a key can be, as an integer (0: ""): grouping on integers is several times
    # faster than on text.
    con.execute(
        "CREATE TABLE keys AS SELECT CAST(row_number() OVER (ORDER BY k) - 1 AS INTEGER) AS id, "
        "k FROM (SELECT '' AS k UNION SELECT company FROM company_norm "
        "UNION SELECT level FROM level_norm UNION SELECT level_raw FROM level_norm "
        "UNION SELECT specialty FROM specialty_norm UNION SELECT tag_raw FROM specialty_norm "
        "UNION SELECT tag_raw FROM rec UNION SELECT level_raw FROM rec "
        "UNION SELECT location_raw FROM rec UNION SELECT place_key FROM members "
        "UNION SELECT currency FROM rec) WHERE k IS NOT NULL"
    )
    sources = [
        int(r[0]) for r in con.execute("SELECT DISTINCT source_id FROM rec ORDER BY 1").fetchall()
    ]
    _duck_table(con, "slots", ("slot", "source_id"), list(enumerate(sources)))
    con.execute(
        "CREATE TABLE lab AS SELECT kc.id AS company, "
        "CASE WHEN r.level_raw <> '' THEN kl.id END AS lk1, "
        "CASE WHEN r.level_raw <> '' THEN kr.id END AS lk2, "
        "CASE WHEN r.tag_raw IS NULL OR r.tag_raw <> '' THEN ks.id END AS sk1, "
        "CASE WHEN r.tag_raw <> '' THEN kt.id END AS sk2, "
        "kp.id AS loc, ku.id AS currency, r.base, r.stock, r.bonus, r.total, r.reported_on, "
        "CAST(sl.slot AS INTEGER) AS slot FROM rec r "
        "JOIN company_norm c ON c.company_raw = r.company_raw "
        "JOIN keys kc ON kc.k = c.company "
        "LEFT JOIN level_norm l ON l.company_raw = r.company_raw "
        "AND l.level_raw = coalesce(r.level_raw, '') "
        "LEFT JOIN keys kl ON kl.k = l.level LEFT JOIN keys kr ON kr.k = r.level_raw "
        "LEFT JOIN specialty_norm s ON s.tag_raw = coalesce(r.tag_raw, '') "
        "AND s.title_raw = coalesce(r.title_raw, '') "
        "LEFT JOIN keys ks ON ks.k = s.specialty LEFT JOIN keys kt ON kt.k = r.tag_raw "
        "LEFT JOIN keys kp ON kp.k = r.location_raw JOIN keys ku ON ku.k = r.currency "
        "JOIN slots sl ON CAST(sl.source_id AS INTEGER) = r.source_id"
    )
    con.execute("DROP TABLE rec")
    con.execute(
        "CREATE TABLE place_members AS SELECT kl.id AS loc, m.kind, kp.id AS place "
        "FROM members m JOIN keys kl ON kl.k = m.location_raw JOIN keys kp ON kp.k = m.place_key"
    )
    masks = max(1, -(-len(sources) // _SLOTS_PER_MASK))
    con.execute(
        "CREATE TABLE grouped (company INTEGER, lkey INTEGER, skey INTEGER, pkey INTEGER, "
        "currency INTEGER, n BIGINT, n_dated BIGINT, "
        + ", ".join(f"l_{c} DOUBLE[]" for c in COMPONENTS)
        + ", first_date DATE, last_date DATE, median_date DATE, "
        + ", ".join(f"m{j} UBIGINT" for j in range(masks))
        + ")"
    )
    types = ["VARCHAR"] * 5 + ["BIGINT"] * 2
    for _ in COMPONENTS:
        types += ["BIGINT"] + ["DOUBLE"] * len(PERCENTILES)
    types += ["DATE"] * 3 + ["VARCHAR"]
    con.execute(
        "CREATE TABLE cells ("
        + ", ".join(f"{n} {t}" for n, t in zip(CELL_COLUMNS, types, strict=True))
        + ")"
    )
    con.execute(f"PREPARE offerlab_finish AS {_finish_sql(sources)}")
    # One grouping at a time, so memory holds one grouping's values, not all of them; the
    # rows keyed by level and specialty are made once for the six groupings by place.
    for level_each in (False, True):
        for specialty_each in (False, True):
            con.execute(f"CREATE TABLE keyed AS {_rows_sql(level_each, specialty_each)}")
            for kind in (None, *PLACE_KINDS):
                con.execute(_grouping_sql(kind, masks))
                con.execute("EXECUTE offerlab_finish")
                con.execute("DELETE FROM grouped")
            con.execute("DROP TABLE keyed")
    return con


def _write_cells(conn: Connection, con: duckdb.DuckDBPyConnection, work: Path) -> int:
    """Insert DuckDB's ``cells`` into ``market_cells``; how many."""
    row = con.execute("SELECT count(*) FROM cells").fetchone()
    count = int(row[0]) if row else 0
    columns = ", ".join(CELL_COLUMNS)
    if conn.dialect.name == "postgresql":
        path = work / "cells.csv"
        keys = ", ".join((*CELL_COLUMNS[:5], "source_ids"))
        con.execute(f"COPY cells TO '{path}' (FORMAT csv, HEADER false, FORCE_QUOTE ({keys}))")
        raw = conn.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY market_cells ({columns}) FROM STDIN (FORMAT csv)") as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        return count
    marks = ", ".join(f":{c}" for c in CELL_COLUMNS)
    statement = text(f"INSERT INTO market_cells ({columns}) VALUES ({marks})")
    cursor = con.execute(f"SELECT {columns} FROM cells")
    while batch := cursor.fetchmany(10_000):
        conn.execute(statement, [dict(zip(CELL_COLUMNS, r, strict=True)) for r in batch])
    return count


@contextmanager
def _refresh_lock(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, one refresh at a time per store (its schema), held to the end of the
    caller's transaction: a second import waits here, then reads the records with the first
    one's committed."""
    if conn.dialect.name == "postgresql":
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _refresh_key(str(schema))})
    yield


def refresh_cells(conn: Connection, companies: Sequence[str] | None = None) -> int:
    """Recompute the cells of ``companies`` (canonical names; None, or cells never computed
    before: every company) from the records, in ``conn``'s transaction; the cells written.

    The places are recomputed from every normalised location each time (a few thousand rows).
    """
    with _refresh_lock(conn):
        if not cells_computed(conn):
            companies = None
        locations = conn.execute(
            text("SELECT location_raw, city, region, country, metro FROM location_norm")
        ).all()
        places = places_of(tuple(r) for r in locations)
        conn.execute(text("DELETE FROM market_places"))
        if places:
            conn.execute(
                text(
                    "INSERT INTO market_places (place_key, kind, label, members_digest, members) "
                    "VALUES (:k, :kind, :label, :d, :m)"
                ),
                [
                    {
                        "k": p.key,
                        "kind": p.kind,
                        "label": p.label[:700],
                        "d": p.digest,
                        "m": len(p.members),
                    }
                    for p in places
                ],
            )
        if companies is None:
            conn.execute(text("DELETE FROM market_cells"))
        elif companies:
            conn.execute(
                text("DELETE FROM market_cells WHERE company = :c"), [{"c": c} for c in companies]
            )
        written = 0
        if companies is None or companies:
            with tempfile.TemporaryDirectory(prefix="offerlab-cells-") as name:
                work = Path(name)
                records = work / "records.csv"
                _export_records(conn, companies, records)
                con = _compute(conn, records, places, work)
                try:
                    written = _write_cells(conn, con, work)
                finally:
                    con.close()
        total = conn.execute(text("SELECT count(*) FROM records")).scalar_one()
        now = datetime.now(UTC)
        updated = conn.execute(
            text(
                "UPDATE market_cell_state SET generation = generation + 1, records = :n, "
                "refreshed_at = :t WHERE id = 1"
            ),
            {"n": int(total), "t": now},
        )
        if updated.rowcount == 0:
            conn.execute(
                text(
                    "INSERT INTO market_cell_state (id, generation, records, refreshed_at) "
                    "VALUES (1, 1, :n, :t)"
                ),
                {"n": int(total), "t": now},
            )
        return written
