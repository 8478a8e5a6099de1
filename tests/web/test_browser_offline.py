"""Nothing is fetched from the internet: every request a page makes stays on the app's origin,
the API documentation (Swagger UI, vendored) included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Request, expect

from tests.web.test_browser import ARGS, CHROMIUM, base_url  # noqa: F401 - the server fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is absent: apt-get install -y chromium",
    ),
]


@pytest.fixture
def watched(base_url: str) -> Iterator[tuple[Page, list[str]]]:  # noqa: F811
    """A page, and the list of every URL it asked for that is not on the app's origin."""
    from playwright.sync_api import sync_playwright

    elsewhere: list[str] = []

    def record(request: Request) -> None:
        if not request.url.startswith((base_url, "data:", "blob:")):
            elsewhere.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(base_url=base_url)
        context.on("request", record)
        try:
            yield context.new_page(), elsewhere
        finally:
            context.close()
            browser.close()


def test_pages_and_api_docs_load_nothing_from_elsewhere(watched: tuple[Page, list[str]]):
    page, elsewhere = watched
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("offerlab")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    for path in ("/offers", "/offers/new", "/market?company=Microsoft", "/prep"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert elsewhere == []
