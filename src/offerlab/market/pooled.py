"""A team's pooled offers (hosted mode): what a member shares, the fixed cells, and the band.

Members of a hosted instance may each share saved offers with the instance's market, one offer
at a time. The rules, each enforced here or by the store behind :class:`~offerlab.market.ports.
OfferPool` (docs/market.md, "Pooled offers"):

1. **Opt in, seen first.** Nothing is shared until the member asks for one offer;
   :func:`share_of` is exactly what will be kept, shown before and after sharing.
2. **Only these fields**: company, level, title family (a family the rules know, else
   ``other``: a free-text title could name a team), metro, the month of the offer, years of
   experience as a band, base, target bonus and stock per year. No name, no exact date, no
   saved offer id, no account and no time of sharing: the pooled record cannot be traced back
   to whoever shared it. Withdrawal works through a token that only the member's saved offer
   holds (the pool keeps a digest of it).
3. **Fixed cells.** Pooled offers are grouped by company x level x metro x currency, and a
   query is answered from exactly one such cell or from none: filters that would cut a cell
   smaller (title, specialty, an as-of date, a since date) do not apply to pooled offers, and a
   query wider than a cell (no level, no place, a region or a country) gets no pooled band. The
   cells do not overlap, so no combination or difference of queries can reach fewer offers
   than one cell holds.
4. **At least five members.** A cell is shown only with :data:`MIN_CONTRIBUTIONS` offers or
   more, and a member shares one offer a cell (the store refuses a second, from the member's own
   saved offers alone), so five offers are five members': one who shared four could otherwise
   read the fifth from the band. The answer is the same words for an empty cell and for one
   with 1-4 (once anything at all is pooled). Figures are rounded to :data:`ROUND_TO` and dates
   to the month, and no first or last date is given.

Amounts are yearly, in the offer's currency, :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final

from offerlab.errors import InputError, NotFoundError
from offerlab.market.evidence import EvidenceBand, Spread, evidence_band, spread_of
from offerlab.market.normalize import (
    canonical_metro,
    company_key,
    known_title_families,
    level_order,
    normalize_level,
    title_family,
)
from offerlab.money import to_cents
from offerlab.offers import Offer, evaluate
from offerlab.offers.model import MAX_AMOUNT

__all__ = [
    "MIN_CONTRIBUTIONS",
    "POOLED_SOURCE",
    "ROUND_TO",
    "YEARS_BANDS",
    "PoolPlace",
    "PooledOffer",
    "hidden_note",
    "in_cell_already",
    "pool_place",
    "pooled_bands",
    "share_of",
    "years_band_of",
]

#: A pooled band is shown only for a cell with at least this many offers.
MIN_CONTRIBUTIONS: Final = 5
#: Pooled figures are shown rounded to this many units of their currency.
ROUND_TO: Final = Decimal(1000)
#: Years of experience, in the bands a member picks from (never the exact number).
YEARS_BANDS: Final = ("0-2", "3-5", "6-9", "10-14", "15+")
POOLED_SOURCE: Final = "pooled offers"
OTHER_TITLE: Final = "other"
#: The longest level a cell is named by (a level a company's ladder does not check is kept as
#: written; the pool's column holds this many characters).
MAX_LEVEL_CHARS: Final = 100
#: The longest company name a cell is named by (the pool's column; a name the rules do not know
#: is case-folded, which can lengthen it: "ﬃ" is "ffi").
MAX_COMPANY_CHARS: Final = 300


@dataclass(frozen=True, slots=True)
class PoolPlace:
    """A pooled cell but for its currency: company x level x metro (names as the rules spell
    them). Each currency of the offers in it is a cell of its own."""

    company: str
    level: str
    metro: str

    def describe(self) -> str:
        return f"{self.company} {self.level}, {self.metro}"


@dataclass(frozen=True, slots=True)
class PooledOffer:
    """One shared offer, exactly as the pool keeps it.

    ``month`` is ``YYYY-MM`` (the offer's start month, or the month it was first shared when the
    offer has no start date); ``years`` a band of :data:`YEARS_BANDS` or None (not given);
    ``bonus`` is the target bonus a year; ``stock_per_year`` the paper value of the grants and
    refreshers vesting in years 1-4, divided by 4."""

    place: PoolPlace
    currency: str
    title: str
    month: str
    years: str | None
    base: Decimal
    bonus: Decimal
    stock_per_year: Decimal

    @property
    def total(self) -> Decimal:
        """Base + target bonus + stock per year (a year, in ``currency``)."""
        return self.base + self.bonus + self.stock_per_year

    @property
    def month_date(self) -> date:
        year, month = (int(p) for p in self.month.split("-"))
        return date(year, month, 1)

    def as_json(self) -> dict[str, Any]:
        """Every field the pool keeps, and nothing else."""
        return {
            "company": self.place.company,
            "level": self.place.level,
            "title": self.title,
            "metro": self.place.metro,
            "month": self.month,
            "years_of_experience": self.years,
            "currency": self.currency,
            "base": self.base,
            "bonus": self.bonus,
            "stock_per_year": self.stock_per_year,
            "total": self.total,
        }


def years_band_of(text: str | None) -> str | None:
    """A years-of-experience band as a member gives it: one of :data:`YEARS_BANDS`, or None
    for "not given" (empty). Anything else is an InputError listing the bands."""
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace(" ", "")
    if cleaned in YEARS_BANDS:
        return cleaned
    raise InputError(
        f"years of experience {text!r} is not one of the bands "
        f"{', '.join(YEARS_BANDS)} (or leave it empty)",
        option="years",
    )


def _cell_level(company: str, level: str) -> str | None:
    """The level as a cell names it: the company's own level where the rules know its ladder
    (None when it is not on it), else tidied and in lower case (short codes such as ``l5`` as
    ``L5``), so that no spelling of one level makes a cell of its own."""
    return normalize_level(company, level.casefold())


def _level(company: str, level: str) -> str:
    """The cell's level of an offer to share; a level not on the company's ladder is an error
    (it would make a cell of its own), and so is one longer than the pool keeps."""
    placed = _cell_level(company, level)
    if placed is not None:
        if len(placed) > MAX_LEVEL_CHARS:
            raise InputError(
                f"level {level[:40]!r}... is longer than the {MAX_LEVEL_CHARS} characters a "
                "pooled offer's level may have",
                option="level",
            )
        return placed
    try:
        ladder = ", ".join(level_order(company))
    except NotFoundError:
        ladder = "none known"
    raise InputError(
        f"level {level!r} is not on {company}'s ladder ({ladder}); pooled offers are grouped "
        "by the company's own levels",
        option="level",
    )


def _metro(location: str) -> str:
    metro = canonical_metro(location)
    if metro is None:
        raise InputError(
            f"location {location!r} is not a city or metro the rules place in a metro; pooled "
            "offers are grouped by metro (add the city to src/offerlab/data/market/"
            "locations.toml, or write a city the rules know)",
            option="location",
        )
    return metro


def _amount(value: Decimal, what: str, option: str) -> Decimal:
    if value > MAX_AMOUNT:
        raise InputError(
            f"{what} {value:,.0f} a year is more than the pool keeps ({MAX_AMOUNT:,.0f})",
            option=option,
        )
    return to_cents(value)


def share_of(offer: Offer, years: str | None, *, today: date) -> PooledOffer:
    """What sharing ``offer`` keeps in the pool (``years``: a band of :data:`YEARS_BANDS` or
    None; ``today``: the month an offer without a start date is dated by); an offer that cannot
    be placed in a cell is an InputError naming the field."""
    company = company_key(offer.company)
    if len(company) > MAX_COMPANY_CHARS:
        raise InputError(
            f"company {offer.company[:40]!r}... is longer than the {MAX_COMPANY_CHARS} "
            "characters a pooled offer's company may have",
            option="company",
        )
    place = PoolPlace(company, _level(company, offer.level), _metro(offer.location))
    family = title_family(offer.title)
    title = family if family in known_title_families() else OTHER_TITLE
    when = offer.start_date or today
    evaluation = evaluate(offer)
    return PooledOffer(
        place=place,
        currency=offer.currency,
        title=title,
        month=f"{when.year:04d}-{when.month:02d}",
        years=years_band_of(years),
        base=_amount(offer.base, "base", "base"),
        bonus=_amount(
            offer.base * offer.bonus_target_pct / 100, "target bonus", "bonus_target_pct"
        ),
        stock_per_year=_amount(evaluation.equity_per_year.amount, "stock per year", "equity"),
    )


def pool_place(
    company: str | None, level: str | None, location: str | None
) -> tuple[PoolPlace | None, str]:
    """The one cell place a bands query names, or None and why: pooled offers answer only a
    query that names a company, a level on its ladder and a city or metro (a wider query could
    be set against a narrower one to single out an offer)."""
    if not company or not level or not location:
        missing = [
            w for w, v in (("company", company), ("level", level), ("place", location)) if not v
        ]
        return None, (
            f"{POOLED_SOURCE}: grouped by company, level and metro only; the query names no "
            + " and no ".join(missing)
        )
    name = company_key(company)
    placed = _cell_level(name, level)
    if placed is None:
        return None, f"{POOLED_SOURCE}: {level!r} is not a {name} level"
    metro = canonical_metro(location)
    if metro is None:
        return None, (
            f"{POOLED_SOURCE}: grouped by metro; {location!r} is not a city or metro "
            "(a region or a country spans several cells)"
        )
    return PoolPlace(name, placed, metro), ""


def _rounded(spread: Spread) -> Spread:
    """The spread's figures to the nearest :data:`ROUND_TO` (half to even)."""
    return spread.mapped(
        lambda value: (value / ROUND_TO).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * ROUND_TO
    )


