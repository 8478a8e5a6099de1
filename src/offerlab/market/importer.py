"""Reading market files: format detection and column mapping.

A file becomes an :class:`ImportPlan`: its format, and which column holds which field. The
store reads it from there (:mod:`offerlab.store.record_import`, DuckDB).
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

from offerlab.errors import InputError
from offerlab.market.records import EVIDENCE_FORMATS, FIELDS, FORMATS, REQUIRED_FIELDS
from offerlab.validation import check_nesting

__all__ = [
    "EVIDENCE_FORMATS",
    "FORMATS",
    "LCA_LEVEL_PREFIX",
    "LEVELSFYI_COLUMNS",
    "NULLS",
    "ImportPlan",
    "ProgressFn",
    "content_hash",
    "load_json",
    "parse_mappings",
    "read_plan",
]

Format = Literal["levelsfyi", "csv", "json", "india", "lca", "oews"]

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
NULLS: Final = ("", "NA")
_SNIFF_BYTES: Final = 65536


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
    #: Rows already read and checked by a format's own reader (``india``, ``lca``), as text
    #: under our field names; the store loads them like a JSON list's items.
    items: tuple[Mapping[str, str | None], ...] | None = None
    #: An official statistics table (``oews``): its derived document; no records.
    official: Mapping[str, Any] | None = None
    #: What reading the file did (rows read, kept, dropped and why), for the import's answer.
    report: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> Literal["csv", "json"]:
        return "json" if self.format in ("json", "india", "lca") else "csv"

    @property
    def total_optional(self) -> bool:
        """Whether a row may state a base without a total (community reports, H-1B filings)."""
        return self.format in ("india", "lca")


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
    path: Path,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    name: str | None = None,
) -> ImportPlan:
    """Detect (or check) the format of ``path`` and map its columns to fields.

    Recognised from the content: an xlsx workbook or CSV in the LCA disclosure layout
    (``CASE_STATUS`` and ``WAGE_RATE_OF_PAY_FROM``) or BLS's OEWS layout (``OCC_CODE`` and
    ``A_MEDIAN``), the community offers JSON (objects with exactly its fields), a levels.fyi
    export, a generic CSV or JSON list. ``name`` (``--name``) may say an OEWS file's release.

    Raises :class:`InputError` for an empty file, a file that is not CSV or JSON, a missing
    column, or a ``--map`` naming a column the file does not have; the readers of the
    published formats raise :class:`ProblemsError` for a wrong layout or bad rows.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    mapping = dict(mapping or {})
    head = _read_head(path)
    # The published formats' readers (workbooks, community offers, filings, statistics) load
    # only when a file needs them: a records query imports this module for its types.
    from offerlab.market.tables import is_workbook

    if is_workbook(path):
        return _published_plan(path, fmt, _workbook_header(path), mapping, name)
    text = _text_head(path, head)
    if not text.strip():
        raise InputError(f"{path}: the file is empty; expected a header row and records")
    first = text.lstrip()[:1]
    looks_json = first in "[{"
    if fmt == "india" or (fmt in (None, "json") and looks_json):
        from offerlab.market.india import is_india_offers

        items = load_json(path)
        if fmt == "india" or (fmt is None and is_india_offers(items)):
            return _india_plan(path, mapping)
        return _json_plan(path, mapping, items)
    if looks_json:
        raise InputError(f"{path}: looks like JSON, not {fmt}; use --format json")
    lines = text.splitlines()
    try:
        header = next(csv.reader(io.StringIO(lines[0] if lines else "")))
    except (csv.Error, StopIteration):
        raise InputError(f"{path}: not a CSV or JSON file (no readable header row)") from None
    header = [column.strip() for column in header]
    upper = {column.upper() for column in header}
    if fmt in ("lca", "oews") or (fmt is None and (upper >= _LCA_MARKS or upper >= _OEWS_MARKS)):
        return _published_plan(path, fmt, tuple(column.upper() for column in header), mapping, name)
    if len(header) < 2 or any(not column for column in header):
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


def load_json(path: Path) -> list[dict[str, Any]]:
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


def _json_plan(
    path: Path, mapping: dict[str, str], items: list[dict[str, Any]] | None = None
) -> ImportPlan:
    items = items if items is not None else load_json(path)
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


# --- the published formats: community offers, H-1B filings, official statistics -------------

#: Columns that mark the LCA disclosure layout and BLS's OEWS layout.
_LCA_MARKS: Final = frozenset({"CASE_STATUS", "WAGE_RATE_OF_PAY_FROM"})
_OEWS_MARKS: Final = frozenset({"OCC_CODE", "A_MEDIAN"})
#: The fields an ``india`` or ``lca`` plan's items carry (the rest are absent).
_ITEM_FIELDS: Final = (
    "id",
    "company",
    "title",
    "tag",
    "level",
    "location",
    "currency",
    "base",
    "total",
    "years_experience",
    "date",
)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _no_maps(mapping: Mapping[str, str], fmt: str) -> None:
    if mapping:
        raise InputError(f"--map does not apply to {fmt} files: their layout is fixed")


