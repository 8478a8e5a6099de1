"""Browser tests: Playwright driving Debian's Chromium against the app served by uvicorn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.serving import serving

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is absent: apt-get install -y chromium",
    ),
]

#: The page of a saved offer (the form posts through htmx, so wait for this, not any /offers/*).
SAVED = re.compile(r"/offers/\d+$")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    """The app on a free loopback port, served by uvicorn in a thread, over a fresh store."""
    from offerlab.web import Settings, create_app

    app = create_app(Settings(db=f"sqlite:///{tmp_path / 'browser.sqlite3'}"))
    with serving(app) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def _fill_offer(page: Page, name: str, base: str, equity: str = "360000") -> None:
    page.goto("/offers/new")
    _fill_fields(page, name, base, equity)
    page.click("button[type=submit]")


def _fill_fields(page: Page, name: str, base: str, equity: str = "360000") -> None:
    page.fill("#f-name", name)
    page.fill("#f-company", "Google")
    page.fill("#f-title", "Software Engineer III")
    page.fill("#f-level", "L5")
    page.fill("#f-location", "Kirkland, WA")
    page.fill("#f-start_date", "2026-09-01")
    page.fill("#f-base", base)
    page.fill("#f-bonus_target_pct", "15")
    page.fill("#f-sections", f'[[equity]]\nvalue = {equity}\nschedule = "google"\n')


def test_create_an_offer_through_the_form(page: Page) -> None:
    _fill_offer(page, "Google L5", "198000")
    page.wait_for_url(SAVED)
    assert page.locator("h1").inner_text() == "Google L5"
    assert "Four-year total" in page.content()
    page.goto("/offers")
    assert page.locator("table.offers tbody tr").count() == 1


def test_a_bad_amount_shows_a_field_error(page: Page) -> None:
    _fill_offer(page, "Typo", "198k")
    error = page.locator("#e-base")
    error.wait_for()
    assert "not a number" in error.inner_text()
    assert page.locator("#f-base").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-base").input_value() == "198k"


def test_compare_two_offers_and_see_the_chart(page: Page) -> None:
    _fill_offer(page, "First", "198000")
    page.wait_for_url(SAVED)
    _fill_offer(page, "Second", "170000", equity="500000")
    page.wait_for_url(SAVED)
    page.goto("/offers")
    boxes = page.locator("input[name=ids]")
    assert boxes.count() == 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("text=Compare the ticked offers")
    page.wait_for_url("**/compare?*")
    page.wait_for_selector("#compare-chart svg.main-svg", timeout=15_000)
    bars = page.locator("#compare-chart g.point")
    assert bars.count() >= 8  # two offers x four years x at least one component
    assert "Second" in page.locator("table.figures").first.inner_text()


def test_negotiate_scripts_have_copy_buttons(page: Page) -> None:
    _fill_offer(page, "Google L5", "198000")
    page.wait_for_url(SAVED)
    page.click("text=Negotiate")
    page.wait_for_url("**/negotiate")
    assert page.locator("pre.script").count() >= 1
    assert "Packages" in page.content()


def test_market_box_plots_with_the_offer_marked(page: Page) -> None:
    _fill_offer(page, "Google L5", "198000")
    page.wait_for_url(SAVED)
    page.goto("/market")
    page.select_option("select[name=offer]", label="Google L5")
    page.click("text=Show")
    page.wait_for_selector("#market-chart svg.main-svg", timeout=15_000)
    assert page.locator("#market-chart g.trace.boxes").count() >= 1
    assert "L5" in page.locator("table.figures").inner_text()


def test_htmx_swaps_a_field_error_in_without_a_page_load(page: Page) -> None:
    page.goto("/offers/new")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.samePage = true")
    _fill_fields(page, "Google L5", "198k")
    page.click("button[type=submit]")
    error = page.locator("#e-base")
    error.wait_for()
    assert "not a number" in error.inner_text()
    assert page.evaluate("window.samePage") is True  # swapped in place, not a new document
    # Focus moves once htmx has settled the swap (htmx:afterSettle, a moment after the error
    # is in the page): wait for it rather than read it at once.
    expect(page.locator("#f-base")).to_be_focused()
    page.fill("#f-base", "198000")
    page.click("button[type=submit]")
    page.wait_for_url("**/offers/1")
    assert page.locator("h1").inner_text() == "Google L5"
    assert "Four-year total" in page.content()


def test_htmx_compare_updates_when_a_box_is_ticked(page: Page) -> None:
    for name, base in (("First", "198000"), ("Second", "170000"), ("Third", "150000")):
        _fill_offer(page, name, base)
        page.wait_for_url(SAVED)
    page.goto("/compare?ids=1,2")
    page.wait_for_selector("#compare-chart svg.main-svg", timeout=15_000)
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.samePage = true")
    assert "Third" not in page.locator("#compare-body table.figures").first.inner_text()
    page.check("input[name=ids][value='3']")
    page.wait_for_url("**/compare?ids=1&ids=2&ids=3")
    page.wait_for_function(
        "document.querySelector('#compare-body table.figures').innerText.includes('Third')"
    )
    page.wait_for_selector("#compare-chart svg.main-svg", timeout=15_000)
    assert page.evaluate("window.samePage") is True


def test_make_a_prep_plan_on_the_page_and_log_practice(page: Page) -> None:
    from datetime import date, timedelta

    page.goto("/prep")
    page.fill("#q-name", "loop")
    page.fill("#q-interview_date", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#q-hours_per_week", "10")
    page.click("#plan-form button[type=submit]")
    error = page.locator("#e-plan-interview_date")
    error.wait_for()
    assert "in the past" in error.inner_text()
    page.fill("#q-interview_date", (date.today() + timedelta(days=40)).isoformat())
    page.click("#plan-form button[type=submit]")
    page.wait_for_url("**/prep?plan=loop")
    assert "Plan loop" in page.locator("main p").first.inner_text()
    assert page.locator("table.figures").first.locator("tbody tr").count() >= 5
    page.select_option("#p-skill", "coding")
    page.fill("#p-problem", "LRU cache")
    page.fill("#p-minutes", "45")
    page.click("#practice-box button[type=submit]")
    # The page reloads on the same plan: the practice counts toward the loop shown.
    page.wait_for_selector("text=Hours done 0.75")
    assert page.url.endswith("/prep?plan=loop")
