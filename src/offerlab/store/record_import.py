"""Staging a market file in DuckDB: the SQL that reads an :class:`ImportPlan`.

DuckDB reads the file in one vectorised pass straight into a ``records`` table of the columnar
schema (:mod:`offerlab.store.columnar`): the store's file in the default set-up, an in-memory
one on the way to PostgreSQL. Bad rows make that fast pass fail; only then does a slower
diagnostic pass read every value as text, with row numbers, to list each bad row and why.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import duckdb

from offerlab.errors import Problem
from offerlab.market.importer import (
    NULLS,
    ImportPlan,
    load_json,
)
from offerlab.market.records import AMOUNT_FIELDS, FIELDS, YEAR_FIELDS
from offerlab.money import CURRENCIES

__all__ = [
    "RECORD_COLUMNS",
    "diagnose",
    "insert_good_rows",
    "semantic_problem_count",
    "stage_fast",
]

MAX_AMOUNT: Final = 10**12  # Numeric(14, 2)
#: Column order of the columnar ``records`` table that staging fills (``id`` is not filled).
RECORD_COLUMNS: Final = (
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
_RAW_TEXT: Final = {
    "company": "company_raw",
    "title": "title_raw",
    "tag": "tag_raw",
    "level": "level_raw",
    "location": "location_raw",
}


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    """A quoted SQL identifier."""
    return '"' + text.replace('"', '""') + '"'


# --- SQL ---------------------------------------------------------------------------------------


def _csv_source(plan: ImportPlan, types: Mapping[str, str], *, rejects: str | None = None) -> str:
    columns = ", ".join(f"{_q(name)}: {_q(types.get(name, 'VARCHAR'))}" for name in plan.header)
    options = [
        f"columns={{{columns}}}",
        "header=true",
        "auto_detect=false",
        "delim=','",
        "quote='\"'",
        "escape='\"'",
        "nullstr=[" + ", ".join(_q(v) for v in NULLS) + "]",
        "strict_mode=true",
    ]
    if plan.date_format and "date" in plan.columns and types.get(plan.columns["date"]):
        options.append(f"timestampformat={_q(plan.date_format)}")
    if rejects is not None:
        options += [
            "store_rejects=true",
            f"rejects_table={_q(rejects)}",
            f"rejects_scan={_q(rejects + '_scan')}",
        ]
    return f"read_csv({_q(str(plan.path))}, {', '.join(options)})"


def _levelsfyi_id(plan: ImportPlan) -> bool:
    """True when rows carry levels.fyi's integer row id (``rowNumber``): it is the record key."""
    return plan.format == "levelsfyi" and "id" in plan.columns


def _key_expr(plan: ImportPlan) -> str:
    """The natural key of a staged row: a 63-bit hash of the levels.fyi row id, else of every
    value (so the same record in two files is one record). Uses DuckDB's ``hash``."""
    every = (
        "hash(company_raw, title_raw, tag_raw, level_raw, location_raw, currency, base, stock,"
        " bonus, total, years_experience, years_at_company, reported_on)"
    )
    if _levelsfyi_id(plan):
        key = f"CASE WHEN id_num IS NULL THEN {every} ELSE hash('levelsfyi', id_num) END"
    else:
        key = every
    return f"CAST(({key}) >> 1 AS BIGINT)"


def _value(plan: ImportPlan, name: str, expr: Callable[[str], str], default: str = "NULL") -> str:
    if name in plan.constants:
        return _q(plan.constants[name])
    if name in plan.columns:
        return expr(_ident(plan.columns[name]))
    return default


def _insert_sql(
    plan: ImportPlan, table: str, source: str, values: Mapping[str, str], id_num: str = "NULL"
) -> str:
    inner = ", ".join(f"{values[c]} AS {c}" for c in RECORD_COLUMNS if c != "record_key")
    inner += f", {id_num} AS id_num"
    columns = ", ".join(RECORD_COLUMNS)
    select = ", ".join(_key_expr(plan) if c == "record_key" else c for c in RECORD_COLUMNS)
    return f"INSERT INTO {table} ({columns}) SELECT {select} FROM (SELECT {inner} FROM {source})"


def _iso_date(expr: str) -> str:
    return f"coalesce(TRY_CAST({expr} AS DATE), CAST(TRY_CAST({expr} AS TIMESTAMP) AS DATE))"


