"""The app's ASGI guards, outermost first: security headers (with the page's CSP nonce), the
Host allow-list, the same-origin check, the body limit, and stopping work for a client that
has gone. Each refusal is in the one error shape (:func:`offerlab.web.errors.error_body`).
"""

from __future__ import annotations

import math
import secrets
from urllib.parse import unquote_plus

import anyio
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offerlab.errors import PayloadTooLargeError
from offerlab.validation import clip, control_character
from offerlab.web.api_models import error_body

__all__ = [
    "LOOPBACK_HOSTS",
    "BodyLimit",
    "CancelOnDisconnect",
    "HostAllowList",
    "SameOrigin",
    "SecurityHeaders",
    "content_security_policy",
    "host_name",
]

#: The host names the app answers to with no ``--allow-host``: this machine only.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")

#: Paths whose responses may be cached: files that are the same for every user.
_CACHEABLE = ("/static/", "/assets/")


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await JSONResponse(error_body(status, code, message), status_code=status)(scope, no_body, send)


def content_security_policy(nonce: str) -> str:
    """The policy of every response: scripts and styles from this site or carrying the
    request's ``nonce`` (no inline handlers, no eval), nothing from anywhere else."""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """On every response: no MIME sniffing (a JSON error is never run as HTML), no framing,
    a Content-Security-Policy with a fresh nonce (``request.state.csp_nonce``, for the
    page's own script and style elements), and ``Cache-Control: no-store`` on everything but
    static files (pages, API answers and exports hold a user's offers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        cacheable = scope["path"].startswith(_CACHEABLE)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                ]
                if not cacheable and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port, lower case (``[::1]`` keeps its
    brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostAllowList:
    """Answer only requests for an allowed host name (400 otherwise).

    A web page on another site can point its own name at 127.0.0.1 (DNS rebinding) and
    then read and change everything here as "same origin"; the ``Host`` header still
    carries that name, so refusing unknown names stops it. ``allowed`` are the names added
    to :data:`LOOPBACK_HOSTS` (``--allow-host``); ``*`` allows any.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed = frozenset(h.lower() for h in (*LOOPBACK_HOSTS, *allowed))
        self.any = "*" in self.allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.any:
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
        if host_name(raw) not in self.allowed:
            shown = repr(clip(raw, 60)) if raw else "no host"
            await _refuse(
                scope,
                send,
                400,
                "unknown_host",
                f"this server does not answer to {shown}; it answers to "
                f"{', '.join(sorted(self.allowed))} (start it with --allow-host NAME to add one)",
            )
            return
        await self.app(scope, receive, send)


_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SameOrigin:
    """Refuse a state-changing request that a browser says comes from another site (403), and
    any request whose path or query holds a control character such as NUL (400: no route
    means one, and PostgreSQL cannot even compare text holding NUL).

    A page on another site can make the browser POST a form or a ``text/plain`` body to this
    app on localhost; browsers send ``Origin`` with such requests, so comparing it with
    ``Host`` stops them. Clients that send no ``Origin`` (curl, scripts) are not affected.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        bad = control_character(scope["path"]) or control_character(query)
        if bad:
            where = "path" if control_character(scope["path"]) else "query"
            message = f"the request's {where} holds the control character {bad}"
            await _refuse(scope, send, 400, "malformed_request", message)
            return
        if scope["method"] in _UNSAFE:
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin", b"").decode("latin-1")
            host = headers.get(b"host", b"").decode("latin-1")
            if origin and origin.split("://", 1)[-1] != host:
                message = f"a request from {clip(origin, 80)} may not change data here"
                await _refuse(scope, send, 403, "forbidden", message)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with a 413: at once when Content-Length
    says so, else as soon as the streamed (chunked) body passes the limit. The 413 is sent
    from here, whatever the route was doing with the body (a JSON read, a form or a file
    upload); the route then sees the client gone, and nothing it answers is sent."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        too_big = PayloadTooLargeError(f"the request body is over the {self.limit:,}-byte limit")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(scope, send, 413, too_big.code, too_big.message)
            return
        seen = 0
        refused = False
        started = False

        async def limited() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    if not started:
                        # Whole, even if the app has answered and its reader is being
                        # cancelled meanwhile: a half-sent 413 would be no answer at all.
                        with anyio.CancelScope(shield=True):
                            await _refuse(scope, send, 413, too_big.code, too_big.message)
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited, unless_refused)


class CancelOnDisconnect:
    """Stop a request's work when its client goes away before the answer is complete.

    The request body is read for the app by a task of its own, which goes on listening
    after the body: a disconnect cancels the app, so a request that was waiting (for a
    worker thread, the database, the rest of its body) never starts the rest of its work.
    Work already running in a thread finishes, but its answer is dropped. Sits inside
    :class:`BodyLimit`, so what the task reads ahead is bounded.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        forward, inbox = anyio.create_memory_object_stream[Message](max_buffer_size=math.inf)
        complete = False

        async def answered(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            await send(message)

        async def from_inbox() -> Message:
            try:
                return await inbox.receive()
            except anyio.EndOfStream:
                return {"type": "http.disconnect"}

        try:
            async with anyio.create_task_group() as group:

                async def listen() -> None:
                    async with forward:
                        while True:
                            message = await receive()
                            if message["type"] == "http.disconnect":
                                if not complete:
                                    group.cancel_scope.cancel()
                                return
                            try:
                                await forward.send(message)
                            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                                return  # the app has answered without reading it all

                group.start_soon(listen)
                with inbox:
                    await self.app(scope, from_inbox, answered)
                group.cancel_scope.cancel()
        except BaseExceptionGroup as raised:
            # The app's own error, as the app raised it (not wrapped by the task group).
            if len(raised.exceptions) == 1:
                raise raised.exceptions[0] from None
            raise
