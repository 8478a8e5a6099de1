"""The answer to "what does the market pay for this?": every source's band, side by side.

:func:`answer_evidence` gathers, for one query (company, level, title, specialty, place, as-of
date, currency), a band from each source that has the cell, each kept apart:

1. company records: the bands a caller computed from imported records (``records``), or, when
   none is given, the bundled levels.fyi band of the company and level;
2. community reports (India, INR) from the offers given;
3. H-1B wage filings from the filings given;
4. a hosted instance's pooled offers (``pooled``: the bands of :mod:`offerlab.market.pooled`,
   computed by the caller from its one cell);
5. official statistics (BLS OEWS) for the title's occupation in the place's metro;
6. the guides' table rows for the company and level.

Records and reports more than a year old are restated to the as-of date
(:mod:`offerlab.market.restate`); with ``currency`` every band is converted at the latest rate
on or before the as-of date (:func:`~offerlab.market.evidence.convert_band`); the headline is
picked by :func:`~offerlab.market.evidence.pick_headline`. A source that cannot answer says why
in the answer's notes (an unknown title or place names the data file to extend); when no source
answers, a NotFoundError carries those notes.

Pure: records and offers come in as values; nothing is read from a store here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from offerlab.errors import InputError, NotFoundError
from offerlab.market.bundled import BundledBand, bundled_band, bundled_meta
from offerlab.market.confidence import Match
from offerlab.market.evidence import (
    EvidenceBand,
    MarketEvidence,
    Spread,
    convert_band,
    evidence_band,
)
from offerlab.market.guide_evidence import guide_bands
from offerlab.market.india import CommunityOffer, community_band
from offerlab.market.lca import WageFiling, lca_band
from offerlab.market.normalize import (
    canonical_company,
    country_of,
    normalize_level,
    specialty,
)
from offerlab.market.oews import OewsTable, oews_bands
from offerlab.market.restate import GrowthIndex, measured_index, restate
from offerlab.market.stats import ComponentBand
from offerlab.scenarios.currency import RatesTable

__all__ = ["EvidenceQuery", "answer_evidence", "bundled_evidence"]


@dataclass(frozen=True, slots=True)
class EvidenceQuery:
    """What a bands query asks for. ``as_of`` is the offer's start date (today by default, the
    caller's to set); ``currency`` None keeps each band in its source's currency."""

    as_of: date
    company: str | None = None
    level: str | None = None
    title: str | None = None
    tag: str | None = None
    location: str | None = None
    currency: str | None = None
    min_n: int = 5

    def as_json(self) -> dict[str, Any]:
        return {
            "company": canonical_company(self.company) if self.company else None,
            "level": self.level,
            "title": self.title,
            "tag": self.tag,
            "location": self.location,
            "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "min_n": self.min_n,
        }


def _spread(part: ComponentBand | None, min_n: int) -> Spread | None:
    if part is None or part.values is None or part.n < min_n:
        return None
    return Spread.from_percentiles(part.values, part.n)


def _bundled_label(found: BundledBand) -> str:
    parts = [f"{found.company} {found.level}"]
    if found.specialty:
        parts.append(found.specialty)
    parts.append(found.metro or found.country or "every place")
    years = f"{found.first.year}-{found.last.year}"
    return ", ".join(parts) + f", levels.fyi records {years} (USD as reported)"


def bundled_evidence(query: EvidenceQuery) -> EvidenceBand | None:
    """The bundled levels.fyi band for the query as evidence (company and level needed).

    The narrowest band with enough records: the place and specialty asked, then without the
    specialty, then over every place (each step says so and is graded a wider match).
    """
    if query.company is None or query.level is None:
        return None
    wanted = specialty(query.tag, query.title)
    steps: list[tuple[str | None, str | None, str]] = [(query.location, wanted, "")]
    if wanted is not None:
        steps.append((query.location, None, f"no {wanted} band: every specialty"))
    if query.location is not None:
        steps.append((None, wanted, f"no band for {query.location}: every place"))
        if wanted is not None:
            steps.append((None, None, "no band for the place or specialty: every place"))
    for place, special, note in steps:
        found = bundled_band(query.company, query.level, location=place, specialty=special)
        if found is None:
            continue
        base = _spread(found.base, query.min_n)
        total = _spread(found.total, query.min_n)
        if base is None and total is None:
            continue
        match: Match = "company" if note else "exact"
        notes = [note] if note else []
        if found.country == "India" or found.metro in {"Bengaluru metro", "Hyderabad metro"}:
            notes.append("levels.fyi states Indian offers in USD")
        return evidence_band(
            source=found.source,
            kind="records",
            label=_bundled_label(found),
            currency=found.currency,
            n=found.n,
            n_means="records",
            reference_date=found.median_date,
            as_of=query.as_of,
            match=match,
            base=base,
            total=total,
            first_date=found.first,
            last_date=found.last,
            median_date=found.median_date,
            notes=tuple(notes),
            attribution=bundled_meta().attribution,
        )
    return None


def answer_evidence(
    query: EvidenceQuery,
    *,
    records: Sequence[EvidenceBand] = (),
    community: Iterable[CommunityOffer] = (),
    filings: Iterable[WageFiling] = (),
    pooled: Sequence[EvidenceBand] = (),
    rates: RatesTable | None = None,
    index: GrowthIndex | None = None,
    official: OewsTable | None = None,
    extra_notes: Sequence[str] = (),
    bundled: bool = True,
) -> MarketEvidence:
    """Every source's band for ``query``, restated and converted as the module says.

    ``official``: the OEWS table to answer from (default: the shipped one); ``bundled``: fall
    back to the bundled levels.fyi band when ``records`` is empty; ``extra_notes`` come first
    in the answer's notes."""
    notes: list[str] = list(extra_notes)
    bands: list[EvidenceBand] = list(records)
    if query.company is not None and query.level is not None:
        company = canonical_company(query.company)
        if normalize_level(company, query.level) is None:
            notes.append(
                f"{query.level!r} is not a level the rules place on {company}'s ladder: "
                "it is matched only as a role as written (community reports)"
            )
    if not bands and bundled:
        found = bundled_evidence(query)
        if found is not None:
            bands.append(found)
    if query.company is not None:
        offers = list(community)
        if offers:
            band = community_band(
                offers,
                company=query.company,
                level=query.level,
                location=query.location,
                as_of=query.as_of,
                min_n=query.min_n,
            )
            if band is not None:
                bands.append(band)
        wage_filings = list(filings)
        if wage_filings:
            try:
                filed = lca_band(
                    wage_filings,
                    company=query.company,
                    title=query.title,
                    tag=query.tag,
                    location=query.location,
                    as_of=query.as_of,
                    min_n=query.min_n,
                )
            except InputError as error:
                notes.append(f"H-1B filings: {error.message}")
            else:
                if filed is not None:
                    bands.append(filed)
    bands.extend(pooled)
    try:
        statistics = oews_bands(
            title=query.title,
            tag=query.tag,
            location=query.location,
            as_of=query.as_of,
            names_company=query.company is not None,
            table=official,
        )
    except InputError as error:
        notes.append(f"official statistics: {error.message}")
    else:
        bands.extend(statistics.bands)
        notes.extend(statistics.notes)
    if query.company is not None:
        country = country_of(query.location) if query.location else None
        if country in (None, "United States"):
            bands.extend(guide_bands(query.company, query.level, as_of=query.as_of, tag=query.tag))
        elif guide_bands(query.company, query.level, as_of=query.as_of):
            notes.append(
                f"the guides' tables state US pay; not shown for {query.location} ({country})"
            )
    if not bands:
        raise NotFoundError(
            "no source has a band for "
            + ", ".join(f"{k} {v}" for k, v in query.as_json().items() if v and k != "min_n")
            + ("; " + "; ".join(notes) if notes else "")
        )
    growth = index or measured_index()
    bands = [restate(band, growth) for band in bands]
    if query.currency is not None:
        table = rates or RatesTable.bundled()
        bands = [convert_band(band, query.currency, table) for band in bands]
    return MarketEvidence.of(
        bands,
        as_of=query.as_of,
        currency=query.currency.strip().upper() if query.currency else None,
        query=query.as_json(),
        notes=tuple(notes),
    )