def stage_fast(con: duckdb.DuckDBPyConnection, plan: ImportPlan, table: str, source_id: int) -> int:
    """Read a CSV plan into ``table`` in one typed pass; returns the rows inserted.

    Raises a DuckDB error on any value that does not parse: the caller then rolls back and
    runs :func:`diagnose`. Rows that parse but break a rule are found by
    :func:`semantic_problem_count` afterwards.
    """
    types: dict[str, str] = {}
    for name in AMOUNT_FIELDS:
        if name in plan.columns:
            types[plan.columns[name]] = "DECIMAL(14,2)"
    for name in YEAR_FIELDS:
        if name in plan.columns:
            types[plan.columns[name]] = "DECIMAL(6,2)"
    if plan.date_format and "date" in plan.columns:
        types[plan.columns["date"]] = "TIMESTAMP"
        date_expr: Callable[[str], str] = lambda c: f"CAST({c} AS DATE)"  # noqa: E731
    else:
        date_expr = lambda c: (  # noqa: E731
            f"CASE WHEN {c} IS NOT NULL AND {_iso_date(c)} IS NULL "
            f"THEN error('bad date') ELSE {_iso_date(c)} END"
        )
    values = {
        "source_id": str(int(source_id)),
        # levels.fyi's integer row id is kept as the record key only (a 10M-row column of
        # unique strings would cost a fifth of the load time)
        "external_id": "NULL" if _levelsfyi_id(plan) else _value(plan, "id", lambda c: c),
        "currency": _value(plan, "currency", lambda c: f"upper(trim({c}))"),
        "reported_on": _value(plan, "date", date_expr),
    }
    for name, column in _RAW_TEXT.items():
        values[column] = _value(plan, name, lambda c: c)
    for name in (*AMOUNT_FIELDS, *YEAR_FIELDS):
        values[name] = _value(plan, name, lambda c: c)
    id_num = "NULL"
    if _levelsfyi_id(plan):
        types[plan.columns["id"]] = "BIGINT"
        id_num = _ident(plan.columns["id"])
    sql = _insert_sql(plan, table, _csv_source(plan, types), values, id_num)
    result = con.execute(sql).fetchone()
    return int(result[0]) if result else 0


def _checks(columns: Mapping[str, str]) -> list[tuple[str, str]]:
    """(SQL condition that is true on a bad row, reason) over typed staged columns."""
    currencies = ", ".join(_q(c) for c in sorted(CURRENCIES))
    checks = [
        (f"{columns['company']} IS NULL OR trim({columns['company']}) = ''", "company is empty"),
        (f"{columns['total']} IS NULL", "total is missing"),
        (f"{columns['total']} <= 0", "total is not positive"),
        (
            f"{columns['currency']} IS NULL OR {columns['currency']} NOT IN ({currencies})",
            "unknown currency",
        ),
    ]
    for name in ("base", "stock", "bonus", *YEAR_FIELDS):
        checks.append((f"{columns[name]} < 0", f"{name} is negative"))
    return checks


_STAGED = {name: name for name in ("total", "currency", "base", "stock", "bonus", *YEAR_FIELDS)}
_STAGED["company"] = "company_raw"


def semantic_problem_count(con: duckdb.DuckDBPyConnection, table: str, source_id: int) -> int:
    """How many staged rows of ``source_id`` break a rule (empty company, unknown currency...)."""
    bad = " OR ".join(f"({cond})" for cond, _ in _checks(_STAGED))
    row = con.execute(
        f"SELECT count(*) FROM {table} WHERE source_id = $sid AND ({bad})", {"sid": source_id}
    ).fetchone()
    return int(row[0]) if row else 0


# --- the diagnostic pass -----------------------------------------------------------------------

_DIAG = "offerlab_diag"


