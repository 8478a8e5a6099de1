"""Every JSON contract and report, pinned by a stored file (tests/snapshots/).

A contract that changes shows up here as a diff. When the change is intended, rewrite the files
with ``pytest tests/test_snapshots.py --snapshot-update`` and review ``git diff tests/snapshots``.
The CLI and the API are pinned separately: the two front ends must agree, and a test below
checks that they do where they answer the same question.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.web import Settings, create_app
from tests.conftest import EXAMPLES, SNAPSHOTS, Snapshot
from tests.web.conftest import offer_body

runner = CliRunner()

OFFERS = sorted(p.name for p in EXAMPLES.glob("*.toml"))
PROFILE = str(EXAMPLES / "profiles" / "alex.toml")
PROMOTIONS = str(EXAMPLES / "promotions" / "msft-62-two-launches.toml")


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers as of "today" (market bands' ages and restatements) are pinned to one day."""
    monkeypatch.setenv("OFFERLAB_TODAY", "2026-12-03")


def example(name: str) -> str:
    return str(EXAMPLES / name)


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def pretty(text: str) -> str:
    """JSON re-indented the same way whatever printed it, so diffs are line by line."""
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=False)


@pytest.mark.parametrize("name", OFFERS)
def test_offer_show(snapshot: Snapshot, name: str) -> None:
    stem = Path(name).stem
    snapshot(f"cli/offer-show/{stem}.json", pretty(cli("offer", "show", example(name), "--json")))


def test_offer_show_events(snapshot: Snapshot) -> None:
    out = cli("offer", "show", example("msft-l62-target.toml"), "--events", "--json")
    snapshot("cli/offer-show-events.json", pretty(out))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("msft-l62-target-sf", ("msft-l62-target.toml", "--residence", "San Francisco, CA")),
        ("google-l5-london", ("google-l5-london.toml",)),
        ("amazon-l6-seattle", ("amazon-l6-seattle.toml",)),
        ("startup-at-vest", ("startup-senior-ml.toml", "--exercise", "at-vest")),
        ("ai-lab-units", ("ai-lab-units.toml", "--years", "6")),
    ],
)
def test_offer_show_after_tax(snapshot: Snapshot, name: str, args: tuple[str, ...]) -> None:
    out = cli("offer", "show", example(args[0]), *args[1:], "--after-tax", "--json")
    snapshot(f"cli/offer-show-after-tax/{name}.json", pretty(out))


def test_offer_compare(snapshot: Snapshot) -> None:
    files = [example(n) for n in ("msft-l62-initial.toml", "google-l5-kirkland.toml")]
    out = cli("offer", "compare", *files, example("amazon-l6-seattle.toml"), "--json")
    snapshot("cli/offer-compare.json", pretty(out))


def test_offer_compare_currency(snapshot: Snapshot) -> None:
    files = [example(n) for n in ("msft-l62-target.toml", "google-l5-london.toml")]
    out = cli("offer", "compare", *files, "--currency", "USD", "--json")
    snapshot("cli/offer-compare-usd.json", pretty(out))


def test_offer_simulate(snapshot: Snapshot) -> None:
    files = [example(n) for n in ("msft-l62-target.toml", "google-l5-kirkland.toml")]
    out = cli("offer", "simulate", *files, "--paths", "2000", "--seed", "7", "--json")
    snapshot("cli/offer-simulate.json", pretty(out))


def test_offer_simulate_private(snapshot: Snapshot) -> None:
    files = [example(n) for n in ("msft-l62-target.toml", "ai-lab-units.toml")]
    private = ("--exit-by-year", "5,10,10,10", "--dilution", "15")
    out = cli("offer", "simulate", *files, "--paths", "2000", "--seed", "7", *private, "--json")
    snapshot("cli/offer-simulate-private.json", pretty(out))


def test_offer_schema_and_schedules(snapshot: Snapshot) -> None:
    snapshot("cli/offer-schema.json", pretty(cli("offer", "schema")))
    snapshot("cli/offer-schedules.json", pretty(cli("offer", "schedules", "--json")))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("msft-62-redmond", ("--company", "Microsoft", "--level", "62", "--location", "Redmond")),
        ("google-l5", ("--company", "Google", "--level", "L5")),
    ],
)
def test_market_bands(snapshot: Snapshot, name: str, args: tuple[str, ...]) -> None:
    out = cli("market", "bands", *args, "--json")
    snapshot(f"cli/market-bands/{name}.json", pretty(out))


