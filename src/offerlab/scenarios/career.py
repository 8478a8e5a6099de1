"""Career projection: an offer taken forward year by year, with promotions, raises, stacking
refreshers and stock growth.

* Promotions come from a promotions file, else from the bundled market data: the time at each
  level is the difference between the median years of experience of the next level and this one
  (rounded, at least a year). Where the data runs out, the projection stops promoting and says
  so.
* A promotion raises each component by its own market ratio between the two levels: base by
  the ratio of the levels' median bases, the bonus by that of their median bonuses, refreshers
  by that of their median stock (see :func:`market_raises` for the cap). A component the data
  has no ratio for keeps its terms: the bonus stays the same percent of base, refreshers keep
  their size.
* Base grows by the yearly raise (the offer's ``raise_pct``, or ``--raise``, or the file's) and
  jumps by the promotion raise; the target bonus is a percent of base, which a promotion moves.
* Refreshers are granted yearly from the offer's ``first_year`` and vest on their own schedule,
  so they stack; each grant's size moves with the promotions (or the file's ``refresher``).
* The initial grant, signing bonus and other items are the offer's own.
* Stock growth (``growth_pct``, a year) values each vest at ``(1 + g)^((vest month - grant
  month)/12)`` of its grant-price value.

Amounts are exact Decimals (gross, annual, in the offer's currency) until shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from offerlab.errors import InputError, NotFoundError
from offerlab.market.levels import LevelStats, company_levels, component_medians
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
    "PROMOTED",
    "CareerPath",
    "CareerYear",
    "ComponentRaise",
    "Promotion",
    "PromotionPlan",
    "load_promotions",
    "market_promotions",
    "market_raises",
    "project",
]

DEFAULT_PROMOTION_RAISE = Decimal(10)
#: The components a promotion raises, each by its own market ratio (``stock``: refreshers).
PROMOTED: Final = ("base", "bonus", "stock")
#: How each data set is named in a raise's basis.
_SOURCE_SHORT: Final = {
    "levels.fyi records 2017-2021 (Kaggle)": "2017-2021 records",
    "levels.fyi company pages 2022 (scraped)": "2022 pages",
}
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
    bonus_target_pct: Annotated[Decimal, Field(ge=0, le=1000)] | None = Field(
        default=None,
        description="target bonus at the new level, percent of base (default: moved by the "
        "market's bonus ratio)",
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
class ComponentRaise:
    """A promotion's raise of one component (``base``, ``bonus``, ``stock``), percent, and
    how it was found; ``pct`` None: no ratio in the data (the component keeps its terms)."""

    component: str
    pct: Decimal | None
    basis: str

    def as_json(self) -> dict[str, Any]:
        return {
            "pct": float(self.pct) if self.pct is not None else None,
            "basis": self.basis,
        }


@dataclass(frozen=True, slots=True)
class Promotion:
    """A promotion at the start of offer ``year`` to ``level``: each component's raise, and a
    refresher or target bonus set by a promotions file (None: moved by the raises)."""

    year: int
    level: str
    raises: Mapping[str, ComponentRaise]
    refresher: Decimal | None
    basis: str
    bonus_target_pct: Decimal | None = None

    @property
    def raise_pct(self) -> Decimal:
        """The base raise, percent."""
        pct = self.raises["base"].pct
        assert pct is not None  # a promotion always raises the base by a known percent
        return pct

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "level": self.level,
            "raise_pct": float(self.raise_pct),
            "raises": {part: self.raises[part].as_json() for part in PROMOTED},
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


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}"


def market_raises(company: str, lower: str, upper: str) -> dict[str, ComponentRaise]:
    """Each component's raise from ``lower`` to ``upper`` at ``company`` by the market data.

    The ratio of a component is the ratio of the two levels' medians of that component (base
    by base, bonus by bonus, stock by stock), taken in each bundled data set that has both
    medians (the 2017-2021 records and the 2022 company pages). The cap is what the data
    supports: the smaller of the data sets' ratios (a raise both data sets show, not the
    higher of two noisy medians), and never below 1 (a promotion does not cut pay: a ratio
    below 1 is the mix of people at each level, not a pay cut). A component neither data set
    has both medians for gets no ratio (``pct`` None).
    """
    medians = component_medians(company)
    out: dict[str, ComponentRaise] = {}
    for part in PROMOTED:
        found: list[tuple[Decimal, str]] = []
        for source, levels in medians.items():
            low = levels.get(lower, {}).get(part)
            high = levels.get(upper, {}).get(part)
            if low is None or high is None:
                continue
            ratio = high / low
            name = _SOURCE_SHORT.get(source, source)
            found.append((ratio, f"{_amount(low)} -> {_amount(high)} in the {name}"))
        if not found:
            out[part] = ComponentRaise(
                part, None, f"no median {part} for both {lower} and {upper} in the market data"
            )
            continue
        ratio = min(r for r, _ in found)
        seen = "; ".join(f"{text} (x{r:.3f})" for r, text in found)
        if ratio < 1:
            basis = f"median {part} {seen}: falls, so no raise (a promotion does not cut pay)"
            out[part] = ComponentRaise(part, Decimal(0), basis)
            continue
        which = f"; the smaller applies, x{ratio:.3f}" if len(found) > 1 else ""
        basis = f"median {part} {seen}{which}"
        out[part] = ComponentRaise(part, (ratio - 1) * 100, basis)
    return out


def market_promotions(offer: Offer, years: int) -> tuple[list[Promotion], list[str]]:
    """Promotions from the market data's median years of experience (when) and median pay
    by component (how much; see :func:`market_raises`)."""
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
        raises = market_raises(here.company, here.level, there.level)
        if (
            here.median_years_experience is None
            or there.median_years_experience is None
            or raises["base"].pct is None
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
        unit = "year" if there.median_years_experience == 1 else "years"
        basis = (
            f"market: median {here.median_years_experience} -> {there.median_years_experience} "
            f"{unit} of experience in the {_SOURCE_SHORT.get(here.source, here.source)}"
        )
        promotions.append(Promotion(year, there.level, raises, None, basis))
        index += 1
    return promotions, notes


def _plan_promotions(offer: Offer, plan: PromotionPlan) -> tuple[list[Promotion], list[str]]:
    notes: list[str] = []
    company = canonical_company(offer.company)
    current = normalize_level(company, offer.level) or offer.level
    out: list[Promotion] = []
    for spec in plan.promotion:
        level = normalize_level(company, spec.level) or spec.level
        raises = dict(market_raises(company, current, level))
        if spec.raise_pct is not None:
            raises["base"] = ComponentRaise("base", spec.raise_pct, "promotions file")
        elif raises["base"].pct is None:
            raises["base"] = ComponentRaise(
                "base",
                DEFAULT_PROMOTION_RAISE,
                f"assumed: no market medians for {current} -> {level}",
            )
            notes.append(
                f"promotion to {level} in year {spec.year}: no raise given and no market "
                f"medians, assumed {DEFAULT_PROMOTION_RAISE}%"
            )
        if spec.bonus_target_pct is not None:
            raises["bonus"] = ComponentRaise(
                "bonus", None, f"promotions file: target {spec.bonus_target_pct}% of base"
            )
        if spec.refresher is not None:
            raises["stock"] = ComponentRaise(
                "stock", None, f"promotions file: refreshers of {spec.refresher:,.2f} a year"
            )
        out.append(
            Promotion(
                spec.year,
                level,
                raises,
                spec.refresher,
                "promotions file",
                spec.bonus_target_pct,
            )
        )
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
    if promotions:
        notes.append(
            "a promotion raises base, bonus and refreshers each by the ratio of the two levels' "
            "medians of that component (the smaller of the data sets' ratios, never below 1); "
            "a component without medians keeps its terms"
        )
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
            base_factor = 1 + promotion.raise_pct / 100
            base = base * base_factor
            bonus_pct = promotion.raises["bonus"].pct
            if promotion.bonus_target_pct is not None:
                rate = promotion.bonus_target_pct / 100 * offer.bonus_multiplier
            elif bonus_pct is not None:
                # The bonus moves by its own ratio: its percent of base by that over the base's.
                rate = rate * (1 + bonus_pct / 100) / base_factor
            stock_pct = promotion.raises["stock"].pct
            if promotion.refresher is not None:
                refresher = promotion.refresher
            elif stock_pct is not None:
                refresher = refresher * (1 + stock_pct / 100)
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
