"""The negotiation's market view asks the pool for the cell the offer would be shared in: the
offer's whole place, not the city name the records are filtered by ("Dublin, Ireland" is no
metro; its city name alone is Dublin, California, in the SF Bay Area)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from offerlab.market.pooled import PooledOffer, PoolPlace
from offerlab.market.ports import NoRecords
from offerlab.negotiate.band import BandQuery
from offerlab.negotiate.service import RecordsMarketView

METROS = ("SF Bay Area", "Seattle metro", "Portland metro", "Boston metro", "London metro")


def _offer(metro: str, base: int) -> PooledOffer:
    return PooledOffer(
        place=PoolPlace("Microsoft", "62", metro),
        currency="GBP" if metro == "London metro" else "USD",
        title="Software Engineer",
        month="2026-09",
        years=None,
        base=Decimal(base),
        bonus=Decimal(0),
        stock_per_year=Decimal(0),
    )


class _Pool:
    def __init__(self) -> None:
        self.offers = [_offer(m, 150_000 + i * 1_000) for m in METROS for i in range(5)]

    def pooled(self, place: PoolPlace) -> list[PooledOffer]:
        return [o for o in self.offers if o.place == place]

    def holds_any(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("location", "metro"),
    [
        ("Redmond, WA", "Seattle metro"),
        ("Vancouver, WA", "Portland metro"),  # the city alone is no metro
        ("Dublin, Ireland", None),  # the city alone is Dublin, CA
        ("Cambridge, UK", None),  # the city alone is Cambridge, MA
        ("London, Ontario", None),  # the city alone is London, England
        ("Portland, ME", None),  # the city alone is Portland, Oregon
    ],
)
def test_the_pooled_band_is_the_cell_the_offer_would_be_shared_in(location: str, metro: str | None):
    view = RecordsMarketView(NoRecords(), pool=_Pool())
    evidence = view.evidence(BandQuery("Microsoft", "62", location, as_of=date(2026, 12, 3)))
    assert evidence is not None
    pooled = [b.label for b in evidence.bands if b.kind == "pooled"]
    if metro is None:
        assert pooled == []
        assert any("not a city or metro" in n for n in evidence.notes)
    else:
        assert len(pooled) == 1
        assert pooled[0].startswith(f"Microsoft 62, {metro}")
