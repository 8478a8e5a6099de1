"""Hosted mode in a real browser: sign in through the form (the Secure, ``__Host-`` session
cookie works on a loopback address), create an offer, and another user cannot open it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from offerlab.store.account_repository import AccountRepository
from tests.web.serving import serving
from tests.web.test_browser import ARGS, CHROMIUM, SAVED

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is absent: apt-get install -y chromium",
    ),
]

PASSWORD = "a long enough pass phrase"


@pytest.fixture
def hosted_url(pg_url: str) -> Iterator[str]:
    """A hosted app (PostgreSQL) with accounts alice and bob, served by uvicorn in a thread."""
    from offerlab.web import Settings, create_app

    app = create_app(Settings(db=pg_url, hosted=True))
    accounts: AccountRepository = app.state.accounts
    accounts.add("alice", PASSWORD)
    accounts.add("bob", PASSWORD)
    with serving(app, host="localhost") as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def test_sign_in_create_an_offer_and_it_stays_private(browser: Browser, hosted_url: str):
    alice = browser.new_context(base_url=hosted_url).new_page()
    alice.goto("/offers")
    expect(alice).to_have_url(f"{hosted_url}/login?next=%2Foffers")
    alice.fill("#username", "alice")
    alice.fill("#password", "not the password")
    alice.click("button[type=submit]")
    expect(alice.locator("p.error")).to_contain_text("wrong account name or password")
    alice.fill("#username", "alice")
    alice.fill("#password", PASSWORD)
    alice.click("button[type=submit]")
    expect(alice).to_have_url(f"{hosted_url}/offers")
    expect(alice.locator(".who")).to_have_text("alice")

    alice.goto("/offers/new")
    alice.fill("#f-name", "Alice at Google")
    alice.fill("#f-company", "Google")
    alice.fill("#f-title", "Software Engineer III")
    alice.fill("#f-level", "L5")
    alice.fill("#f-location", "Kirkland, WA")
    alice.fill("#f-start_date", "2026-09-01")
    alice.fill("#f-base", "198000")
    alice.click("form.offer button[type=submit]")
    alice.wait_for_url(SAVED)
    offer_url = alice.url
    expect(alice.locator("h1")).to_contain_text("Alice at Google")

    bob = browser.new_context(base_url=hosted_url).new_page()
    bob.goto("/login")
    bob.fill("#username", "bob")
    bob.fill("#password", PASSWORD)
    bob.click("button[type=submit]")
    expect(bob.locator(".who")).to_have_text("bob")
    expect(bob.locator("main")).not_to_contain_text("Alice at Google")
    response = bob.goto(offer_url)
    assert response is not None
    assert response.status == 404

    alice.click("form.account button")
    expect(alice).to_have_url(f"{hosted_url}/login")
    response = alice.goto(offer_url)
    assert response is not None
    expect(alice).to_have_url(f"{hosted_url}/login?next=%2Foffers%2F{offer_url.rsplit('/', 1)[1]}")
