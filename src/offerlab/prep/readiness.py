"""Readiness and progress (pure): where a candidate stands before the day.

A stage's level is the mean of its most recent mock scores (up to :data:`WINDOW`) on the
pipeline's rubric. Each stage of a loop is scored on its own and one low score can end it, so
overall readiness is the *weakest* stage's level, not an average; a loop is ready when every
stage has been measured and the weakest is at the rubric's pass mark or above.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from offerlab.prep.pipeline import SKILLS, Pipeline, Skill

__all__ = [
    "WINDOW",
    "MockScore",
    "PlannedWeek",
    "PracticeMinutes",
    "Progress",
    "Readiness",
    "StageReadiness",
    "WeekProgress",
    "progress",
    "readiness",
]

#: How many of a stage's latest mock scores its level averages.
WINDOW: Final = 3


@dataclass(frozen=True, slots=True)
class MockScore:
    """One stage's score in a mock interview, on the pipeline's rubric."""

    stage: str
    score: int
    on: date


@dataclass(frozen=True, slots=True)
class StageReadiness:
    """A stage's latest scores (newest first), level (their mean) and whether it passes."""

    stage: str
    name: str
    scores: tuple[int, ...]
    level: Decimal | None
    passing: bool | None


@dataclass(frozen=True, slots=True)
class Readiness:
    """Per stage and overall: ``overall`` is the weakest measured stage's level."""

    stages: tuple[StageReadiness, ...]
    overall: Decimal | None
    weakest: str | None
    unmeasured: tuple[str, ...]
    ready: bool
    scale_min: int
    scale_max: int
    pass_score: int


def readiness(pipeline: Pipeline, scores: Sequence[MockScore], window: int = WINDOW) -> Readiness:
    """Readiness of each stage of ``pipeline`` from mock ``scores`` (other stages ignored)."""
    rubric = pipeline.rubric
    rows: list[StageReadiness] = []
    for stage in pipeline.stages:
        mine = sorted((s for s in scores if s.stage == stage.id), key=lambda s: s.on, reverse=True)[
            :window
        ]
        values = tuple(s.score for s in mine)
        level = (
            (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if values
            else None
        )
        passing = None if level is None else level >= rubric.pass_score
        rows.append(StageReadiness(stage.id, stage.name, values, level, passing))
    measured = [r for r in rows if r.level is not None]
    weakest = min(measured, key=lambda r: r.level or Decimal(0)) if measured else None
    unmeasured = tuple(r.stage for r in rows if r.level is None)
    overall = weakest.level if weakest is not None else None
    ready = not unmeasured and overall is not None and overall >= rubric.pass_score
    return Readiness(
        tuple(rows),
        overall,
        weakest.stage if weakest is not None else None,
        unmeasured,
        ready,
        rubric.min,
        rubric.max,
        rubric.pass_score,
    )


@dataclass(frozen=True, slots=True)
class PlannedWeek:
    """A saved plan week: dates (inclusive) and planned minutes by skill."""

    week: int
    start: date
    end: date
    minutes: Mapping[Skill, int]


@dataclass(frozen=True, slots=True)
class PracticeMinutes:
    """Minutes of practice (or a mock) on a day, for one skill."""

    on: date
    skill: Skill
    minutes: int


@dataclass(frozen=True, slots=True)
class WeekProgress:
    """One week: planned and done minutes by skill."""

    week: int
    start: date
    end: date
    planned: Mapping[Skill, int]
    done: Mapping[Skill, int]

    @property
    def planned_total(self) -> int:
        return sum(self.planned.values())

    @property
    def done_total(self) -> int:
        return sum(self.done.values())


@dataclass(frozen=True, slots=True)
class Progress:
    """Minutes done against the plan: by week, and planned so far (through today) vs done."""

    weeks: tuple[WeekProgress, ...]
    planned_to_date: int
    done_to_date: int
    planned_total: int
    done_outside_plan: int


def progress(
    planned: Sequence[PlannedWeek], done: Sequence[PracticeMinutes], today: date
) -> Progress:
    """Done minutes per plan week and skill; ``planned_to_date`` counts past weeks in full
    and the current week pro rata by days elapsed (today included)."""
    weeks: list[WeekProgress] = []
    planned_to_date = Decimal(0)
    inside = 0
    for week in planned:
        minutes = dict.fromkeys(SKILLS, 0)
        for item in done:
            if week.start <= item.on <= week.end:
                minutes[item.skill] += item.minutes
        inside += sum(minutes.values())
        weeks.append(WeekProgress(week.week, week.start, week.end, dict(week.minutes), minutes))
        total = sum(week.minutes.values())
        if today >= week.end:
            planned_to_date += total
        elif today >= week.start:
            length = (week.end - week.start).days + 1
            elapsed = (today - week.start).days + 1
            planned_to_date += Decimal(total) * elapsed / length
    done_to_date = sum(i.minutes for i in done if i.on <= today and _in_plan(planned, i.on))
    return Progress(
        tuple(weeks),
        int(planned_to_date.to_integral_value(ROUND_HALF_UP)),
        done_to_date,
        sum(sum(w.minutes.values()) for w in planned),
        sum(i.minutes for i in done) - inside,
    )


def _in_plan(planned: Sequence[PlannedWeek], on: date) -> bool:
    return any(w.start <= on <= w.end for w in planned)
