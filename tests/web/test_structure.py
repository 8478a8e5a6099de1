"""web/'s shape: every import at the top of its module (none inside a function, where it hid
cycles), and the handlers that touch the store or compute off the event loop."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from offerlab.web import Settings, create_app

WEB = Path(__file__).resolve().parents[2] / "src" / "offerlab" / "web"


def test_no_import_inside_a_function() -> None:
    found = []
    for path in sorted(WEB.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found += [
                    f"{path.name}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, (ast.Import, ast.ImportFrom))
                ]
    assert found == []


def test_only_handlers_that_touch_nothing_blocking_run_on_the_event_loop(tmp_path: Path) -> None:
    app = create_app(Settings(db=f"sqlite:///{tmp_path / 's.sqlite3'}", hosted=True))
    on_the_loop = sorted(
        f"{sorted(route.methods or ())[0]} {route.endpoint.__name__}"
        for route in _routes(app.routes)
        if inspect.iscoroutinefunction(route.endpoint)
    )
    # /evaluate reads no store and computes for well under a millisecond; the sign-in routes
    # wait for a hashing slot on the loop and hash in a thread.
    assert on_the_loop == [
        "POST api_sign_in",
        "POST change_password",
        "POST evaluate_offer",
        "POST login",
    ]


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route, also under included routers (``original_router`` in newer FastAPI)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None) or getattr(route, "routes", None)
        if inner is not None:
            yield from _routes(list(getattr(inner, "routes", inner)))
