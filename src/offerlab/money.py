"""Money: exact decimal amounts tagged with an ISO 4217 currency code.

Amounts are :class:`decimal.Decimal` and never floats. They are fixed-point with twelve decimal
places (:data:`SCALE`), far below a cent: a share of a grant such as 1/48 is held to 1e-12 of a
currency unit, and then every sum is exact whatever the order or grouping of its terms.
Rounding to cents happens only at the edges (display and JSON output) through
:meth:`Money.rounded`.
Arithmetic between two currencies raises :class:`CurrencyMismatchError` instead of converting
silently: conversion is an explicit step with a dated rate (see ``offerlab.scenarios``).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

from offerlab.errors import CurrencyMismatchError, InvalidMoneyError

__all__ = [
    "CENT",
    "CURRENCIES",
    "SCALE",
    "D",
    "Money",
    "allocate_cents",
    "fmt_whole",
    "money_sum",
    "to_cents",
    "whole_units",
]

#: Active ISO 4217 codes that offerlab accepts.
CURRENCIES: Final = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
    """.split()  # noqa: SIM905 - a block of codes reads better than a list
)

CENT: Final = Decimal("0.01")
#: Internal resolution of every amount: 1e-12 of a currency unit.
SCALE: Final = Decimal("1e-12")

# 40 significant digits hold any amount below 1e27 at SCALE without loss.
_CONTEXT: Final = decimal.Context(prec=40, rounding=decimal.ROUND_HALF_EVEN)
_LIMIT: Final = Decimal("1e24")
#: Zero at SCALE, as ``Money.zero`` holds it.
_ZERO_AMOUNT: Final = Decimal(0).quantize(SCALE)


