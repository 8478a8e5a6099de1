"""Hostile input to every route: no answer is a 5xx, every API error is in the one shape, and
nothing is logged as an error, whatever a request holds.

The routes come from the app (``app.routes``), the query parameters from each route's
declaration, the form fields from the forms the app renders, and the JSON keys from the
OpenAPI request bodies, so a new route, parameter or field is covered without editing this
file. Shapes: an integer of 5,000 digits, JSON nested 1,000 deep, a value nested 400 deep
inside a valid body, TOML and JSON nested 1,000 deep (form and file upload), NUL characters,
10,000-character text, and a chunked body over the size limit. Each runs on SQLite and
PostgreSQL, in local and hosted mode.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from offerlab.store.account_repository import AccountRepository
from offerlab.web import Settings, create_app
from tests.web.conftest import offer_body
from tests.web.test_api import ERROR_KEYS

MAX_BODY = 64 * 1024
PASSWORD = "a long enough pass phrase"
DEEP = 1000
#: The longest answer a hostile request may get: an error says what was wrong, briefly.
MAX_ANSWER = 64 * 1024


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


BIG_INT = "9" * 5000
DEEP_JSON = "[" * DEEP + "]" * DEEP
DEEP_TOML = "x = " + "[" * DEEP + "]" * DEEP + "\n"
TEXT_VALUES = ["a\x00b", "\x00", "x" * 10_000, BIG_INT, "[" * DEEP, "\u00b2", "1\u0660"]


@dataclass
class Target:
    """An app under attack and a client allowed to use it (signed in when hosted)."""

    app: FastAPI
    client: TestClient
    hosted: bool
    offer_id: int
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    seen: list[tuple[str, str, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@pytest.fixture(
    params=[
        pytest.param(("sqlite", False), id="local-sqlite"),
        pytest.param(("postgres", False), id="local-postgres", marks=pytest.mark.postgres),
        pytest.param(("sqlite", True), id="hosted-sqlite"),
        pytest.param(("postgres", True), id="hosted-postgres", marks=pytest.mark.postgres),
    ]
)
def target(request: pytest.FixtureRequest, tmp_path: Path, examples: Path) -> Iterator[Target]:
    backend, hosted = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'hostile.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
    settings = Settings(db=url, hosted=hosted, max_body_bytes=MAX_BODY)
    app = create_app(settings)
    base = "https://127.0.0.1" if hosted else "http://127.0.0.1"
    with TestClient(app, base_url=base, raise_server_exceptions=False) as client:
        headers: dict[str, str] = {}
        form: dict[str, str] = {}
        if hosted:
            accounts: AccountRepository = app.state.accounts
            accounts.add("mallory", PASSWORD)
            signed = client.post(
                "/api/v1/session", json={"username": "mallory", "password": PASSWORD}
            )
            assert signed.status_code == 201, signed.text
            token = signed.json()["csrf_token"]
            headers = {"X-CSRF-Token": token}
            form = {"csrf_token": token}
        body = offer_body(examples / "google-l5-kirkland.toml")
        created = client.post("/api/v1/offers", json=body, headers=headers)
        assert created.status_code == 201, created.text
        yield Target(app, client, hosted, created.json()["id"], headers, form)


def routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """Every (method, path, route) the app serves, from the app itself; deletions last, so
    the saved offer stays for the others."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            for method in sorted(set(route.methods or ()) - {"HEAD"}):
                found.append((method, context.path, route))
    return sorted(found, key=lambda item: item[0] == "DELETE" or "delete" in item[1])


def concrete(path: str, target: Target) -> str:
    """``path`` with its parameters filled in (a saved offer, a known company)."""
    return re.sub(
        r"\{(\w+)\}",
        lambda m: str(target.offer_id) if m.group(1).endswith("id") else "Google",
        path,
    )


#: Good values for form fields a page leaves blank, so that one hostile field at a time
#: meets an otherwise valid form (and would be stored if nothing refused it).
SAMPLES = {
    "name": "plan-a",
    "company": "Google",
    "title": "SWE III",
    "level": "L5",
    "location": "Kirkland, WA",
    "base": "198000",
    "problem": "LRU cache",
    "minutes": "30",
    "mistake": "off by one",
    "interview_date": (date.today() + timedelta(days=60)).isoformat(),
    "hours_per_week": "6",
    "username": "mallory",
    "password": PASSWORD,
    "current": PASSWORD,
    "new": "another long pass phrase",
    "again": "another long pass phrase",
}


def forms(target: Target) -> dict[str, dict[str, str]]:
    """Every form on the app's pages that posts (by its action), with each field's good
    value: the page's own (``value``, the first option) or a sample."""
    pages = ["/offers", "/offers/new", f"/offers/{target.offer_id}", "/prep", "/market"]
    pages += ["/account", "/login"] if target.hosted else []
    found: dict[str, dict[str, str]] = {}
    for page in pages:
        html = target.client.get(page).text
        for action, inner in re.findall(
            r'<form[^>]*method="post"[^>]*action="([^"]+)"(.*?)</form>', html, re.S
        ):
            fields = found.setdefault(action, {})
            for name, rest in re.findall(
                r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"'
                r'([^>]*>(?:\s*<option[^>]*value="[^"]*")?)',
                inner,
            ):
                value = re.search(r'value="([^"]*)"', rest)
                fields.setdefault(name, (value.group(1) if value else "") or SAMPLES.get(name, ""))
            fields.pop("csrf_token", None)
    return found


