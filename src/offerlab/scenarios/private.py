"""Private-company scenarios: what equity that cannot be sold yet turns into in cash.

The public model (:mod:`.simulate`) prices every vest at the simulated stock price of its month.
A private company's equity is money only when it is sold: at a tender, or from an exit on. This
model draws, per path and company:

* **the value per share over time**: geometric Brownian motion in monthly steps, as the public
  model (``drift`` the expected annual growth, ``volatility`` annual), starting from each grant's
  price assumption, so at any month the value is lognormal around its median;
* **the exit**: in offer year k with probability ``exit_by_year[k-1]`` (at the end of that year,
  month 12k), or none within the horizon; without ``exit_by_year`` each grant keeps the exit its
  file gives, if any. Tenders happen as the file says, before the exit;
* **the value at the exit** from the value path, or, with ``outcomes``, from a stated table of
  (multiple of the price assumed, probability): a 0x row is a company that returns nothing;
* **dilution**: every ``round_every_months`` a funding round takes ``dilution`` of each share's
  part of the company, so a share's value is multiplied by (1 - dilution) per round before the
  sale (a share's value is quoted for the company as it is today).

A sale of a fraction f of a grant at month s pays ``shares x f x S`` for shares and units and
``shares x f x max(S - strike, 0)`` for options (exercised as sold), with S the value per share
then; refreshers (granted in money) pay their value x f x the growth of S since their grant.
Public grants (liquidity 'public') are money as they vest, at the public model's price.

With zero volatility, zero drift, no dilution and a certain exit, every path is the offer
engine's cash (:attr:`~offerlab.offers.metrics.YearTotals.cash`) for that exit: the tests hold it.
All paths are drawn at once (NumPy); the same seed gives the same numbers. Amounts are floats in
the offer currency, rounded to cents at the edge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from offerlab.errors import InputError
from offerlab.offers.equity import GrantPlan, sales
from offerlab.offers.metrics import EQUITY_COMPONENTS, OfferEvaluation
from offerlab.scenarios.simulate import simulate_ratios, summarize

__all__ = [
    "CashDistribution",
    "CashSimulation",
    "PrivateBreakEven",
    "PrivateScenario",
    "has_private_equity",
    "simulate_cash",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class PrivateScenario:
    """What the private-company model supposes (probabilities and rates as fractions).

    ``exit_by_year``: P(exit in offer year k) for k = 1, 2, ...; the rest is no exit within the
    horizon; None keeps each file's own exit. ``outcomes``: (multiple, probability) pairs for
    the value at the exit; None draws it from the value path. ``dilution`` per funding round,
    one round every ``round_every_months``. ``drift`` and ``volatility`` of the value per
    share, annual."""

    drift: float = 0.0
    volatility: float = 0.6
    exit_by_year: tuple[float, ...] | None = None
    outcomes: tuple[tuple[float, float], ...] | None = None
    dilution: float = 0.0
    round_every_months: int = 24

    def __post_init__(self) -> None:
        if self.volatility < 0 or not math.isfinite(self.volatility):
            raise InputError(
                f"--private-volatility must not be negative (got {self.volatility * 100:g}%)",
                option="--private-volatility",
            )
        if self.drift <= -1:
            raise InputError(f"--drift must be above -100% (got {self.drift * 100:g}%)")
        if self.exit_by_year is not None:
            if any(p < 0 or p > 1 or not math.isfinite(p) for p in self.exit_by_year):
                raise InputError(
                    "--exit-by-year: each year's chance of an exit is a percent from 0 to 100",
                    option="--exit-by-year",
                )
            if sum(self.exit_by_year) > 1 + 1e-9:
                raise InputError(
                    f"--exit-by-year adds up to {sum(self.exit_by_year) * 100:g}%, more than "
                    "100%; the chances of an exit in each year must add up to 100% or less "
                    "(the rest is no exit)",
                    option="--exit-by-year",
                )
        if self.outcomes is not None:
            if not self.outcomes:
                raise InputError("--exit-outcomes needs at least one row", option="--exit-outcomes")
            if any(m < 0 or p < 0 or not math.isfinite(m) for m, p in self.outcomes):
                raise InputError(
                    "--exit-outcomes: multiples and percents must not be negative",
                    option="--exit-outcomes",
                )
            if not math.isclose(sum(p for _, p in self.outcomes), 1.0, abs_tol=1e-9):
                total = sum(p for _, p in self.outcomes) * 100
                raise InputError(
                    f"--exit-outcomes percents add up to {total:g}%, not 100%",
                    option="--exit-outcomes",
                )
        if not 0 <= self.dilution < 1:
            raise InputError(
                f"--dilution must be from 0 to below 100% (got {self.dilution * 100:g}%)",
                option="--dilution",
            )
        if self.round_every_months < 1:
            raise InputError("--round-every must be at least 1 month", option="--round-every")

    def exit_months(self, years: int) -> list[tuple[int | None, float]]:
        """(exit month, probability) of each exit scenario: month 12k for year k, and None
        (no exit within ``years``, or the files' own exits) with the rest."""
        if self.exit_by_year is None:
            return [(None, 1.0)]
        out: list[tuple[int | None, float]] = [
            (12 * (k + 1), p) for k, p in enumerate(self.exit_by_year[:years]) if p > 0
        ]
        rest = 1.0 - sum(p for _, p in out)
        if rest > 1e-12:
            out.append((None, rest))
        return out

    def dilution_factor(self, months: FloatArray | npt.NDArray[np.int64]) -> FloatArray:
        """What dilution leaves of a share's value at each month (rounds strictly before)."""
        rounds = np.maximum(np.asarray(months) - 1, 0) // self.round_every_months
        return np.asarray((1.0 - self.dilution) ** rounds, dtype=np.float64)

    def describe(self, years: int) -> str:
        if self.exit_by_year is None:
            exits = "exits as the offer files say"
        else:
            chances = ", ".join(f"{p:.0%}" for p in self.exit_by_year[:years])
            rest = max(0.0, 1 - sum(self.exit_by_year[:years]))
            exits = f"an exit at the end of year 1..{years} with {chances} (no exit: {rest:.0%})"
        if self.outcomes is None:
            value = (
                f"value per share lognormal (drift {self.drift:.0%}, volatility "
                f"{self.volatility:.0%} a year) from the price assumed"
            )
        else:
            rows = ", ".join(f"{m:g}x {p:.0%}" for m, p in self.outcomes)
            value = f"value at the exit {rows} of the price assumed (before it: drift "
            value += f"{self.drift:.0%}, volatility {self.volatility:.0%})"
        diluted = (
            f"; dilution {self.dilution:.0%} per round every {self.round_every_months} months"
            if self.dilution
            else "; no dilution"
        )
        return f"private-company model: {exits}; {value}{diluted}"

    def as_json(self) -> dict[str, object]:
        return {
            "drift": self.drift,
            "volatility": self.volatility,
            "exit_by_year": None if self.exit_by_year is None else list(self.exit_by_year),
            "outcomes": None
            if self.outcomes is None
            else [{"multiple": m, "probability": p} for m, p in self.outcomes],
            "dilution": self.dilution,
            "round_every_months": self.round_every_months,
        }


def has_private_equity(evaluation: OfferEvaluation) -> bool:
    """Whether an offer needs this model: equity not sold as it vests, or options."""
    return evaluation.has_unsold_equity


@dataclass(frozen=True, slots=True)
class _Sales:
    """One exit scenario's sales of a grant, as arrays: month, offer year (0-based) and
    fraction of the grant sold, and what dilution leaves of a share's value then; and the
    month of the exit (the scenario's, else the file's), if any."""

    months: npt.NDArray[np.int64]
    years: npt.NDArray[np.int64]
    fractions: FloatArray
    dilution: FloatArray
    exit_month: int | None


@dataclass(frozen=True, slots=True)
class _Grant:
    """A grant as the model prices it: shares and strike (options), or a value to scale."""

    plan: GrantPlan
    private: bool
    #: For each exit scenario (same order as ``PrivateScenario.exit_months``), its sales; a
    #: public grant has one (it sells as it vests whatever the exit).
    sales: tuple[_Sales, ...]

    @property
    def in_money(self) -> bool:
        """Sized in money (a refresher, or a grant by value), not in shares."""
        return self.plan.grant is None or self.plan.grant.shares is None

    @property
    def anchor(self) -> int:
        """The month its value moves from: its grant when sized in money, else the start (a
        price assumption per share is today's)."""
        return self.plan.grant_month if self.in_money else 0

    def per_unit(self, value: FloatArray) -> FloatArray:
        """Cash per unit of fraction sold, for value ratios ``value`` (S / price assumed)."""
        grant = self.plan.grant
        if grant is None or grant.shares is None:
            return float(self.plan.value.amount) * value
        price = float(grant.value_price or 0)
        shares = float(grant.shares)
        if grant.is_option:
            strike = float(grant.strike or 0)
            return shares * np.maximum(price * value - strike, 0.0)
        return shares * price * value


@dataclass(frozen=True, slots=True)
class _Offer:
    evaluation: OfferEvaluation
    company: str
    fixed: FloatArray  # non-equity cash by year
    grants: tuple[_Grant, ...]

    @property
    def private(self) -> bool:
        return any(g.private for g in self.grants)


def _prepare(
    evaluation: OfferEvaluation,
    exits: Sequence[tuple[int | None, float]],
    scenario: PrivateScenario,
) -> _Offer:
    years = evaluation.horizon
    fixed = np.array(
        [
            sum(float(t[c].amount) for c in t.parts if c not in EQUITY_COMPONENTS)
            for t in evaluation.years
        ]
    )
    horizon = 12 * years
    grants: list[_Grant] = []
    for plan in evaluation.plans:
        private = not plan.liquidity.is_public
        in_money = plan.grant is None or plan.grant.shares is None
        since = scenario.dilution_factor(np.array([plan.grant_month if in_money else 0]))[0]
        scenarios: list[_Sales] = []
        for month, _ in exits if private else [(None, 1.0)]:
            liquidity = plan.liquidity
            if private and scenario.exit_by_year is not None:
                liquidity = liquidity.with_exit(month)
            found = [
                s for s in sales(replace(plan, liquidity=liquidity), horizon) if s.year <= years
            ]
            months = np.array([s.month for s in found], dtype=np.int64)
            diluted = scenario.dilution_factor(months) / since if private else np.ones(len(found))
            scenarios.append(
                _Sales(
                    months,
                    np.array([s.year - 1 for s in found], dtype=np.int64),
                    np.array([float(s.fraction) for s in found]),
                    diluted,
                    liquidity.public_from,
                )
            )
        grants.append(_Grant(plan, private, tuple(scenarios)))
    return _Offer(evaluation, evaluation.offer.company.strip().casefold(), fixed, tuple(grants))


@dataclass(frozen=True, slots=True)
class CashDistribution:
    """Simulated cash of one offer: ``years`` (paths x years) of all cash received, and
    ``equity`` (paths) the cash its equity turned into over the horizon; ``private_years``
    (paths x years) the part of ``years`` that its private grants (those not sold as they
    vest) brought in, for the risk-adjusted value (:mod:`.valuation`)."""

    name: str
    currency: str
    private: bool
    years: FloatArray
    equity: FloatArray
    paper_equity: float
    private_years: FloatArray

    @property
    def total(self) -> FloatArray:
        """Cash over the horizon, per path."""
        return np.asarray(self.years.sum(axis=1), dtype=np.float64)

    @property
    def p_worth_nothing(self) -> float:
        """P(the equity brings in no cash within the horizon)."""
        return float(np.mean(self.equity <= 0.005))

    def summary(self, values: FloatArray) -> dict[str, float]:
        return summarize(values)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "currency": self.currency,
            "private": self.private,
            "years": [
                {"year": y + 1, **self.summary(self.years[:, y])}
                for y in range(self.years.shape[1])
            ],
            "cash_total": self.summary(self.total),
            "equity_cash": self.summary(self.equity),
            "paper_equity": round(self.paper_equity, 2),
            "p_worth_nothing": round(self.p_worth_nothing, 6),
        }


