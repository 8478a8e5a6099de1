"""After-tax pay of an evaluated offer: each offer year taxed as one tax year.

Base, bonus, signing and other items are wages; equity is taxed when and as
:mod:`.equity_tax` says under the exercise strategy (public RSUs as wages at vest, so an offer
of public RSUs is taxed on exactly its yearly totals). All years use the tables of one tax year
(``tax_year``), so the figures say what the offer would keep under today's rules. An offer in
another currency than the residence's is converted with a dated rate, taxed, and its taxes
converted back at the same rate.

Beside the paper view (``after_tax`` = total - tax) each year has the cash view: the money
received (pay, and equity when sold), the strike paid to exercise options before they are sold,
and ``cash_after_tax`` = received - exercise paid - tax, which is negative in a year where
exercising and its tax cost more than the year brings in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from offerlab.errors import InputError
from offerlab.money import Money, allocate_cents, to_cents
from offerlab.offers.metrics import OfferEvaluation
from offerlab.scenarios.currency import Rate, RatesTable
from offerlab.scenarios.equity_tax import (
    EquityIncome,
    ExerciseStrategy,
    equity_income,
    non_equity_wages,
)
from offerlab.scenarios.residence import Residence, parse_residence
from offerlab.scenarios.tax import Filing, Income, TaxResult, latest_tax_year, tax_income

__all__ = ["AfterTax", "AfterTaxYear", "after_tax"]


@dataclass(frozen=True, slots=True)
class AfterTaxYear:
    """One offer year: its gross, its taxes (residence currency) and both in offer currency."""

    year: int
    gross: Money
    taxes: TaxResult
    #: Each tax line in the offer's currency, in the order of ``taxes.lines``.
    lines: tuple[Money, ...]
    #: Money received in the year under the exercise strategy (pay, and equity when sold;
    #: options exercised before the sale bring the full price when sold).
    received: Money | None = None
    #: Strike paid in the year for options exercised before they are sold.
    exercise_paid: Money | None = None

    @property
    def tax(self) -> Money:
        total = Money.zero(self.gross.currency)
        for amount in self.lines:
            total = total + amount
        return total

    @property
    def net(self) -> Money:
        return self.gross - self.tax

    @property
    def cash_after_tax(self) -> Money:
        """Money kept in the year: received - exercise paid - tax."""
        zero = Money.zero(self.gross.currency)
        received = self.gross if self.received is None else self.received
        paid = zero if self.exercise_paid is None else self.exercise_paid
        return received - paid - self.tax


@dataclass(frozen=True, slots=True)
class AfterTax:
    """An offer's years after tax, for one residence, filing status and tax year."""

    evaluation: OfferEvaluation
    residence: Residence
    filing: Filing
    tax_year: int
    years: tuple[AfterTaxYear, ...]
    rate: Rate | None
    #: How options are exercised, and what the equity rules assumed (notes in words).
    exercise: ExerciseStrategy = "at-liquidity"
    notes: tuple[str, ...] = ()

    def line_keys(self) -> list[tuple[str, str]]:
        """(key, label) of every tax line that occurs, in order."""
        seen: dict[str, str] = {}
        for year in self.years:
            for line in year.taxes.lines:
                seen.setdefault(line.key, line.label)
        return list(seen.items())

    def shown(self) -> dict[int, dict[str, Decimal]]:
        """Cents per year: each tax line, ``tax`` (their sum) and ``after_tax``, so that shown
        lines add up to the shown tax and ``after_tax`` = shown total - shown tax; and
        ``received``, ``exercise_paid`` and ``cash_after_tax`` = received - exercise paid - tax
        (received is the shown ``cash`` of the year plus what exercising before the sale adds
        to the sale, rounded on its own)."""
        totals = self.evaluation.shown()
        out: dict[int, dict[str, Decimal]] = {}
        for year in self.years:
            cents = allocate_cents(amount.amount for amount in year.lines)
            row = {line.key: c for line, c in zip(year.taxes.lines, cents, strict=True)}
            row["tax"] = sum(cents, Decimal(0))
            row["after_tax"] = totals[year.year]["total"] - row["tax"]
            cash = self.evaluation.year(year.year).cash
            received = cash if year.received is None else year.received
            row["received"] = totals[year.year]["cash"] + to_cents((received - cash).amount)
            paid = Decimal(0) if year.exercise_paid is None else year.exercise_paid.amount
            row["exercise_paid"] = to_cents(paid)
            row["cash_after_tax"] = row["received"] - row["exercise_paid"] - row["tax"]
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
            row["exercise_paid"] = float(figures["exercise_paid"])
            row["cash_after_tax"] = float(figures["cash_after_tax"])
        four = [shown[y] for y in range(1, 5) if y in shown]
        if len(four) == 4:
            data["four_year_after_tax"] = float(sum((f["after_tax"] for f in four), Decimal(0)))
        data["cash_after_tax_total"] = float(
            sum((f["cash_after_tax"] for f in shown.values()), Decimal(0))
        )
        data["residence"] = self.residence.label
        data["tax_year"] = self.tax_year
        data["filing"] = self.filing
        data["exercise"] = self.exercise
        if self.rate is not None:
            data["exchange_rate"] = self.rate.as_json()
        return data


