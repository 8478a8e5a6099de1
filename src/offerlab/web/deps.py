"""What the routes share, as FastAPI dependencies: the app's settings and store, the signed-in
session and whose data a request sees, the repositories scoped to it, the request body read
as JSON or as a form, and the market over the store (the web's composition root: the domain's
ports get their store-backed implementations here).

Routes take them through the typed ``Annotated`` aliases at the bottom (``offers: Offers``),
so a handler says what it needs and never reaches into ``request.app.state`` itself.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
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


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def app_settings(request: Request) -> Settings:
    """How the app runs (async: a plain ``def`` dependency would cost a hop to the thread
    pool for reading an attribute)."""
    return _settings(request)


async def app_store(request: Request) -> Store:
    """The app's one open store (async, as :func:`app_settings`)."""
    return _store(request)


def signed_in(request: Request) -> SignedIn | None:
    """The request's session (None in the local app or before sign-in)."""
    found: SignedIn | None = getattr(request.state, "signed_in", None)
    return found


def owner_of(request: Request) -> str:
    """The owner key of the request's data: the account in hosted mode, ``""`` locally."""
    if not _settings(request).hosted:
        return ""
    session = signed_in(request)
    if session is None:
        raise AuthenticationError("sign in first")
    return session.account.owner


def offer_repository(request: Request) -> OfferRepository:
    """The saved offers of this request's user (the local app has one, unnamed)."""
    return OfferRepository(_store(request), owner_of(request))


def shares_if_hosted(request: Request) -> PoolRepository | None:
    """This member's shares in hosted mode; None in the local app (pages then offer none)."""
    if not _settings(request).hosted:
        return None
    return PoolRepository(_store(request), owner_of(request))


def shared_offers(request: Request) -> PoolRepository:
    """This member's shares in the instance's pooled offers (hosted mode only: the local app
    has one user, whose offers would make no market)."""
    shares = shares_if_hosted(request)
    if shares is None:
        raise NotFoundError(
            "offers are shared with a hosted instance's members; this app runs for one user"
        )
    return shares


def offer_pool(store: Store) -> OfferPool:
    """The offers the instance's members pooled, read one cell at a time."""
    return PoolRepository(store)


def prep_repository(request: Request) -> PrepRepository:
    """The prep data of this request's user (the local app has one, unnamed)."""
    return PrepRepository(_store(request), owner_of(request))


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


class QuerySlots:
    """``size`` slots for queries, handed out in the order they were asked for: a thread
    waiting for one sleeps on a lock of its own (``threading``'s locks and semaphores wake
    waiters in no set order, and a query could wait behind any number of later ones)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"{size} query slots: expected 1 or more")
        self._guard = threading.Lock()
        self._free = size
        self._waiting: deque[threading.Lock] = deque()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold a slot (waiting, in turn, for one to be free)."""
        mine: threading.Lock | None = None
        with self._guard:
            if self._free and not self._waiting:
                self._free -= 1
            else:
                mine = threading.Lock()
                mine.acquire()
                self._waiting.append(mine)
        if mine is not None:
            mine.acquire()  # released by the holder that hands this waiter its slot
        try:
            yield
        finally:
            with self._guard:
                if self._waiting:
                    self._waiting.popleft().release()  # the slot goes to the next in line
                else:
                    self._free += 1


_SLOTS: weakref.WeakKeyDictionary[Store, QuerySlots] = weakref.WeakKeyDictionary()
_SLOTS_GUARD = threading.Lock()
#: Market queries one process computes at once over a store whose records are in the SQL
#: database (PostgreSQL): two, so that one's database read overlaps the other's Python.
#: A query read from a cell is ~0.2 ms of the database and ~1-2 ms of Python; more threads
#: at once only take turns at the interpreter lock in no set order, and leave the CPU idle
#: while they do (docs/benchmarks.md, "Hosted at scale": 16 at once served half the requests
#: per second of two, with three times the p99).
MARKET_QUERIES = 2


def _market_slots(store: Store) -> QuerySlots:
    """The store's market query slots: one for records in the DuckDB file (its connection is
    not thread-safe), else :data:`MARKET_QUERIES`."""
    with _SLOTS_GUARD:
        found = _SLOTS.get(store)
        if found is None:
            found = _SLOTS[store] = QuerySlots(1 if store.columnar else MARKET_QUERIES)
        return found


@contextmanager
def market_records(store: Store) -> Iterator[EvidenceSources]:
    """The store's market records and its other evidence (community reports, filings, official
    tables) for one request (hold it only while querying): a cell read once answers again
    from that read."""
    with _market_slots(store).held():
        yield MarketRepository(store, per_query=True)


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
