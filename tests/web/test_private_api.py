"""The API with private-company equity (issue 14): compare shows paper, risk-adjusted (the
method named) and cash; negotiate measures a private competing offer on its risk-adjusted
value and describes it by its terms; simulate runs the private-company cash model; every
answer matches its typed model, and a bad figure is a located 422 naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offerlab.web.api_models import CompareOut, NegotiateOut, SimulateOut
from tests.web.conftest import offer_body
from tests.web.test_api import assert_error

NAMES = ("startup-senior-ml", "ai-lab-units", "msft-63-redmond")


@pytest.fixture
def bodies(examples: Path) -> dict[str, dict[str, Any]]:
    return {name: offer_body(examples / f"{name}.toml") for name in NAMES}


def test_compare_paper_risk_adjusted_and_cash(client: TestClient, bodies: Any) -> None:
    response = client.post("/api/v1/compare", json={"offers": [bodies[n] for n in NAMES]})
    assert response.status_code == 200, response.text
    data = response.json()
    CompareOut.model_validate(data)
    assert data["valuation"]["method"] == "expected"
    startup, lab, msft = data["offers"]
    assert msft["risk_adjusted_total"] == msft["four_year_total"] == msft["cash_total"]
    assert startup["risk_adjusted_total"] < startup["four_year_total"]
    assert startup["years"][0]["risk_adjusted"] == pytest.approx(222205.33)
    assert lab["equity_terms"][0]["text"].startswith("1,500 profit participation units")
    haircut = client.post(
        "/api/v1/compare",
        json={"offers": [bodies[n] for n in NAMES], "haircut_pct": 50},
    ).json()
    assert haircut["valuation"] == {
        "method": "haircut",
        "haircut_pct": 50.0,
        "name": "50% haircut",
        "description": haircut["valuation"]["description"],
    }
    assert haircut["offers"][1]["risk_adjusted_total"] == 2450000 - 600000


@pytest.mark.parametrize(
    ("fields", "location", "says"),
    [
        ({"haircut_pct": 150}, "haircut_pct", ""),
        ({"risk_model": "haircut"}, "haircut_pct", "risk_model haircut needs haircut_pct"),
        ({"haircut_pct": 10, "exit_by_year_pct": [10]}, "exit_by_year_pct", "haircut takes only"),
        ({"exit_by_year_pct": [60, 60]}, "exit_by_year_pct", "exit_by_year_pct adds up to 120%"),
        ({"dilution_pct": 100}, "dilution_pct", ""),
        ({"risk_model": "median"}, "risk_model", ""),
    ],
)
def test_bad_risk_fields_are_located(
    client: TestClient, bodies: Any, fields: dict[str, Any], location: str, says: str
) -> None:
    body = {"offers": [bodies["startup-senior-ml"], bodies["msft-63-redmond"]], **fields}
    error = assert_error(client.post("/api/v1/compare", json=body), 422, "invalid_input")
    assert [d["location"] for d in error["details"]] == [location]
    assert says in error["details"][0]["message"]
    assert "--" not in error["details"][0]["message"]  # the field, never the CLI option


def test_negotiate_with_the_lab_as_the_competing_offer(client: TestClient, bodies: Any) -> None:
    body = {"offer": bodies["msft-63-redmond"], "competing": [bodies["ai-lab-units"]]}
    response = client.post("/api/v1/negotiate", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    NegotiateOut.model_validate(data)
    (lab,) = data["competing"]
    assert lab["overall"] == "mixed"
    assert lab["value"]["private_equity"] is True
    assert lab["equity_terms"][0]["price"] == 800
    words = " ".join([*(lever["script"] for lever in data["levers"]), data["email"]])
    assert "1,500 profit participation units at $800.00 a unit" in words
    assert data["valuation"]["offer"]["private_equity"] is False
    paper = client.post("/api/v1/negotiate", json={**body, "haircut_pct": 0}).json()
    assert paper["competing"][0]["overall"] == "stronger"
    assert paper["leverage"] == "AI lab member of technical staff"


def test_simulate_runs_the_private_model(client: TestClient, bodies: Any) -> None:
    body = {
        "offers": [bodies["msft-63-redmond"], bodies["ai-lab-units"]],
        "paths": 500,
        "seed": 7,
        "exit_by_year_pct": [5, 10, 10, 10],
        "dilution_pct": 15,
    }
    response = client.post("/api/v1/simulate", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    SimulateOut.model_validate(data)
    assert data["model"] == "cash"
    assert data["private"]["exit_by_year"] == [0.05, 0.1, 0.1, 0.1]
    assert [o["private"] for o in data["offers"]] == [False, True]
    assert client.post("/api/v1/simulate", json=body).json() == data
    # the same figures as the CLI's cash model (the same service, seed and paths)
    outcomes = {**body, "exit_outcomes": [{"multiple": 0, "pct": 50}, {"multiple": 2, "pct": 50}]}
    assert client.post("/api/v1/simulate", json=outcomes).status_code == 200
    error = assert_error(
        client.post("/api/v1/simulate", json={**body, "exit_by_year_pct": [70, 70]}),
        422,
        "invalid_input",
    )
    assert error["details"][0]["location"] == "exit_by_year_pct"
    bad = {**body, "exit_outcomes": [{"multiple": 1, "pct": 40}]}
    error = assert_error(client.post("/api/v1/simulate", json=bad), 422, "invalid_input")
    assert error["details"][0]["location"] == "exit_outcomes"
    assert "not 100%" in error["details"][0]["message"]
