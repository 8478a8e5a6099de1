"""Plausibility of an offer that validates: the mistakes a valid file can still carry.

A file can be valid and still say something its writer did not mean: a fraction where the key
wants a percent (``bonus_target_pct = 0.15`` is 0.15% of base), a monthly base where the key
wants a yearly one (15,833), an amount in thousands (``base = 185``), signing payments by
month where the key wants them by year, a refresher the size of a four-year grant, a start date
decades away. Each finding is an :class:`OfferWarning` naming the key, what looks wrong and
the likely intent; the offer is still evaluated as written. (What no reading makes sense of,
such as a cliff after the last vest or a schedule that does not add up to 100%, is an error
of the model itself.)

The check of a yearly base against the market needs the least yearly base that is plausible in
the offer's currency: it comes in through :class:`BaseFloor` (see ``offers/service.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Protocol

from offerlab.dates import DAYS_PER_YEAR
from offerlab.offers.model import Offer
from offerlab.validation import show_value

__all__ = ["BaseFloor", "OfferWarning", "plausibility_warnings"]

#: A percent key below 1 whose hundredfold is at most this reads as a fraction of 1.
_FRACTION_PCT_LIMIT: Final = {
    "bonus_target_pct": Decimal(100),
    "raise_pct": Decimal(20),
    "refreshers.pct_of_initial": Decimal(100),
}
#: More signing payments than this (one per offer year) look like monthly instalments.
_MAX_SIGNING_YEARS: Final = 4
#: A start date further ahead than this many years, or further back than the next, is asked
#: about.
_YEARS_AHEAD: Final = 2
_YEARS_BACK: Final = 30


class BaseFloor(Protocol):
    """The least plausible yearly base in a currency, and what it rests on (None: unknown)."""

    def __call__(self, currency: str) -> tuple[Decimal, str] | None: ...


@dataclass(frozen=True, slots=True)
class OfferWarning:
    """A valid offer's key that probably does not say what was meant: ``key`` (its path,
    ``equity[0].value``), ``message`` (what looks wrong) and ``likely`` (the likely intent)."""

    key: str
    message: str
    likely: str

    def line(self, source: str) -> str:
        """One line for a terminal: ``file: key: message; likely ...``."""
        return f"{source}: {self.key}: {self.message}; {self.likely}"


def _n(value: Decimal) -> str:
    """An amount as people read it: 15,833 or 15,833.5."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _toml(value: Decimal) -> str:
    """A number as a file would hold it: 189996 or 0.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fractions(offer: Offer) -> list[OfferWarning]:
    values = {
        "bonus_target_pct": offer.bonus_target_pct,
        "raise_pct": offer.raise_pct,
        "refreshers.pct_of_initial": (
            offer.refreshers.pct_of_initial if offer.refreshers is not None else None
        ),
    }
    out = []
    for key, value in values.items():
        if value is None or value == 0 or abs(value) >= 1:
            continue
        percent = value * 100
        if abs(percent) > _FRACTION_PCT_LIMIT[key]:
            continue
        out.append(
            OfferWarning(
                key,
                f"{show_value(value)} is {show_value(value)}% (the key is a percent, not a "
                "fraction of 1)",
                f"if you meant {_n(percent)}%, write {key.rsplit('.', 1)[-1]} = {_toml(percent)}",
            )
        )
    return out


def _base(offer: Offer, least: Decimal, basis: str) -> list[OfferWarning]:
    base = offer.base
    if base >= least:
        return []
    currency = offer.currency
    if base * 12 >= least:
        return [
            OfferWarning(
                "base",
                f"{_n(base)} {currency} a year is below {_n(least)} ({basis})",
                f"if {_n(base)} is a monthly salary, the yearly base is {_n(base * 12)}: write "
                f"base = {_toml(base * 12)}",
            )
        ]
    if base * 1000 >= least:
        return [
            OfferWarning(
                "base",
                f"{_n(base)} {currency} a year is below {_n(least)} ({basis})",
                f"if {_n(base)} is in thousands, write base = {_toml(base * 1000)}",
            )
        ]
    return []


def _thousands(offer: Offer, least: Decimal) -> list[OfferWarning]:
    """Amounts smaller than a week's pay at the least plausible yearly base: in thousands?"""
    week = least / 52
    amounts: list[tuple[str, Decimal]] = []
    if offer.signing is not None:
        if offer.signing.amount is not None:
            amounts.append(("signing.amount", offer.signing.amount))
        for index, payment in enumerate(offer.signing.payments or []):
            amounts.append((f"signing.payments[{index}]", payment))
    for index, grant in enumerate(offer.equity):
        if grant.value is not None:
            amounts.append((f"equity[{index}].value", grant.value))
    if offer.refreshers is not None and offer.refreshers.annual_value is not None:
        amounts.append(("refreshers.annual_value", offer.refreshers.annual_value))
    out = []
    for key, amount in amounts:
        if 0 < amount < week:
            out.append(
                OfferWarning(
                    key,
                    f"{_n(amount)} {offer.currency} is less than a week's pay at the least "
                    f"plausible base ({_n(least)} a year)",
                    f"if it is in thousands, write {_toml(amount * 1000)}",
                )
            )
    return out


def _signing(offer: Offer) -> list[OfferWarning]:
    signing = offer.signing
    if signing is None or signing.payments is None:
        return []
    count = len(signing.payments)
    if count <= _MAX_SIGNING_YEARS:
        return []
    return [
        OfferWarning(
            "signing.payments",
            f"{count} payments: payments[k] is paid at the start of offer year k+1, so these "
            f"run to year {count}",
            f"if they are monthly instalments of the first year, write signing.amount = "
            f"{_toml(signing.total)} (their sum)",
        )
    ]


def _refreshers(offer: Offer) -> list[OfferWarning]:
    refreshers = offer.refreshers
    if refreshers is None or refreshers.annual_value is None or not offer.equity:
        return []
    grant = offer.initial_equity_value
    if refreshers.annual_value <= grant or grant == 0:
        return []
    return [
        OfferWarning(
            "refreshers.annual_value",
            f"{_n(refreshers.annual_value)} a year is more than the whole new-hire grant "
            f"({_n(grant)}); annual_value is the value of each yearly grant, which then vests "
            "over its schedule",
            "if it is the total of several years of refreshers, write one year's grant",
        )
    ]


def _start(offer: Offer, today: date) -> list[OfferWarning]:
    start = offer.start_date
    if start is None:
        return []
    years = (start - today).days / DAYS_PER_YEAR
    if -_YEARS_BACK <= years <= _YEARS_AHEAD:
        return []
    when = f"{abs(years):.0f} years {'from now' if years > 0 else 'ago'}"
    return [
        OfferWarning(
            "start_date",
            f"{start.isoformat()} is {when} (today is {today.isoformat()})",
            "check the year: a start date sets the first bonus's proration and every dated vest",
        )
    ]


def plausibility_warnings(
    offer: Offer, today: date, floor: BaseFloor | None = None
) -> tuple[OfferWarning, ...]:
    """What in ``offer`` is valid but probably not what was meant (see the module
    docstring), in the order of the file's keys. Without a floor for the currency (none
    given, or none known), the checks of amounts against the market are left out."""
    found = floor(offer.currency) if floor is not None else None
    market: list[OfferWarning] = []
    if found is not None:
        market = [*_base(offer, *found), *_thousands(offer, found[0])]
    return (
        *[w for w in market if w.key == "base"],
        *_fractions(offer),
        *_signing(offer),
        *[w for w in market if w.key != "base"],
        *_refreshers(offer),
        *_start(offer, today),
    )
