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

from pydantic import BaseModel, ConfigDict, Field, RootModel

__all__ = [
    "API_ERRORS",
    "BandsOut",
    "CashSimulationOut",
    "CompareOfferOut",
    "CompareOut",
    "ErrorBody",
    "EvaluateOut",
    "EvaluationOut",
    "LevelsOut",
    "MapOut",
    "NegotiateOut",
    "OfferPage",
    "OfferWarningOut",
    "PooledOfferOut",
    "SessionOut",
    "ShareOut",
    "SimulateOut",
    "StockSimulationOut",
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
    """Gross pay in one offer year, by component (equity at the price assumed as it vests:
    paper value), ``total`` their sum; ``cash`` the money received in the year (equity only
    when sold) and ``exercise_cost`` the strike of the options vesting in it."""

    year: int
    base: float
    bonus: float
    equity: float
    signing: float
    refresher: float
    other: float
    total: float
    exercise_cost: float
    cash: float


class EquityFlagOut(BaseModel):
    """Something in an option grant to check (a 409A above the price assumed, ...)."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(description="the key path, e.g. `equity[0].fmv`")
    grant: str
    message: str


class _OfferTotals(_Out):
    """An offer's totals: ``cash_total`` the money received over the shown years, beside the
    paper totals."""

    name: str
    currency: str
    year1_total: float
    four_year_total: float
    cash_total: float
    annualized_total: float
    steady_state_total: float
    flags: list[EquityFlagOut] | None = None


class EvaluationOut(_OfferTotals):
    """An offer by year and its totals (``offerlab offer show --json``): ``cash_total`` the
    money received over the shown years, beside the paper totals."""

    years: list[YearOut]


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


class CompareYearOut(YearOut):
    """One offer year on paper (``total``), risk-adjusted (``risk_adjusted``: private equity
    at its value by the method) and in cash (``cash``)."""

    risk_adjusted: float


class RiskAdjustedOut(BaseModel):
    """What the method valued: whether some equity is private, its paper value and its value
    by the method over the shown years, and (expected value) the chance it brings no cash."""

    model_config = ConfigDict(extra="forbid")
    private_equity: bool
    private_paper_total: float
    private_value_total: float
    p_no_cash: float | None


class RiskFiguresOut(RiskAdjustedOut):
    """The risk-adjusted measures a negotiation plan compares offers on."""

    year1_total: float
    annualized_total: float
    four_year_total: float
    equity_per_year: float


class GrantTermsOut(BaseModel):
    """A grant in the words recruiters use (``text``) and its figures, prices per share."""

    model_config = ConfigDict(extra="forbid")
    grant: str
    kind: Literal["rsu", "option", "unit"]
    instrument: str = Field(description="ISOs, NSOs, RSUs, units (or the grant's own name)")
    count: float | None = Field(description="shares, options or units")
    value: float | None = Field(description="the grant in money, when given so")
    price: float | None = Field(description="the value per share assumed")
    strike: float | None
    fmv: float | None = Field(description="options: the 409A value per share at grant")
    option_type: Literal["iso", "nso"] | None
    vesting: str
    liquidity: str
    public: bool = Field(description="sold as it vests")
    expiry_years: int | None
    exercise_window_days: int | None
    early_exercise: bool | None
    text: str


class ValuationOut(_Out):
    """How private equity was valued: ``method`` 'expected' (with its scenario: exit_by_year,
    dilution, round_every_months, volatility, drift, paths, seed) or 'haircut' (with
    haircut_pct), its ``name`` and the sentence that states it."""

    method: Literal["expected", "haircut"]
    name: str
    description: str


class CompareOfferOut(_OfferTotals):
    """One offer of a comparison: the ``offer show --json`` object with its risk-adjusted
    value by year and in total, what was valued, and its grants' terms."""

    years: list[CompareYearOut]
    risk_adjusted_total: float
    risk_adjusted: RiskAdjustedOut
    equity_terms: list[GrantTermsOut]
    refresher_terms: str | None


class CompareOut(_Out):
    """Offers side by side (``offerlab offer compare --json``): paper value, risk-adjusted
    value (the method under ``valuation``) and cash, by year and in total."""

    offers: list[CompareOfferOut]
    valuation: ValuationOut
    warnings: list[OfferWarningOut]


class NegotiationValuationOut(ValuationOut):
    """The method competing offers are measured by, and the offer's own figures by it."""

    offer: RiskFiguresOut | None


class NegotiateOut(_Out):
    """The negotiation plan (``offerlab negotiate --json``): each competing offer with its
    risk-adjusted ``value`` and ``equity_terms``; ``valuation`` the method."""

    offer: str
    currency: str
    benchmark: dict[str, Any] | None = None
    competing: list[dict[str, Any]]
    packages: dict[str, Any]
    levers: list[dict[str, Any]]
    email: str
    notes: list[str]
    valuation: NegotiationValuationOut
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


class StockSimulationOut(_Out):
    """Stock-price scenarios (``offerlab offer simulate --json``) of offers whose equity is
    public."""

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


class CashOffer(_Out):
    """One offer under the cash model: the cash received each year and over the horizon, the
    cash its equity turned into, its paper value and the chance it brought no cash."""

    name: str
    currency: str
    private: bool
    years: list[YearSpread]
    cash_total: Spread
    equity_cash: Spread
    paper_equity: float
    p_worth_nothing: float


class CashSimulationOut(_Out):
    """The private-company cash model (``offerlab offer simulate --json`` for offers with
    options or equity that cannot be sold as it vests): ``private`` the scenario."""

    model: Literal["cash"]
    offers: list[CashOffer]
    p_first_beats: list[float]
    break_even: list[dict[str, Any]]
    private: dict[str, Any]
    drift: float
    volatility: float
    correlation: float
    years: int
    paths: int
    seed: int
    description: str
    warnings: list[OfferWarningOut]


class SimulateOut(RootModel[CashSimulationOut | StockSimulationOut]):
    """Scenarios (``offerlab offer simulate --json``): the stock-price model for public
    equity, or the cash model (``model`` 'cash') for private-company equity."""


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


class PooledOfferOut(BaseModel):
    """One offer as the pool keeps it: these fields and no others."""

    model_config = ConfigDict(extra="forbid")

    company: str
    level: str
    title: str
    metro: str
    month: str
    years_of_experience: str | None
    currency: str
    base: float
    bonus: float
    stock_per_year: float
    total: float


class ShareOut(BaseModel):
    """A saved offer's share: what sharing keeps (``preview``; null with ``problem`` when the
    offer cannot be placed in a cell) and what the pool holds for it (``shared``)."""

    model_config = ConfigDict(extra="forbid")

    shared: PooledOfferOut | None
    preview: PooledOfferOut | None
    problem: str | None
    changed_since_shared: bool


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
