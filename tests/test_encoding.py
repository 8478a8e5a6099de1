"""offerlab.encoding: the one JSON layer's rules."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel

from offerlab.encoding import dumps, to_data, to_object
from offerlab.money import Money


class Colour(enum.Enum):
    RED = "red"


@dataclass(frozen=True)
class Point:
    when: date
    amount: Decimal
    colour: Colour
    tags: tuple[str, ...] = ()


class Model(BaseModel):
    base: Decimal
    start: date


def test_decimals_are_numbers_with_a_fraction_whatever_their_places() -> None:
    assert to_data(Decimal("198000")) == 198000.0
    assert isinstance(to_data(Decimal("198000")), float)
    assert json.dumps(to_data(Decimal("198000.00"))) == "198000.0"
    assert to_data(Decimal("0.1")) == 0.1
    assert to_data(5) == 5
    assert isinstance(to_data(5), int)


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_not_a_number_is_refused(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="not a number"):
        to_data(bad)


def test_money_is_its_amount_in_cents() -> None:
    assert to_data(Money(Decimal("10.005"), "USD")) == 10.01
    assert to_data(Money(Decimal("7"), "GBP")) == 7.0


def test_dates_enums_dataclasses_models_paths_and_keys() -> None:
    point = Point(date(2026, 1, 2), Decimal("1.50"), Colour.RED, ("a", "b"))
    assert to_object(point) == {
        "when": "2026-01-02",
        "amount": 1.5,
        "colour": "red",
        "tags": ["a", "b"],
    }
    assert list(to_object(point)) == ["when", "amount", "colour", "tags"]  # field order
    assert to_data(Model(base=Decimal("200000"), start=date(2026, 9, 1))) == {
        "base": 200000.0,
        "start": "2026-09-01",
    }
    assert to_data(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05"
    assert to_data(Path("a/b")) == "a/b"
    assert to_data({2024: Decimal(1), Colour.RED: None}) == {"2024": 1.0, "red": None}
    assert to_data({1, 2}) in ([1, 2], [2, 1])


def test_unknown_values_and_non_objects_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot write object"):
        to_data(object())
    with pytest.raises(TypeError, match="not written as a JSON object"):
        to_object([1])


def test_dumps_keeps_characters_and_indents() -> None:
    assert dumps({"name": "Zürich"}) == '{\n  "name": "Zürich"\n}'
    assert dumps([1], indent=None) == "[1]"
