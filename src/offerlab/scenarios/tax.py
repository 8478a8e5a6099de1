"""Income tax and payroll taxes on a year's wages, where the person lives.

* United States: federal and state income tax from the ``tenforty`` package (its federal total
  includes the 0.9% Additional Medicare Tax, shown on its own line), with the state rules it
  leaves out added from the published rules (:mod:`offerlab.scenarios.us_tax`); Social
  Security (6.2% up to the year's wage base) and Medicare (1.45%) from our own dated table;
  state payroll levies (CA SDI, WA Cares, WA paid family leave) and the New York City resident
  tax from the same table (``data/tax/us_payroll.toml``), less the city's school tax credits.
* United Kingdom: Income Tax and employee Class 1 National Insurance (``data/tax/uk.toml``).
* India: income tax under the new regime, with rebate, surcharge and cess
  (``data/tax/india.toml``).

Everything an offer pays in a year (base, bonus, vests, signing, refreshers, other items) is
taxed as wages of one tax year. Equity adds, in the United States, ordinary income that is not
wages (an ISO's disqualifying disposition), the ISO adjustment for the alternative minimum tax
and capital gains (:class:`Income`; see :mod:`.equity_tax`). Amounts are annual, gross in and
tax out, in the residence's currency; results are exact Decimals except tenforty's, which are
cents.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from offerlab.errors import InputError
from offerlab.money import Money, money_sum
from offerlab.scenarios.residence import Residence
from offerlab.scenarios.us_tax import (
    Band,
    Filing,
    TaxTable,
    band_tax,
    load_tax_table,
    nyc_school_tax_credit,
    nyc_school_tax_credit_source,
    state_income_tax,
    tenforty_federal_state,
)

__all__ = [
    "Filing",
    "Income",
    "TaxLine",
    "TaxResult",
    "latest_tax_year",
    "shipped_years",
    "table_sources",
    "tax_income",
    "tax_wages",
    "tenforty_state_years",
]

#: Tax years tenforty computes (federal and state income tax).
TENFORTY_YEARS: tuple[int, ...] = tuple(range(2018, 2026))
#: Tax years in which tenforty carries an ISO adjustment into the AMT (its 2018 and 2019
#: returns leave it out: checked against Form 6251 in tests/scenarios/test_equity_tax.py).
ISO_AMT_YEARS: tuple[int, ...] = tuple(range(2020, 2026))

_PCT = Decimal(100)


class _LevyRate(TaxTable):
    year: int
    rate_pct: Decimal
    wage_cap: Decimal | None = None


class _Levy(TaxTable):
    state: str
    name: str
    source: str
    rates: list[_LevyRate]


class _SocialSecurity(TaxTable):
    source: str
    rate_pct: Decimal
    wage_base: dict[str, Decimal]


class _Medicare(TaxTable):
    source: str
    rate_pct: Decimal
    years: list[int]


class _AdditionalMedicare(TaxTable):
    source: str
    rate_pct: Decimal
    threshold_single: Decimal
    threshold_joint: Decimal


class _Nyc(TaxTable):
    source: str
    years: list[int]
    single: list[Band]
    joint: list[Band]


class _UsPayroll(TaxTable):
    currency: Literal["USD"]
    social_security: _SocialSecurity
    medicare: _Medicare
    additional_medicare: _AdditionalMedicare
    levy: list[_Levy]
    nyc: _Nyc


class _NiBand(TaxTable):
    from_: Annotated[Decimal, Field(alias="from")]
    up_to: Decimal | None = None
    rate_pct: Decimal


class _UkYear(TaxTable):
    year: int
    label: str
    income_tax_source: str
    personal_allowance: Decimal
    allowance_taper_from: Decimal
    bands: list[Band]
    ni_source: str
    national_insurance: list[_NiBand]


class _Uk(TaxTable):
    currency: Literal["GBP"]
    year: list[_UkYear]


class _Surcharge(TaxTable):
    above: Decimal
    rate_pct: Decimal


class _IndiaYear(TaxTable):
    year: int
    label: str
    source: str
    standard_deduction: Decimal
    slabs: list[Band]
    rebate_income_limit: Decimal
    rebate_max: Decimal
    surcharge: list[_Surcharge]
    cess_pct: Decimal


class _India(TaxTable):
    currency: Literal["INR"]
    year: list[_IndiaYear]


@functools.cache
def _us() -> _UsPayroll:
    return load_tax_table(_UsPayroll, "us_payroll.toml")


@functools.cache
def _uk() -> _Uk:
    return load_tax_table(_Uk, "uk.toml")


@functools.cache
def _india() -> _India:
    return load_tax_table(_India, "india.toml")


@dataclass(frozen=True, slots=True)
class Income:
    """A tax year's income by kind, in one currency: ``wages`` (pay, and equity taxed as
    wages), ``ordinary`` (ordinary income that is not wages for Social Security and Medicare),
    ``iso_preference`` (the ISO adjustment of Form 6251 line 2k) and capital gains."""

    wages: Money
    ordinary: Money | None = None
    iso_preference: Money | None = None
    short_term_gain: Money | None = None
    long_term_gain: Money | None = None

    def _amount(self, part: Money | None) -> Decimal:
        return Decimal(0) if part is None else part.amount

    @property
    def extra(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(ordinary, ISO preference, short-term, long-term), 0 where absent."""
        return (
            self._amount(self.ordinary),
            self._amount(self.iso_preference),
            self._amount(self.short_term_gain),
            self._amount(self.long_term_gain),
        )


