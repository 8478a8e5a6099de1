"""Checking an offer for plausibility: the one path the CLI and the web share.

:func:`offer_warnings` runs :func:`offerlab.offers.plausibility.plausibility_warnings` with the
market's floor for a yearly base: the lowest 10th percentile of base pay in any company's band
in the bundled levels.fyi records for the countries that pay in the offer's currency, restated
from USD with the bundled dated rate. A base below that is below what 90% of the engineers at
the lowest-paying company in those records earn.
"""

from __future__ import annotations

import functools
import tomllib
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Final

from offerlab.errors import OfferlabError
from offerlab.money import Money
from offerlab.offers.model import Offer
from offerlab.offers.plausibility import OfferWarning, plausibility_warnings
from offerlab.scenarios.currency import RatesTable

__all__ = ["least_yearly_base", "offer_warnings"]

#: The countries of the bundled records that pay in each currency.
CURRENCY_COUNTRIES: Final[dict[str, tuple[str, ...]]] = {
    "USD": ("United States",),
    "GBP": ("United Kingdom",),
    "INR": ("India",),
    "EUR": ("France", "Germany", "Ireland", "Luxembourg", "Netherlands", "Spain", "Estonia"),
    "CAD": ("Canada",),
    "AUD": ("Australia",),
    "CHF": ("Switzerland",),
    "SGD": ("Singapore",),
    "JPY": ("Japan",),
    "PLN": ("Poland",),
    "SEK": ("Sweden",),
    "CZK": ("Czech Republic",),
    "ILS": ("Israel",),
    "CNY": ("China",),
    "BRL": ("Brazil",),
}


@functools.cache
def _floor_table() -> tuple[str, dict[str, Decimal]]:
    """``data/market/base_floor.toml``: the source and, by country, the lowest p10 of base over
    the company bands of the bundled records (USD), written with the bundled bands."""
    text = resources.files("offerlab.data").joinpath("market", "base_floor.toml").read_text("utf-8")
    table = tomllib.loads(text, parse_float=Decimal)
    least = {str(k): Decimal(v) for k, v in table["least_p10_base_usd"].items()}
    return str(table["source"]), least


def _least_base_usd(countries: tuple[str, ...]) -> Decimal | None:
    """The lowest p10 of base over the company bands of ``countries``, USD."""
    least = _floor_table()[1]
    values = [least[c] for c in countries if c in least]
    return min(values) if values else None


def least_yearly_base(currency: str) -> tuple[Decimal, str] | None:
    """The least plausible yearly base in ``currency`` by the records, and where it comes
    from; None when no records pay in it or no rate restates them."""
    countries = CURRENCY_COUNTRIES.get(currency)
    if countries is None:
        return None
    usd = _least_base_usd(countries)
    if usd is None:
        return None
    where = " and ".join(countries) if len(countries) < 3 else "the euro countries"
    source = _floor_table()[0]
    basis = f"the lowest 10th percentile of base at any company in {where} in the {source}"
    if currency == "USD":
        return usd, basis
    try:
        restated, rate = RatesTable.bundled().convert(Money(usd, "USD"), currency)
    except OfferlabError:
        return None
    return restated.amount, f"{basis}, {_n(usd)} USD at {rate.describe()}"


def _n(value: Decimal) -> str:
    return f"{value:,.0f}"


def offer_warnings(offer: Offer, today: date | None = None) -> tuple[OfferWarning, ...]:
    """What in ``offer`` is valid but probably not what was meant (``today``: the date a
    start date is judged from, default the system date)."""
    return plausibility_warnings(offer, today or date.today(), least_yearly_base)
