"""Hosted mode: sign-in, sessions in secure cookies, CSRF tokens, and whose data a request sees.

The local app has one unnamed user (owner ``""``) and none of this runs. With
``Settings(hosted=True)``:

- :class:`SignedInOnly` finds the session named by the ``__Host-offerlab_session`` cookie
  (``Secure``, ``HttpOnly``, ``SameSite=Lax``) and refuses everything else but the sign-in
  page and static files: pages redirect to ``/login``, the API answers 401 in the one error
  shape.
- :func:`csrf_protect` (a dependency of every route) requires the session's CSRF token on every
  state-changing request: the ``csrf_token`` field of a form, or the ``X-CSRF-Token`` header of
  an API call. The sign-in form, made before there is a session, carries a token that must
  match a cookie set with the form (double submit).
- :func:`~offerlab.web.deps.owner_of` is the owner key every repository is scoped to, so
  another user's offer, plan or log is "not found" (404), never "forbidden", which would say
  that it exists.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from offerlab.errors import (
    AuthenticationError,
    ForbiddenError,
    OfferlabError,
    TooManyAttemptsError,
    UnsupportedMediaTypeError,
)
from offerlab.store.account_repository import SESSION_LIFETIME, AccountRepository, SignedIn
from offerlab.validation import validate_document
from offerlab.web.api_models import API_ERRORS, SessionOut, answers, error_body
from offerlab.web.deps import (
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    account_repository,
    read_json,
    signed_in,
)
from offerlab.web.rendering import render_page

__all__ = ["SignedInOnly", "auth_router", "csrf_protect"]

_SIGN_IN = frozenset({"/login", "/api/v1/session"})
_PUBLIC = _SIGN_IN | {"/healthz"}
#: How long a sign-in waits for a free hashing slot before it is refused (429).
HASHING_WAIT_SECONDS = 10
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token (hosted mode)."""
    if request.method in _SAFE or not request.app.state.settings.hosted:
        return
    session = signed_in(request)
    if session is None or (request.method == "POST" and request.url.path in _SIGN_IN):
        # Signing in checks its own: the form's double submit; the API's JSON-only body,
        # which another site's page cannot send without the browser saying where from.
        # Signing out (DELETE /api/v1/session) changes state like any other request.
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, session.csrf_token):
        raise ForbiddenError(
            "this request has no valid CSRF token: reload the page and submit it again "
            f"(API clients send the {CSRF_HEADER} header from GET /api/v1/session)"
        )


@asynccontextmanager
async def hashing_slot(request: Request) -> AsyncIterator[None]:
    """One of the process's ``Settings.max_hashing`` slots for checking or making a password
    hash (argon2id takes ~64 MiB for a moment). A request waits in the event loop, not in a
    thread, for up to :data:`HASHING_WAIT_SECONDS`, then is refused with 429."""
    state = request.app.state
    slots: anyio.Semaphore | None = getattr(state, "hashing", None)
    if slots is None:
        slots = state.hashing = anyio.Semaphore(state.settings.max_hashing)
    acquired = False
    with anyio.move_on_after(HASHING_WAIT_SECONDS):
        await slots.acquire()
        acquired = True
    if not acquired:
        raise TooManyAttemptsError(
            "too many sign-ins at once; try again in a few seconds", retry_after=5
        )
    try:
        yield
    finally:
        slots.release()


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind in {"application/x-www-form-urlencoded", "multipart/form-data"}


class SignedInOnly:
    """Attach the session named by the cookie; refuse anything but public paths without one."""

    def __init__(self, app: ASGIApp, accounts: AccountRepository) -> None:
        self.app = app
        self.accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
        token = cookies.get(SESSION_COOKIE, "")
        session = await anyio.to_thread.run_sync(self.accounts.session, token) if token else None
        scope.setdefault("state", {})["signed_in"] = session
        path: str = scope["path"]
        if session is None and path not in _PUBLIC and not path.startswith("/static/"):
            response: Response
            if path.startswith("/api/"):
                response = JSONResponse(
                    error_body(401, "unauthorized", "sign in first: POST /api/v1/session"),
                    status_code=401,
                )
            elif scope["method"] in _SAFE:
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + (f"?{query}" if query else "")
                response = RedirectResponse(f"/login?next={quote(target, safe='')}", 303)
            else:
                response = RedirectResponse("/login", 303)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _safe_next(target: str) -> str:
    """Only a path on this site (never ``//host`` or ``https://host``): no open redirect."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/offers"


def _set_session_cookie(response: Response, session: SignedIn) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        secure=True,
        httponly=True,
        samesite="lax",
    )


def _client(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


class SignInBody(BaseModel):
    """An API sign-in."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


def _session_json(session: SignedIn) -> dict[str, Any]:
    account = session.account
    return {
        "account": {"id": account.id, "username": account.username, "admin": account.is_admin},
        "csrf_token": session.csrf_token,
        "expires_at": session.expires_at.isoformat(),
    }