def _load_diag(con: duckdb.DuckDBPyConnection, plan: ImportPlan) -> tuple[list[Problem], list[int]]:
    """Load every value as text into a temp table with row numbers.

    Returns the structural problems (a line that is not a row of the header's columns) and
    the lines they are on.
    """
    con.execute(f"DROP TABLE IF EXISTS {_DIAG}")
    fields = [f for f in FIELDS if f in plan.columns]
    if plan.kind == "json":
        items = plan.items if plan.items is not None else load_json(plan.path)
        lists: list[list[str | None]] = [[] for _ in fields]
        for item in items:
            for i, name in enumerate(fields):
                value = item.get(plan.columns[name])
                if value is None or isinstance(value, str):
                    text = value
                elif isinstance(value, bool):
                    text = "true" if value else "false"
                else:
                    text = json.dumps(value)
                lists[i].append(None if text is not None and text.strip() in NULLS else text)
        selects = ", ".join(
            f"unnest($c{i}::VARCHAR[]) AS {_ident(n)}" for i, n in enumerate(fields)
        )
        params = {f"c{i}": values for i, values in enumerate(lists)}
        sql = f"SELECT {selects}" if fields else "SELECT 1 WHERE false"
        con.execute(
            f"CREATE TEMP TABLE {_DIAG} AS SELECT row_number() OVER () AS rownum, * FROM ({sql})",
            params,
        )
        return [], []
    rejects = "offerlab_rejects"
    for name in (rejects, rejects + "_scan"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    source = _csv_source(plan, {}, rejects=rejects)
    selects = ", ".join(f"{_ident(plan.columns[n])} AS {_ident(n)}" for n in fields)
    con.execute(
        f"CREATE TEMP TABLE {_DIAG} AS SELECT row_number() OVER () AS rownum, {selects} "
        f"FROM {source}"
    )
    rows = con.execute(
        f"SELECT line, error_type, error_message FROM {rejects} ORDER BY line"
    ).fetchall()
    problems: list[Problem] = []
    seen: set[int] = set()
    for line, error_type, message in rows:
        if int(line) in seen:
            continue
        seen.add(int(line))
        detail = str(message).splitlines()[0] if message else str(error_type)
        reason = f"not a row of the header's {len(plan.header)} columns ({detail})"
        problems.append(Problem(str(plan.path), f"line {int(line)}", reason))
    return problems, sorted(seen)


def _typed(plan: ImportPlan) -> dict[str, str]:
    """Typed expressions over the diagnostic table's text columns (NULL when it doesn't parse)."""

    def text(name: str) -> str:
        if name in plan.constants:
            return _q(plan.constants[name])
        return _ident(name) if name in plan.columns else "NULL"

    typed = {name: f"TRY_CAST({text(name)} AS DECIMAL(14,2))" for name in AMOUNT_FIELDS}
    typed |= {name: f"TRY_CAST({text(name)} AS DECIMAL(6,2))" for name in YEAR_FIELDS}
    if plan.date_format and "date" in plan.columns:
        typed["date"] = f"CAST(try_strptime({text('date')}, {_q(plan.date_format)}) AS DATE)"
    else:
        typed["date"] = _iso_date(text("date"))
    typed["currency"] = f"upper(trim({text('currency')}))"
    typed["company"] = text("company")
    return typed


def _diag_reasons(plan: ImportPlan) -> str:
    """A SQL expression: the row's problems joined by '; ' (empty when the row is good)."""

    def text(name: str) -> str:
        return _ident(name) if name in plan.columns else "NULL"

    typed = _typed(plan)
    parts: list[str] = []
    for name in AMOUNT_FIELDS:
        limit = f"{MAX_AMOUNT:,}"
        parts.append(
            f"CASE WHEN {text(name)} IS NOT NULL AND {typed[name]} IS NULL THEN "
            f"'{name} ' || {text(name)} || ' is not an amount (a number below {limit})' END"
        )
    for name in YEAR_FIELDS:
        parts.append(
            f"CASE WHEN {text(name)} IS NOT NULL AND {typed[name]} IS NULL THEN "
            f"'{name} ' || {text(name)} || ' is not a number of years' END"
        )
    if _levelsfyi_id(plan):
        parts.append(
            f"CASE WHEN {text('id')} IS NOT NULL AND TRY_CAST({text('id')} AS BIGINT) IS NULL "
            f"THEN 'rowNumber ' || {text('id')} || ' is not an integer' END"
        )
    expected = "M/D/YYYY H:MM:SS" if plan.date_format else "YYYY-MM-DD"
    parts.append(
        f"CASE WHEN {text('date')} IS NOT NULL AND {typed['date']} IS NULL THEN "
        f"'date ' || {text('date')} || ' is not a date ({expected})' END"
    )
    columns = {name: typed[name] for name in ("total", "currency", "base", "stock", "bonus")}
    columns |= {name: typed[name] for name in YEAR_FIELDS}
    columns["company"] = typed["company"]
    for cond, reason in _checks(columns):
        if reason == "unknown currency":
            parts.append(
                f"CASE WHEN {cond} THEN 'unknown currency ' || "
                f"coalesce('''' || {columns['currency']} || '''', '(none)') || "
                "'; expected an ISO 4217 code such as USD' END"
            )
        elif reason == "total is missing":
            if plan.total_optional:
                # Community reports and H-1B filings may state a base only.
                parts.append(
                    f"CASE WHEN {text('total')} IS NULL AND {text('base')} IS NULL "
                    "THEN 'neither base nor total' END"
                )
            else:
                parts.append(f"CASE WHEN {text('total')} IS NULL THEN 'total is missing' END")
        else:
            parts.append(f"CASE WHEN coalesce({cond}, false) THEN {_q(reason)} END")
    return "concat_ws('; ', " + ", ".join(parts) + ")"


def _row_lines(path: Path, rownums: set[int], rejected: set[int]) -> dict[int, int]:
    """The file line each parsed row starts on (rows may span lines inside quotes).

    ``rownums`` count the rows DuckDB parsed (header and ``rejected`` lines not counted).
    """
    lines: dict[int, int] = {}
    if not rownums:
        return lines
    last = max(rownums)
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        previous = reader.line_num
        count = 0
        for _row in reader:
            start, previous = previous + 1, reader.line_num
            if start in rejected:
                continue
            count += 1
            if count in rownums:
                lines[count] = start
            if count >= last:
                break
    return lines


def diagnose(con: duckdb.DuckDBPyConnection, plan: ImportPlan) -> tuple[list[Problem], int]:
    """Every bad row of the file (line or item number, reasons), and how many rows it has.

    Leaves the diagnostic table for :func:`insert_good_rows`.
    """
    problems, rejected = _load_diag(con, plan)
    rows = con.execute(
        f"SELECT rownum, reasons FROM (SELECT rownum, {_diag_reasons(plan)} AS reasons "
        f"FROM {_DIAG}) WHERE reasons <> '' ORDER BY rownum"
    ).fetchall()
    lines = (
        {}
        if plan.kind == "json"
        else _row_lines(plan.path, {int(r[0]) for r in rows}, set(rejected))
    )
    for rownum, reasons in rows:
        location = (
            f"item {int(rownum)}"
            if plan.kind == "json"
            else f"line {lines.get(int(rownum), int(rownum) + 1)}"
        )
        problems.append(Problem(str(plan.path), location, str(reasons)))
    problems.sort(key=lambda p: int(p.location.split()[1]))
    row = con.execute(f"SELECT count(*) FROM {_DIAG}").fetchone()
    return problems, (int(row[0]) if row else 0) + len(rejected)


def insert_good_rows(
    con: duckdb.DuckDBPyConnection, plan: ImportPlan, table: str, source_id: int
) -> int:
    """Insert the diagnostic table's good rows into ``table``; returns how many."""
    typed = _typed(plan)

    def text(name: str) -> str:
        if name in plan.constants:
            return _q(plan.constants[name])
        return _ident(name) if name in plan.columns else "NULL"

    values = {
        "source_id": str(int(source_id)),
        "external_id": "NULL" if _levelsfyi_id(plan) else text("id"),
        "currency": typed["currency"],
        "reported_on": typed["date"],
    }
    for name, column in _RAW_TEXT.items():
        values[column] = text(name)
    for name in (*AMOUNT_FIELDS, *YEAR_FIELDS):
        values[name] = typed[name]
    source = f"(SELECT * FROM {_DIAG} WHERE {_diag_reasons(plan)} = '' ORDER BY rownum)"
    id_num = f"TRY_CAST({text('id')} AS BIGINT)" if _levelsfyi_id(plan) else "NULL"
    result = con.execute(_insert_sql(plan, table, source, values, id_num)).fetchone()
    con.execute(f"DROP TABLE IF EXISTS {_DIAG}")
    return int(result[0]) if result else 0
