"""Making a study plan from what a person typed: the one path that ``offerlab prep plan`` and
the prep page share (parse the inputs, check and build the plan, its JSON document)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from offerlab.errors import InputError
from offerlab.prep.export import plan_json
from offerlab.prep.pipeline import Pipeline, load_template
from offerlab.prep.plan import PlanRequest, StudyPlan, build_plan

__all__ = ["make_plan", "parse_date", "parse_hours", "parse_weak"]


def parse_date(value: str, option: str) -> date:
    """``value`` as a YYYY-MM-DD date; an :class:`InputError` naming ``option`` if it is not."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"{option} {value!r}: expected a date as YYYY-MM-DD", option=option
        ) from None


def parse_hours(value: str) -> Decimal:
    """Study hours a week as an exact decimal (the plan checks the range)."""
    try:
        hours = Decimal(value.strip())
    except InvalidOperation:
        hours = Decimal("NaN")
    if not hours.is_finite():
        raise InputError(
            f"--hours-per-week {value!r}: expected a number of hours", option="--hours-per-week"
        )
    return hours


def parse_weak(values: Iterable[str] | None) -> tuple[str, ...]:
    """Weak stage ids from repeated and/or comma-separated values."""
    return tuple(p.strip() for v in values or [] for p in v.split(",") if p.strip())


def make_plan(request: PlanRequest, pipeline: Pipeline) -> tuple[StudyPlan, dict[str, Any]]:
    """The plan for ``request`` with ``pipeline``'s template, and its JSON document (what
    ``prep plan --json`` prints and what a saved plan keeps)."""
    plan = build_plan(request, pipeline, load_template(pipeline.template))
    return plan, plan_json(plan, pipeline)
