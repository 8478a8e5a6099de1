"""The market as the planner sees it, backed by offerlab's market data.

:class:`MarketDataView` answers the planner's questions (a band, a company's ladder, an
equivalent level) from the bundled market data (derived from real records, with attribution);
:class:`RecordsMarketView` from imported records where a company has them (any
:class:`~offerlab.market.ports.MarketRecords`: the store's repository, or a fake in a test),
the bundled data elsewhere. The front ends build them (the store is theirs to open).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from offerlab.dates import DAYS_PER_YEAR, today
from offerlab.errors import InputError, NotFoundError
from offerlab.market.bands import band as market_band
from offerlab.market.bands import growth_rate, level_stats
from offerlab.market.bundled import BundledBand, bundled_band, bundled_growth
from offerlab.market.evidence import MarketEvidence
from offerlab.market.evidence_answer import EvidenceQuery, answer_evidence
from offerlab.market.levels import company_levels, map_level
from offerlab.market.normalize import parse_location
from offerlab.market.ports import EvidenceSources, MarketRecords, OfferPool, RecordQuery
from offerlab.market.restate import GrowthIndex, given_index, measured_index
from offerlab.market.service import market_evidence
from offerlab.market.stats import COMPONENTS, LevelStats
from offerlab.negotiate.band import (
    BandLookup,
    BandQuery,
    MarketBand,
)

__all__ = ["MarketDataView", "RecordsMarketView"]


def _evidence_query(query: BandQuery) -> EvidenceQuery:
    return EvidenceQuery(
        as_of=query.as_of or today(),
        company=query.company,
        level=query.level,
        title=query.title,
        tag=query.specialty,
        location=_place(query.location),
    )


def _index(growth_pct: Decimal | None) -> GrowthIndex:
    return given_index(growth_pct) if growth_pct is not None else measured_index()


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
        base=band.points("base"),
        stock=band.points("stock"),
        bonus=band.points("bonus"),
        total=band.points("total"),
        filters={k: v for k, v in filters.items() if v is not None},
        basis="bundled",
        sources=(band.source,),
    )


class MarketDataView:
    """Bands, ladders and level mapping from the bundled market data.

    Bands are restated to the query's date (``as_of``) from the median date of their records
    with a yearly comp-growth rate: ``growth_pct`` when given, else the rate measured from the
    records (:func:`~offerlab.market.bundled.bundled_growth`).
    """

    def __init__(self, growth_pct: Decimal | None = None) -> None:
        self.growth_pct = growth_pct

    def _rate(self) -> tuple[Decimal, str] | None:
        if self.growth_pct is not None:
            return self.growth_pct / 100, "given with --growth"
        measured = bundled_growth()
        if measured is None:
            return None
        return measured.rate, "measured from the records"

    def _restate(self, band: MarketBand, since: date, as_of: date) -> tuple[MarketBand, str]:
        rate = self._rate()
        if rate is None:
            return band, "not restated (no growth rate)"
        years = (as_of - since).days / DAYS_PER_YEAR
        factor = Decimal(repr((1 + float(rate[0])) ** years))
        restated = replace(
            band.scaled(factor), filters={**band.filters, "as_of": as_of.isoformat()}
        )
        note = (
            f"restated from {since.isoformat()} (the records' median date) to "
            f"{as_of.isoformat()} at {rate[0] * 100:.1f}% a year ({rate[1]})"
        )
        return restated, note

    def band(self, query: BandQuery) -> BandLookup:
        # The bundled bands are split by company, level, place and specialty, not by title:
        # a title narrows nothing here, and the note says so.
        try:
            found = bundled_band(query.company, query.level or "", query.location, query.specialty)
        except NotFoundError:
            found = None
        if found is None:
            return BandLookup(query, None, 0, "no bundled band with 5 or more records")
        band = _from_bundled(found, query)
        place = f" for the {found.metro}" if found.metro else ""
        place = place or (f" for {found.country}" if found.country else "")
        note = (
            f"bundled band{place} of records from {found.first.isoformat()} to "
            f"{found.last.isoformat()}"
        )
        if query.as_of is not None:
            band, restated = self._restate(band, found.median_date, query.as_of)
            note += f", {restated}"
        if query.title is not None:
            note += "; bundled bands are not split by title"
        return BandLookup(query, band, found.n, note)

    def evidence(self, query: BandQuery) -> MarketEvidence | None:
        """Every bundled source's band for the query (levels.fyi, official statistics, the
        guides), restated with this view's growth rate; None when none answers."""
        try:
            return answer_evidence(_evidence_query(query), index=_index(self.growth_pct))
        except (NotFoundError, InputError):
            return None

    def ladder(self, company: str) -> Sequence[LevelStats]:
        try:
            stats = company_levels(company)
        except NotFoundError:
            return ()
        return tuple(stats)

    def equivalent_level(self, company: str, level: str, to_company: str) -> str | None:
        try:
            mapping = map_level(company, level, to_company)
        except NotFoundError:
            return None
        return mapping.best.level


