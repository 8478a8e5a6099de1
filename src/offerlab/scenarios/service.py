"""Comparing offers: the one use case ``offer compare`` and ``POST /api/v1/compare`` share.

Offers are restated in one currency when asked (each with the dated rate of its start date),
must then share one currency, and are evaluated over the same horizon. Each comes back with its
paper value, its cash and its risk-adjusted value (:mod:`.valuation`, the method named) year by
year, its grants in the words recruiters use (:mod:`offerlab.offers.terms`), and, when asked,
its pay after tax.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

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

__all__ = [
    "OfferComparison",
    "TaxQuestion",
    "compare_offers",
    "restate_offers",
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
    names = list(sources) if sources is not None else [o.display_name for o in offers]
    table = rates if rates is not None else RatesTable.bundled()
    restated: list[Rate] = []
    given = list(offers)
    if currency is not None:
        given, restated = restate_offers(given, currency, table)
    if len({offer.currency for offer in given}) > 1:
        listing = ", ".join(f"{n} is in {o.currency}" for n, o in zip(names, given, strict=True))
        raise InputError(
            f"offers in different currencies cannot be compared: {listing}; "
            "give them all in one currency, or restate them with --currency USD"
        )
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
