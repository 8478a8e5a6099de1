"""``offerlab prep``: interview pipelines, dated study plans, practice log, readiness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, cast

import typer
from rich.table import Table

from offerlab.cli.common import console, print_json, write_file
from offerlab.cli.db import DbOption, resolve_db
from offerlab.encoding import dumps
from offerlab.errors import InputError
from offerlab.prep.export import plan_ics, plan_markdown
from offerlab.prep.pipeline import (
    SKILLS,
    Pipeline,
    Skill,
    bundled_pipelines,
    load_pipeline,
    resolve_pipeline,
)
from offerlab.prep.plan import SKILL_LABELS, PlanRequest
from offerlab.prep.service import make_plan, parse_date, parse_hours, parse_weak
from offerlab.prep.sm2 import new_card

if TYPE_CHECKING:
    from offerlab.store.prep_repository import PrepRepository, SavedPlan

__all__ = ["TODAY_ENV", "prep_app", "today"]


@contextmanager
def _repository(ctx: typer.Context, db: str | None) -> Iterator[PrepRepository]:
    """The prep repository over the configured store (loaded only by the commands using it)."""
    from offerlab.store.engine import Store
    from offerlab.store.prep_repository import PrepRepository

    with Store(resolve_db(ctx, db)) as store:
        yield PrepRepository(store)


#: Set to YYYY-MM-DD to fix "today" (tests, or planning as of another day).
TODAY_ENV: Final = "OFFERLAB_TODAY"

prep_app = typer.Typer(
    help="Interview prep: pipelines, a dated study plan, practice log and readiness.",
    no_args_is_help=True,
)
log_app = typer.Typer(help="Record practice or a mock interview.", no_args_is_help=True)
prep_app.add_typer(log_app, name="log")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (a stable contract).")]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", hidden=True, help="Pretend today is this date (YYYY-MM-DD)."),
]
DateOption = Annotated[
    str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="Default: today.")
]
PipelineOption = Annotated[
    str | None,
    typer.Option(
        "--pipeline",
        metavar="NAME|FILE",
        help="A bundled pipeline (see prep pipelines) or a pipeline file (.toml/.json).",
    ),
]


class PlanFormat(StrEnum):
    md = "md"


def _time(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"--ics-time {value!r}: expected a time as HH:MM, e.g. 19:30") from None


def _day(on: str | None, today_option: str | None) -> date:
    """The day an entry is for: ``--date``, else today."""
    return parse_date(on, "--date") if on else today(today_option)


def today(override: str | None = None) -> date:
    """Today: ``--today``, else ``$OFFERLAB_TODAY``, else the system date."""
    if override:
        return parse_date(override, "--today")
    env = os.environ.get(TODAY_ENV, "").strip()
    if env:
        return parse_date(env, TODAY_ENV)
    return date.today()


def _h(hours: float) -> str:
    """Hours for text output, to one decimal (JSON keeps the numbers)."""
    return f"{Decimal(repr(hours)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"


# --- pipelines ------------------------------------------------------------------------------


def _pipeline_json(pipeline: Pipeline) -> dict[str, Any]:
    return pipeline.model_dump(mode="json", by_alias=True)


@prep_app.command("pipelines")
def pipelines_command(
    pipeline: Annotated[
        str | None, typer.Argument(metavar="[NAME|FILE]", help="Show this pipeline's stages.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the bundled pipelines, or show one (or a file) stage by stage."""
    if pipeline is None:
        loaded = [load_pipeline(name) for name in bundled_pipelines()]
        if as_json:
            print_json([_pipeline_json(p) for p in loaded])
            return
        table = Table(title="Interview pipelines", title_justify="left")
        for column in ("name", "title", "stages", "template"):
            table.add_column(column)
        for p in loaded:
            table.add_row(p.name, p.title, str(len(p.stages)), p.template)
        console.print(table)
        return
    chosen = resolve_pipeline(pipeline)
    if as_json:
        print_json(_pipeline_json(chosen))
        return
    table = Table(title=f"{chosen.title} ({chosen.name})", title_justify="left")
    for column in ("stage", "length", "skills", "questions"):
        table.add_column(column, overflow="fold")
    for stage in chosen.stages:
        length = (
            f"{stage.rounds} x {stage.minutes} min" if stage.rounds > 1 else f"{stage.minutes} min"
        )
        if not stage.minutes_stated:
            length += " (assumed)"
        skills = ", ".join(f"{s} {w.normalize():f}" for s, w in stage.skills.items())
        table.add_row(f"{stage.id}\n{stage.name}", length, skills, "\n".join(stage.questions))
    console.print(table)
    rubric = chosen.rubric
    console.print(
        f"Rubric: {rubric.min}-{rubric.max}, pass at {rubric.pass_score}: "
        + "; ".join(f"{lv.score} {lv.label}" for lv in rubric.levels)
    )
    for source in chosen.sources:
        console.print(f"Source: {source.publisher}, \u201c{source.title}\u201d ({source.date})")