@dataclass(frozen=True, slots=True)
class TaxLine:
    """One tax or levy on a year's wages: ``key`` for JSON, ``label`` for tables."""

    key: str
    label: str
    amount: Money
    source: str


@dataclass(frozen=True, slots=True)
class TaxResult:
    """The taxes on one year's gross wages, line by line, in the residence's currency."""

    gross: Money
    lines: tuple[TaxLine, ...]
    tax_year: int
    residence: Residence
    filing: Filing

    @property
    def total(self) -> Money:
        """All taxes and levies of the year."""
        return money_sum((line.amount for line in self.lines), self.gross.currency)

    @property
    def net(self) -> Money:
        """Gross minus all taxes (annual, after tax)."""
        return self.gross - self.total


@functools.cache
def tenforty_state_years() -> dict[str, tuple[int, ...]]:
    """The tax years tenforty computes for each state (no-income-tax states: every year)."""
    # tenforty's own tables of the forms it ships; read rather than copied so that an upgrade
    # that adds a state or a year is picked up.
    from tenforty.core import NATURAL_FORM_CONFIG
    from tenforty.models import STATE_TO_FORM

    out: dict[str, tuple[int, ...]] = {}
    for state, form in STATE_TO_FORM.items():
        if state.value is None:
            continue
        years = tuple(y for y in TENFORTY_YEARS if form is None or (y, form) in NATURAL_FORM_CONFIG)
        if years:
            out[str(state.value)] = years
    return out


def shipped_years(residence: Residence) -> tuple[int, ...]:
    """Tax years offerlab can compute for ``residence`` (empty: a state tenforty lacks)."""
    if residence.country == "US":
        payroll = _us()
        assert residence.state is not None
        years = set(tenforty_state_years().get(residence.state, ()))
        years &= {int(y) for y in payroll.social_security.wage_base}
        years &= set(payroll.medicare.years)
        if residence.nyc:
            years &= set(payroll.nyc.years)
        return tuple(sorted(years))
    if residence.country == "GB":
        return tuple(sorted(y.year for y in _uk().year))
    return tuple(sorted(y.year for y in _india().year))


def latest_tax_year(residence: Residence) -> int:
    """The default tax year: the latest one shipped for ``residence``."""
    years = shipped_years(residence)
    if not years:
        _check_year(residence, 0)  # raises, naming the states covered
    return years[-1]


def _check_year(residence: Residence, tax_year: int) -> None:
    years = shipped_years(residence)
    if not years:
        covered = ", ".join(sorted(tenforty_state_years()))
        raise InputError(
            f"offerlab cannot compute {residence.state} income tax for {residence.label!r}: "
            f"tenforty has no {residence.state} forms; US states covered: {covered}"
        )
    if tax_year not in years:
        country = {"US": "the United States", "GB": "the United Kingdom", "IN": "India"}
        raise InputError(
            f"tax year {tax_year} is not shipped for {country[residence.country]}; "
            f"tax years available: {years[0]}-{years[-1]}"
            + (" (UK years start on 6 April of that year)" if residence.country == "GB" else "")
            + (" (Indian financial years start on 1 April)" if residence.country == "IN" else "")
        )


def _capped(wages: Decimal, rate_pct: Decimal, cap: Decimal | None) -> Decimal:
    base = wages if cap is None else min(wages, cap)
    return base * rate_pct / _PCT


