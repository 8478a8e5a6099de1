"""The pages with private-company equity (issue 14): compare shows paper, risk-adjusted (the
method named, a haircut if asked) and cash; the scenarios page runs the private-company model;
the negotiation page shows the figures competing offers are measured on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import offer_body

NAMES = ("startup-senior-ml", "ai-lab-units", "msft-63-redmond")


@pytest.fixture
def ids(client: TestClient, examples: Path) -> list[int]:
    return [
        client.post("/api/v1/offers", json=offer_body(examples / f"{n}.toml")).json()["id"]
        for n in NAMES
    ]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'").split())


def test_compare_shows_paper_risk_adjusted_and_cash(client: TestClient, ids: list[int]) -> None:
    page = client.get("/compare", params={"ids": ",".join(map(str, ids))})
    assert page.status_code == 200
    text = _text(page.text)
    assert "Paper, risk-adjusted and cash" in text
    # the start-up: 298,288 on paper in Year 1, 222,205 risk-adjusted, 218,288 in cash
    assert re.search(r"Start-up senior ML engineer paper 298,288 .*? risk-adjusted 222,205", text)
    assert "cash 218,288" in text
    assert "Risk-adjusted (expected value)" in text
    assert "20,000 paths, seed 7" in text
    assert "40,000 ISOs at a $2.00 strike, preferred price $10.00" in text
    assert "chance its private equity brings no cash within 4 years" in text
    haircut = _text(
        client.get("/compare", params={"ids": f"{ids[0]},{ids[1]}", "haircut": "50"}).text
    )
    assert "Risk-adjusted (50% haircut)" in haircut
    assert "risk-adjusted 258,288" in haircut  # 298,288 less half of the 80,000 of options


def test_a_bad_haircut_is_shown_at_its_field(client: TestClient, ids: list[int]) -> None:
    for value, says in (
        ("150", "haircut 150 is not a percent from 0 to 100"),
        ("lots", "not a number"),
    ):
        page = client.get("/compare", params={"ids": f"{ids[0]},{ids[1]}", "haircut": value})
        assert page.status_code == 422
        assert 'aria-invalid="true" aria-describedby="risk-problem"' in page.text
        assert says in _text(page.text)
        assert "Risk-adjusted (expected value)" in _text(page.text)  # still compared


def test_the_scenarios_page_runs_the_private_model(client: TestClient, ids: list[int]) -> None:
    startup = _text(client.get(f"/offers/{ids[0]}/scenarios").text)
    assert "Private-company equity: the cash it turns into" in startup
    assert "an exit at the end of year 1..4 with 5%, 10%, 10%, 10%" in startup
    assert "chance it brings no cash at all" in startup
    assert "Stock price: Monte Carlo" not in startup
    certain = _text(
        client.get(
            f"/offers/{ids[0]}/scenarios",
            params={"exits": "100", "dilution": "0", "private_volatility": "0"},
        ).text
    )
    # a certain exit at the end of year 1 with no volatility sells every option at 10.00
    assert "Equity on paper over years 1-4: 440,000 ; turned into cash: 440,000 expected" in certain
    public = _text(client.get(f"/offers/{ids[2]}/scenarios").text)
    assert "Stock price: Monte Carlo" in public
    bad = client.get(f"/offers/{ids[0]}/scenarios", params={"exits": "70,70"})
    assert bad.status_code == 422
    assert "exits adds up to 140%" in bad.text
    assert client.get(f"/offers/{ids[0]}/scenarios", params={"exits": "x"}).status_code == 422


def test_the_negotiation_page_shows_the_risk_adjusted_measures(
    client: TestClient, ids: list[int]
) -> None:
    text = _text(client.get(f"/offers/{ids[2]}/negotiate", params={"vs": ids[1]}).text)
    assert "Measured risk-adjusted (expected value)" in text
    assert "1,500 profit participation units at $800.00 a unit" in text
    plain = _text(client.get(f"/offers/{ids[2]}/negotiate").text)
    assert "Measured risk-adjusted" not in plain