# --- plan -----------------------------------------------------------------------------------


@prep_app.command("plan")
def plan_command(
    ctx: typer.Context,
    interview_date: Annotated[
        str, typer.Option("--interview-date", metavar="YYYY-MM-DD", help="The interview day.")
    ],
    hours_per_week: Annotated[
        str, typer.Option("--hours-per-week", metavar="H", help="Study hours a week (> 0).")
    ],
    start: Annotated[
        str | None,
        typer.Option("--start", metavar="YYYY-MM-DD", help="First study day (default: today)."),
    ] = None,
    pipeline: PipelineOption = None,
    weak: Annotated[
        list[str] | None,
        typer.Option("--weak", metavar="STAGE", help="A weak stage id (repeat): more hours."),
    ] = None,
    days_per_week: Annotated[
        int, typer.Option("--days-per-week", help="Study days in a full week (1-7).")
    ] = 6,
    as_json: JsonOption = False,
    fmt: Annotated[
        PlanFormat | None, typer.Option("--format", help="Print (or --out) Markdown.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the Markdown or JSON to this file.")
    ] = None,
    ics: Annotated[
        Path | None, typer.Option("--ics", metavar="PATH", help="Write an iCalendar file.")
    ] = None,
    ics_time: Annotated[
        str | None,
        typer.Option(
            "--ics-time",
            metavar="HH:MM",
            help="Timed iCalendar events from this local time (default: all-day events).",
        ),
    ] = None,
    save: Annotated[
        str | None, typer.Option("--save", metavar="NAME", help="Save the plan for prep status.")
    ] = None,
    db: DbOption = None,
    today_option: TodayOption = None,
) -> None:
    """A dated study plan: week by week and day by day, hours by skill, mocks before the day."""
    if as_json and fmt is not None:
        raise InputError("--json and --format md are two outputs; choose one")
    if out is not None and not as_json and fmt is None:
        raise InputError("--out writes the --json or --format md document; give one of them")
    if ics_time is not None and ics is None:
        raise InputError("--ics-time sets when the --ics file's sessions start; give --ics PATH")
    now = today(today_option)
    chosen = resolve_pipeline(pipeline)
    request = PlanRequest(
        start=parse_date(start, "--start") if start else now,
        interview_date=parse_date(interview_date, "--interview-date"),
        hours_per_week=parse_hours(hours_per_week),
        today=now,
        weak=parse_weak(weak),
        study_days_per_week=days_per_week,
    )
    at = _time(ics_time) if ics_time is not None else None
    if save is not None and not 0 < len(save.strip()) <= 100:
        raise InputError(f"--save {save!r}: expected a plan name of 1 to 100 characters")
    plan, document = make_plan(request, chosen)
    if ics is not None:
        write_file(ics, plan_ics(plan, chosen, at=at), "--ics")
    if save is not None:
        with _repository(ctx, db) as repo:
            replaced = repo.save_study_plan(save, plan, chosen, document)
    text: str | None = None
    if as_json:
        text = dumps(document) + "\n"
    elif fmt is PlanFormat.md:
        text = plan_markdown(plan, chosen)
    if text is not None:
        if out is not None:
            write_file(out, text, "--out")
        else:
            typer.echo(text, nl=False)
    else:
        _print_plan(document, chosen)
    messages: list[str] = []
    if ics is not None:
        messages.append(f"wrote {ics}")
    if out is not None and text is not None:
        messages.append(f"wrote {out}")
    if save is not None:
        messages.append(f"{'replaced' if replaced else 'saved'} plan {save.strip()!r}")
    for message in messages:
        if text is not None and out is None:  # stdout carries the document: keep it clean
            typer.echo(message, err=True)
        else:
            console.print(message)


