"""A small, fixed market for planner unit tests (the real market is tested end to end)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from offerlab.market.evidence import MarketEvidence
from offerlab.negotiate import BandLookup, BandQuery, LevelStats, MarketBand, Percentiles


def pct(*values: int) -> Percentiles:
    return Percentiles(*(Decimal(v) for v in values))


# Microsoft 62 in the Seattle area, shaped like the real records (annual USD).
MSFT_62 = MarketBand(
    n=120,
    currency="USD",
    base=pct(150000, 160000, 172000, 185000, 200000),
    stock=pct(25000, 35000, 45000, 60000, 80000),
    bonus=pct(10000, 15000, 20000, 25000, 32000),
    total=pct(190000, 210000, 235000, 265000, 300000),
    filters={"company": "Microsoft", "level": "62"},
    basis="records",
    sources=("levels.fyi 2017-2021",),
)
MSFT_63 = MarketBand(
    n=90,
    currency="USD",
    base=pct(170000, 180000, 190000, 205000, 220000),
    stock=pct(40000, 55000, 70000, 90000, 120000),
    bonus=pct(20000, 25000, 30000, 35000, 45000),
    total=pct(240000, 265000, 290000, 330000, 370000),
    filters={"company": "Microsoft", "level": "63"},
)

# Google L4 in London, as levels.fyi states it: in USD (the planner restates it in GBP).
GOOGLE_L4_LONDON = MarketBand(
    n=11,
    currency="USD",
    base=pct(100000, 108000, 117000, 134000, 145000),
    stock=pct(33000, 55000, 66000, 71000, 84000),
    bonus=pct(15000, 18000, 23000, 30000, 35000),
    total=pct(172000, 184000, 205000, 225000, 258000),
    filters={"company": "Google", "level": "L4", "location": "London"},
)
# Google L4 over every place (mostly the US): no benchmark for an offer outside the US.
GOOGLE_L4_ALL = MarketBand(
    n=1400,
    currency="USD",
    base=pct(130000, 140000, 150000, 160000, 175000),
    stock=pct(30000, 45000, 60000, 80000, 100000),
    bonus=pct(15000, 20000, 23000, 27000, 32000),
    total=pct(190000, 210000, 235000, 265000, 300000),
    filters={"company": "Google", "level": "L4"},
)

LADDER = (
    LevelStats(level="59", median_years_experience=Decimal(1), median_total=Decimal(150000), n=300),
    LevelStats(level="60", median_years_experience=Decimal(2), median_total=Decimal(170000), n=300),
    LevelStats(level="61", median_years_experience=Decimal(4), median_total=Decimal(190000), n=400),
    LevelStats(level="62", median_years_experience=Decimal(6), median_total=Decimal(230000), n=400),
    LevelStats(level="63", median_years_experience=Decimal(9), median_total=Decimal(290000), n=300),
    LevelStats(
        level="64", median_years_experience=Decimal(12), median_total=Decimal(360000), n=100
    ),
)


class FakeMarket:
    """Bands only for Microsoft 62/63 without location or specialty filters; thin elsewhere.

    ``places`` adds bands for (company, level, location) queries without title or specialty
    (``location`` None for the band over every place), e.g. Google L4 in London in USD.
    """

    def __init__(
        self,
        *,
        location_band: bool = False,
        places: Mapping[tuple[str, str, str | None], MarketBand] | None = None,
        evidence: MarketEvidence | None = None,
    ) -> None:
        self.location_band = location_band
        self.places = dict(places or {})
        self.given_evidence = evidence
        self.queries: list[BandQuery] = []

    def band(self, query: BandQuery) -> BandLookup:
        self.queries.append(query)
        placed = self.places.get((query.company, query.level or "", query.location))
        if placed is not None and not (query.title or query.specialty):
            return BandLookup(query, placed, placed.n)
        if query.company != "Microsoft":
            return BandLookup(query, None, 0)
        band = {"62": MSFT_62, "63": MSFT_63}.get(query.level or "")
        if band is None:
            return BandLookup(query, None, 0)
        if (query.location or query.specialty or query.title) and not self.location_band:
            return BandLookup(query, None, 3)
        return BandLookup(query, band, band.n)

    def ladder(self, company: str) -> Sequence[LevelStats]:
        return LADDER if company == "Microsoft" else ()

    def evidence(self, query: BandQuery) -> MarketEvidence | None:
        return self.given_evidence

    def equivalent_level(self, company: str, level: str, to_company: str) -> str | None:
        return {("Google", "L5"): "63", ("Google", "L4"): "61"}.get((company, level))
