"""Pooled offers in hosted mode on PostgreSQL (issue 13 item 7): members share saved offers one
at a time, seeing first and after exactly what is kept; a pooled band appears only once five
offers are in a cell, and no query (a filter, a combination, a difference) reveals fewer; no
contributor can be found from the pool; withdrawal works only through the member's own offer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from offerlab.store.account_repository import AccountRepository
from offerlab.web import Settings, create_app
from tests.web.conftest import offer_body

pytestmark = pytest.mark.postgres

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEMBERS = ("alice", "bob", "carol", "dave", "erin", "frank")
PASSWORD = "a long enough pass phrase"
BASES = (171_000, 176_500, 182_000, 188_250, 195_000)


@pytest.fixture
def hosted(pg_url: str) -> Iterator[FastAPI]:
    settings = Settings(
        db=pg_url, hosted=True, max_body_bytes=64 * 1024, allowed_hosts=("testserver",)
    )
    app = create_app(settings)
    accounts: AccountRepository = app.state.accounts
    for name in MEMBERS:
        accounts.add(name, PASSWORD)
    yield app
    app.state.store.close()


def member(app: FastAPI, name: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    response = client.post("/api/v1/session", json={"username": name, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return client, {"X-CSRF-Token": response.json()["csrf_token"]}


def ms62(base: int, **changes: Any) -> dict[str, Any]:
    body = offer_body(EXAMPLES / "msft-l62-initial.toml")
    body.update({"base": base, **changes})
    return body


def save(who: tuple[TestClient, dict[str, str]], body: dict[str, Any]) -> int:
    client, csrf = who
    response = client.post("/api/v1/offers", json=body, headers=csrf)
    assert response.status_code == 201, response.text
    offer_id: int = response.json()["id"]
    return offer_id


def share(who: tuple[TestClient, dict[str, str]], offer_id: int, years: str | None = "6-9"):
    client, csrf = who
    response = client.put(
        f"/api/v1/offers/{offer_id}/share", json={"years_of_experience": years}, headers=csrf
    )
    assert response.status_code == 200, response.text
    return response.json()


def pooled(who: tuple[TestClient, dict[str, str]], **query: Any) -> list[dict[str, Any]]:
    client, _ = who
    params = {"company": "Microsoft", "level": "62", "location": "Redmond", **query}
    params = {k: v for k, v in params.items() if v is not None}  # None: leave the filter out
    response = client.get("/api/v1/bands", params=params)
    assert response.status_code == 200, response.text
    return [b for b in response.json()["bands"] if b["kind"] == "pooled"]


def notes(who: tuple[TestClient, dict[str, str]], **query: Any) -> list[str]:
    client, _ = who
    params = {"company": "Microsoft", "level": "62", "location": "Redmond", **query}
    found: list[str] = client.get("/api/v1/bands", params=params).json()["notes"]
    return found


def test_members_share_and_another_sees_a_band_only_at_five(hosted: FastAPI):
    alice, bob, carol, dave, erin, frank = (member(hosted, n) for n in MEMBERS)
    contributors = [alice, bob, carol, dave, erin]
    ids = [save(who, ms62(b)) for who, b in zip(contributors, BASES, strict=True)]
    # Before sharing: the preview is exactly what will be kept, and nothing is shared.
    client, _ = alice
    preview = client.get(f"/api/v1/offers/{ids[0]}/share?years_of_experience=6-9").json()
    assert preview["shared"] is None
    assert preview["problem"] is None
    assert preview["preview"] == {
        "company": "Microsoft",
        "level": "62",
        "title": "ML/AI Engineer",
        "metro": "Seattle metro",
        "month": "2026-09",
        "years_of_experience": "6-9",
        "currency": "USD",
        "base": 171_000.0,
        "bonus": 25_650.0,
        "stock_per_year": 50_000.0,
        "total": 246_650.0,
    }
    assert pooled(frank) == []
    assert not [n for n in notes(frank) if "pooled" in n]  # a pool nobody used says nothing
    # Once anyone has shared (here in another cell), an empty cell's words are the ones a cell
    # of one to four gets: the count is not given away.
    share(frank, save(frank, ms62(300_000, location="San Francisco, CA")))
    empty_words = notes(frank)
    assert any("shown once at least 5" in n for n in empty_words)
    for count, (who, offer_id) in enumerate(zip(contributors, ids, strict=True), start=1):
        after = share(who, offer_id)
        assert after["shared"] == after["preview"]  # after: what the pool holds, shown
        if count < 5:
            assert pooled(frank) == []
            assert notes(frank) == empty_words
        if count == 2:
            # A member shares one offer a cell: alice's second Redmond 62 offer is refused, so
            # five offers in a cell are five members' (alice could read a fifth from a band
            # made of four of her own).
            second = save(alice, ms62(250_000))
            state = client.get(f"/api/v1/offers/{second}/share").json()
            assert state["preview"] is None
            assert "already shared in this cell" in state["problem"]
            refused = client.put(f"/api/v1/offers/{second}/share", json={}, headers=alice[1])
            assert refused.status_code == 409
            assert "one offer a cell" in refused.json()["error"]["message"]
    carol = frank
    (band,) = pooled(carol)
    assert band["n"] == 5
    assert band["confidence_factors"]["sample"] == "poor"
    totals = [b + b * 0.15 + 50_000 for b in BASES]
    expected = np.percentile(totals, [10, 25, 50, 75, 90])
    for key, value in zip(("p10", "p25", "p50", "p75", "p90"), expected, strict=True):
        assert band["total"][key] == round(value / 1000) * 1000
    assert band["base"]["p50"] == 182_000.0
    assert band["median_date"] == "2026-09-01"
    # The page shows it too, beside the other sources.
    page = carol[0].get("/market?company=Microsoft&level=62&location=Redmond")
    assert page.status_code == 200
    assert "pooled offers" in page.text


def _five_and_one(app: FastAPI) -> dict[str, Any]:
    """Five members' Microsoft 62 offers in Redmond (USD), and bob's in San Francisco and in
    London (GBP): a cell of one each."""
    who = [member(app, n) for n in MEMBERS[:5]]
    for one, base in zip(who, BASES, strict=True):
        share(one, save(one, ms62(base)))
    bob = who[1]
    lonely_sf = save(bob, ms62(400_000, location="San Francisco, CA"))
    share(bob, lonely_sf)
    share(bob, save(bob, ms62(120_000, location="London, United Kingdom", currency="GBP")))
    return {"alice": who[0], "bob": bob, "sf": lonely_sf}


def test_no_filter_combination_or_difference_reaches_fewer_than_five(hosted: FastAPI):
    _five_and_one(hosted)
    carol = member(hosted, "frank")
    (cell,) = pooled(carol)
    seen: list[dict[str, Any]] = []
    queries: list[dict[str, Any]] = [
        {},
        {"location": "Seattle metro"},
        {"location": "Bellevue, WA"},
        {"title": "Machine Learning Engineer"},
        {"title": "Software Engineer"},
        {"tag": "ML / AI"},
        {"as_of": "2026-01-01"},
        {"as_of": "2030-06-01"},
        {"min_n": 1},
        {"currency": "EUR"},
        {"location": "WA"},
        {"location": "United States"},
        {"location": None},
        {"level": None},
        {"location": "San Francisco"},
        {"location": "SF Bay Area"},
        {"location": "London"},
        {"level": "63"},
        {"company": "Google", "level": "L5"},
    ]
    for query in queries:
        for band in pooled(carol, **query):
            seen.append(band)
            assert band["n"] >= 5, query
    # Every band any query shows is the one Redmond cell (its figures the same, or the same
    # converted/restated): never San Francisco's or London's lone offer.
    assert {b["n"] for b in seen} == {5}
    assert all(b["label"].startswith("Microsoft 62, Seattle metro") for b in seen)
    # Filters that would cut the cell do not: the title, tag and min_n answers equal the plain one.
    for query in ({"title": "Software Engineer"}, {"tag": "ML / AI"}, {"min_n": 1}):
        (same,) = pooled(carol, **query)
        assert same["total"] == cell["total"]
        assert same["base"] == cell["base"]


def _paths(app: FastAPI) -> set[str]:
    """Every route's path (through the included routers)."""
    return {c.path for c in iter_route_contexts(app.routes) if c.path is not None}


