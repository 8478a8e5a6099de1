from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerlab.errors import CurrencyMismatchError, InvalidMoneyError
from offerlab.money import D, Money, money_sum, to_cents

amounts = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False
)


def usd(value: str) -> Money:
    return Money(D(value), "USD")


def test_addition_is_exact_decimal() -> None:
    assert usd("0.10") + usd("0.20") == usd("0.30")


def test_mixing_currencies_is_an_error() -> None:
    with pytest.raises(CurrencyMismatchError, match="cannot add USD and EUR"):
        usd("1") + Money(D("1"), "EUR")
    with pytest.raises(CurrencyMismatchError):
        _ = usd("1") < Money(D("1"), "GBP")


def test_floats_are_refused() -> None:
    with pytest.raises(InvalidMoneyError, match="float"):
        D(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        usd("1") * 1.5  # type: ignore[operator]


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(InvalidMoneyError, match="unknown currency 'XYZ'"):
        Money(D("1"), "XYZ")


def test_bad_number_text() -> None:
    with pytest.raises(InvalidMoneyError, match="not a number"):
        D("12abc")
    assert D("180,000") == Decimal(180000)


def test_rounding_happens_only_when_asked() -> None:
    third = usd("100") / 3
    assert third.amount != Decimal("33.33")
    assert third.rounded() == usd("33.33")
    assert to_cents(Decimal("0.005")) == Decimal("0.01")
    assert str(usd("1234.5")) == "1,234.50 USD"


def test_multiplying_by_a_fraction_is_exact_enough_to_telescope() -> None:
    grant = usd("200000")
    parts = [grant * Fraction(k, 48) - grant * Fraction(k - 1, 48) for k in range(1, 49)]
    assert money_sum(parts, "USD") == grant


@given(st.lists(amounts, max_size=30))
def test_sum_does_not_depend_on_order(values: list[Decimal]) -> None:
    forward = money_sum((Money(v, "USD") for v in values), "USD")
    backward = money_sum((Money(v, "USD") for v in reversed(values)), "USD")
    assert forward == backward
    assert forward.amount == sum(values, Decimal(0))


@given(amounts, amounts)
def test_subtraction_inverts_addition(a: Decimal, b: Decimal) -> None:
    assert (Money(a) + Money(b)) - Money(b) == Money(a)
