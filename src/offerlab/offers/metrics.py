"""Offer metrics: totals by offer year and the headline figures, each computed from its parts.

* ``year1_total``: everything paid or vested in offer year 1 (signing included).
* ``four_year_total``: offer years 1-4 added up.
* ``annualized_total``: ``four_year_total / 4``, the convention of levels-style sites, which
  spreads a signing bonus over four years.
* ``steady_state_total``: the first year with refreshers fully stacked, i.e. year
  ``first_year + refresher schedule length - 1`` (never before year 4); the year-4 total when
  there are no refreshers.

All amounts are gross, in the offer's currency, exact (round with ``Money.rounded`` to show).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from offerlab.money import Money, allocate_cents, money_sum
from offerlab.offers.engine import CashEvent, Component, offer_events
from offerlab.offers.model import Offer

__all__ = ["COMPONENTS", "OfferEvaluation", "YearTotals", "evaluate", "steady_state_year"]

#: Components in the order they are reported.
COMPONENTS: tuple[Component, ...] = tuple(Component)


@dataclass(frozen=True, slots=True)
class YearTotals:
    """What one offer year pays, by component; ``total`` is their sum."""

    year: int
    parts: dict[Component, Money]
    currency: str
    #: The sum of the parts, added up once (the parts are not changed afterwards).
    total: Money = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", money_sum((self[c] for c in COMPONENTS), self.currency))

    def __getitem__(self, component: Component) -> Money:
        part = self.parts.get(component)
        return Money.zero(self.currency) if part is None else part


@dataclass(frozen=True, slots=True)
class OfferEvaluation:
    """An offer worked out year by year, with its headline metrics."""

    offer: Offer
    years: tuple[YearTotals, ...]
    events: tuple[CashEvent, ...]
    horizon: int
    steady_state_year: int
    _all_years: tuple[YearTotals, ...] = field(repr=False)

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
    def steady_state_total(self) -> Money:
        return self.year(self.steady_state_year).total

    def shown(self) -> dict[int, dict[str, Decimal]]:
        """Cents to show for every computed year: each component and the year's total.

        Rounded with :func:`~offerlab.money.allocate_cents` over the years' components in
        order, so a year's shown parts add up to its shown total, and the shown totals of
        years 1-4 add up to the shown four-year total.
        """
        cells = [(t.year, c, t[c].amount) for t in self._all_years for c in COMPONENTS]
        cents = allocate_cents(amount for _, _, amount in cells)
        out: dict[int, dict[str, Decimal]] = {}
        for (year, component, _), value in zip(cells, cents, strict=True):
            row = out.setdefault(year, {"total": Decimal(0)})
            row[component.value] = value
            row["total"] += value
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
            for key in [c.value for c in COMPONENTS] + ["total"]:
                row[key] = float(shown[totals.year][key])
            out.append(row)
        return out

    def as_json(self) -> dict[str, object]:
        """The ``offer show --json`` contract; amounts rounded to cents."""
        shown = self.shown()
        return {
            "name": self.name,
            "currency": self.currency,
            "years": self.years_json(shown),
            "year1_total": float(shown[1]["total"]),
            "four_year_total": _json_amount(self.four_year_total),
            "annualized_total": _json_amount(self.annualized_total),
            "steady_state_total": float(shown[self.steady_state_year]["total"]),
        }


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
    all_years = tuple(
        YearTotals(
            y,
            {c: money_sum(values, offer.currency) for c, values in amounts[y].items()},
            offer.currency,
        )
        for y in range(1, computed + 1)
    )
    return OfferEvaluation(
        offer=offer,
        years=all_years[:years],
        events=tuple(e for e in events if e.year <= years),
        horizon=years,
        steady_state_year=steady,
        _all_years=all_years,
    )
