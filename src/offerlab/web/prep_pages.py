"""The prep page: the saved study plan's weeks, hours done, readiness by stage, mistakes due,
and a form to log practice. The same status document as ``offerlab prep status --json``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from offerlab.prep.pipeline import SKILLS, Skill, bundled_pipelines
from offerlab.prep.plan import SKILL_LABELS
from offerlab.store import Store
from offerlab.store.prep_repository import OUTCOMES, Outcome, PracticeEntry, PrepRepository
from offerlab.store.prep_status import prep_status
from offerlab.web.auth import owner_of
from offerlab.web.pages import render_page

__all__ = ["prep_router"]

_MAX_TEXT = 500


def prep_repository(request: Request) -> PrepRepository:
    """The prep data of this request's user (the local app has one, unnamed)."""
    store: Store = request.app.state.store
    return PrepRepository(store, owner_of(request))


def _page(request: Request, plan: str | None, status: int = 200, **extra: Any) -> HTMLResponse:
    repo = prep_repository(request)
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
        **extra,
    )


def prep_router() -> APIRouter:
    """The ``/prep`` pages."""
    router = APIRouter(include_in_schema=False)

    @router.get("/prep", response_class=HTMLResponse)
    def prep_page(
        request: Request, plan: Annotated[str, Query(max_length=100)] = ""
    ) -> HTMLResponse:
        return _page(request, plan.strip() or None)

    @router.post("/prep/practice", response_class=HTMLResponse)
    async def log_practice(request: Request) -> Response:
        form = await request.form()
        values = {
            key: str(form.get(key, "")).strip()
            for key in ("skill", "problem", "minutes", "outcome", "mistake")
        }
        errors: dict[str, str] = {}
        if values["skill"] not in SKILLS:
            errors["skill"] = f"expected one of {', '.join(SKILLS)}"
        if not values["problem"]:
            errors["problem"] = "say what you practised"
        elif len(values["problem"]) > _MAX_TEXT:
            errors["problem"] = f"at most {_MAX_TEXT} characters"
        if len(values["mistake"]) > _MAX_TEXT:
            errors["mistake"] = f"at most {_MAX_TEXT} characters"
        minutes = int(values["minutes"]) if values["minutes"].isdigit() else 0
        if not 1 <= minutes <= 24 * 60:
            errors["minutes"] = "a whole number of minutes from 1 to 1440"
        if values["outcome"] not in OUTCOMES:
            errors["outcome"] = f"expected one of {', '.join(OUTCOMES)}"
        if errors:
            return _page(request, None, 422, values=values, errors=errors)
        prep_repository(request).log_practice(
            PracticeEntry(
                logged_on=date.today(),
                skill=cast(Skill, values["skill"]),
                problem=values["problem"],
                minutes=minutes,
                outcome=cast(Outcome, values["outcome"]),
                mistake=values["mistake"] or None,
            )
        )
        return RedirectResponse("/prep", status_code=303)

    return router
