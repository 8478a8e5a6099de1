"""Hosted mode on PostgreSQL: accounts, secure session cookies, CSRF tokens, sign-in limits,
and each user seeing and changing only their own offers, plans and logs (another's is 404)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from offerlab.store.account_repository import MAX_FAILURES_PER_ACCOUNT, AccountRepository
from offerlab.store.prep_repository import PrepRepository
from offerlab.web import Settings, create_app
from tests.web.serving import serving
from tests.web.test_pages import FORM

pytestmark = pytest.mark.postgres

PASSWORD = {"alice": "alice's long pass phrase", "bob": "bob's other pass phrase"}


@pytest.fixture
def hosted(pg_url: str) -> Iterator[FastAPI]:
    """A hosted app on a fresh PostgreSQL schema with two accounts, alice and bob."""
    # Served under its public name (a proxy passes it on), allowed with --allow-host.
    settings = Settings(
        db=pg_url, hosted=True, max_body_bytes=64 * 1024, allowed_hosts=("testserver",)
    )
    app = create_app(settings)
    accounts: AccountRepository = app.state.accounts
    for name, password in PASSWORD.items():
        accounts.add(name, password)
    yield app
    app.state.store.close()


def _client(app: FastAPI) -> TestClient:
    # https: the session cookie is Secure, so a client only sends it back over TLS.
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


def api_client(app: FastAPI, name: str) -> tuple[TestClient, dict[str, str]]:
    """A client signed in through the API, and the CSRF header its writes need."""
    client = _client(app)
    response = client.post("/api/v1/session", json={"username": name, "password": PASSWORD[name]})
    assert response.status_code == 201, response.text
    return client, {"X-CSRF-Token": response.json()["csrf_token"]}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries no CSRF token"
    return match.group(1)


def page_client(app: FastAPI, name: str) -> tuple[TestClient, str]:
    """A client signed in through the sign-in form, and the CSRF token its forms carry."""
    client = _client(app)
    form = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": name,
            "password": PASSWORD[name],
            "csrf_token": _csrf(form.text),
            "next": "/offers",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/offers"
    return client, _csrf(client.get("/offers").text)


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "details"}
    error: dict[str, Any] = body["error"]
    assert error["status"] == status
    return error


def test_nothing_but_sign_in_without_a_session(hosted: FastAPI):
    client = _client(hosted)
    page = client.get("/offers/3?x=1", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Foffers%2F3%3Fx%3D1"
    for method, path in [
        ("GET", "/api/v1/offers"),
        ("POST", "/api/v1/evaluate"),
        ("GET", "/api/v1/bands?company=Microsoft"),
        ("GET", "/api/v1/session"),
    ]:
        error = _error(client.request(method, path, json={}), 401)
        assert error["code"] == "unauthorized"
    posted = client.post("/offers/new", data=FORM, follow_redirects=False)
    assert posted.status_code == 303
    assert posted.headers["location"] == "/login"
    assert client.get("/login").status_code == 200
    assert client.get("/static/offerlab.css").status_code == 200


def test_session_cookie_is_secure_http_only_and_same_site(hosted: FastAPI):
    client = _client(hosted)
    response = client.post(
        "/api/v1/session", json={"username": "Alice", "password": PASSWORD["alice"]}
    )
    assert response.status_code == 201
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-offerlab_session=")
    for attribute in ("Secure", "HttpOnly", "SameSite=lax", "Path=/"):
        assert attribute in cookie
    assert "Domain" not in cookie
    body = response.json()
    assert body["account"]["username"] == "alice"
    assert client.get("/api/v1/session").json()["csrf_token"] == body["csrf_token"]
    # The database keeps only a digest of the token: the cookie's value is not in it.
    token = client.cookies.get("__Host-offerlab_session")
    assert token
    assert len(token) >= 40
    with hosted.state.store.engine.connect() as conn:
        from sqlalchemy import text

        digests = [row[0] for row in conn.execute(text("SELECT token_digest FROM sessions"))]
    assert digests
    assert token not in digests


def test_wrong_password_and_unknown_account_get_the_same_answer(hosted: FastAPI):
    client = _client(hosted)
    wrong = client.post("/api/v1/session", json={"username": "alice", "password": "nope"})
    unknown = client.post("/api/v1/session", json={"username": "mallory", "password": "nope"})
    assert _error(wrong, 401)["message"] == _error(unknown, 401)["message"]
    assert "wrong account name or password" in wrong.json()["error"]["message"]
    plain = client.post(
        "/api/v1/session",
        content=b'{"username": "alice", "password": "x"}',
        headers={"content-type": "text/plain"},
    )
    assert _error(plain, 415)["code"] == "unsupported_media_type"
    extra = client.post("/api/v1/session", json={"username": "a", "password": "b", "x": 1})
    assert _error(extra, 422)["details"][0]["location"] == "x"


def test_another_users_offer_is_not_found_through_the_api(hosted: FastAPI, google: dict[str, Any]):
    alice, alice_csrf = api_client(hosted, "alice")
    bob, bob_csrf = api_client(hosted, "bob")
    created = alice.post("/api/v1/offers", json=google, headers=alice_csrf)
    assert created.status_code == 201
    offer_id = created.json()["id"]

    _error(bob.get(f"/api/v1/offers/{offer_id}"), 404)
    _error(bob.put(f"/api/v1/offers/{offer_id}", json=google, headers=bob_csrf), 404)
    _error(bob.delete(f"/api/v1/offers/{offer_id}", headers=bob_csrf), 404)
    _error(bob.post("/api/v1/compare", json={"ids": [offer_id, offer_id]}, headers=bob_csrf), 404)
    _error(bob.post("/api/v1/negotiate", json={"id": offer_id}, headers=bob_csrf), 404)
    _error(bob.post("/api/v1/simulate", json={"ids": [offer_id]}, headers=bob_csrf), 404)
    assert bob.get("/api/v1/offers").json() == {"offers": [], "next": None}

    # Alice's offer is untouched, and she can still change and delete it.
    mine = alice.get(f"/api/v1/offers/{offer_id}")
    assert mine.status_code == 200
    assert mine.json() == created.json()
    assert alice.delete(f"/api/v1/offers/{offer_id}", headers=alice_csrf).status_code == 204


def test_another_users_offer_is_not_found_through_the_pages(hosted: FastAPI):
    alice, alice_csrf = page_client(hosted, "alice")
    bob, bob_csrf = page_client(hosted, "bob")
    made = alice.post(
        "/offers/new",
        data={**FORM, "name": "Alice's secret offer", "csrf_token": alice_csrf},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    offer_id = int(made.headers["location"].rsplit("/", 1)[1])
    html = {"accept": "text/html"}
    for path in (
        f"/offers/{offer_id}",
        f"/offers/{offer_id}/export.toml",
        f"/offers/{offer_id}/negotiate",
        f"/offers/{offer_id}/scenarios",
        f"/compare?ids={offer_id},{offer_id}",
    ):
        assert bob.get(path, headers=html).status_code == 404, path
    edit = bob.post(
        f"/offers/{offer_id}",
        data={**FORM, "name": "taken over", "csrf_token": bob_csrf},
        headers=html,
    )
    assert edit.status_code == 404
    delete = bob.post(f"/offers/{offer_id}/delete", data={"csrf_token": bob_csrf}, headers=html)
    assert delete.status_code == 404
    assert "Alice&#39;s secret offer" not in bob.get("/offers").text
    page = alice.get(f"/offers/{offer_id}")
    assert page.status_code == 200
    assert "Alice&#39;s secret offer" in page.text


def test_practice_logs_and_plans_are_private(hosted: FastAPI):
    alice, alice_csrf = page_client(hosted, "alice")
    bob, _ = page_client(hosted, "bob")
    logged = alice.post(
        "/prep/practice",
        data={
            "skill": "coding",
            "problem": "Trie of words in 20 minutes",
            "minutes": "45",
            "outcome": "partial",
            "mistake": "forgot the eviction on update",
            "csrf_token": alice_csrf,
        },
        follow_redirects=False,
    )
    assert logged.status_code == 303, logged.text
    assert bob.get("/prep").status_code == 200
    interview = (date.today() + timedelta(days=40)).isoformat()
    planned = alice.post(
        "/prep/plan",
        data={
            "name": "alices-loop",
            "pipeline": "microsoft-ml-engineer",
            "interview_date": interview,
            "hours_per_week": "10",
            "days_per_week": "6",
            "csrf_token": alice_csrf,
        },
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text
    assert "alices-loop" in alice.get("/prep").text
    assert "alices-loop" not in bob.get("/prep").text
    assert bob.get("/prep?plan=alices-loop", headers={"accept": "text/html"}).status_code == 404

    # What each sees underneath the page: alice's log is hers; bob cannot grade her review
    # card by its id.
    store = hosted.state.store
    accounts: AccountRepository = hosted.state.accounts
    owner = {name: accounts.get(name).owner for name in PASSWORD}

    assert PrepRepository(store, owner["alice"]).practice_counts() == {"coding": {"partial": 1}}
    assert PrepRepository(store, owner["bob"]).practice_counts() == {}
    assert PrepRepository(store).practice_counts() == {}  # nor the local, unnamed user

    cards = PrepRepository(store, owner["alice"]).due_reviews(date(2100, 1, 1))
    assert [card.problem for card in cards] == ["Trie of words in 20 minutes"]
    assert PrepRepository(store, owner["bob"]).due_reviews(date(2100, 1, 1)) == []
    from offerlab.errors import NotFoundError

    with pytest.raises(NotFoundError):
        PrepRepository(store, owner["bob"]).review_card(cards[0].id, 4, date(2100, 1, 1))


def test_writes_without_the_csrf_token_are_refused(hosted: FastAPI, google: dict[str, Any]):
    pages, token = page_client(hosted, "alice")
    for data in (FORM, {**FORM, "csrf_token": "forged"}):
        refused = pages.post("/offers/new", data=data, follow_redirects=False)
        assert refused.status_code == 403
    assert (
        pages.post(
            "/offers/new", data={**FORM, "csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    logout = pages.post("/logout", data={}, follow_redirects=False)
    assert logout.status_code == 403

    api, header = api_client(hosted, "bob")
    _error(api.post("/api/v1/offers", json=google), 403)
    _error(api.post("/api/v1/offers", json=google, headers={"X-CSRF-Token": "x"}), 403)
    assert api.post("/api/v1/offers", json=google, headers=header).status_code == 201
    # Reading needs no token; evaluating (no data changed) is a POST and needs it too.
    assert api.get("/api/v1/offers").status_code == 200


def test_the_sign_in_form_needs_its_own_token(hosted: FastAPI):
    client = _client(hosted)
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD["alice"], "csrf_token": "guess"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "__Host-offerlab_session" not in response.headers.get("set-cookie", "")


def test_sign_in_redirects_only_within_the_site(hosted: FastAPI):
    client = _client(hosted)
    for target, expected in [
        ("/compare?ids=1,2", "/compare?ids=1,2"),
        ("//evil.example/", "/offers"),
        ("https://evil.example/", "/offers"),
    ]:
        client.cookies.clear()
        form = client.get("/login")
        response = client.post(
            "/login",
            data={
                "username": "bob",
                "password": PASSWORD["bob"],
                "csrf_token": _csrf(form.text),
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == expected


def test_repeated_failures_lock_the_account_for_a_while(hosted: FastAPI):
    client = _client(hosted)
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        wrong = client.post("/api/v1/session", json={"username": "alice", "password": "guess"})
        assert wrong.status_code == 401
    # Now even the right password is refused until the window passes.
    locked = client.post(
        "/api/v1/session", json={"username": "alice", "password": PASSWORD["alice"]}
    )
    error = _error(locked, 429)
    assert error["code"] == "too_many_requests"
    assert 1 <= int(locked.headers["retry-after"]) <= 15 * 60
    # The page says so too, and bob is not affected.
    form = client.get("/login")
    page = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD["alice"], "csrf_token": _csrf(form.text)},
    )
    assert page.status_code == 429
    assert "too many failed sign-ins" in page.text
    assert api_client(hosted, "bob")[0].get("/api/v1/session").status_code == 200


def test_sign_out_ends_the_session(hosted: FastAPI):
    pages, token = page_client(hosted, "alice")
    out = pages.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    assert pages.get("/offers", follow_redirects=False).status_code == 303

    api, header = api_client(hosted, "bob")
    # Signing out changes state: without the CSRF token it is refused, and nothing ends.
    _error(api.delete("/api/v1/session"), 403)
    _error(api.delete("/api/v1/session", headers={"X-CSRF-Token": "forged"}), 403)
    assert api.get("/api/v1/session").status_code == 200
    assert api.delete("/api/v1/session", headers=header).status_code == 204
    _error(api.get("/api/v1/offers"), 401)


class CountingHasher(PasswordHasher):
    """Records how many hashes run at once (cheap parameters, 30 ms each)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(0.03)
            return super().verify(hash, password)
        finally:
            with self.lock:
                self.running -= 1


