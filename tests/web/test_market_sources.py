"""The market page and the API show every source side by side, as ``market bands`` does."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.web.conftest import offer_body


def test_the_market_page_shows_every_source_for_an_offer(
    client: TestClient, examples: Path
) -> None:
    body = offer_body(examples / "msft-l62-initial.toml")
    offer_id = client.post("/api/v1/offers", json=body).json()["id"]
    page = client.get(f"/market?offer={offer_id}")
    assert page.status_code == 200, page.text
    text = " ".join(page.text.split())
    assert 'id="market-sources"' in text
    assert "BLS OEWS May 2025 (official)" in text
    assert "Software Developers, all employers, Seattle-Tacoma-Bellevue, WA" in text
    assert "167,280" in text
    assert re.search(r"levels\.fyi records 2017-2021 \(Kaggle\) \(records\) <strong>headline", text)
    assert "restated at 1.8157%/yr" in text
    assert "stated 165,000-230,000" in text  # seed 001's 61-62 base range, as stated
    assert "Headline: levels.fyi records 2017-2021 (Kaggle) (company records) leads" in text


def test_the_page_and_the_api_take_title_level_and_as_of(client: TestClient) -> None:
    params = {
        "company": "Microsoft",
        "level": "62",
        "title": "ML Engineer",
        "location": "Redmond",
        "as_of": "2027-01-04",
    }
    page = client.get("/market", params=params)
    assert page.status_code == 200, page.text
    assert "as of 2027-01-04" in page.text
    api = client.get("/api/v1/bands", params=params)
    assert api.status_code == 200, api.text
    data = api.json()
    assert data["as_of"] == "2027-01-04"
    assert [b["kind"] for b in data["bands"]] == ["records", "official", "guide", "guide"]
    assert data["bands"][0]["restated"]["rate_pct"] == 1.8157
    bad = client.get("/market", params={**params, "as_of": "soon"})
    assert bad.status_code == 422
