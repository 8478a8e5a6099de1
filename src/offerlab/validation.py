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
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from offerlab.errors import MalformedDocumentError, Problem, ProblemsError

__all__ = [
    "MAX_DEPTH",
    "MAX_LONG_TEXT",
    "MAX_NUMBER_CHARS",
    "MAX_SHORT_TEXT",
    "SHOWN_CHARS",
    "KeyedValueError",
    "KeyedValueErrors",
    "LongText",
    "ShortText",
    "check_document",
    "check_nesting",
    "clip",
    "control_character",
    "key_path",
    "parse_document",
    "problems_from_validation",
    "read_document",
    "show_value",
    "validate_document",
]

ModelT = TypeVar("ModelT", bound=BaseModel)


class KeyedValueError(ValueError):
    """A validator's error about a key other than the one being validated (a model-level
    check such as "prorated needs start_date"): it carries the key path and what is expected,
    so the problem is reported at that key rather than at the top level."""

    def __init__(self, key: str, message: str, expected: str = "") -> None:
        super().__init__(message)
        self.key = tuple(key.split("."))
        self.message = message
        self.expected = expected


class KeyedValueErrors(ValueError):
    """Several :class:`KeyedValueError` from one model-level check, reported together (a
    duplicate id and an unknown name in the same file are two problems, both shown)."""

    def __init__(self, errors: Sequence[KeyedValueError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = tuple(errors)

    @staticmethod
    def raise_all(errors: Sequence[KeyedValueError]) -> None:
        """Raise the one error, or all of them; nothing when there are none."""
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise KeyedValueErrors(errors)


def _plain_text(value: str) -> str:
    bad = control_character(value)
    if bad:
        raise ValueError(
            f"the text holds the control character {bad}; expected text without control "
            "characters (tab and line breaks are fine)"
        )
    return value


#: The longest short text (a name, company, title, level, location), in characters.
MAX_SHORT_TEXT = 200
#: The longest free text (notes), in characters.
MAX_LONG_TEXT = 5000
#: A name, company, title, level or location: at most :data:`MAX_SHORT_TEXT` characters,
#: no control characters (NUL cannot be stored in PostgreSQL).
ShortText = Annotated[str, Field(max_length=MAX_SHORT_TEXT), AfterValidator(_plain_text)]
#: Free text (notes): at most :data:`MAX_LONG_TEXT` characters, no control characters.
LongText = Annotated[str, Field(max_length=MAX_LONG_TEXT), AfterValidator(_plain_text)]


#: The last loc part of an error about a dict's key (``skills.cooking.[key]``).
_DICT_KEY = "[key]"


#: The longest text of a user's value an error message repeats (the rest is cut, so a
#: 500 KB value gives a short message, never an echo of itself).
SHOWN_CHARS = 60


def clip(text: str, width: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``width`` characters, saying how long it was when cut."""
    if len(text) <= width:
        return text
    return f"{text[: width - 1]}\u2026 ({len(text):,} characters)"


def show_value(value: Any) -> str:
    """A user's value as they wrote it: ``6.5`` and ``'text'``, not ``Decimal('6.5')``; long
    values are cut (:data:`SHOWN_CHARS`) and nested lists are not walked (any depth is safe)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite() or value.adjusted() >= 21:
            digits = len(value.as_tuple().digits)
            return f"a number of {digits:,} digits" if digits > SHOWN_CHARS else str(value)
        return clip(f"{value:f}")
    if isinstance(value, int):
        if value.bit_length() > 200:  # repr of an int over 4,300 digits raises
            return f"a number of about {int(value.bit_length() * 0.30103):,} digits"
        return clip(repr(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list | tuple):
        shown = ["a list" if isinstance(v, list | tuple) else show_value(v) for v in value[:6]]
        more = ", \u2026" if len(value) > 6 else ""
        return clip("[" + ", ".join(shown) + more + "]")
    if isinstance(value, str):
        return repr(clip(value))
    return clip(repr(value))


def key_path(loc: Sequence[int | str]) -> str:
    """``("equity", 0, "schedule")`` -> ``equity[0].schedule``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_UNION_TAG = re.compile(
    r"^(constrained-str|str|int|decimal|date|function-\w+\[.*\]|literal\[.*\]|list\[.*\]|"
    r"tuple\[.*\]|[A-Z]\w+)$"
)
_TYPE_ERRORS = {"string_type", "model_type", "dict_type", "list_type", "tuple_type"}


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
    value = show_value(error.get("input"))
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        allowed = ", ".join(model.model_fields) if model else ""
        return f"unknown key {loc[-1]!r}", f"one of: {allowed}" if allowed else "a known key"
    if kind == "missing":
        return "missing required key", _field_description(root, loc)
    if kind in {"decimal_parsing", "decimal_type", "int_parsing", "int_type", "float_parsing"}:
        return f"{value} is not a number", "a number"
    if kind in {"int_from_float"}:
        return f"{value} is not a whole number", "a whole number"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        bound = show_value(next(iter(ctx.values()), ""))
        words = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        if kind == "greater_than_equal" and bound == "0":
            text = "must not be negative"
        elif kind == "greater_than" and bound == "0":
            text = "must be more than 0"
        else:
            text = "is out of range"
        return f"{value} {text}", f"a number {words} {bound}"
    if kind == "literal_error":
        if error.get("loc", ())[-1:] == (_DICT_KEY,):
            noun = _key_noun(root, loc)
            return f"unknown {noun} {value}", f"one of {ctx.get('expected', '')}"
        return f"{value} is not allowed", str(ctx.get("expected", ""))
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return f"{value} is not a date", "a date such as 2026-09-01"
    if kind == "date_from_datetime_inexact":
        return f"{value} is a date and time", "a date without a time, such as 2026-09-01"
    if kind == "finite_number":
        return f"{value} is not a finite number", "a number"
    if kind in {"string_type"}:
        return f"{value} is not text", "a string"
    if kind in {"list_type", "tuple_type"}:
        return f"{value} is not a list", "a list"
    if kind in {"too_short"}:
        least = ctx.get("min_length", 1)
        item = "item" if least == 1 else "items"
        return f"{value} has too few items", f"at least {least} {item}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"{value} is not a table", "a table of keys"
    if kind == "string_pattern_mismatch":
        return f"{value} has the wrong form", f"text matching {ctx.get('pattern', '')}"
    if kind == "string_too_long":
        return f"{value} is too long", f"at most {ctx.get('max_length', '')} characters"
    if kind == "too_long":
        return "has too many items", f"at most {ctx.get('max_length', '')} items"
    if kind == "string_too_short":
        return "must not be empty", "some text"
    if kind == "value_error":
        cause = ctx.get("error")
        if isinstance(cause, KeyedValueError):
            return cause.message, cause.expected
        return str(cause if cause is not None else error["msg"]), ""
    return str(error["msg"]), ""


def _key_noun(root: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """What a dict field's keys are (its ``json_schema_extra`` ``key_noun``), else "key"."""
    model = _model_at(root, loc[:-1])
    if model is None or not loc or not isinstance(loc[-1], str):
        return "key"
    field = model.model_fields.get(loc[-1])
    extra = field.json_schema_extra if field is not None else None
    noun = extra.get("key_noun") if isinstance(extra, dict) else None
    return noun if isinstance(noun, str) else "key"


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
        raw = tuple(item["loc"])
        # A user's unknown key is always last: never mistake it for a union tag.
        keep_last = item["type"] == "extra_forbidden"
        kept: list[int | str] = []
        for i, p in enumerate(raw):
            tag = isinstance(p, str) and _UNION_TAG.match(p)
            # A key the model has (a field called `date`) is never a union tag.
            model = _model_at(root, kept)
            is_field = isinstance(p, str) and model is not None and p in model.model_fields
            if not tag or is_field or (keep_last and i == len(raw) - 1):
                kept.append(p)
        if kept[-1:] == [_DICT_KEY]:
            # A dict's bad key: reported at the dict, the key named in the message.
            kept = kept[:-2]
        loc = tuple(kept)
        ctx = item.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, KeyedValueErrors):
            for each in cause.errors:
                one = {**item, "ctx": {**ctx, "error": each}}
                grouped.setdefault(loc + each.key, []).append(one)
            continue
        if isinstance(cause, KeyedValueError):
            loc = loc + cause.key
        grouped.setdefault(loc, []).append(item)
    problems: list[Problem] = []
    for loc, items in grouped.items():
        deeper = any(len(other) > len(loc) and other[: len(loc)] == loc for other in grouped)
        if deeper:
            # "too few items" counted after the bad items were dropped: the items say it.
            items = [i for i in items if i["type"] != "too_short"]
            if not items:
                continue
        specific = [i for i in items if i["type"] not in _TYPE_ERRORS]
        if not specific and deeper:
            # A union member failed on type only while another member found the real
            # problem further in (a schedule table with a bad cadence): report that one.
            continue
        where = key_path(loc) or "(top level)"
        if len(items) > 1 and not specific:
            value = show_value(items[0].get("input"))
            problems.append(Problem(source, where, f"{value} has the wrong type", _forms(items)))
            continue
        for item in specific or items:
            message, expected = _describe(root, item, loc)
            problems.append(Problem(source, where, message, expected))
    return problems


def _forms(items: Sequence[Mapping[str, Any]]) -> str:
    names = {
        "string_type": "text",
        "model_type": "a table",
        "dict_type": "a table",
        "list_type": "a list",
    }
    forms = sorted({names.get(str(i["type"]), str(i["type"])) for i in items})
    return " or ".join(forms)


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


#: The deepest nesting of lists and tables a document may have. An offer file needs 6
#: (``equity[0].schedule.events[0][1]``), an API body wrapping offers 8; anything deeper is
#: refused before any code walks it (the parsers and the error messages recurse).
MAX_DEPTH = 32
#: The most characters a number may be written with (an amount of 1e12 has 13 digits; Python
#: refuses to read an integer of over 4,300 digits at all).
MAX_NUMBER_CHARS = 50
#: The largest power of ten a decimal may carry (``1e999999`` is a typing mistake, and
#: arithmetic on it overflows).
MAX_EXPONENT = 100
#: The longest key of a table.
MAX_KEY_CHARS = 100

#: Characters no text may hold: NUL (PostgreSQL cannot store it) and the other control
#: characters but tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Strings and brackets: enough of each syntax to measure nesting without parsing.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_TOML_TOKENS = re.compile(
    r"'''.*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|"
    r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]',
    re.DOTALL,
)
_LONG_DIGITS = re.compile("[0-9][0-9_]{" + str(MAX_NUMBER_CHARS) + ",}")


def control_character(text: str) -> str | None:
    """The first character ``text`` may not hold (NUL, other control characters but tab and
    line breaks), as ``U+0000``; None when there is none."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _too_deep(source: str, where: str) -> Problem:
    return Problem(
        source,
        where,
        f"lists and tables nested more than {MAX_DEPTH} levels deep",
        f"at most {MAX_DEPTH} levels",
    )


def _long_number(source: str, where: str, length: int) -> Problem:
    return Problem(
        source,
        where,
        f"a number written with {length:,} characters",
        f"a number of at most {MAX_NUMBER_CHARS} characters",
    )


class _LongNumber(ValueError):
    def __init__(self, literal: str) -> None:
        super().__init__(literal[:20])
        self.literal = literal


def _json_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _LongNumber(literal)
    return int(literal)


def _json_decimal(literal: str) -> Decimal:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _LongNumber(literal)
    return Decimal(literal)


def check_nesting(text: str, source: str, fmt: str, what: str) -> None:
    """Refuse text whose lists and tables nest deeper than :data:`MAX_DEPTH`, at the line and
    column where they do, before a parser recurses into it."""
    depth = 0
    for token in (_JSON_TOKENS if fmt == "json" else _TOML_TOKENS).finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                problem = _too_deep(source, _where(text, token.start()))
                raise MalformedDocumentError([problem], what)
        elif mark in "]}":
            depth -= 1


def check_document(data: Any, source: str, what: str) -> None:
    """Refuse parsed data no document should hold, each problem at its key path: nesting
    deeper than :data:`MAX_DEPTH` (dotted TOML keys nest without brackets), control
    characters in text or keys, overlong keys, numbers beyond :data:`MAX_NUMBER_CHARS` digits
    or :data:`MAX_EXPONENT`. Walks without recursion, so any depth is safe."""
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[int | str, ...]]] = [(data, ())]
    while stack and len(problems) < 20:
        value, loc = stack.pop()
        where = key_path(loc) or "(top level)"
        if isinstance(value, dict | list):
            if len(loc) >= MAX_DEPTH:
                problems.append(_too_deep(source, where))
                continue
            pairs = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
            for key, item in reversed(pairs):
                if isinstance(key, str):
                    if len(key) > MAX_KEY_CHARS:
                        message = f"a key of {len(key):,} characters ({clip(key, 30)!r})"
                        expected = f"a key of at most {MAX_KEY_CHARS} characters"
                        problems.append(Problem(source, where, message, expected))
                        continue
                    bad = control_character(key)
                    if bad:
                        message = f"the key {key!r} holds the control character {bad}"
                        problems.append(Problem(source, where, message, "a key of plain text"))
                        continue
                stack.append((item, (*loc, key)))
        elif isinstance(value, str):
            bad = control_character(value)
            if bad:
                message = f"the text holds the control character {bad}"
                expected = "text without control characters (tab and line breaks are fine)"
                problems.append(Problem(source, where, message, expected))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if value.bit_length() > MAX_NUMBER_CHARS * 3.32:
                length = int(value.bit_length() * 0.30103) + 1
                problems.append(_long_number(source, where, length))
        elif isinstance(value, Decimal) and value.is_finite():
            digits = len(value.as_tuple().digits)
            if digits > MAX_NUMBER_CHARS:
                problems.append(_long_number(source, where, digits))
            elif abs(value.adjusted()) > MAX_EXPONENT:
                problems.append(
                    Problem(
                        source,
                        where,
                        f"{show_value(value)} is out of range",
                        f"a number between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}",
                    )
                )
    if problems:
        raise ProblemsError(problems, what)


def _toml_problem(source: str, error: tomllib.TOMLDecodeError) -> Problem:
    text = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    where = f"line {match.group(1)}, column {match.group(2)}" if match else ""
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", text) or "malformed TOML"
    return Problem(source, where, f"malformed TOML: {reason}", "a valid TOML document")


def _parse(text: str, source: str, fmt: str, what: str) -> Any:
    if fmt not in {"toml", "json"}:
        problem = Problem(source, "", f"unknown format {fmt!r}", "toml or json")
        raise ProblemsError([problem], what)
    check_nesting(text, source, fmt, what)
    try:
        if fmt == "toml":
            return tomllib.loads(text, parse_float=_json_decimal)
        return json.loads(text, parse_float=_json_decimal, parse_int=_json_int)
    except _LongNumber as error:
        offset = max(text.find(error.literal), 0)
        problem = _long_number(source, _where(text, offset), len(error.literal))
    except tomllib.TOMLDecodeError as error:
        problem = _toml_problem(source, error)
    except json.JSONDecodeError as error:
        problem = Problem(
            source,
            f"line {error.lineno}, column {error.colno}",
            f"malformed JSON: {error.msg}",
            "a valid JSON object",
        )
    except ValueError:  # tomllib reading an integer of over 4,300 digits
        match = _LONG_DIGITS.search(text)
        offset = match.start() if match else 0
        length = len(match.group()) if match else 0
        problem = _long_number(source, _where(text, offset), length)
    except RecursionError:  # pragma: no cover - check_nesting stops this first
        problem = _too_deep(source, "")
    raise MalformedDocumentError([problem], what)


def parse_document(text: str, source: str, fmt: str, what: str) -> Any:
    """Parse TOML or JSON text with exact decimals. Text that does not parse is a
    :class:`~offerlab.errors.MalformedDocumentError`, data no document should hold (see
    :func:`check_document`) a :class:`~offerlab.errors.ProblemsError`; each problem is
    located, and nothing recurses however deep the input."""
    data = _parse(text, source, fmt, what)
    check_document(data, source, what)
    return data


def read_document(path: str | Path, what: str) -> Any:
    """Read and parse a TOML or JSON file (by suffix: ``.json``, else TOML)."""
    file = Path(path)
    source = str(path)
    try:
        text = file.read_text(encoding="utf-8-sig")  # a BOM from Notepad is not an error
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
