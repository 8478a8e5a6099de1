"""The API's answers as Pydantic models, for the OpenAPI document: the one error shape on
every 4xx, and a typed body for every 2xx, so a generated client (and Schemathesis, which the
tests run) can check what the server sends. A leaf module (it imports nothing of the app), so
the guards, the error handlers and the routes all take the error shape from here.

The routes return the services' JSON objects as they are (the CLI's ``--json`` output), not
these models: a model here documents that object, and a test checks every answer against it.
Amounts are JSON numbers (exact decimals, written as integers when whole). Objects allow
keys beyond those listed, so a report that gains a key stays valid for older clients.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "API_ERRORS",
    "BandsOut",
    "CompareOut",
    "ErrorBody",
    "EvaluateOut",
    "EvaluationOut",
    "LevelsOut",
    "MapOut",
    "NegotiateOut",
    "OfferPage",
    "OfferWarningOut",
    "SessionOut",
    "SimulateOut",
    "StoredOffer",
    "answers",
    "error_body",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    """One located problem."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(description="the file, `<body>`, `<query>` or `form`")
    location: str = Field(description="a key path (`equity[0].schedule`) or `line 7, column 3`")
    message: str
    expected: str


class ErrorInfo(BaseModel):
    """What went wrong."""

    model_config = ConfigDict(extra="forbid")
    status: int = Field(description="the HTTP status, repeated")
    code: str = Field(description="e.g. invalid_input, not_found, payload_too_large")
    message: str
    details: list[ErrorDetail]


class ErrorBody(BaseModel):
    """The one error shape of every 4xx."""

    model_config = ConfigDict(extra="forbid")
    error: ErrorInfo


_WHEN = {
    400: "malformed_request: the body is not JSON (or not UTF-8, or nested too deep); "
    "unknown_host: a Host this server does not answer to",
    401: "unauthorized: hosted mode, not signed in",
    403: "forbidden: another site's Origin, or (hosted) no valid CSRF token",
    404: "not_found: no such saved offer, company or path",
    405: "method_not_allowed",
    413: "payload_too_large: the body is over the limit",
    415: "unsupported_media_type: sign-in with a body that is not JSON",
    422: "invalid_input (or invalid_money, currency_mismatch): located problems",
    429: "too_many_requests: too many failed sign-ins, or too many at once (Retry-After)",
}

#: The error responses of every API route, all in the one shape.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": when} for status, when in _WHEN.items()
}


def error_body(
    status: int, code: str, message: str, details: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The one error shape (:class:`ErrorBody`) as JSON-ready data."""
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def answers(model: type[BaseModel], status: int = 200) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route whose ``status`` answer is ``model`` (documentation; the
    route returns the object the model describes)."""
    return {status: {"model": model, "description": model.__doc__ or ""}}


class OfferWarningOut(BaseModel):
    """A key of a valid offer that probably does not say what was meant (a fraction for a
    percent, a monthly base, ...; see docs/offers.md, "Plausibility warnings")."""

    model_config = ConfigDict(extra="forbid")
    file: str = Field(description="the offer it is about: `<body>`, `<body>.offers[0]`, `offer 3`")
    key: str = Field(description="the key path, e.g. `bonus_target_pct`")
    message: str = Field(description="what looks wrong")
    likely: str = Field(description="the likely intent")


class YearOut(_Out):
    """Gross pay in one offer year, by component."""

    year: int
    base: float
    bonus: float
    equity: float
    signing: float
    refresher: float
    other: float
    total: float


class EvaluationOut(_Out):
    """An offer by year and its totals (``offerlab offer show --json``)."""

    name: str
    currency: str
    years: list[YearOut]
    year1_total: float
    four_year_total: float
    annualized_total: float
    steady_state_total: float


class EvaluateOut(EvaluationOut):
    """An offer by year and its totals, with its plausibility warnings (``offerlab offer show
    --json``)."""

    warnings: list[OfferWarningOut]


class StoredOffer(_Out):
    """A saved offer: its id, times (ISO 8601), the offer with the offer file's keys and its
    plausibility warnings."""

    id: int
    name: str
    created_at: str
    updated_at: str
    offer: dict[str, Any]
    warnings: list[OfferWarningOut]


class OfferPage(_Out):
    """A page of saved offers, oldest first; ``next`` is the cursor of the next page."""

    offers: list[StoredOffer]
    next: str | None


class CompareOut(_Out):
    """Offers side by side (``offerlab offer compare --json``)."""

    offers: list[EvaluationOut]
    warnings: list[OfferWarningOut]


class NegotiateOut(_Out):
    """The negotiation plan (``offerlab negotiate --json``)."""

    offer: str
    currency: str
    benchmark: dict[str, Any] | None = None
    competing: list[dict[str, Any]]
    packages: dict[str, Any]
    levers: list[dict[str, Any]]
    email: str
    notes: list[str]
    warnings: list[OfferWarningOut]


class Spread(_Out):
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float
    mean: float


class YearSpread(Spread):
    year: int


class SimulatedOffer(_Out):
    name: str
    currency: str
    four_year_total: Spread
    years: list[YearSpread]


class SimulateOut(_Out):
    """Stock-price scenarios (``offerlab offer simulate --json``)."""

    offers: list[SimulatedOffer]
    p_first_beats: list[float | None]
    break_even: list[dict[str, Any]]
    drift: float
    volatility: float
    correlation: float
    paths: int
    seed: int
    model: str
    warnings: list[OfferWarningOut]


class EvidenceBandOut(_Out):
    """One source's band: what it measures, n, its dates and age, its confidence, and p10-p90
    (or a stated range) of base and total, in ``currency``."""

    source: str
    kind: Literal["official", "records", "community", "guide", "pooled"]
    label: str
    currency: str
    measures: Literal["total", "base"]
    n: int | None = None
    median_date: str | None = None
    age_years: float
    confidence: Literal["high", "medium", "low"]
    restated: dict[str, Any] | None = None
    base: dict[str, Any] | None = None
    total: dict[str, Any] | None = None


class BandsOut(_Out):
    """Pay bands (``offerlab market bands --json``): the records band (p10-p90 of base, stock,
    bonus, total) and every source's band side by side, the headline and why."""

    n: int
    base: dict[str, Any] | None = None
    stock: dict[str, Any] | None = None
    bonus: dict[str, Any] | None = None
    total: dict[str, Any] | None = None
    filters: dict[str, Any]
    sources: list[dict[str, Any]]
    shown: bool
    message: str
    as_of: str
    currency: str | None = None
    headline: int | None = None
    why: str
    bands: list[EvidenceBandOut]
    notes: list[str]


class LevelOut(_Out):
    company: str
    level: str
    n: int
    median_total: float | None = None


class LevelsOut(_Out):
    """A company's level ladder with what the records say about each level."""

    company: str
    levels: list[LevelOut]


class MapOut(_Out):
    """Equivalent levels at another company, best first (``offerlab market map --json``)."""

    to_company: str
    to: list[dict[str, Any]]
    evidence: dict[str, Any]


class AccountOut(_Out):
    id: int
    username: str
    admin: bool


class SessionOut(_Out):
    """The signed-in account, the CSRF token for ``X-CSRF-Token`` and when the session ends."""

    account: AccountOut
    csrf_token: str
    expires_at: str