def test_market_reference(snapshot: Snapshot) -> None:
    snapshot(
        "cli/market-levels-microsoft.json", pretty(cli("market", "levels", "Microsoft", "--json"))
    )
    out = cli("market", "map", "--from", "Google:L5", "--to", "Microsoft", "--json")
    snapshot("cli/market-map-google-l5-microsoft.json", pretty(out))
    snapshot("cli/market-sources.json", pretty(cli("market", "sources", "--json")))
    snapshot("cli/market-audit.json", pretty(cli("market", "audit", "--json")))


NEGOTIATE = (
    example("msft-l62-initial.toml"),
    "--competing",
    example("google-l5-kirkland.toml"),
    "--profile",
    PROFILE,
)


def test_negotiate(snapshot: Snapshot, tmp_path: Path) -> None:
    snapshot("cli/negotiate.json", pretty(cli("negotiate", *NEGOTIATE, "--json")))
    report = tmp_path / "plan.md"
    cli("negotiate", *NEGOTIATE, "--format", "md", "--out", str(report))
    snapshot("reports/negotiate.md", report.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        # Issue 11's trials: a weaker competing offer; a GBP offer against a USD one; INR.
        ("meta-e5-vs-msft-63", ("meta-e5-menlo-park.toml", "msft-63-redmond.toml", "jordan.toml")),
        ("google-l4-london-vs-msft-62", ("google-l4-london.toml", "msft-l62-initial.toml", "")),
        (
            "msft-61-hyderabad-inr",
            ("msft-61-hyderabad-inr.toml", "amazon-l5-hyderabad-inr.toml", ""),
        ),
    ],
)
def test_negotiate_trials(
    snapshot: Snapshot, tmp_path: Path, name: str, args: tuple[str, str, str]
) -> None:
    offer, competing, profile = args
    given = [example(offer), "--competing", example(competing)]
    if profile:
        given += ["--profile", str(EXAMPLES / "profiles" / profile)]
    snapshot(f"cli/negotiate/{name}.json", pretty(cli("negotiate", *given, "--json")))
    report = tmp_path / "plan.md"
    cli("negotiate", *given, "--format", "md", "--out", str(report))
    snapshot(f"reports/negotiate/{name}.md", report.read_text(encoding="utf-8"))


def test_career(snapshot: Snapshot) -> None:
    out = cli(
        "career",
        "project",
        example("msft-l62-target.toml"),
        "--years",
        "10",
        "--promotions",
        PROMOTIONS,
        "--json",
    )
    snapshot("cli/career-project.json", pretty(out))


PLAN = ("--interview-date", "2027-01-15", "--start", "2026-12-07", "--hours-per-week", "10")


def test_prep(snapshot: Snapshot, tmp_path: Path) -> None:
    snapshot("cli/prep-pipelines.json", pretty(cli("prep", "pipelines", "--json")))
    snapshot("cli/prep-plan.json", pretty(cli("prep", "plan", *PLAN, "--json")))
    report = tmp_path / "plan.md"
    cli("prep", "plan", *PLAN, "--format", "md", "--out", str(report))
    snapshot("reports/prep-plan.md", report.read_text(encoding="utf-8"))
    cli("prep", "plan", *PLAN, "--save", "loop", "--today", "2026-12-07")
    cli(
        "prep",
        "log",
        "practice",
        "--skill",
        "coding",
        "--problem",
        "LRU cache",
        "--minutes",
        "45",
        "--outcome",
        "partial",
        "--mistake",
        "forgot to move the node to the front on get",
        "--today",
        "2026-12-08",
    )
    out = cli("prep", "status", "--json", "--today", "2026-12-09")
    snapshot("cli/prep-status.json", pretty(out))


# --- The API: the same questions over HTTP ---------------------------------------------


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(db=f"sqlite:///{tmp_path / 'web' / 'offerlab.sqlite3'}")
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        yield client


def _ok(response: Any) -> str:
    assert response.status_code < 300, response.text
    return json.dumps(response.json(), indent=2, ensure_ascii=False)


