import decimal
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerlab.errors import CurrencyMismatchError, InvalidMoneyError
from offerlab.money import CURRENCIES, D, Money, money_sum, to_cents

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


# Arithmetic builds its results without re-running the constructor's checks (the operands were
# checked already). Each result must be exactly what the checked constructor makes of the same
# operation at the same precision (40 digits, half even): same value, same exponent (1e-12),
# same currency, so that checking it again changes nothing.
scaled_amounts = st.decimals(
    min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=12, allow_nan=False
)
currencies = st.sampled_from(sorted(CURRENCIES))
factors = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.fractions(min_value=-1000, max_value=1000, max_denominator=10_000),
    st.decimals(min_value=Decimal(-1000), max_value=Decimal(1000), places=6, allow_nan=False),
)


def checked(raw: Callable[[], Decimal], currency: str) -> Money:
    """The checked constructor applied to ``raw()`` worked out at Money's precision."""
    with decimal.localcontext(prec=40, rounding=decimal.ROUND_HALF_EVEN):
        amount = raw()
    return Money(amount, currency)


def assert_identical(fast: Money, slow: Money) -> None:
    assert type(fast) is Money
    assert (fast.amount.as_tuple(), fast.currency) == (slow.amount.as_tuple(), slow.currency)
    again = Money(fast.amount, fast.currency)
    assert again.amount.as_tuple() == fast.amount.as_tuple()


@given(scaled_amounts, scaled_amounts, currencies)
def test_sums_and_differences_equal_the_checked_constructor(
    a: Decimal, b: Decimal, currency: str
) -> None:
    x, y = Money(a, currency), Money(b, currency)
    assert_identical(x + y, checked(lambda: x.amount + y.amount, currency))
    assert_identical(x - y, checked(lambda: x.amount - y.amount, currency))
    assert_identical(-x, checked(lambda: -x.amount, currency))
    assert_identical(money_sum([x, y, x], currency), checked(lambda: a + b + a, currency))


@given(scaled_amounts, factors, currencies)
def test_products_and_quotients_equal_the_checked_constructor(
    a: Decimal, factor: int | Fraction | Decimal, currency: str
) -> None:
    x = Money(a, currency)
    if isinstance(factor, Fraction):
        n, d = Decimal(factor.numerator), Decimal(factor.denominator)
        assert_identical(x * factor, checked(lambda: x.amount * n / d, currency))
    else:
        assert_identical(x * factor, checked(lambda: x.amount * Decimal(factor), currency))
        if factor != 0:
            assert_identical(x / factor, checked(lambda: x.amount / Decimal(factor), currency))


def test_arithmetic_still_refuses_amounts_past_the_limit() -> None:
    big = Money(D("9e23"))
    with pytest.raises(InvalidMoneyError, match="too large"):
        big + big
    with pytest.raises(InvalidMoneyError, match="too large"):
        big - -big
    with pytest.raises(InvalidMoneyError, match="too large"):
        big * 2
    with pytest.raises(InvalidMoneyError, match="not a finite amount"):
        big * Decimal("Infinity")


def test_zero_is_shared_but_its_currency_is_still_checked() -> None:
    assert Money.zero("EUR") is Money.zero("EUR")
    assert Money.zero("EUR") == Money(D(0), "EUR")
    with pytest.raises(InvalidMoneyError, match="unknown currency"):
        Money.zero("XYZ")


@given(
    scaled_amounts,
    st.lists(st.fractions(min_value=0, max_value=1, max_denominator=10_000), max_size=20),
    currencies,
)
def test_running_parts_are_the_step_by_step_differences(
    a: Decimal, shares: list[Fraction], currency: str
) -> None:
    x = Money(a, currency)
    expected: list[Money] = []
    before = Money.zero(currency)
    for share in shares:
        through = x * share
        expected.append(through - before)
        before = through
    parts = x.running_parts(shares)
    assert len(parts) == len(expected)
    for fast, slow in zip(parts, expected, strict=True):
        assert_identical(fast, slow)


def test_money_sum_refuses_other_currencies_and_non_money() -> None:
    with pytest.raises(CurrencyMismatchError, match="cannot add USD and EUR"):
        money_sum([usd("1"), Money(D("1"), "EUR")], "USD")
    with pytest.raises(TypeError, match="cannot add Money and Decimal"):
        money_sum([usd("1"), Decimal(1)], "USD")  # type: ignore[list-item]
    with pytest.raises(InvalidMoneyError, match="too large"):
        money_sum([Money(D("9e23")), Money(D("9e23"))], "USD")
    assert money_sum([], "EUR") == Money.zero("EUR")
