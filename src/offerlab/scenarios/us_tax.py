"""US federal and state income tax on wages: tenforty's forms, and what offerlab adds to them
from the published rules.

tenforty (Open Tax Solver) computes the federal 1040 and the state forms for W-2 wages with
the standard deduction. Where its state forms leave a published rule out or get it wrong for
wages alone, offerlab computes that part from its own dated tables
(``data/tax/new_york.toml``, ``data/tax/us_state_rules.toml``), each with its source:

* New York State tax: the tax table, the rate schedule and the tax computation worksheets, and
  the household credit (tenforty's worksheets stop the process above $5,000,000 and tax
  $25,000,000 at 1.09% for a single filer, and its 2018-2020 forms deduct $10,000 instead of
  the standard deduction);
* California: the 1% Behavioral Health Services Tax on taxable income above $1,000,000;
* Massachusetts: the deduction of up to $2,000 of Social Security and Medicare paid;
* Michigan and Ohio: the personal exemptions;
* Massachusetts, New Jersey and Pennsylvania: income other than wages (equity's ordinary income
  and capital gains), which their forms in tenforty do not take;
* New York City: the school tax credits (the city tax itself is in ``us_payroll.toml``).

Amounts are USD, exact Decimals except tenforty's own figures, which are cents.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from offerlab.money import CENT
from offerlab.validation import validate_document

__all__ = [
    "Band",
    "Filing",
    "NyRecapture",
    "StateIncomeTax",
    "TaxTable",
    "band_tax",
    "load_tax_table",
    "ny_recapture",
    "ny_schedule_constants",
    "ny_state_tax",
    "nyc_school_tax_credit",
    "state_income_tax",
    "tenforty_federal_state",
]

Filing = Literal["single", "joint"]

_PCT: Final = Decimal(100)
_DOLLAR: Final = Decimal(1)

TableT = TypeVar("TableT", bound=BaseModel)


class TaxTable(BaseModel):
    """A shipped tax table's model: no unknown key, frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Band(TaxTable):
    """One band of a rate schedule: up to a cumulative upper bound (None: no bound)."""

    up_to: Decimal | None = None
    rate_pct: Decimal


def band_tax(amount: Decimal, bands: list[Band]) -> Decimal:
    """Tax on ``amount`` through consecutive bands (each ``up_to`` a cumulative upper bound)."""
    tax = Decimal(0)
    lower = Decimal(0)
    for band in bands:
        upper = band.up_to
        if amount <= lower:
            break
        top = amount if upper is None else min(amount, upper)
        tax += (top - lower) * band.rate_pct / _PCT
        if upper is None:
            break
        lower = upper
    return tax


def _whole(value: Decimal) -> Decimal:
    return value.quantize(_DOLLAR, rounding=ROUND_HALF_UP)


# --- tables ---------------------------------------------------------------------------------


class _NyYear(TaxTable):
    year: int
    source: str
    standard_deduction: dict[Filing, Decimal]
    top_rate_above_agi: dict[Filing, Decimal]
    top_rate_phase_in: bool
    single: list[Band]
    joint: list[Band]


class _CreditStep(TaxTable):
    below: Decimal
    amount: Decimal


class _HouseholdCredit(TaxTable):
    source: str
    single: list[_CreditStep]
    joint: list[_CreditStep]


class _Ny(TaxTable):
    threshold_agi: Decimal
    phase_in_width: Decimal
    table_below: Decimal
    household_credit: _HouseholdCredit
    year: list[_NyYear]


class _CaBehavioralHealth(TaxTable):
    name: str
    source: str
    rate_pct: Decimal
    above: Decimal
    years: list[int]


class _MaFicaDeduction(TaxTable):
    name: str
    source: str
    limit: Decimal
    part_b_rate_pct: dict[str, Decimal]
    surtax_pct: Decimal
    surtax_above: dict[str, Decimal]


class _MiExemption(TaxTable):
    name: str
    source: str
    amount: dict[str, Decimal]
    rate_pct: dict[str, Decimal]


class _Tier(TaxTable):
    up_to: Decimal | None = None
    amount: Decimal


