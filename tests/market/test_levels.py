"""Level ladders with statistics, and mapping by years of experience."""

from __future__ import annotations

from decimal import Decimal

import pytest

from offerlab.errors import NotFoundError
from offerlab.market.levels import (
    CuratedEvidence,
    LevelStats,
    bundled_level_stats,
    company_levels,
    map_level,
)


def test_google_l5_maps_to_microsoft_63_and_flags_the_seed() -> None:
    mapping = map_level("Google", "L5", "Microsoft")
    assert mapping.best.level == "63"
    assert mapping.best.score == Decimal("1.0")
    assert mapping.from_stats.median_years_experience == mapping.best.median_years_experience
    curated = {c.level for c in mapping.candidates if c.curated}
    assert curated == {"61", "62"}
    assert [e.levels for e in mapping.curated] == [("61",), ("62",)]
    assert len(mapping.disagreements) == 1
    note = mapping.disagreements[0]
    assert "seed-001-negotiation-guide puts Google L5 at Microsoft 61-62" in note
    assert "put it at 63" in note
    scores = [c.score for c in mapping.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(Decimal(0) <= s <= Decimal(1) for s in scores)
    data = mapping.as_dict()
    assert data["from"] == "Google:L5"
    assert data["to"][0] == {**data["to"][0], "level": "63", "score": Decimal("1.0")}
    assert set(data["evidence"]) >= {"curated", "disagreements", "from", "step_years"}
    # pay is shown beside the score on both sides
    assert data["evidence"]["from"]["median_total"] is not None
    assert all(c["median_total"] is not None for c in data["to"])


def test_mapping_accepts_messy_names_and_specialty() -> None:
    mapping = map_level("google llc", "Senior SWE", "microsoft", specialty="ML / AI")
    assert (mapping.from_company, mapping.from_level, mapping.to_company) == (
        "Google",
        "L5",
        "Microsoft",
    )
    assert mapping.specialty == "ML / AI"
    assert mapping.best.level == "63"


def _money(pay: int | None) -> Decimal | None:
    return None if pay is None else Decimal(pay)


def test_mapping_with_stats_from_imported_records() -> None:
    def stats(company: str, rows: list[tuple[str, int, int | None]]) -> list[LevelStats]:
        return [
            LevelStats(
                company=company,
                level=level,
                n=10,
                median_years_experience=Decimal(years),
                median_total=_money(pay),
                source="imported",
            )
            for level, years, pay in rows
        ]

    source = stats("Acme", [("A1", 1, 100), ("A2", 5, 200)])
    target = stats("Initech", [("I1", 0, 90), ("I2", 4, 150), ("I3", 8, 300)])
    curated = [CuratedEvidence("my table", "A2 = I3", ("I3",))]
    mapping = map_level("Acme", "A2", "Initech", source, target, curated)
    assert [c.level for c in mapping.candidates][:2] == ["I2", "I3"]
    assert mapping.step == Decimal(4)
    assert mapping.candidates[0].score == Decimal("0.969")
    assert len(mapping.disagreements) == 1
    assert "my table puts Acme A2 at Initech I3" in mapping.disagreements[0]
    agreeing = map_level("Acme", "A2", "Initech", source, target, [])
    assert agreeing.disagreements == ()


def test_unknown_company_and_level() -> None:
    with pytest.raises(NotFoundError, match="known levels: L3, L4, L5"):
        map_level("Google", "L99", "Microsoft")
    with pytest.raises(NotFoundError, match="companies with a ladder and records: Microsoft, Goo"):
        map_level("Google", "L5", "Initech")
    with pytest.raises(NotFoundError, match="companies with a ladder"):
        company_levels("Initech")


def test_a_ladder_without_records_is_not_called_unknown() -> None:
    # OpenAI has a ladder (seed 001's table) and no records: the mapping cannot compare years
    # of experience, and says so instead of "no ladder" while listing OpenAI among the ladders.
    with pytest.raises(NotFoundError) as caught:
        map_level("OpenAI", "L5", "Google")
    message = caught.value.message
    assert message.startswith("OpenAI has a level ladder (L2, L3, L4, L5, L6, L7) but no records")
    with_records = message.split("companies with a ladder and records: ")[1]
    assert "OpenAI" not in with_records
    assert "curated" not in message  # no table places OpenAI against Google
    # Against Microsoft the seed's table does, and the error says where.
    with pytest.raises(NotFoundError, match="places OpenAI L5 at Microsoft 61, 62, 63"):
        map_level("OpenAI", "L5", "Microsoft")
    with pytest.raises(NotFoundError, match=r"^OpenAI has a level ladder"):
        map_level("Microsoft", "63", "OpenAI")


def test_company_levels() -> None:
    ladder = company_levels("Microsoft")
    assert [s.level for s in ladder] == [str(n) for n in range(59, 71)]
    by_level = {s.level: s for s in ladder}
    assert by_level["63"].label == "Senior SDE"
    assert by_level["70"].n == 0
    years = [s.median_years_experience for s in ladder if s.median_years_experience is not None]
    assert years == sorted(years)
    assert by_level["62"].median_total == Decimal(180000)
    oracle = company_levels("oracle")  # no curated ladder: ordered by median years
    assert oracle
    assert all(s.label is None for s in oracle)
    assert bundled_level_stats("Microsoft", "ML / AI")[0].level == "59"
