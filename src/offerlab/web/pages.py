"""Server-rendered pages (Jinja2, autoescaped): offers, compare, negotiate, market, scenarios.

Every page reads without JavaScript; charts are Plotly figures drawn by the bundled
``plotly.min.js`` served from the installed ``plotly`` package, with a table beside each.
Handlers are plain functions (FastAPI runs them in its thread pool, off the event loop); a
form is read before, on the loop (:data:`~offerlab.web.deps.Form`).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import FormData

from offerlab.dates import today
from offerlab.encoding import to_data, to_object
from offerlab.errors import InputError, OfferlabError, Problem, ProblemsError
from offerlab.market.levels import map_level
from offerlab.market.pooled import YEARS_BANDS
from offerlab.market.service import (
    ladder_bands,
    market_evidence,
    share_offer,
    share_state,
    withdraw_offer,
)
from offerlab.market.stats import LevelStats
from offerlab.offers import (
    Offer,
    dump_offer_toml,
    evaluate,
    offer_from_mapping,
    parse_offer_text,
)
from offerlab.offers.fileformat import toml_ready
from offerlab.offers.service import offer_warnings
from offerlab.prep.service import parse_date
from offerlab.scenarios.aftertax import after_tax
from offerlab.scenarios.career import project
from offerlab.scenarios.service import PrivateModel, price_model, simulate_offers, simulate_stock
from offerlab.scenarios.simulate import Simulation
from offerlab.scenarios.valuation import DEFAULT_EXPECTED_VALUE
from offerlab.store import Store
from offerlab.store.offer_repository import OfferName, OfferRepository, SavedOffer
from offerlab.validation import clip, parse_document
from offerlab.web.charts import compare_chart, fan_html, market_chart
from offerlab.web.deps import (
    AppStore,
    Form,
    MaybeShares,
    Offers,
    Shares,
    market_records,
    offer_pool,
)
from offerlab.web.documents import (
    MAX_PATHS,
    compare_document,
    negotiate_document,
    private_model,
    risk_method,
)
from offerlab.web.offer_form import (
    GRANT_FIELDS,
    LIQUIDITY_FIELDS,
    GrantForm,
    grant_field,
    grant_form,
    offer_figures,
)
from offerlab.web.paging import PAGE_SIZE, PICK_LIMIT, decode_cursor, encode_cursor
from offerlab.web.rendering import plotly_js, render_page, see_other

__all__ = ["FIELDS", "page_router"]

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
_SECTIONS_HINT = """# Signing bonus, more equity grants, refreshers and other items, as in an
# offer file (a grant here comes after the one in the grant fields):
# [signing]
# amount = 50000
#
# [[equity]]
# value = 360000
# schedule = "google"   # or standard, amazon, meta, microsoft, front-loaded
"""


def _is_id(text: str) -> bool:
    """Whether ``text`` can be an offer id: ASCII digits (``'²'.isdigit()`` is true, and
    ``int('²')`` fails), at most 10 of them."""
    return text.isascii() and text.isdigit() and len(text) <= 10


def _form_values(offer: Offer | None) -> tuple[dict[str, str], str]:
    """The form's field values and its sections text for ``offer`` (blank for a new one);
    its first equity grant goes in the grant fields when they can hold it."""
    if offer is None:
        return {"currency": "USD"}, _SECTIONS_HINT
    data = offer.model_dump(mode="python", exclude_defaults=True)
    values = {key: str(data[key]) for key, *_ in FIELDS if data.get(key) is not None}
    values.setdefault("currency", offer.currency)
    grant_values, rest = grant_form(offer)
    values.update(grant_values)
    if grant_values:
        data["equity"] = [g.model_dump(mode="python", exclude_defaults=True) for g in rest]
        if not data["equity"]:
            del data["equity"]
    sections = {k: v for k, v in data.items() if k not in {key for key, *_ in FIELDS}}
    if not sections:
        return values, _SECTIONS_HINT
    return values, tomli_w.dumps(toml_ready(sections))


def _document(
    fields: dict[str, str], sections: str, grant: GrantForm | None = None
) -> dict[str, Any]:
    """The offer document a form describes (the grant fields, when filled, are its first
    equity grant); sections TOML that does not parse is a problem."""
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
    if grant is not None and grant.given:
        more = data.get("equity", [])
        data["equity"] = [grant.grant(), *(more if isinstance(more, list) else [more])]
    return data


def _field_errors(
    error: ProblemsError, grant_given: bool = False
) -> tuple[dict[str, list[str]], list[str]]:
    """Problems by form field (the top-level key, or a grant field when the grant fields gave
    ``equity[0]``), the rest for the sections box."""
    simple = {key for key, *_ in FIELDS}
    by_field: dict[str, list[str]] = {}
    for problem in error.problems:
        top = problem.location.split(".", 1)[0].split("[", 1)[0]
        text = problem.message + (f" (expected {problem.expected})" if problem.expected else "")
        field = grant_field(problem.location) if grant_given else None
        if field is not None:
            by_field.setdefault(field, []).append(text)
        elif top in simple:
            by_field.setdefault(top, []).append(text)
        else:
            where = f"{problem.location}: " if problem.location else ""
            by_field.setdefault("sections", []).append(where + text)
    return by_field, [str(p) for p in error.problems]


#: What the offer form's template lays out: the simple fields, the grant's and its liquidity's.
_FORM_FIELDS: dict[str, Any] = {
    "fields": FIELDS,
    "grant_fields": GRANT_FIELDS,
    "liquidity_fields": LIQUIDITY_FIELDS,
}


def market_bands(
    store: Store, company: str, location: str | None, currency: str | None = None
) -> list[tuple[LevelStats, dict[str, Any]]]:
    """The total-pay band of every level of ``company`` that has records (``location`` too),
    in ``currency`` when given (restated with a dated rate, as ``market bands --currency``)."""
    with market_records(store) as records:
        found = ladder_bands(records, company, location, currency)
    return [
        (
            item.stats,
            to_object(item.band.as_json())
            if item.band is not None
            else {"n": 0, "shown": False, "message": item.message, "sources": []},
        )
        for item in found
    ]


#: The compare page's names of the risk options (its query fields).
_PAGE_RISK_NAMES = {"--risk-model": "risk", "--haircut": "haircut"}
#: The scenarios page's names of the private-company model's options.
_PAGE_PRIVATE_NAMES = {
    "--exit-by-year": "exits",
    "--dilution": "dilution",
    "--private-volatility": "private_volatility",
    "--drift": "drift",
}


def _percent(text: str, name: str) -> Decimal | None:
    """A percent typed in a query field (None when blank); not a number is a located problem."""
    cleaned = text.strip().rstrip("%").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ProblemsError(
            [Problem("<query>", name, f"{clip(text)!r} is not a number", "a percent, e.g. 40")],
            "invalid query",
        )
    return value


def _percents(text: str, name: str) -> tuple[float, ...] | None:
    """``5,10,10,10`` typed in a query field as percents (None when blank); a part that is
    not a number is a located problem."""
    parts = [part.strip().rstrip("%") for part in text.split(",") if part.strip()]
    if not parts:
        return None
    values: list[float] = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ProblemsError(
                [Problem("<query>", name, f"{clip(part)!r} is not a percent", "e.g. 5,10,10,10")],
                "invalid query",
            )
        values.append(value)
    return tuple(values)


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
    with market_records(store) as records:
        answer = market_evidence(
            records,
            company=company,
            level=level,
            title=title,
            location=location,
            as_of=as_of,
            currency=currency,
            today=today(),
            pool=offer_pool(store),
        )
    data: dict[str, Any] = to_object(answer.evidence.as_json())
    return data


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
        request: Request,
        offers: OfferRepository,
        cursor: str | None,
        status: int = 200,
        problems: list[str] | None = None,
    ) -> HTMLResponse:
        saved, more = offers.page(decode_cursor(cursor), PAGE_SIZE)
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
        request: Request,
        offers: Offers,
        cursor: Annotated[str | None, Query(max_length=100)] = None,
    ) -> HTMLResponse:
        return offers_list(request, offers, cursor)

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
            **_FORM_FIELDS,
        )

    def _submitted(form: FormData) -> tuple[dict[str, str], str, GrantForm]:
        fields = {key: str(form.get(key, "")) for key, *_ in FIELDS}
        return fields, str(form.get("sections", "")), GrantForm.submitted(form)

    def _invalid(
        request: Request,
        saved: Any,
        fields: dict[str, str],
        sections: str,
        grant: GrantForm,
        error: ProblemsError,
    ) -> HTMLResponse:
        errors, _ = _field_errors(error, grant.given)
        return render_page(
            request,
            "form.html",
            422,
            saved=saved,
            values={**fields, **grant.values},
            sections=sections,
            errors=errors,
            **_FORM_FIELDS,
        )

    @router.post("/offers/new", response_class=HTMLResponse)
    def create_offer(request: Request, offers: Offers, form: Form) -> Response:
        fields, sections, grant = _submitted(form)
        try:
            offer = offer_from_mapping(_document(fields, sections, grant), "form")
        except ProblemsError as error:
            return _invalid(request, None, fields, sections, grant, error)
        saved = offers.add(offer)
        return see_other(request, f"/offers/{saved.id}")

    @router.post("/offers/import", response_class=HTMLResponse)
    def import_offer(request: Request, offers: Offers, file: UploadFile) -> Response:
        raw = file.file.read()
        source = Path(file.filename or "upload.toml").name  # a name to show, never a path
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{source} is not UTF-8 text; expected an offer TOML file") from None
        fmt = "json" if source.lower().endswith(".json") else "toml"
        try:
            offer = parse_offer_text(text, source, fmt)
        except ProblemsError as error:
            return offers_list(request, offers, None, 422, error.lines())
        saved_offer = offers.add(offer)
        return RedirectResponse(f"/offers/{saved_offer.id}", status_code=303)

    @router.get("/offers/{offer_id}", response_class=HTMLResponse)
    def offer_page(
        request: Request, offers: Offers, shares: MaybeShares, offer_id: int
    ) -> HTMLResponse:
        saved = offers.get(offer_id)
        values, sections = _form_values(saved.offer)
        evaluation = evaluate(saved.offer)
        share = (
            None
            if shares is None
            else share_state(shares, saved.id, saved.offer, None, today=today())
        )
        return render_page(
            request,
            "form.html",
            saved=saved,
            share=share,
            years_bands=YEARS_BANDS,
            warnings=offer_warnings(saved.offer),
            evaluation=evaluation,
            table=offer_figures(evaluation),
            values=values,
            sections=sections,
            errors={},
            **_FORM_FIELDS,
        )

    @router.post("/offers/{offer_id}", response_class=HTMLResponse)
    def edit_offer(request: Request, repo: Offers, offer_id: int, form: Form) -> Response:
        saved = repo.get(offer_id)
        fields, sections, grant = _submitted(form)
        try:
            offer = offer_from_mapping(_document(fields, sections, grant), "form")
        except ProblemsError as error:
            return _invalid(request, saved, fields, sections, grant, error)
        repo.replace(offer_id, offer)
        return see_other(request, f"/offers/{offer_id}")

    @router.post("/offers/{offer_id}/share")
    def share_page(offers: Offers, shares: Shares, offer_id: int, form: Form) -> Response:
        saved = offers.get(offer_id)
        years = form.get("years")
        if years is not None and not isinstance(years, str):
            raise InputError("years of experience: expected one of the bands, not a file")
        share_offer(shares, saved.id, saved.offer, years, today=today())
        return RedirectResponse(f"/offers/{offer_id}#share", status_code=303)

    @router.post("/offers/{offer_id}/share/withdraw")
    def withdraw_page(offers: Offers, shares: Shares, offer_id: int) -> Response:
        saved = offers.get(offer_id)
        withdraw_offer(shares, saved.id, saved.offer, today=today())
        return RedirectResponse(f"/offers/{offer_id}#share", status_code=303)

    @router.post("/offers/{offer_id}/delete")
    def delete_offer(offers: Offers, offer_id: int) -> RedirectResponse:
        offers.delete(offer_id)
        return RedirectResponse("/offers", status_code=303)

    @router.get("/offers/{offer_id}/export.toml")
    def export_offer(offers: Offers, offer_id: int) -> PlainTextResponse:
        saved = offers.get(offer_id)
        return PlainTextResponse(
            dump_offer_toml(saved.offer),
            media_type="application/toml",
            headers={"Content-Disposition": f'attachment; filename="offer-{offer_id}.toml"'},
        )

    @router.get("/compare", response_class=HTMLResponse)
    def compare_page(
        request: Request,
        repo: Offers,
        ids: list[str] = Query(default_factory=list),  # noqa: B008
        risk: Annotated[Literal["", "expected", "haircut"], Query()] = "",
        haircut: Annotated[str, Query(max_length=20)] = "",
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
        saved = [repo.get(i) for i in numbers]
        problem = ""
        try:
            asked = _percent(haircut, "haircut")
            method = risk_method(risk or None, asked, None, None, "<query>", _PAGE_RISK_NAMES)
        except ProblemsError as error:
            # The comparison still shows, by the default method, with what was wrong.
            problem = "; ".join(p.message for p in error.problems)
            method = DEFAULT_EXPECTED_VALUE
        data = compare_document([s.offer for s in saved], 4, method)
        return render_page(
            request,
            "compare.html",
            200 if not problem else 422,
            saved=saved,
            data=data,
            chart=compare_chart(data),
            offers=_pickable(repo, saved),
            chosen=set(numbers),
            risk=risk,
            haircut=haircut,
            risk_problem=problem,
        )

    @router.get("/offers/{offer_id}/negotiate", response_class=HTMLResponse)
    def negotiate_page(
        request: Request,
        store: AppStore,
        repo: Offers,
        offer_id: int,
        vs: list[int] = Query(default_factory=list),  # noqa: B008
    ) -> HTMLResponse:
        saved = repo.get(offer_id)
        competing = [s.offer for s in [repo.get(i) for i in vs if i != offer_id]]
        plan = negotiate_document(store, saved.offer, competing)
        chosen_offers = [repo.get(i) for i in vs if i != offer_id]
        others = [s for s in _pickable(repo, chosen_offers) if s.id != offer_id]
        return render_page(
            request, "negotiate.html", saved=saved, plan=plan, others=others, chosen=set(vs)
        )

    @router.get("/market", response_class=HTMLResponse)
    def market_page(
        request: Request,
        store: AppStore,
        repo: Offers,
        company: Annotated[str, Query(max_length=100)] = "",
        location: Annotated[str, Query(max_length=100)] = "",
        offer: Annotated[str, Query(max_length=20)] = "",
        to: Annotated[str, Query(max_length=100)] = "",
        level: Annotated[str, Query(max_length=50)] = "",
        title: Annotated[str, Query(max_length=100)] = "",
        as_of: Annotated[str, Query(max_length=10)] = "",
    ) -> HTMLResponse:
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
                bands = market_bands(store, company, location.strip(), currency)
                marked = None
                if chosen is not None and chosen.offer.company.lower() == company.lower():
                    annual = float(evaluate(chosen.offer).annualized_total.amount)
                    label = f"{chosen.offer.display_name} (annualized)"
                    marked = (chosen.offer.level, annual, label)
                chart = market_chart(bands, marked)
                if level.strip() or title.strip():
                    sources = market_sources(
                        store,
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
        offers: Offers,
        offer_id: int,
        residence: Annotated[str, Query(max_length=100)] = "",
        filing: Annotated[Literal["single", "joint"], Query()] = "single",
        volatility: Annotated[float, Query(ge=0, le=300)] = 30.0,
        drift: Annotated[float, Query(gt=-100, le=1000)] = 0.0,
        paths: Annotated[int, Query(ge=100, le=MAX_PATHS)] = 2000,
        seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 7,
        exits: Annotated[str, Query(max_length=200)] = "5,10,10,10",
        dilution: Annotated[float, Query(ge=0, lt=100)] = 15.0,
        private_volatility: Annotated[float, Query(ge=0, le=300)] = 60.0,
    ) -> HTMLResponse:
        saved = offers.get(offer_id)
        evaluation = evaluate(saved.offer)
        tax_problem = ""
        taxed: dict[str, Any] | None = None
        try:
            taxed = after_tax(evaluation, residence.strip() or None, filing).as_json()
        except OfferlabError as error:
            tax_problem = error.message
        model = price_model(drift, volatility)
        private = evaluation.has_unsold_equity
        fan: Markup | str = ""
        if private:
            # Equity that cannot be sold as it vests: the cash it turns into, by the
            # private-company model (a located 422 when a figure is not valid).
            scenario = private_model(
                PrivateModel(
                    exit_by_year_pct=_percents(exits, "exits"),
                    dilution_pct=dilution,
                    volatility_pct=private_volatility,
                    fallback_drift_pct=drift,
                ),
                "<query>",
                _PAGE_PRIVATE_NAMES,
            )
            simulation = simulate_offers([saved.offer], 4, paths, seed, model, scenario)
        else:
            simulation = simulate_stock([evaluation], paths, model, seed)
        if isinstance(simulation, Simulation):
            fan = fan_html(simulation)
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
            simulation=to_object(simulation.as_json()),
            private=private,
            exits=exits,
            dilution=dilution,
            private_volatility=private_volatility,
            fan=fan,
            career=career,
        )

    @router.get("/healthz", response_class=PlainTextResponse)
    def health() -> str:
        return "ok"

    return router
