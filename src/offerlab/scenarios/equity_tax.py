"""What equity is taxed as, and when, under a stated exercise strategy.

For each offer year this works out the equity income by kind (wages, other ordinary income,
the ISO adjustment for the alternative minimum tax, short- and long-term capital gains), the
strike paid to exercise options, and the money the equity brings in. :mod:`.aftertax` adds
the offer's other pay and taxes the whole. Amounts are exact Money in the offer's currency.

The rules (United States; each with its source in docs/scenarios.md):

* RSUs and units are wages when they become shares you can sell: public RSUs at vest; private
  RSUs and units when they are sold (double-trigger RSUs settle at the liquidity event; profit
  participation units pay out when sold at a tender).
* Options are exercised by ``strategy``: ``at-liquidity`` (exercise and sell in one go when
  they can be sold), ``at-vest`` (exercise each vest as it vests, hold until a liquidity event)
  or ``early`` (exercise the whole grant at grant with an 83(b) election, where the grant allows
  early exercise; otherwise at vest). An option is exercised only if the price assumed is above
  the strike.
* NSOs: the spread at exercise (fmv at exercise - strike) is wages (IRS Publication 525); the
  gain after exercise is a capital gain, long-term when the shares are held more than a year.
* ISOs: no regular tax at exercise; the spread is an adjustment for the AMT (Form 6251 line 2k)
  unless the shares are sold in the same year. A sale more than two years after the grant and
  more than a year after exercise is a qualifying disposition: the whole gain over the strike is
  a long-term capital gain. Any other sale is disqualifying: the lesser of the spread at
  exercise and the gain is ordinary income (not wages for Social Security and Medicare), the
  rest a capital gain (Publication 525, "Incentive Stock Options").
* The $100,000 limit (IRC 422(d)): ISOs whose fmv at grant, counted when they first become
  exercisable (at vest, or all at grant when early exercise is allowed), exceeds $100,000 in a
  calendar year are NSOs for the excess, in the order granted.
* Outside the United States (``us_rules`` False) every option is taxed like an NSO: the spread
  at exercise is employment income; the later gain is left untaxed (not modelled).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from offerlab.money import Money, money_sum
from offerlab.offers.engine import add_months, offer_year_of_month
from offerlab.offers.equity import GrantPlan, Lot, Sale
from offerlab.offers.metrics import EQUITY_COMPONENTS, OfferEvaluation

__all__ = [
    "EXERCISE_STRATEGIES",
    "EquityIncome",
    "EquityYear",
    "ExerciseStrategy",
    "equity_income",
]

ExerciseStrategy = Literal["at-vest", "at-liquidity", "early"]
EXERCISE_STRATEGIES: tuple[ExerciseStrategy, ...] = ("at-vest", "at-liquidity", "early")

#: A sale more than this many months after exercise is long-term (held more than a year: the
#: anniversary itself is not more than a year, Publication 544).
_LONG_TERM_MONTHS = 12
#: ...and more than this many months after the grant, for an ISO's qualifying disposition.
_ISO_GRANT_MONTHS = 24


@dataclass(slots=True)
class EquityYear:
    """Equity income and flows of one offer year (offer currency)."""

    wages: Money
    ordinary: Money
    iso_preference: Money
    short_term_gain: Money
    long_term_gain: Money
    exercise_paid: Money
    proceeds: Money

    @classmethod
    def zero(cls, currency: str) -> EquityYear:
        z = Money.zero(currency)
        return cls(z, z, z, z, z, z, z)


@dataclass(frozen=True, slots=True)
class EquityIncome:
    """Equity income by offer year under one exercise strategy, and the notes that say what
    was assumed."""

    strategy: ExerciseStrategy
    years: dict[int, EquityYear]
    notes: tuple[str, ...] = field(default=())

    def year(self, number: int, currency: str) -> EquityYear:
        found = self.years.get(number)
        return EquityYear.zero(currency) if found is None else found


@dataclass(frozen=True, slots=True)
class _Exercise:
    """How one option plan is exercised: at each sale, at each vest, or all at ``month``."""

    when: Literal["at-sale", "at-vest", "at-grant"]
    month: int = 0


def equity_income(
    evaluation: OfferEvaluation,
    strategy: ExerciseStrategy = "at-liquidity",
    *,
    us_rules: bool = True,
    fmv_at_exercise: Decimal | None = None,
    iso_limit: Money | None = None,
) -> EquityIncome:
    """Equity income of ``evaluation`` by offer year under ``strategy``.

    ``fmv_at_exercise`` is the value per share taxed at an exercise before the sale (the 409A
    then); default each grant's ``fmv``. ``iso_limit`` is the $100,000 ISO limit in the offer's
    currency (default 100,000 of it, right for USD offers)."""
    currency = evaluation.currency
    years: dict[int, EquityYear] = {}
    notes: list[str] = []
    horizon = evaluation.horizon

    def at(year: int) -> EquityYear | None:
        if year > horizon:
            return None
        if year not in years:
            years[year] = EquityYear.zero(currency)
        return years[year]

    sales_by_plan: dict[int, list[Sale]] = {}
    for sale in evaluation.sales:
        sales_by_plan.setdefault(id(sale.plan), []).append(sale)
    limit = iso_limit if iso_limit is not None else Money(Decimal(100000), currency)
    iso_shares = _iso_shares(evaluation, limit) if us_rules else {}
    for plan in evaluation.plans:
        if plan.is_option:
            exercise = _exercise_of(plan, strategy, notes)
            plan_sales = sales_by_plan.get(id(plan), [])
            _option_income(
                plan,
                plan_sales,
                exercise,
                at,
                us_rules,
                fmv_at_exercise,
                iso_shares.get(id(plan), {}),
            )
    # RSUs, units and refreshers are wages when sold (as they vest, for public ones): the
    # equity sold each year less what options brought in.
    for totals in evaluation.years:
        option_sales = [
            s.amount for s in evaluation.sales if s.year == totals.year and s.plan.is_option
        ]
        wages = totals.sold_total - money_sum(option_sales, currency)
        if not wages.is_zero:
            row = at(totals.year)
            assert row is not None
            row.wages += wages
            row.proceeds += wages
    has_iso = any(
        p.grant and p.grant.is_option and p.grant.option_type == "iso" for p in evaluation.plans
    )
    if us_rules and has_iso and evaluation.offer.start_date is None:
        notes.append(
            "the ISO $100,000 limit is counted by offer year (the offer has no start date to "
            "place calendar years)"
        )
    return EquityIncome(strategy, years, tuple(dict.fromkeys(notes)))


def _exercise_of(plan: GrantPlan, strategy: ExerciseStrategy, notes: list[str]) -> _Exercise:
    grant = plan.grant
    assert grant is not None
    if strategy == "early":
        if grant.early_exercise:
            return _Exercise("at-grant", plan.grant_month)
        notes.append(
            f"{plan.label}: early exercise is not allowed (early_exercise = false); "
            "exercised at vest"
        )
        return _Exercise("at-vest")
    if strategy == "at-vest":
        return _Exercise("at-vest")
    return _Exercise("at-sale")


def _option_income(
    plan: GrantPlan,
    plan_sales: Sequence[Sale],
    exercise: _Exercise,
    row_at: Callable[[int], EquityYear | None],
    us_rules: bool,
    fmv_at_exercise: Decimal | None,
    iso_share_by_month: dict[int, Fraction],
) -> None:
    """Add one option grant's income and flows to the years (``at(year)`` gives the row)."""
    grant = plan.grant
    assert grant is not None
    assert grant.shares is not None
    assert grant.strike is not None
    currency = plan.value.currency
    price = grant.value_price
    assert price is not None

    shares = grant.shares

    def money(per_share: Decimal) -> Money:
        return Money(shares * per_share, currency)

    full = money(price)  # the whole grant at the price assumption
    strike = money(grant.strike)
    in_the_money = price > grant.strike
    is_iso = us_rules and grant.option_type == "iso"

    def iso_share(lot_month: int) -> Fraction:
        if not is_iso:
            return Fraction(0)
        return iso_share_by_month.get(lot_month, Fraction(1))

    if exercise.when == "at-sale" or not in_the_money:
        # Exercised and sold in one go (or never: under water at the price assumed).
        for sale in plan_sales:
            row = row_at(sale.year)
            if row is None or sale.amount.is_zero:
                continue
            row.proceeds += sale.amount
            for lot in sale.lots:
                part = sale.amount * (lot.fraction / sale.fraction)
                iso = part * iso_share(lot.month)
                # A same-day sale of ISO shares is a disqualifying disposition: ordinary
                # income, not wages; NSO spread is wages.
                row.ordinary += iso
                row.wages += part - iso
        return

    if plan.liquidity.is_public:
        fmv = price  # a listed share's value at exercise is its price, not a 409A
    elif exercise.when == "at-grant" or fmv_at_exercise is None:
        fmv = grant.option_fmv
    else:
        fmv = fmv_at_exercise
    at_exercise = money(fmv)
    spread_at_exercise = at_exercise - strike if at_exercise > strike else Money.zero(currency)
    basis_nso = strike + spread_at_exercise  # strike plus the income taxed at exercise

    def exercised(month: int, fraction: Fraction, lot_month: int) -> None:
        row = row_at(offer_year_of_month(month))
        if row is None:
            return
        row.exercise_paid += strike * fraction
        spread = spread_at_exercise * fraction
        iso = spread * iso_share(lot_month)
        row.iso_preference += iso
        row.wages += spread - iso

    if exercise.when == "at-grant":
        # The whole grant, vested or not, at grant (83(b)): holding periods start now.
        for lot in plan.vests:
            exercised(exercise.month, lot.fraction, lot.month)
    else:
        for lot in plan.vests:
            exercised(lot.month, lot.fraction, lot.month)

    for sale in plan_sales:
        row = row_at(sale.year)
        if row is None:
            continue
        for lot in sale.lots:
            held_from = exercise.month if exercise.when == "at-grant" else lot.month
            proceeds = full * lot.fraction
            row.proceeds += proceeds
            long_term = sale.month - held_from > _LONG_TERM_MONTHS
            share = iso_share(lot.month)
            nso_part = lot.fraction * (1 - share)
            iso_part = lot.fraction * share
            if nso_part:
                _gain(row, full * nso_part - basis_nso * nso_part, long_term)
            if iso_part:
                gain = (full - strike) * iso_part
                qualifying = long_term and sale.month - plan.grant_month > _ISO_GRANT_MONTHS
                if qualifying:
                    _gain(row, gain, True)
                    continue
                ordinary = min(spread_at_exercise * iso_part, gain)
                if ordinary.amount < 0:
                    ordinary = Money.zero(currency)
                row.ordinary += ordinary
                _gain(row, gain - ordinary, long_term)
                if offer_year_of_month(held_from) == sale.year:
                    # Sold in the year of exercise: no AMT adjustment for these shares
                    # (Form 6251 instructions, line 2k).
                    row.iso_preference -= spread_at_exercise * iso_part


