"""The pages: forms with field-level errors, import/export, compare, negotiate, escaping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from offerlab.offers import parse_offer_text

XSS = "<script>alert('x')</script>"

FORM = {
    "name": "",
    "company": "Google",
    "title": "Software Engineer III",
    "level": "L5",
    "location": "Kirkland, WA",
    "currency": "USD",
    "start_date": "2026-09-01",
    "base": "198,000",
    "raise_pct": "",
    "bonus_target_pct": "15",
    "sections": '[signing]\namount = 50000\n\n[[equity]]\nvalue = 360000\nschedule = "google"\n',
}


def form_values(page: str) -> dict[str, str]:
    """What a browser posts from the offer form on ``page``: text inputs' values, ticked
    checkboxes, each select's selected option and the TOML box."""
    form = re.search(r'<form[^>]*class="offer".*?</form>', page, re.S)
    assert form
    html = form.group(0)
    values = dict(re.findall(r'name="([\w.]+)" type="(?:text|date)" value="([^"]*)"', html))
    for name in re.findall(r'name="([\w.]+)" type="checkbox" checked', html):
        values[name] = "on"
    for name, options in re.findall(r'<select[^>]*name="([\w.]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        values[name] = chosen.group(1) if chosen else ""
    sections = re.search(r'name="sections"[^>]*>([^<]*)</textarea>', html)
    assert sections
    values["sections"] = sections.group(1).replace("&#34;", '"').replace("&quot;", '"')
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in values.items()}