_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _short_dates(start: str, end: str) -> str:
    """``Nov 22-28`` or ``Nov 30-Dec 6`` (ISO dates in; the year is in the summary line)."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    head = f"{_MONTHS[first.month - 1]} {first.day}"
    if (first.year, first.month) == (last.year, last.month):
        return head if first == last else f"{head}-{last.day}"
    return f"{head}-{_MONTHS[last.month - 1]} {last.day}"


def _print_plan(doc: dict[str, Any], pipeline: Pipeline) -> None:
    """The plan's JSON document as a summary line, a table of weeks, then each week's days."""
    console.print(
        f"[bold]{pipeline.title}[/bold]: interview {doc['interview_date']}, "
        f"{len(doc['weeks'])} week(s) from {doc['start']}; "
        f"{_h(doc['total_hours'])} h of {_h(doc['budget_hours'])} h available, "
        f"system design {doc['system_design_share'] * 100:.0f}%"
    )
    headers = [skill.replace("_", " ") for skill in SKILLS]
    rows = [
        [
            str(week["week"]),
            _short_dates(week["start"], week["end"]),
            *(_h(week["hours"][s]) for s in SKILLS),
            _h(week["total_hours"]),
        ]
        for week in doc["weeks"]
    ]
    longest_word = max(
        len(word) for week in doc["weeks"] for f in week["focus"] for word in f.split()
    )
    # Each column takes its content plus 3 (a rule and two spaces of padding), and 1 more rule.
    cells = ["week", "dates", *headers, "total"]
    needed = sum(
        3 + max([len(cells[i])] + [len(row[i]) for row in rows]) for i in range(len(cells))
    )
    show_focus = needed + 1 + 3 + longest_word <= console.width
    table = Table(title="Weeks", title_justify="left")
    table.add_column("week", justify="right", no_wrap=True)
    table.add_column("dates", no_wrap=True)
    if show_focus:
        table.add_column("focus", min_width=longest_word)
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("total", justify="right", no_wrap=True)
    for week, row in zip(doc["weeks"], rows, strict=True):
        focus = ["\n".join(week["focus"])] if show_focus else []
        table.add_row(*row[:2], *focus, *row[2:])
    console.print(table)
    for week in doc["weeks"]:
        console.print(
            f"\n[bold]Week {week['week']}[/bold] ({week['kind']}, "
            f"{_short_dates(week['start'], week['end'])}): " + "; ".join(week["focus"]),
            highlight=False,
        )
        console.print("  Deliverables:")
        for item in week["deliverables"]:
            console.print(f"  - {item}", markup=False)
        for day in week["days"]:
            items = "; ".join(f"{s['title']} {s['minutes']} min" for s in day["sessions"])
            console.print(f"  {day['date']}: {items}", markup=False)
    for note in doc["notes"]:
        console.print(f"note: {note}", markup=False)


@prep_app.command("plans")
def plans_command(ctx: typer.Context, db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the saved plans, newest first."""
    with _repository(ctx, db) as repo:
        rows = repo.plan_names()
    if as_json:
        print_json(
            [
                {"name": n, "pipeline": p, "start": s.isoformat(), "interview_date": i.isoformat()}
                for n, p, s, i in rows
            ]
        )
        return
    if not rows:
        console.print("no saved plans (save one with prep plan --save NAME)")
        return
    table = Table(title="Saved plans", title_justify="left")
    for column in ("name", "pipeline", "start", "interview"):
        table.add_column(column)
    for n, p, s, i in rows:
        table.add_row(n, p, s.isoformat(), i.isoformat())
    console.print(table)


# --- log ------------------------------------------------------------------------------------


PlanOption = Annotated[
    str | None,
    typer.Option(
        "--plan",
        metavar="NAME",
        help="The saved plan (loop) it counts toward (default: the newest).",
    ),
]


