"""Career projection: an offer taken forward year by year, with promotions, raises, stacking
refreshers and stock growth.

* Promotions come from a promotions file, else from the bundled market data: the time at each
  level is the difference between the median years of experience of the next level and this one
  (rounded, at least a year), and the raise at a promotion is the ratio of the two levels' median
  yearly totals. Where the data runs out, the projection stops promoting and says so.
* Base grows by the yearly raise (the offer's ``raise_pct``, or ``--raise``, or the file's) and
  jumps by the promotion raise; the target bonus stays the offer's percent of base.
* Refreshers are granted yearly from the offer's ``first_year`` and vest on their own schedule,
  so they stack; each grant's size moves with the promotion raises (or the file's ``refresher``).
* The initial grant, signing bonus and other items are the offer's own.
* Stock growth (``growth_pct``, a year) values each vest at ``(1 + g)^((vest month - grant
  month)/12)`` of its grant-price value.

Amounts are exact Decimals (gross, annual, in the offer's currency) until shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from offerlab.errors import InputError, NotFoundError
from offerlab.market.levels import LevelStats, company_levels
from offerlab.market.normalize import canonical_company, normalize_level
from offerlab.money import Money, to_cents
from offerlab.offers.engine import (
    Component,
    first_bonus_fraction,
    offer_events,
    offer_year_of_month,
    refresher_value,
)
from offerlab.offers.model import Offer, resolve_schedule
from offerlab.validation import read_document, validate_document

__all__ = [
    "CareerPath",
    "CareerYear",
    "Promotion",
    "PromotionPlan",
    "load_promotions",
    "market_promotions",
    "project",
]

DEFAULT_PROMOTION_RAISE = Decimal(10)
_WHAT = "invalid promotions file"


class PromotionSpec(BaseModel):
    """One promotion in a promotions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    year: Annotated[int, Field(ge=2, le=50)] = Field(
        description="offer year at whose start the promotion takes effect"
    )
    level: str = Field(min_length=1, description="the new level, e.g. 63 or L6")
    raise_pct: Annotated[Decimal, Field(ge=0, le=200)] | None = Field(
        default=None,
        description="base raise at the promotion, percent (default: from market medians)",
    )
    refresher: Annotated[Decimal, Field(ge=0, le=Decimal("1e12"))] | None = Field(
        default=None, description="yearly refresher grant value from this year on"
    )


class PromotionPlan(BaseModel):
    """A promotions file: the yearly raise and the promotions, in year order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    raise_pct: Annotated[Decimal, Field(ge=-50, le=100)] | None = Field(
        default=None, description="yearly raise of the base, percent (default: the offer's)"
    )
    refresher: Annotated[Decimal, Field(ge=0, le=Decimal("1e12"))] | None = Field(
        default=None, description="yearly refresher grant value at the starting level"
    )
    promotion: list[PromotionSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> PromotionPlan:
        years = [p.year for p in self.promotion]
        if years != sorted(set(years)):
            raise ValueError("promotions must be in increasing `year` order, one a year")
        return self


def load_promotions(path: str | Path) -> PromotionPlan:
    """Read a promotions file (TOML or JSON), every problem located."""
    return validate_document(PromotionPlan, read_document(path, _WHAT), str(path), _WHAT)


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion at the start of offer ``year`` to ``level`` with a base raise (percent)."""

    year: int
    level: str
    raise_pct: Decimal
    refresher: Decimal | None
    basis: str

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "level": self.level,
            "raise_pct": float(self.raise_pct),
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class CareerYear:
    """One projected year: the level held and the pay by component (gross, annual)."""

    year: int
    level: str
    parts: dict[str, Money]

    @property
    def total(self) -> Money:
        total = Money.zero(next(iter(self.parts.values())).currency)
        for amount in self.parts.values():
            total = total + amount
        return total


PARTS = ("base", "bonus", "equity", "refresher", "signing", "other")


