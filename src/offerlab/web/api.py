"""The JSON API under ``/api/v1``: the CLI's services, with the one error shape.

Bodies that carry offers are read as JSON with exact decimals (never through floats) and
validated by :func:`offerlab.offers.offer_from_mapping`, so a wrong key comes back located
(``equity[0].schedule``) exactly as the CLI reports it for a file.

Handlers are plain functions, run in FastAPI's thread pool: the store (SQLAlchemy, DuckDB) and
the Monte Carlo simulation never block the event loop. The body is read before, on the loop
(:data:`~offerlab.web.deps.JsonBody`). Only ``/evaluate`` stays on the loop: it reads no store
and computes for well under a millisecond, less than a hand-off to a thread costs.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from offerlab.dates import today
from offerlab.encoding import to_data, to_object
from offerlab.errors import InputError, Problem, ProblemsError
from offerlab.market.levels import company_levels, map_level
from offerlab.market.pooled import YEARS_BANDS
from offerlab.market.service import market_evidence, share_offer, share_state, withdraw_offer
from offerlab.offers import Offer, evaluate, offer_from_mapping, offer_json_schema
from offerlab.scenarios.service import PrivateModel, price_model
from offerlab.scenarios.valuation import ValuationMethod
from offerlab.store.offer_repository import SavedOffer
from offerlab.validation import validate_document
from offerlab.web.api_models import (
    API_ERRORS,
    BandsOut,
    CompareOut,
    EvaluateOut,
    LevelsOut,
    MapOut,
    NegotiateOut,
    OfferPage,
    ShareOut,
    SimulateOut,
    StoredOffer,
    answers,
)
from offerlab.web.deps import AppStore, JsonBody, Offers, Shares, market_records, offer_pool
from offerlab.web.documents import (
    MAX_PATHS,
    all_warnings,
    compare_document,
    negotiate_document,
    private_model,
    risk_method,
    saved_json,
    simulate_document,
    warnings_json,
)
from offerlab.web.paging import MAX_PAGE_SIZE, PAGE_SIZE, decode_cursor, encode_cursor

__all__ = ["api_router"]


YearsQuery = Annotated[int, Query(ge=1, le=50, description="offer years to show")]


def _offer_body() -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": offer_json_schema()}},
        }
    }


Percent = Annotated[float, Field(ge=0, le=100)]


class RiskFields(BaseModel):
    """How equity that cannot be sold as it vests (options, units, private RSUs) is valued,
    as ``--risk-model``, ``--haircut``, ``--exit-by-year`` and ``--dilution`` say it: the
    expected value under the private-company scenarios (the default: exits 5/10/10/10% in
    years 1-4, 15% dilution every 24 months, volatility 60%, 20,000 paths, seed 7), or a
    haircut of the paper value. Public equity is never discounted."""

    model_config = ConfigDict(extra="forbid")
    risk_model: Literal["expected", "haircut"] | None = Field(
        default=None, description="'expected' (the default) or 'haircut'"
    )
    haircut_pct: Decimal | None = Field(
        default=None, ge=0, le=100, description="the haircut, %; implies risk_model 'haircut'"
    )
    exit_by_year_pct: list[Percent] | None = Field(
        default=None, max_length=50, description="expected value: chance of an exit each year, %"
    )
    dilution_pct: float | None = Field(
        default=None, ge=0, lt=100, description="expected value: dilution per round, %"
    )

    def method(self) -> ValuationMethod:
        return risk_method(
            self.risk_model, self.haircut_pct, self.exit_by_year_pct, self.dilution_pct
        )


class CompareBody(RiskFields):
    """Offers to compare: saved ones by id, or offers given in full (or both), and how private
    equity is valued."""

    ids: list[int] = Field(default_factory=list, max_length=20)
    offers: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    years: int = Field(default=4, ge=1, le=50)


YearsBand = Literal["0-2", "3-5", "6-9", "10-14", "15+"]
if get_args(YearsBand) != YEARS_BANDS:  # one list of bands: the API's must be the domain's
    raise RuntimeError("the API's years-of-experience bands differ from offerlab.market.pooled")


class ShareBody(BaseModel):
    """Share a saved offer with the instance's market: only the years of experience band is
    asked (everything else shared comes from the offer, as the preview shows)."""

    model_config = ConfigDict(extra="forbid")

    years_of_experience: YearsBand | None = None


class NegotiateBody(RiskFields):
    """The offer to negotiate (saved ``id`` or a full ``offer``), any competing ones, and how
    private equity is measured against the other offers."""

    id: int | None = None
    offer: dict[str, Any] | None = None
    competing_ids: list[int] = Field(default_factory=list, max_length=10)
    competing: list[dict[str, Any]] = Field(default_factory=list, max_length=10)


class ExitOutcome(BaseModel):
    """A value per share at the exit: a multiple of the price assumed, and its chance."""

    model_config = ConfigDict(extra="forbid")
    multiple: float = Field(ge=0, le=10_000)
    pct: Percent


class SimulateBody(BaseModel):
    """Offers to simulate under stock-price paths (bounded so a request stays quick); offers
    with options or equity that cannot be sold as it vests (or any private-company figure
    given) get the private-company cash model, as ``offer simulate`` does."""

    model_config = ConfigDict(extra="forbid")
    ids: list[int] = Field(default_factory=list, max_length=10)
    offers: list[dict[str, Any]] = Field(default_factory=list, max_length=10)
    years: int = Field(default=4, ge=1, le=20)
    paths: int = Field(default=2000, ge=1, le=MAX_PATHS)
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    drift_pct: float = Field(default=0.0, gt=-100, le=1000)
    volatility_pct: float = Field(default=30.0, ge=0, le=300)
    correlation: float = Field(default=0.0, ge=0, le=1)
    exit_by_year_pct: list[Percent] | None = Field(
        default=None,
        max_length=50,
        description="private companies: the chance of an exit in each offer year, %",
    )
    exit_outcomes: list[ExitOutcome] | None = Field(
        default=None,
        max_length=50,
        description="private companies: the value at the exit, as multiples with chances",
    )
    dilution_pct: float = Field(default=0.0, ge=0, lt=100, description="per funding round, %")
    round_every_months: int = Field(default=24, ge=1, le=600)
    private_drift_pct: float | None = Field(
        default=None, gt=-100, le=1000, description="default: drift_pct"
    )
    private_volatility_pct: float = Field(default=60.0, ge=0, le=300)

    def private(self) -> PrivateModel:
        outcomes = self.exit_outcomes
        return private_model(
            PrivateModel(
                exit_by_year_pct=None
                if self.exit_by_year_pct is None
                else tuple(self.exit_by_year_pct),
                exit_outcomes_pct=None
                if outcomes is None
                else tuple((o.multiple, o.pct) for o in outcomes),
                dilution_pct=self.dilution_pct,
                round_every_months=self.round_every_months,
                drift_pct=self.private_drift_pct,
                volatility_pct=self.private_volatility_pct,
                fallback_drift_pct=self.drift_pct,
            )
        )


def simulate_offers(offers: list[Offer], body: SimulateBody) -> dict[str, Any]:
    """The ``offer simulate --json`` object for ``offers``."""
    prices = price_model(body.drift_pct, body.volatility_pct, body.correlation)
    return simulate_document(offers, body.years, body.paths, body.seed, prices, body.private())


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


def saved_offer(offer_id: int, offers: Offers) -> SavedOffer:
    """The saved offer of the path's id (a 404 before any body is judged)."""
    return offers.get(offer_id)


