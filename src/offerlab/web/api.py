"""The JSON API under ``/api/v1``: the CLI's services, with the one error shape.

Bodies that carry offers are read as JSON with exact decimals (never through floats) and
validated by :func:`offerlab.offers.offer_from_mapping`, so a wrong key comes back located
(``equity[0].schedule``) exactly as the CLI reports it for a file.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from offerlab.dates import today
from offerlab.encoding import to_data, to_object
from offerlab.errors import (
    InputError,
    MalformedDocumentError,
    MalformedRequestError,
    Problem,
    ProblemsError,
)
from offerlab.market.levels import company_levels, map_level
from offerlab.market.service import market_evidence
from offerlab.negotiate import plan_json, plan_negotiation
from offerlab.negotiate.service import RecordsMarketView
from offerlab.offers import Offer, evaluate, offer_from_mapping, offer_json_schema
from offerlab.offers import service as offer_service
from offerlab.offers.service import offer_warnings, one_currency
from offerlab.scenarios.service import price_model, simulate_stock
from offerlab.store import MarketRepository, Store
from offerlab.store.offer_repository import MAX_ID, OfferRepository, SavedOffer
from offerlab.validation import parse_document, show_value, validate_document
from offerlab.web.api_models import (
    API_ERRORS,
    BandsOut,
    CompareOut,
    EvaluateOut,
    LevelsOut,
    MapOut,
    NegotiateOut,
    OfferPage,
    SimulateOut,
    StoredOffer,
    answers,
)
from offerlab.web.auth import owner_of

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_PATHS",
    "PAGE_SIZE",
    "PICK_LIMIT",
    "api_router",
    "decode_cursor",
    "encode_cursor",
    "market_lock",
    "offer_repository",
    "read_json",
    "saved_json",
]

_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def market_lock(store: Store) -> Iterator[None]:
    """One market query at a time per store (the DuckDB connection is not thread-safe)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(id(store), threading.Lock())
    with lock:
        yield


def offer_repository(request: Request) -> OfferRepository:
    """The saved offers of this request's user (the local app has one, unnamed)."""
    store: Store = request.app.state.store
    return OfferRepository(store, owner_of(request))


async def read_json(request: Request) -> Any:
    """The body as JSON with exact decimals. Not JSON at all (or nested deeper than any
    document needs, or a number too long to read) is a 400; text no document should hold
    (a NUL, an overlong key) a 422, each located."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedRequestError("the request body is not UTF-8 text") from None
    try:
        return parse_document(text, "<body>", "json", "invalid request")
    except MalformedDocumentError as error:
        raise MalformedRequestError(
            f"the request body is not JSON offerlab can read: {error.problems[0].message}",
            error.problems,
        ) from None


#: Saved offers per page (API and ``/offers``) unless ``limit`` says otherwise, and the most.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: The most offers a list to pick from (compare, negotiate, market) shows: the newest.
PICK_LIMIT = 200
_CURSOR_PREFIX = "offers-after:"


def encode_cursor(after: int) -> str:
    """An opaque cursor for the page after offer ``after``."""
    raw = f"{_CURSOR_PREFIX}{after}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offer id a cursor from :func:`encode_cursor` continues after (0: the first page);
    anything else is a located 422."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raw = ""
    after = raw.removeprefix(_CURSOR_PREFIX)
    if not raw.startswith(_CURSOR_PREFIX) or not (after.isascii() and after.isdigit()):
        problem = Problem(
            "<query>",
            "cursor",
            f"{show_value(cursor)} is not a cursor this server gave",
            "the `next` value of the previous page, or no cursor for the first",
        )
        raise ProblemsError([problem], "invalid cursor")
    return min(int(after[:12]), MAX_ID)


def saved_json(saved: SavedOffer) -> dict[str, Any]:
    """A stored offer: its id, times, the offer with the offer file's keys, and its
    plausibility warnings."""
    return {
        "id": saved.id,
        "name": saved.offer.display_name,
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
        "offer": to_data(saved.offer.model_dump(mode="python", exclude_defaults=True)),
        "warnings": warnings_json(saved.offer, f"offer {saved.id}"),
    }


def warnings_json(offer: Offer, source: str = "<body>") -> list[dict[str, Any]]:
    """The offer's plausibility warnings, as ``offer show --json`` lists them."""
    return [{"file": source, **to_object(w)} for w in offer_warnings(offer)]


