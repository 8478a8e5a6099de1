"""Offer metrics: totals by offer year and the headline figures, each computed from its parts.

* ``year1_total``: everything paid or vested in offer year 1 (signing included).
* ``four_year_total``: offer years 1-4 added up.
* ``annualized_total``: ``four_year_total / 4``, the convention of levels-style sites, which
  spreads a signing bonus over four years.
* ``steady_state_total``: the first year with refreshers fully stacked, i.e. year
  ``first_year + refresher schedule length - 1`` (never before year 4); the year-4 total when
  there are no refreshers.
* ``cash`` of a year: the money actually received in it: base, bonus, signing and other items,
  and equity only when it is sold (public equity as it vests, private equity at a tender or an
  exit; options net of their strike, exercised as they are sold). ``cash_total`` adds up the
  shown years. ``exercise_cost`` of a year: strike x the options vesting in it.

All amounts are gross, in the offer's currency, exact (round with ``Money.rounded`` to show).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from offerlab.encoding import to_data
from offerlab.money import Money, allocate_cents, money_sum
from offerlab.offers.engine import CashEvent, Component, offer_events, offer_year_of_month
from offerlab.offers.equity import GrantPlan, Sale, equity_flags, grant_plans, sales
from offerlab.offers.model import Offer

__all__ = [
    "COMPONENTS",
    "EQUITY_COMPONENTS",
    "OfferEvaluation",
    "YearTotals",
    "evaluate",
    "steady_state_year",
]

#: Components in the order they are reported.
COMPONENTS: tuple[Component, ...] = tuple(Component)
#: Components that vest as equity: counted in ``cash`` only when sold.
EQUITY_COMPONENTS: frozenset[Component] = frozenset({Component.EQUITY, Component.REFRESHER})


@dataclass(frozen=True, slots=True)
class YearTotals:
    """What one offer year pays, by component; ``total`` is their sum."""

    year: int
    parts: dict[Component, Money]
    currency: str
    #: Equity and refresher value sold in the year (at the price assumption; options net of
    #: their strike), by component.
    sold: dict[Component, Money] = field(default_factory=dict)
    #: Strike x options vesting in the year: what exercising that year's vests costs.
    exercise_cost: Money | None = None
    #: The sum of the parts, added up once (the parts are not changed afterwards).
    total: Money = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", money_sum((self[c] for c in COMPONENTS), self.currency))

    def __getitem__(self, component: Component) -> Money:
        part = self.parts.get(component)
        return Money.zero(self.currency) if part is None else part

    def cash_part(self, component: Component) -> Money:
        """What ``component`` brought in as money this year: its part, or for equity and
        refreshers what was sold."""
        if component in EQUITY_COMPONENTS:
            part = self.sold.get(component)
            return Money.zero(self.currency) if part is None else part
        return self[component]

    @property
    def cash(self) -> Money:
        """Money actually received in the year: the sum of :meth:`cash_part`."""
        return money_sum((self.cash_part(c) for c in COMPONENTS), self.currency)

    @property
    def sold_total(self) -> Money:
        """Equity and refreshers sold in the year (the equity part of :attr:`cash`)."""
        return money_sum(self.sold.values(), self.currency)

    @property
    def exercise(self) -> Money:
        return Money.zero(self.currency) if self.exercise_cost is None else self.exercise_cost


@dataclass(frozen=True, slots=True)
class OfferEvaluation:
    """An offer worked out year by year, with its headline metrics."""

    offer: Offer
    years: tuple[YearTotals, ...]
    events: tuple[CashEvent, ...]
    horizon: int
    steady_state_year: int
    _all_years: tuple[YearTotals, ...] = field(repr=False)
    #: Every grant with its vests and liquidity, over all computed years; and the sales that
    #: turn vests into money, for every grant not sold as it vests and every option grant (a
    #: grant sold as it vests sells each vest: its sales are its vests).
    plans: tuple[GrantPlan, ...] = ()
    sales: tuple[Sale, ...] = ()

    @property
    def name(self) -> str:
        return self.offer.display_name

    @property
    def currency(self) -> str:
        return self.offer.currency

    def year(self, number: int) -> YearTotals:
        """Totals of offer year ``number`` (computed even past the shown horizon)."""
        for totals in self._all_years:
            if totals.year == number:
                return totals
        raise KeyError(f"offer year {number} was not computed")

    @property
    def year1_total(self) -> Money:
        return self.year(1).total

    @property
    def four_year_total(self) -> Money:
        return money_sum((self.year(y).total for y in range(1, 5)), self.currency)

    @property
    def annualized_total(self) -> Money:
        return self.four_year_total / 4

    @property
    def equity_per_year(self) -> Money:
        """Equity per year, the way comp sites report stock: the value of every initial grant
        and refresher vesting in offer years 1-4, divided by 4 (a year, in the offer's
        currency; paper value)."""
        equity = Money.zero(self.currency)
        for number in range(1, 5):
            totals = self.year(number)
            equity = equity + totals[Component.EQUITY] + totals[Component.REFRESHER]
        return equity / 4

    @property
    def steady_state_total(self) -> Money:
        return self.year(self.steady_state_year).total

    @property
    def cash_total(self) -> Money:
        """Money received over the shown years (1..horizon)."""
        return money_sum((t.cash for t in self.years), self.currency)

    @property
    def has_options(self) -> bool:
        return any(plan.is_option for plan in self.plans)

    @property
    def has_unsold_equity(self) -> bool:
        """Whether some equity is not money as it vests (private, or options)."""
        return any(not p.liquidity.is_public or p.is_option for p in self.plans)

    def shown(self) -> dict[int, dict[str, Decimal]]:
        """Cents to show for every computed year: each component and the year's total,
        ``cash`` (with ``sold``, the equity part of it) and ``exercise_cost``.

        Rounded with :func:`~offerlab.money.allocate_cents` over the years' components in
        order, so a year's shown parts add up to its shown total, and the shown totals of
        years 1-4 add up to the shown four-year total. Cash is rounded the same way over the
        same cells with the equity sold in place of the equity vested, so that where they are
        the same (equity sold as it vests) the cents are the same, and the shown cash of the
        years adds up to the shown cash total.
        """
        cells = [(t.year, c, t[c].amount) for t in self._all_years for c in COMPONENTS]
        cents = allocate_cents(amount for _, _, amount in cells)
        out: dict[int, dict[str, Decimal]] = {}
        for (year, component, _), value in zip(cells, cents, strict=True):
            row = out.setdefault(year, {"total": Decimal(0)})
            row[component.value] = value
            row["total"] += value
        cash_cells = [
            (t.year, c, t.cash_part(c).amount) for t in self._all_years for c in COMPONENTS
        ]
        cash_cents = allocate_cents(amount for _, _, amount in cash_cells)
        for year in out:
            out[year]["cash"] = Decimal(0)
            out[year]["sold"] = Decimal(0)
        for (year, component, _), value in zip(cash_cells, cash_cents, strict=True):
            out[year]["cash"] += value
            if component in EQUITY_COMPONENTS:
                out[year]["sold"] += value
        costs = allocate_cents(t.exercise.amount for t in self._all_years)
        for totals, value in zip(self._all_years, costs, strict=True):
            out[totals.year]["exercise_cost"] = value
        return out

    def years_json(
        self, shown: dict[int, dict[str, Decimal]] | None = None
    ) -> list[dict[str, object]]:
        """The shown years (1..horizon) as JSON objects, amounts in cents that add up
        (``shown`` is :meth:`shown`, when the caller has it already)."""
        shown = self.shown() if shown is None else shown
        out: list[dict[str, object]] = []
        for totals in self.years:
            row: dict[str, object] = {"year": totals.year}
            for key in [c.value for c in COMPONENTS] + ["total", "exercise_cost", "cash"]:
                row[key] = float(shown[totals.year][key])
            out.append(row)
        return out

    def as_json(self) -> dict[str, object]:
        """The ``offer show --json`` contract; amounts rounded to cents. ``flags`` (grants to
        check, such as a 409A above the price assumed) is there only when there are some."""
        shown = self.shown()
        data: dict[str, object] = {
            "name": self.name,
            "currency": self.currency,
            "years": self.years_json(shown),
            "year1_total": float(shown[1]["total"]),
            "four_year_total": _json_amount(self.four_year_total),
            "cash_total": float(sum((shown[t.year]["cash"] for t in self.years), Decimal(0))),
            "annualized_total": _json_amount(self.annualized_total),
            "steady_state_total": float(shown[self.steady_state_year]["total"]),
        }
        flags = equity_flags(self.offer)
        if flags:
            data["flags"] = to_data(flags)
        return data


def _json_amount(money: Money) -> float:
    # A cents-rounded Decimal below 2**53 / 100 converts to the float whose repr is that
    # same decimal text, so the JSON number is exact to the cent.
    return float(money.rounded().amount)


def steady_state_year(offer: Offer) -> int:
    """The first offer year in which refreshers are fully stacked (at least year 4)."""
    schedule = offer.refresher_schedule()
    if offer.refreshers is None or schedule is None:
        return 4
    return max(4, offer.refreshers.first_year + schedule.length_years - 1)


def evaluate(offer: Offer, years: int = 4) -> OfferEvaluation:
    """Work out ``offer`` over ``years`` offer years (the metrics always use what they need)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    steady = steady_state_year(offer)
    computed = max(years, 4, steady)
    events = offer_events(offer, computed)
    amounts: dict[int, dict[Component, list[Money]]] = {y: {} for y in range(1, computed + 1)}
    for event in events:
        amounts[event.year].setdefault(event.component, []).append(event.amount)
    plans = tuple(grant_plans(offer, computed))
    # A component whose grants are all sold as they vest has the same cash as paper value
    # (the same Money): only the others need their sales worked out, and options always do
    # (the tax of an option depends on its lots).
    worked_out = {p.component for p in plans if not p.liquidity.is_public}
    sold: dict[int, dict[Component, list[Money]]] = {y: {} for y in range(1, computed + 1)}
    found: list[Sale] = []
    costs: dict[int, list[Money]] = {y: [] for y in range(1, computed + 1)}
    for plan in plans:
        if plan.component in worked_out or plan.is_option:
            for sale in sales(plan, 12 * computed):
                found.append(sale)
                if plan.component in worked_out:
                    sold[sale.year].setdefault(plan.component, []).append(sale.amount)
        if plan.is_option:
            for month, cost in plan.exercise_costs():
                year = offer_year_of_month(month)
                if year <= computed:
                    costs[year].append(cost)
    currency = offer.currency
    all_years = []
    for y in range(1, computed + 1):
        parts = {c: money_sum(values, currency) for c, values in amounts[y].items()}
        sold_parts = {c: money_sum(values, currency) for c, values in sold[y].items()}
        for component in EQUITY_COMPONENTS - worked_out:
            if component in parts:
                sold_parts[component] = parts[component]
        exercise = money_sum(costs[y], currency) if costs[y] else None
        all_years.append(YearTotals(y, parts, currency, sold_parts, exercise))
    found.sort(key=lambda sale: sale.month)
    return OfferEvaluation(
        offer=offer,
        years=tuple(all_years[:years]),
        events=tuple(e for e in events if e.year <= years),
        horizon=years,
        steady_state_year=steady,
        _all_years=tuple(all_years),
        plans=plans,
        sales=tuple(found),
    )
