"""Every page in Chromium at a 390 px phone width, under the Content-Security-Policy: no CSP
violation or script error, the page no wider than the screen (a long offer name included),
the key figures on screen without sideways scrolling, and wide tables in a box that shows it
scrolls. The pages come from the app's routes, so a new page is checked too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from playwright.sync_api import Page, ViewportSize

from offerlab.web import Settings, create_app
from tests.web.conftest import offer_body
from tests.web.serving import serving
from tests.web.test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is absent"),
]

PHONE: ViewportSize = {"width": 390, "height": 844}
#: A long offer name with no space to break at.
LONG_NAME = "Google-Staff-Machine-Learning-Engineer-Offer-" * 4
#: Queries that make a page show what it is for (the rest are visited bare).
QUERIES = {
    "/compare": "?ids={a},{b},{long}",
    "/market": "?company=Google&offer={long}&to=Meta",
    "/offers/{offer_id}/negotiate": "?vs={a}",
    "/prep": "?plan=phone-plan",
}
#: Pages that must show key figures (elements marked data-key).
KEYED = {"/offers", "/offers/{offer_id}", "/compare", "/offers/{offer_id}/negotiate"}
#: Routes that are not pages.
NOT_PAGES = {"/assets/plotly.min.js", "/healthz", "/offers/{offer_id}/export.toml", "/"}

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push([e.violatedDirective, e.blockedURI, e.sourceFile].join(" "));
});
"""


@dataclass
class Site:
    base: str
    ids: dict[str, int]
    pages: list[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("phone")
    app = create_app(Settings(db=f"sqlite:///{tmp / 'phone.sqlite3'}"))
    examples = Path(__file__).resolve().parents[2] / "examples"
    with serving(app) as base:
        ids = {}
        for key, file, name in (
            ("a", "google-l5-kirkland.toml", None),
            ("b", "amazon-l6-seattle.toml", None),
            ("long", "google-l5-kirkland.toml", LONG_NAME),
        ):
            body = offer_body(examples / file)
            if name:
                body["name"] = name
            ids[key] = httpx.post(f"{base}/api/v1/offers", json=body).json()["id"]
        plan = {
            "name": "phone-plan",
            "pipeline": "big-tech-swe",
            "interview_date": (date.today() + timedelta(days=40)).isoformat(),
            "hours_per_week": "6",
            "days_per_week": "5",
            "start": "",
            "weak": "",
        }
        assert httpx.post(f"{base}/prep/plan", data=plan).status_code == 303
        pages = []
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            path = context.path
            if not isinstance(route, APIRoute) or path is None or route.include_in_schema:
                continue
            if "GET" not in (route.methods or set()) or path in NOT_PAGES:
                continue
            pages.append(path)
        yield Site(base, ids, pages)


@pytest.fixture
def phone(site: Site) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=site.base, viewport=PHONE)
        context.add_init_script(WATCH)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def url_of(path: str, site: Site) -> str:
    query = QUERIES.get(path, "").format(**site.ids)
    return path.replace("{offer_id}", str(site.ids["long"])) + query


def test_the_pages_are_found(site: Site) -> None:
    assert {"/offers", "/offers/new", "/compare", "/market", "/prep"} <= set(site.pages)
    assert "/offers/{offer_id}/scenarios" in site.pages


def test_every_page_fits_a_phone_under_the_csp(site: Site, phone: Page, tmp_path: Path) -> None:
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    for path in site.pages:
        url = url_of(path, site)
        response = phone.goto(url, wait_until="networkidle")
        assert response is not None
        assert response.status == 200, url
        if phone.locator(".plot").count():
            phone.wait_for_selector(".plot .main-svg", timeout=15_000)
        phone.screenshot(path=str(tmp_path / (re.sub(r"\W+", "-", path) + ".png")))
        assert phone.evaluate("window.__violations") == [], url
        assert errors == [], (url, errors)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width} px wide"
        keys = phone.evaluate(
            """Array.from(document.querySelectorAll("[data-key]")).map(function (e) {
                var box = e.getBoundingClientRect();
                return [e.textContent.trim(), box.left, box.right, box.width];
            })"""
        )
        if path in KEYED:
            assert keys, f"{url} shows no key figure"
        for text, left, right, shown in keys:
            assert shown > 0, (url, text)
            assert left >= 0, (url, text, left)
            assert right <= PHONE["width"], (url, text, right)
        for overflows, marked, shadow in phone.evaluate(
            """Array.from(document.querySelectorAll(".scroll")).map(function (e) {
                return [e.scrollWidth > e.clientWidth + 1, e.hasAttribute("data-overflows"),
                        getComputedStyle(e).backgroundImage];
            })"""
        ):
            assert overflows == marked, url
            assert "gradient" in shadow, url
    assert LONG_NAME in phone.goto(url_of("/compare", site)).text()  # type: ignore[union-attr]


def test_the_compare_page_redraws_in_place_under_the_csp(site: Site, phone: Page) -> None:
    phone.goto(f"/compare?ids={site.ids['a']},{site.ids['b']}")
    phone.wait_for_selector("#compare-chart .main-svg")
    phone.locator(f"form.pick input[value='{site.ids['long']}']").check()
    phone.wait_for_url(re.compile(r"ids=.*" + str(site.ids["long"])))
    phone.wait_for_selector("#compare-chart .main-svg")
    assert phone.locator("table.figures").first.locator("tbody tr").count() == 3
    assert phone.evaluate("window.__violations") == []