def _all_warnings(offers: list[Offer], ids: list[int], key: str) -> list[dict[str, Any]]:
    """The warnings of a request's offers: saved ones (``ids``) first, then the given ones
    (``<body>.key[i]``), in the order the offers were put together."""
    sources = [f"offer {i}" for i in ids]
    sources += [f"<body>.{key}[{k}]" for k in range(len(offers) - len(ids))]
    return [w for o, s in zip(offers, sources, strict=True) for w in warnings_json(o, s)]


YearsQuery = Annotated[int, Query(ge=1, le=50, description="offer years to show")]


def _offer_body() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": offer_json_schema()}},
        }
    }


#: The most price paths one request may ask for.
MAX_PATHS = 20_000


class CompareBody(BaseModel):
    """Offers to compare: saved ones by id, or offers given in full (or both)."""

    model_config = ConfigDict(extra="forbid")
    ids: list[int] = Field(default_factory=list, max_length=20)
    offers: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    years: int = Field(default=4, ge=1, le=50)


class NegotiateBody(BaseModel):
    """The offer to negotiate (saved ``id`` or a full ``offer``) and any competing ones."""

    model_config = ConfigDict(extra="forbid")
    id: int | None = None
    offer: dict[str, Any] | None = None
    competing_ids: list[int] = Field(default_factory=list, max_length=10)
    competing: list[dict[str, Any]] = Field(default_factory=list, max_length=10)


class SimulateBody(BaseModel):
    """Offers to simulate under stock-price paths (bounded so a request stays quick)."""

    model_config = ConfigDict(extra="forbid")
    ids: list[int] = Field(default_factory=list, max_length=10)
    offers: list[dict[str, Any]] = Field(default_factory=list, max_length=10)
    years: int = Field(default=4, ge=1, le=20)
    paths: int = Field(default=2000, ge=1, le=MAX_PATHS)
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    drift_pct: float = Field(default=0.0, gt=-100, le=1000)
    volatility_pct: float = Field(default=30.0, ge=0, le=300)
    correlation: float = Field(default=0.0, ge=0, le=1)


def simulate_offers(offers: list[Offer], body: SimulateBody) -> dict[str, Any]:
    """The ``offer simulate --json`` object for ``offers``."""
    if not offers:
        raise InputError("simulate needs at least one offer: give 'ids' or 'offers'")
    one_currency(offers, [o.display_name for o in offers], "simulated together")
    model = price_model(body.drift_pct, body.volatility_pct, body.correlation)
    evaluations = [evaluate(offer, body.years) for offer in offers]
    return to_object(simulate_stock(evaluations, body.paths, model, body.seed).as_json())


def _model_body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def _validated(model: type[BaseModel], data: Any) -> Any:
    """``data`` as ``model`` (wrappers only; offers inside are validated separately)."""
    return validate_document(model, data, "<body>", "invalid request")


def _offers_from(items: list[Any], key: str) -> list[Offer]:
    offers: list[Offer] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            offers.append(offer_from_mapping(item, f"<body>.{key}[{index}]"))
        except ProblemsError as error:
            problems.extend(error.problems)
    if problems:
        raise ProblemsError(problems, "invalid offer")
    return offers


def compare_offers(offers: list[Offer], years: int) -> dict[str, Any]:
    """The ``offer compare --json`` object for ``offers``."""
    labels = [o.display_name for o in offers]
    return offer_service.compare_offers(offers, years, labels).comparison.as_json()


