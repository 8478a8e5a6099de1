"""What the routes share, as FastAPI dependencies: the app's settings and store, the signed-in
session and whose data a request sees, the repositories scoped to it, the request body read
as JSON or as a form, and the market over the store (the web's composition root: the domain's
ports get their store-backed implementations here).

Routes take them through the typed ``Annotated`` aliases at the bottom (``offers: Offers``),
so a handler says what it needs and never reaches into ``request.app.state`` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from offerlab.errors import (
    AuthenticationError,
    MalformedDocumentError,
    MalformedRequestError,
    NotFoundError,
)
from offerlab.market.ports import EvidenceSources, OfferPool
from offerlab.negotiate.band import MarketView
from offerlab.negotiate.service import RecordsMarketView
from offerlab.store import MarketRepository, Store
from offerlab.store.account_repository import AccountRepository, SignedIn
from offerlab.store.offer_repository import OfferRepository
from offerlab.store.pool_repository import PoolRepository
from offerlab.store.prep_repository import PrepRepository
from offerlab.validation import parse_document
from offerlab.web.settings import Settings

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "Accounts",
    "AppSettings",
    "AppStore",
    "Form",
    "JsonBody",
    "MaybeShares",
    "Offers",
    "Owner",
    "PrepData",
    "Session",
    "Shares",
    "app_settings",
    "app_store",
    "market_records",
    "market_view",
    "offer_pool",
    "owner_of",
    "read_form",
    "read_json",
    "signed_in",
]

#: The session cookie. ``__Host-`` makes browsers insist on Secure, Path=/ and no Domain.
SESSION_COOKIE = "__Host-offerlab_session"
#: The sign-in form's double-submit CSRF cookie.
LOGIN_COOKIE = "__Host-offerlab_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def app_settings(request: Request) -> Settings:
    """How the app runs."""
    settings: Settings = request.app.state.settings
    return settings


def app_store(request: Request) -> Store:
    """The app's one open store."""
    store: Store = request.app.state.store
    return store


def signed_in(request: Request) -> SignedIn | None:
    """The request's session (None in the local app or before sign-in)."""
    found: SignedIn | None = getattr(request.state, "signed_in", None)
    return found


def owner_of(request: Request) -> str:
    """The owner key of the request's data: the account in hosted mode, ``""`` locally."""
    if not app_settings(request).hosted:
        return ""
    session = signed_in(request)
    if session is None:
        raise AuthenticationError("sign in first")
    return session.account.owner


def offer_repository(request: Request) -> OfferRepository:
    """The saved offers of this request's user (the local app has one, unnamed)."""
    return OfferRepository(app_store(request), owner_of(request))


def shared_offers(request: Request) -> PoolRepository:
    """This member's shares in the instance's pooled offers (hosted mode only: the local app
    has one user, whose offers would make no market)."""
    if not app_settings(request).hosted:
        raise NotFoundError(
            "offers are shared with a hosted instance's members; this app runs for one user"
        )
    return PoolRepository(app_store(request), owner_of(request))


def shares_if_hosted(request: Request) -> PoolRepository | None:
    """This member's shares in hosted mode; None in the local app (pages then offer none)."""
    if not app_settings(request).hosted:
        return None
    return PoolRepository(app_store(request), owner_of(request))


def offer_pool(store: Store) -> OfferPool:
    """The offers the instance's members pooled, read one cell at a time."""
    return PoolRepository(store)


def prep_repository(request: Request) -> PrepRepository:
    """The prep data of this request's user (the local app has one, unnamed)."""
    return PrepRepository(app_store(request), owner_of(request))


def account_repository(request: Request) -> AccountRepository:
    """The accounts (hosted mode only: the app makes them with the store)."""
    accounts: AccountRepository = request.app.state.accounts
    return accounts


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


async def read_form(request: Request) -> FormData:
    """The body as a form (read on the event loop, so the handler can run in a thread)."""
    return await request.form()


_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _market_lock(store: Store) -> Iterator[None]:
    """One market query at a time per store (the DuckDB connection is not thread-safe)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(id(store), threading.Lock())
    with lock:
        yield


@contextmanager
def market_records(store: Store) -> Iterator[EvidenceSources]:
    """The store's market records and its other evidence (community reports, filings, official
    tables), one query at a time (hold it only while querying)."""
    with _market_lock(store):
        yield MarketRepository(store)


@contextmanager
def market_view(store: Store) -> Iterator[MarketView]:
    """The negotiation planner's market over the store, one query at a time."""
    with market_records(store) as records:
        yield RecordsMarketView(records, pool=offer_pool(store))


AppSettings = Annotated[Settings, Depends(app_settings)]
AppStore = Annotated[Store, Depends(app_store)]
Session = Annotated[SignedIn | None, Depends(signed_in)]
Owner = Annotated[str, Depends(owner_of)]
Offers = Annotated[OfferRepository, Depends(offer_repository)]
PrepData = Annotated[PrepRepository, Depends(prep_repository)]
Shares = Annotated[PoolRepository, Depends(shared_offers)]
MaybeShares = Annotated[PoolRepository | None, Depends(shares_if_hosted)]
Accounts = Annotated[AccountRepository, Depends(account_repository)]
JsonBody = Annotated[Any, Depends(read_json)]
Form = Annotated[FormData, Depends(read_form)]
