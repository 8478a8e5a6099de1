"""The scenarios' use cases, the one path the CLI and the web share: comparing offers with their
risk-adjusted value, and simulating them.

Compare (:func:`compare_offers`): the offers are restated and compared as
:func:`offerlab.offers.service.compare_offers` does (one currency, deltas against the first);
each comes back with its paper value, its cash and its risk-adjusted value
(:mod:`.valuation`, the method named) year by year, its grants in the words recruiters use
(:mod:`offerlab.offers.terms`), and, when asked, its pay after tax.

Simulate: :func:`price_model` turns what a person gave (a drift and a volatility in percent, or
a price file to estimate them from) into the model and the words that describe it;
:func:`simulate_stock` runs the Monte Carlo simulation of the offers' pay under it, and
:func:`simulate_offers` picks the model: the public stock model when every offer's equity is
public and sold as it vests, else (or when a private-company figure is given) the cash model
of :mod:`.private`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

import numpy as np

from offerlab.errors import InputError
from offerlab.offers import Comparison, Offer, OfferEvaluation, evaluate
from offerlab.offers import service as offer_service
from offerlab.offers.service import one_currency
from offerlab.offers.terms import GrantTerms, offer_terms, refresher_words
from offerlab.scenarios.aftertax import AfterTax, after_tax
from offerlab.scenarios.currency import Rate, RatesTable
from offerlab.scenarios.private import CashSimulation, PrivateScenario, simulate_cash
from offerlab.scenarios.simulate import Simulation, estimate_from_prices, exposure, simulate
from offerlab.scenarios.tax import Filing
from offerlab.scenarios.valuation import (
    DEFAULT_EXPECTED_VALUE,
    RiskAdjusted,
    ValuationMethod,
    risk_adjusted_value,
    valuation_json,
)

__all__ = [
    "DEFAULT_PATHS",
    "DEFAULT_VOLATILITY_PCT",
    "OfferComparison",
    "PriceModel",
    "PrivateModel",
    "TaxQuestion",
    "compare_offers",
    "fresh_seed",
    "needs_cash_model",
    "price_model",
    "simulate_offers",
    "simulate_stock",
]

#: Annual volatility of the price, %, when none is given (a large company's stock).
DEFAULT_VOLATILITY_PCT: Final = 30.0
#: Price paths when none are asked for.
DEFAULT_PATHS: Final = 10_000


@dataclass(frozen=True, slots=True)
class PriceModel:
    """Geometric Brownian motion of the price: ``drift`` (mean) and ``volatility``, annual
    fractions; ``correlation`` between different companies' log returns (0 to 1); ``text``
    says all of it, and where the figures came from."""

    drift: float
    volatility: float
    correlation: float
    text: str


def price_model(
    drift_pct: float | None = None,
    volatility_pct: float | None = None,
    correlation: float = 0.0,
    prices: Path | None = None,
) -> PriceModel:
    """The model from a drift and a volatility in percent (defaults 0 and
    :data:`DEFAULT_VOLATILITY_PCT`), or estimated from the daily prices in ``prices``."""
    if prices is not None and (drift_pct is not None or volatility_pct is not None):
        raise InputError("give --prices or --drift/--volatility, not both")
    if prices is not None:
        estimate = estimate_from_prices(prices)
        drift, volatility, text = estimate.drift, estimate.volatility, estimate.describe()
    else:
        drift = (drift_pct or 0.0) / 100
        volatility = (DEFAULT_VOLATILITY_PCT if volatility_pct is None else volatility_pct) / 100
        text = f"geometric Brownian motion, drift {drift:.2%} (mean), volatility {volatility:.2%}"
    if correlation:
        text += f", correlation {correlation:g} between companies"
    return PriceModel(drift, volatility, correlation, text)


def fresh_seed() -> int:
    """A seed from the operating system's entropy, for a run that names the seed it used."""
    return int(np.random.SeedSequence().generate_state(1)[0])


