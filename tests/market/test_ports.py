"""The market's port: bands, growth and level statistics over any MarketRecords, no store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from offerlab.market.bands import band, level_stats
from offerlab.market.ports import MarketRecords, RecordQuery, RecordSummary, SourceInfo
from offerlab.negotiate import BandQuery
from offerlab.negotiate.service import RecordsMarketView

SOURCE = SourceInfo(
    id=7,
    name="fake",
    location="/nowhere.csv",
    licence="test",
    format="csv",
    content_hash="0" * 64,
    size_bytes=1,
    imported_at=datetime(2026, 1, 1, tzinfo=UTC),
    rows_read=20,
    rows_added=20,
    rows_duplicate=0,
    rows_skipped=0,
)


class FakeRecords:
    """Twenty Microsoft 62 records in USD; every query about Microsoft finds them."""

    def __init__(self) -> None:
        self.queries: list[RecordQuery] = []

    def count(self) -> int:
        return 20

    def sources(self) -> Sequence[SourceInfo]:
        return [SOURCE]

    def summary(
        self, query: RecordQuery, as_of: date | None = None, rate: float = 0.0
    ) -> RecordSummary | None:
        self.queries.append(query)
        if (query.company or "").lower() != "microsoft":
            return None
        points = [100.0, 110.0, 120.0, 130.0, 140.0]
        components = {name: (20, [p * 1000 for p in points]) for name in ("base", "total")}
        components |= {"stock": (3, []), "bonus": (20, [10.0, 11.0, 12.0, 13.0, 14.0])}
        return RecordSummary(20, components, ["USD"], [7])

    def yearly_totals(self, query: RecordQuery) -> Mapping[int, tuple[int, float]]:
        return {}

    def level_summary(self, company: str) -> Sequence[tuple[str, int, float | None, float]]:
        return [("62", 20, 5.5, 120000.0)]


def test_a_band_from_any_record_source() -> None:
    records: MarketRecords = FakeRecords()
    found = band(records, company="Microsoft", level="62", min_n=5)
    assert found.basis == "records"
    assert found.n == 20
    total = found.components["total"]
    assert total is not None
    assert total.values is not None
    assert total.values.p50 == Decimal("120000.00")
    stock = found.components["stock"]
    assert stock is not None
    assert stock.values is None  # 3 records report stock: fewer than min_n
    assert found.sources[0]["name"] == "fake"


def test_level_statistics_and_the_planners_view_over_the_port() -> None:
    records = FakeRecords()
    (stats,) = level_stats(records, "Microsoft")
    assert (stats.level, stats.n, stats.median_total) == ("62", 20, Decimal("120000.00"))
    view = RecordsMarketView(records, growth_pct=Decimal(0))
    assert [s.level for s in view.ladder("Microsoft")] == ["62"]
    lookup = view.band(BandQuery("Microsoft", "62"))
    assert lookup.band is not None
    assert lookup.band.total is not None
    assert lookup.band.total.p90 == Decimal("140000.00")
    assert lookup.band.stock is None
