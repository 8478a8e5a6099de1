"""Bands in another currency on the web: the API and the market page restate with a dated
rate and name it, as ``market bands --currency`` does, or refuse; never relabel."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offerlab.cli import app
from tests.web.conftest import offer_body
from tests.web.test_api import assert_error


def test_api_bands_in_gbp_are_the_cli_answer(client: TestClient, db_url: str) -> None:
    params = {"company": "Google", "level": "L4", "location": "London", "currency": "GBP"}
    response = client.get("/api/v1/bands", params=params)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["currency"] == "GBP"
    assert data["restated_from"] == "USD"
    assert data["exchange_rate"]["date"] == "2025-02-28"
    cli = CliRunner().invoke(
        app,
        ["market", "bands", "--db", db_url, "--company", "Google", "--level", "L4",
         "--location", "London", "--currency", "GBP", "--json"],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == data
    missing = client.get("/api/v1/bands", params={**params, "currency": "MNT"})
    assert (
        "no exchange rate for USD to MNT" in assert_error(missing, 422, "invalid_input")["message"]
    )


def test_market_page_marks_a_gbp_offer_on_bands_restated_in_gbp(
    client: TestClient, examples: Path
) -> None:
    body = offer_body(examples / "google-l5-london.toml")
    offer_id = client.post("/api/v1/offers", json=body).json()["id"]
    page = client.get(f"/market?offer={offer_id}")
    assert page.status_code == 200, page.text
    text = " ".join(page.text.split())
    assert "Amounts in GBP, per year." in text
    assert re.search(r"Restated from USD at 1 USD = 0\.793468 GBP \(2025-02-28", text)
    assert "Google L5 London (annualized)" in text
