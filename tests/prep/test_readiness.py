"""Readiness is the weakest stage; progress counts done minutes against plan weeks."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from offerlab.prep.pipeline import load_pipeline
from offerlab.prep.readiness import (
    MockScore,
    PlannedWeek,
    PracticeMinutes,
    progress,
    readiness,
)

ML = load_pipeline("microsoft-ml-engineer")
ALL = [s.id for s in ML.stages]


def scores(values: dict[str, int], on: date = date(2026, 12, 1)) -> list[MockScore]:
    return [MockScore(stage, score, on) for stage, score in values.items()]


def test_overall_is_the_weakest_stage_not_the_mean():
    values = dict.fromkeys(ALL, 4)
    values["onsite_system_design"] = 2
    result = readiness(ML, scores(values))
    assert result.overall == Decimal(2)
    assert result.weakest == "onsite_system_design"
    assert not result.ready
    assert result.unmeasured == ()


def test_ready_when_every_stage_passes():
    result = readiness(ML, scores(dict.fromkeys(ALL, 3)))
    assert result.ready
    assert result.overall == 3


def test_unmeasured_stages_block_ready():
    result = readiness(ML, scores({"onsite_coding": 4}))
    assert result.overall == 4
    assert not result.ready
    assert "leadership_fit" in result.unmeasured


def test_level_is_mean_of_latest_three():
    history = [
        MockScore("onsite_coding", 1, date(2026, 11, 1)),
        MockScore("onsite_coding", 2, date(2026, 11, 2)),
        MockScore("onsite_coding", 3, date(2026, 11, 3)),
        MockScore("onsite_coding", 4, date(2026, 11, 4)),
    ]
    row = next(r for r in readiness(ML, history).stages if r.stage == "onsite_coding")
    assert row.scores == (4, 3, 2)
    assert row.level == Decimal(3)


def test_nothing_measured():
    result = readiness(ML, [])
    assert result.overall is None
    assert result.weakest is None
    assert not result.ready


def test_progress_against_plan():
    weeks = [
        PlannedWeek(1, date(2026, 11, 1), date(2026, 11, 7), {"coding": 300, "system_design": 120}),
        PlannedWeek(2, date(2026, 11, 8), date(2026, 11, 14), {"coding": 140, "system_design": 0}),
    ]
    done = [
        PracticeMinutes(date(2026, 11, 2), "coding", 90),
        PracticeMinutes(date(2026, 11, 9), "system_design", 30),
        PracticeMinutes(date(2026, 10, 30), "coding", 45),  # before the plan
    ]
    result = progress(weeks, done, date(2026, 11, 9))
    assert result.weeks[0].done["coding"] == 90
    assert result.weeks[1].done["system_design"] == 30
    assert result.planned_total == 560
    assert result.planned_to_date == 420 + 40  # week 1, and 2 of week 2's 7 days
    assert result.done_to_date == 120
    assert result.done_outside_plan == 45


@given(st.dictionaries(st.sampled_from(ALL), st.lists(st.integers(1, 4), min_size=1, max_size=5)))
def test_overall_is_always_the_minimum_level(history: dict[str, list[int]]):
    mocks = [
        MockScore(stage, score, date(2026, 11, 1) + timedelta(days=i))
        for stage, values in history.items()
        for i, score in enumerate(values)
    ]
    result = readiness(ML, mocks)
    levels = [r.level for r in result.stages if r.level is not None]
    assert result.overall == (min(levels) if levels else None)
    assert result.ready == (len(levels) == len(ALL) and min(levels) >= 3)