def after_tax(
    evaluation: OfferEvaluation,
    residence: Residence | str | None = None,
    filing: Filing = "single",
    tax_year: int | None = None,
    rates: RatesTable | None = None,
    exercise: ExerciseStrategy = "at-liquidity",
    fmv_at_exercise: Decimal | None = None,
) -> AfterTax:
    """Tax each shown offer year of ``evaluation`` (default residence: the offer's location),
    options exercised by ``exercise``; ``fmv_at_exercise`` is the value per share (409A) taxed
    at an exercise before the sale, default each grant's ``fmv``."""
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
    us = place.country == "US"
    limit = Money(Decimal(100000), "USD")
    if evaluation.currency != "USD" and us:
        table = rates if rates is not None else RatesTable.bundled()
        limit = table.rate("USD", evaluation.currency).convert(limit)
    equity = equity_income(
        evaluation,
        exercise,
        us_rules=us,
        fmv_at_exercise=fmv_at_exercise,
        iso_limit=limit if us else None,
    )
    out: list[AfterTaxYear] = []
    for totals in evaluation.years:
        income = _income(evaluation, equity, totals.year, us)
        if rate is not None:
            income = _converted(income, rate)
        result = tax_income(income, place, filing, year_used)
        lines = tuple(
            line.amount if back is None else back.convert(line.amount) for line in result.lines
        )
        flows = equity.year(totals.year, evaluation.currency)
        received = totals.cash - totals.sold_total + flows.proceeds
        out.append(
            AfterTaxYear(totals.year, totals.total, result, lines, received, flows.exercise_paid)
        )
    notes = _notes(evaluation, equity, us)
    return AfterTax(evaluation, place, filing, year_used, tuple(out), rate, exercise, notes)


def _income(evaluation: OfferEvaluation, equity: EquityIncome, year: int, us: bool) -> Income:
    """The year's income in the offer currency: pay and equity wages; in the United States
    also the other kinds of equity income (elsewhere only employment income is taxed)."""
    flows = equity.year(year, evaluation.currency)
    wages = non_equity_wages(evaluation, year) + flows.wages
    if not us:
        return Income(wages + flows.ordinary)
    return Income(
        wages, flows.ordinary, flows.iso_preference, flows.short_term_gain, flows.long_term_gain
    )


def _converted(income: Income, rate: Rate) -> Income:
    def x(part: Money | None) -> Money | None:
        return None if part is None else rate.convert(part)

    return Income(
        rate.convert(income.wages),
        x(income.ordinary),
        x(income.iso_preference),
        x(income.short_term_gain),
        x(income.long_term_gain),
    )


def _notes(evaluation: OfferEvaluation, equity: EquityIncome, us: bool) -> tuple[str, ...]:
    """What the equity rules assumed, in words (empty for an offer of public RSUs)."""
    notes = list(equity.notes)
    if not evaluation.has_unsold_equity:
        return tuple(notes)
    if any(not p.liquidity.is_public and not p.is_option for p in evaluation.plans):
        notes.append(
            "private RSUs and units are taxed as wages when sold (double-trigger RSUs settle "
            "at the liquidity event), not at vest"
        )
    if evaluation.has_options:
        if us:
            notes.append(
                "the AMT paid on an ISO exercise is a credit against the regular tax of later "
                "years (Form 8801); offerlab does not carry it forward, nor the AMT basis of the "
                "shares, nor state AMT (California's among them)"
            )
        else:
            notes.append(
                "options are taxed as employment income on the spread at exercise; the gain "
                "after exercise (capital gains tax) is not modelled outside the United States, "
                "nor tax-advantaged plans (UK EMI/CSOP, India's start-up deferral)"
            )
    return tuple(notes)
