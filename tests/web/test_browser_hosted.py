"""Hosted mode in a real browser: sign in through the form (the Secure, ``__Host-`` session
cookie works on a loopback address), create an offer, and another user cannot open it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from offerlab.store.account_repository import AccountRepository
from tests.web.serving import serving
from tests.web.test_browser import ARGS, CHROMIUM, SAVED
from tests.web.test_browser_pages import PHONE, WATCH

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium (/usr/bin/chromium) is absent: apt-get install -y chromium",
    ),
]

PASSWORD = "a long enough pass phrase"
#: Set OFFERLAB_SCREENSHOTS=DIR to keep the pages' screenshots (docs/img).
SCREENSHOTS = (
    Path(os.environ["OFFERLAB_SCREENSHOTS"]) if os.environ.get("OFFERLAB_SCREENSHOTS") else None
)


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


def _new_offer(page: Page, *fields: str) -> None:
    """Fill the new-offer form (name, company, title, level, location, base; start 2026-09-01)
    and save it."""
    name, company, title, level, place, base = fields
    page.goto("/offers/new")
    for field, value in (
        ("name", name),
        ("company", company),
        ("title", title),
        ("level", level),
        ("location", place),
        ("start_date", "2026-09-01"),
        ("base", base),
    ):
        page.fill(f"#f-{field}", value)
    page.click("form.offer button[type=submit]")
    page.wait_for_url(SAVED)


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

    _new_offer(
        alice, "Alice at Google", "Google", "Software Engineer III", "L5", "Kirkland, WA", "198000"
    )
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


def test_share_an_offer_on_a_phone_and_withdraw_it(browser: Browser, hosted_url: str):
    context = browser.new_context(base_url=hosted_url, viewport=PHONE)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "alice")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_have_text("alice")
    _new_offer(
        page,
        "Microsoft offer",
        "Microsoft",
        "Senior Machine Learning Engineer",
        "62",
        "Redmond, WA",
        "180000",
    )
    share = page.locator("#share")
    expect(share).to_contain_text("Not shared.")
    expect(share).to_contain_text("Seattle metro")
    expect(share).to_contain_text("ML/AI Engineer")
    expect(share).not_to_contain_text("Microsoft offer")  # the offer's name is not shared

    def fits() -> None:
        assert page.evaluate("window.__violations") == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide"

    fits()
    page.select_option("#share-years", "6-9")
    share.locator("button", has_text="Share this offer").click()
    expect(page.locator("#share")).to_contain_text("The pool holds exactly this")
    expect(page.locator("#share")).to_contain_text("6-9")
    expect(page.locator("#share")).to_contain_text("2026-09")
    fits()
    if SCREENSHOTS:
        page.locator("#share").screenshot(path=str(SCREENSHOTS / "hosted-share-phone.png"))
    page.locator("#share button", has_text="Withdraw from the pool").click()
    expect(page.locator("#share")).to_contain_text("Not shared.")
    context.close()
