"""Exchange rates: a dated table shipped in the package, overridable by a file or a flag.

A rate converts one currency into another and always carries its date and source, so every
converted figure can say which rate made it. The shipped table
(``data/currency/rates.toml``) quotes currencies against one base (the euro); a cross rate goes
through the base. ``--rates FILE`` replaces the table (same format), ``--rate GBP:USD=1.27``
(optionally ``@2025-11-01``) adds a direct rate, and its inverse.

A rate is looked up for a date (the day the converted figures are stated for; today unless the
caller knows better): the latest rate dated on or before that day, a ``--rate`` winning a tie.
None on or before it is an error, never a rate from the future. A rate used for a day more than
:data:`STALE_AFTER_DAYS` after its own date says how old it is wherever it is named.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from offerlab.errors import InputError
from offerlab.money import CURRENCIES, Money
from offerlab.offers.model import Offer
from offerlab.validation import parse_document, read_document, validate_document

__all__ = [
    "STALE_AFTER_DAYS",
    "Rate",
    "RatesFile",
    "RatesTable",
    "convert_offer",
    "load_table",
    "parse_rate_flag",
]

_WHAT = "invalid rates file"
#: A rate used for a day more than this many days after its own date says how old it is.
STALE_AFTER_DAYS = 30


class RatesFile(BaseModel):
    """A rates document: units of each currency for one unit of ``base``, as of ``date``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str = Field(description="the currency every rate is quoted against, e.g. EUR")
    date: datetime.date = Field(description="the day the rates are from")
    source: str = Field(min_length=1, description="who published the rates")
    rates: dict[str, Annotated[Decimal, Field(gt=0)]] = Field(
        description="units of each currency for one unit of base"
    )

    @field_validator("base")
    @classmethod
    def _base_code(cls, value: str) -> str:
        if value.upper() not in CURRENCIES:
            raise ValueError(f"unknown currency {value!r}; expected an ISO 4217 code")
        return value.upper()

    @field_validator("rates")
    @classmethod
    def _codes(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        unknown = [code for code in value if code.upper() not in CURRENCIES]
        if unknown:
            raise ValueError(f"unknown currency codes: {', '.join(unknown)}")
        return {code.upper(): rate for code, rate in value.items()}


@dataclass(frozen=True, slots=True)
class Rate:
    """``1 from_`` = ``value to``, as of ``date`` (from ``source``), used for ``used_for`` (the
    day the converted figures are stated for, when the lookup was given one)."""

    from_: str
    to: str
    value: Decimal
    date: date
    source: str
    used_for: datetime.date | None = None

    def convert(self, money: Money) -> Money:
        if money.currency != self.from_:
            raise InputError(f"a {self.from_}->{self.to} rate cannot convert {money.currency}")
        return Money(money.amount * self.value, self.to)

    def inverse(self) -> Rate:
        return Rate(self.to, self.from_, 1 / self.value, self.date, self.source, self.used_for)

    @property
    def age_days(self) -> int | None:
        """Days from the rate's date to the day it is used for (None when not known)."""
        return None if self.used_for is None else (self.used_for - self.date).days

    @property
    def age_note(self) -> str:
        """E.g. ``642 days older than 2026-12-02, the date it is used for`` when the rate is
        more than :data:`STALE_AFTER_DAYS` days old for that date; else empty."""
        age = self.age_days
        if age is None or age <= STALE_AFTER_DAYS or self.used_for is None:
            return ""
        return f"{age:,} days older than {self.used_for.isoformat()}, the date it is used for"

    def describe(self) -> str:
        """E.g. ``1 GBP = 1.2602 USD (2025-02-28, European Central Bank ...)``, with the
        rate's age when it is stale for the day it is used for."""
        age = f"; {self.age_note}" if self.age_note else ""
        return (
            f"1 {self.from_} = {self.value:.6g} {self.to} "
            f"({self.date.isoformat()}, {self.source}{age})"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.from_,
            "to": self.to,
            "rate": float(self.value),
            "date": self.date.isoformat(),
            "source": self.source,
            "used_for": self.used_for.isoformat() if self.used_for else None,
            "age_days": self.age_days,
            "age_note": self.age_note or None,
            "description": self.describe(),
        }


@dataclass(frozen=True, slots=True)
class RatesTable:
    """Rates against one base currency, as of one date, plus direct dated rates."""

    base: str
    date: date
    source: str
    per_base: dict[str, Decimal]
    overrides: dict[tuple[str, str], tuple[Rate, ...]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, doc: RatesFile) -> RatesTable:
        per_base = dict(doc.rates)
        per_base.setdefault(doc.base, Decimal(1))
        return cls(doc.base, doc.date, doc.source, per_base)

    @classmethod
    def bundled(cls) -> RatesTable:
        """The table shipped in the package."""
        return _bundled()

    @classmethod
    def load(cls, path: str | Path) -> RatesTable:
        """A rates file (TOML or JSON) in the shipped table's format."""
        doc = validate_document(RatesFile, read_document(path, _WHAT), str(path), _WHAT)
        return cls.from_document(doc)

    def with_rates(self, rates: list[Rate]) -> RatesTable:
        """This table with direct rates added (each also gives its inverse)."""
        extra = dict(self.overrides)
        for rate in rates:
            for pair, item in (
                ((rate.from_, rate.to), rate),
                ((rate.to, rate.from_), rate.inverse()),
            ):
                extra[pair] = (*extra.get(pair, ()), item)
        return RatesTable(self.base, self.date, self.source, self.per_base, extra)

    def rate(self, from_: str, to: str, on: datetime.date | None = None) -> Rate:
        """The rate from one currency to another for the day ``on`` (default today): the latest
        dated on or before it, a direct rate winning a tie with the table. None is an
        InputError that says how to give one."""
        day = on or date.today()
        if from_ == to:
            return Rate(from_, to, Decimal(1), day, "same currency", day)
        candidates = [r for r in self.overrides.get((from_, to), ()) if r.date <= day]
        missing = [code for code in (from_, to) if code not in self.per_base]
        if not missing and self.date <= day:
            value = self.per_base[to] / self.per_base[from_]
            candidates.append(Rate(from_, to, value, self.date, self.source))
        if candidates:
            # max keeps the first of equal dates: direct rates come before the table's.
            best = max(candidates, key=lambda r: r.date)
            return replace(best, used_for=day)
        hint = (
            f"give one with --rate {from_}:{to}=VALUE@YYYY-MM-DD (a date on or before "
            f"{day.isoformat()}) or a table with --rates FILE"
        )
        if missing and not self.overrides.get((from_, to)):
            raise InputError(
                f"no exchange rate for {from_} to {to}: the table ({self.source}) has no "
                f"{' or '.join(missing)}; {hint}"
            )
        dates = {r.date for r in self.overrides.get((from_, to), ())}
        if not missing:
            dates.add(self.date)
        dated = sorted(dates)
        raise InputError(
            f"no exchange rate for {from_} to {to} on or before {day.isoformat()}: the rates "
            f"offerlab has are dated {', '.join(d.isoformat() for d in dated)}, and a rate from "
            f"after the date would restate the figures in money of another time; {hint}"
        )

    def convert(self, money: Money, to: str, on: datetime.date | None = None) -> tuple[Money, Rate]:
        rate = self.rate(money.currency, to, on)
        return rate.convert(money), rate


@functools.cache
def _bundled() -> RatesTable:
    text = (
        resources.files("offerlab")
        .joinpath("data", "currency", "rates.toml")
        .read_text(encoding="utf-8")
    )
    data = parse_document(text, "rates.toml", "toml", _WHAT)
    return RatesTable.from_document(validate_document(RatesFile, data, "rates.toml", _WHAT))


_FLAG = re.compile(
    r"^\s*(?P<src>[A-Za-z]{3})\s*:\s*(?P<dst>[A-Za-z]{3})\s*=\s*(?P<value>[0-9]*\.?[0-9]+)"
    r"\s*(?:@\s*(?P<date>\d{4}-\d{2}-\d{2}))?\s*$"
)


def parse_rate_flag(text: str, today: date | None = None) -> Rate:
    """``GBP:USD=1.27`` (1 GBP = 1.27 USD), optionally ``@2025-11-01`` for its date (default:
    today, since the user gave it now)."""
    match = _FLAG.match(text)
    if match is None:
        raise InputError(
            f"--rate {text!r} is not a rate; expected FROM:TO=VALUE such as GBP:USD=1.27, "
            "optionally @YYYY-MM-DD for its date"
        )
    src, dst = match["src"].upper(), match["dst"].upper()
    for code in (src, dst):
        if code not in CURRENCIES:
            raise InputError(f"--rate {text!r}: unknown currency {code!r}")
    value = Decimal(match["value"])
    if value <= 0:
        raise InputError(f"--rate {text!r}: a rate must be more than 0")
    when = today or date.today()
    if match["date"]:
        try:
            when = date.fromisoformat(match["date"])
        except ValueError:
            raise InputError(f"--rate {text!r}: {match['date']} is not a date") from None
    return Rate(src, dst, value, when, "--rate on the command line")


def load_table(rates_file: Path | None, flags: list[str] | None) -> RatesTable:
    """The table for a command: the shipped one or ``rates_file``, plus ``--rate`` flags."""
    table = RatesTable.load(rates_file) if rates_file is not None else RatesTable.bundled()
    if flags:
        table = table.with_rates([parse_rate_flag(flag) for flag in flags])
    return table


def convert_offer(offer: Offer, rate: Rate) -> Offer:
    """``offer`` restated in ``rate.to``: every amount times the rate (shares stay shares)."""
    if offer.currency != rate.from_:
        raise InputError(f"a {rate.from_}->{rate.to} rate cannot restate a {offer.currency} offer")

    def x(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * rate.value

    signing = offer.signing
    if signing is not None:
        signing = signing.model_copy(
            update={
                "amount": x(signing.amount),
                "payments": None
                if signing.payments is None
                else [value * rate.value for value in signing.payments],
            }
        )
    equity = [
        grant.model_copy(
            update={
                "value": x(grant.value),
                "price": x(grant.price),
                "current_price": x(grant.current_price),
                "strike": x(grant.strike),
                "fmv": x(grant.fmv),
            }
        )
        for grant in offer.equity
    ]
    refreshers = offer.refreshers
    if refreshers is not None:
        refreshers = refreshers.model_copy(update={"annual_value": x(refreshers.annual_value)})
    other = [item.model_copy(update={"amount": item.amount * rate.value}) for item in offer.other]
    return offer.model_copy(
        update={
            "currency": rate.to,
            "base": offer.base * rate.value,
            "signing": signing,
            "equity": equity,
            "refreshers": refreshers,
            "other": other,
        }
    )
