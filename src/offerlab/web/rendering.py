"""Rendering pages: the Jinja2 templates (autoescaped) and what they call (amounts, percentile
labels, the CSRF field, the account header), redirects after a form, and charts as elements
that ``offerlab.js`` draws (Plotly, served from the installed package, never a CDN)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from plotly.offline import get_plotlyjs

from offerlab.money import fmt_whole, whole_units
from offerlab.negotiate.band import percentile_label
from offerlab.web.deps import CSRF_FIELD, signed_in

__all__ = [
    "CHART_CONFIG",
    "account_label",
    "chart_html",
    "csrf_input",
    "plotly_js",
    "plotly_tags",
    "render_error",
    "render_page",
    "see_other",
    "templates",
]

TEMPLATES = Path(__file__).with_name("templates")

#: Plotly options for every chart: resize with the page; no tool bar (on a phone it covers
#: the chart, and every chart has a table of the same figures beside it).
CHART_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False, "displayModeBar": False}


def templates() -> Jinja2Templates:
    """The page templates (autoescaping on for every ``.html`` file)."""
    env = Jinja2Templates(directory=str(TEMPLATES))
    env.env.globals["money"] = _money
    env.env.globals["signed"] = _signed
    env.env.globals["pct"] = percentile_label
    env.env.globals["csrf_input"] = csrf_input
    env.env.globals["account_label"] = account_label
    env.env.globals["plotly_tags"] = plotly_tags
    return env


def _money(value: Any) -> str:
    return fmt_whole(Decimal(str(value)))


def _signed(value: Any) -> str:
    return f"{whole_units(Decimal(str(value))):+,}"


def render_page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render the template ``name`` (autoescaped) with ``context``."""
    env: Jinja2Templates = request.app.state.templates
    return env.TemplateResponse(request, name, context, status_code=status)


def see_other(request: Request, url: str) -> Response:
    """Go to ``url`` after a form post: a 303, or for an htmx request (``HX-Request``) a 204
    whose ``HX-Redirect`` makes htmx load ``url`` as a whole page instead of swapping it in."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def render_error(request: Request, status: int, error: dict[str, Any]) -> HTMLResponse:
    """An error as a page (the same status, code, message and details as the API's)."""
    return render_page(request, "error.html", status, error=error)


def chart_html(figure: Any, div_id: str) -> Markup:
    """A Plotly figure as an element that ``offerlab.js`` draws: the figure's JSON in a
    ``data-figure`` attribute (escaped), no inline script, so the page's Content-Security-
    Policy needs no ``unsafe-inline``; htmx swaps draw their charts the same way."""
    spec = json.loads(figure.to_json())
    document = json.dumps({"data": spec["data"], "layout": spec["layout"], "config": CHART_CONFIG})
    return Markup('<div id="{}" class="plot" data-figure="{}"></div>').format(div_id, document)


@cache
def _plotly_style_ids() -> tuple[str, ...]:
    """Ids of the style elements Plotly's bundle adds on load unless one with the id exists
    (its map styles): the page provides them, empty and with its nonce, as the CSP wants."""
    return tuple(dict.fromkeys(re.findall(r'getElementById\("([0-9a-f]{64})"\)', plotly_js())))


def plotly_tags(request: Request) -> Markup:
    """The ``<head>`` tags of a page with charts: Plotly's script (served from the installed
    package) and the empty, nonce-carrying style elements it would otherwise create."""
    nonce = request.state.csp_nonce
    if request.headers.get("hx-request") == "true":
        # htmx parses the answer into a document of its own, whose style elements the
        # browser reports against the page's nonce; the page has them already.
        return Markup('<script src="/assets/plotly.min.js"></script>')
    styles = Markup("").join(
        Markup('<style id="{}" nonce="{}"></style>').format(i, nonce) for i in _plotly_style_ids()
    )
    # The styles first: the script looks for them as it loads.
    return styles + Markup('<script src="/assets/plotly.min.js"></script>')


@cache
def plotly_js() -> str:
    """Plotly's JavaScript, from the installed package (never fetched)."""
    text: str = get_plotlyjs()
    return text


def csrf_input(request: Request) -> Markup:
    """The hidden CSRF field for a form (nothing in the local app)."""
    session = signed_in(request)
    token = session.csrf_token if session is not None else getattr(request.state, "login", "")
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


def account_label(request: Request) -> Markup:
    """The signed-in account's name and a sign-out button, for the page header."""
    session = signed_in(request)
    if session is None:
        return Markup("")
    return Markup(
        '<form method="post" action="/logout" class="inline account">'
        '<a class="who" href="/account">{}</a>{}<button type="submit">Sign out</button></form>'
    ).format(escape(session.account.username), csrf_input(request))
