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
from offerlab.market.records import FIELDS, FORMATS, REQUIRED_FIELDS
from offerlab.validation import check_nesting

__all__ = [
    "FORMATS",
    "LEVELSFYI_COLUMNS",
    "NULLS",
    "ImportPlan",
    "ProgressFn",
    "content_hash",
    "load_json",
    "parse_mappings",
    "read_plan",
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

    @property
    def kind(self) -> Literal["csv", "json"]:
        return "json" if self.format == "json" else "csv"


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


def _json_plan(path: Path, mapping: dict[str, str]) -> ImportPlan:
    items = load_json(path)
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
