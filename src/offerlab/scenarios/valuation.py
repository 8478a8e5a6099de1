"""Risk-adjusted value: an offer's pay with the equity that cannot be sold as it vests counted
at what it is worth today, by a method the output names.

Paper value counts every vest at the price assumed, whether or not it can be sold; cash counts
equity only when it is sold. The risk-adjusted value sits between them: pay with each
**private** grant (one whose liquidity is not ``public``: options, units or RSUs of a private
company) replaced by its value under one of two stated methods:

* :class:`ExpectedValue` (the default): the expected cash the private grants bring in, year by
  year, under the private-company scenarios of :func:`~offerlab.scenarios.private.simulate_cash`
  (exit chances by year, a lognormal value per share, dilution per funding round). Only cash
  received within the horizon counts: equity still held at its end is not counted. The default
  scenario is stated in :data:`DEFAULT_EXPECTED_VALUE` and in docs/scenarios.md.
* :class:`Haircut`: the private grants' paper value less a discount the user states, in the
  year each vest vests.

Public grants (RSUs or options of a listed company, sold as they vest) are not discounted:
their risk-adjusted value is their paper value. Base, bonus, signing and other items are
money and count as they are. An offer with no private grant has a risk-adjusted value equal to
its paper value, to the cent.

Amounts are :class:`~offerlab.money.Money` in the offer's currency: exact for a haircut; for the
expected value, the simulated mean of each year rounded to the cent (the same seed gives the
same figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from offerlab.errors import InputError
from offerlab.money import CENT, Money, money_sum, to_cents
from offerlab.offers.engine import Component, offer_year_of_month
from offerlab.offers.equity import GrantPlan
from offerlab.offers.metrics import OfferEvaluation

if TYPE_CHECKING:
    from offerlab.scenarios.private import PrivateScenario

__all__ = [
    "DEFAULT_EXPECTED_VALUE",
    "MAX_VALUATION_PATHS",
    "RISK_MODELS",
    "ExpectedValue",
    "Haircut",
    "RiskAdjusted",
    "ValuationMethod",
    "ValuedYear",
    "private_plans",
    "risk_adjusted_value",
    "valuation_json",
    "valuation_method",
]

#: The names of the methods, as the CLI option ``--risk-model`` and the API take them.
RISK_MODELS: tuple[str, ...] = ("expected", "haircut")
#: The most paths one valuation may draw (a request stays quick).
MAX_VALUATION_PATHS = 200_000


@dataclass(frozen=True, slots=True)
class ExpectedValue:
    """Expected cash under the private-company scenarios. Probabilities and rates are
    fractions: ``exit_by_year[k-1]`` is the chance of an exit at the end of offer year k (the
    rest: no exit within the horizon); ``dilution`` per funding round, one every
    ``round_every_months``; ``volatility`` and ``drift`` of the value per share, annual;
    ``paths`` drawn with ``seed``."""

    exit_by_year: tuple[float, ...] = (0.05, 0.10, 0.10, 0.10)
    dilution: float = 0.15
    round_every_months: int = 24
    volatility: float = 0.6
    drift: float = 0.0
    paths: int = 20_000
    seed: int = 7

    def __post_init__(self) -> None:
        if not 1 <= self.paths <= MAX_VALUATION_PATHS:
            raise InputError(
                f"the expected value needs 1 to {MAX_VALUATION_PATHS:,} paths (got {self.paths})"
            )

    def scenario(self) -> PrivateScenario:
        """The scenario handed to the simulation; it checks the figures (an InputError
        naming the option when one is out of range)."""
        # The simulation (and NumPy) load when a value is computed, not at every start of
        # the command line, which builds the default method.
        from offerlab.scenarios.private import PrivateScenario

        return PrivateScenario(
            drift=self.drift,
            volatility=self.volatility,
            exit_by_year=self.exit_by_year,
            dilution=self.dilution,
            round_every_months=self.round_every_months,
        )

    @property
    def key(self) -> Literal["expected"]:
        return "expected"

    @property
    def name(self) -> str:
        return "expected value"

    def describe(self, years: int = 4) -> str:
        """The method in words, with every figure it assumes (as
        :meth:`~offerlab.scenarios.private.PrivateScenario.describe` words the scenario,
        without loading the simulation)."""
        chances = ", ".join(f"{p:.0%}" for p in self.exit_by_year[:years])
        rest = max(0.0, 1 - sum(self.exit_by_year[:years]))
        model = (
            f"an exit at the end of year 1..{years} with {chances} (no exit: {rest:.0%}); "
            f"value per share lognormal (drift {self.drift:.0%}, volatility "
            f"{self.volatility:.0%} a year) from the price assumed"
        )
        model += (
            f"; dilution {self.dilution:.0%} per round every {self.round_every_months} months"
            if self.dilution
            else "; no dilution"
        )
        return (
            f"expected value: the mean cash private equity brings in each year under the "
            f"private-company scenarios ({model}; {self.paths:,} paths, seed {self.seed}); "
            "equity still held at the end of the horizon is not counted; public equity at its "
            "value as it vests"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "method": self.key,
            "exit_by_year": list(self.exit_by_year),
            "dilution": self.dilution,
            "round_every_months": self.round_every_months,
            "volatility": self.volatility,
            "drift": self.drift,
            "paths": self.paths,
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class Haircut:
    """Private equity at its paper value less ``pct`` percent (0 to 100), in the year it
    vests."""

    pct: Decimal

    def __post_init__(self) -> None:
        if not (self.pct.is_finite() and 0 <= self.pct <= 100):
            raise InputError(
                f"--haircut {self.pct} is not a percent from 0 to 100", option="--haircut"
            )

    @property
    def key(self) -> Literal["haircut"]:
        return "haircut"

    @property
    def name(self) -> str:
        return f"{_pct(self.pct)}% haircut"

    @property
    def kept(self) -> Decimal:
        """The share of the paper value kept (1 - pct/100)."""
        return 1 - self.pct / 100

    def describe(self, years: int = 4) -> str:
        return (
            f"haircut: private equity at its paper value less {_pct(self.pct)}%, stated by you, "
            "in the year it vests; public equity at its value as it vests"
        )

    def as_json(self) -> dict[str, object]:
        return {"method": self.key, "haircut_pct": float(self.pct)}


ValuationMethod = ExpectedValue | Haircut

#: The documented default: expected value with exits of 5/10/10/10% in years 1-4, 15% dilution
#: every 24 months, volatility 60%, drift 0, 20,000 paths, seed 7.
DEFAULT_EXPECTED_VALUE = ExpectedValue()


def valuation_method(
    model: str | None = None,
    haircut_pct: Decimal | None = None,
    exit_by_year: Sequence[float] | None = None,
    dilution_pct: float | None = None,
) -> ValuationMethod:
    """The method the user asked for (the one parser of the CLI options and the API fields):
    ``model`` 'expected' (the default) or 'haircut'; ``haircut_pct`` implies the haircut;
    ``exit_by_year`` (fractions) and ``dilution_pct`` change the expected value's scenario."""
    if model is not None and model not in RISK_MODELS:
        raise InputError(
            f"--risk-model {model!r} is not a method; expected one of {', '.join(RISK_MODELS)}",
            option="--risk-model",
        )
    wants_haircut = model == "haircut" or (model is None and haircut_pct is not None)
    if wants_haircut:
        if haircut_pct is None:
            raise InputError(
                "--risk-model haircut needs --haircut PCT, the discount you apply to private "
                "equity (e.g. --haircut 50)",
                option="--haircut",
            )
        given = [
            name
            for name, value in (("--exit-by-year", exit_by_year), ("--dilution", dilution_pct))
            if value is not None
        ]
        if given:
            raise InputError(
                f"{' and '.join(given)} set the expected-value scenario; a haircut takes only "
                "--haircut",
                option=given[0],
            )
        return Haircut(haircut_pct)
    if haircut_pct is not None:
        raise InputError(
            "--haircut is the haircut method; with --risk-model expected give no --haircut",
            option="--haircut",
        )
    default = DEFAULT_EXPECTED_VALUE
    if exit_by_year is None and dilution_pct is None:
        return default
    method = ExpectedValue(
        exit_by_year=tuple(exit_by_year) if exit_by_year is not None else default.exit_by_year,
        dilution=dilution_pct / 100 if dilution_pct is not None else default.dilution,
    )
    method.scenario()  # checked now, before any offer is valued
    return method