def test_api_evaluate(snapshot: Snapshot, api: TestClient) -> None:
    body = offer_body(EXAMPLES / "msft-l62-target.toml")
    snapshot("api/evaluate.json", _ok(api.post("/api/v1/evaluate", json=body)))


def test_api_compare_negotiate_simulate(snapshot: Snapshot, api: TestClient) -> None:
    msft = offer_body(EXAMPLES / "msft-l62-initial.toml")
    google = offer_body(EXAMPLES / "google-l5-kirkland.toml")
    compared = api.post("/api/v1/compare", json={"offers": [msft, google]})
    snapshot("api/compare.json", _ok(compared))
    plan = api.post("/api/v1/negotiate", json={"offer": msft, "competing": [google]})
    snapshot("api/negotiate.json", _ok(plan))
    simulated = api.post(
        "/api/v1/simulate", json={"offers": [msft, google], "paths": 2000, "seed": 7}
    )
    snapshot("api/simulate.json", _ok(simulated))


def test_api_market(snapshot: Snapshot, api: TestClient) -> None:
    bands = api.get(
        "/api/v1/bands", params={"company": "Microsoft", "level": "62", "location": "Redmond"}
    )
    snapshot("api/bands-msft-62-redmond.json", _ok(bands))
    snapshot("api/levels-microsoft.json", _ok(api.get("/api/v1/levels/Microsoft")))
    mapped = api.get("/api/v1/map", params={"from": "Google", "level": "L5", "to": "Microsoft"})
    snapshot("api/map-google-l5-microsoft.json", _ok(mapped))


# --- Contracts pinned before issue 12's refactor: every other --json, the HTML report, the
# iCalendar export, the import and the saved-offer documents. Values that differ from run to
# run (a temporary path, the time of an import or a save) are replaced by a placeholder.


def _masked(data: Any, keys: dict[str, str]) -> Any:
    """``data`` with the values of ``keys`` (at any depth) replaced by their placeholder."""
    if isinstance(data, dict):
        return {k: keys[k] if k in keys else _masked(v, keys) for k, v in data.items()}
    if isinstance(data, list):
        return [_masked(item, keys) for item in data]
    return data


def masked(text: str, **keys: str) -> str:
    return json.dumps(_masked(json.loads(text), keys), indent=2, ensure_ascii=False)


def test_offer_compare_after_tax_and_adjusted(snapshot: Snapshot) -> None:
    files = [example(n) for n in ("msft-l62-target.toml", "google-l5-kirkland.toml")]
    taxed = cli("offer", "compare", *files, "--after-tax", "--json")
    snapshot("cli/offer-compare-after-tax.json", pretty(taxed))
    adjusted = cli("offer", "compare", *files, "--adjust-location", "premiums", "--json")
    snapshot("cli/offer-compare-adjusted.json", pretty(adjusted))


def test_offer_simulate_growth_and_restated(snapshot: Snapshot) -> None:
    files = [example(n) for n in ("msft-l62-target.toml", "google-l5-kirkland.toml")]
    grown = cli("offer", "simulate", *files, "--growth", "5", "--json")
    snapshot("cli/offer-simulate-growth.json", pretty(grown))
    london = [example(n) for n in ("msft-l62-target.toml", "google-l5-london.toml")]
    restated = cli(
        "offer", "simulate", *london, "--currency", "USD", "--paths", "500", "--seed", "3", "--json"
    )
    snapshot("cli/offer-simulate-restated.json", pretty(restated))


def test_career_compare(snapshot: Snapshot) -> None:
    out = cli(
        "career",
        "project",
        example("msft-l62-target.toml"),
        "--years",
        "6",
        "--compare",
        example("google-l5-kirkland.toml"),
        "--json",
    )
    snapshot("cli/career-compare.json", pretty(out))


def test_negotiate_html(snapshot: Snapshot, tmp_path: Path) -> None:
    report = tmp_path / "plan.html"
    cli("negotiate", *NEGOTIATE, "--format", "html", "--out", str(report))
    text = report.read_text(encoding="utf-8")
    # The page carries Plotly's whole bundle (several MB, the installed version's): pinned is
    # everything else.
    scripts = re.findall(r"<script[^>]*>.*?</script>", text, flags=re.DOTALL)
    assert any(len(s) > 100_000 for s in scripts), "the report has no chart"
    for script in scripts:
        if len(script) > 100_000:
            text = text.replace(script, "<script>[plotly bundle]</script>")
    snapshot("reports/negotiate.html", text)