@dataclass(frozen=True, slots=True)
class CareerPath:
    """A projected career from one offer: years, promotions and the assumptions used."""

    name: str
    currency: str
    years: tuple[CareerYear, ...]
    promotions: tuple[Promotion, ...]
    assumptions: tuple[str, ...]

    def shown(self) -> list[dict[str, Any]]:
        """The amounts as shown: each component rounded to cents on its own (half up), so an
        amount that does not change shows the same cents every year; a year's total is the sum
        of its shown components and the cumulative the sum of the shown totals."""
        out: list[dict[str, Any]] = []
        cumulative = Decimal(0)
        for year in self.years:
            row: dict[str, Any] = {"year": year.year, "level": year.level}
            for part in PARTS:
                row[part] = to_cents(year.parts[part].amount)
            row["total"] = sum((row[part] for part in PARTS), Decimal(0))
            cumulative += row["total"]
            row["cumulative"] = cumulative
            out.append(row)
        return out

    def as_json(self) -> dict[str, Any]:
        """The ``career project --json`` object."""
        years = [
            {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}
            for row in self.shown()
        ]
        return {
            "name": self.name,
            "currency": self.currency,
            "years": years,
            "promotions": [p.as_json() for p in self.promotions],
            "assumptions": list(self.assumptions),
        }


def _ladder(offer: Offer) -> tuple[list[LevelStats], int] | None:
    """The company's ladder and the offer level's index on it, or None."""
    try:
        ladder = company_levels(offer.company)
    except NotFoundError:
        return None
    company = canonical_company(offer.company)
    level = normalize_level(company, offer.level) or offer.level
    for index, stats in enumerate(ladder):
        if stats.level == level:
            return ladder, index
    return None


def market_promotions(offer: Offer, years: int) -> tuple[list[Promotion], list[str]]:
    """Promotions from the market data's median years of experience and median totals."""
    notes: list[str] = []
    found = _ladder(offer)
    if found is None:
        notes.append(
            f"no market ladder places {offer.company} level {offer.level}: no promotions "
            "projected (give them with --promotions FILE)"
        )
        return [], notes
    ladder, index = found
    promotions: list[Promotion] = []
    year = 1
    while index + 1 < len(ladder):
        here, there = ladder[index], ladder[index + 1]
        if (
            here.median_years_experience is None
            or there.median_years_experience is None
            or not here.median_total
            or not there.median_total
        ):
            notes.append(
                f"the market data has no medians for {there.company} {there.level}: "
                "promotions stop there"
            )
            break
        gap = (there.median_years_experience - here.median_years_experience).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        year += max(1, int(gap))
        if year > years:
            break
        raise_pct = (there.median_total / here.median_total - 1) * 100
        unit = "year" if there.median_years_experience == 1 else "years"
        basis = (
            f"market: median {here.median_years_experience} -> {there.median_years_experience} "
            f"{unit} of experience, median total {here.median_total:,.0f} -> "
            f"{there.median_total:,.0f} ({here.source})"
        )
        promotions.append(Promotion(year, there.level, raise_pct, None, basis))
        index += 1
    return promotions, notes


def _plan_promotions(offer: Offer, plan: PromotionPlan) -> tuple[list[Promotion], list[str]]:
    notes: list[str] = []
    found = _ladder(offer)
    medians: dict[str, Decimal] = {}
    if found is not None:
        medians = {s.level: s.median_total for s in found[0] if s.median_total}
    company = canonical_company(offer.company)
    current = normalize_level(company, offer.level) or offer.level
    out: list[Promotion] = []
    for spec in plan.promotion:
        level = normalize_level(company, spec.level) or spec.level
        if spec.raise_pct is not None:
            raise_pct, basis = spec.raise_pct, "promotions file"
        elif current in medians and level in medians:
            raise_pct = (medians[level] / medians[current] - 1) * 100
            basis = f"promotions file; raise from market medians {current} -> {level}"
        else:
            raise_pct = DEFAULT_PROMOTION_RAISE
            basis = f"promotions file; no market medians for {current} -> {level}"
            notes.append(
                f"promotion to {level} in year {spec.year}: no raise given and no market "
                f"medians, assumed {DEFAULT_PROMOTION_RAISE}%"
            )
        out.append(Promotion(spec.year, level, raise_pct, spec.refresher, basis))
        current = level
    return out, notes


