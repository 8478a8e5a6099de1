"""Server-rendered pages (Jinja2, autoescaped): offers, compare and negotiate.

Every page reads without JavaScript; charts are Plotly figures drawn by the bundled
``plotly.min.js`` served from the installed ``plotly`` package, with a table beside each.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from html import escape
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from offerlab.dates import today
from offerlab.encoding import to_data, to_object
from offerlab.errors import InputError, OfferlabError, Problem, ProblemsError
from offerlab.market.levels import LevelStats, map_level
from offerlab.market.service import ladder_bands, market_evidence
from offerlab.money import fmt_whole, whole_units
from offerlab.negotiate.band import percentile_label
from offerlab.offers import (
    Offer,
    dump_offer_toml,
    evaluate,
    offer_from_mapping,
    parse_offer_text,
)
from offerlab.offers.fileformat import toml_ready
from offerlab.offers.metrics import COMPONENTS, OfferEvaluation
from offerlab.offers.service import offer_warnings
from offerlab.prep.service import parse_date
from offerlab.store import MarketRepository, Store
from offerlab.store.offer_repository import OfferName, OfferRepository, SavedOffer
from offerlab.validation import clip, parse_document
from offerlab.web.api import (
    MAX_PATHS,
    PAGE_SIZE,
    PICK_LIMIT,
    compare_offers,
    decode_cursor,
    encode_cursor,
    market_lock,
    negotiate_plan,
    offer_repository,
)
from offerlab.web.auth import account_label, csrf_input

__all__ = ["FIELDS", "page_router", "render_error", "render_page", "see_other", "templates"]

TEMPLATES = Path(__file__).with_name("templates")

#: Plotly options for every chart: resize with the page; no tool bar (on a phone it covers
#: the chart, and every chart has a table of the same figures beside it).
CHART_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False, "displayModeBar": False}

#: The offer form's simple fields: (key, label, input type, hint).
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("name", "Name", "text", "a label; default: company, title, level"),
    ("company", "Company", "text", "e.g. Google"),
    ("title", "Title", "text", "e.g. Software Engineer III"),
    ("level", "Level", "text", "the company's own level name, e.g. L5 or 62"),
    ("location", "Location", "text", "e.g. Kirkland, WA"),
    ("currency", "Currency", "text", "ISO 4217 code, e.g. USD"),
    ("start_date", "Start date", "date", "first day of work"),
    ("base", "Base salary", "text", "per year, e.g. 198000"),
    ("raise_pct", "Yearly raise %", "text", "e.g. 3"),
    ("bonus_target_pct", "Target bonus %", "text", "% of base, e.g. 15"),
)
_NUMBERS = {"base", "raise_pct", "bonus_target_pct"}
_SECTIONS_HINT = """# Signing bonus, equity grants, refreshers and other items, as in an offer file:
# [signing]
# amount = 50000
#
# [[equity]]
# value = 360000
# schedule = "google"   # or standard, amazon, meta, microsoft, front-loaded
"""


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


def _is_id(text: str) -> bool:
    """Whether ``text`` can be an offer id: ASCII digits (``'²'.isdigit()`` is true, and
    ``int('²')`` fails), at most 10 of them."""
    return text.isascii() and text.isdigit() and len(text) <= 10


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
    from plotly.offline import get_plotlyjs

    text: str = get_plotlyjs()
    return text


def _form_values(offer: Offer | None) -> tuple[dict[str, str], str]:
    """The form's field values and its sections text for ``offer`` (blank for a new one)."""
    if offer is None:
        return {"currency": "USD"}, _SECTIONS_HINT
    data = offer.model_dump(mode="python", exclude_defaults=True)
    values = {key: str(data[key]) for key, *_ in FIELDS if data.get(key) is not None}
    values.setdefault("currency", offer.currency)
    sections = {k: v for k, v in data.items() if k not in {key for key, *_ in FIELDS}}
    if not sections:
        return values, _SECTIONS_HINT
    return values, tomli_w.dumps(toml_ready(sections))


