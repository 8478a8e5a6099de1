"""Issue 14 in Chromium at a 390 px phone width, under the Content-Security-Policy: the offer
form with an option grant (filled, saved, shown as paper value beside cash; a bad strike marked
at its field), and the pages of private-company offers (compare with paper, risk-adjusted and
cash; scenarios with the private-company model; negotiation against the AI lab) no wider than
the screen, with no CSP violation or script error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from offerlab.web import Settings, create_app
from tests.web.conftest import offer_body
from tests.web.serving import serving
from tests.web.test_browser import ARGS, CHROMIUM, SAVED, _fill_fields
from tests.web.test_browser_pages import PHONE, WATCH

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is absent"),
]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    tmp = tmp_path_factory.mktemp("private")
    app = create_app(Settings(db=f"sqlite:///{tmp / 'private.sqlite3'}"))
    with serving(app) as base:
        ids = {}
        for key, name in (
            ("startup", "startup-senior-ml"),
            ("lab", "ai-lab-units"),
            ("msft", "msft-63-redmond"),
        ):
            body = offer_body(EXAMPLES / f"{name}.toml")
            ids[key] = httpx.post(f"{base}/api/v1/offers", json=body).json()["id"]
        yield base, ids


@pytest.fixture
def phone(site: tuple[str, dict[str, int]]) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=site[0], viewport=PHONE)
        context.add_init_script(WATCH)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def _fits(page: Page, url: str) -> None:
    assert page.evaluate("window.__violations") == [], url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width} px wide"


def _fill_options(page: Page) -> None:
    page.goto("/offers/new")
    _fill_fields(page, "Acme options", "200000")
    page.fill("#f-sections", "")
    page.select_option("#f-equity-kind", "option")
    page.fill("#f-equity-shares", "40000")
    page.fill("#f-equity-strike", "2.00")
    page.fill("#f-equity-fmv", "5.00")
    page.fill("#f-equity-price", "10.00")
    page.select_option("#f-equity-option_type", "iso")
    page.select_option("#f-equity-schedule", "standard")
    page.fill("#f-equity-exercise_window_days", "90")
    page.check("#f-equity-early_exercise")
    page.select_option("#f-liquidity-kind", "table")
    page.fill("#f-liquidity-tender_every_months", "12")
    page.fill("#f-liquidity-tender_pct", "25")


def test_the_form_takes_an_option_grant_on_a_phone(phone: Page) -> None:
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    _fill_options(phone)
    _fits(phone, "/offers/new")
    # the grant's fields fit the screen: none starts or ends off it
    for left, right in phone.evaluate(
        """Array.from(document.querySelectorAll(
            "fieldset.grant input, fieldset.grant select")).map(function (e) {
            var box = e.getBoundingClientRect(); return [box.left, box.right];
        })"""
    ):
        assert left >= 0
        assert right <= PHONE["width"]
    phone.click("form.offer button[type=submit]")
    phone.wait_for_url(SAVED)
    text = " ".join(phone.locator("main").inner_text().split())
    assert "total (paper)" in text
    assert "cash received" in text
    assert "40,000 ISOs at a $2.00 strike, preferred price $10.00" in text
    assert "sellable at yearly tenders, up to 25% of vested holdings each" in text
    assert phone.locator("#f-equity-kind").input_value() == "option"
    assert phone.locator("#f-equity-early_exercise").is_checked()
    _fits(phone, phone.url)
    assert errors == []


def test_a_bad_strike_is_marked_at_its_field(phone: Page) -> None:
    _fill_options(phone)
    phone.fill("#f-equity-strike", "-2")
    phone.fill("#f-liquidity-tender_pct", "150")
    phone.click("form.offer button[type=submit]")
    strike = phone.locator("#e-equity-strike")
    strike.wait_for()
    assert "must not be negative" in strike.inner_text()
    assert phone.locator("#f-equity-strike").get_attribute("aria-invalid") == "true"
    assert phone.locator("#f-equity-strike").input_value() == "-2"
    assert "150 is out of range" in phone.locator("#e-liquidity-tender_pct").inner_text()
    box = strike.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    _fits(phone, "/offers/new (invalid)")


def test_private_company_pages_fit_a_phone(site: tuple[str, dict[str, int]], phone: Page) -> None:
    ids = site[1]
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    for url, shows in (
        (f"/offers/{ids['startup']}", "cash received"),
        (
            f"/compare?ids={ids['startup']},{ids['lab']},{ids['msft']}",
            "Paper, risk-adjusted and cash",
        ),
        (f"/compare?ids={ids['startup']},{ids['lab']}&haircut=50", "Risk-adjusted (50% haircut)"),
        (f"/offers/{ids['startup']}/scenarios", "Private-company equity"),
        (f"/offers/{ids['msft']}/negotiate?vs={ids['lab']}", "Measured risk-adjusted"),
    ):
        response = phone.goto(url, wait_until="networkidle")
        assert response is not None
        assert response.status == 200, url
        if phone.locator(".plot").count():
            phone.wait_for_selector(".plot .main-svg", timeout=15_000)
        assert shows in phone.locator("main").inner_text(), url
        _fits(phone, url)
        for overflows, marked in phone.evaluate(
            """Array.from(document.querySelectorAll(".scroll")).map(function (e) {
                return [e.scrollWidth > e.clientWidth + 1, e.hasAttribute("data-overflows")];
            })"""
        ):
            assert overflows == marked, url
    assert errors == []
    assert re.search(r"risk-adjusted", phone.content())