def test_no_contributor_can_be_found_from_the_pool(hosted: FastAPI):
    shared = _five_and_one(hosted)
    engine = hosted.state.store.engine
    columns = {c["name"] for c in inspect(engine).get_columns("pooled_offers")}
    assert columns == {
        "id",
        "token_digest",
        "company",
        "level",
        "metro",
        "currency",
        "title",
        "month",
        "years",
        "base",
        "bonus",
        "stock_per_year",
    }
    foreign = inspect(engine).get_foreign_keys("pooled_offers")
    assert foreign == []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, token_digest FROM pooled_offers")).all()
        tokens = [r[0] for r in conn.execute(text("SELECT pool_token FROM saved_offers"))]
        accounts = [r[0] for r in conn.execute(text("SELECT username FROM accounts"))]
        saved_ids = {str(r[0]) for r in conn.execute(text("SELECT id FROM saved_offers"))}
    assert len(rows) == 7
    # Random keys (no order of sharing), nothing equal to a saved offer id, an account or a
    # token in the pool: only the digest of a token the member's own offer holds.
    assert all(len(r[0]) == 32 for r in rows)
    assert not {r[0] for r in rows} & saved_ids
    stored = {value for r in rows for value in r}
    assert not stored & {t for t in tokens if t}
    assert not stored & set(accounts)
    # The API has no route that lists the pool or who shared: only a member's own offer's share.
    paths = _paths(hosted)
    assert "/api/v1/bands" in paths
    assert {p for p in paths if "share" in p or "pool" in p} == {
        "/api/v1/offers/{offer_id}/share",
        "/offers/{offer_id}/share",
        "/offers/{offer_id}/share/withdraw",
    }
    # Another member cannot see, share or withdraw it (their own offers only: a 404).
    dave, dave_csrf = member(hosted, "frank")
    assert dave.get(f"/api/v1/offers/{shared['sf']}/share").status_code == 404
    assert dave.delete(f"/api/v1/offers/{shared['sf']}/share", headers=dave_csrf).status_code == (
        404
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar() == 7


def test_withdrawal_through_the_members_own_offer_only(hosted: FastAPI):
    shared = _five_and_one(hosted)
    viewer = member(hosted, "frank")
    assert [b["n"] for b in pooled(viewer)] == [5]
    bob_client, bob_csrf = shared["bob"]
    bob_ids = [o["id"] for o in bob_client.get("/api/v1/offers").json()["offers"]]
    response = bob_client.delete(f"/api/v1/offers/{bob_ids[0]}/share", headers=bob_csrf)
    assert response.status_code == 200
    assert response.json()["shared"] is None
    assert pooled(viewer) == []  # four left: hidden again
    # Withdrawing twice is not an error; sharing again brings it back.
    again = bob_client.delete(f"/api/v1/offers/{bob_ids[0]}/share", headers=bob_csrf)
    assert again.json()["shared"] is None
    share(shared["bob"], bob_ids[0])
    assert [b["n"] for b in pooled(viewer)] == [5]
    # Deleting the saved offer takes its record out of the pool with it.
    assert bob_client.delete(f"/api/v1/offers/{bob_ids[0]}", headers=bob_csrf).status_code == 204
    assert pooled(viewer) == []
    # Removing an account withdraws everything it shared.
    accounts: AccountRepository = hosted.state.accounts
    accounts.remove("bob")
    with hosted.state.store.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar()
    assert left == 4  # alice's, carol's, dave's and erin's Redmond offers


def test_an_edited_offer_shows_what_the_pool_holds_and_sharing_again_replaces_it(
    hosted: FastAPI,
):
    alice = member(hosted, "alice")
    client, csrf = alice
    offer_id = save(alice, ms62(180_000))
    share(alice, offer_id, "3-5")
    changed = client.put(f"/api/v1/offers/{offer_id}", json=ms62(190_000), headers=csrf)
    assert changed.status_code == 200
    state = client.get(f"/api/v1/offers/{offer_id}/share").json()
    assert state["changed_since_shared"] is True
    assert state["shared"]["base"] == 180_000.0
    assert state["preview"]["base"] == 190_000.0
    assert state["preview"]["years_of_experience"] == "3-5"  # kept from the share
    again = share(alice, offer_id, "3-5")
    assert again["shared"]["base"] == 190_000.0
    with hosted.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar() == 1


def test_sharing_one_offer_at_once_from_many_requests_leaves_one_record(hosted: FastAPI):
    alice = member(hosted, "alice")
    offer_id = save(alice, ms62(180_000))
    client, csrf = alice
    start = threading.Barrier(8)

    def put(_: int) -> int:
        start.wait()
        response = client.put(
            f"/api/v1/offers/{offer_id}/share", json={"years_of_experience": None}, headers=csrf
        )
        return response.status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(put, range(8)))
    assert set(statuses) <= {200, 409}
    assert 200 in statuses
    with hosted.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar() == 1
        token = conn.execute(
            text("SELECT pool_token FROM saved_offers WHERE id = :id"), {"id": offer_id}
        ).scalar()
    assert token
    # The one record left is the one the offer's token reaches: withdrawing empties the pool.
    assert client.delete(f"/api/v1/offers/{offer_id}/share", headers=csrf).status_code == 200
    with hosted.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar() == 0