@dataclass(frozen=True, slots=True)
class ValuedYear:
    """One offer year, on paper and risk-adjusted. ``paper``: the year's total (equity at the
    price assumed as it vests); ``cash``: money received; ``private_paper``: the paper value of
    the private grants vesting in the year; ``private_value``: what the method counts for the
    private grants in the year; ``paper_equity``: all equity and refreshers vesting in it."""

    year: int
    paper: Money
    cash: Money
    paper_equity: Money
    private_paper: Money
    private_value: Money

    @property
    def total(self) -> Money:
        """The risk-adjusted total: the paper total with private equity at its value."""
        return self.paper - self.private_paper + self.private_value

    @property
    def equity(self) -> Money:
        """The risk-adjusted equity: public equity as it vests, private at its value."""
        return self.paper_equity - self.private_paper + self.private_value


@dataclass(frozen=True, slots=True)
class RiskAdjusted:
    """An offer's risk-adjusted value for each shown year (1..horizon), by ``method``.

    ``private`` says whether any grant was valued by the method (else every figure is the paper
    figure); ``p_no_cash`` is, for the expected value of an offer with private grants, the
    chance that they bring in no cash at all within the horizon."""

    name: str
    currency: str
    method: ValuationMethod
    years: tuple[ValuedYear, ...]
    private: bool
    p_no_cash: float | None = None

    @property
    def horizon(self) -> int:
        return len(self.years)

    def year(self, number: int) -> ValuedYear:
        return self.years[number - 1]

    @property
    def total(self) -> Money:
        """The risk-adjusted total over the shown years."""
        return money_sum((y.total for y in self.years), self.currency)

    def _first_four(self) -> tuple[ValuedYear, ...]:
        if self.horizon < 4:
            raise ValueError("four-year measures need a horizon of at least four years")
        return self.years[:4]

    @property
    def year1_total(self) -> Money:
        return self.years[0].total

    @property
    def four_year_total(self) -> Money:
        return money_sum((y.total for y in self._first_four()), self.currency)

    @property
    def annualized_total(self) -> Money:
        return self.four_year_total / 4

    @property
    def equity_per_year(self) -> Money:
        """Risk-adjusted equity of years 1-4, divided by 4 (the planner's yardstick)."""
        return money_sum((y.equity for y in self._first_four()), self.currency) / 4

    @property
    def private_paper_total(self) -> Money:
        return money_sum((y.private_paper for y in self.years), self.currency)

    @property
    def private_value_total(self) -> Money:
        return money_sum((y.private_value for y in self.years), self.currency)

    def describe(self) -> str:
        return self.method.describe(self.horizon)

    def shown(self, paper_totals: Sequence[Decimal]) -> list[Decimal]:
        """Cents to show for each year's risk-adjusted total, given the shown (cents) paper
        totals of the same years: the paper cents plus the private equity's change in cents,
        so that an offer with no private grant shows exactly its paper figures."""
        return [
            paper + to_cents((y.private_value - y.private_paper).amount)
            for paper, y in zip(paper_totals, self.years, strict=True)
        ]

    def totals_json(self) -> dict[str, object]:
        """What was valued over the shown years: whether any grant is private, its paper
        value and its value by the method (cents), and the chance it brings no cash."""
        return {
            "private_equity": self.private,
            "private_paper_total": _json(self.private_paper_total),
            "private_value_total": _json(self.private_value_total),
            "p_no_cash": None if self.p_no_cash is None else round(self.p_no_cash, 6),
        }

    def figures_json(self) -> dict[str, object]:
        """:meth:`totals_json` with the Year-1, annualized and four-year risk-adjusted totals
        and equity per year (cents): the measures a negotiation plan uses."""
        return {
            **self.totals_json(),
            "year1_total": _json(self.year1_total),
            "annualized_total": _json(self.annualized_total),
            "four_year_total": _json(self.four_year_total),
            "equity_per_year": _json(self.equity_per_year),
        }