@dataclass(frozen=True, slots=True)
class PrivateBreakEven:
    """The value per share of ``offer``'s private equity (as a multiple of its price
    assumption, and as a price for its first grant with one) at which its expected cash over
    the horizon equals ``target`` (the other offer's expected cash); None where no price does."""

    offer: str
    target: float
    multiple: float | None
    price_per_share: float | None
    note: str

    def as_json(self) -> dict[str, object]:
        return {
            "offer": self.offer,
            "target_cash": round(self.target, 2),
            "multiple": None if self.multiple is None else round(self.multiple, 4),
            "price_per_share": None
            if self.price_per_share is None
            else round(self.price_per_share, 4),
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class CashSimulation:
    """A run of the cash model: one distribution per offer, in order."""

    offers: tuple[CashDistribution, ...]
    scenario: PrivateScenario
    public_drift: float
    public_volatility: float
    correlation: float
    paths: int
    seed: int | None
    horizon: int
    break_evens: tuple[PrivateBreakEven, ...] = field(default=())

    @property
    def p_first_beats(self) -> list[float]:
        """P(the first offer's cash over the horizon > each other's), in order."""
        first = self.offers[0].total
        return [float(np.mean(first > other.total)) for other in self.offers[1:]]

    def describe(self) -> str:
        public = (
            f"public stock: drift {self.public_drift:.2%} (mean), volatility "
            f"{self.public_volatility:.2%}"
        )
        return f"{self.scenario.describe(self.horizon)}; {public}"

    def as_json(self) -> dict[str, object]:
        """The ``offer simulate --json`` contract of the cash model."""
        return {
            "model": "cash",
            "offers": [o.as_json() for o in self.offers],
            "p_first_beats": [round(p, 6) for p in self.p_first_beats],
            "break_even": [b.as_json() for b in self.break_evens],
            "private": self.scenario.as_json(),
            "drift": self.public_drift,
            "volatility": self.public_volatility,
            "correlation": self.correlation,
            "years": self.horizon,
            "paths": self.paths,
            "seed": self.seed,
            "description": self.describe(),
        }


def simulate_cash(
    evaluations: Sequence[OfferEvaluation],
    paths: int,
    scenario: PrivateScenario,
    *,
    drift: float = 0.0,
    volatility: float = 0.3,
    correlation: float = 0.0,
    seed: int | None = None,
) -> CashSimulation:
    """Simulate the cash each offer brings in over its horizon (``drift``, ``volatility``:
    the public stocks' model; ``scenario``: the private companies')."""
    if paths <= 0:
        raise InputError(f"--paths must be at least 1 (got {paths})")
    if volatility < 0:
        raise InputError(f"--volatility must not be negative (got {volatility * 100:g}%)")
    if drift <= -1:
        raise InputError(f"--drift must be above -100% (got {drift * 100:g}%)")
    if not 0 <= correlation <= 1:
        raise InputError(f"--correlation must be between 0 and 1 (got {correlation:g})")
    if not evaluations:
        raise InputError("simulate needs at least one offer")
    horizon = max(e.horizon for e in evaluations)
    months = 12 * horizon
    exits = scenario.exit_months(horizon)
    offers = [_prepare(e, exits, scenario) for e in evaluations]
    rng = np.random.default_rng(seed)
    companies = list(dict.fromkeys(o.company for o in offers))
    common: FloatArray | None = None
    if correlation and len(companies) > 1:
        common = rng.standard_normal(size=(months, paths))
    results: dict[int, CashDistribution] = {}
    probabilities = np.array([p for _, p in exits])
    for company in companies:
        mine = [(i, o) for i, o in enumerate(offers) if o.company == company]
        private = any(o.private for _, o in mine)
        mu, sigma = (scenario.drift, scenario.volatility) if private else (drift, volatility)
        ratios = simulate_ratios(rng, paths, months, mu, sigma, common, correlation)
        # One exit scenario per path for the company (all its offers share it), and the
        # value at the exit from the outcome table when one is given.
        choice = rng.choice(len(exits), size=paths, p=probabilities / probabilities.sum())
        multiples: FloatArray | None = None
        if scenario.outcomes is not None:
            table = np.array([m for m, _ in scenario.outcomes])
            weights = np.array([p for _, p in scenario.outcomes])
            multiples = table[rng.choice(len(table), size=paths, p=weights / weights.sum())]
        for index, item in mine:
            results[index] = _distribution(item, ratios, choice, exits, multiples)
    ordered = tuple(results[i] for i in range(len(offers)))
    evens = tuple(_break_evens(offers, [float(d.total.mean()) for d in ordered], exits))
    return CashSimulation(
        ordered, scenario, drift, volatility, correlation, paths, seed, horizon, evens
    )


def _distribution(
    item: _Offer,
    ratios: FloatArray,
    choice: npt.NDArray[np.int64],
    exits: Sequence[tuple[int | None, float]],
    multiples: FloatArray | None,
) -> CashDistribution:
    years = item.evaluation.horizon
    paths = ratios.shape[1]
    cash = np.repeat(item.fixed[None, :], paths, axis=0)  # paths x years
    private = np.zeros_like(cash)
    for grant in item.grants:
        if not grant.private:
            cash += _paid(grant, grant.sales[0], ratios, years, None)
    for k in range(len(exits)):
        chosen = np.flatnonzero(choice == k)
        if chosen.size == 0 or not any(g.private for g in item.grants):
            continue
        sub = ratios[:, chosen]  # the paths with this exit, copied once
        for grant in item.grants:
            if not grant.private:
                continue
            sold = grant.sales[k]
            at_exit = None
            if multiples is not None and sold.exit_month is not None:
                at_exit = (sold.exit_month, multiples[chosen])
            private[chosen] += _paid(grant, sold, sub, years, at_exit)
    cash += private
    equity = cash.sum(axis=1) - item.fixed.sum()
    paper = sum(float(t[c].amount) for t in item.evaluation.years for c in EQUITY_COMPONENTS)
    return CashDistribution(
        item.evaluation.name,
        item.evaluation.currency,
        item.private,
        cash,
        np.maximum(equity, 0.0),
        paper,
        private,
    )


def _paid(
    grant: _Grant,
    sold: _Sales,
    ratios: FloatArray,
    years: int,
    at_exit: tuple[int, FloatArray] | None,
) -> FloatArray:
    """Cash (paths x years) of the sales ``sold`` of ``grant`` on the value paths ``ratios``
    (months + 1 x paths); from ``at_exit``'s month on, the value is its multiples instead."""
    out = np.zeros((ratios.shape[1], years))
    if sold.months.size == 0:
        return out
    value = ratios[sold.months]  # sales x paths
    if grant.anchor:
        value = value / ratios[grant.anchor]
    if at_exit is not None:
        after = sold.months >= at_exit[0]
        value[after] = at_exit[1]
    value *= sold.dilution[:, None]
    paid = grant.per_unit(value) * sold.fractions[:, None]
    for year in np.unique(sold.years):
        out[:, year] = paid[sold.years == year].sum(axis=0)
    return out


def _expected_cash(
    item: _Offer, multiple: float, exits: Sequence[tuple[int | None, float]]
) -> float:
    """Expected cash over the horizon when every private share is worth ``multiple`` x its
    price assumption (held constant, diluted by the rounds), over the exit scenarios; public
    grants at their price assumption."""
    total = float(item.fixed.sum())
    for grant in item.grants:
        weights = [p for _, p in exits] if grant.private else [1.0]
        level = multiple if grant.private else 1.0
        for sold, probability in zip(grant.sales, weights, strict=True):
            paid = grant.per_unit(level * sold.dilution) * sold.fractions
            total += probability * float(paid.sum())
    return total


def _break_even(
    item: _Offer, target: float, against: str, exits: Sequence[tuple[int | None, float]]
) -> PrivateBreakEven:
    """Solve expected cash(x) = ``target`` for the multiple x of the private value per share
    (cash is nondecreasing in x: bisection)."""
    name = item.evaluation.name
    low, high = 0.0, 1.0
    at_zero = _expected_cash(item, 0.0, exits)
    if at_zero >= target:
        return PrivateBreakEven(
            name, target, 0.0, 0.0, f"{name} pays as much as {against} even at 0 a share"
        )
    while _expected_cash(item, high, exits) < target:
        high *= 2
        if high > 1e6:
            return PrivateBreakEven(
                name,
                target,
                None,
                None,
                f"no price per share makes {name} pay as much as {against} within "
                f"{item.evaluation.horizon} years: too little of its equity is sold in that time",
            )
    for _ in range(200):
        middle = (low + high) / 2
        if _expected_cash(item, middle, exits) < target:
            low = middle
        else:
            high = middle
        if high - low <= 1e-10 * max(1.0, high):
            break
    multiple = high
    grant = next((g.plan.grant for g in item.grants if g.private and g.plan.grant), None)
    price = None
    if grant is not None and grant.value_price is not None:
        price = multiple * float(grant.value_price)
    where = (
        f" ({price:,.2f} a share for {grant.name or 'its first grant'})" if price and grant else ""
    )
    note = (
        f"{name} is expected to pay as much cash as {against} ({target:,.0f}) at "
        f"{multiple:.2f}x the price assumed{where}"
    )
    return PrivateBreakEven(name, target, multiple, price, note)


def _break_evens(
    offers: Sequence[_Offer],
    means: Sequence[float],
    exits: Sequence[tuple[int | None, float]],
) -> list[PrivateBreakEven]:
    """For each other offer: the private offer of the pair (the other one when both are)
    priced to pay the other's expected (simulated mean) cash."""
    out: list[PrivateBreakEven] = []
    first = offers[0]
    for index, other in enumerate(offers[1:], start=1):
        if other.private:
            out.append(_break_even(other, means[0], first.evaluation.name, exits))
        elif first.private:
            out.append(_break_even(first, means[index], other.evaluation.name, exits))
    return out