def json_keys(app: FastAPI) -> set[str]:
    """Every top-level key of every JSON request body in the OpenAPI document."""
    keys: set[str] = {"company", "username", "password"}
    document = app.openapi()
    for operations in document["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            keys.update(schema.get("properties", {}))
    return keys


def check(target: Target, method: str, path: str, response: Any) -> None:
    """Record what is wrong with ``response`` (every failure is reported at the end)."""
    target.seen.append((method, path, response.status_code))
    where = f"{method} {path}: {response.status_code} {response.text[:200]!r}"
    if response.status_code >= 500:
        target.failures.append(f"server error: {where}")
    if len(response.content) > MAX_ANSWER:
        target.failures.append(f"{len(response.content):,}-byte answer: {where}")
    is_json = response.headers.get("content-type", "").startswith("application/json")
    if response.status_code >= 400 and (path.startswith("/api/") or is_json):
        try:
            body = response.json()
        except ValueError:
            body = {}
        if set(body) != {"error"} or set(body["error"]) != ERROR_KEYS:
            target.failures.append(f"not the error shape: {where}")
        elif body["error"]["status"] != response.status_code:
            target.failures.append(f"status differs: {where}")


def send(target: Target, method: str, path: str, **kwargs: Any) -> None:
    headers = {**target.headers, **kwargs.pop("headers", {})}
    response = target.client.request(method, path, headers=headers, **kwargs)
    check(target, method, path, response)


def test_no_hostile_request_gets_a_server_error(
    target: Target, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = target.app
    posting = forms(target)
    fields = {name: value for form in posting.values() for name, value in form.items()}
    assert {"/offers/new", "/prep/practice", "/prep/plan", "/offers/import"} <= set(posting)
    keys = json_keys(app)
    assert {"sections", "company", "problem", "file"} <= set(fields)
    assert {"ids", "offers", "years", "company", "base"} <= keys
    unsafe = [(m, p) for m, p, _ in routes(app) if m in {"POST", "PUT", "DELETE", "PATCH"}]
    assert len(unsafe) >= 10

    # Query parameters, on every route that declares any.
    for method, template, route in routes(app):
        path = concrete(template, target)
        for param in route.dependant.query_params:
            for value in TEXT_VALUES:
                send(target, method, path, params={param.alias: value})

    # Bodies, to every route that changes state (they are the ones that read one).
    chunk = b"x" * 8192
    for method, template in unsafe:
        path = concrete(template, target)
        json_body = {"headers": {"content-type": "application/json"}}
        for text in (
            '{"base": ' + BIG_INT + "}",
            "[" + BIG_INT + "]",
            DEEP_JSON,
            '{"a": ' * DEEP + "1" + "}" * DEEP,
            '{"x": "\\u0000"}',
            "\x00",
            '"' + "x" * 60_000 + '"',
        ):
            send(target, method, path, content=text.encode(), **json_body)
        for key in sorted(keys):
            for value in (nested(400), "a\x00b", "x" * 10_000, nested(30, {"k": 1})):
                send(target, method, path, json={key: value, "password": "x"})
        send(
            target, method, path, content=iter([chunk] * (MAX_BODY // len(chunk) + 2)),
            **json_body,
        )  # fmt: skip
        for value in [*TEXT_VALUES, DEEP_TOML, "[[equity]]\nvalue = " + BIG_INT]:
            send(target, method, path, data=dict.fromkeys(fields, value) | target.form)
            good = posting.get(path, {})
            for name in good:  # one field at a time, the form's others good
                send(target, method, path, data=good | {name: value} | target.form)
        for name, content in (
            ("deep.toml", DEEP_TOML),
            ("deep.json", DEEP_JSON),
            ("big.toml", "base = " + BIG_INT),
            ("big.json", '{"base": ' + BIG_INT + "}"),
            ("nul.toml", 'company = "a\\u0000b"'),
            ("nul\x00.toml", "x = 1"),
            ("long.toml", 'company = "' + "x" * 10_000 + '"'),
            ("deep-values.json", json.dumps({"company": nested(400)})),
        ):
            send(target, method, path, files={"file": (name, content.encode())}, data=target.form)

    assert not target.failures, "\n".join(sorted(set(target.failures))[:30])
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[0].getMessage()[:500]
    assert all(len(r.getMessage()) < 10_000 for r in caplog.records)
    statuses = {status for *_, status in target.seen}
    assert {400, 413, 422} <= statuses, statuses


def test_no_account_is_needed_to_be_refused_politely(tmp_path: Path) -> None:
    """Hosted mode's public routes (sign-in) take hostile bodies from anyone."""
    app = create_app(Settings(db=f"sqlite:///{tmp_path / 'h.sqlite3'}", hosted=True))
    with TestClient(app, base_url="https://127.0.0.1", raise_server_exceptions=False) as client:
        target = Target(app, client, True, 0)
        for body in (
            {"username": nested(400), "password": "x"},
            {"username": "a\x00b", "password": "x"},
            {"username": "mallory", "password": "\x00"},
            {"username": "x" * 10_000, "password": "x"},
        ):
            send(target, "POST", "/api/v1/session", json=body)
        for text in ('{"username": ' + BIG_INT + "}", DEEP_JSON):
            send(
                target, "POST", "/api/v1/session", content=text.encode(),
                headers={"content-type": "application/json"},
            )  # fmt: skip
        login = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token
        for value in TEXT_VALUES:
            form = {"username": value, "password": value, "next": value}
            send(target, "POST", "/login", data=form | {"csrf_token": token.group(1)})
        assert not target.failures, "\n".join(sorted(set(target.failures))[:30])
