"""Scenarios: after-tax pay where you live, currencies, stock-price risk, career projections."""

from offerlab.scenarios.aftertax import AfterTax, AfterTaxYear, after_tax
from offerlab.scenarios.currency import Rate, RatesTable, load_table, parse_rate_flag
from offerlab.scenarios.residence import Residence, parse_residence
from offerlab.scenarios.tax import TaxLine, TaxResult, latest_tax_year, shipped_years, tax_wages

__all__ = [
    "AfterTax",
    "AfterTaxYear",
    "Rate",
    "RatesTable",
    "Residence",
    "TaxLine",
    "TaxResult",
    "after_tax",
    "latest_tax_year",
    "load_table",
    "parse_rate_flag",
    "parse_residence",
    "shipped_years",
    "tax_wages",
]
