"""The words to ask with: Jinja2 templates in ``templates/``, filled with the plan's numbers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from offerlab.negotiate.plan import LevelLever, Lever, NegotiationPlan

__all__ = ["environment", "render_email", "render_script"]


def _money(value: Decimal | int) -> str:
    """``$187,000``-style figures for scripts (whole units; the currency sign for USD)."""
    amount = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"${amount:,}"


def _is_html(name: str | None) -> bool:
    return name is not None and ".html" in name


@cache
def environment() -> Environment:
    """The templates' environment: HTML templates autoescape, text templates do not."""
    return Environment(
        loader=PackageLoader("offerlab.negotiate", "templates"),
        undefined=StrictUndefined,
        autoescape=_is_html,
        keep_trailing_newline=True,
    )


def _context(plan: NegotiationPlan) -> dict[str, Any]:
    band = plan.benchmark.band
    query = plan.benchmark.query
    rival_base = max(plan.competing, key=lambda c: c.offer.base) if plan.competing else None
    if rival_base is not None and rival_base.offer.base <= plan.offer.base:
        rival_base = None
    currency = plan.offer.currency

    def money(value: Decimal | int) -> str:
        text = _money(value)
        return text if currency == "USD" else f"{text[1:]} {currency}"

    closers = [
        lever
        for lever in plan.levers
        if isinstance(lever, Lever) and lever.ask == lever.initial and lever.stretch > lever.ask
    ]
    phrases = []
    for lever in closers:
        if lever.lever == "signing":
            phrases.append(f"the signing bonus could go to {money(lever.stretch.amount)}")
        elif lever.lever == "base":
            phrases.append(f"the base could go to {money(lever.stretch.amount)}")
        elif lever.lever == "equity" and lever.grant_stretch is not None:
            phrases.append(f"the grant could go to {money(lever.grant_stretch.amount)}")

    def about(value: Decimal | int) -> str:
        """A market figure as said aloud: to the nearest thousand."""
        rounded = (Decimal(value) / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000
        return money(rounded)

    return {
        "about": about,
        "offer": plan.offer,
        "closer_text": " and ".join(phrases),
        "closer_count": len(phrases),
        "deadline_ahead": bool(
            plan.profile and plan.profile.deadline and plan.profile.deadline >= plan.today
        ),
        "profile": plan.profile,
        "band": band,
        "band_label": query.describe() if query is not None else "",
        "leverage": plan.leverage,
        "rival_base": rival_base,
        "levers": plan.levers,
        "asks": [lever for lever in plan.levers if lever.ask != lever.initial],
        "target": plan.package("target"),
        "money": money,
    }


def render_script(lever: Lever | LevelLever, plan: NegotiationPlan) -> str:
    """What to say (or write) to ask for this lever, in the user's context."""
    template = environment().get_template(f"{lever.lever}.j2")
    return " ".join(template.render(lever=lever, **_context(plan)).split())


def render_email(plan: NegotiationPlan) -> str:
    """An email draft that bundles every ask in one message."""
    text = environment().get_template("email.j2").render(**_context(plan))
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip() + "\n"