def _document(fields: dict[str, str], sections: str) -> dict[str, Any]:
    """The offer document a form describes; sections TOML that does not parse is a problem."""
    data: dict[str, Any] = {}
    for key, *_ in FIELDS:
        text = fields.get(key, "").strip()
        if not text:
            continue
        if key in _NUMBERS:
            try:
                data[key] = Decimal(text.replace(",", "").replace("_", ""))
            except InvalidOperation:
                data[key] = text  # validation says what is wrong with it, at this field
        else:
            data[key] = text
    # Read like an offer file: located problems, any depth or length of input is safe.
    extra = parse_document(sections, "form", "toml", "invalid offer")
    for key, value in extra.items():
        if key in data:
            raise ProblemsError(
                [Problem("form", "sections", f"{key} is also a field above", "each key once")],
                "invalid offer",
            )
        data[key] = value
    return data


def _field_errors(error: ProblemsError) -> tuple[dict[str, list[str]], list[str]]:
    """Problems by form field (the top-level key), the rest for the sections box."""
    simple = {key for key, *_ in FIELDS}
    by_field: dict[str, list[str]] = {}
    for problem in error.problems:
        top = problem.location.split(".", 1)[0].split("[", 1)[0]
        text = problem.message + (f" (expected {problem.expected})" if problem.expected else "")
        if top in simple:
            by_field.setdefault(top, []).append(text)
        else:
            where = f"{problem.location}: " if problem.location else ""
            by_field.setdefault("sections", []).append(where + text)
    return by_field, [str(p) for p in error.problems]


def _table(evaluation: OfferEvaluation) -> dict[str, Any]:
    shown = evaluation.shown()
    years = [t.year for t in evaluation.years]
    rows = []
    for component in COMPONENTS:
        values = [shown[y][component.value] for y in years]
        if any(values):
            rows.append((component.value, values))
    return {"years": years, "rows": rows, "totals": [shown[y]["total"] for y in years]}


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