class _OhExemption(TaxTable):
    name: str
    source: str
    years: list[int]
    tiers: list[_Tier]


class _RateReduction(TaxTable):
    first: Decimal
    first_pct: Decimal
    base: Decimal
    pct: Decimal


class _NycSchoolTaxCredit(TaxTable):
    name: str
    source: str
    years: list[int]
    fixed: dict[Filing, Decimal]
    fixed_income_limit: Decimal
    rate_reduction_limit: Decimal
    rate_reduction: dict[Filing, _RateReduction]


class _MaOtherIncome(TaxTable):
    name: str
    source: str
    short_term_pct: dict[str, Decimal]


class _NjOtherIncome(TaxTable):
    name: str
    source: str
    years: list[int]


class _PaOtherIncome(TaxTable):
    name: str
    source: str
    rate_pct: Decimal
    years: list[int]


class _StateRules(TaxTable):
    ca_behavioral_health: _CaBehavioralHealth
    ma_fica_deduction: _MaFicaDeduction
    mi_exemption: _MiExemption
    oh_exemption: _OhExemption
    nyc_school_tax_credit: _NycSchoolTaxCredit
    ma_other_income: _MaOtherIncome
    nj_other_income: _NjOtherIncome
    pa_other_income: _PaOtherIncome


def load_tax_table(model: type[TableT], name: str) -> TableT:
    """``data/tax/NAME`` (TOML, exact decimals) validated as ``model``."""
    text = resources.files("offerlab").joinpath("data", "tax", name).read_text(encoding="utf-8")
    return validate_document(model, tomllib.loads(text, parse_float=Decimal), name, "tax table")


@functools.cache
def _ny() -> _Ny:
    return load_tax_table(_Ny, "new_york.toml")


@functools.cache
def _rules() -> _StateRules:
    return load_tax_table(_StateRules, "us_state_rules.toml")


# --- tenforty -------------------------------------------------------------------------------


#: Income other than wages, USD: (ordinary income that is not wages, the ISO adjustment of
#: Form 6251, short-term capital gains, long-term capital gains).
Extra = tuple[Decimal, Decimal, Decimal, Decimal]
NO_EXTRA: Final[Extra] = (Decimal(0), Decimal(0), Decimal(0), Decimal(0))


@functools.lru_cache(maxsize=4096)
def _tenforty(
    year: int, state: str | None, filing: Filing, cents: int, extra: tuple[int, ...] = ()
) -> tuple[Any, ...]:
    """tenforty's federal total, Additional Medicare, AMT, net investment income tax, state
    total and state taxable income; ``extra`` is (ordinary, ISO adjustment, short-term gain,
    long-term gain) in cents, when there is any."""
    import tenforty  # a compiled package: imported only when a US tax is asked for

    status = "Single" if filing == "single" else "Married/Joint"
    ordinary, iso, short, long = extra or (0, 0, 0, 0)
    result = tenforty.evaluate_return(
        year=year,
        state=state,
        filing_status=status,
        w2_income=cents / 100,
        schedule_1_income=ordinary / 100,
        incentive_stock_option_gains=iso / 100,
        short_term_capital_gains=short / 100,
        long_term_capital_gains=long / 100,
    )
    return (
        result.federal_total_tax,
        result.federal_additional_medicare_tax,
        result.federal_amt,
        result.federal_niit,
        result.state_total_tax,
        result.state_taxable_income,
    )


