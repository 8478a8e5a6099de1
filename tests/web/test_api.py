"""The JSON API: the same answers as the CLI, and one error shape for every 4xx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.web import Settings, create_app

ERROR_KEYS = {"status", "code", "message", "details"}
DETAIL_KEYS = {"source", "location", "message", "expected"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape, pinned: status, code, message, details with located problems."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == ERROR_KEYS
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    for detail in error["details"]:
        assert set(detail) == DETAIL_KEYS
        assert all(isinstance(v, str) for v in detail.values())
    return error


def test_evaluate_is_the_offer_show_json_contract(client: TestClient, examples: Path, google):
    response = client.post("/api/v1/evaluate", json=google)
    assert response.status_code == 200
    cli = CliRunner().invoke(
        app, ["offer", "show", "--json", str(examples / "google-l5-kirkland.toml")]
    )
    assert cli.exit_code == 0, cli.output
    assert response.json() == json.loads(cli.stdout)
    assert response.json()["four_year_total"] > 0
    assert len(client.post("/api/v1/evaluate?years=6", json=google).json()["years"]) == 6


def test_offers_crud(client: TestClient, google, amazon):
    created = client.post("/api/v1/offers", json=google)
    assert created.status_code == 201
    first = created.json()
    assert first["id"] >= 1
    assert first["offer"]["company"] == "Google"
    assert first["offer"]["base"] == 198000
    second = client.post("/api/v1/offers", json=amazon).json()
    listed = client.get("/api/v1/offers").json()["offers"]
    assert [o["id"] for o in listed] == [first["id"], second["id"]]
    assert client.get(f"/api/v1/offers/{first['id']}").json() == listed[0]
    changed = {**google, "base": 210000}
    put = client.put(f"/api/v1/offers/{first['id']}", json=changed)
    assert put.status_code == 200
    assert put.json()["offer"]["base"] == 210000
    assert put.json()["id"] == first["id"]
    assert client.delete(f"/api/v1/offers/{second['id']}").status_code == 204
    assert_error(client.get(f"/api/v1/offers/{second['id']}"), 404, "not_found")
    assert_error(client.delete(f"/api/v1/offers/{second['id']}"), 404, "not_found")
    assert_error(client.put("/api/v1/offers/999", json=google), 404, "not_found")


def test_decimals_stay_exact(client: TestClient, google):
    body = json.dumps({**google, "base": 198000.10}).encode()
    saved = client.post(
        "/api/v1/offers", content=body, headers={"content-type": "application/json"}
    )
    assert saved.json()["offer"]["base"] == 198000.1


def test_compare_by_ids_and_by_bodies(client: TestClient, google, amazon):
    ids = [client.post("/api/v1/offers", json=o).json()["id"] for o in (google, amazon)]
    by_id = client.post("/api/v1/compare", json={"ids": ids})
    assert by_id.status_code == 200
    names = [o["name"] for o in by_id.json()["offers"]]
    assert names == ["Google L5", "Amazon L6 SDE II"]
    by_body = client.post("/api/v1/compare", json={"offers": [google, amazon]})
    assert by_body.json() == by_id.json()
    assert_error(client.post("/api/v1/compare", json={"ids": [ids[0]]}), 422, "invalid_input")
    assert_error(client.post("/api/v1/compare", json={"ids": [ids[0], 999]}), 404, "not_found")
    bad = assert_error(
        client.post("/api/v1/compare", json={"offers": [google, {**amazon, "base": -1}]}),
        422,
        "invalid_input",
    )
    assert bad["details"][0]["source"] == "<body>.offers[1]"
    assert bad["details"][0]["location"] == "base"


def test_negotiate_market_levels_and_map(client: TestClient, google, amazon):
    offer_id = client.post("/api/v1/offers", json=google).json()["id"]
    plan = client.post("/api/v1/negotiate", json={"id": offer_id, "competing": [amazon]})
    assert plan.status_code == 200, plan.text
    data = plan.json()
    assert set(data["packages"]) == {"initial", "target", "stretch"}
    assert data["competing"][0]["company"] == "Amazon"
    assert data["levers"]
    assert client.post("/api/v1/negotiate", json={"offer": google}).status_code == 200
    assert_error(client.post("/api/v1/negotiate", json={}), 422, "invalid_input")
    bands = client.get("/api/v1/bands", params={"company": "Google", "level": "L5"})
    assert bands.status_code == 200
    assert bands.json()["n"] > 0
    levels = client.get("/api/v1/levels/Google").json()
    assert any(level["level"] == "L5" for level in levels["levels"])
    mapped = client.get("/api/v1/map", params={"from": "Google", "level": "L5", "to": "Meta"})
    assert mapped.status_code == 200
    assert mapped.json()["to"]
    assert_error(client.get("/api/v1/levels/NoSuchCompanyAtAll"), 404, "not_found")
    assert_error(client.get("/api/v1/bands"), 422, "invalid_input")


def test_malformed_json_is_400(client: TestClient):
    error = assert_error(
        client.post(
            "/api/v1/evaluate", content=b"{bad", headers={"content-type": "application/json"}
        ),
        400,
        "malformed_request",
    )
    assert error["details"][0]["location"] == "line 1, column 2"
    assert_error(client.post("/api/v1/offers", content=b"\xff\xfe\x00"), 400, "malformed_request")


def test_wrong_types_and_unknown_fields_are_422_located(client: TestClient, google):
    body = {**google, "base": "lots", "bogus": 1}
    body["equity"] = [{"value": 1000, "schedule": "no-such-schedule"}]
    error = assert_error(client.post("/api/v1/evaluate", json=body), 422, "invalid_input")
    where = {d["location"]: d for d in error["details"]}
    assert "base" in where
    assert "bogus" in where
    assert "equity[0].schedule" in where
    assert where["equity[0].schedule"]["source"] == "<body>"
    assert_error(client.post("/api/v1/evaluate", json=[1, 2]), 422, "invalid_input")
    assert_error(
        client.post("/api/v1/evaluate", json=google, params={"years": 0}), 422, "invalid_input"
    )


def test_framework_errors_share_the_shape(client: TestClient):
    assert_error(client.get("/api/v1/nowhere"), 404, "not_found")
    assert_error(client.delete("/api/v1/evaluate"), 405, "method_not_allowed")
    path_error = assert_error(client.get("/api/v1/offers/abc"), 422, "invalid_input")
    assert path_error["details"][0] == {
        "source": "<path>",
        "location": "offer_id",
        "message": path_error["details"][0]["message"],
        "expected": "",
    }


def test_huge_bodies_are_413(client: TestClient, google):
    huge = {**google, "name": "x" * 100_000}
    assert_error(client.post("/api/v1/evaluate", json=huge), 413, "payload_too_large")

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 1024

    assert_error(client.post("/api/v1/offers", content=chunks()), 413, "payload_too_large")
    assert client.get("/api/v1/offers").json() == {"offers": [], "next": None}


def test_user_errors_are_never_500(client: TestClient, google):
    cases: list[dict[str, Any]] = [
        {"name": "<script>alert(1)</script>"},
        {"currency": "XXX"},
        {"base": "NaN"},
        {"base": 10**400},
        {"start_date": "2026-02-30"},
        {"equity": "not a list"},
        {"signing": {"amount": -5}},
        {"other": [{"name": "", "amount": 1}]},
    ]
    for case in cases:
        response = client.post("/api/v1/evaluate", json={**google, **case})
        assert response.status_code < 500, (case, response.text)
    for raw in ('"base": 1e400', '"base": NaN', '"base": Infinity', '"base": -0.0'):
        text = json.dumps({k: v for k, v in google.items() if k != "base"})[:-1] + ", " + raw + "}"
        response = client.post(
            "/api/v1/evaluate", content=text, headers={"content-type": "application/json"}
        )
        assert 400 <= response.status_code < 500, (raw, response.text)


def test_openapi_documents_the_api(client: TestClient):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/evaluate", "/api/v1/offers", "/api/v1/offers/{offer_id}"} <= paths
    assert {"/api/v1/compare", "/api/v1/negotiate", "/api/v1/bands", "/api/v1/map"} <= paths
    body = schema["paths"]["/api/v1/evaluate"]["post"]["requestBody"]
    assert "base" in json.dumps(body)
    # Every operation documents the one error shape for each error status, and a typed
    # body for its success (not FastAPI's {"detail": ...} or a free-form object).
    assert "HTTPValidationError" not in json.dumps(schema)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "403", "404", "405", "413", "415", "422", "429"):
                error = responses[status]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)
            ok = next(s for s in responses if s.startswith("2"))
            if ok != "204":
                typed = responses[ok]["content"]["application/json"]["schema"]
                assert typed["$ref"].startswith("#/components/schemas/"), (method, path)


def test_every_answer_is_what_the_openapi_document_says(client: TestClient, google, amazon):
    """Real answers of every route, checked against the documented models (the fuzz test
    checks generated requests the same way)."""
    from offerlab.web.api_models import (
        BandsOut,
        CompareOut,
        EvaluateOut,
        LevelsOut,
        MapOut,
        NegotiateOut,
        OfferPage,
        SimulateOut,
        StoredOffer,
    )

    first = client.post("/api/v1/offers", json=google)
    second = client.post("/api/v1/offers", json=amazon).json()["id"]
    ids = [first.json()["id"], second]
    for model, response in (
        (StoredOffer, first),
        (EvaluateOut, client.post("/api/v1/evaluate", json=google)),
        (OfferPage, client.get("/api/v1/offers")),
        (StoredOffer, client.get(f"/api/v1/offers/{ids[0]}")),
        (StoredOffer, client.put(f"/api/v1/offers/{ids[0]}", json=google)),
        (CompareOut, client.post("/api/v1/compare", json={"ids": ids})),
        (
            NegotiateOut,
            client.post("/api/v1/negotiate", json={"id": ids[0], "competing_ids": [second]}),
        ),
        (SimulateOut, client.post("/api/v1/simulate", json={"ids": ids, "paths": 200, "seed": 3})),
        (BandsOut, client.get("/api/v1/bands", params={"company": "Google", "level": "L5"})),
        (LevelsOut, client.get("/api/v1/levels/Google")),
        (MapOut, client.get("/api/v1/map", params={"from": "Google", "level": "L5", "to": "Meta"})),
    ):
        assert response.status_code < 300, response.text
        model.model_validate(response.json(), strict=False)


def test_simulate_is_bounded_and_reproducible(client: TestClient, google, amazon):
    offer_id = client.post("/api/v1/offers", json=google).json()["id"]
    body = {"ids": [offer_id], "offers": [amazon], "paths": 500, "seed": 7}
    first = client.post("/api/v1/simulate", json=body)
    assert first.status_code == 200, first.text
    data = first.json()
    assert [o["name"] for o in data["offers"]] == ["Google L5", "Amazon L6 SDE II"]
    assert data["paths"] == 500
    assert len(data["p_first_beats"]) == 1
    assert client.post("/api/v1/simulate", json=body).json() == data
    error = assert_error(
        client.post("/api/v1/simulate", json={**body, "paths": 10**7}), 422, "invalid_input"
    )
    assert error["details"][0]["location"] == "paths"
    assert_error(client.post("/api/v1/simulate", json={"offers": []}), 422, "invalid_input")
    assert_error(
        client.post("/api/v1/simulate", json={**body, "volatility_pct": -1}), 422, "invalid_input"
    )


@pytest.mark.postgres
def test_offers_crud_on_postgresql(pg_url: str, google, amazon):
    """The same API over PostgreSQL: saved offers, ids, errors."""
    app = create_app(Settings(db=pg_url))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        first = client.post("/api/v1/offers", json=google).json()
        second = client.post("/api/v1/offers", json=amazon).json()
        assert [o["id"] for o in client.get("/api/v1/offers").json()["offers"]] == [
            first["id"],
            second["id"],
        ]
        put = client.put(f"/api/v1/offers/{first['id']}", json={**google, "base": 200000.5})
        assert put.json()["offer"]["base"] == 200000.5
        assert client.delete(f"/api/v1/offers/{second['id']}").status_code == 204
        assert_error(client.get(f"/api/v1/offers/{second['id']}"), 404, "not_found")
        assert_error(client.get(f"/api/v1/offers/{2**40}"), 404, "not_found")
        compared = client.post("/api/v1/compare", json={"ids": [first["id"]], "offers": [amazon]})
        assert compared.status_code == 200


def test_other_sites_cannot_change_data(client: TestClient, google):
    offer_id = client.post("/api/v1/offers", json=google).json()["id"]
    evil = {"origin": "https://evil.example"}
    assert_error(client.post(f"/offers/{offer_id}/delete", headers=evil), 403, "forbidden")
    assert_error(
        client.post(
            "/api/v1/offers",
            content=json.dumps(google),
            headers={**evil, "content-type": "text/plain"},
        ),
        403,
        "forbidden",
    )
    assert client.get(f"/api/v1/offers/{offer_id}").status_code == 200
    same = {"origin": "http://127.0.0.1"}
    assert client.post(f"/offers/{offer_id}/delete", headers=same).status_code == 200
    assert client.get(f"/api/v1/offers/{offer_id}").status_code == 404


def test_api_docs_use_the_vendored_swagger_ui(client: TestClient):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text
    assert "http://" not in page.text
    script = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert len(script.content) > 1_000_000


def test_offers_are_listed_a_page_at_a_time_with_an_opaque_cursor(
    client: TestClient, google, amazon
):
    from offerlab.web.paging import MAX_PAGE_SIZE, PAGE_SIZE

    ids = []
    for i in range(PAGE_SIZE + 7):
        body = {**(google if i % 2 else amazon), "name": f"offer {i}"}
        ids.append(client.post("/api/v1/offers", json=body).json()["id"])
    first = client.get("/api/v1/offers").json()
    assert [o["id"] for o in first["offers"]] == ids[:PAGE_SIZE]
    assert first["next"]
    assert str(ids[PAGE_SIZE - 1]) not in first["next"]  # opaque, not an id to edit
    # Stable: an offer added meanwhile comes at the end, and a deleted one just goes.
    client.delete(f"/api/v1/offers/{ids[PAGE_SIZE]}")
    later = client.post("/api/v1/offers", json=google).json()["id"]
    second = client.get("/api/v1/offers", params={"cursor": first["next"]}).json()
    assert [o["id"] for o in second["offers"]] == [*ids[PAGE_SIZE + 1 :], later]
    assert second["next"] is None
    small = client.get("/api/v1/offers", params={"limit": 5}).json()
    assert len(small["offers"]) == 5
    again = client.get("/api/v1/offers", params={"limit": 5, "cursor": small["next"]}).json()
    assert again["offers"][0]["id"] == ids[5]
    error = assert_error(
        client.get("/api/v1/offers", params={"cursor": "bm9wZQ"}), 422, "invalid_input"
    )
    assert error["details"][0]["location"] == "cursor"
    assert_error(
        client.get("/api/v1/offers", params={"limit": MAX_PAGE_SIZE + 1}), 422, "invalid_input"
    )
    # The page lists the same pages, with a link to the next one.
    page = client.get("/offers")
    assert page.text.count('name="ids"') == PAGE_SIZE
    assert f'href="/offers?cursor={first["next"]}"' in page.text
    rest = client.get(f"/offers?cursor={first['next']}")
    assert rest.text.count('name="ids"') == len(second["offers"])
    assert 'href="/offers">First page' in rest.text
