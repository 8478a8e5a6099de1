"""The offer form's equity grant (issue 14): options, units and RSUs with their strike, 409A,
ISO/NSO, expiry, exercise window, early exercise and liquidity, each problem at its field;
the offer page shows paper value beside cash and the grant in recruiters' words."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.test_pages import FORM, form_values

OPTIONS = {
    **FORM,
    "company": "Acme AI",
    "title": "Senior ML Engineer",
    "level": "Senior",
    "location": "San Francisco, CA",
    "base": "200000",
    "sections": "",
    "equity.kind": "option",
    "equity.shares": "40,000",
    "equity.strike": "2.00",
    "equity.fmv": "5.00",
    "equity.price": "10.00",
    "equity.option_type": "iso",
    "equity.schedule": "standard",
    "equity.expiry_years": "10",
    "equity.exercise_window_days": "90",
    "liquidity.kind": "private",
}


def _created(client: TestClient, data: dict[str, str]) -> int:
    response = client.post("/offers/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_an_option_grant_through_the_form(client: TestClient) -> None:
    offer_id = _created(client, OPTIONS)
    stored = client.get(f"/api/v1/offers/{offer_id}").json()["offer"]
    (grant,) = stored["equity"]
    assert grant == {
        "kind": "option",
        "shares": 40000,
        "price": 10,
        "strike": 2,
        "fmv": 5,
        "schedule": "standard",
        "liquidity": "private",
    }
    page = client.get(f"/offers/{offer_id}").text
    flat = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    # paper value beside cash: 80,000 of options a year on paper, none of it money
    assert "total (paper)" in flat
    assert "cash received" in flat
    assert "exercise cost of the vests 20,000" in flat
    assert "Cash received, years 1-4 920,000 USD" in flat  # base and 15% bonus, no equity
    assert "40,000 ISOs at a $2.00 strike, preferred price $10.00" in flat
    # the fields come back filled, and saving them unchanged keeps the offer
    values = form_values(page)
    assert (values["equity.kind"], values["equity.strike"], values["liquidity.kind"]) == (
        "option",
        "2",
        "private",
    )
    saved = client.post(f"/offers/{offer_id}", data=values, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert client.get(f"/api/v1/offers/{offer_id}").json()["offer"] == stored


def test_units_sold_at_tenders_and_an_exit(client: TestClient) -> None:
    data = {
        **OPTIONS,
        "equity.kind": "unit",
        "equity.name": "profit participation units",
        "equity.shares": "1500",
        "equity.price": "800",
        "equity.strike": "",
        "equity.fmv": "",
        "equity.option_type": "",
        "equity.expiry_years": "",
        "equity.exercise_window_days": "",
        "liquidity.kind": "table",
        "liquidity.tender_every_months": "12",
        "liquidity.first_tender_month": "18",
        "liquidity.tender_pct": "20",
        "liquidity.exit_month": "40",
        "sections": "[signing]\namount = 50000\n",
    }
    offer_id = _created(client, data)
    stored = client.get(f"/api/v1/offers/{offer_id}").json()["offer"]
    assert stored["equity"][0]["liquidity"] == {
        "tender_every_months": 12,
        "first_tender_month": 18,
        "tender_pct": 20,
        "exit_month": 40,
    }
    page = client.get(f"/offers/{offer_id}").text
    assert "sellable at yearly tenders, up to 20% of vested holdings each" in page
    values = form_values(page)
    assert values["liquidity.tender_pct"] == "20"
    assert "[signing]" in values["sections"]
    assert (
        client.post(f"/offers/{offer_id}", data=values, follow_redirects=False).status_code == 303
    )
    assert client.get(f"/api/v1/offers/{offer_id}").json()["offer"] == stored


def test_more_grants_stay_in_the_toml_box_after_the_field_grant(client: TestClient) -> None:
    data = {**OPTIONS, "sections": '[[equity]]\nname = "sign-on RSU"\nvalue = 50000\n'}
    offer_id = _created(client, data)
    stored = client.get(f"/api/v1/offers/{offer_id}").json()["offer"]
    assert [g.get("kind", "rsu") for g in stored["equity"]] == ["option", "rsu"]
    values = form_values(client.get(f"/offers/{offer_id}").text)
    assert values["equity.kind"] == "option"
    assert "sign-on RSU" in values["sections"]


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"equity.kind": "rsu", "equity.shares": "", "equity.value": "100000"}, "equity.strike",
         "only options have"),
        ({"equity.strike": "-1"}, "equity.strike", "-1 must not be negative"),
        ({"equity.strike": "two"}, "equity.strike", ""),
        ({"equity.shares": ""}, "equity.shares", "an option grant needs it"),
        ({"equity.option_type": "rso"}, "equity.option_type", "'iso' or 'nso'"),
        ({"equity.exercise_window_days": "-5"}, "equity.exercise_window_days", "not be negative"),
        ({"liquidity.kind": "table"}, "liquidity.tender_months", "at least one tender or an exit"),
        ({"liquidity.kind": "table", "liquidity.tender_every_months": "12",
          "liquidity.tender_pct": "150"}, "liquidity.tender_pct", "150 is out of range"),
        ({"liquidity.kind": "table", "liquidity.tender_months": "18, x"},
         "liquidity.tender_months", ""),
        ({"liquidity.tender_every_months": "12"}, "liquidity.kind", "'private' is chosen"),
        ({"liquidity.kind": "sometimes"}, "liquidity.kind", "unknown liquidity"),
        ({"equity.kind": "share"}, "equity.kind", ""),
    ],
)  # fmt: skip
def test_each_problem_is_shown_at_its_field(
    client: TestClient, changes: dict[str, str], field: str, says: str
) -> None:
    response = client.post("/offers/new", data={**OPTIONS, **changes})
    assert response.status_code == 422, response.text
    html = response.text
    eid = "e-" + field.replace(".", "-")
    found = re.search(rf'<p class="error" id="{eid}" data-field="{re.escape(field)}">([^<]*)', html)
    assert found, html[html.find("error") - 200 : html.find("error") + 400]
    assert says in found.group(1).replace("&#39;", "'")
    assert f'id="f-{field.replace(".", "-")}"' in html
    assert client.get("/api/v1/offers").json()["offers"] == []


def test_a_409a_above_the_price_is_allowed_and_flagged(client: TestClient) -> None:
    offer_id = _created(client, {**OPTIONS, "equity.fmv": "12"})
    page = client.get(f"/offers/{offer_id}").text
    assert "Check these grants" in page
    assert "equity[0].fmv" in page
