"""The plan as data (the JSON contract), Markdown and a self-contained HTML page.

The HTML report draws the three packages year by year with Plotly, its JavaScript embedded in
the page, so the report opens offline and nothing is fetched.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup

from offerlab.money import Money, fmt_whole
from offerlab.negotiate.band import percentile_label
from offerlab.negotiate.plan import (
    MEASURES,
    Benchmark,
    CompetingOffer,
    LevelLever,
    Lever,
    NegotiationPlan,
)
from offerlab.negotiate.scripts import environment, render_email, render_script
from offerlab.offers import Component

__all__ = ["plan_html", "plan_json", "plan_markdown"]

PACKAGES = ("initial", "target", "stretch")
_TOTALS = ("year1_total", "annualized_total", "four_year_total")


def _num(value: Money | Decimal) -> float:
    amount = value.amount if isinstance(value, Money) else value
    return float(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _lever_json(lever: Lever | LevelLever, plan: NegotiationPlan) -> dict[str, Any]:
    out: dict[str, Any] = {"lever": lever.lever}
    if isinstance(lever, Lever):
        out.update(initial=_num(lever.initial), ask=_num(lever.ask), stretch=_num(lever.stretch))
        if lever.grant_ask is not None and lever.grant_stretch is not None:
            out.update(grant_ask=_num(lever.grant_ask), grant_stretch=_num(lever.grant_stretch))
        out["cites"] = lever.anchor.given.display_name if lever.anchor is not None else None
    else:
        out.update(initial=lever.initial, ask=lever.ask, stretch=lever.stretch, cites=None)
    out.update(reason=lever.reason, script=render_script(lever, plan))
    return out


def _competing_json(c: CompetingOffer, plan: NegotiationPlan) -> dict[str, Any]:
    """One competing offer: its figures in the offer's currency, how it stands against the
    offer (per measure and overall), whether it is like-for-like, and which levers cite it."""
    cited_on = [
        lever.lever for lever in plan.levers if isinstance(lever, Lever) and lever.anchor is c
    ]
    return {
        "name": c.given.display_name,
        "company": c.offer.company,
        "level": c.offer.level,
        "mapped_level": c.mapped_level,
        "location": c.offer.location,
        "currency": c.offer.currency,
        "year1_total": _num(c.evaluation.year1_total),
        "annualized_total": _num(c.evaluation.annualized_total),
        "four_year_total": _num(c.evaluation.four_year_total),
        "base": _num(c.offer.base),
        "equity_per_year": _num(c.annual_equity),
        "overall": c.overall,
        "standing": c.describe(),
        "measures": dict(c.measures),
        "stronger_on": [k for k in MEASURES if c.measures[k] == "stronger"],
        "weaker_on": [k for k in MEASURES if c.measures[k] == "weaker"],
        "components": {"base": c.components["base"], "equity_per_year": c.components["equity"]},
        "same_company": c.same_company,
        "like_for_like": c.like_for_like,
        "note": c.place_note or None,
        "restated_from": c.given.currency if c.rate is not None else None,
        "exchange_rate": c.rate.as_json() if c.rate is not None else None,
        "cited_on": cited_on,
    }


def plan_json(plan: NegotiationPlan) -> dict[str, Any]:
    """The ``negotiate --json`` contract."""
    benchmark = plan.benchmark
    packages: dict[str, Any] = {}
    initial = plan.package("initial").evaluation
    for name in PACKAGES:
        evaluation = plan.package(name).evaluation
        figures: dict[str, Any] = {key: _num(getattr(evaluation, key)) for key in _TOTALS}
        figures["delta_vs_initial"] = {
            key: _num(getattr(evaluation, key) - getattr(initial, key)) for key in _TOTALS
        }
        figures["base"] = _num(evaluation.offer.base)
        figures["signing"] = _num(
            evaluation.offer.signing.total if evaluation.offer.signing else Decimal(0)
        )
        figures["equity_grants"] = _num(
            sum((g.valued_total for g in evaluation.offer.equity), Decimal(0))
        )
        figures["years"] = evaluation.years_json()
        packages[name] = figures
    return {
        "offer": plan.offer.display_name,
        "currency": plan.offer.currency,
        "as_of": plan.as_of.isoformat(),
        "benchmark": {
            "band": benchmark.band.as_json() if benchmark.band is not None else None,
            "query": _query_json(plan),
            "why": benchmark.why,
            "tried": [{"query": t.query.describe(), "n": t.n} for t in benchmark.tried],
            "offer": {k: _num(v) for k, v in benchmark.offer_annual.items()},
            "percentiles": {
                k: (float(v) if v is not None else None) for k, v in benchmark.percentiles.items()
            },
            "restated_from": benchmark.rate.from_ if benchmark.rate is not None else None,
            "exchange_rate": benchmark.rate.as_json() if benchmark.rate is not None else None,
            **_trust_json(benchmark),
        },
        "competing": [_competing_json(c, plan) for c in plan.competing],
        "leverage": plan.leverage.given.display_name if plan.leverage else None,
        "packages": packages,
        "levers": [_lever_json(lever, plan) for lever in plan.levers],
        "email": render_email(plan),
        "notes": list(plan.notes),
    }


def _trust_json(benchmark: Benchmark) -> dict[str, Any]:
    """How far to trust the band: the headline's confidence, age and restatement, and every
    source beside it (``market bands``' evidence, in short)."""
    evidence = benchmark.evidence
    headline = benchmark.headline
    if evidence is None:
        return {"confidence": None, "confidence_why": None, "age_years": None, "sources": []}
    return {
        "confidence": headline.confidence if headline else None,
        "confidence_why": headline.grade.why if headline else None,
        "age_years": headline.age_years if headline else None,
        "restated": headline.restated.describe() if headline and headline.restated else None,
        "headline": headline.source if headline else None,
        "headline_why": evidence.why,
        "sources": [
            {
                "source": b.source,
                "kind": b.kind,
                "label": b.label,
                "measures": b.measures,
                "currency": b.currency,
                "n": b.n,
                "age_years": b.age_years,
                "confidence": b.confidence,
                "base_p50": b.base.p50 if b.base else None,
                "total_p50": b.total.p50 if b.total else None,
            }
            for b in evidence.bands
        ],
    }


def _query_json(plan: NegotiationPlan) -> dict[str, Any] | None:
    query = plan.benchmark.query
    if query is None:
        return None
    return {
        "company": query.company,
        "level": query.level,
        "location": query.location,
        "title": query.title,
        "specialty": query.specialty,
        "as_of": query.as_of.isoformat() if query.as_of else None,
    }


def _context(plan: NegotiationPlan) -> dict[str, Any]:
    data = plan_json(plan)
    return {
        "plan": plan,
        "data": data,
        "fmt": fmt_whole,
        "pct": percentile_label,
    }


def plan_markdown(plan: NegotiationPlan) -> str:
    """The plan as a Markdown document."""
    template = environment().get_template("report.md.j2")
    return template.render(**_context(plan)).strip() + "\n"


def _chart(plan: NegotiationPlan) -> str:
    import plotly.graph_objects as go

    years = [f"Year {y.year}" for y in plan.package("initial").evaluation.years]
    figure = go.Figure()
    for name in PACKAGES:
        evaluation = plan.package(name).evaluation
        figure.add_bar(
            name=name,
            x=years,
            y=[_num(y.total) for y in evaluation.years],
            customdata=[
                [
                    _num(y[c])
                    for c in (Component.BASE, Component.BONUS, Component.EQUITY, Component.SIGNING)
                ]
                for y in evaluation.years
            ],
            hovertemplate=(
                "%{y:,.0f}<br>base %{customdata[0]:,.0f}, bonus %{customdata[1]:,.0f}, "
                "equity %{customdata[2]:,.0f}, signing %{customdata[3]:,.0f}"
                "<extra>%{fullData.name}</extra>"
            ),
        )
    figure.update_layout(
        barmode="group",
        title="Total pay by offer year",
        yaxis_title=plan.offer.currency,
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        height=380,
    )
    html: str = figure.to_html(full_html=False, include_plotlyjs=True, div_id="packages-chart")
    return html


def plan_html(plan: NegotiationPlan) -> str:
    """A self-contained HTML page: benchmark, packages, chart, levers and scripts, the email."""
    template = environment().get_template("report.html.j2")
    return template.render(chart=Markup(_chart(plan)), **_context(plan))