Saved = Annotated[SavedOffer, Depends(saved_offer)]


def api_router() -> APIRouter:
    """The ``/api/v1`` routes."""
    router = APIRouter(tags=["api"], responses=API_ERRORS)

    @router.post(
        "/evaluate",
        openapi_extra=_offer_body(),
        response_model=None,
        responses=answers(EvaluateOut),
    )
    async def evaluate_offer(body: JsonBody, years: YearsQuery = 4) -> JSONResponse:
        """An offer (the offer file's keys) in; the ``offer show --json`` object out."""
        offer = offer_from_mapping(body, "<body>")
        # Already JSON-ready (str, float, lists, dicts): encoded as it is, with the same bytes
        # FastAPI's response model would give, without its validation pass (the hot path).
        return JSONResponse({**evaluate(offer, years).as_json(), "warnings": warnings_json(offer)})

    @router.get("/offers", response_model=None, responses=answers(OfferPage))
    def list_offers(
        offers: Offers,
        limit: Annotated[
            int, Query(ge=1, le=MAX_PAGE_SIZE, description="offers on this page")
        ] = PAGE_SIZE,
        cursor: Annotated[
            str | None, Query(max_length=100, description="`next` of the previous page")
        ] = None,
    ) -> dict[str, Any]:
        """Saved offers, oldest first, a page at a time: ``next`` is the cursor of the next
        page (null on the last)."""
        saved, more = offers.page(decode_cursor(cursor), limit)
        following = encode_cursor(saved[-1].id) if more and saved else None
        return {"offers": [saved_json(s) for s in saved], "next": following}

    @router.post(
        "/offers",
        status_code=201,
        openapi_extra=_offer_body(),
        response_model=None,
        responses=answers(StoredOffer, 201),
    )
    def create_offer(offers: Offers, body: JsonBody) -> dict[str, Any]:
        """Save an offer (the same JSON as evaluate); the stored offer comes back with its id."""
        return saved_json(offers.add(offer_from_mapping(body, "<body>")))

    @router.get("/offers/{offer_id}", response_model=None, responses=answers(StoredOffer))
    def get_offer(saved: Saved) -> dict[str, Any]:
        """One saved offer, with its plausibility warnings."""
        return saved_json(saved)

    @router.put(
        "/offers/{offer_id}",
        openapi_extra=_offer_body(),
        response_model=None,
        responses=answers(StoredOffer),
    )
    def replace_offer(saved: Saved, offers: Offers, body: JsonBody) -> dict[str, Any]:
        """Replace a saved offer, keeping its id."""
        offer = offer_from_mapping(body, "<body>")
        return saved_json(offers.replace(saved.id, offer))

    @router.delete(
        "/offers/{offer_id}", status_code=204, responses={204: {"description": "deleted"}}
    )
    def delete_offer(offers: Offers, offer_id: int) -> Response:
        """Delete a saved offer."""
        offers.delete(offer_id)
        return Response(status_code=204)

    @router.get("/offers/{offer_id}/share", response_model=None, responses=answers(ShareOut))
    def share_preview(
        saved: Saved,
        shares: Shares,
        years_of_experience: Annotated[YearsBand | None, Query()] = None,
    ) -> dict[str, Any]:
        """Hosted mode: what sharing this saved offer with the instance's market keeps
        (``preview``, exactly the fields the pool holds) and what it has shared (``shared``,
        null when not shared). A pooled band is shown once five offers are in its cell."""
        state = share_state(shares, saved.id, saved.offer, years_of_experience, today=today())
        return to_object(state.as_json())

    @router.put(
        "/offers/{offer_id}/share",
        openapi_extra=_model_body(ShareBody),
        response_model=None,
        responses=answers(ShareOut),
    )
    def share_route(saved: Saved, shares: Shares, body: JsonBody) -> dict[str, Any]:
        """Hosted mode: share this saved offer (again, replacing the shared copy; without
        ``years_of_experience``, with the band it shared before). Only the preview's fields
        are kept, with no link to the account but a withdrawal token that this saved offer
        holds; an offer that cannot be placed in a cell is a 422."""
        asked: ShareBody = _validated(ShareBody, body)
        state = share_offer(
            shares,
            saved.id,
            saved.offer,
            asked.years_of_experience,
            today=today(),
            # Without the key, the band the GET previews: the one shared before, if any.
            keep_years="years_of_experience" not in asked.model_fields_set,
        )
        return to_object(state.as_json())

    @router.delete("/offers/{offer_id}/share", response_model=None, responses=answers(ShareOut))
    def withdraw_route(saved: Saved, shares: Shares) -> dict[str, Any]:
        """Hosted mode: take this saved offer's shared copy out of the pool (none is fine)."""
        state = withdraw_offer(shares, saved.id, saved.offer, today=today())
        return to_object(state.as_json())

    @router.post(
        "/compare",
        openapi_extra=_model_body(CompareBody),
        response_model=None,
        responses=answers(CompareOut),
    )
    def compare_route(offers: Offers, body: JsonBody) -> dict[str, Any]:
        """Two or more offers (saved ids first, then given offers) side by side."""
        asked: CompareBody = _validated(CompareBody, body)
        chosen = [offers.get(i).offer for i in asked.ids] + _offers_from(asked.offers, "offers")
        warnings = all_warnings(chosen, asked.ids, "offers")
        document = compare_document(chosen, asked.years, asked.method())
        return {**document, "warnings": warnings}

    @router.post(
        "/negotiate",
        openapi_extra=_model_body(NegotiateBody),
        response_model=None,
        responses=answers(NegotiateOut),
    )
    def negotiate_route(store: AppStore, offers: Offers, body: JsonBody) -> dict[str, Any]:
        """The negotiation plan (the ``negotiate --json`` object) for one offer."""
        asked: NegotiateBody = _validated(NegotiateBody, body)
        if (asked.id is None) == (asked.offer is None):
            raise InputError("give the offer to negotiate as 'id' (a saved offer) or 'offer'")
        offer = (
            offers.get(asked.id).offer
            if asked.id is not None
            else offer_from_mapping(asked.offer, "<body>.offer")
        )
        competing = [offers.get(i).offer for i in asked.competing_ids]
        competing += _offers_from(asked.competing, "competing")
        source = f"offer {asked.id}" if asked.id is not None else "<body>.offer"
        warnings = warnings_json(offer, source)
        warnings += all_warnings(competing, asked.competing_ids, "competing")
        plan = negotiate_document(store, offer, competing, asked.method())
        return {**plan, "warnings": warnings}

    @router.post(
        "/simulate",
        openapi_extra=_model_body(SimulateBody),
        response_model=None,
        responses=answers(SimulateOut),
    )
    def simulate_route(offers: Offers, body: JsonBody) -> dict[str, Any]:
        """Stock-price scenarios: percentiles of each year's pay, P(first beats), break-even;
        for private-company equity, the cash it turns into (``model`` 'cash')."""
        asked: SimulateBody = _validated(SimulateBody, body)
        chosen = [offers.get(i).offer for i in asked.ids] + _offers_from(asked.offers, "offers")
        warnings = all_warnings(chosen, asked.ids, "offers")
        return {**simulate_offers(chosen, asked), "warnings": warnings}

    @router.get("/bands", response_model=None, responses=answers(BandsOut))
    def bands_route(
        store: AppStore,
        company: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
        level: Annotated[str | None, Query(max_length=50)] = None,
        location: Annotated[str | None, Query(max_length=100)] = None,
        title: Annotated[str | None, Query(max_length=100)] = None,
        tag: Annotated[str | None, Query(max_length=100)] = None,
        as_of: Annotated[date | None, Query()] = None,
        min_n: Annotated[int, Query(ge=1, le=10_000)] = 5,
        currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    ) -> JSONResponse:
        """Pay bands: the ``market bands --json`` object. The records band (p10-p90 of base,
        stock, bonus, total) and beside it every source's band (``bands``: records, community
        reports, H-1B filings, official statistics, the guides), each with its age and
        confidence, the ``headline`` and ``why``. ``as_of`` (default today) is the offer's
        start date; with ``currency`` every band is converted with the shipped dated rate
        (named under ``exchange_rate``), or a 4xx when there is none."""
        if company is None and level is not None:
            raise InputError("level needs company (levels are per company)", option="level")
        with market_records(store) as records:
            result = market_evidence(
                records,
                company=company,
                level=level,
                location=location,
                title=title,
                tag=tag,
                as_of=as_of,
                min_n=min_n,
                currency=currency,
                today=today(),
                pool=offer_pool(store),
            )
        # JSON-ready already: encoded as it is (the bytes FastAPI's encoder would give, without
        # its pass over every value, a millisecond a request).
        return JSONResponse(to_object(result.as_json()))

    @router.get("/levels/{company}", response_model=None, responses=answers(LevelsOut))
    def levels_route(company: str) -> dict[str, Any]:
        """A company's level ladder with what the records say about each level."""
        return {"company": company, "levels": to_data(company_levels(company))}

    @router.get("/map", response_model=None, responses=answers(MapOut))
    def map_route(
        company: Annotated[str, Query(min_length=1, max_length=100, alias="from")],
        level: Annotated[str, Query(min_length=1, max_length=50)],
        to: Annotated[str, Query(min_length=1, max_length=100)],
    ) -> dict[str, Any]:
        """The equivalent levels of ``from``:``level`` at ``to``, best first."""
        return to_object(map_level(company, level, to).as_dict())

    return router
