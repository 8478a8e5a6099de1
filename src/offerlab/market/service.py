"""The market's use cases, the one path the CLI and the web share: a pay band for a query
(:func:`offerlab.market.bands.band`, re-exported here), every source's band side by side
(:func:`market_evidence`, the answer of ``market bands``) and a company's ladder with the band
of each level (:func:`ladder_bands`).

Both take the records as the port (:class:`~offerlab.market.ports.MarketRecords`); the front
ends open the store and hand its repository in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from offerlab.errors import InputError, NotFoundError
from offerlab.market.bands import Band, band
from offerlab.market.confidence import Match
from offerlab.market.evidence import EvidenceBand, MarketEvidence, Spread, evidence_band
from offerlab.market.evidence_answer import EvidenceQuery, answer_evidence
from offerlab.market.india import CommunityOffer
from offerlab.market.levels import company_levels
from offerlab.market.normalize import canonical_company, level_order, normalize_level
from offerlab.market.oews import OewsTable
from offerlab.market.pooled import (
    PooledOffer,
    in_cell_already,
    pool_place,
    pooled_bands,
    share_of,
)
from offerlab.market.ports import (
    EvidenceSources,
    MarketRecords,
    OfferPool,
    RecordQuery,
    SharedOffers,
)
from offerlab.market.restate import GrowthIndex, given_index, measured_index
from offerlab.market.stats import COMPONENTS, LevelStats
from offerlab.money import to_cents
from offerlab.offers import Offer
from offerlab.scenarios.currency import RatesTable

__all__ = [
    "BandsAnswer",
    "LevelBand",
    "ShareState",
    "band",
    "ladder_bands",
    "market_evidence",
    "pooled_evidence",
    "share_offer",
    "share_state",
    "withdraw_offer",
]


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


@dataclass(frozen=True, slots=True)
class BandsAnswer:
    """``market bands``: the records band as before (``band``; None, with ``message``, when
    there are no records and no bundled band) and every source's band side by side
    (``evidence``). The JSON keeps the records band's keys and adds the evidence's."""

    band: Band | None
    message: str
    evidence: MarketEvidence
    filters: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        if self.band is not None:
            data = self.band.as_json()
        else:
            data = {
                "n": 0,
                **dict.fromkeys(COMPONENTS),
                "filters": self.filters,
                "basis": None,
                "sources": [],
                "currency": None,
                "min_n": self.filters.get("min_n"),
                "shown": False,
                "message": self.message,
                "growth": None,
                "restated_from": None,
                "exchange_rate": None,
            }
        evidence = self.evidence.as_json()
        # The records band's own currency stays under "records_currency" when the answer's
        # differs (the evidence's currency is the one every band of "bands" is in, or the
        # headline's).
        data["records_currency"] = data.get("currency")
        data.update(
            {
                "as_of": evidence["as_of"],
                "currency": evidence["currency"],
                "headline": evidence["headline"],
                "why": evidence["why"],
                "bands": evidence["bands"],
                "notes": evidence["notes"],
            }
        )
        return data


def _spread(count: int, points: list[float], min_n: int) -> Spread | None:
    if count < min_n or not points:
        return None
    p10, p25, p50, p75, p90 = (to_cents(Decimal(repr(float(v)))) for v in points)
    return Spread(p10=p10, p25=p25, p50=p50, p75=p75, p90=p90, n=count)


def records_evidence(
    records: EvidenceSources, query: EvidenceQuery, *, since: date | None, sources: Sequence[str]
) -> tuple[list[EvidenceBand], list[str]]:
    """The imported company records' band(s) for the query, one per currency of the records
    (as reported; restated later); none (and why) when fewer than ``min_n`` match."""
    if query.company is None:
        return [], []
    base_query = RecordQuery(
        company=query.company,
        level=query.level,
        title=query.title,
        tag=query.tag,
        location=query.location,
        since=since,
        until=query.as_of,
        sources=tuple(sources),
    )
    summary = records.summary(base_query)
    if summary is None or summary.n == 0:
        return [], []
    bands: list[EvidenceBand] = []
    notes: list[str] = []
    infos = {s.id: s for s in records.sources()}
    company = canonical_company(query.company)
    placed = normalize_level(company, query.level) if query.level else None
    for currency in summary.currencies:
        one = replace(base_query, currency=currency)
        found = records.summary(one) if len(summary.currencies) > 1 else summary
        dates = records.record_dates(one)
        if found is None or dates is None:
            continue
        if found.n < query.min_n:
            notes.append(
                f"only {found.n} imported record{'s' if found.n != 1 else ''} in {currency} "
                f"match; a band needs at least {query.min_n}"
            )
            continue
        base_count, base_points = found.components["base"]
        total_count, total_points = found.components["total"]
        base = _spread(base_count, base_points, query.min_n)
        total = _spread(total_count, total_points, query.min_n)
        if base is None and total is None:
            continue
        names = sorted({infos[i].name for i in found.source_ids if i in infos})
        first, last, median = dates
        level_text = f" {placed or query.level}" if query.level else ""
        where = query.location or "every place"
        match: Match = "exact"
        bands.append(
            evidence_band(
                source=", ".join(names) or "imported records",
                kind="records",
                label=f"{company}{level_text}, {where}, imported records ({currency})",
                currency=currency,
                n=found.n,
                n_means="records",
                reference_date=median,
                as_of=query.as_of,
                match=match,
                base=base,
                total=total,
                first_date=first,
                last_date=last,
                median_date=median,
                attribution="; ".join(
                    f"{infos[i].name} (an imported file; licence: {infos[i].licence})"
                    for i in found.source_ids
                    if i in infos
                ),
            )
        )
    return bands, notes


def pooled_evidence(
    pool: OfferPool | None,
    company: str | None,
    level: str | None,
    location: str | None,
    *,
    as_of: date,
) -> tuple[list[EvidenceBand], list[str]]:
    """The pooled band(s) of the one cell a query names, and why there is none; nothing at
    all (not even a note) from a store whose pool is empty or without a pool."""
    if pool is None or not pool.holds_any():
        return [], []
    place, why = pool_place(company, level, location)
    if place is None:
        return [], [why]
    return pooled_bands(place, pool.pooled(place), as_of=as_of)


@dataclass(frozen=True, slots=True)
class ShareState:
    """A saved offer's place in the pool: what sharing it would keep now (``preview``; None,
    with ``problem`` saying why, when it cannot be placed in a cell) and what the pool holds
    for it (``shared``; None when not shared). ``changed``: the offer was edited since."""

    preview: PooledOffer | None
    shared: PooledOffer | None
    problem: str = ""

    @property
    def changed(self) -> bool:
        return self.shared is not None and self.preview is not None and self.preview != self.shared

    def as_json(self) -> dict[str, Any]:
        return {
            "shared": self.shared.as_json() if self.shared else None,
            "preview": self.preview.as_json() if self.preview else None,
            "problem": self.problem or None,
            "changed_since_shared": self.changed,
        }


def share_state(
    shares: SharedOffers, offer_id: int, offer: Offer, years: str | None, *, today: date
) -> ShareState:
    """What sharing the saved offer ``offer_id`` would keep (``years`` None: the band it
    shared, if it did), and what it has shared."""
    shared = shares.shared(offer_id)
    try:
        preview = share_of(
            offer, years if years is not None else _years(shared), today=_dated(shared, today)
        )
    except InputError as error:
        return ShareState(None, shared, error.message)
    other = shares.sharing_in(preview, offer_id)
    if other is not None:
        return ShareState(None, shared, in_cell_already(other, preview))
    return ShareState(preview, shared)


def _years(shared: PooledOffer | None) -> str | None:
    return shared.years if shared is not None else None


def _dated(shared: PooledOffer | None, today: date) -> date:
    """The day an offer without a start date is dated by: the month its shared copy has (the
    month it was first shared), else today. Dated by today alone, its preview would move on
    with the calendar and read as an edit the next month."""
    return shared.month_date if shared is not None else today


def share_offer(
    shares: SharedOffers,
    offer_id: int,
    offer: Offer,
    years: str | None,
    *,
    today: date,
    keep_years: bool = False,
) -> ShareState:
    """Share the saved offer ``offer_id`` with the instance's market (again, replacing what
    it shared before, when it had; an offer without a start date keeps the month it was first
    shared); an offer that cannot be placed is an InputError. ``keep_years``: share the band
    of experience it shared before (what :func:`share_state` previews without ``years``)."""
    shared = shares.shared(offer_id)
    band = _years(shared) if keep_years else years
    record = share_of(offer, band, today=_dated(shared, today))
    kept = shares.share(offer_id, record)
    return ShareState(record, kept)


def withdraw_offer(shares: SharedOffers, offer_id: int, offer: Offer, *, today: date) -> ShareState:
    """Take the saved offer's record out of the pool (nothing to take is not an error)."""
    shares.withdraw(offer_id)
    return share_state(shares, offer_id, offer, None, today=today)


