"""Screenshots of the web app for docs/web.md (a docs script, not run by CI).

Starts the app with uvicorn on a free loopback port over a temporary SQLite store holding the
example offers (``examples/*.toml``), drives Debian's Chromium (``/usr/bin/chromium``) with
Playwright at a desktop width and at a phone width (390 px), and writes viewport PNGs to
``docs/img/``::

    .venv/bin/python scripts/screenshots.py            # all pages, both widths
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --only compare
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser flags and the test server helper come from tests/

from tests.web.test_browser import ARGS, CHROMIUM  # noqa: E402

WIDTHS = {"desktop": (1280, 860), "phone": (390, 844)}
EXAMPLES = ("google-l5-kirkland", "amazon-l6-seattle", "msft-l62-initial", "startup-senior-ml")


@contextmanager
def serve(db_path: Path) -> Iterator[str]:
    """The app over a store at ``db_path`` with the example offers saved; yields its URL."""
    from tests.web.serving import serving

    from offerlab.offers import load_offer
    from offerlab.store import Store
    from offerlab.store.offer_repository import OfferRepository
    from offerlab.web import Settings, create_app

    url = f"sqlite:///{db_path}"
    with Store(url) as store:
        repo = OfferRepository(store)
        for name in EXAMPLES:
            repo.add(load_offer(ROOT / "examples" / f"{name}.toml"))
    with serving(create_app(Settings(db=url))) as base_url:
        yield base_url


def _offers(page: Page) -> None:
    page.goto("/offers")


def _form_error(page: Page) -> None:
    page.goto("/offers/new")
    page.fill("#f-company", "Google")
    page.fill("#f-title", "Software Engineer III")
    page.fill("#f-level", "L5")
    page.fill("#f-location", "Kirkland, WA")
    page.fill("#f-base", "198k")
    page.click("form.offer button[type=submit]")
    page.wait_for_selector("#e-base")
    page.locator("#f-base").scroll_into_view_if_needed()


def _compare(page: Page) -> None:
    page.goto("/compare?ids=1,2,3")
    page.wait_for_selector("#compare-chart svg.main-svg", timeout=15_000)
    page.locator("#compare-chart").scroll_into_view_if_needed()


def _market(page: Page) -> None:
    page.goto("/market?offer=1")
    page.wait_for_selector("#market-chart svg.main-svg", timeout=15_000)
    page.locator("#market-chart").scroll_into_view_if_needed()


def _negotiate(page: Page) -> None:
    page.goto("/offers/1/negotiate")


def _scenarios(page: Page) -> None:
    page.goto("/offers/1/scenarios")
    page.wait_for_selector("#fan-plot svg.main-svg", timeout=30_000)
    page.locator("#fan-chart").scroll_into_view_if_needed()


def _prep(page: Page) -> None:
    page.goto("/prep")
    interview = (date.today() + timedelta(days=45)).isoformat()
    if page.locator("details.plan[open]").count():  # no plan yet: make one
        page.fill("#q-name", "loop")
        page.fill("#q-interview_date", interview)
        page.fill("#q-hours_per_week", "10")
        page.click("#plan-form button[type=submit]")
        page.wait_for_url("**/prep?plan=*")


SHOTS: dict[str, Callable[[Page], None]] = {
    "offers": _offers,
    "offer-form-error": _form_error,
    "compare": _compare,
    "market": _market,
    "negotiate": _negotiate,
    "scenarios": _scenarios,
    "prep": _prep,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--only", action="append", choices=sorted(SHOTS), help="repeatable")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = args.only or list(SHOTS)
    with (
        tempfile.TemporaryDirectory() as tmp,
        serve(Path(tmp) / "shots.sqlite3") as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    base_url=base, viewport={"width": width, "height": height}
                )
                page = context.new_page()
                for name in chosen:
                    SHOTS[name](page)
                    page.wait_for_load_state("networkidle")
                    target = args.out / f"{name}-{width_name}.png"
                    page.screenshot(path=str(target))
                    print(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
                context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