def simulate_stock(
    evaluations: Sequence[OfferEvaluation], paths: int, model: PriceModel, seed: int | None = None
) -> Simulation:
    """Each offer's pay over ``paths`` price paths of ``model`` (``seed`` None: a fresh one,
    which the result names, so the run can be repeated)."""
    used = fresh_seed() if seed is None else seed
    exposures = [exposure(e) for e in evaluations]
    return simulate(
        exposures, paths, model.drift, model.volatility, used, model.text, model.correlation
    )


@dataclass(frozen=True, slots=True)
class TaxQuestion:
    """Pay after tax, asked for: where (None: each offer's own location), how filed, under
    which year's tables (None: the latest shipped)."""

    residence: str | None = None
    filing: Filing = "single"
    tax_year: int | None = None


@dataclass(frozen=True, slots=True)
class OfferComparison:
    """Offers side by side: the evaluations (the first is the baseline for deltas), each one's
    risk-adjusted value under ``method`` and grant terms, the rates offers were restated with,
    and the after-tax figures when they were asked for."""

    comparison: Comparison
    values: tuple[RiskAdjusted, ...]
    terms: tuple[tuple[GrantTerms, ...], ...]
    refreshers: tuple[str | None, ...]
    method: ValuationMethod
    restated: tuple[Rate, ...] = ()
    taxed: tuple[AfterTax, ...] = ()

    @property
    def evaluations(self) -> tuple[OfferEvaluation, ...]:
        return self.comparison.evaluations

    @property
    def currency(self) -> str:
        return self.comparison.baseline.currency

    @property
    def horizon(self) -> int:
        return self.comparison.baseline.horizon

    @property
    def any_private(self) -> bool:
        """Whether some offer has equity that the method values (else risk-adjusted = paper)."""
        return any(value.private for value in self.values)

    def risk_adjusted_cents(self, index: int) -> list[Decimal]:
        """The shown (cents) risk-adjusted total of each year of offer ``index``."""
        evaluation = self.evaluations[index]
        shown = evaluation.shown()
        return self.values[index].shown([shown[t.year]["total"] for t in evaluation.years])

    def as_json(self) -> dict[str, object]:
        """The ``offer compare --json`` contract: each offer's ``offer show --json`` object
        (after tax, the ``--after-tax`` one) with, added, each year's ``risk_adjusted``, the
        offer's ``risk_adjusted_total``, ``risk_adjusted`` (what was valued) and
        ``equity_terms``; then ``valuation`` (the method) and the exchange rates used."""
        offers: list[dict[str, object]] = []
        for index, evaluation in enumerate(self.evaluations):
            data = self.taxed[index].as_json() if self.taxed else evaluation.as_json()
            cents = self.risk_adjusted_cents(index)
            rows = data["years"]
            assert isinstance(rows, list)
            for row, value in zip(rows, cents, strict=True):
                row["risk_adjusted"] = float(value)
            data["risk_adjusted_total"] = float(sum(cents, Decimal(0)))
            data["risk_adjusted"] = self.values[index].totals_json()
            data["equity_terms"] = [t.as_json() for t in self.terms[index]]
            data["refresher_terms"] = self.refreshers[index]
            offers.append(data)
        out: dict[str, object] = {
            "offers": offers,
            "valuation": valuation_json(self.method, self.horizon),
        }
        if self.restated:
            out["exchange_rates"] = [r.as_json() for r in self.restated]
        return out


