"""Comparing and simulating offers: the use cases ``offer compare`` and ``offer simulate``
share with ``POST /api/v1/compare``, ``POST /api/v1/simulate`` and the compare and scenarios
pages.

Compare: offers are restated in one currency when asked (each with the dated rate of its start
date), must then share one currency, and are evaluated over the same horizon. Each comes back
with its paper value, its cash and its risk-adjusted value (:mod:`.valuation`, the method named)
year by year, its grants in the words recruiters use (:mod:`offerlab.offers.terms`), and, when
asked, its pay after tax.

Simulate: offers whose equity is all public and sold as it vests are priced by the public
stock model (:mod:`.simulate`); as soon as one has options or equity that cannot be sold as it
vests, or a private-company option is given, every offer goes through the cash model
(:mod:`.private`). The simulation modules (and NumPy) load when a simulation runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from offerlab.errors import InputError
from offerlab.money import CURRENCIES
from offerlab.offers import Comparison, Offer, OfferEvaluation, compare, evaluate
from offerlab.offers.terms import GrantTerms, offer_terms, refresher_words
from offerlab.scenarios.aftertax import AfterTax, after_tax
from offerlab.scenarios.currency import Rate, RatesTable, convert_offer
from offerlab.scenarios.tax import Filing
from offerlab.scenarios.valuation import (
    DEFAULT_EXPECTED_VALUE,
    RiskAdjusted,
    ValuationMethod,
    risk_adjusted_value,
    valuation_json,
)

if TYPE_CHECKING:
    from offerlab.scenarios.private import CashSimulation, PrivateScenario
    from offerlab.scenarios.simulate import Simulation

__all__ = [
    "OfferComparison",
    "PriceModel",
    "PrivateModel",
    "TaxQuestion",
    "compare_offers",
    "draw_seed",
    "needs_cash_model",
    "restate_offers",
    "same_currency",
    "simulate_offers",
]


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


def restate_offers(
    offers: Sequence[Offer], currency: str, table: RatesTable
) -> tuple[list[Offer], list[Rate]]:
    """``offers`` restated in ``currency`` (each with the rate dated on or before its start
    date, else today's) and the distinct rates used."""
    code = currency.strip().upper()
    if code not in CURRENCIES:
        raise InputError(
            f"--currency {currency!r} is not an ISO 4217 code such as USD or GBP",
            option="--currency",
        )
    out: list[Offer] = []
    used: dict[tuple[str, str, object], Rate] = {}
    for offer in offers:
        if offer.currency == code:
            out.append(offer)
            continue
        converted = table.rate(offer.currency, code, offer.start_date)
        used[(converted.from_, converted.to, converted.used_for)] = converted
        out.append(convert_offer(offer, converted))
    return out, list(used.values())


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
    """Compare ``offers`` over ``years`` offer years. ``sources`` name the offers in errors
    (file paths, or where in a request body); ``currency`` restates every offer in it with
    ``rates`` (default: the shipped table), which also convert for ``taxes`` when an offer is
    taxed in another currency."""
    if len(offers) < 2:
        raise InputError("compare needs at least two offers")
    table = rates if rates is not None else RatesTable.bundled()
    restated: list[Rate] = []
    given = list(offers)
    if currency is not None:
        given, restated = restate_offers(given, currency, table)
    same_currency(given, sources, "compared")
    comparison = compare([evaluate(offer, years) for offer in given])
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
        restated=tuple(restated),
        taxed=taxed,
    )


def same_currency(offers: Sequence[Offer], sources: Sequence[str] | None, done: str) -> None:
    """An InputError naming each offer's currency when ``offers`` are in more than one
    (``done``: what cannot be done to them, e.g. ``compared``)."""
    if len({offer.currency for offer in offers}) <= 1:
        return
    names = list(sources) if sources is not None else [o.display_name for o in offers]
    listing = ", ".join(f"{n} is in {o.currency}" for n, o in zip(names, offers, strict=True))
    raise InputError(
        f"offers in different currencies cannot be {done}: {listing}; "
        "give them all in one currency, or restate them with --currency USD"
    )


@dataclass(frozen=True, slots=True)
class PriceModel:
    """The public stock model: annual ``drift`` (mean growth) and ``volatility`` as fractions,
    ``correlation`` between companies; ``source`` says where the figures come from when they
    were estimated (a price file), else they were given."""

    drift: float = 0.0
    volatility: float = 0.3
    correlation: float = 0.0
    source: str | None = None

    def describe(self) -> str:
        text = self.source or (
            f"geometric Brownian motion, drift {self.drift:.2%} (mean), volatility "
            f"{self.volatility:.2%}"
        )
        if self.correlation:
            text += f", correlation {self.correlation:g} between companies"
        return text


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
        from offerlab.scenarios.private import PrivateScenario

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


def draw_seed() -> int:
    """A fresh seed for a run given none (printed with the figures, so it can be repeated)."""
    import numpy as np

    return int(np.random.SeedSequence().generate_state(1)[0])


def needs_cash_model(evaluations: Sequence[OfferEvaluation], private: PrivateModel | None) -> bool:
    """Whether a simulation of ``evaluations`` runs the cash model: a private-company figure is
    given, or an offer has options or equity that cannot be sold as it vests."""
    return (private is not None and private.asked) or any(
        e.has_unsold_equity for e in evaluations
    )


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
    # NumPy and the models load for a simulation only, not for every start of the CLI.
    from offerlab.scenarios.private import simulate_cash
    from offerlab.scenarios.simulate import exposure, simulate

    if not offers:
        raise InputError("simulate needs at least one offer")
    same_currency(offers, sources, "simulated together")
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
        prices.describe(),
        prices.correlation,
    )