def negotiate_plan(store: Store, offer: Offer, competing: list[Offer]) -> dict[str, Any]:
    """The ``negotiate --json`` object for ``offer`` against the store's market data."""
    with market_lock(store):
        plan = plan_negotiation(
            offer, RecordsMarketView(MarketRepository(store)), competing=competing
        )
        return plan_json(plan)


def api_router() -> APIRouter:
    """The ``/api/v1`` routes."""
    router = APIRouter(tags=["api"], responses=API_ERRORS)

    @router.post(
        "/evaluate",
        openapi_extra=_offer_body(),
        response_model=None,
        responses=answers(EvaluateOut),
    )
    async def evaluate_offer(request: Request, years: YearsQuery = 4) -> JSONResponse:
        """An offer (the offer file's keys) in; the ``offer show --json`` object out."""
        offer = offer_from_mapping(await read_json(request), "<body>")
        # Already JSON-ready (str, float, lists, dicts): encoded as it is, with the same bytes
        # FastAPI's response model would give, without its validation pass (the hot path).
        return JSONResponse({**evaluate(offer, years).as_json(), "warnings": warnings_json(offer)})

    @router.get("/offers", response_model=None, responses=answers(OfferPage))
    def list_offers(
        request: Request,
        limit: Annotated[
            int, Query(ge=1, le=MAX_PAGE_SIZE, description="offers on this page")
        ] = PAGE_SIZE,
        cursor: Annotated[
            str | None, Query(max_length=100, description="`next` of the previous page")
        ] = None,
    ) -> dict[str, Any]:
        """Saved offers, oldest first, a page at a time: ``next`` is the cursor of the next
        page (null on the last)."""
        saved, more = offer_repository(request).page(decode_cursor(cursor), limit)
        following = encode_cursor(saved[-1].id) if more and saved else None
        return {"offers": [saved_json(s) for s in saved], "next": following}

    @router.post(
        "/offers",
        status_code=201,
        openapi_extra=_offer_body(),
        response_model=None,
        responses=answers(StoredOffer, 201),
    )
    async def create_offer(request: Request) -> dict[str, Any]:
        """Save an offer (the same JSON as evaluate); the stored offer comes back with its id."""
        offer = offer_from_mapping(await read_json(request), "<body>")
        return saved_json(offer_repository(request).add(offer))

    @router.get("/offers/{offer_id}", response_model=None, responses=answers(StoredOffer))
    def get_offer(request: Request, offer_id: int) -> dict[str, Any]:
        """One saved offer, with its plausibility warnings."""
        return saved_json(offer_repository(request).get(offer_id))

    @router.put(
        "/offers/{offer_id}",
        openapi_extra=_offer_body(),
        response_model=None,
        responses=answers(StoredOffer),
    )
    async def replace_offer(request: Request, offer_id: int) -> dict[str, Any]:
        """Replace a saved offer, keeping its id."""
        repo = offer_repository(request)
        repo.get(offer_id)  # a missing id is a 404 before the body is judged
        offer = offer_from_mapping(await read_json(request), "<body>")
        return saved_json(repo.replace(offer_id, offer))

    @router.delete(
        "/offers/{offer_id}", status_code=204, responses={204: {"description": "deleted"}}
    )
    def delete_offer(request: Request, offer_id: int) -> Response:
        """Delete a saved offer."""
        offer_repository(request).delete(offer_id)
        return Response(status_code=204)

    @router.post(
        "/compare",
        openapi_extra=_model_body(CompareBody),
        response_model=None,
        responses=answers(CompareOut),
    )
    async def compare_route(request: Request) -> dict[str, Any]:
        """Two or more offers (saved ids first, then given offers) side by side."""
        body: CompareBody = _validated(CompareBody, await read_json(request))
        repo = offer_repository(request)
        offers = [repo.get(i).offer for i in body.ids] + _offers_from(body.offers, "offers")
        warnings = _all_warnings(offers, body.ids, "offers")
        return {**compare_offers(offers, body.years), "warnings": warnings}

    @router.post(
        "/negotiate",
        openapi_extra=_model_body(NegotiateBody),
        response_model=None,
        responses=answers(NegotiateOut),
    )
    async def negotiate_route(request: Request) -> dict[str, Any]:
        """The negotiation plan (the ``negotiate --json`` object) for one offer."""
        body: NegotiateBody = _validated(NegotiateBody, await read_json(request))
        if (body.id is None) == (body.offer is None):
            raise InputError("give the offer to negotiate as 'id' (a saved offer) or 'offer'")
        repo = offer_repository(request)
        offer = (
            repo.get(body.id).offer
            if body.id is not None
            else offer_from_mapping(body.offer, "<body>.offer")
        )
        competing = [repo.get(i).offer for i in body.competing_ids]
        competing += _offers_from(body.competing, "competing")
        source = f"offer {body.id}" if body.id is not None else "<body>.offer"
        warnings = warnings_json(offer, source)
        warnings += _all_warnings(competing, body.competing_ids, "competing")
        plan = negotiate_plan(request.app.state.store, offer, competing)
        return {**plan, "warnings": warnings}

    @router.post(
        "/simulate",
        openapi_extra=_model_body(SimulateBody),
        response_model=None,
        responses=answers(SimulateOut),
    )
    async def simulate_route(request: Request) -> dict[str, Any]:
        """Stock-price scenarios: percentiles of each year's pay, P(first beats), break-even."""
        body: SimulateBody = _validated(SimulateBody, await read_json(request))
        repo = offer_repository(request)
        offers = [repo.get(i).offer for i in body.ids] + _offers_from(body.offers, "offers")
        warnings = _all_warnings(offers, body.ids, "offers")
        return {**simulate_offers(offers, body), "warnings": warnings}

    @router.get("/bands", response_model=None, responses=answers(BandsOut))
    def bands_route(
        request: Request,
        company: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        level: Annotated[str | None, Query(max_length=50)] = None,
        location: Annotated[str | None, Query(max_length=100)] = None,
        title: Annotated[str | None, Query(max_length=100)] = None,
        tag: Annotated[str | None, Query(max_length=100)] = None,
        as_of: Annotated[date | None, Query()] = None,
        min_n: Annotated[int, Query(ge=1, le=10_000)] = 5,
        currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    ) -> dict[str, Any]:
        """Pay bands: the ``market bands --json`` object. The records band (p10-p90 of base,
        stock, bonus, total) and beside it every source's band (``bands``: records, community
        reports, H-1B filings, official statistics, the guides), each with its age and
        confidence, the ``headline`` and ``why``. ``as_of`` (default today) is the offer's
        start date; with ``currency`` every band is converted with the shipped dated rate
        (named under ``exchange_rate``), or a 4xx when there is none."""
        if company is None and level is not None:
            raise InputError("level needs company (levels are per company)", option="level")
        store: Store = request.app.state.store
        with market_lock(store):
            result = market_evidence(
                MarketRepository(store),
                company=company,
                level=level,
                location=location,
                title=title,
                tag=tag,
                as_of=as_of,
                min_n=min_n,
                currency=currency,
                today=today(),
            )
            return to_object(result.as_json())

    @router.get("/levels/{company}", response_model=None, responses=answers(LevelsOut))
    def levels_route(company: str) -> dict[str, Any]:
        """A company's level ladder with what the records say about each level."""
        return {
            "company": company,
            "levels": to_data(company_levels(company)),
        }

    @router.get("/map", response_model=None, responses=answers(MapOut))
    def map_route(
        company: Annotated[str, Query(min_length=1, max_length=100, alias="from")],
        level: Annotated[str, Query(min_length=1, max_length=50)],
        to: Annotated[str, Query(min_length=1, max_length=100)],
    ) -> dict[str, Any]:
        """The equivalent levels of ``from``:``level`` at ``to``, best first."""
        return to_object(map_level(company, level, to).as_dict())

    return router