def _json(value: Money) -> float:
    return float(value.rounded().amount)


def valuation_json(method: ValuationMethod, years: int) -> dict[str, object]:
    """The method as JSON: its key, name, parameters and the sentence that states it."""
    return {**method.as_json(), "name": method.name, "description": method.describe(years)}


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def private_plans(evaluation: OfferEvaluation) -> tuple[GrantPlan, ...]:
    """The grants the methods value: those not sold as they vest (liquidity not public)."""
    return tuple(p for p in evaluation.plans if not p.liquidity.is_public)


def _private_paper(evaluation: OfferEvaluation) -> list[Money]:
    """Paper value of the private grants vesting in each shown year (exact, as the engine
    counts the vests)."""
    by_year = [Money.zero(evaluation.currency) for _ in evaluation.years]
    for plan in private_plans(evaluation):
        for lot, amount in zip(plan.vests, plan.vest_amounts(), strict=True):
            year = offer_year_of_month(lot.month)
            if year <= evaluation.horizon:
                by_year[year - 1] = by_year[year - 1] + amount
    return by_year


def risk_adjusted_value(evaluation: OfferEvaluation, method: ValuationMethod) -> RiskAdjusted:
    """``evaluation``'s risk-adjusted value in each shown year under ``method``.

    The expected value simulates this offer alone (its own seed), so an offer's figures do not
    depend on the offers it is compared with."""
    currency = evaluation.currency
    private_paper = _private_paper(evaluation)
    private = bool(private_plans(evaluation))
    p_no_cash: float | None = None
    if not private:
        values = private_paper  # all zero: nothing to value
    elif isinstance(method, Haircut):
        values = [paper * method.kept for paper in private_paper]
    else:
        # Public grants are not simulated into these figures (they are counted at paper
        # value): the public model's volatility is 0 so their paths are plain, and only the
        # private grants' cash is read.
        from offerlab.scenarios.private import simulate_cash  # NumPy: see ExpectedValue

        result = simulate_cash(
            [evaluation], method.paths, method.scenario(), volatility=0.0, seed=method.seed
        )
        simulated = result.offers[0].private_years
        means = simulated.mean(axis=0)
        values = [Money(_cents(float(mean)), currency) for mean in means]
        p_no_cash = float((simulated.sum(axis=1) <= 0.005).mean())
    years = tuple(
        ValuedYear(
            year=totals.year,
            paper=totals.total,
            cash=totals.cash,
            paper_equity=totals[Component.EQUITY] + totals[Component.REFRESHER],
            private_paper=paper,
            private_value=value,
        )
        for totals, paper, value in zip(evaluation.years, private_paper, values, strict=True)
    )
    return RiskAdjusted(evaluation.name, currency, method, years, private, p_no_cash)


def _cents(value: float) -> Decimal:
    """A simulated mean as an amount in cents (half up), never negative."""
    return max(Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP), Decimal(0))
