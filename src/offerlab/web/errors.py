"""The one JSON error shape, and the handlers that put every 4xx into it.

Every :class:`~offerlab.errors.OfferlabError` owns its HTTP status and code; FastAPI's own
validation errors and Starlette's 404/405 are mapped onto the same shape::

    {"error": {"status": 422, "code": "invalid_input", "message": "...",
               "details": [{"source": "<body>", "location": "equity[0].schedule",
                            "message": "...", "expected": "..."}]}}

Pages get the same information as an HTML page (escaped), API paths as JSON.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from offerlab.errors import OfferlabError, TooManyAttemptsError
from offerlab.web.api_models import error_body
from offerlab.web.rendering import render_error

__all__ = ["API_PREFIX", "error_body", "install_error_handlers"]

API_PREFIX = "/api/"
_log = logging.getLogger(__name__)

_CODES = {
    400: "malformed_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _respond(request: Request, status: int, body: dict[str, Any]) -> Response:
    if request.url.path.startswith(API_PREFIX) or "text/html" not in request.headers.get(
        "accept", ""
    ):
        return JSONResponse(body, status_code=status)
    return render_error(request, status, body["error"])


async def _offerlab_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, OfferlabError)
    body = error_body(error.http_status, error.code, _first_line(error), error.details())
    response = _respond(request, error.http_status, body)
    if isinstance(error, TooManyAttemptsError):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _first_line(error: OfferlabError) -> str:
    summary = getattr(error, "summary", None)
    return str(summary) if summary else error.message


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    details = []
    for item in error.errors():
        loc = list(item.get("loc", ()))
        source = f"<{loc.pop(0)}>" if loc and loc[0] in {"body", "query", "path"} else "<request>"
        details.append(
            {
                "source": source,
                "location": _location(loc),
                "message": str(item.get("msg", "is not valid")),
                "expected": "",
            }
        )
    count = len(details)
    body = error_body(422, "invalid_input", f"{count} problem{'s' if count != 1 else ''} found")
    body["error"]["details"] = details
    return _respond(request, 422, body)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    status = error.status_code
    code = _CODES.get(status, "error")
    message = str(error.detail) if error.detail else code.replace("_", " ")
    if status == 404 and message == "Not Found":
        message = f"no such page or resource: {request.url.path}"
    if status == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    response = _respond(request, status, error_body(status, code, message))
    for key, value in (error.headers or {}).items():
        response.headers[key] = value
    return response


async def _client_gone(request: Request, error: Exception) -> Response:
    # Nobody is left to read an answer, and nothing went wrong here: one quiet line.
    _log.info("client left during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def _unexpected(request: Request, error: Exception) -> Response:
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    body = error_body(500, "internal_error", "an unexpected error; it has been logged")
    return _respond(request, 500, body)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the one shape."""
    app.add_exception_handler(OfferlabError, _offerlab_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected)