def auth_router() -> APIRouter:
    """Sign-in and sign-out pages, and the API's ``/api/v1/session``."""
    router = APIRouter()

    def login_page(
        request: Request, status: int = 200, error: str = "", next_path: str = "/offers"
    ) -> HTMLResponse:
        # One token per browser for the cookie's hour: a second sign-in page (another tab, or
        # the browser's own request for /favicon.ico, sent here) must not void the first.
        token = request.cookies.get(LOGIN_COOKIE, "")
        if not 40 <= len(token) <= 64:
            token = secrets.token_urlsafe(32)
        request.state.login = token
        response = render_page(
            request, "login.html", status, error=error, next_path=_safe_next(next_path)
        )
        response.set_cookie(
            LOGIN_COOKIE, token, max_age=3600, path="/", secure=True, httponly=True,
            samesite="strict",
        )  # fmt: skip
        return response

    @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/offers") -> Response:
        if signed_in(request) is not None:
            return RedirectResponse(_safe_next(next), 303)
        return login_page(request, next_path=next)

    @router.post("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login(
        request: Request,
        username: Annotated[str, Form(max_length=200)] = "",
        password: Annotated[str, Form(max_length=1024)] = "",
        csrf_token: Annotated[str, Form(max_length=100)] = "",
        next: Annotated[str, Form(max_length=2000)] = "/offers",
    ) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(csrf_token, expected):
            return login_page(
                request, 403, "the sign-in form had expired; please sign in again", next
            )
        try:
            async with hashing_slot(request):
                session = await anyio.to_thread.run_sync(
                    account_repository(request).sign_in, username, password, _client(request)
                )
        except TooManyAttemptsError as error:
            refused = login_page(request, 429, error.message, next)
            refused.headers["Retry-After"] = str(error.retry_after)
            return refused
        except OfferlabError as error:
            return login_page(request, error.http_status, error.message, next)
        response = RedirectResponse(_safe_next(next), 303)
        _set_session_cookie(response, session)
        response.delete_cookie(LOGIN_COOKIE, path="/", secure=True, httponly=True)
        return response

    @router.post("/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        token = request.cookies.get(SESSION_COOKIE, "")
        account_repository(request).sign_out(token)
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
        return response

    def account_page(
        request: Request, status: int = 200, errors: dict[str, str] | None = None, done: str = ""
    ) -> HTMLResponse:
        return render_page(
            request, "account.html", status, session=signed_in(request), errors=errors or {},
            done=done,
        )  # fmt: skip

    @router.get("/account", response_class=HTMLResponse, include_in_schema=False)
    def account(request: Request, changed: bool = False) -> HTMLResponse:
        done = "Password changed; your other sessions have ended." if changed else ""
        return account_page(request, done=done)

    @router.post("/account/password", response_class=HTMLResponse, include_in_schema=False)
    async def change_password(
        request: Request,
        current: Annotated[str, Form(max_length=1024)] = "",
        new: Annotated[str, Form(max_length=1024)] = "",
        again: Annotated[str, Form(max_length=1024)] = "",
    ) -> Response:
        if new != again:
            return account_page(request, 422, {"again": "the two new passwords differ"})
        try:
            async with hashing_slot(request):
                await anyio.to_thread.run_sync(
                    account_repository(request).change_password,
                    request.cookies.get(SESSION_COOKIE, ""),
                    current,
                    new,
                    _client(request),
                )
        except TooManyAttemptsError as error:
            refused = account_page(request, 429, {"current": error.message})
            refused.headers["Retry-After"] = str(error.retry_after)
            return refused
        except AuthenticationError as error:
            return account_page(request, 401, {"current": error.message})
        except OfferlabError as error:
            return account_page(request, error.http_status, {"new": error.message})
        return RedirectResponse("/account?changed=true", 303)

    @router.post(
        "/api/v1/session",
        status_code=201,
        tags=["session"],
        response_model=None,
        responses=API_ERRORS | answers(SessionOut, 201),
    )
    async def api_sign_in(request: Request) -> JSONResponse:
        """Sign in (hosted mode): sets the session cookie and returns the CSRF token to send
        as ``X-CSRF-Token`` with every POST, PUT and DELETE."""
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind != "application/json":
            # A form or text/plain body is what another site's page could make a browser send.
            raise UnsupportedMediaTypeError(
                f"sign in with a JSON body (Content-Type: application/json), not {kind or 'none'}"
            )
        body: SignInBody = validate_document(
            SignInBody, await read_json(request), "<body>", "invalid sign-in"
        )
        async with hashing_slot(request):
            session = await anyio.to_thread.run_sync(
                account_repository(request).sign_in, body.username, body.password, _client(request)
            )
        response = JSONResponse(_session_json(session), status_code=201)
        _set_session_cookie(response, session)
        return response

    @router.get(
        "/api/v1/session",
        tags=["session"],
        response_model=None,
        responses=API_ERRORS | answers(SessionOut),
    )
    def api_session(request: Request) -> dict[str, Any]:
        """Who is signed in, the CSRF token and when the session ends."""
        session = signed_in(request)
        if session is None:
            raise AuthenticationError("not signed in: POST /api/v1/session")
        return _session_json(session)

    @router.delete(
        "/api/v1/session",
        status_code=204,
        tags=["session"],
        responses=API_ERRORS | {204: {"description": "signed out"}},
    )
    def api_sign_out(request: Request) -> Response:
        """Sign out: the session ends on the server and its cookie is removed."""
        account_repository(request).sign_out(request.cookies.get(SESSION_COOKIE, ""))
        response = Response(status_code=204)
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True)
        return response

    return router