def _gain(row: EquityYear, gain: Money, long_term: bool) -> None:
    if long_term:
        row.long_term_gain += gain
    else:
        row.short_term_gain += gain


def _iso_shares(evaluation: OfferEvaluation, limit: Money) -> dict[int, dict[int, Fraction]]:
    """For each ISO plan (by id), the share of each vest lot (by vest month) that stays an
    ISO under the $100,000 limit: fmv at grant x shares first exercisable in a calendar year,
    counted over the ISO grants in the order granted."""
    start = evaluation.offer.start_date
    used: dict[int, Money] = {}
    out: dict[int, dict[int, Fraction]] = {}
    for plan in evaluation.plans:
        grant = plan.grant
        if grant is None or not grant.is_option or grant.option_type != "iso":
            continue
        assert grant.shares is not None
        at_grant = Money(grant.shares * grant.option_fmv, limit.currency)
        shares: dict[int, Fraction] = {}
        lots: Sequence[Lot] = plan.vests
        for lot in lots:
            month = plan.grant_month if grant.early_exercise else lot.month
            year = add_months(start, month).year if start else offer_year_of_month(month)
            value = at_grant * lot.fraction
            room = limit - used.get(year, Money.zero(limit.currency))
            if value.is_zero or room >= value:
                shares[lot.month] = Fraction(1)
                used[year] = used.get(year, Money.zero(limit.currency)) + value
                continue
            kept = max(room.amount, Decimal(0))
            shares[lot.month] = Fraction(kept) / Fraction(value.amount)
            used[year] = used.get(year, Money.zero(limit.currency)) + Money(kept, limit.currency)
        out[id(plan)] = shares
    return out


def non_equity_wages(evaluation: OfferEvaluation, year: int) -> Money:
    """Base, bonus, signing and other items of offer ``year``: wages as paid."""
    totals = evaluation.year(year)
    return money_sum(
        (totals[c] for c in totals.parts if c not in EQUITY_COMPONENTS), evaluation.currency
    )