def test_bad_share_requests_are_4xx_in_the_one_error_shape(hosted: FastAPI):
    alice = member(hosted, "alice")
    client, csrf = alice
    offer_id = save(alice, ms62(180_000))
    remote = save(alice, ms62(180_000, location="Remote"))
    cases = [
        (
            client.put(
                f"/api/v1/offers/{offer_id}/share", json={"years_of_experience": "7"}, headers=csrf
            ),
            422,
        ),
        (client.put(f"/api/v1/offers/{offer_id}/share", json={"name": "x"}, headers=csrf), 422),
        (
            client.put(
                f"/api/v1/offers/{offer_id}/share",
                content=b"[",
                headers={**csrf, "content-type": "application/json"},
            ),
            400,
        ),
        (client.put(f"/api/v1/offers/{offer_id}/share", json={}), 403),  # no CSRF token
        (client.put(f"/api/v1/offers/{remote}/share", json={}, headers=csrf), 422),
        (client.put("/api/v1/offers/99999999999/share", json={}, headers=csrf), 404),
        (client.get(f"/api/v1/offers/{offer_id}/share?years_of_experience=lots"), 422),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert set(response.json()) == {"error"}
    problem = client.get(f"/api/v1/offers/{remote}/share").json()
    assert problem["preview"] is None
    assert "locations.toml" in problem["problem"]


def test_the_offer_page_shows_before_and_after_and_withdraws(hosted: FastAPI):
    client = TestClient(hosted, base_url="https://testserver", raise_server_exceptions=False)
    import re

    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    signed = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    csrf_match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/offers").text)
    assert csrf_match
    csrf = csrf_match.group(1)
    created = client.post(
        "/api/v1/offers", json=ms62(180_000), headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    before = client.get(f"/offers/{created}").text
    assert "Not shared." in before
    assert "Sharing would keep exactly this" in before
    assert "Seattle metro" in before
    done = client.post(
        f"/offers/{created}/share",
        data={"years": "10-14", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    after = client.get(f"/offers/{created}").text
    assert "The pool holds exactly this" in after
    assert "10-14" in after
    gone = client.post(
        f"/offers/{created}/share/withdraw", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert "Not shared." in client.get(f"/offers/{created}").text


def test_the_local_app_has_no_pool(client: TestClient):
    offer_id = client.post("/api/v1/offers", json=ms62(180_000)).json()["id"]
    response = client.put(f"/api/v1/offers/{offer_id}/share", json={})
    assert response.status_code == 404
    assert "hosted" in response.json()["error"]["message"]
    assert "Share with this instance" not in client.get(f"/offers/{offer_id}").text
    assert Decimal(1)  # the local offer page stays as it was


def test_two_offers_in_one_cell_shared_at_once_leave_one(hosted: FastAPI):
    alice = member(hosted, "alice")
    client, csrf = alice
    first, second = save(alice, ms62(180_000)), save(alice, ms62(185_000))
    start = threading.Barrier(8)

    def put(index: int) -> int:
        start.wait()
        offer_id = first if index % 2 else second
        return client.put(f"/api/v1/offers/{offer_id}/share", json={}, headers=csrf).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(put, range(8)))
    assert set(statuses) <= {200, 409}
    with hosted.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar() == 1
        tokens = conn.execute(
            text("SELECT count(*) FROM saved_offers WHERE pool_token IS NOT NULL")
        ).scalar()
    assert tokens == 1


def test_put_without_a_band_shares_what_get_previews(hosted: FastAPI):
    # GET without years_of_experience previews the band the offer shared; PUT without the key
    # shared none, so the preview was not what was kept.
    alice = member(hosted, "alice")
    client, csrf = alice
    offer_id = save(alice, ms62(180_000))
    share(alice, offer_id, "10-14")
    changed = client.put(f"/api/v1/offers/{offer_id}", json=ms62(185_000), headers=csrf)
    assert changed.status_code == 200
    preview = client.get(f"/api/v1/offers/{offer_id}/share").json()["preview"]
    assert preview["years_of_experience"] == "10-14"
    kept = client.put(f"/api/v1/offers/{offer_id}/share", json={}, headers=csrf).json()
    assert kept["shared"] == preview
    # An explicit null is "not given".
    cleared = client.put(
        f"/api/v1/offers/{offer_id}/share", json={"years_of_experience": None}, headers=csrf
    ).json()
    assert cleared["shared"]["years_of_experience"] is None


def test_what_the_pool_cannot_hold_is_a_422_not_a_500(hosted: FastAPI):
    alice = member(hosted, "alice")
    client, csrf = alice
    long_level = save(alice, ms62(180_000, company="Acme Robotics", level="L" + "x" * 150))
    huge_stock = save(
        alice,
        ms62(180_000, location="Austin, TX", equity=[{"shares": "1e12", "price": "1e11"}]),
    )
    long_company = save(alice, ms62(180_000, company="\ufb03" * 200))  # "ﬃ" folds to "ffi"
    cases = ((long_level, "level"), (huge_stock, "stock per year"), (long_company, "company"))
    for offer_id, field in cases:
        response = client.put(f"/api/v1/offers/{offer_id}/share", json={}, headers=csrf)
        assert response.status_code == 422, response.text
        assert set(response.json()) == {"error"}
        assert field in str(response.json()["error"])
        state = client.get(f"/api/v1/offers/{offer_id}/share")
        assert state.status_code == 200
        assert state.json()["preview"] is None
    with hosted.state.store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pooled_offers")).scalar() == 0


def test_the_share_form_refuses_a_file_for_the_band(hosted: FastAPI):
    client = TestClient(hosted, base_url="https://testserver", raise_server_exceptions=False)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    csrf_match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/offers").text)
    assert csrf_match
    csrf = csrf_match.group(1)
    created = client.post(
        "/api/v1/offers", json=ms62(180_000), headers={"X-CSRF-Token": csrf}
    ).json()["id"]
    # A file where the band goes was shared as "not given", silently.
    sent = client.post(
        f"/offers/{created}/share",
        data={"csrf_token": csrf},
        files={"years": ("band.txt", b"6-9")},
        follow_redirects=False,
    )
    assert sent.status_code == 422
    assert client.get(f"/api/v1/offers/{created}/share").json()["shared"] is None
    page = client.get(f"/offers/{created}").text
    # The page says what sharing does not hide: the server's operator can match the two.
    assert "Whoever runs this server" in page


def test_spellings_of_one_company_and_level_are_one_cell(hosted: FastAPI):
    spellings = [
        ("ACME Robotics, Inc.", "Senior"),
        ("acme robotics", "senior"),
        ("Acme Robotics LLC", "SENIOR"),
        ("Acme  Robotics", " Senior "),
        ("ACME ROBOTICS", "senior"),
    ]
    contributors = [member(hosted, n) for n in MEMBERS[:5]]
    for who, base, (company, level) in zip(contributors, BASES, spellings, strict=True):
        share(who, save(who, ms62(base, company=company, level=level)))
    # One member, one offer in the cell, whatever the spelling of the second.
    alice_client, alice_csrf = contributors[0]
    second = save(contributors[0], ms62(250_000, company="acme robotics", level="senior"))
    refused = alice_client.put(f"/api/v1/offers/{second}/share", json={}, headers=alice_csrf)
    assert refused.status_code == 409
    viewer = member(hosted, "frank")
    for company, level in spellings:
        (band,) = pooled(viewer, company=company, level=level)
        assert band["n"] == 5
        assert band["label"].startswith("Acme Robotics senior, Seattle metro")
        assert band["base"]["p50"] == 182_000.0
