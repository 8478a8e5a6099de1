"""Reading market files: format detection, column mapping, validation and staging in DuckDB.

A file becomes an :class:`ImportPlan` (its format, and which column holds which field), then
DuckDB reads it in one vectorised pass straight into a ``records`` table of the columnar schema
(:mod:`offerlab.store.columnar`): the store's file in the default set-up, an in-memory one on
the way to PostgreSQL. Bad rows make that fast pass fail; only then does a slower diagnostic
pass read every value as text, with row numbers, to list each bad row and why.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import duckdb

from offerlab.errors import InputError, Problem
from offerlab.market.records import AMOUNT_FIELDS, FIELDS, FORMATS, REQUIRED_FIELDS, YEAR_FIELDS
from offerlab.money import CURRENCIES
from offerlab.validation import check_nesting

__all__ = [
    "FORMATS",
    "LEVELSFYI_COLUMNS",
    "ImportPlan",
    "ProgressFn",
    "content_hash",
    "diagnose",
    "insert_good_rows",
    "parse_mappings",
    "read_plan",
    "semantic_problem_count",
    "stage_fast",
]

Format = Literal["levelsfyi", "csv", "json"]

#: Called with a stage description and the fraction done (0..1) of that stage.
ProgressFn = Callable[[str, float], None]

#: levels.fyi export column -> our field.
LEVELSFYI_COLUMNS: Final = {
    "timestamp": "date",
    "company": "company",
    "level": "level",
    "title": "title",
    "totalyearlycompensation": "total",
    "location": "location",
    "yearsofexperience": "years_experience",
    "yearsatcompany": "years_at_company",
    "tag": "tag",
    "basesalary": "base",
    "stockgrantvalue": "stock",
    "bonus": "bonus",
    "rowNumber": "id",
}
_LEVELSFYI_REQUIRED: Final = ("timestamp", "company", "title", "totalyearlycompensation")
_LEVELSFYI_TIMESTAMP: Final = "%m/%d/%Y %H:%M:%S"
_NULLS: Final = ("", "NA")
_SNIFF_BYTES: Final = 65536
MAX_AMOUNT: Final = 10**12  # Numeric(14, 2)
MAX_YEARS: Final = 10**4  # Numeric(6, 2)

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


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """How to read one file: its format and which source column holds each field.

    ``columns`` maps a field to the file's column (CSV) or key (JSON); ``header`` is every
    column in file order. levels.fyi files state amounts in USD, so ``currency`` is constant.
    """

    path: Path
    format: Format
    header: tuple[str, ...]
    columns: Mapping[str, str]
    constants: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None

    @property
    def kind(self) -> Literal["csv", "json"]:
        return "json" if self.format == "json" else "csv"


def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    """A quoted SQL identifier."""
    return '"' + text.replace('"', '""') + '"'


def parse_mappings(items: Sequence[str]) -> dict[str, str]:
    """``["column=field", ...]`` -> ``{field: column}``; an unknown field is an error."""
    mapping: dict[str, str] = {}
    for item in items:
        column, sep, target = item.partition("=")
        column, target = column.strip(), target.strip()
        if not sep or not column or not target:
            raise InputError(f"--map {item!r}: expected COLUMN=FIELD, such as salary=base")
        if target not in FIELDS:
            raise InputError(
                f"--map {item!r}: unknown field {target!r}; fields are {', '.join(FIELDS)}"
            )
        mapping[target] = column
    return mapping


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a CSV or JSON file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def _text_head(path: Path, head: bytes) -> str:
    if b"\x00" in head:
        raise InputError(f"{path}: not a CSV or JSON file (it contains binary data)")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        return decoder.decode(head, final=len(head) < _SNIFF_BYTES)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a CSV or JSON file (it is not UTF-8 text)") from None


def read_plan(
    path: Path, fmt: str | None = None, mapping: Mapping[str, str] | None = None
) -> ImportPlan:
    """Detect (or check) the format of ``path`` and map its columns to fields.

    Raises :class:`InputError` for an empty file, a file that is not CSV or JSON, a missing
    column, or a ``--map`` naming a column the file does not have.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    mapping = dict(mapping or {})
    text = _text_head(path, _read_head(path))
    if not text.strip():
        raise InputError(f"{path}: the file is empty; expected a header row and records")
    first = text.lstrip()[:1]
    looks_json = first in "[{"
    if fmt == "json" or (fmt is None and looks_json):
        return _json_plan(path, mapping)
    if looks_json:
        raise InputError(f"{path}: looks like JSON, not {fmt}; use --format json")
    lines = text.splitlines()
    try:
        header = next(csv.reader(io.StringIO(lines[0] if lines else "")))
    except (csv.Error, StopIteration):
        raise InputError(f"{path}: not a CSV or JSON file (no readable header row)") from None
    header = [name.strip() for name in header]
    if len(header) < 2 or any(not name for name in header):
        raise InputError(
            f"{path}: not a CSV file with a header row (found {lines[0][:80]!r}); "
            "expected columns such as company,total,currency or a levels.fyi export"
        )
    if len(set(header)) != len(header):
        raise InputError(f"{path}: the header names a column twice")
    is_levelsfyi = "totalyearlycompensation" in header
    if fmt == "levelsfyi" or (fmt is None and is_levelsfyi):
        columns = {f: c for c, f in LEVELSFYI_COLUMNS.items() if c in header}
        missing = [c for c in _LEVELSFYI_REQUIRED if c not in header]
        plan_format: Format = "levelsfyi"
        constants = {"currency": "USD"}
        date_format: str | None = _LEVELSFYI_TIMESTAMP
    else:
        by_fold = {name.casefold(): name for name in header}
        columns = {str(f): by_fold[f] for f in FIELDS if f in by_fold}
        missing = []
        plan_format = "csv"
        constants = {}
        date_format = None
    for target, column in mapping.items():
        if column not in header:
            raise InputError(
                f"--map {column}={target}: {path} has no column {column!r}; "
                f"its columns are {', '.join(header)}"
            )
        columns = {f: c for f, c in columns.items() if c != column}
        columns[target] = column
        constants.pop(target, None)
        if target == "date" and plan_format == "levelsfyi" and column != "timestamp":
            date_format = None
    if plan_format == "csv":
        missing = [f for f in REQUIRED_FIELDS if f not in columns]
    else:
        missing = [c for c in missing if c not in columns.values()]
    if missing:
        raise InputError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
            + (
                "; a generic CSV needs company, total and currency (map others with --map)"
                if plan_format == "csv"
                else ""
            )
        )
    return ImportPlan(path, plan_format, tuple(header), columns, constants, date_format)