def _median_month(offers: Sequence[PooledOffer]) -> date:
    months = sorted(o.month_date for o in offers)
    return months[(len(months) - 1) // 2]


def in_cell_already(other: str, record: PooledOffer) -> str:
    """Why a second offer of one member in one cell is refused."""
    return (
        f"your saved offer {other!r} is already shared in this cell ({record.place.describe()}, "
        f"{record.currency}); a member shares one offer a cell, so that five offers in a cell "
        "are five members' (withdraw that one first, or share it again with new figures)"
    )


def hidden_note(place: PoolPlace) -> str:
    """What a query of a cell under the threshold is told: the same words for none and 1-4."""
    return (
        f"{POOLED_SOURCE}: a band for {place.describe()} is shown once at least "
        f"{MIN_CONTRIBUTIONS} members have shared an offer in it"
    )


def pooled_bands(
    place: PoolPlace, offers: Iterable[PooledOffer], *, as_of: date
) -> tuple[list[EvidenceBand], list[str]]:
    """The pooled band of each currency's cell at ``place`` with at least
    :data:`MIN_CONTRIBUTIONS` offers (rounded to :data:`ROUND_TO`, dated by the median month;
    its age counts from there to ``as_of``), and the notes; a cell under the threshold is one
    note, worded the same however many it holds."""
    by_currency: dict[str, list[PooledOffer]] = defaultdict(list)
    for offer in offers:
        if offer.place == place:
            by_currency[offer.currency].append(offer)
    bands: list[EvidenceBand] = []
    for currency in sorted(by_currency):
        cell = by_currency[currency]
        if len(cell) < MIN_CONTRIBUTIONS:
            continue
        median = _median_month(cell)
        bands.append(
            evidence_band(
                source=POOLED_SOURCE,
                kind="pooled",
                label=f"{place.describe()}, offers members shared ({currency})",
                currency=currency,
                n=len(cell),
                n_means="offers shared",
                reference_date=median,
                as_of=as_of,
                match="exact",
                base=_rounded(spread_of([o.base for o in cell])),
                total=_rounded(spread_of([o.total for o in cell])),
                median_date=median,
                notes=(
                    f"total = base + target bonus + stock per year; figures rounded to the "
                    f"nearest {ROUND_TO:,}; dated by the median month; every title and "
                    "experience in the cell",
                    # Leaving the asker's own offer out would need the link the pool does not
                    # keep, and would show the others without it: said instead.
                    "if you shared an offer in this cell, it is one of them",
                ),
                attribution="offers the members of this instance chose to share",
            )
        )
    if not bands:
        return [], [hidden_note(place)]
    return bands, []