def D(value: str | int | Decimal) -> Decimal:
    """Make a Decimal from a string, an int or a Decimal; floats are refused (they are inexact)."""
    if isinstance(value, bool | float):
        raise InvalidMoneyError(
            f"{value!r} is a {type(value).__name__}; give amounts as strings or integers"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise InvalidMoneyError(f"{value!r} is not a number") from None
    else:
        raise InvalidMoneyError(f"{value!r} is not an amount")
    if not result.is_finite():
        raise InvalidMoneyError(f"{value!r} is not a finite amount")
    return result


def to_cents(amount: Decimal) -> Decimal:
    """Round an amount to cents, half up (the edge rounding used for display and JSON)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def whole_units(amount: Decimal) -> Decimal:
    """An amount in whole currency units, half up from its cents: the one rounding of every
    figure shown without cents (terminal, reports, pages), so they all agree with the JSON's
    cents. (Half up from the exact amount could differ from half up from its cents.)"""
    return to_cents(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def fmt_whole(value: Money | Decimal | int | float | None) -> str:
    """``139,221``: an amount in whole units with thousands separators (``-`` for None).

    Floats come from JSON documents that hold cents; they are read through their shortest
    repr, so 139220.5 is 139220.50 exactly.
    """
    if value is None:
        return "-"
    if isinstance(value, Money):
        amount = value.amount
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        amount = Decimal(value)
    return f"{whole_units(amount):,}"


def _check_currency(code: str) -> str:
    if code not in CURRENCIES:
        raise InvalidMoneyError(
            f"unknown currency {code!r}; expected an ISO 4217 code such as USD, EUR, GBP or INR"
        )
    return code


def _within_limit(amount: Decimal) -> Decimal:
    """``amount`` unchanged; :class:`InvalidMoneyError` when it is at or over the limit."""
    if abs(amount) >= _LIMIT:
        raise InvalidMoneyError(f"{amount} is too large an amount (the limit is 1e24)")
    return amount


def _at_scale(amount: Decimal) -> Decimal:
    """A finite ``amount`` below the limit, quantized to :data:`SCALE`; else
    :class:`InvalidMoneyError`. The one check every new amount passes."""
    if not amount.is_finite():
        raise InvalidMoneyError(f"{amount!r} is not a finite amount")
    return _within_limit(amount).quantize(SCALE, context=_CONTEXT)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount in one currency. Immutable; arithmetic returns new values."""

    amount: Decimal
    currency: str = "USD"

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            object.__setattr__(self, "amount", D(self.amount))
        object.__setattr__(self, "amount", _at_scale(self.amount))
        _check_currency(self.currency)

    @classmethod
    def _exact(cls, amount: Decimal, currency: str) -> Money:
        """A Money whose ``amount`` is already a Decimal at :data:`SCALE` below the limit and
        whose ``currency`` is already checked (the result of arithmetic on checked Money), so
        nothing is re-checked or re-quantized. Only this module's arithmetic calls it."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    def _scaled(self, amount: Decimal) -> Money:
        """``amount`` (a product or quotient of this amount) quantized to :data:`SCALE`, in
        this Money's (checked) currency; the same checks as the constructor's."""
        return Money._exact(_at_scale(amount), self.currency)

    def _summed(self, amount: Decimal) -> Money:
        """``amount``, an exact sum or difference of two amounts at :data:`SCALE` (so already
        at that scale), in this Money's currency; only the limit is checked."""
        return Money._exact(_within_limit(amount), self.currency)

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        if cls is Money:
            zero = _ZEROS.get(currency)
            if zero is None:
                zero = _ZEROS[currency] = Money(Decimal(0), currency)
            return zero
        return cls(Decimal(0), currency)

    def _same(self, other: Money, operation: str) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {operation} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency, operation)

    def __add__(self, other: Money) -> Money:
        self._same(other, "add")
        return self._summed(_CONTEXT.add(self.amount, other.amount))

    def __sub__(self, other: Money) -> Money:
        self._same(other, "subtract")
        return self._summed(_CONTEXT.subtract(self.amount, other.amount))

    def __neg__(self) -> Money:
        return Money._exact(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int | Fraction) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply Money by Money")
        if isinstance(factor, float | bool):
            raise TypeError("multiply Money by a Decimal, int or Fraction, not a float")
        if isinstance(factor, Fraction):
            scaled = _CONTEXT.multiply(self.amount, Decimal(factor.numerator))
            return self._scaled(_CONTEXT.divide(scaled, Decimal(factor.denominator)))
        return self._scaled(_CONTEXT.multiply(self.amount, Decimal(factor)))

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        if isinstance(divisor, Money | float | bool):
            raise TypeError("divide Money by a Decimal or int")
        if Decimal(divisor) == 0:
            raise ZeroDivisionError("cannot divide an amount by zero")
        return self._scaled(_CONTEXT.divide(self.amount, Decimal(divisor)))

    def running_parts(self, shares: Iterable[Fraction]) -> list[Money]:
        """The parts of this amount paid by running shares: part k is
        ``self * shares[k] - self * shares[k - 1]`` (``shares[-1]`` taken as 0), exactly what
        those Money operations give, so the parts add up to ``self * shares[-1]``.

        For the engine's instalments (monthly accruals, vests): the same arithmetic and checks,
        without making the intermediate values.
        """
        amount, currency = self.amount, self.currency
        multiply, divide, subtract = _CONTEXT.multiply, _CONTEXT.divide, _CONTEXT.subtract
        parts: list[Money] = []
        before = _ZERO_AMOUNT
        for share in shares:
            numerator, denominator = share.as_integer_ratio()
            through = _at_scale(divide(multiply(amount, Decimal(numerator)), Decimal(denominator)))
            parts.append(Money._exact(_within_limit(subtract(through, before)), currency))
            before = through
        return parts

    def _compare(self, other: Money) -> Decimal:
        self._same(other, "compare")
        return self.amount - other.amount

    def __lt__(self, other: Money) -> bool:
        return self._compare(other) < 0

    def __le__(self, other: Money) -> bool:
        return self._compare(other) <= 0

    def __gt__(self, other: Money) -> bool:
        return self._compare(other) > 0

    def __ge__(self, other: Money) -> bool:
        return self._compare(other) >= 0

    def __bool__(self) -> bool:
        return self.amount != 0

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def rounded(self) -> Money:
        """This amount rounded to cents (half up): for output, never inside a sum."""
        return Money(to_cents(self.amount), self.currency)

    def __str__(self) -> str:
        return f"{to_cents(self.amount):,.2f} {self.currency}"

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"


#: ``Money.zero(code)`` for each currency asked for (Money is immutable, so one is shared).
_ZEROS: dict[str, Money] = {}


def money_sum(values: Iterable[Money], currency: str) -> Money:
    """Add amounts of one currency; an empty sum is zero in ``currency``.

    The same as adding them one by one to ``Money.zero(currency)`` (the same checks and
    errors), without making the running totals.
    """
    total = Money.zero(currency).amount
    add = _CONTEXT.add
    for value in values:
        if not isinstance(value, Money):
            raise TypeError(f"cannot add Money and {type(value).__name__}")
        if value.currency != currency:
            raise CurrencyMismatchError(currency, value.currency, "add")
        total = _within_limit(add(total, value.amount))
    return Money._exact(total, currency)


def allocate_cents(amounts: Iterable[Decimal]) -> list[Decimal]:
    """Round a sequence of exact amounts to cents so that every run of shown parts adds up to
    its shown total: part k is round(running total through k) - round(running total before k).

    Each shown part is within a cent of its exact value, and the shown parts of any prefix add
    up to the rounded exact total of that prefix (so a table's cells add up to its totals).
    """
    shown: list[Decimal] = []
    running = Decimal(0)
    previous = Decimal(0)
    for amount in amounts:
        running += amount
        rounded = to_cents(running)
        shown.append(rounded - previous)
        previous = rounded
    return shown