def _dollars(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _cents(amount: Decimal) -> int:
    return int(amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def tenforty_federal_state(
    wages: Decimal, state: str, filing: Filing, tax_year: int, extra: Extra | None = None
) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(federal total incl. Additional Medicare, AMT and net investment income tax, Additional
    Medicare, AMT, net investment income tax, state total, state taxable income), USD, as
    tenforty computes them with the standard deduction: W-2 wages, and ``extra`` (see
    :data:`Extra`) when there is any.

    New York's form is never asked for (its worksheets end the process for some incomes):
    its state figures are 0 here and :func:`state_income_tax` computes them.
    """
    form_state: str | None = None if state == "NY" else state
    extra_cents = tuple(_cents(v) for v in extra) if extra and any(extra) else ()
    found = _tenforty(tax_year, form_state, filing, _cents(wages), extra_cents)
    federal, additional, amt, niit, state_tax, taxable = (_dollars(v) for v in found)
    return federal, additional, amt, niit, state_tax, taxable


def _tenforty_state_tax(
    wages: Decimal, state: str, filing: Filing, tax_year: int, extra: Extra | None = None
) -> Decimal:
    return tenforty_federal_state(wages, state, filing, tax_year, extra)[4]


# --- New York State -------------------------------------------------------------------------


def _ny_year(year: int) -> _NyYear:
    return next(y for y in _ny().year if y.year == year)


def ny_schedule_constants(year: int, filing: Filing) -> list[Decimal]:
    """The rate schedule's "tax on the amount below" each band, whole dollars: the exact tax
    up to the band's lower threshold, rounded (as IT-201-I prints them)."""
    bands = _bands(year, filing)
    return [_whole(band_tax(lower, bands)) for lower in _lowers(bands)]


def _bands(year: int, filing: Filing) -> list[Band]:
    table = _ny_year(year)
    return table.single if filing == "single" else table.joint


def _lowers(bands: list[Band]) -> list[Decimal]:
    return [Decimal(0)] + [b.up_to for b in bands[:-1] if b.up_to is not None]


def _schedule_tax(taxable: Decimal, year: int, filing: Filing) -> Decimal:
    """Tax on ``taxable`` by the published rate schedule (its whole-dollar constants)."""
    bands = _bands(year, filing)
    lowers = _lowers(bands)
    constants = ny_schedule_constants(year, filing)
    index = _band_index(taxable, bands)
    return constants[index] + (taxable - lowers[index]) * bands[index].rate_pct / _PCT


def _band_index(amount: Decimal, bands: list[Band]) -> int:
    """The band ``amount`` falls in (a threshold belongs to the band below it)."""
    for index, band in enumerate(bands):
        if band.up_to is None or amount <= band.up_to:
            return index
    return len(bands) - 1


@dataclass(frozen=True, slots=True)
class NyRecapture:
    """A tax computation worksheet's amounts for one band: the band's lower threshold (where
    its phase-in starts), rate, recapture base and incremental benefit (whole dollars)."""

    threshold: Decimal
    rate_pct: Decimal
    base: Decimal
    incremental: Decimal


def ny_recapture(year: int, filing: Filing) -> dict[int, NyRecapture]:
    """The worksheets' recapture base and incremental benefit of each band above the one that
    holds the AGI threshold, by band index, derived from the rate schedule as the law does:
    the base of the first is the benefit of the bands below at the flat rate of the band
    holding the threshold; each next base is the one before plus its incremental benefit;
    the incremental benefit is the rest of the benefit at the band's own rate."""
    bands = _bands(year, filing)
    lowers = _lowers(bands)
    first = _band_index(_ny().threshold_agi, bands)
    out: dict[int, NyRecapture] = {}
    base = Decimal(0)
    for index in range(first + 1, len(bands)):
        threshold = lowers[index]
        exact = band_tax(threshold, bands)  # the law's figures come from unrounded tax
        if index == first + 1:
            base = _whole(bands[first].rate_pct / _PCT * threshold - exact)
        else:
            base = base + out[index - 1].incremental
        incremental = _whole(bands[index].rate_pct / _PCT * threshold - exact - base)
        out[index] = NyRecapture(threshold, bands[index].rate_pct, base, incremental)
    return out


def _fraction(excess: Decimal) -> Decimal:
    """The phase-in fraction: AGI above a threshold over $50,000, at most 1, rounded to the
    fourth decimal place as the worksheets say."""
    width = _ny().phase_in_width
    return (min(excess, width) / width).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _ny_table_tax(taxable: Decimal, year: int, filing: Filing) -> Decimal:
    """The New York State tax table (taxable income below $65,000): the schedule's tax on the
    middle of the table's row, whole dollars (rows of $50, narrower below $50)."""
    width = Decimal("12.5") if taxable < 25 else Decimal(25) if taxable < 50 else Decimal(50)
    middle = (taxable // width) * width + width / 2
    return _whole(_schedule_tax(middle, year, filing))


def _ny_household_credit(agi: Decimal, filing: Filing) -> Decimal:
    """The New York State household credit (IT-201 line 40, tables 1 and 2; a joint return
    counts two exemptions, the filer and the spouse)."""
    steps = _ny().household_credit.single if filing == "single" else _ny().household_credit.joint
    return next((s.amount for s in steps if agi < s.below), Decimal(0))


def ny_state_tax(agi: Decimal, year: int, filing: Filing) -> tuple[Decimal, Decimal]:
    """(New York State tax, NY taxable income) on wages ``agi`` (IT-201 lines 39-46 for wages
    with the standard deduction: the tax table below $65,000 of taxable income, else the rate
    schedule, and above $107,650 of AGI the tax computation worksheets; less the household
    credit; line 38)."""
    table = _ny_year(year)
    taxable = max(Decimal(0), agi - table.standard_deduction[filing])
    tax = _ny_tax(agi, taxable, year, filing)
    return max(Decimal(0), tax - _ny_household_credit(agi, filing)), taxable


def _ny_tax(agi: Decimal, taxable: Decimal, year: int, filing: Filing) -> Decimal:
    table = _ny_year(year)
    if agi <= _ny().threshold_agi:
        if taxable < _ny().table_below:
            return _ny_table_tax(taxable, year, filing)
        return _schedule_tax(taxable, year, filing)
    bands = _bands(year, filing)
    top = len(bands) - 1
    top_rate = bands[top].rate_pct / _PCT
    recapture = ny_recapture(year, filing)
    first = _band_index(_ny().threshold_agi, bands)
    schedule = _schedule_tax(taxable, year, filing)
    index = _band_index(taxable, bands)
    top_from = table.top_rate_above_agi[filing]
    if agi > top_from:
        # The top rate on all taxable income: flat (from 2022), or phased in over $50,000
        # above the threshold from the base of the band the income reaches.
        if not table.top_rate_phase_in:
            return top_rate * taxable
        base = recapture[min(max(index, first) + 1, top)].base
        benefit = top_rate * taxable - schedule - base
        return schedule + base + benefit * _fraction(agi - top_from)
    if index <= first:
        flat = bands[first].rate_pct / _PCT * taxable
        return schedule + (flat - schedule) * _fraction(agi - _ny().threshold_agi)
    step = recapture[index]
    return schedule + step.base + step.incremental * _fraction(agi - step.threshold)


def nyc_school_tax_credit(
    agi: Decimal, nyc_taxable: Decimal, filing: Filing, year: int
) -> Decimal | None:
    """The New York City school tax credits (fixed amount and rate reduction amount, IT-201
    lines 69 and 69a) for a year the table covers, else None."""
    rule = _rules().nyc_school_tax_credit
    if year not in rule.years:
        return None
    credit = rule.fixed[filing] if agi <= rule.fixed_income_limit else Decimal(0)
    if nyc_taxable <= rule.rate_reduction_limit:
        steps = rule.rate_reduction[filing]
        if nyc_taxable <= steps.first:
            credit += nyc_taxable * steps.first_pct / _PCT
        else:
            credit += steps.base + (nyc_taxable - steps.first) * steps.pct / _PCT
    return credit


def nyc_school_tax_credit_source() -> str:
    return _rules().nyc_school_tax_credit.source


# --- every state ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StateIncomeTax:
    """A state's income tax on wages (the state total, as on its form), its taxable income,
    and the sources of the figure."""

    amount: Decimal
    taxable_income: Decimal
    sources: tuple[str, ...]


def state_income_tax(
    wages: Decimal,
    state: str,
    filing: Filing,
    year: int,
    fica_paid: Decimal,
    extra: Extra | None = None,
) -> StateIncomeTax:
    """``state``'s income tax on ``wages`` (and ``extra``, income other than wages) in
    ``year``: tenforty's form, with what offerlab adds from the published rules (see the module
    docstring). ``fica_paid`` is the Social Security and Medicare the wages pay (Massachusetts
    lets part of it be deducted)."""
    rules = _rules()
    ordinary, _, short, long = extra or NO_EXTRA
    # Federal AGI: the ISO adjustment is an AMT item, in no AGI.
    agi = wages + ordinary + short + long
    if state == "NY":
        amount, taxable = ny_state_tax(agi, year, filing)
        sources_ny = (_ny_year(year).source, _ny().household_credit.source)
        return StateIncomeTax(amount, taxable, sources_ny)
    *_, amount, taxable = tenforty_federal_state(wages, state, filing, year, extra)
    sources = [f"tenforty (Open Tax Solver) {year} {state} form"]
    other = max(Decimal(0), ordinary)
    gains = max(Decimal(0), short + long)
    if state == "CA" and year in rules.ca_behavioral_health.years:
        rule = rules.ca_behavioral_health
        # Form 540 is in whole dollars, as tenforty's figures are.
        amount += _whole(max(Decimal(0), taxable - rule.above) * rule.rate_pct / _PCT)
        sources.append(rule.source)
    elif state == "MA" and str(year) in rules.ma_fica_deduction.part_b_rate_pct:
        amount, taxable = _massachusetts(amount, taxable, year, fica_paid, other, short, long)
        sources.append(rules.ma_fica_deduction.source)
        if other or short > 0 or long > 0:
            sources.append(rules.ma_other_income.source)
    elif state == "MI" and str(year) in rules.mi_exemption.amount:
        rule_mi = rules.mi_exemption
        people = 2 if filing == "joint" else 1
        exemption = min(rule_mi.amount[str(year)] * people, taxable)
        amount = max(Decimal(0), amount - exemption * rule_mi.rate_pct[str(year)] / _PCT)
        taxable -= exemption
        sources.append(rule_mi.source)
    elif state == "OH" and year in rules.oh_exemption.years:
        rule_oh = rules.oh_exemption
        per_person = next(t.amount for t in rule_oh.tiers if t.up_to is None or agi <= t.up_to)
        exemption = min(per_person * (2 if filing == "joint" else 1), wages)
        # Ohio's form starts from federal AGI, and its tax depends on AGI only through
        # taxable income: the form on wages less the exemption is the tax.
        amount = _tenforty_state_tax(wages - exemption, state, filing, year, extra)
        taxable = max(Decimal(0), taxable - exemption)
        sources.append(rule_oh.source)
    elif state == "NJ" and year in rules.nj_other_income.years and (other or gains):
        # One rate schedule over all gross income: the form on it all, as wages.
        *_, amount, taxable = tenforty_federal_state(wages + other + gains, state, filing, year)
        sources.append(rules.nj_other_income.source)
    elif state == "PA" and year in rules.pa_other_income.years and (other or gains):
        rule_pa = rules.pa_other_income
        amount += (other + gains) * rule_pa.rate_pct / _PCT
        taxable += other + gains
        sources.append(rule_pa.source)
    return StateIncomeTax(amount, taxable, tuple(sources))


def _massachusetts(
    amount: Decimal,
    taxable: Decimal,
    year: int,
    fica_paid: Decimal,
    other: Decimal,
    short: Decimal,
    long: Decimal,
) -> tuple[Decimal, Decimal]:
    """Massachusetts on top of tenforty's Form 1 (wages only): less the line 15 deduction,
    plus the income other than wages by its part, the 4% surtax over all of it."""
    rules = _rules()
    rule = rules.ma_fica_deduction
    rate = rule.part_b_rate_pct[str(year)] / _PCT
    above = rule.surtax_above.get(str(year))
    surtax = rule.surtax_pct / _PCT

    def over(income: Decimal) -> Decimal:
        return max(Decimal(0), income - above) * surtax if above is not None else Decimal(0)

    deduction = min(rule.limit, fica_paid, taxable)  # one earner: one person's payments
    amount = max(Decimal(0), amount - deduction * rate - over(taxable) + over(taxable - deduction))
    taxable -= deduction
    short_rate = rules.ma_other_income.short_term_pct[str(year)] / _PCT
    gained = max(Decimal(0), short), max(Decimal(0), long)
    added = other + gained[0] + gained[1]
    amount += other * rate + gained[0] * short_rate + gained[1] * rate
    amount += over(taxable + added) - over(taxable)
    return amount, taxable + added