def _workbook_header(path: Path) -> tuple[str, ...]:
    """The header of the first sheet with the LCA or OEWS marks (else the first sheet's)."""
    from offerlab.market.tables import workbook_headers

    headers = workbook_headers(path)
    for _, header in headers:
        if set(header) >= _LCA_MARKS or set(header) >= _OEWS_MARKS:
            return header
    return headers[0][1] if headers else ()


def _india_plan(path: Path, mapping: Mapping[str, str]) -> ImportPlan:

    from offerlab.market.india import parse_india

    _no_maps(mapping, "community offers")
    parsed = parse_india(path)
    items = tuple(
        {
            "id": offer.external_id,
            "company": offer.company_raw,
            "title": offer.role,
            "tag": None,
            "level": offer.role,
            "location": offer.location.raw or None,
            "currency": offer.currency,
            "base": _text(offer.base),
            "total": _text(offer.total),
            "years_experience": _text(offer.years_experience),
            "date": offer.reported_on.isoformat(),
        }
        for offer in parsed.offers
    )
    return ImportPlan(
        path,
        "india",
        _ITEM_FIELDS,
        {name: name for name in _ITEM_FIELDS},
        items=items,
        report=parsed.report(),
    )


#: How an H-1B filing's prevailing-wage level is kept in ``level_raw`` (as
#: ``offerlab.market.lca.LEVEL_PREFIX``; it is not a company level).
LCA_LEVEL_PREFIX: Final = "wage level "


def _lca_plan(path: Path) -> ImportPlan:
    from offerlab.market.lca import parse_lca

    parsed = parse_lca(path)
    items = tuple(
        {
            "id": filing.case_number,
            "company": filing.employer_raw,
            "title": filing.job_title,
            # The filed occupation (SOC code) is the record's tag: bands match on it.
            "tag": filing.soc_code,
            "level": f"{LCA_LEVEL_PREFIX}{filing.wage_level}" if filing.wage_level else None,
            "location": filing.worksite.raw or None,
            "currency": filing.currency,
            "base": _text(filing.wage),
            "total": None,
            "years_experience": None,
            "date": filing.received_on.isoformat(),
        }
        for filing in parsed.filings
    )
    if not items:
        raise InputError(f"{path}: no certified full-time filing; nothing to import")
    return ImportPlan(
        path,
        "lca",
        _ITEM_FIELDS,
        {name: name for name in _ITEM_FIELDS},
        items=items,
        report=parsed.report(),
    )


def _oews_plan(path: Path, name: str | None) -> ImportPlan:
    from offerlab.market.oews import oews_document, parse_oews, release_of

    release = release_of(*(n for n in (name, path.name) if n))
    if release is None:
        raise InputError(
            f"{path}: cannot tell which May release the OEWS estimates are for: keep BLS's "
            "file name (all_data_M_2025.xlsx) or give --name 'BLS OEWS May 2025'"
        )
    label, reference = release
    parsed = parse_oews(path)
    head = {
        "source": name or f"BLS OEWS {label}",
        "title": f"Occupational Employment and Wage Statistics, {label} estimates",
        "publisher": "U.S. Bureau of Labor Statistics",
        "release_label": label,
        "reference_date": reference.isoformat(),
        "published": None,
        "licence": "public domain (a work of the US federal government)",
        "notice": (
            "BLS.gov cannot vouch for the data or analyses derived from these data after the "
            "data have been retrieved from BLS.gov."
        ),
        "attribution": (
            f"U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, "
            f"{label}, cross-industry estimates; imported from {path.name}."
        ),
        "measures": "base pay: wages and salaries before deductions; no bonus, stock or benefits",
        "top_code_annual": None,
    }
    document = oews_document(parsed, head, path.name)
    if not document["rows"]:
        raise InputError(f"{path}: no cross-industry estimate (NAICS 000000); nothing to import")
    report = {
        "rows_read": parsed.rows_read,
        "cross_industry_kept": len(document["rows"]),
        "not_released_cells": parsed.not_released_cells,
        "top_coded_cells": parsed.top_coded_cells,
        "release": label,
    }
    return ImportPlan(path, "oews", (), {}, official=document, report=report)


def _published_plan(
    path: Path,
    fmt: str | None,
    header: tuple[str, ...],
    mapping: Mapping[str, str],
    name: str | None,
) -> ImportPlan:
    """The plan of an LCA disclosure file or an OEWS file (CSV or xlsx), by ``fmt`` or by
    the header's marks; a workbook of neither layout names both layouts' columns."""
    columns = set(header)
    if fmt == "lca" or (fmt is None and columns >= _LCA_MARKS):
        _no_maps(mapping, "LCA disclosure")
        return _lca_plan(path)
    if fmt == "oews" or (fmt is None and columns >= _OEWS_MARKS):
        _no_maps(mapping, "OEWS")
        return _oews_plan(path, name)

    from offerlab.market.lca import REQUIRED_COLUMNS as LCA_COLUMNS
    from offerlab.market.oews import REQUIRED_COLUMNS as OEWS_COLUMNS

    raise InputError(
        f"{path}: a workbook in neither layout offerlab reads: the LCA disclosure layout needs "
        f"{', '.join(LCA_COLUMNS)}; BLS's OEWS layout needs {', '.join(OEWS_COLUMNS)}; found "
        f"{', '.join(h for h in header if h) or 'no header'}"
    )
