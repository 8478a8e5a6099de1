"""The cash-flow engine: every payment and vest of an offer as a dated event.

Time is counted in months from the start date (month 0). Events roll into *offer years*, twelve
months each from the start:

* base accrues monthly: month m's pay (m = 1, 2, ...) belongs to offer year ceil(m/12);
* a vest or an annual bonus at month m belongs to offer year ceil(m/12), so the vest at month 12
  and the first annual bonus count in year 1;
* a payment made "at the start of offer year k" (a signing instalment, a one-off item) is dated
  month 12(k-1) and counts in year k.

Amounts are exact :class:`~offerlab.money.Money` in the offer's currency, never rounded here.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from offerlab.money import Money
from offerlab.offers.model import EquityGrant, Offer
from offerlab.offers.vesting import VestingSchedule

__all__ = [
    "CashEvent",
    "Component",
    "add_months",
    "first_bonus_fraction",
    "offer_events",
    "offer_year_of_month",
]


class Component(StrEnum):
    """The parts of an offer's pay, as reported by year."""

    BASE = "base"
    BONUS = "bonus"
    EQUITY = "equity"
    SIGNING = "signing"
    REFRESHER = "refresher"
    OTHER = "other"


_ORDER: dict[Component, int] = {component: index for index, component in enumerate(Component)}


class CashEvent(NamedTuple):
    """One payment or vest: ``month`` months after the start, counted in offer ``year``.

    An immutable record (a named tuple: an offer makes hundreds of them per evaluation)."""

    month: int
    year: int
    component: Component
    amount: Money
    label: str
    date: date | None = None


