"""The offers' use cases, the one path the CLI and the web share: checking an offer for
plausibility, restating offers in one currency, comparing them.

:func:`offer_warnings` runs :func:`offerlab.offers.plausibility.plausibility_warnings` with the
market's floor for a yearly base: the lowest 10th percentile of base pay in any company's band
in the bundled levels.fyi records for the countries that pay in the offer's currency, restated
from USD with the bundled dated rate. A base below that is below what 90% of the engineers at
the lowest-paying company in those records earn.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Final

from offerlab.errors import InputError, OfferlabError
from offerlab.money import CURRENCIES, Money
from offerlab.offers.compare import Comparison, compare
from offerlab.offers.metrics import evaluate
from offerlab.offers.model import Offer
from offerlab.offers.plausibility import OfferWarning, plausibility_warnings
from offerlab.scenarios.currency import Rate, RatesTable, convert_offer

__all__ = [
    "Compared",
    "compare_offers",
    "least_yearly_base",
    "offer_warnings",
    "one_currency",
    "restate",
]

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


def restate(
    offers: Sequence[Offer], currency: str, table: RatesTable | None = None
) -> tuple[list[Offer], list[Rate]]:
    """``offers`` restated in ``currency`` (an ISO 4217 code), each at the rate of ``table``
    (default: the shipped one) for the day its figures start (today without a start date),
    and the distinct rates used. An offer already in ``currency`` is left as it is."""
    code = currency.strip().upper()
    if code not in CURRENCIES:
        raise InputError(f"--currency {currency!r} is not an ISO 4217 code such as USD or GBP")
    rates = table if table is not None else RatesTable.bundled()
    out: list[Offer] = []
    used: dict[tuple[str, str, object], Rate] = {}
    for offer in offers:
        if offer.currency == code:
            out.append(offer)
            continue
        converted = rates.rate(offer.currency, code, offer.start_date)
        used[(converted.from_, converted.to, converted.used_for)] = converted
        out.append(convert_offer(offer, converted))
    return out, list(used.values())


def one_currency(offers: Sequence[Offer], labels: Sequence[str], doing: str) -> None:
    """Refuse offers in different currencies (``labels`` name them: files, saved offers):
    figures in two currencies are neither summed nor compared without a dated rate."""
    if len({offer.currency for offer in offers}) > 1:
        listing = ", ".join(
            f"{label} is in {offer.currency}" for label, offer in zip(labels, offers, strict=True)
        )
        raise InputError(
            f"offers in different currencies cannot be {doing}: {listing}; "
            "give them all in one currency, or restate them with --currency USD"
        )


@dataclass(frozen=True, slots=True)
class Compared:
    """Offers compared (deltas against the first) and the rates they were restated at."""

    comparison: Comparison
    rates: tuple[Rate, ...] = ()


def compare_offers(
    offers: Sequence[Offer],
    years: int,
    labels: Sequence[str],
    *,
    currency: str | None = None,
    rates: RatesTable | None = None,
) -> Compared:
    """Two or more offers side by side over ``years``; with ``currency`` each one is restated
    in it first (:func:`restate`), else they must share one currency."""
    if len(offers) < 2:
        raise InputError("compare needs at least two offers")
    used: list[Rate] = []
    if currency is not None:
        offers, used = restate(offers, currency, rates)
    one_currency(offers, labels, "compared")
    return Compared(compare([evaluate(offer, years) for offer in offers]), tuple(used))