def _compare_chart(data: dict[str, Any]) -> str:
    """Pay by year as stacked bars, one panel per offer on a shared y axis (HTML fragment).

    Each component has one colour and one legend entry, whatever the offer; a panel's bars are
    the offer's years side by side, so the same year reads across panels at the same height."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

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


def market_bands(
    store: Store, company: str, location: str | None, currency: str | None = None
) -> list[tuple[LevelStats, dict[str, Any]]]:
    """The total-pay band of every level of ``company`` that has records (``location`` too),
    in ``currency`` when given (restated with a dated rate, as ``market bands --currency``)."""
    with market_lock(store):
        found = ladder_bands(MarketRepository(store), company, location, currency)
    return [
        (
            item.stats,
            to_object(item.band.as_json())
            if item.band is not None
            else {"n": 0, "shown": False, "message": item.message, "sources": []},
        )
        for item in found
    ]


def market_sources(
    store: Store,
    *,
    company: str,
    level: str | None,
    title: str | None,
    location: str | None,
    as_of: date | None,
    currency: str | None,
) -> dict[str, Any]:
    """Every source's band for a cell, side by side (``market bands``' evidence): the bands,
    the headline and why, as JSON data for the page."""
    with market_lock(store):
        answer = market_evidence(
            MarketRepository(store),
            company=company,
            level=level,
            title=title,
            location=location,
            as_of=as_of,
            currency=currency,
            today=today(),
        )
    data: dict[str, Any] = to_object(answer.evidence.as_json())
    return data


def _market_chart(
    bands: list[tuple[LevelStats, dict[str, Any]]], marked: tuple[str, float, str] | None
) -> str:
    """Box plots of total pay by level (p10, p25, p50, p75, p90), the offer marked."""
    import plotly.graph_objects as go

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


def _pickable(repo: OfferRepository, chosen: list[SavedOffer]) -> list[OfferName]:
    """The offers a page lets you pick: the newest :data:`PICK_LIMIT`, and those chosen."""
    names = repo.names(PICK_LIMIT)
    known = {n.id for n in names}
    names += [OfferName(s.id, s.offer.display_name) for s in chosen if s.id not in known]
    return sorted({n.id: n for n in names}.values(), key=lambda n: n.id)


def page_router() -> APIRouter:
    """The HTML pages."""
    router = APIRouter(include_in_schema=False)

    @router.get("/assets/plotly.min.js")
    def plotly_asset() -> Response:
        return Response(
            plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    def offers_list(
        request: Request, cursor: str | None, status: int = 200, problems: list[str] | None = None
    ) -> HTMLResponse:
        saved, more = offer_repository(request).page(decode_cursor(cursor), PAGE_SIZE)
        items = [(s, evaluate(s.offer)) for s in saved]
        following = encode_cursor(saved[-1].id) if more and saved else None
        return render_page(
            request,
            "offers.html",
            status,
            items=items,
            problems=problems or [],
            next_cursor=following,
            first_page=bool(cursor),
        )

    @router.get("/offers", response_class=HTMLResponse)
    def offers_page(
        request: Request, cursor: Annotated[str | None, Query(max_length=100)] = None
    ) -> HTMLResponse:
        return offers_list(request, cursor)

    @router.get("/offers/new", response_class=HTMLResponse)
    def new_offer(request: Request) -> HTMLResponse:
        values, sections = _form_values(None)
        return render_page(
            request,
            "form.html",
            saved=None,
            values=values,
            sections=sections,
            errors={},
            fields=FIELDS,
        )

    async def _submitted(request: Request) -> tuple[dict[str, str], str]:
        form = await request.form()
        fields = {key: str(form.get(key, "")) for key, *_ in FIELDS}
        return fields, str(form.get("sections", ""))

    def _invalid(
        request: Request, saved: Any, fields: dict[str, str], sections: str, error: ProblemsError
    ) -> HTMLResponse:
        errors, _ = _field_errors(error)
        return render_page(
            request,
            "form.html",
            422,
            saved=saved,
            values=fields,
            sections=sections,
            errors=errors,
            fields=FIELDS,
        )

    @router.post("/offers/new", response_class=HTMLResponse)
    async def create_offer(request: Request) -> Response:
        fields, sections = await _submitted(request)
        try:
            offer = offer_from_mapping(_document(fields, sections), "form")
        except ProblemsError as error:
            return _invalid(request, None, fields, sections, error)
        saved = offer_repository(request).add(offer)
        return see_other(request, f"/offers/{saved.id}")

    @router.post("/offers/import", response_class=HTMLResponse)
    async def import_offer(request: Request, file: UploadFile) -> Response:
        raw = await file.read()
        source = Path(file.filename or "upload.toml").name  # a name to show, never a path
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{source} is not UTF-8 text; expected an offer TOML file") from None
        fmt = "json" if source.lower().endswith(".json") else "toml"
        try:
            offer = parse_offer_text(text, source, fmt)
        except ProblemsError as error:
            return offers_list(request, None, 422, error.lines())
        saved_offer = offer_repository(request).add(offer)
        return RedirectResponse(f"/offers/{saved_offer.id}", status_code=303)

    @router.get("/offers/{offer_id}", response_class=HTMLResponse)
    def offer_page(request: Request, offer_id: int) -> HTMLResponse:
        saved = offer_repository(request).get(offer_id)
        values, sections = _form_values(saved.offer)
        evaluation = evaluate(saved.offer)
        return render_page(
            request,
            "form.html",
            saved=saved,
            warnings=offer_warnings(saved.offer),
            evaluation=evaluation,
            table=_table(evaluation),
            values=values,
            sections=sections,
            errors={},
            fields=FIELDS,
        )

    @router.post("/offers/{offer_id}", response_class=HTMLResponse)
    async def edit_offer(request: Request, offer_id: int) -> Response:
        repo = offer_repository(request)
        saved = repo.get(offer_id)
        fields, sections = await _submitted(request)
        try:
            offer = offer_from_mapping(_document(fields, sections), "form")
        except ProblemsError as error:
            return _invalid(request, saved, fields, sections, error)
        repo.replace(offer_id, offer)
        return see_other(request, f"/offers/{offer_id}")

    @router.post("/offers/{offer_id}/delete")
    def delete_offer(request: Request, offer_id: int) -> RedirectResponse:
        offer_repository(request).delete(offer_id)
        return RedirectResponse("/offers", status_code=303)

    @router.get("/offers/{offer_id}/export.toml")
    def export_offer(request: Request, offer_id: int) -> PlainTextResponse:
        saved = offer_repository(request).get(offer_id)
        return PlainTextResponse(
            dump_offer_toml(saved.offer),
            media_type="application/toml",
            headers={"Content-Disposition": f'attachment; filename="offer-{offer_id}.toml"'},
        )

    @router.get("/compare", response_class=HTMLResponse)
    def compare_page(
        request: Request,
        ids: list[str] = Query(default_factory=list),  # noqa: B008
    ) -> HTMLResponse:
        numbers: list[int] = []
        for text in ids:
            for part in text.split(","):
                if part.strip():
                    if not _is_id(part.strip()):
                        raise InputError(f"ids: {clip(part.strip())!r} is not an offer id")
                    numbers.append(int(part))
        if len(numbers) < 2:
            raise InputError("compare needs at least two offers: tick two or more on /offers")
        repo = offer_repository(request)
        saved = [repo.get(i) for i in numbers]
        data = compare_offers([s.offer for s in saved], 4)
        return render_page(
            request,
            "compare.html",
            saved=saved,
            data=data,
            chart=_compare_chart(data),
            offers=_pickable(repo, saved),
            chosen=set(numbers),
        )

    @router.get("/offers/{offer_id}/negotiate", response_class=HTMLResponse)
    def negotiate_page(
        request: Request,
        offer_id: int,
        vs: list[int] = Query(default_factory=list),  # noqa: B008
    ) -> HTMLResponse:
        repo = offer_repository(request)
        saved = repo.get(offer_id)
        competing = [s.offer for s in [repo.get(i) for i in vs if i != offer_id]]
        plan = negotiate_plan(request.app.state.store, saved.offer, competing)
        chosen_offers = [repo.get(i) for i in vs if i != offer_id]
        others = [s for s in _pickable(repo, chosen_offers) if s.id != offer_id]
        return render_page(
            request, "negotiate.html", saved=saved, plan=plan, others=others, chosen=set(vs)
        )

    @router.get("/market", response_class=HTMLResponse)
    def market_page(
        request: Request,
        company: Annotated[str, Query(max_length=100)] = "",
        location: Annotated[str, Query(max_length=100)] = "",
        offer: Annotated[str, Query(max_length=20)] = "",
        to: Annotated[str, Query(max_length=100)] = "",
        level: Annotated[str, Query(max_length=50)] = "",
        title: Annotated[str, Query(max_length=100)] = "",
        as_of: Annotated[str, Query(max_length=10)] = "",
    ) -> HTMLResponse:
        repo = offer_repository(request)
        saved_offers = repo.names(PICK_LIMIT)
        chosen = None
        if offer.strip():
            if not _is_id(offer.strip()):
                raise InputError(f"offer: {offer.strip()!r} is not an offer id")
            chosen = repo.get(int(offer))
            if chosen.id not in {s.id for s in saved_offers}:
                saved_offers.append(OfferName(chosen.id, chosen.offer.display_name))
            company = company or chosen.offer.company
            location = location or chosen.offer.location
            level = level or chosen.offer.level
            title = title or chosen.offer.title
            if not as_of and chosen.offer.start_date is not None:
                as_of = chosen.offer.start_date.isoformat()
        company = company.strip()
        sources: dict[str, Any] | None = None
        bands: list[tuple[LevelStats, dict[str, Any]]] = []
        chart = ""
        mapping = None
        problem = ""
        status = 200
        try:
            if company:
                # The offer is marked on the bands in its own currency, never on a band in
                # another currency (the bands are restated with a dated rate the page names).
                currency = chosen.offer.currency if chosen is not None else None
                bands = market_bands(request.app.state.store, company, location.strip(), currency)
                marked = None
                if chosen is not None and chosen.offer.company.lower() == company.lower():
                    annual = float(evaluate(chosen.offer).annualized_total.amount)
                    label = f"{chosen.offer.display_name} (annualized)"
                    marked = (chosen.offer.level, annual, label)
                chart = _market_chart(bands, marked)
                if level.strip() or title.strip():
                    sources = market_sources(
                        request.app.state.store,
                        company=company,
                        level=level.strip() or None,
                        title=title.strip() or None,
                        location=location.strip() or None,
                        as_of=parse_date(as_of, "as_of") if as_of.strip() else None,
                        currency=currency,
                    )
                if to.strip() and chosen is not None:
                    mapping = to_data(
                        map_level(chosen.offer.company, chosen.offer.level, to.strip()).as_dict()
                    )
        except OfferlabError as error:
            problem, status = error.message, error.http_status
        return render_page(
            request,
            "market.html",
            status,
            problem=problem,
            company=company,
            location=location,
            to=to,
            offers=saved_offers,
            chosen=chosen,
            bands=bands,
            chart=chart,
            mapping=mapping,
            level=level,
            title=title,
            as_of=as_of,
            sources=sources,
        )

    @router.get("/offers/{offer_id}/scenarios", response_class=HTMLResponse)
    def scenarios_page(
        request: Request,
        offer_id: int,
        residence: Annotated[str, Query(max_length=100)] = "",
        filing: Annotated[Literal["single", "joint"], Query()] = "single",
        volatility: Annotated[float, Query(ge=0, le=300)] = 30.0,
        drift: Annotated[float, Query(gt=-100, le=1000)] = 0.0,
        paths: Annotated[int, Query(ge=100, le=MAX_PATHS)] = 2000,
        seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 7,
    ) -> HTMLResponse:
        from offerlab.scenarios.aftertax import after_tax
        from offerlab.scenarios.career import project
        from offerlab.scenarios.report import fan_chart
        from offerlab.scenarios.service import price_model, simulate_stock

        saved = offer_repository(request).get(offer_id)
        evaluation = evaluate(saved.offer)
        tax_problem = ""
        taxed: dict[str, Any] | None = None
        try:
            taxed = after_tax(evaluation, residence.strip() or None, filing).as_json()
        except OfferlabError as error:
            tax_problem = error.message
        model = price_model(drift, volatility)
        simulation = simulate_stock([evaluation], paths, model, seed)
        figure = fan_chart(simulation)
        # The page's caption says what the chart is: a Plotly title is cut off on a phone.
        figure.update_layout(
            title_text="",
            height=400,
            margin={"l": 50, "r": 10, "t": 10, "b": 40},
            legend={"orientation": "h", "y": -0.2},
        )
        fan = chart_html(figure, "fan-plot")
        career = project(saved.offer, 10).as_json()
        return render_page(
            request,
            "scenarios.html",
            saved=saved,
            residence=residence,
            filing=filing,
            volatility=volatility,
            drift=drift,
            paths=paths,
            seed=seed,
            taxed=taxed,
            tax_problem=tax_problem,
            simulation=simulation.as_json(),
            fan=fan,
            career=career,
        )

    @router.get("/healthz", response_class=PlainTextResponse)
    def health() -> str:
        return "ok"

    return router