class RecordsMarketView:
    """The market as the imported records know it. For a company with imported records, bands
    come from those records (restated to the query's date with the measured or given growth
    rate) and widen within them; for a company without, from the bundled bands
    (:class:`MarketDataView`).
    Ladders come from records when there are any.
    """

    def __init__(
        self,
        records: MarketRecords,
        growth_pct: Decimal | None = None,
        *,
        pool: OfferPool | None = None,
    ) -> None:
        self.repo = records
        self.growth_pct = growth_pct
        #: A hosted instance's pooled offers: a band of their own in the evidence.
        self.pool = pool
        self.bundled = MarketDataView(growth_pct)
        self._with_records: dict[str, bool] = {}

    def _has_records(self, company: str) -> bool:
        """Whether any imported record is of ``company`` (then bands widen within records)."""
        if company not in self._with_records:
            try:
                found = market_band(self.repo, company=company, min_n=1)
                self._with_records[company] = found.basis == "records" and found.n > 0
            except NotFoundError:
                self._with_records[company] = False
        return self._with_records[company]

    def band(self, query: BandQuery) -> BandLookup:
        if not self._has_records(query.company):
            return self.bundled.band(query)
        rate, rate_basis = self._rate(query)
        try:
            found = market_band(
                self.repo,
                company=query.company,
                level=query.level,
                title=query.title,
                tag=query.specialty,
                location=_place(query.location),
                as_of=query.as_of,
                growth_pct=float(rate * 100) if rate is not None else None,
            )
        except NotFoundError:
            return BandLookup(query, None, 0, "no imported record matches")
        if found.basis != "records":
            return BandLookup(query, None, 0, "no imported record matches")
        if not found.shown:
            return BandLookup(query, None, found.n, f"{found.n} imported records")
        # A component too few records report has no points: the planner sees none.
        parts = {name: found.components.get(name) for name in COMPONENTS}
        points = {name: part.values if part is not None else None for name, part in parts.items()}
        note = f"{found.n} imported records"
        if found.growth is not None and query.as_of is not None:
            detail = rate_basis or found.growth.detail
            note += (
                f", each restated from its date to {query.as_of.isoformat()} at "
                f"{found.growth.rate * 100:.1f}% a year ({detail})"
            )
        market = MarketBand(
            n=found.n,
            currency=found.currency,
            base=points["base"],
            stock=points["stock"],
            bonus=points["bonus"],
            total=points["total"],
            filters=dict(found.filters),
            basis=found.basis,
            sources=tuple(str(s.get("name", s)) for s in found.sources),
        )
        return BandLookup(query, market, found.n, note)

    def evidence(self, query: BandQuery) -> MarketEvidence | None:
        """Every source's band for the query as ``market bands`` gives it (imported records,
        community reports, filings, official statistics, the guides); None when none answers."""
        if not isinstance(self.repo, EvidenceSources):
            return self.bundled.evidence(query)
        try:
            answer = market_evidence(
                self.repo,
                company=query.company,
                level=query.level,
                title=query.title,
                tag=query.specialty,
                location=_place(query.location),
                as_of=query.as_of,
                growth_pct=float(self.growth_pct) if self.growth_pct is not None else None,
                records_band=False,
                pool=self.pool,
                # The cell the offer would be shared in: its whole place, not the city name
                # alone ("Dublin, Ireland" is no metro; "Dublin" is Dublin, CA).
                pool_location=query.location,
            )
        except (NotFoundError, InputError):
            return None
        return answer.evidence

    def _rate(self, query: BandQuery) -> tuple[Decimal | None, str]:
        """The growth rate to restate records with, as ``market bands --as-of`` would use it
        for the same filters: given, else measured from the records (level and place held
        fixed), else the bundled records' rate when the store has too few years."""
        if self.growth_pct is not None:
            return self.growth_pct / 100, "given with --growth"
        scope = RecordQuery(company=query.company, location=_place(query.location))
        try:
            measured = growth_rate(self.repo, scope)
        except InputError:
            bundled = bundled_growth()
            if bundled is None:
                return None, ""
            return bundled.rate, "measured from the bundled levels.fyi records (too few here)"
        return Decimal(repr(measured.rate)), measured.detail

    def ladder(self, company: str) -> Sequence[LevelStats]:
        stats = level_stats(self.repo, company)
        if not stats:
            return self.bundled.ladder(company)
        return tuple(stats)

    def equivalent_level(self, company: str, level: str, to_company: str) -> str | None:
        return self.bundled.equivalent_level(company, level, to_company)


def _place(location: str | None) -> str | None:
    """A place name the records can be filtered by: the city of ``Redmond, WA``, else its
    metro, region or country, else the text as given."""
    if location is None:
        return None
    place = parse_location(location)
    return place.city or place.metro or place.region or place.country or location