def _check_level(company: str, level: str, offers: Callable[[], Sequence[CommunityOffer]]) -> None:
    """A level the company's ladder does not have, and no community report writes as its
    role, is an error that lists the ladder (a typo answered from other sources would
    mislead). ``offers`` is called only for a level off the ladder."""
    name = canonical_company(company)
    try:
        ladder = level_order(name)
    except NotFoundError:
        return  # no curated ladder: any level the records use is fine
    if normalize_level(name, level) in ladder:
        return
    wanted = " ".join(level.split()).casefold()
    if any(" ".join(o.role.split()).casefold() == wanted for o in offers()):
        return
    raise NotFoundError(
        f"{level!r} is not a {name} level; {name}'s levels are {', '.join(ladder)} (or a role "
        "as the community reports write it, such as SDE 2)"
    )


#: The official table last built, with the document it was built from: a store that
#: remembers its documents hands the same one to every query, and the table is built once.
_last_official: tuple[Mapping[str, Any], OewsTable] | None = None


def _official(records: EvidenceSources) -> OewsTable | None:
    global _last_official
    documents = records.official_documents()
    if not documents:
        return None
    last = _last_official
    if last is not None and last[0] is documents[0]:
        return last[1]
    table = OewsTable(documents[0])
    _last_official = (documents[0], table)
    return table


