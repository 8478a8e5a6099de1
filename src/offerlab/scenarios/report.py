"""A self-contained HTML report of a simulation: a fan chart of cumulative pay per offer.

Plotly draws the chart with its JavaScript embedded in the page, so the report opens offline
and nothing is fetched.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from offerlab.money import fmt_whole
from offerlab.scenarios.simulate import Simulation

__all__ = ["fan_chart", "simulation_html"]

_COLOURS = ("31, 119, 180", "214, 39, 40", "44, 160, 44", "148, 103, 189", "255, 127, 14")


def fan_chart(simulation: Simulation) -> Any:
    """The fan chart (a Plotly figure): p5-p95, p25-p75 and median of cumulative pay by year."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for index, dist in enumerate(simulation.offers):
        colour = _COLOURS[index % len(_COLOURS)]
        cumulative = np.cumsum(dist.years, axis=1)
        x = list(range(0, dist.exposure.years + 1))
        bands = np.percentile(cumulative, [5, 25, 50, 75, 95], axis=0)
        bands = np.concatenate([np.zeros((5, 1)), bands], axis=1)
        name = dist.exposure.name
        for low, high, alpha, label in ((0, 4, 0.15, "p5-p95"), (1, 3, 0.3, "p25-p75")):
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=bands[low],
                    line={"width": 0},
                    showlegend=False,
                    hoverinfo="skip",
                    legendgroup=name,
                )
            )
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=bands[high],
                    fill="tonexty",
                    fillcolor=f"rgba({colour}, {alpha})",
                    line={"width": 0},
                    name=f"{name} {label}",
                    legendgroup=name,
                )
            )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=bands[2],
                line={"color": f"rgb({colour})", "width": 2},
                name=f"{name} median",
                legendgroup=name,
            )
        )
    currency = simulation.offers[0].exposure.currency
    figure.update_layout(
        title="Cumulative pay by offer year (simulated stock price)",
        xaxis_title="offer year",
        yaxis_title=f"cumulative pay ({currency})",
        template="plotly_white",
    )
    return figure


def simulation_html(simulation: Simulation, model: str) -> str:
    """The report page: the fan chart (p5-p95, p25-p75, median of cumulative pay by year),
    the four-year percentiles, P(first beats), break-even prices and the model used."""
    figure = fan_chart(simulation)
    currency = simulation.offers[0].exposure.currency
    chart: str = figure.to_html(full_html=False, include_plotlyjs=True, div_id="fan-chart")
    rows = []
    for dist in simulation.offers:
        s = dist.summary(dist.four_year)
        cells = "".join(
            f"<td>{fmt_whole(s[k])}</td>" for k in ("p5", "p25", "p50", "p75", "p95", "mean")
        )
        rows.append(f"<tr><th>{html.escape(dist.exposure.name)}</th>{cells}</tr>")
    beats = "".join(
        f"<li>P({html.escape(simulation.offers[0].exposure.name)} beats "
        f"{html.escape(other.exposure.name)} over four years) = {p:.1%}</li>"
        for other, p in zip(simulation.offers[1:], simulation.p_first_beats, strict=True)
    )
    evens = "".join(
        f"<li>{html.escape(b.other)}: {html.escape(b.note)}</li>" for b in simulation.break_evens()
    )
    paths = f"{simulation.paths:,} path" + ("" if simulation.paths == 1 else "s")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>offerlab: stock-price scenarios</title>
<style>body{{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse}}td,th{{padding:.25rem .75rem;text-align:right}}
th:first-child{{text-align:left}}</style></head><body>
<h1>Stock-price scenarios</h1>
<p>{html.escape(model)}; {paths}, seed {simulation.seed}.</p>
{chart}
<h2>Four-year total ({html.escape(currency)})</h2>
<table><tr><th>offer</th><th>p5</th><th>p25</th><th>p50</th><th>p75</th><th>p95</th>
<th>mean</th></tr>{"".join(rows)}</table>
<h2>Comparisons</h2><ul>{beats}</ul>
<h2>Break-even price</h2><ul>{evens}</ul>
<p>Each vest is valued at the simulated price of its vest month relative to its grant price
(refreshers: the price when granted). Offers at the same company share a price path.</p>
</body></html>
"""