def compare_offers(
    offers: Sequence[Offer],
    years: int = 4,
    *,
    sources: Sequence[str] | None = None,
    currency: str | None = None,
    rates: RatesTable | None = None,
    method: ValuationMethod = DEFAULT_EXPECTED_VALUE,
    taxes: TaxQuestion | None = None,
) -> OfferComparison:
    """Compare ``offers`` over ``years`` offer years, each valued by ``method``. ``sources``
    name the offers in errors (file paths, or where in a request body; default their names);
    ``currency`` restates every offer in it with ``rates`` (default: the shipped table), which
    also convert for ``taxes`` when an offer is taxed in another currency."""
    labels = list(sources) if sources is not None else [o.display_name for o in offers]
    table = rates if rates is not None else RatesTable.bundled()
    compared = offer_service.compare_offers(offers, years, labels, currency=currency, rates=table)
    comparison = compared.comparison
    given = [e.offer for e in comparison.evaluations]
    taxed: tuple[AfterTax, ...] = ()
    if taxes is not None:
        taxed = tuple(
            after_tax(e, taxes.residence, taxes.filing, taxes.tax_year, table)
            for e in comparison.evaluations
        )
    return OfferComparison(
        comparison=comparison,
        values=tuple(risk_adjusted_value(e, method) for e in comparison.evaluations),
        terms=tuple(offer_terms(offer) for offer in given),
        refreshers=tuple(refresher_words(offer) for offer in given),
        method=method,
        restated=compared.rates,
        taxed=taxed,
    )


@dataclass(frozen=True, slots=True)
class PrivateModel:
    """The private-company model's figures as the user gives them (percents; None: the
    default): the chance of an exit in each offer year, the value at the exit as
    (multiple, percent) rows, dilution per round and the months between rounds, and the value
    per share's drift (default: ``fallback_drift_pct``, the public drift the user gave, else
    0) and volatility (default 60%)."""

    exit_by_year_pct: tuple[float, ...] | None = None
    exit_outcomes_pct: tuple[tuple[float, float], ...] | None = None
    dilution_pct: float = 0.0
    round_every_months: int = 24
    drift_pct: float | None = None
    volatility_pct: float = 60.0
    fallback_drift_pct: float = 0.0

    @property
    def asked(self) -> bool:
        """Whether any figure of the model was given (then the cash model runs even for
        offers whose equity is all public)."""
        return bool(
            self.exit_by_year_pct is not None
            or self.exit_outcomes_pct is not None
            or self.dilution_pct
            or self.drift_pct
        )

    def scenario(self) -> PrivateScenario:
        exits = self.exit_by_year_pct
        outcomes = self.exit_outcomes_pct
        drift = self.drift_pct if self.drift_pct is not None else self.fallback_drift_pct
        return PrivateScenario(
            drift=drift / 100,
            volatility=self.volatility_pct / 100,
            exit_by_year=None if exits is None else tuple(p / 100 for p in exits),
            outcomes=None if outcomes is None else tuple((m, p / 100) for m, p in outcomes),
            dilution=self.dilution_pct / 100,
            round_every_months=self.round_every_months,
        )


def needs_cash_model(evaluations: Sequence[OfferEvaluation], private: PrivateModel | None) -> bool:
    """Whether a simulation of ``evaluations`` runs the cash model: a private-company figure is
    given, or an offer has options or equity that cannot be sold as it vests."""
    return (private is not None and private.asked) or any(e.has_unsold_equity for e in evaluations)


def simulate_offers(
    offers: Sequence[Offer],
    years: int,
    paths: int,
    seed: int,
    prices: PriceModel,
    private: PrivateModel | None = None,
    *,
    sources: Sequence[str] | None = None,
) -> Simulation | CashSimulation:
    """Simulate ``offers`` over ``years`` with ``paths`` paths drawn from ``seed``: the public
    stock model when every offer's equity is public and no private-company figure is given,
    else the cash model with ``private`` (default figures when None)."""
    if not offers:
        raise InputError("simulate needs at least one offer")
    labels = list(sources) if sources is not None else [o.display_name for o in offers]
    one_currency(offers, labels, "simulated together")
    evaluations = [evaluate(offer, years) for offer in offers]
    model = private if private is not None else PrivateModel()
    if needs_cash_model(evaluations, model):
        return simulate_cash(
            evaluations,
            paths,
            model.scenario(),
            drift=prices.drift,
            volatility=prices.volatility,
            correlation=prices.correlation,
            seed=seed,
        )
    return simulate(
        [exposure(e) for e in evaluations],
        paths,
        prices.drift,
        prices.volatility,
        seed,
        prices.text,
        prices.correlation,
    )