def test_concurrent_password_hashing_is_bounded(pg_url: str):
    """30 sign-ins at once over a real server: at most max_hashing hashes run together."""
    settings = Settings(db=pg_url, hosted=True, max_hashing=3)
    app = create_app(settings)
    accounts: AccountRepository = app.state.accounts
    accounts.add("alice", PASSWORD["alice"])
    hasher = CountingHasher()
    accounts.hasher = hasher
    body = {"username": "alice", "password": PASSWORD["alice"]}
    with serving(app) as base, ThreadPoolExecutor(30) as pool:

        def sign_in(_: int) -> int:
            return httpx.post(f"{base}/api/v1/session", json=body, timeout=30).status_code

        statuses = list(pool.map(sign_in, range(30)))
    app.state.store.close()
    assert statuses == [201] * 30
    assert 1 < hasher.most <= 3


def test_x_forwarded_for_is_believed_only_from_configured_proxies(pg_url: str):
    """The per-address sign-in limit counts the connection's address unless a proxy is
    configured: a client cannot pick a new address for each guess."""
    from sqlalchemy import text

    for trusted, expected in (("", "127.0.0.1"), ("127.0.0.1", "203.0.113.9")):
        settings = Settings(db=pg_url, hosted=True, forwarded_allow_ips=trusted)
        app = create_app(settings)
        with serving(app, **settings.uvicorn_options()) as base:
            response = httpx.post(
                f"{base}/api/v1/session",
                json={"username": "nobody", "password": "wrong"},
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
        assert response.status_code == 401
        with app.state.store.engine.begin() as conn:
            clients = [row[0] for row in conn.execute(text("SELECT client FROM login_failures"))]
            conn.execute(text("DELETE FROM login_failures"))
        app.state.store.close()
        assert clients == [expected]


def test_market_data_is_imported_by_the_admin_and_read_only_for_users(
    hosted: FastAPI, pg_url: str, tmp_path: Path
):
    from typer.testing import CliRunner

    from offerlab.cli import app
    from tests.market.helpers import sample_rows, write_csv

    records = write_csv(tmp_path / "records.csv", sample_rows(8))
    imported = CliRunner().invoke(app, ["market", "import", str(records), "--db", pg_url])
    assert imported.exit_code == 0, imported.output
    api, _ = api_client(hosted, "alice")
    bands = api.get("/api/v1/bands", params={"company": "Microsoft", "level": "62"})
    assert bands.status_code == 200, bands.text
    assert bands.json()["n"] == 8
    schema = api.get("/api/v1/openapi.json").json()
    writes = {
        path
        for path, operations in schema["paths"].items()
        if {"post", "put", "delete", "patch"} & set(operations)
    }
    assert not any("market" in path or "band" in path or "import" in path for path in writes)


def test_the_pages_show_who_is_signed_in_with_a_sign_out_button(hosted: FastAPI, tmp_path: Path):
    pages, token = page_client(hosted, "alice")
    html = pages.get("/offers").text
    assert '<a class="who" href="/account">alice</a>' in html
    assert 'action="/logout"' in html
    assert token in html


def test_users_change_their_own_password(hosted: FastAPI):
    pages, token = page_client(hosted, "alice")
    other, _ = api_client(hosted, "alice")  # a second session, e.g. another device
    assert "Change your password" in pages.get("/account").text
    new = "a new and longer pass phrase"

    def change(**fields: str) -> Any:
        data = {"current": PASSWORD["alice"], "new": new, "again": new, "csrf_token": token}
        return pages.post("/account/password", data={**data, **fields}, follow_redirects=False)

    assert change(csrf_token="forged").status_code == 403
    mismatch = change(again="something else entirely")
    assert mismatch.status_code == 422
    assert "the two new passwords differ" in mismatch.text
    wrong = change(current="not my password")
    assert wrong.status_code == 401
    assert "the current password is wrong" in wrong.text
    short = change(new="short", again="short")
    assert short.status_code == 422
    assert "expected 10 to 256" in short.text

    done = change()
    assert done.status_code == 303
    assert "Password changed" in pages.get(done.headers["location"]).text
    assert pages.get("/offers", follow_redirects=False).status_code == 200  # this one goes on
    _error(other.get("/api/v1/offers"), 401)  # the other session ended
    fresh = _client(hosted)
    old = fresh.post("/api/v1/session", json={"username": "alice", "password": PASSWORD["alice"]})
    assert old.status_code == 401
    assert (
        fresh.post("/api/v1/session", json={"username": "alice", "password": new}).status_code
        == 201
    )