def _loop(
    repo: PrepRepository, plan_name: str | None, spec: str | None
) -> tuple[SavedPlan | None, Pipeline]:
    """The saved plan a log is for (``--plan``, else the newest, else none) and its pipeline
    (``--pipeline`` when it is the plan's or there is no plan, else the plan's)."""
    saved = repo.plan(plan_name)
    if saved is None:
        return None, resolve_pipeline(spec)
    if spec:
        chosen = resolve_pipeline(spec)
        if chosen.name != saved.pipeline.name:
            raise InputError(
                f"--pipeline {spec!r} is not the pipeline of plan {saved.name!r} "
                f"({saved.pipeline.name}); log for another loop with --plan NAME",
                option="--pipeline",
            )
    return saved, saved.pipeline


@log_app.command("practice")
def log_practice_command(
    ctx: typer.Context,
    problem: Annotated[str, typer.Option("--problem", help="What you practised.")],
    minutes: Annotated[int, typer.Option("--minutes", help="Minutes spent (> 0).")],
    outcome: Annotated[
        str, typer.Option("--outcome", metavar="solved|partial|failed", help="How it went.")
    ],
    skill: Annotated[
        str | None,
        typer.Option(
            "--skill",
            metavar="SKILL",
            help="coding, system_design, ml or behavioral.",
        ),
    ] = None,
    stage: Annotated[
        str | None,
        typer.Option("--stage", metavar="STAGE", help="The pipeline stage it prepares for."),
    ] = None,
    mistake: Annotated[
        str | None,
        typer.Option("--mistake", help="What went wrong: it is scheduled for review (SM-2)."),
    ] = None,
    on: DateOption = None,
    plan_name: PlanOption = None,
    pipeline: PipelineOption = None,
    db: DbOption = None,
    today_option: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a practice session (a stage or a skill, a problem, minutes, outcome, mistake)
    for a saved plan's loop."""
    from offerlab.prep.practice import Outcome, PracticeEntry, practice_problems

    wrong = practice_problems(
        skill=skill, problem=problem, minutes=minutes, outcome=outcome, mistake=mistake
    )
    given = {"skill": skill, "problem": problem, "minutes": minutes, "outcome": outcome}
    given["mistake"] = mistake
    for field, message in wrong.items():
        raise InputError(f"--{field} {given[field]!r}: {message}", option=f"--{field}")
    if skill is None and stage is None:
        raise InputError("give --skill SKILL or --stage STAGE (what the practice prepares for)")
    day = _day(on, today_option)
    with _repository(ctx, db) as repo:
        saved, loop_pipeline = _loop(repo, plan_name, pipeline)
        chosen: Pipeline | None = loop_pipeline if saved is not None else None
        if stage is not None:
            chosen = loop_pipeline
            found = chosen.stage(stage)
            if skill is not None and skill not in found.skills:
                raise InputError(
                    f"--skill {skill!r}: stage {stage!r} tests "
                    + ", ".join(found.skills)
                    + "; expected one of those"
                )
            skill = skill or found.primary_skill
        entry = PracticeEntry(
            logged_on=day,
            skill=cast(Skill, skill),
            problem=problem,
            minutes=minutes,
            outcome=cast(Outcome, outcome),
            mistake=mistake,
            stage=stage,
            pipeline=chosen.name if chosen is not None else None,
            plan_id=saved.id if saved is not None else None,
        )
        practice_id, card_id = repo.log_practice(entry)
    plan_shown = saved.name if saved is not None else None
    if as_json:
        print_json(
            {
                "id": practice_id,
                "review_card": card_id,
                "date": day.isoformat(),
                "plan": plan_shown,
            }
        )
        return
    loop = f" for plan {plan_shown}" if plan_shown is not None else " (no saved plan)"
    console.print(
        f"logged practice #{practice_id}{loop}: {minutes} min of {skill} on {day.isoformat()}",
        markup=False,
    )
    if card_id is not None:
        due = new_card(day).due_on
        console.print(
            f"mistake scheduled for review (card {card_id}), first due "
            f"{_relative_day(due, today(today_option))}"
        )


def _relative_day(day: date, now: date) -> str:
    """``today``, ``tomorrow``, or the date (``2026-11-20, already due`` when past)."""
    if day == now:
        return "today"
    if day == now + timedelta(days=1):
        return "tomorrow"
    if day < now:
        return f"{day.isoformat()}, already due (prep status lists it)"
    return day.isoformat()


def _parse_scores(values: list[str], pipeline: Pipeline) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    rubric = pipeline.rubric
    for value in values:
        name, sep, number = value.partition("=")
        if not sep:
            raise InputError(f"--score {value!r}: expected STAGE=N, e.g. onsite_coding=3")
        stage = pipeline.stage(name.strip())
        try:
            score = int(number.strip())
        except ValueError:
            raise InputError(
                f"--score {value!r}: {number.strip()!r} is not a whole score; expected "
                f"{rubric.min} to {rubric.max}"
            ) from None
        if not rubric.min <= score <= rubric.max:
            raise InputError(
                f"--score {value!r}: {score} is off the rubric; expected {rubric.min} to "
                f"{rubric.max}"
            )
        if any(s == stage.id for s, _ in out):
            raise InputError(f"--score {value!r}: stage {stage.id!r} is scored twice")
        out.append((stage.id, score))
    return out


@log_app.command("mock")
def log_mock_command(
    ctx: typer.Context,
    scores: Annotated[
        list[str],
        typer.Option("--score", metavar="STAGE=N", help="A stage's score on the rubric (repeat)."),
    ],
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", help="Length of the mock (default: the stages' lengths)."),
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Feedback, what to fix.")] = "",
    on: DateOption = None,
    plan_name: PlanOption = None,
    pipeline: PipelineOption = None,
    db: DbOption = None,
    today_option: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a mock interview: a score per stage on the pipeline's rubric."""
    from offerlab.store.prep_repository import StageScore

    day = _day(on, today_option)
    if minutes is not None and minutes <= 0:
        raise InputError(f"--minutes {minutes}: expected more than 0 minutes")
    with _repository(ctx, db) as repo:
        saved, chosen = _loop(repo, plan_name, pipeline)
        parsed = _parse_scores(scores, chosen)
        stages = [chosen.stage(s) for s, _ in parsed]
        total = minutes if minutes is not None else sum(s.minutes for s in stages)
        base, extra = divmod(total, len(stages))
        rows = [
            StageScore(stage.id, stage.primary_skill, score, base + (1 if i < extra else 0))
            for i, (stage, (_, score)) in enumerate(zip(stages, parsed, strict=True))
        ]
        mock_id = repo.log_mock(
            day, chosen.name, rows, notes, saved.id if saved is not None else None
        )
    plan_shown = saved.name if saved is not None else None
    if as_json:
        print_json(
            {"id": mock_id, "date": day.isoformat(), "pipeline": chosen.name, "plan": plan_shown}
        )
        return
    loop = f" for plan {plan_shown}" if plan_shown is not None else ""
    console.print(
        f"logged mock #{mock_id}{loop} ({chosen.name}, {day.isoformat()}, {total} min): "
        + ", ".join(f"{s.stage} {s.score}/{chosen.rubric.max}" for s in rows)
    )


# --- review and status ----------------------------------------------------------------------


@prep_app.command("review")
def review_command(
    ctx: typer.Context,
    card: Annotated[
        int, typer.Argument(metavar="CARD", help="The review card id (prep status lists them).")
    ],
    grade: Annotated[
        int,
        typer.Option(
            "--grade", metavar="0-5", help="How well you recalled it: 0 (blackout) to 5 (perfect)."
        ),
    ],
    on: DateOption = None,
    db: DbOption = None,
    today_option: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Grade a review of a logged mistake; SM-2 schedules the next one."""
    day = _day(on, today_option)
    with _repository(ctx, db) as repo:
        state = repo.review_card(card, grade, day)
    if as_json:
        print_json(
            {
                "card": card,
                "repetitions": state.repetitions,
                "interval_days": state.interval_days,
                "easiness": float(state.easiness),
                "due_on": state.due_on.isoformat(),
                "repeat_today": state.repeat_today,
            }
        )
        return
    again = " (and again today: graded below 4)" if state.repeat_today else ""
    console.print(
        f"card {card}: next review {state.due_on.isoformat()} in {state.interval_days} day(s), "
        f"easiness {state.easiness}{again}"
    )


@prep_app.command("status")
def status_command(
    ctx: typer.Context,
    plan_name: Annotated[
        str | None, typer.Option("--plan", metavar="NAME", help="Saved plan (default: newest).")
    ] = None,
    pipeline: PipelineOption = None,
    db: DbOption = None,
    today_option: TodayOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hours done against the plan, readiness per stage and overall, mistakes due today."""
    from offerlab.store.prep_status import prep_status

    now = today(today_option)
    with _repository(ctx, db) as repo:
        doc, chosen = prep_status(
            repo, plan_name, resolve_pipeline(pipeline) if pipeline else None, now
        )
    if as_json:
        print_json(doc)
        return
    _print_status(doc, chosen)


def _print_status(doc: dict[str, Any], pipeline: Pipeline) -> None:
    hours = doc["hours"]
    if doc["plan"] is not None:
        console.print(
            f"[bold]Plan {doc['plan']}[/bold] ({pipeline.title}): interview "
            f"{doc['interview_date']}, {doc['days_left']} day(s) left. Hours done "
            f"{_h(hours['done_to_date'])} of {_h(hours['planned_to_date'])} planned so far "
            f"({_h(hours['planned_total'])} in the plan)"
        )
        table = Table(title="Hours by week (done / planned)", title_justify="left")
        table.add_column("week", justify="right")
        table.add_column("dates")
        for skill in SKILLS:
            table.add_column(SKILL_LABELS[skill], justify="right")
        for week in hours["weeks"]:
            table.add_row(
                str(week["week"]),
                _short_dates(week["start"], week["end"]),
                *(f"{_h(week['done'][s])} / {_h(week['planned'][s])}" for s in SKILLS),
            )
        console.print(table)
    else:
        console.print(
            "No saved plan (prep plan --save NAME). Hours logged: "
            + ", ".join(f"{s} {_h(hours['by_skill_done'][s])}" for s in SKILLS)
        )
    if doc["practice"]:
        parts = []
        for skill in SKILLS:
            outcomes = doc["practice"].get(skill)
            if outcomes:
                detail = ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
                parts.append(f"{skill} {sum(outcomes.values())} ({detail})")
        console.print("Practice sessions: " + "; ".join(parts), markup=False)
    ready = doc["readiness"]
    table = Table(
        title=f"Readiness ({pipeline.name}, rubric {ready['scale'][0]}-{ready['scale'][1]}, "
        f"pass {ready['pass']})",
        title_justify="left",
    )
    for column in ("stage", "latest scores", "level", ""):
        table.add_column(column)
    for row in ready["stages"]:
        level = "-" if row["level"] is None else f"{row['level']:g}"
        mark = {None: "no mock yet", True: "pass", False: "below pass"}[row["passing"]]
        scores = ", ".join(str(s) for s in row["scores"]) or "-"
        table.add_row(row["stage"], scores, level, mark)
    console.print(table)
    if ready["overall"] is None:
        console.print("Overall: unknown until a mock is scored (prep log mock --score STAGE=N)")
    else:
        line = f"Overall: {ready['overall']:g} (weakest stage: {ready['weakest']})"
        if ready["unmeasured"]:
            line += f"; not yet measured: {', '.join(ready['unmeasured'])}"
        line += "; ready" if ready["ready"] else "; not ready yet"
        console.print(line, markup=False)
    if doc["due"]:
        table = Table(title=f"Mistakes due for review today ({doc['today']})", title_justify="left")
        for column in ("card", "problem", "what went wrong", "skill", "due"):
            table.add_column(column, overflow="fold")
        for d in doc["due"]:
            table.add_row(str(d["card"]), d["problem"], d["mistake"], d["skill"], d["due_on"])
        console.print(table)
        console.print("Grade each with: offerlab prep review CARD --grade 0-5")
    else:
        console.print(f"No mistakes due for review today ({doc['today']}).")
