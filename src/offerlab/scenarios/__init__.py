"""Scenarios: after-tax pay where you live, currencies, stock-price risk, career projections.

Exports the after-tax view (:func:`after_tax`, :class:`AfterTax`, :class:`AfterTaxYear`), dated
exchange rates (:class:`Rate`, :class:`RatesTable`, :func:`load_table`,
:func:`parse_rate_flag`), residences and the tax tables. Each is imported when first used: a
currency conversion does not load the tax tables. The simulations are in
:mod:`offerlab.scenarios.service` (and the modules it names).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offerlab._exports import lazy_exports

if TYPE_CHECKING:
    from offerlab.scenarios.aftertax import AfterTax, AfterTaxYear, after_tax
    from offerlab.scenarios.currency import Rate, RatesTable, load_table, parse_rate_flag
    from offerlab.scenarios.residence import Residence, parse_residence
    from offerlab.scenarios.tax import (
        TaxLine,
        TaxResult,
        latest_tax_year,
        shipped_years,
        tax_wages,
    )

_EXPORTS = {
    "AfterTax": "offerlab.scenarios.aftertax",
    "AfterTaxYear": "offerlab.scenarios.aftertax",
    "after_tax": "offerlab.scenarios.aftertax",
    "Rate": "offerlab.scenarios.currency",
    "RatesTable": "offerlab.scenarios.currency",
    "load_table": "offerlab.scenarios.currency",
    "parse_rate_flag": "offerlab.scenarios.currency",
    "Residence": "offerlab.scenarios.residence",
    "parse_residence": "offerlab.scenarios.residence",
    "TaxLine": "offerlab.scenarios.tax",
    "TaxResult": "offerlab.scenarios.tax",
    "latest_tax_year": "offerlab.scenarios.tax",
    "shipped_years": "offerlab.scenarios.tax",
    "tax_wages": "offerlab.scenarios.tax",
}
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
__getattr__ = lazy_exports(__name__, _EXPORTS)
