"""Plausibility warnings on the web: the API's answers carry a ``warnings`` list (the same
objects as ``offer show --json``) and the offer's page shows them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.web.test_pages import FORM


def _fractions(google: dict[str, Any]) -> dict[str, Any]:
    return {**google, "bonus_target_pct": 0.15, "raise_pct": 0.03}


def test_evaluate_and_saved_offers_carry_the_warnings(client: TestClient, google) -> None:
    evaluated = client.post("/api/v1/evaluate", json=_fractions(google))
    assert evaluated.status_code == 200
    warnings = evaluated.json()["warnings"]
    assert [(w["file"], w["key"]) for w in warnings] == [
        ("<body>", "bonus_target_pct"),
        ("<body>", "raise_pct"),
    ]
    assert "write bonus_target_pct = 15" in warnings[0]["likely"]
    created = client.post("/api/v1/offers", json=_fractions(google))
    assert created.status_code == 201
    saved = created.json()
    assert [w["key"] for w in saved["warnings"]] == ["bonus_target_pct", "raise_pct"]
    assert saved["warnings"][0]["file"] == f"offer {saved['id']}"
    assert client.get(f"/api/v1/offers/{saved['id']}").json()["warnings"] == saved["warnings"]
    assert client.post("/api/v1/evaluate", json=google).json()["warnings"] == []


def test_compare_names_the_offer_each_warning_is_about(client: TestClient, google) -> None:
    saved = client.post("/api/v1/offers", json=google).json()
    compared = client.post(
        "/api/v1/compare", json={"ids": [saved["id"]], "offers": [_fractions(google)]}
    )
    assert compared.status_code == 200, compared.text
    files = {w["file"] for w in compared.json()["warnings"]}
    assert files == {"<body>.offers[0]"}


def test_the_offer_page_shows_the_warnings(client: TestClient) -> None:
    made = client.post(
        "/offers/new", data={**FORM, "base": "16,500", "bonus_target_pct": "0.15"},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert "Check these keys" in page.text
    assert "<code>base</code>: 16,500 USD a year is below" in page.text
    assert "write bonus_target_pct = 15" in page.text
