"""The market as the planner sees it, backed by offerlab's market data.

:class:`MarketDataView` answers the planner's questions (a band, a company's ladder, an
equivalent level) from the bundled market data (derived from real records, with attribution).
"""

from __future__ import annotations

from collections.abc import Sequence

from offerlab.errors import NotFoundError
from offerlab.market.bundled import BundledBand, bundled_band
from offerlab.market.bundled import Percentiles as BundledPercentiles
from offerlab.market.levels import company_levels, map_level
from offerlab.negotiate.band import (
    BandLookup,
    BandQuery,
    LevelInfo,
    MarketBand,
    MarketView,
    Percentiles,
)

__all__ = ["MarketDataView", "open_market_view"]


def _percentiles(part: BundledPercentiles | None) -> Percentiles | None:
    if part is None:
        return None
    return Percentiles(part.p10, part.p25, part.p50, part.p75, part.p90)


def _from_bundled(band: BundledBand, query: BandQuery) -> MarketBand:
    filters = {
        "company": band.company,
        "level": band.level,
        "metro": band.metro,
        "country": band.country,
        "specialty": band.specialty,
    }
    return MarketBand(
        n=band.n,
        currency=band.currency,
        base=_percentiles(band.base),
        stock=_percentiles(band.stock),
        bonus=_percentiles(band.bonus),
        total=_percentiles(band.total),
        filters={k: v for k, v in filters.items() if v is not None},
        basis="bundled",
        sources=(band.source,),
    )


class MarketDataView:
    """Bands, ladders and level mapping from the bundled market data."""

    def band(self, query: BandQuery) -> BandLookup:
        # The bundled bands are split by company, level, place and specialty, not by title:
        # a title narrows nothing here, and the note says so.
        try:
            found = bundled_band(query.company, query.level or "", query.location, query.specialty)
        except NotFoundError:
            found = None
        if found is None:
            return BandLookup(query, None, 0, "no bundled band with 5 or more records")
        note = (
            f"the bundled band covers {found.first.isoformat()} to {found.last.isoformat()} "
            "and is not restated to today's money"
        )
        if query.title is not None:
            note += "; bundled bands are not split by title"
        return BandLookup(query, _from_bundled(found, query), found.n, note)

    def ladder(self, company: str) -> Sequence[LevelInfo]:
        try:
            stats = company_levels(company)
        except NotFoundError:
            return ()
        return tuple(
            LevelInfo(s.level, s.median_years_experience, s.median_total, s.n) for s in stats
        )

    def equivalent_level(self, company: str, level: str, to_company: str) -> str | None:
        try:
            mapping = map_level(company, level, to_company)
        except NotFoundError:
            return None
        return mapping.best.level


def open_market_view(db: str | None = None) -> MarketView:
    """The market view for the CLI and the web app."""
    del db
    return MarketDataView()