def _us_lines(income: Income, residence: Residence, filing: Filing, year: int) -> list[TaxLine]:
    assert residence.state is not None
    table = _us()
    usd = "USD"
    wages = income.wages.amount
    tenforty_source = f"tenforty (Open Tax Solver) {year} federal 1040"
    kinds = income.extra
    if kinds[1] and year not in ISO_AMT_YEARS:
        raise InputError(
            f"tax year {year}: tenforty leaves the ISO adjustment out of the AMT before 2020, so "
            "offerlab cannot tax an ISO exercise under those tables; give --tax-year "
            f"{ISO_AMT_YEARS[0]}-{ISO_AMT_YEARS[-1]}"
        )
    federal, additional, amt, niit, _, _ = tenforty_federal_state(
        wages, residence.state, filing, year, kinds
    )
    extra = table.additional_medicare
    threshold = extra.threshold_single if filing == "single" else extra.threshold_joint
    ours = max(Decimal(0), wages - threshold) * extra.rate_pct / _PCT
    income_tax = federal - additional - amt - niit
    additional_source = tenforty_source
    if additional == 0 and ours > 0:
        # tenforty has no Form 8959 for this year: its federal total leaves the tax out.
        additional, additional_source = ours, extra.source
    ss = table.social_security
    social_security = _capped(wages, ss.rate_pct, ss.wage_base[str(year)])
    med = table.medicare
    medicare = wages * med.rate_pct / _PCT
    state = state_income_tax(
        wages, residence.state, filing, year, social_security + medicare, kinds
    )
    lines = [
        TaxLine("federal_income_tax", "federal income tax", Money(income_tax, usd),
                tenforty_source),
        TaxLine("federal_amt", "federal AMT", Money(amt, usd),
                f"tenforty {year} Form 6251 (alternative minimum tax)"),
        TaxLine("net_investment_income_tax", "net investment income tax (3.8%)",
                Money(niit, usd), f"tenforty {year} Form 8960"),
        TaxLine("additional_medicare", "additional Medicare (0.9%)", Money(additional, usd),
                additional_source),
        TaxLine("state_income_tax", f"{residence.state} income tax", Money(state.amount, usd),
                "; ".join(state.sources)),
    ]  # fmt: skip
    if residence.nyc:
        bands = table.nyc.single if filing == "single" else table.nyc.joint
        nyc_taxable = max(state.taxable_income, Decimal(0))
        nyc = band_tax(nyc_taxable, bands)
        lines.append(
            TaxLine("local_income_tax", "NYC income tax", Money(nyc, usd), table.nyc.source)
        )
        agi = wages + kinds[0] + kinds[2] + kinds[3]  # the ISO adjustment is in no AGI
        credit = nyc_school_tax_credit(agi, nyc_taxable, filing, year)
        if credit is not None:
            lines.append(
                TaxLine(
                    "nyc_school_tax_credit",
                    "NYC school tax credit",
                    Money(-credit, usd),
                    nyc_school_tax_credit_source(),
                )
            )
    lines.append(
        TaxLine("social_security", "social security (6.2%)", Money(social_security, usd), ss.source)
    )
    lines.append(TaxLine("medicare", "medicare (1.45%)", Money(medicare, usd), med.source))
    for levy in table.levy:
        if levy.state != residence.state:
            continue
        for rate in levy.rates:
            if rate.year == year:
                key = levy.name.lower().replace(" ", "_")
                amount = Money(_capped(wages, rate.rate_pct, rate.wage_cap), usd)
                lines.append(TaxLine(key, levy.name, amount, levy.source))
    return lines


def _uk_lines(wages: Decimal, year: int) -> list[TaxLine]:
    table = next(y for y in _uk().year if y.year == year)
    allowance = table.personal_allowance
    if wages > table.allowance_taper_from:
        allowance = max(Decimal(0), allowance - (wages - table.allowance_taper_from) / 2)
    taxable = max(Decimal(0), wages - allowance)
    income_tax = band_tax(taxable, table.bands)
    ni = Decimal(0)
    for band in table.national_insurance:
        top = wages if band.up_to is None else min(wages, band.up_to)
        if top > band.from_:
            ni += (top - band.from_) * band.rate_pct / _PCT
    source = f"{table.label}: {table.income_tax_source}"
    return [
        TaxLine("income_tax", "income tax", Money(income_tax, "GBP"), source),
        TaxLine("national_insurance", "national insurance", Money(ni, "GBP"),
                f"{table.label}: {table.ni_source}"),
    ]  # fmt: skip


