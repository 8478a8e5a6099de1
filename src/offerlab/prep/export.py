"""A plan as JSON (the contract outside checks read), Markdown and iCalendar.

JSON: ``{"weeks": [{"week", "start", "end", "kind", "focus", "hours", "budget_hours",
"deliverables", "days"}], "total_hours", ...}`` with hours as numbers (multiples of 0.25).
iCalendar (RFC 5545, written with the ``icalendar`` library): one all-day event per study day
listing its sessions, and one event per mock interview.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from icalendar import Calendar, Event

from offerlab.prep.pipeline import SKILLS, Pipeline
from offerlab.prep.plan import SKILL_LABELS, PlanWeek, Session, StudyPlan

__all__ = ["plan_ics", "plan_json", "plan_markdown"]


def _hours(minutes: int) -> float:
    """Minutes as hours (plans use 15-minute units, so this is exact to 0.25)."""
    return float(Decimal(minutes) / 60)


def _session_json(session: Session) -> dict[str, Any]:
    return {
        "skill": session.skill,
        "minutes": session.minutes,
        "kind": session.kind,
        "title": session.title,
        "stage": session.stage,
    }


def _week_json(week: PlanWeek) -> dict[str, Any]:
    return {
        "week": week.week,
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "kind": week.kind,
        "focus": list(week.focus),
        "template_weeks": list(week.template_weeks),
        "hours": {s: _hours(week.minutes[s]) for s in SKILLS},
        "total_hours": _hours(week.total_minutes),
        "budget_hours": _hours(week.budget_minutes),
        "deliverables": list(week.deliverables),
        "days": [
            {
                "date": day.day.isoformat(),
                "minutes": day.minutes,
                "sessions": [_session_json(s) for s in day.sessions],
            }
            for day in week.days
        ],
    }


def plan_json(plan: StudyPlan, pipeline: Pipeline) -> dict[str, Any]:
    """The plan as the JSON contract."""
    by_skill = plan.minutes_by_skill()
    total = plan.total_minutes
    return {
        "pipeline": plan.pipeline,
        "pipeline_title": pipeline.title,
        "template": plan.template,
        "start": plan.start.isoformat(),
        "interview_date": plan.interview_date.isoformat(),
        "hours_per_week": float(plan.hours_per_week),
        "study_days_per_week": plan.study_days_per_week,
        "weak": list(plan.weak),
        "weeks": [_week_json(w) for w in plan.weeks],
        "hours": {s: _hours(by_skill[s]) for s in SKILLS},
        "total_hours": _hours(total),
        "budget_hours": _hours(plan.budget_minutes),
        "system_design_share": round(by_skill["system_design"] / total, 4) if total else 0.0,
        "system_design_min_share": float(plan.system_design_min_share),
        "mocks": [
            {"date": m.day.isoformat(), "stage": m.stage, "minutes": m.minutes} for m in plan.mocks
        ],
        "notes": list(plan.notes),
        "sources": [s.model_dump() for s in pipeline.sources],
    }


def _fmt_hours(minutes: int) -> str:
    hours = Decimal(minutes) / 60
    return f"{hours.normalize():f} h" if hours else "0 h"


def plan_markdown(plan: StudyPlan, pipeline: Pipeline) -> str:
    """The plan as a Markdown document: summary, then each week with its days."""
    by_skill = plan.minutes_by_skill()
    lines = [
        f"# Study plan: {pipeline.title}",
        "",
        f"- Interview: **{plan.interview_date.isoformat()}**; plan from "
        f"{plan.start.isoformat()}, {len(plan.weeks)} week(s)",
        f"- Hours: {_fmt_hours(plan.total_minutes)} of {_fmt_hours(plan.budget_minutes)} "
        f"available ({plan.hours_per_week.normalize():f} h a week)",
        "- By skill: " + ", ".join(f"{SKILL_LABELS[s]} {_fmt_hours(by_skill[s])}" for s in SKILLS),
    ]
    if plan.weak:
        lines.append(f"- Weak stages (more hours): {', '.join(plan.weak)}")
    lines += [f"- Note: {n}" for n in plan.notes]
    for week in plan.weeks:
        lines += [
            "",
            f"## Week {week.week}: {week.start.isoformat()} to {week.end.isoformat()} "
            f"({week.kind})",
            "",
            "Focus: " + "; ".join(week.focus),
            "",
            "| Skill | Hours |",
            "|---|---:|",
            *(f"| {SKILL_LABELS[s]} | {_fmt_hours(week.minutes[s])} |" for s in SKILLS),
            f"| **Total** (budget {_fmt_hours(week.budget_minutes)}) | "
            f"**{_fmt_hours(week.total_minutes)}** |",
            "",
            "Deliverables:",
            "",
            *(f"- {d}" for d in week.deliverables),
            "",
            "Days:",
            "",
        ]
        for day in week.days:
            items = "; ".join(f"{s.title} ({s.minutes} min)" for s in day.sessions)
            lines.append(f"- {day.day.strftime('%a %Y-%m-%d')}: {items}")
    sources = [f"{s.publisher}, \u201c{s.title}\u201d ({s.date})" for s in pipeline.sources]
    if sources:
        lines += ["", "Sources: " + "; ".join(sources)]
    return "\n".join(lines) + "\n"


def _uid(plan: StudyPlan, *parts: str) -> str:
    key = "|".join((plan.pipeline, plan.start.isoformat(), plan.interview_date.isoformat(), *parts))
    return hashlib.sha256(key.encode()).hexdigest()[:24] + "@offerlab"


def _event(
    plan: StudyPlan, now: datetime, key: tuple[str, ...], summary: str, description: str
) -> Event:
    event = Event()
    event.add("uid", _uid(plan, *key))
    event.add("dtstamp", now)
    event.add("summary", summary)
    event.add("description", description)
    return event


def _mock_text(mock: Session, pipeline: Pipeline) -> str:
    return (
        f"Stage {mock.stage}; {mock.minutes} min with the debrief. Score it on the rubric "
        f"({pipeline.rubric.min}-{pipeline.rubric.max}) with offerlab prep log mock."
    )


def plan_ics(
    plan: StudyPlan,
    pipeline: Pipeline,
    *,
    at: time | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """The plan as an iCalendar file.

    Without ``at``: an all-day event per study day listing its sessions, and one per mock.
    With ``at`` (a local start time): one timed event per session, back to back from ``at``
    (floating local time, so the calendar shows it at that hour wherever you are).
    Either way the interview day is an all-day event.
    """
    cal = Calendar()
    cal.add("prodid", "-//offerlab//interview prep//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Interview prep: {pipeline.title}")
    now = stamp or datetime.now(UTC)
    for week in plan.weeks:
        deliverables = "\nDeliverables this week:\n" + "\n".join(
            f"- {d}" for d in week.deliverables
        )
        for day in week.days:
            if at is not None:
                begin = datetime.combine(day.day, at)
                for index, session in enumerate(day.sessions):
                    end = begin + timedelta(minutes=session.minutes)
                    text = (
                        _mock_text(session, pipeline)
                        if session.kind == "mock"
                        else f"Week {week.week}, {session.minutes} min.{deliverables}"
                    )
                    event = _event(
                        plan, now, (day.day.isoformat(), "session", str(index)), session.title, text
                    )
                    event.add("dtstart", begin)
                    event.add("dtend", end)
                    event.add("categories", ["interview prep", session.kind])
                    cal.add_component(event)
                    begin = end
                continue
            study = [s for s in day.sessions if s.kind != "mock"]
            if study:
                minutes = sum(s.minutes for s in study)
                event = _event(
                    plan,
                    now,
                    (day.day.isoformat(), "study"),
                    f"Prep week {week.week}: {_fmt_hours(minutes)} study",
                    "\n".join(f"{s.title}: {s.minutes} min" for s in study) + deliverables,
                )
                event.add("dtstart", day.day)
                event.add("dtend", day.day + timedelta(days=1))
                event.add("categories", ["interview prep", "study"])
                cal.add_component(event)
            for index, mock in enumerate(s for s in day.sessions if s.kind == "mock"):
                event = _event(
                    plan,
                    now,
                    (day.day.isoformat(), "mock", str(index)),
                    mock.title,
                    _mock_text(mock, pipeline),
                )
                event.add("dtstart", day.day)
                event.add("dtend", day.day + timedelta(days=1))
                event.add("categories", ["interview prep", "mock"])
                cal.add_component(event)
    interview = _event(plan, now, ("interview",), f"Interview: {pipeline.title}", pipeline.title)
    interview.add("dtstart", plan.interview_date)
    interview.add("dtend", plan.interview_date + timedelta(days=1))
    cal.add_component(interview)
    return bytes(cal.to_ical())
