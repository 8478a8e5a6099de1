"""The guides' tables as evidence bands: ranges as stated, with attribution, never leading."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from offerlab.market.evidence import MarketEvidence
from offerlab.market.guide_evidence import guide_bands, guide_date

SOURCES = Path(__file__).resolve().parents[2] / "src" / "offerlab" / "data" / "market" / "sources"
AS_OF = date(2027, 1, 4)


def _row(file: str, level: str) -> dict[str, Any]:
    data = tomllib.loads((SOURCES / file).read_text(encoding="utf-8"))
    return next(r for r in data["bands"] if r["level"] == level)


def test_microsoft_62_gets_each_guide_row_that_covers_it():
    bands = guide_bands("Microsoft", "62", as_of=AS_OF, tag="ML / AI")
    assert [b.source for b in bands] == [
        "seed-001-negotiation-guide",
        "seed-002-ai-engineers-editorial-2026",
    ]
    wide, exact = bands
    row = _row("seed_001_negotiation_guide_2025.toml", "61-62")
    assert wide.base is not None
    assert wide.total is not None
    assert (wide.base.low, wide.base.high) == (Decimal(row["base"][0]), Decimal(row["base"][1]))
    assert (wide.total.low, wide.total.high) == tuple(Decimal(v) for v in row["total"])
    assert wide.match == "company"  # the row covers 61 and 62
    assert exact.match == "exact"
    assert exact.total is None  # "Total Cash" with an unstated portion of equity
    assert any("Total Cash" in n for n in exact.notes)
    assert any("median total at Microsoft 62 is above 200,000" in n for n in exact.notes)
    for band in bands:
        assert band.kind == "guide"
        assert band.n is None
        assert band.confidence == "low"
        assert band.median_date is None
        assert band.restated is None
        assert "table facts carried with attribution" in band.attribution
    assert wide.reference_date == date(2025, 7, 1)
    assert exact.reference_date == date(2026, 6, 15)


def test_guides_never_lead_and_their_json_has_a_range():
    answer = MarketEvidence.of(guide_bands("Microsoft", "62", as_of=AS_OF), as_of=AS_OF)
    assert answer.headline is None
    data = answer.as_json()
    assert data["bands"][0]["base"]["range"] == {"low": Decimal(165000), "high": Decimal(230000)}
    assert data["bands"][0]["median_date"] is None


def test_a_table_for_another_specialty_is_a_wider_match():
    (_, exact) = guide_bands("Microsoft", "62", as_of=AS_OF)
    assert exact.match == "company"
    assert "the table is for ML / AI roles" in exact.notes


def test_no_guide_row_for_an_unplaced_level_or_another_company():
    assert guide_bands("Google", "L5", as_of=AS_OF) == []
    assert [b.source for b in guide_bands("Microsoft", "70", as_of=AS_OF)] == [
        "seed-000-valenx-2026",
        "seed-001-negotiation-guide",
    ]


def test_guide_dates():
    assert guide_date("2026-06") == date(2026, 6, 15)
    assert guide_date("2025") == date(2025, 7, 1)
    assert guide_date("2025-03-02") == date(2025, 3, 2)
