"""The app factory: ``create_app(settings)`` builds one FastAPI app over one store.

No module-level app: ``offerlab serve`` and the tests each build their own. The web package is
a graph without cycles: ``settings`` and ``api_models`` are leaves; ``deps`` (what routes
share), then ``rendering``, ``paging``, ``documents`` and ``charts``; the routers (``api``,
``pages``, ``prep_pages``, ``auth``) build on those; this module imports the routers.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from offerlab.store import Store
from offerlab.store.account_repository import AccountRepository
from offerlab.web.api import api_router
from offerlab.web.auth import SignedInOnly, auth_router, csrf_protect
from offerlab.web.errors import install_error_handlers
from offerlab.web.guards import (
    BodyLimit,
    CancelOnDisconnect,
    HostAllowList,
    SameOrigin,
    SecurityHeaders,
)
from offerlab.web.pages import page_router
from offerlab.web.prep_pages import prep_router
from offerlab.web.rendering import render_page, templates
from offerlab.web.settings import SETTINGS_ENV, Settings

__all__ = [
    "SETTINGS_ENV",
    "STATIC",
    "Settings",
    "app_from_env",
    "create_app",
    "hoist_defs",
]

STATIC = Path(__file__).with_name("static")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: pages, ``/api/v1`` and static files over the store ``settings.db``."""
    settings = settings or Settings()
    store = Store(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Everything loaded so far (the app, its libraries) lives as long as the server:
        # frozen, the garbage collector's full passes skip it. Unfrozen, a full pass walks
        # ~130,000 objects for ~40-70 ms, stalling every request in flight (the p99 latency).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            store.close()

    app = FastAPI(
        dependencies=[Depends(csrf_protect)],
        title="offerlab",
        version="1",
        summary="Understand, benchmark and negotiate a tech job offer.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; ours is vendored
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.store = store
    app.state.templates = templates()
    install_error_handlers(app)
    if settings.hosted:
        app.state.accounts = AccountRepository(store)
        app.include_router(auth_router())
    app.include_router(api_router(), prefix="/api/v1")
    app.include_router(page_router())
    app.include_router(prep_router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/offers", status_code=303)

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        # Swagger UI, vendored, started by static/api-docs.js (FastAPI's page loads it from a
        # CDN and starts it with an inline script, which the Content-Security-Policy refuses).
        return render_page(request, "api_docs.html")

    # Outermost last: headers on every answer, then the host, the origin, the body's size.
    if settings.hosted:
        app.add_middleware(SignedInOnly, accounts=app.state.accounts)
    app.add_middleware(CancelOnDisconnect)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SameOrigin)
    app.add_middleware(HostAllowList, allowed=tuple(settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = hoist_defs(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """``create_app`` over the settings in ``$OFFERLAB_SERVE_SETTINGS``: the factory each
    uvicorn worker process of ``offerlab serve --workers N`` calls (it needs an import path)."""
    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise RuntimeError(f"${SETTINGS_ENV} is not set; start the app with `offerlab serve`")
    values = json.loads(raw)
    values["allowed_hosts"] = tuple(values.get("allowed_hosts", ()))
    return create_app(Settings(**values))


def hoist_defs(document: dict[str, Any]) -> dict[str, Any]:
    r"""Move the ``$defs`` of request-body JSON Schemas into ``components.schemas`` and point
    their ``$ref``\ s there, so OpenAPI tools resolve them."""
    found: dict[str, Any] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            defs = node.pop("$defs", None)
            if isinstance(defs, dict):
                for name, schema in defs.items():
                    found[name] = walk(schema)
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                    value = "#/components/schemas/" + value.removeprefix("#/$defs/")
                out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    paths = walk(document.get("paths", {}))
    document["paths"] = paths
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in found.items():
        components.setdefault(name, schema)
    return document
