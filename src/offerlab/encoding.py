"""The one JSON layer: how offerlab's values become JSON, for the CLI's ``--json`` and the web.

:func:`to_data` turns a value into plain JSON data (dicts, lists, str, int, float, bool,
None); :func:`dumps` writes it as text. Both front ends use them, so a figure is written the
same way whichever one prints it.

The rules, one per kind of value:

- ``Decimal``: a JSON number with a fraction (``Decimal("198000.00")`` and
  ``Decimal("198000")`` are both ``198000.0``), the shortest text that reads back as the same
  binary float. One type per field: an amount is never an integer one day and a fraction the
  next (the web used to write whole Decimals as integers and the CLI as fractions). Amounts
  are rounded to cents by their owners before they get here; not-a-number and infinity are
  refused (JSON has neither).
- :class:`~offerlab.money.Money`: its amount rounded to cents (half up), as above. The
  currency is the owner's to state (a contract names it once, beside the amounts).
- ``date``, ``datetime``, ``time``: ISO 8601 text.
- an ``Enum``: its value.
- a dataclass: an object of its fields, in their order.
- a Pydantic model: ``model_dump()`` of it, then these rules.
- mappings: objects (keys as text); lists, tuples and sets: arrays; a ``Path``: its text.

Hand-written conversion (``as_json``) is left only where a contract reshapes data: renames a
field, rounds a float, leaves something out or adds a figure computed from the rest.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from offerlab.money import Money, to_cents

__all__ = ["decimal_number", "dumps", "to_data", "to_object"]


def decimal_number(value: Decimal) -> float:
    """``value`` as a JSON number (a float: see the rules above)."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a number JSON can write")
    return float(value)


def to_data(value: Any) -> Any:
    """``value`` as plain JSON data, by the rules in this module's docstring."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return decimal_number(value)
    if isinstance(value, Money):
        return decimal_number(to_cents(value.amount))
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_data(value.value)
    if isinstance(value, Mapping):
        return {_key(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_data(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, PurePath):
        return str(value)
    dump = getattr(value, "model_dump", None)  # a Pydantic model (not imported for this)
    if callable(dump) and not isinstance(value, type):
        return to_data(dump(mode="python"))
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_object(value: Any) -> dict[str, Any]:
    """:func:`to_data` of a value that is a JSON object (a mapping, a dataclass, a model)."""
    data = to_data(value)
    if not isinstance(data, dict):
        raise TypeError(f"{type(value).__name__} is not written as a JSON object")
    return data


def _key(key: Any) -> str:
    data = to_data(key)
    return data if isinstance(data, str) else json.dumps(data)


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """``value`` as JSON text (UTF-8 characters as they are, not escaped)."""
    return json.dumps(to_data(value), indent=indent, ensure_ascii=False)