def india_tax(wages: Decimal, year: int) -> tuple[Decimal, Decimal, Decimal]:
    """(income tax after rebate, surcharge, cess) in INR under the new regime."""
    table = next(y for y in _india().year if y.year == year)
    taxable = max(Decimal(0), wages - table.standard_deduction)
    tax = band_tax(taxable, table.slabs)
    if taxable <= table.rebate_income_limit:
        tax = max(Decimal(0), tax - table.rebate_max)
    else:
        # Marginal relief on the rebate: tax never exceeds the income above the limit.
        tax = min(tax, taxable - table.rebate_income_limit)
    surcharge = Decimal(0)
    for index, level in enumerate(table.surcharge):
        upper = table.surcharge[index + 1].above if index + 1 < len(table.surcharge) else None
        if taxable > level.above and (upper is None or taxable <= upper):
            surcharge = tax * level.rate_pct / _PCT
            # Marginal relief: tax + surcharge exceeds that at the threshold by at most the
            # income above the threshold.
            at_threshold = band_tax(level.above, table.slabs)
            below_rate = table.surcharge[index - 1].rate_pct if index > 0 else Decimal(0)
            ceiling = at_threshold * (1 + below_rate / _PCT) + (taxable - level.above)
            surcharge = max(Decimal(0), min(surcharge, ceiling - tax))
    cess = (tax + surcharge) * table.cess_pct / _PCT
    return tax, surcharge, cess


def _india_lines(wages: Decimal, year: int) -> list[TaxLine]:
    table = next(y for y in _india().year if y.year == year)
    tax, surcharge, cess = india_tax(wages, year)
    source = f"{table.label}: {table.source}"
    return [
        TaxLine("income_tax", "income tax", Money(tax, "INR"), source),
        TaxLine("surcharge", "surcharge", Money(surcharge, "INR"), source),
        TaxLine("cess", f"cess ({table.cess_pct}%)", Money(cess, "INR"), source),
    ]


def tax_wages(wages: Money, residence: Residence, filing: Filing, tax_year: int) -> TaxResult:
    """Taxes on one tax year's ``wages`` (gross, annual) for ``residence``.

    ``wages`` must be in the residence's currency (convert first: see
    :mod:`offerlab.scenarios.currency`). ``joint`` is a US filing status and assumes one earner.
    """
    return tax_income(Income(wages), residence, filing, tax_year)


def tax_income(income: Income, residence: Residence, filing: Filing, tax_year: int) -> TaxResult:
    """Taxes on one tax year's ``income`` for ``residence``: wages as :func:`tax_wages`, and
    in the United States the other kinds of :class:`Income` through tenforty. Outside it the
    caller passes wages only (employment income); capital gains are not taxed there."""
    _check_year(residence, tax_year)
    wages = income.wages
    parts = [wages] + [p for p in (income.ordinary, income.iso_preference,
                                   income.short_term_gain, income.long_term_gain) if p]  # fmt: skip
    for part in parts:
        if part.currency != residence.currency:
            raise InputError(
                f"wages are in {part.currency} and taxes in {residence.label} are computed in "
                f"{residence.currency}; convert with a dated rate first (--rate or --rates)"
            )
    if wages.amount < 0:
        raise InputError("wages must not be negative")
    if residence.country != "US" and any(income.extra):
        raise InputError("only US taxes take income other than wages")
    if residence.country == "US":
        lines = _us_lines(income, residence, filing, tax_year)
    elif filing != "single":
        raise InputError(
            "joint filing exists only in the United States; in the United Kingdom and India "
            "each person is taxed on their own income (use --filing single)"
        )
    elif residence.country == "GB":
        lines = _uk_lines(wages.amount, tax_year)
    else:
        lines = _india_lines(wages.amount, tax_year)
    return TaxResult(wages, tuple(lines), tax_year, residence, filing)


def table_sources(residence: Residence, tax_year: int) -> list[str]:
    """The source of every table used for ``residence`` in ``tax_year`` (for notes and docs)."""
    _check_year(residence, tax_year)
    zero = Money.zero(residence.currency)
    return list(dict.fromkeys(line.source for line in tax_wages(zero, residence, "single",
                                                               tax_year).lines))  # fmt: skip
