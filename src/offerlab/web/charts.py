"""The pages' charts: Plotly figures built from the same documents the tables show, drawn by
``offerlab.js`` from the element :func:`~offerlab.web.rendering.chart_html` writes."""

from __future__ import annotations

from html import escape
from typing import Any

import plotly.graph_objects as go
from markupsafe import Markup
from plotly.subplots import make_subplots

from offerlab.market.stats import LevelStats
from offerlab.offers.metrics import COMPONENTS
from offerlab.scenarios.report import fan_chart
from offerlab.scenarios.simulate import Simulation
from offerlab.web.rendering import chart_html

__all__ = ["COMPONENT_COLOURS", "compare_chart", "fan_html", "market_chart"]


#: One colour per pay component, the same on every chart and for every offer.
COMPONENT_COLOURS: dict[str, str] = {
    "base": "#1f3a5f",
    "bonus": "#4f86c6",
    "equity": "#e08a2c",
    "signing": "#3c9d5d",
    "refresher": "#f2c14e",
    "other": "#8c6bb1",
}


def _short(name: str, width: int = 16) -> str:
    """A chart label: ``name``, cut to ``width`` characters with an ellipsis."""
    return name if len(name) <= width else name[: width - 1].rstrip() + "\u2026"


def compare_chart(data: dict[str, Any]) -> Markup:
    """Pay by year as stacked bars, one panel per offer on a shared y axis (HTML fragment).

    Each component has one colour and one legend entry, whatever the offer; a panel's bars are
    the offer's years side by side, so the same year reads across panels at the same height."""
    offers = data["offers"]
    columns = min(len(offers), 3)
    rows = -(-len(offers) // columns)
    width = {1: 40, 2: 24}.get(columns, 16)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes="all",
        horizontal_spacing=0.03,
        vertical_spacing=0.12 if rows > 1 else 0.0,
        subplot_titles=[escape(_short(offer["name"], width)) for offer in offers],
    )
    shown: set[str] = set()
    for index, offer in enumerate(offers):
        row, col = divmod(index, columns)
        years = [f"Y{r['year']}" for r in offer["years"]]
        for component in (c.value for c in COMPONENTS):
            values = [r[component] for r in offer["years"]]
            if not any(values):
                continue
            figure.add_trace(
                go.Bar(
                    name=component,
                    x=years,
                    y=values,
                    legendgroup=component,
                    showlegend=component not in shown,
                    marker_color=COMPONENT_COLOURS.get(component),
                    hovertemplate=(
                        f"{escape(offer['name'])}<br>%{{x}} {component}: %{{y:,.0f}}<extra></extra>"
                    ),
                ),
                row=row + 1,
                col=col + 1,
            )
            shown.add(component)
    order = [c.value for c in COMPONENTS]
    figure.data = tuple(sorted(figure.data, key=lambda trace: order.index(trace.name)))
    figure.update_layout(
        barmode="relative",
        bargap=0.2,
        height=360 + 200 * (rows - 1),
        margin={"l": 50, "r": 10, "t": 60, "b": 30},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0},
        plot_bgcolor="#fff",
    )
    figure.update_annotations(font_size=12)
    figure.update_yaxes(tickformat="~s", gridcolor="#e5e5e5")
    figure.update_yaxes(title_text=offers[0]["currency"], col=1)
    return chart_html(figure, "compare-plot")


def market_chart(
    bands: list[tuple[LevelStats, dict[str, Any]]], marked: tuple[str, float, str] | None
) -> str:
    """Box plots of total pay by level (p10, p25, p50, p75, p90), the offer marked."""
    shown = [(stats, data) for stats, data in bands if data["shown"] and data["total"]["p50"]]
    if not shown:
        return ""
    figure = go.Figure()
    figure.add_box(
        name="total pay",
        x=[stats.level for stats, _ in shown],
        lowerfence=[data["total"]["p10"] for _, data in shown],
        q1=[data["total"]["p25"] for _, data in shown],
        median=[data["total"]["p50"] for _, data in shown],
        q3=[data["total"]["p75"] for _, data in shown],
        upperfence=[data["total"]["p90"] for _, data in shown],
        boxpoints=False,
    )
    if marked is not None:
        level, value, label = marked
        figure.add_scatter(
            x=[level],
            y=[value],
            mode="markers",
            marker={"size": 14, "symbol": "diamond", "color": "#b00020"},
            name=label,
        )
    figure.update_layout(
        height=380,
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        yaxis_title=shown[0][1]["currency"] or "",
        legend={"orientation": "h", "y": -0.2},
    )
    return chart_html(figure, "market-plot")


def fan_html(simulation: Simulation) -> Markup:
    """The fan chart of one offer's simulated pay, sized for a page (the page's caption says
    what it is: a Plotly title is cut off on a phone)."""
    figure = fan_chart(simulation)
    figure.update_layout(
        title_text="",
        height=400,
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.2},
    )
    return chart_html(figure, "fan-plot")
