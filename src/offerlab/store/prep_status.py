"""Prep status as data: hours against the plan, readiness per stage, mistakes due.

The hours, practice counts and mock scores are those logged for the plan shown (its loop);
mistakes due for review are the person's, whichever loop they were logged for.

The ``prep status --json`` document, built in one place for the CLI and the web page.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from offerlab.prep.pipeline import SKILLS, Pipeline, resolve_pipeline
from offerlab.prep.readiness import progress, readiness
from offerlab.store.prep_repository import PrepRepository

__all__ = ["prep_status"]


def prep_status(
    repo: PrepRepository, plan_name: str | None, pipeline: Pipeline | None, now: date
) -> tuple[dict[str, Any], Pipeline]:
    """The status document of plan ``plan_name`` (default: the newest) and the pipeline it
    is measured against (``pipeline``, else the plan's, else the default one)."""
    saved = repo.plan(plan_name)
    chosen = pipeline or (saved.pipeline if saved is not None else resolve_pipeline(None))
    # A plan counts the practice and mocks logged for it (its loop), not another loop's.
    plan_id = saved.id if saved is not None else None
    scores = repo.mock_scores(chosen.name, plan_id)
    done = repo.minutes_done(plan_id)
    due = repo.due_reviews(now)
    counts = repo.practice_counts(plan_id)
    ready = readiness(chosen, scores)
    prog = progress(saved.weeks if saved is not None else (), done, now)
    doc: dict[str, Any] = {
        "today": now.isoformat(),
        "plan": saved.name if saved is not None else None,
        "pipeline": chosen.name,
        "interview_date": saved.interview_date.isoformat() if saved is not None else None,
        "days_left": (saved.interview_date - now).days if saved is not None else None,
        "hours": {
            "planned_total": float(Decimal(prog.planned_total) / 60),
            "planned_to_date": float(Decimal(prog.planned_to_date) / 60),
            "done_to_date": float(Decimal(prog.done_to_date) / 60),
            "done_outside_plan": float(Decimal(prog.done_outside_plan) / 60),
            "by_skill_done": {
                s: float(Decimal(sum(d.minutes for d in done if d.skill == s)) / 60) for s in SKILLS
            },
            "weeks": [
                {
                    "week": w.week,
                    "start": w.start.isoformat(),
                    "end": w.end.isoformat(),
                    "planned": {s: float(Decimal(w.planned.get(s, 0)) / 60) for s in SKILLS},
                    "done": {s: float(Decimal(w.done.get(s, 0)) / 60) for s in SKILLS},
                }
                for w in prog.weeks
            ],
        },
        "readiness": {
            "scale": [ready.scale_min, ready.scale_max],
            "pass": ready.pass_score,
            "overall": float(ready.overall) if ready.overall is not None else None,
            "weakest": ready.weakest,
            "ready": ready.ready,
            "unmeasured": list(ready.unmeasured),
            "stages": [
                {
                    "stage": r.stage,
                    "name": r.name,
                    "scores": list(r.scores),
                    "level": float(r.level) if r.level is not None else None,
                    "passing": r.passing,
                }
                for r in ready.stages
            ],
        },
        "practice": counts,
        "due": [
            {
                "card": d.id,
                "problem": d.problem,
                "mistake": d.mistake,
                "skill": d.skill,
                "stage": d.stage,
                "logged_on": d.logged_on.isoformat(),
                "due_on": d.state.due_on.isoformat(),
                "repetitions": d.state.repetitions,
                "interval_days": d.state.interval_days,
                "easiness": float(d.state.easiness),
            }
            for d in due
        ],
    }
    return doc, chosen