def _load_json(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text("utf-8-sig")
        check_nesting(text, str(path), "json", "not a market data file")
        data = json.loads(text, parse_float=str, parse_int=str)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a CSV or JSON file (it is not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputError(f"{path}: expected a JSON list of objects, one record an object")
    if not data:
        raise InputError(f"{path}: the file has no records (an empty list)")
    return data


def _json_plan(path: Path, mapping: dict[str, str]) -> ImportPlan:
    items = _load_json(path)
    keys: list[str] = []
    for item in items:
        keys.extend(k for k in item if k not in keys)
    by_fold = {name.casefold(): name for name in keys}
    columns: dict[str, str] = {f: by_fold[f] for f in FIELDS if f in by_fold}
    for target, column in mapping.items():
        if column not in keys:
            raise InputError(f"--map {column}={target}: no object in {path} has key {column!r}")
        columns = {f: c for f, c in columns.items() if c != column}
        columns[target] = column
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        raise InputError(
            f"{path}: missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            "every record needs company, total and currency"
        )
    return ImportPlan(path, "json", tuple(keys), columns)


def content_hash(path: Path, progress: ProgressFn | None = None) -> str:
    """SHA-256 of the file's bytes (hex): the same file imported twice is recognised."""
    digest = hashlib.sha256()
    size = max(path.stat().st_size, 1)
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(8 << 20):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress("hashing", done / size)
    return digest.hexdigest()


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
        "nullstr=[" + ", ".join(_q(v) for v in _NULLS) + "]",
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
        items = _load_json(plan.path)
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
                lists[i].append(None if text is not None and text.strip() in _NULLS else text)
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
