"""After-tax pay of an evaluated offer: each offer year taxed as one tax year of wages.

Every component an offer year pays (base, bonus, equity and refresher vests, signing, other
items) is wages. All years use the tables of one tax year (``tax_year``), so the figures say what
the offer would keep under today's rules. An offer in another currency than the residence's is
converted with a dated rate, taxed, and its taxes converted back at the same rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from offerlab.errors import InputError
from offerlab.money import Money, allocate_cents
from offerlab.offers.metrics import OfferEvaluation
from offerlab.scenarios.currency import Rate, RatesTable
from offerlab.scenarios.residence import Residence, parse_residence
from offerlab.scenarios.tax import Filing, TaxResult, latest_tax_year, tax_wages

__all__ = ["AfterTax", "AfterTaxYear", "after_tax"]


@dataclass(frozen=True, slots=True)
class AfterTaxYear:
    """One offer year: its gross, its taxes (residence currency) and both in offer currency."""

    year: int
    gross: Money
    taxes: TaxResult
    #: Each tax line in the offer's currency, in the order of ``taxes.lines``.
    lines: tuple[Money, ...]

    @property
    def tax(self) -> Money:
        total = Money.zero(self.gross.currency)
        for amount in self.lines:
            total = total + amount
        return total

    @property
    def net(self) -> Money:
        return self.gross - self.tax


@dataclass(frozen=True, slots=True)
class AfterTax:
    """An offer's years after tax, for one residence, filing status and tax year."""

    evaluation: OfferEvaluation
    residence: Residence
    filing: Filing
    tax_year: int
    years: tuple[AfterTaxYear, ...]
    rate: Rate | None

    def line_keys(self) -> list[tuple[str, str]]:
        """(key, label) of every tax line that occurs, in order."""
        seen: dict[str, str] = {}
        for year in self.years:
            for line in year.taxes.lines:
                seen.setdefault(line.key, line.label)
        return list(seen.items())

    def shown(self) -> dict[int, dict[str, Decimal]]:
        """Cents per year: each tax line, ``tax`` (their sum) and ``after_tax``, so that shown
        lines add up to the shown tax and ``after_tax`` = shown total - shown tax."""
        totals = self.evaluation.shown()
        out: dict[int, dict[str, Decimal]] = {}
        for year in self.years:
            cents = allocate_cents(amount.amount for amount in year.lines)
            row = {line.key: c for line, c in zip(year.taxes.lines, cents, strict=True)}
            row["tax"] = sum(cents, Decimal(0))
            row["after_tax"] = totals[year.year]["total"] - row["tax"]
            out[year.year] = row
        return out

    def as_json(self) -> dict[str, object]:
        """The ``offer show --json`` object with ``tax`` and ``after_tax`` in each year, the
        tax lines under ``taxes``, and ``residence`` and ``tax_year`` on the object."""
        data = self.evaluation.as_json()
        shown = self.shown()
        years = data["years"]
        assert isinstance(years, list)
        for row in years:
            figures = shown[row["year"]]
            row["tax"] = float(figures["tax"])
            row["after_tax"] = float(figures["after_tax"])
            row["taxes"] = {key: float(figures[key]) for key, _ in self.line_keys()}
        four = [shown[y] for y in range(1, 5) if y in shown]
        if len(four) == 4:
            data["four_year_after_tax"] = float(sum((f["after_tax"] for f in four), Decimal(0)))
        data["residence"] = self.residence.label
        data["tax_year"] = self.tax_year
        data["filing"] = self.filing
        if self.rate is not None:
            data["exchange_rate"] = self.rate.as_json()
        return data


def after_tax(
    evaluation: OfferEvaluation,
    residence: Residence | str | None = None,
    filing: Filing = "single",
    tax_year: int | None = None,
    rates: RatesTable | None = None,
) -> AfterTax:
    """Tax each shown offer year of ``evaluation`` (default residence: the offer's location)."""
    if isinstance(residence, Residence):
        place = residence
    elif isinstance(residence, str):
        place = parse_residence(residence)
    else:
        try:
            place = parse_residence(evaluation.offer.location)
        except InputError as error:
            raise InputError(
                f"the offer's location {evaluation.offer.location!r} is not a place offerlab "
                f"can tax ({error.message}); give --residence"
            ) from None
    year_used = latest_tax_year(place) if tax_year is None else tax_year
    rate: Rate | None = None
    back: Rate | None = None
    if evaluation.currency != place.currency:
        table = rates if rates is not None else RatesTable.bundled()
        # The rate for the day the offer's figures start (today when it has no start date).
        rate = table.rate(evaluation.currency, place.currency, evaluation.offer.start_date)
        back = rate.inverse()
    out: list[AfterTaxYear] = []
    for totals in evaluation.years:
        gross = totals.total
        wages = gross if rate is None else rate.convert(gross)
        result = tax_wages(wages, place, filing, year_used)
        lines = tuple(
            line.amount if back is None else back.convert(line.amount) for line in result.lines
        )
        out.append(AfterTaxYear(totals.year, gross, result, lines))
    return AfterTax(evaluation, place, filing, year_used, tuple(out), rate)