def project(
    offer: Offer,
    years: int = 10,
    plan: PromotionPlan | None = None,
    growth_pct: Decimal = Decimal(0),
    raise_pct: Decimal | None = None,
    refresher_amount: Decimal | None = None,
) -> CareerPath:
    """Project ``offer`` over ``years`` offer years (``refresher_amount``: the yearly refresher
    grant at the starting level, instead of the offer's)."""
    if not 1 <= years <= 50:
        raise InputError(f"--years must be between 1 and 50 (got {years})")
    growth = 1 + growth_pct / 100
    if growth <= 0:
        raise InputError(f"--growth {growth_pct} would take the price to zero or below")
    notes: list[str] = []
    if plan is not None:
        promotions, more = _plan_promotions(offer, plan)
    else:
        promotions, more = market_promotions(offer, years)
    notes += more
    promotions = [p for p in promotions if p.year <= years]
    yearly = raise_pct
    if yearly is None:
        yearly = plan.raise_pct if plan is not None and plan.raise_pct is not None else None
    if yearly is None:
        yearly = offer.raise_pct
    notes.append(f"yearly raise {yearly}% of base")
    if growth_pct:
        notes.append(f"stock price grows {growth_pct}% a year")

    money = offer.money
    by_year = {p.year: p for p in promotions}
    level = normalize_level(canonical_company(offer.company), offer.level) or offer.level
    base = offer.base
    refresher = refresher_value(offer).amount
    if refresher_amount is None and plan is not None:
        refresher_amount = plan.refresher
    if refresher_amount is not None:
        refresher = refresher_amount
        notes.append(f"refreshers of {refresher_amount:,.2f} a year at the starting level")
    schedule = offer.refresher_schedule() or resolve_schedule(None, offer.company)
    first_refresher = offer.refreshers.first_year if offer.refreshers is not None else 2
    rate = offer.bonus_target_pct / 100 * offer.bonus_multiplier
    parts: dict[int, dict[str, Money]] = {
        y: {p: Money.zero(offer.currency) for p in PARTS} for y in range(1, years + 1)
    }
    levels: dict[int, str] = {}
    for year in range(1, years + 1):
        if year > 1:
            base = base * (1 + yearly / 100)
        promotion = by_year.get(year)
        if promotion is not None:
            base = base * (1 + promotion.raise_pct / 100)
            refresher = (
                promotion.refresher
                if promotion.refresher is not None
                else refresher * (1 + promotion.raise_pct / 100)
            )
            level = promotion.level
        levels[year] = level
        row = parts[year]
        row["base"] = money(base)
        bonus = money(base * rate)
        row["bonus"] = bonus * first_bonus_fraction(offer) if year == 1 else bonus
        if year >= first_refresher and refresher > 0:
            offset = 12 * (year - 1)
            for vest in schedule.events:
                vest_year = offer_year_of_month(offset + vest.month)
                if vest_year > years:
                    continue
                value = refresher * vest.fraction.numerator / vest.fraction.denominator
                value *= growth ** (Decimal(vest.month) / 12)
                parts[vest_year]["refresher"] += money(value)
    for cash in offer_events(offer, years):
        if cash.component is Component.EQUITY:
            grown = cash.amount * (growth ** (Decimal(cash.month) / 12))
            parts[cash.year]["equity"] += grown
        elif cash.component in (Component.SIGNING, Component.OTHER):
            parts[cash.year][cash.component.value] += cash.amount
    if (
        offer.refreshers is None
        and refresher_amount is None
        and all(p.refresher is None for p in promotions)
    ):
        notes.append(
            "no refreshers: the offer has none (give --refresher AMOUNT, or `refresher` in the "
            "promotions file)"
        )
    return CareerPath(
        offer.display_name,
        offer.currency,
        tuple(CareerYear(y, levels[y], parts[y]) for y in range(1, years + 1)),
        tuple(promotions),
        tuple(notes),
    )