def offer_year_of_month(month: int) -> int:
    """Offer year of an accrual, vest or bonus dated ``month`` months after the start."""
    return max(1, -(-month // 12))


@lru_cache(maxsize=4096)
def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months, the day clamped to the month's length."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def first_bonus_fraction(offer: Offer) -> Fraction:
    """Share of a full bonus paid for the first bonus year: 1, or the days worked in it."""
    if offer.bonus_first_year == "full" or offer.start_date is None:
        return Fraction(1)
    start = offer.start_date
    end_month, end_day = (int(p) for p in offer.bonus_year_end.split("-"))
    year_end = date(start.year, end_month, end_day)
    if year_end < start:
        year_end = date(start.year + 1, end_month, end_day)
    year_begin = date(year_end.year - 1, end_month, end_day)
    worked = (year_end - start).days + 1
    length = (year_end - year_begin).days
    return Fraction(min(worked, length), length)


def _grant_vests(
    grant_total: Money,
    schedule: VestingSchedule,
    offset: int,
) -> Iterator[tuple[int, Money]]:
    """Vest amounts of one grant as cumulative differences, so they add up to the whole."""
    parts = grant_total.running_parts(through for _, through in schedule.cumulative)
    for (month, _), vest in zip(schedule.cumulative, parts, strict=True):
        yield offset + month, vest


def _monthly(annual: Money, year: int) -> Iterator[tuple[int, Money]]:
    """An annual amount accrued over the twelve months of offer ``year``; the months add up
    to exactly the annual amount (cumulative differences, no rounding)."""
    for k, pay in enumerate(annual.running_parts(_TWELFTHS), start=1):
        yield 12 * (year - 1) + k, pay


#: k/12 for k = 1..12: the share of a year's amount accrued through month k.
_TWELFTHS: tuple[Fraction, ...] = tuple(Fraction(k, 12) for k in range(1, 13))


def _grant_label(grant: EquityGrant, index: int) -> str:
    return grant.name or f"grant {index + 1}"


def base_for_year(offer: Offer, year: int) -> Money:
    """Annual base salary in offer year ``year`` after the yearly raises."""
    factor = (1 + offer.raise_pct / 100) ** (year - 1)
    return offer.money(offer.base * factor)


def offer_events(offer: Offer, years: int) -> list[CashEvent]:
    """Every event of ``offer`` that falls in offer years 1..``years``, in date order."""
    if years < 1:
        raise ValueError("the horizon must be at least one year")
    # Each event behind its sort key: by offer year first, so running totals of events meet
    # the year totals at year ends; then date, component, label, and the order made (a
    # stable sort, and the events themselves are never compared).
    keyed: list[tuple[int, int, int, str, int, CashEvent]] = []
    start = offer.start_date

    def emit(month: int, year: int, component: Component, amount: Money, label: str) -> None:
        if 1 <= year <= years and not amount.is_zero:
            when = add_months(start, month) if start else None
            event = CashEvent(month, year, component, amount, label, when)
            keyed.append((year, month, _ORDER[component], label, len(keyed), event))

    # Base salary accrues monthly, with the yearly raise applied from each offer year's start.
    for year in range(1, years + 1):
        for month, pay in _monthly(base_for_year(offer, year), year):
            emit(month, year, Component.BASE, pay, "base salary")

    # The annual bonus on that year's base, paid at each year's end (month 12, 24, ...).
    rate = offer.bonus_target_pct / 100 * offer.bonus_multiplier
    for year in range(1, years + 1):
        bonus = base_for_year(offer, year) * rate
        if year == 1:
            bonus = bonus * first_bonus_fraction(offer)
        emit(12 * year, year, Component.BONUS, bonus, "annual bonus")

    # Signing: payments[k] at the start of offer year k+1.
    if offer.signing is not None:
        for k, payment in enumerate(offer.signing.schedule):
            emit(12 * k, k + 1, Component.SIGNING, offer.money(payment), "signing bonus")

    for index, grant in enumerate(offer.equity):
        total = offer.money(grant.valued_total)
        label = _grant_label(grant, index)
        for month, vest in _grant_vests(total, offer.schedule_for(grant), grant.start_month):
            emit(month, offer_year_of_month(month), Component.EQUITY, vest, label)

    refresher_schedule = offer.refresher_schedule()
    if offer.refreshers is not None and refresher_schedule is not None:
        value = refresher_value(offer)
        # The refresher vesting first in offer year y is granted at the start of year y.
        for grant_year in range(offer.refreshers.first_year, years + 1):
            offset = 12 * (grant_year - 1)
            label = f"refresher (year {grant_year})"
            for month, vest in _grant_vests(value, refresher_schedule, offset):
                emit(month, offer_year_of_month(month), Component.REFRESHER, vest, label)

    for item in offer.other:
        if item.recurring == "annual":
            for year in range(1, years + 1):
                for month, pay in _monthly(offer.money(item.amount), year):
                    emit(month, year, Component.OTHER, pay, item.name)
        else:
            emit(
                12 * (item.year - 1),
                item.year,
                Component.OTHER,
                offer.money(item.amount),
                item.name,
            )

    keyed.sort()
    return [entry[-1] for entry in keyed]


def refresher_value(offer: Offer) -> Money:
    """Value of each yearly refresher grant, in the offer currency."""
    if offer.refreshers is None:
        return Money.zero(offer.currency)
    if offer.refreshers.annual_value is not None:
        return offer.money(offer.refreshers.annual_value)
    pct = offer.refreshers.pct_of_initial or Decimal(0)
    return offer.money(offer.initial_equity_value * pct / 100)


def clawback_owed(offer: Offer, months_served: int) -> Money:
    """Signing bonus to repay when leaving after ``months_served`` months (0 past the clawback).

    Only money already paid can be clawed back: instalments due later are simply not paid.
    """
    signing = offer.signing
    zero = Money.zero(offer.currency)
    if signing is None or months_served >= signing.clawback_months:
        return zero
    paid = sum(
        (amt for k, amt in enumerate(signing.schedule) if 12 * k <= months_served),
        Decimal(0),
    )
    if signing.clawback == "full":
        return offer.money(paid)
    unserved = Fraction(signing.clawback_months - months_served, signing.clawback_months)
    return offer.money(paid) * unserved
