"""Validating documents (TOML or JSON files, API bodies) against Pydantic models, with every
problem reported at once as a located :class:`~offerlab.errors.Problem`.

Shared by offer files, negotiation profiles and interview pipelines: a document is read with
exact decimals (never floats), validated, and each Pydantic error becomes one line naming the
source, the key path (``equity[0].schedule``) or line, what was wrong and what is expected.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from offerlab.errors import Problem, ProblemsError

__all__ = [
    "key_path",
    "parse_document",
    "problems_from_validation",
    "read_document",
    "validate_document",
]

ModelT = TypeVar("ModelT", bound=BaseModel)


def key_path(loc: Sequence[int | str]) -> str:
    """``("equity", 0, "schedule")`` -> ``equity[0].schedule``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_UNION_TAG = re.compile(r"^(constrained-str|str|function-\w+\[.*\]|[A-Z]\w+)$")
_TYPE_ERRORS = {"string_type", "model_type", "dict_type", "list_type"}


def _model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model class whose keys live at ``loc`` (for listing the allowed keys)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _first_model(field.annotation)
    return model


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _describe(
    root: type[BaseModel], error: Mapping[str, Any], loc: tuple[int | str, ...]
) -> tuple[str, str]:
    """(message, expected) for one Pydantic error, in offerlab's words."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        allowed = ", ".join(model.model_fields) if model else ""
        return f"unknown key {loc[-1]!r}", f"one of: {allowed}" if allowed else "a known key"
    if kind == "missing":
        return "missing required key", _field_description(root, loc)
    if kind in {"decimal_parsing", "decimal_type", "int_parsing", "int_type", "float_parsing"}:
        return f"{value!r} is not a number", "a number"
    if kind in {"int_from_float"}:
        return f"{value!r} is not a whole number", "a whole number"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = next(iter(ctx.values()), "")
        words = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        if kind == "greater_than_equal" and bound == 0:
            text = "must not be negative"
        elif kind == "greater_than" and bound == 0:
            text = "must be more than 0"
        else:
            text = "is out of range"
        return f"{value!r} {text}", f"a number {words} {bound}"
    if kind == "literal_error":
        return f"{value!r} is not allowed", str(ctx.get("expected", ""))
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return f"{value!r} is not a date", "a date such as 2026-09-01"
    if kind in {"string_type"}:
        return f"{value!r} is not text", "a string"
    if kind in {"list_type"}:
        return f"{value!r} is not a list", "a list"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"{value!r} is not a table", "a table of keys"
    if kind == "string_pattern_mismatch":
        return f"{value!r} has the wrong form", f"text matching {ctx.get('pattern', '')}"
    if kind == "string_too_short":
        return "must not be empty", "some text"
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        return message, ""
    return str(error["msg"]), ""


def _field_description(root: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    model = _model_at(root, loc[:-1])
    if model is None or not isinstance(loc[-1], str):
        return "a value"
    field = model.model_fields.get(loc[-1])
    if field is None or not field.description:
        return "a value"
    return field.description


def problems_from_validation(
    error: ValidationError, source: str, root: type[BaseModel]
) -> list[Problem]:
    """Located problems from a Pydantic error, one per wrong key (union branches merged)."""
    grouped: dict[tuple[int | str, ...], list[Mapping[str, Any]]] = {}
    for details in error.errors():
        item: Mapping[str, Any] = dict(details)
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and _UNION_TAG.match(p)))
        grouped.setdefault(loc, []).append(item)
    problems: list[Problem] = []
    for loc, items in grouped.items():
        specific = [i for i in items if i["type"] not in _TYPE_ERRORS]
        if len(items) > 1 and not specific:
            value = items[0].get("input")
            message, expected = f"{value!r} has the wrong type", "a preset name or a table"
            problems.append(Problem(source, key_path(loc) or "(top level)", message, expected))
            continue
        for item in specific or items:
            message, expected = _describe(root, item, loc)
            problems.append(Problem(source, key_path(loc) or "(top level)", message, expected))
    return problems


def validate_document(model: type[ModelT], data: Any, source: str, what: str) -> ModelT:
    """Validate parsed ``data`` as ``model``, raising every problem at once.

    ``what`` names the document in the error summary (``"invalid offer"``).
    """
    if not isinstance(data, Mapping):
        raise ProblemsError(
            [Problem(source, "(top level)", "the document is not a table of keys", "an object")],
            what,
        )
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise ProblemsError(problems_from_validation(error, source, model), what) from None


def _toml_problem(source: str, error: tomllib.TOMLDecodeError) -> Problem:
    text = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    where = f"line {match.group(1)}, column {match.group(2)}" if match else ""
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", text) or "malformed TOML"
    return Problem(source, where, f"malformed TOML: {reason}", "a valid TOML document")


def parse_document(text: str, source: str, fmt: str, what: str) -> Any:
    """Parse TOML or JSON text with exact decimals; syntax errors become located problems."""
    if fmt == "toml":
        try:
            return tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as error:
            raise ProblemsError([_toml_problem(source, error)], what) from None
    if fmt == "json":
        try:
            return json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            problem = Problem(
                source,
                f"line {error.lineno}, column {error.colno}",
                f"malformed JSON: {error.msg}",
                "a valid JSON object",
            )
            raise ProblemsError([problem], what) from None
    raise ProblemsError([Problem(source, "", f"unknown format {fmt!r}", "toml or json")], what)


def read_document(path: str | Path, what: str) -> Any:
    """Read and parse a TOML or JSON file (by suffix: ``.json``, else TOML)."""
    file = Path(path)
    source = str(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        problem = Problem(source, "", "no such file", "the path of a TOML or JSON file")
        raise ProblemsError([problem], what) from None
    except IsADirectoryError:
        problem = Problem(source, "", "is a folder, not a file", "a TOML or JSON file")
        raise ProblemsError([problem], what) from None
    except UnicodeDecodeError:
        problem = Problem(source, "", "is not UTF-8 text", "a TOML or JSON file")
        raise ProblemsError([problem], what) from None
    except OSError as error:
        problem = Problem(source, "", f"cannot be read ({error.strerror})", "a readable file")
        raise ProblemsError([problem], what) from None
    fmt = "json" if file.suffix.lower() == ".json" else "toml"
    return parse_document(text, source, fmt, what)