def test_market_import_and_records(snapshot: Snapshot, tmp_path: Path) -> None:
    from tests.market.helpers import sample_rows, write_csv

    rows = sample_rows(8) + sample_rows(6, level="63")
    data = write_csv(tmp_path / "records.csv", rows)
    db = ("--db", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    when = {"file": "<file>", "imported_at": "<time>"}
    out = cli(*db, "market", "import", str(data), "--name", "sample", "--json")
    snapshot("cli/market-import.json", masked(out, **when))
    again = cli(*db, "market", "import", str(data), "--json")
    snapshot("cli/market-import-again.json", masked(again, **when))
    listed = cli(*db, "market", "sources", "--json")
    snapshot(
        "cli/market-sources-imported.json",
        masked(listed, **when, title="<file, time>", location="<file>"),
    )
    bands = cli(
        *db, "market", "bands", "--company", "Microsoft", "--level", "62", "--as-of",
        "2022-01-01", "--growth", "4", "--json",
    )  # fmt: skip
    snapshot("cli/market-bands-records.json", masked(bands, **when))
    snapshot(
        "cli/market-levels-microsoft-records.json",
        pretty(cli(*db, "market", "levels", "Microsoft", "--json")),
    )


def test_prep_documents(snapshot: Snapshot, tmp_path: Path) -> None:
    db = ("--db", f"sqlite:///{tmp_path / 'prep.sqlite3'}")
    snapshot(
        "cli/prep-pipeline-one.json", pretty(cli("prep", "pipelines", "big-tech-swe", "--json"))
    )
    ics = tmp_path / "plan.ics"
    cli(*db, "prep", "plan", *PLAN, "--save", "loop", "--today", "2026-12-07", "--ics", str(ics))
    stamped = ics.read_bytes().decode("utf-8")
    snapshot(
        "reports/prep-plan.ics",
        "\n".join(
            "DTSTAMP:<time>" if line.startswith("DTSTAMP:") else line
            for line in stamped.replace("\r\n", "\n").split("\n")
        ),
    )
    snapshot("cli/prep-plans.json", pretty(cli(*db, "prep", "plans", "--json")))
    practice = cli(
        *db, "prep", "log", "practice", "--skill", "coding", "--problem", "LRU cache",
        "--minutes", "45", "--outcome", "partial", "--mistake", "forgot the eviction order",
        "--today", "2026-12-08", "--json",
    )  # fmt: skip
    snapshot("cli/prep-log-practice.json", pretty(practice))
    mock = cli(
        *db,
        "prep",
        "log",
        "mock",
        "--score",
        "phone_technical=3",
        "--today",
        "2026-12-09",
        "--json",
    )
    snapshot("cli/prep-log-mock.json", pretty(mock))
    card = str(json.loads(practice)["review_card"])
    review = cli(*db, "prep", "review", card, "--grade", "4", "--today", "2026-12-10", "--json")
    snapshot("cli/prep-review.json", pretty(review))


def test_api_saved_offers(snapshot: Snapshot, api: TestClient) -> None:
    body = offer_body(EXAMPLES / "startup-senior-ml.toml")
    stamps = {"created_at": "<time>", "updated_at": "<time>"}
    created = api.post("/api/v1/offers", json=body)
    snapshot("api/offer-saved.json", masked(_ok(created), **stamps))
    listed = api.get("/api/v1/offers")
    snapshot("api/offers-page.json", masked(_ok(listed), **stamps))


@pytest.mark.parametrize(
    ("api_file", "cli_file"),
    [
        ("api/bands-msft-62-redmond.json", "cli/market-bands/msft-62-redmond.json"),
        ("api/map-google-l5-microsoft.json", "cli/market-map-google-l5-microsoft.json"),
    ],
)
def test_the_cli_and_the_api_write_the_same_answer(api_file: str, cli_file: str) -> None:
    """One JSON layer: where both front ends answer the same question, the same document."""
    assert (SNAPSHOTS / api_file).read_text(encoding="utf-8") == (SNAPSHOTS / cli_file).read_text(
        encoding="utf-8"
    )