def _create(client: TestClient, **changes: str) -> int:
    response = client.post("/offers/new", data={**FORM, **changes}, follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/offers/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def test_create_through_the_form_matches_the_api(client: TestClient, google: dict[str, Any]):
    offer_id = _create(client, name="Google L5")
    page = client.get(f"/offers/{offer_id}")
    assert page.status_code == 200
    assert "Google L5" in page.text
    stored = client.get(f"/api/v1/offers/{offer_id}").json()["offer"]
    assert stored["base"] == 198000
    assert stored["equity"][0]["value"] == 360000
    evaluated = client.post("/api/v1/evaluate", json=stored).json()
    assert f"{evaluated['four_year_total']:,.0f}" in page.text
    listing = client.get("/offers")
    assert f'href="/offers/{offer_id}"' in listing.text


def test_a_bad_amount_is_a_field_error_and_nothing_is_saved(client: TestClient):
    response = client.post("/offers/new", data={**FORM, "base": "12x", "company": ""})
    assert response.status_code == 422
    html = response.text
    assert re.search(r'<p class="error" id="e-base" data-field="base">[^<]*not a number', html)
    assert 'id="e-company"' in html
    assert 'value="12x"' in html  # what was typed comes back to be corrected
    assert client.get("/api/v1/offers").json()["offers"] == []
    nested = client.post("/offers/new", data={**FORM, "sections": "[[equity]]\nvalue = -1\n"})
    assert nested.status_code == 422
    assert "equity[0].value" in nested.text
    broken = client.post("/offers/new", data={**FORM, "sections": "[[equity\n"})
    assert broken.status_code == 422
    assert "malformed TOML" in broken.text


def test_edit_keeps_every_section_and_delete_removes(client: TestClient, examples: Path):
    amazon = (examples / "amazon-l6-seattle.toml").read_bytes()
    imported = client.post(
        "/offers/import",
        files={"file": ("amazon.toml", amazon, "application/toml")},
        follow_redirects=False,
    )
    assert imported.status_code == 303
    offer_id = int(imported.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/offers/{offer_id}").text
    values = form_values(page)
    assert values["equity.shares"] == "1000"  # the grant is in its fields
    values["base"] = "190000"
    saved = client.post(f"/offers/{offer_id}", data=values, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    exported = client.get(f"/offers/{offer_id}/export.toml")
    assert exported.headers["content-disposition"].startswith("attachment")
    offer = parse_offer_text(exported.text, "export", "toml")
    original = parse_offer_text(amazon.decode(), "amazon", "toml")
    assert offer == original.model_copy(update={"base": offer.base})
    assert offer.base == 190000
    deleted = client.post(f"/offers/{offer_id}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    assert client.get(f"/offers/{offer_id}").status_code == 404


def test_import_reports_problems_and_ignores_the_path(client: TestClient):
    response = client.post(
        "/offers/import",
        files={"file": ("../../etc/passwd.toml", b"company = 1\n", "application/toml")},
    )
    assert response.status_code == 422
    assert "passwd.toml" in response.text
    assert "../" not in response.text
    assert "company" in response.text
    binary = client.post("/offers/import", files={"file": ("x.toml", b"\xff\xfe", "text/plain")})
    assert binary.status_code == 422


def test_compare_page_has_the_table_and_the_chart(client: TestClient):
    first = _create(client, name="Google L5")
    second = _create(client, name="Other", base="150000", sections="")
    page = client.get(f"/compare?ids={first}&ids={second}")
    assert page.status_code == 200
    assert "Year-1" in page.text or "Year 1" in page.text
    assert "Four years" in page.text
    assert 'class="plot" data-figure=' in page.text
    assert '<script src="/assets/plotly.min.js">' in page.text
    assert client.get(f"/compare?ids={first},{second}").status_code == 200
    assert client.get(f"/compare?ids={first}").status_code == 422
    assert client.get(f"/compare?ids={first},999").status_code == 404
    asset = client.get("/assets/plotly.min.js")
    assert asset.status_code == 200
    assert asset.headers["content-type"].startswith("text/javascript")
    assert len(asset.content) > 1_000_000


def test_negotiate_page_has_packages_and_scripts(client: TestClient):
    offer_id = _create(client, name="Google L5")
    other = _create(client, name="Rival", base="230000", company="Meta", level="E5")
    page = client.get(f"/offers/{offer_id}/negotiate?vs={other}")
    assert page.status_code == 200, page.text
    for word in ("Packages", "initial", "target", "stretch", 'class="copy"', "Email"):
        assert word in page.text
    assert "checked" in page.text


def test_script_tags_are_escaped_on_every_page(client: TestClient):
    first = _create(client, name=XSS, location=XSS, title=XSS)
    second = _create(client, name=XSS + "2")
    for url in (
        "/offers",
        f"/offers/{first}",
        f"/compare?ids={first},{second}",
        f"/offers/{first}/negotiate",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert XSS not in page.text, url
    bad = client.post("/offers/new", data={**FORM, "base": XSS})
    assert XSS not in bad.text
    missing = client.get(f"/offers/{XSS}", headers={"accept": "text/html"})
    assert missing.status_code in (404, 422)
    assert "<script>alert" not in missing.text


def test_html_errors_for_browsers_json_for_the_api(client: TestClient):
    page = client.get("/offers/999", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "no saved offer with id 999" in page.text
    api = client.get("/api/v1/offers/999", headers={"accept": "text/html"})
    assert api.headers["content-type"].startswith("application/json")


def test_market_page_bands_by_level_with_the_offer_marked(client: TestClient):
    offer_id = _create(client, name="Google L5")
    empty = client.get("/market")
    assert empty.status_code == 200
    assert 'name="company"' in empty.text
    page = client.get(f"/market?offer={offer_id}&to=Meta")
    assert page.status_code == 200
    assert 'class="plot" data-figure=' in page.text
    assert "Google L5 (annualized)" in page.text  # the marker's legend entry
    assert re.search(r"<td>L5[^<]*</td><td class=\"num\">\d", page.text)
    assert "L5 at Meta" in page.text
    assert "<li>E5: score" in page.text
    unknown = client.get("/market?company=NoSuchCompanyAtAll")
    assert unknown.status_code == 404
    assert "no levels known" in unknown.text
    assert 'name="company"' in unknown.text  # the form stays, to try another company
    assert client.get("/market?offer=abc").status_code == 422
    hostile = client.get("/market", params={"company": XSS})
    assert hostile.headers["content-type"].startswith("text/html")
    assert hostile.status_code == 404
    assert XSS not in hostile.text
    as_json = client.get("/api/v1/levels/" + XSS)
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_json.headers["x-content-type-options"] == "nosniff"


def test_scenarios_page_after_tax_fan_chart_and_ten_years(client: TestClient):
    offer_id = _create(client, name="Google L5")
    page = client.get(f"/offers/{offer_id}/scenarios?seed=3&paths=500")
    assert page.status_code == 200, page.text
    for text in ("After tax", "after tax", "Monte Carlo", 'class="plot" data-figure=', "Ten years"):
        assert text in page.text
    assert len(re.findall(r"<tr><td>\d+</td><td>", page.text)) == 10
    again = client.get(f"/offers/{offer_id}/scenarios?seed=3&paths=500").text
    nonce = re.compile(r'nonce="[^"]+"')
    assert nonce.sub("", again) == nonce.sub("", page.text)  # the same but for the nonce
    unknown = client.get(f"/offers/{offer_id}/scenarios", params={"residence": XSS})
    assert unknown.status_code == 200
    assert "unknown residence" in unknown.text
    assert XSS not in unknown.text
    assert client.get(f"/offers/{offer_id}/scenarios?paths=5").status_code == 422
    assert client.get("/offers/999/scenarios").status_code == 404


def test_htmx_form_posts_get_the_form_back_or_a_redirect_header(client: TestClient):
    htmx = {"HX-Request": "true"}
    bad = client.post("/offers/new", data={**FORM, "base": "198k"}, headers=htmx)
    assert bad.status_code == 422
    assert '<div id="offer-form">' in bad.text  # what hx-select swaps in
    assert 'id="e-base"' in bad.text
    good = client.post("/offers/new", data=FORM, headers=htmx, follow_redirects=False)
    assert good.status_code == 204
    assert re.fullmatch(r"/offers/\d+", good.headers["hx-redirect"])
    assert client.get(good.headers["hx-redirect"]).status_code == 200


def test_compare_page_offers_every_saved_offer_to_tick(client: TestClient):
    ids = [_create(client, name=name) for name in ("One", "Two", "Three")]
    page = client.get(f"/compare?ids={ids[0]},{ids[1]}")
    assert page.status_code == 200
    boxes = re.findall(r'<input type="checkbox" name="ids" value="(\d+)"( checked)?>', page.text)
    assert boxes == [(str(ids[0]), " checked"), (str(ids[1]), " checked"), (str(ids[2]), "")]
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in page.text
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