def market_evidence(
    records: EvidenceSources,
    *,
    company: str | None,
    level: str | None = None,
    title: str | None = None,
    tag: str | None = None,
    location: str | None = None,
    since: date | None = None,
    as_of: date | None = None,
    growth_pct: float | None = None,
    sources: Sequence[str] = (),
    currency: str | None = None,
    min_n: int = 5,
    rates: RatesTable | None = None,
    today: date | None = None,
    records_band: bool = True,
    pool: OfferPool | None = None,
    pool_location: str | None = None,
) -> BandsAnswer:
    """``market bands``: the records band as :func:`band` gives it, and beside it every
    source's band for the same filters at ``as_of`` (default today): imported records (or the
    bundled levels.fyi band), community reports, H-1B filings, official statistics (an
    imported OEWS table, else the shipped one) and the guides' rows, each restated (records
    over a year old: ``growth_pct``, else the measured index) and converted to ``currency``
    (a dated rate, named), with the headline picked by the documented rule.

    ``records_band`` False skips the records band of :func:`band` (the negotiation planner
    has its own, widened step by step). ``pool``: a hosted instance's pooled offers, answered
    from the one cell the query names (:mod:`offerlab.market.pooled`); ``pool_location``: the
    place that names the cell when it is not ``location`` (the negotiation filters records by
    an offer's city name, but the cell is the one the offer's whole place is shared in)."""
    if min_n < 1:
        raise InputError(f"--min-n {min_n}: expected 1 or more")
    if company is None and title is None and tag is None:
        raise InputError(
            "give --company (company records, community reports, filings, the guides), or "
            "--title for official statistics alone",
            option="--company",
        )
    day = as_of or today or date.today()
    filters: dict[str, Any] = {
        "company": canonical_company(company) if company else None,
        "level": level,
        "title": title,
        "tag": tag,
        "location": location,
        "since": since.isoformat() if since else None,
        "as_of": as_of.isoformat() if as_of else None,
        "source": list(sources) or None,
        "currency": currency,
        "min_n": min_n,
    }
    if company is not None and level is not None:
        _check_level(company, level, lambda: records.community_offers(company))
    legacy: Band | None = None
    message = ""
    if company is not None and records_band:
        try:
            legacy = band(
                records,
                company=company,
                level=level,
                title=title,
                tag=tag,
                location=location,
                since=since,
                as_of=as_of,
                growth_pct=growth_pct,
                sources=sources,
                currency=currency,
                min_n=min_n,
                rates=rates,
            )
        except (NotFoundError, InputError) as error:
            # The records band cannot answer (no records, no bundled band, a rate it cannot
            # measure): the other sources still can; the answer says why it is missing.
            message = error.message
    query = EvidenceQuery(
        as_of=day,
        company=company,
        level=level,
        title=title,
        tag=tag,
        location=location,
        currency=currency,
        min_n=min_n,
    )
    own, notes = records_evidence(records, query, since=since, sources=sources)
    # Read after the records band: a store whose cells answer it knows its sources by then.
    offers = records.community_offers(company) if company else []
    shared, pool_notes = pooled_evidence(pool, company, level, pool_location or location, as_of=day)
    index: GrowthIndex = (
        given_index(Decimal(str(growth_pct))) if growth_pct is not None else measured_index()
    )
    evidence = answer_evidence(
        query,
        records=own,
        community=offers,
        filings=records.wage_filings(company) if company else (),
        pooled=shared,
        rates=rates,
        index=index,
        official=_official(records),
        extra_notes=(*notes, *pool_notes),
        bundled=not sources and since is None,
    )
    return BandsAnswer(legacy, message, evidence, filters)
