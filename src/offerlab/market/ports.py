"""What the market package needs from a store of records, declared here and implemented by
``offerlab.store`` (the arrow points from the store to the market, never back).

:class:`MarketRecords` is the port: the record queries bands, growth rates and level statistics
are computed from. :class:`RecordQuery`, :class:`RecordSummary` and :class:`SourceInfo` are
the values that cross it. A test can hand the market functions any object with these methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # the domain types only annotate the port (no import cycle at run time)
    from offerlab.market.india import CommunityOffer
    from offerlab.market.lca import WageFiling
    from offerlab.market.pooled import PooledOffer, PoolPlace

__all__ = [
    "EvidenceSources",
    "MarketRecords",
    "NoRecords",
    "OfferPool",
    "RecordQuery",
    "RecordSummary",
    "SharedOffers",
    "SourceInfo",
]


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Which records: every field optional; names in any spelling the rules know.

    ``location`` matches a city, metro, region or country by name; ``since`` keeps records
    reported on or after that day, ``until`` on or before; ``sources`` are source names or ids.
    """

    company: str | None = None
    level: str | None = None
    title: str | None = None
    tag: str | None = None
    location: str | None = None
    since: date | None = None
    until: date | None = None
    currency: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What a band is computed from: ``n`` matching records; per component the records that
    report it (> 0) and their percentiles (NumPy's linear interpolation; empty if none), as
    yearly amounts in the records' currency; the first, last and median record dates (the
    median: the earlier of the two middle ones for an even count; None when none is dated)."""

    n: int
    components: dict[str, tuple[int, list[float]]]
    currencies: list[str]
    source_ids: list[int]
    first_date: date | None = None
    last_date: date | None = None
    median_date: date | None = None


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A source of records: a file imported (or a bundled data set), and what its import did."""

    id: int
    name: str
    location: str
    licence: str
    format: str
    content_hash: str
    size_bytes: int
    imported_at: datetime
    rows_read: int
    rows_added: int
    rows_duplicate: int
    rows_skipped: int

    def as_json(self) -> dict[str, object]:
        """The contract's shape: ``location`` is written as ``file``."""
        return {
            "id": self.id,
            "name": self.name,
            "file": self.location,
            "licence": self.licence,
            "format": self.format,
            "content_hash": self.content_hash,
            "size_bytes": self.size_bytes,
            "imported_at": self.imported_at.isoformat(),
            "rows_read": self.rows_read,
            "rows_added": self.rows_added,
            "rows_duplicate": self.rows_duplicate,
            "rows_skipped": self.rows_skipped,
        }


class MarketRecords(Protocol):
    """The record queries of a store, as bands and level statistics use them."""

    def count(self) -> int:
        """How many records there are."""
        ...

    def sources(self) -> Sequence[SourceInfo]:
        """Every source of records, oldest first."""
        ...

    def summary(
        self, query: RecordQuery, as_of: date | None = None, rate: float = 0.0
    ) -> RecordSummary | None:
        """Counts and percentiles of the matching records, each restated to ``as_of`` at
        ``rate`` a year (None: the query names something no record has)."""
        ...

    def yearly_totals(self, query: RecordQuery) -> Mapping[int, tuple[int, float]]:
        """Per calendar year of the matching records: (records, median total)."""
        ...

    def level_summary(self, company: str) -> Sequence[tuple[str, int, float | None, float]]:
        """Per normalised level of ``company``: (level, n, median years, median total)."""
        ...


@runtime_checkable
class EvidenceSources(MarketRecords, Protocol):
    """A store's records plus the evidence of its other imports: community reports, H-1B
    filings (records of their own kind) and official statistics tables, as the answer of every
    source side by side (:func:`offerlab.market.service.market_evidence`) reads them."""

    def record_dates(self, query: RecordQuery) -> tuple[date, date, date] | None:
        """(first, last, median) report date of the matching records; None without dates."""
        ...

    def community_offers(self, company: str) -> Sequence[CommunityOffer]:
        """Every imported community offer of ``company`` (any spelling)."""
        ...

    def wage_filings(self, company: str) -> Sequence[WageFiling]:
        """Every imported H-1B wage filing of ``company`` (any spelling)."""
        ...

    def official_documents(self) -> Sequence[Mapping[str, Any]]:
        """Every imported official statistics table's document, newest first."""
        ...


class OfferPool(Protocol):
    """The offers a hosted instance's members shared (:mod:`offerlab.market.pooled`): read one
    cell place at a time, never listed whole and never with who shared them."""

    def pooled(self, place: PoolPlace) -> Sequence[PooledOffer]:
        """Every shared offer at ``place`` (company x level x metro), of every currency."""
        ...

    def holds_any(self) -> bool:
        """Whether anything has been shared at all."""
        ...


class SharedOffers(Protocol):
    """One member's side of the pool: their saved offers' shares, by saved offer id. The
    implementation scopes every call to the member and keeps the link (a withdrawal token) in
    the member's own saved offer only."""

    def shared(self, offer_id: int) -> PooledOffer | None:
        """What the saved offer ``offer_id`` has in the pool (None: not shared)."""
        ...

    def sharing_in(self, record: PooledOffer, offer_id: int) -> str | None:
        """The name of another of the member's saved offers already shared in ``record``'s
        cell (a member shares one offer a cell); None when none is."""
        ...

    def share(self, offer_id: int, record: PooledOffer) -> PooledOffer:
        """Put ``record`` in the pool for the saved offer ``offer_id`` (replacing what it
        shared before), in one transaction; returns what the pool now holds. Another of the
        member's offers already in the cell is a ConflictError."""
        ...

    def withdraw(self, offer_id: int) -> bool:
        """Take the saved offer's record out of the pool; False when it had none."""
        ...


class NoRecords:
    """A store with no record imported: every query finds nothing (bands then come from the
    bundled data)."""

    def count(self) -> int:
        return 0

    def sources(self) -> Sequence[SourceInfo]:
        return ()

    def summary(
        self, query: RecordQuery, as_of: date | None = None, rate: float = 0.0
    ) -> RecordSummary | None:
        return None

    def yearly_totals(self, query: RecordQuery) -> Mapping[int, tuple[int, float]]:
        return {}

    def level_summary(self, company: str) -> Sequence[tuple[str, int, float | None, float]]:
        return ()

    def record_dates(self, query: RecordQuery) -> tuple[date, date, date] | None:
        return None

    def community_offers(self, company: str) -> Sequence[CommunityOffer]:
        return ()

    def wage_filings(self, company: str) -> Sequence[WageFiling]:
        return ()

    def official_documents(self) -> Sequence[Mapping[str, Any]]:
        return ()
