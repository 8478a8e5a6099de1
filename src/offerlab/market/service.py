"""The market's use cases, the one path the CLI and the web share: a pay band for a query
(:func:`offerlab.market.bands.band`, re-exported here) and a company's ladder with the band of
each level (:func:`ladder_bands`).

Both take the records as the port (:class:`~offerlab.market.ports.MarketRecords`); the front
ends open the store and hand its repository in.
"""

from __future__ import annotations

from dataclasses import dataclass

from offerlab.errors import NotFoundError
from offerlab.market.bands import Band, band
from offerlab.market.levels import company_levels
from offerlab.market.ports import MarketRecords
from offerlab.market.stats import LevelStats

__all__ = ["LevelBand", "band", "ladder_bands"]


@dataclass(frozen=True, slots=True)
class LevelBand:
    """One level of a company's ladder and its total-pay band (None, with ``message`` saying
    why, when there is no band for it in the place asked)."""

    stats: LevelStats
    band: Band | None
    message: str = ""


def ladder_bands(
    records: MarketRecords, company: str, location: str | None, currency: str | None = None
) -> list[LevelBand]:
    """The band of every level of ``company`` that has records (in ``location`` too), in
    ``currency`` when given (restated with a dated rate, as a band query does)."""
    out: list[LevelBand] = []
    for stats in company_levels(company):
        if stats.n == 0:
            continue
        try:
            found = band(
                records,
                company=company,
                level=stats.level,
                location=location or None,
                currency=currency,
            )
        except NotFoundError:
            # A level with no band in this place is a row that says so, not a failed answer.
            where = f" in {location}" if location else ""
            out.append(LevelBand(stats, None, f"no band{where}"))
            continue
        out.append(LevelBand(stats, found, found.message))
    return out
