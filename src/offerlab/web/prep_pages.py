"""The prep page: the saved study plan's weeks, hours done, readiness by stage, mistakes due,
a form to make (or replace) a plan and one to log practice. The same status document as
``offerlab prep status --json``; plans are made by the same service as ``offerlab prep plan``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from offerlab.errors import OfferlabError
from offerlab.prep.pipeline import (
    DEFAULT_PIPELINE,
    SKILLS,
    Pipeline,
    Skill,
    bundled_pipelines,
    load_pipeline,
)
from offerlab.prep.plan import SKILL_LABELS, PlanRequest, StudyPlan
from offerlab.prep.practice import OUTCOMES, Outcome, PracticeEntry, practice_problems
from offerlab.prep.service import make_plan, parse_date, parse_hours, parse_weak
from offerlab.store.prep_repository import PrepRepository
from offerlab.store.prep_status import prep_status
from offerlab.validation import control_character
from offerlab.web.deps import Form, PrepData
from offerlab.web.rendering import render_page, see_other

__all__ = ["prep_router"]

_MAX_TEXT = 500

#: The plan form's fields and the ``offerlab prep plan`` option each one stands for.
PLAN_FIELDS: dict[str, str] = {
    "name": "--save",
    "pipeline": "--pipeline",
    "interview_date": "--interview-date",
    "hours_per_week": "--hours-per-week",
    "start": "--start",
    "days_per_week": "--days-per-week",
    "weak": "--weak",
}
_PLAN_DEFAULTS = {"pipeline": DEFAULT_PIPELINE, "hours_per_week": "10", "days_per_week": "6"}


_FIELD_OF_OPTION = {option: field for field, option in PLAN_FIELDS.items()}


def _plan_error(error: OfferlabError) -> tuple[str, str]:
    """The plan form field an error from the plan service is about (by the option it names),
    and its message there; an error about no option is about the plan as a whole."""
    field = _FIELD_OF_OPTION.get(error.option or "")
    if field is None:
        return "plan", error.message
    return field, error.detail


#: A plan made from the form: its name, the plan, its pipeline and its JSON document.
MadePlan = tuple[str, StudyPlan, Pipeline, dict[str, Any]]


def _make_plan(values: dict[str, str], today: date) -> tuple[dict[str, str], MadePlan | None]:
    """Field errors for the plan form's ``values``, or none and the plan made."""
    errors: dict[str, str] = {}
    name = values["name"]
    if not 0 < len(name) <= 100:
        errors["name"] = "a plan name of 1 to 100 characters"
    pipeline: Pipeline | None = None
    if values["pipeline"] not in bundled_pipelines():
        errors["pipeline"] = f"expected one of {', '.join(bundled_pipelines())}"
    else:
        pipeline = load_pipeline(values["pipeline"])
    parsed: dict[str, Any] = {}
    for field, parse in (
        ("interview_date", lambda v: parse_date(v, "--interview-date")),
        ("start", lambda v: parse_date(v, "--start") if v else today),
        ("hours_per_week", parse_hours),
    ):
        try:
            parsed[field] = parse(values[field])
        except OfferlabError as error:
            errors[field] = _plan_error(error)[1]
    days = values["days_per_week"]
    if not (days.isascii() and days.isdigit() and len(days) <= 2):
        errors["days_per_week"] = "expected 1 to 7 study days a week"
    if errors or pipeline is None:
        return errors, None
    request = PlanRequest(
        start=parsed["start"],
        interview_date=parsed["interview_date"],
        hours_per_week=parsed["hours_per_week"],
        today=today,
        weak=parse_weak([values["weak"]]),
        study_days_per_week=int(days),
    )
    try:
        plan, document = make_plan(request, pipeline)
    except OfferlabError as error:
        field, message = _plan_error(error)
        return {field: message}, None
    return {}, (name, plan, pipeline, document)


def _control_errors(values: dict[str, str]) -> dict[str, str]:
    """Fields holding a control character (a NUL cannot even be stored in PostgreSQL)."""
    return {
        key: f"holds the control character {bad}; expected plain text"
        for key, value in values.items()
        if (bad := control_character(value))
    }


def _page(
    request: Request, repo: PrepRepository, plan: str | None, status: int = 200, **extra: Any
) -> HTMLResponse:
    doc, pipeline = prep_status(repo, plan, None, date.today())
    return render_page(
        request,
        "prep.html",
        status,
        doc=doc,
        pipeline=pipeline,
        plans=repo.plan_names(),
        skills=SKILLS,
        labels=SKILL_LABELS,
        outcomes=OUTCOMES,
        pipelines=sorted(bundled_pipelines()),
        values=extra.pop("values", {}),
        errors=extra.pop("errors", {}),
        plan_values=extra.pop("plan_values", _PLAN_DEFAULTS),
        plan_errors=extra.pop("plan_errors", {}),
        stages={name: load_pipeline(name).stages for name in bundled_pipelines()},
        **extra,
    )


def prep_router() -> APIRouter:
    """The ``/prep`` pages."""
    router = APIRouter(include_in_schema=False)

    @router.get("/prep", response_class=HTMLResponse)
    def prep_page(
        request: Request, repo: PrepData, plan: Annotated[str, Query(max_length=100)] = ""
    ) -> HTMLResponse:
        return _page(request, repo, plan.strip() or None)

    @router.post("/prep/practice", response_class=HTMLResponse)
    def log_practice(request: Request, repo: PrepData, form: Form) -> Response:
        values = {
            key: str(form.get(key, "")).strip()
            for key in ("skill", "problem", "minutes", "outcome", "mistake", "plan")
        }
        typed = values["minutes"]
        minutes = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= 4 else None
        errors = _control_errors({k: values[k] for k in ("minutes", "outcome", "plan")})
        errors |= practice_problems(
            skill=values["skill"],
            problem=values["problem"],
            minutes=minutes,
            outcome=values["outcome"],
            mistake=values["mistake"],
        )
        # The practice counts toward the plan (loop) the page shows: the form names it.
        shown = values["plan"][:100] or None
        if errors:
            return _page(request, repo, shown, 422, values=values, errors=errors)
        saved = repo.plan(shown)
        repo.log_practice(
            PracticeEntry(
                logged_on=date.today(),
                skill=cast(Skill, values["skill"]),
                problem=values["problem"],
                minutes=minutes or 0,
                outcome=cast(Outcome, values["outcome"]),
                mistake=values["mistake"] or None,
                pipeline=saved.pipeline.name if saved is not None else None,
                plan_id=saved.id if saved is not None else None,
            )
        )
        if saved is None:
            return see_other(request, "/prep")
        return see_other(request, f"/prep?plan={quote(saved.name)}")

    @router.post("/prep/plan", response_class=HTMLResponse)
    def save_plan(request: Request, repo: PrepData, form: Form) -> Response:
        values = {key: str(form.get(key, "")).strip()[:_MAX_TEXT] for key in PLAN_FIELDS}
        unreadable = _control_errors(values)
        errors, made = (unreadable, None) if unreadable else _make_plan(values, date.today())
        if errors or made is None:
            return _page(request, repo, None, 422, plan_values=values, plan_errors=errors)
        name, plan, pipeline, document = made
        repo.save_study_plan(name, plan, pipeline, document)
        return see_other(request, f"/prep?plan={quote(name)}")

    return router
