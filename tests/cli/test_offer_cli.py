"""``offerlab offer``: the JSON contracts, the tables, and bad input (exit 2, no traceback)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app

runner = CliRunner()

YEAR_KEYS = {"year", "base", "bonus", "equity", "signing", "refresher", "other", "total"}
#: Money actually received, and what exercising the year's option vests costs (issue 14).
CASH_KEYS = {"exercise_cost", "cash"}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_json_contract(examples: Path) -> None:
    code, out, _ = run("offer", "show", str(examples / "msft-l62-target.toml"), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "name",
        "currency",
        "years",
        "year1_total",
        "four_year_total",
        "cash_total",
        "annualized_total",
        "steady_state_total",
        "warnings",
    }
    assert data["warnings"] == []
    assert data["name"] == "Microsoft 62 target"
    assert data["currency"] == "USD"
    assert [y["year"] for y in data["years"]] == [1, 2, 3, 4]
    assert all(set(y) == YEAR_KEYS | CASH_KEYS for y in data["years"])
    assert data["years"][0] == {
        "year": 1,
        "base": 210000.0,
        "bonus": 31500.0,
        "equity": 75000.0,
        "signing": 60000.0,
        "refresher": 0.0,
        "other": 0.0,
        "total": 376500.0,
        "exercise_cost": 0.0,
        "cash": 376500.0,
    }
    assert data["year1_total"] == 376500
    assert data["four_year_total"] == 1326000
    assert data["annualized_total"] == 331500
    assert data["steady_state_total"] == 316500


def test_show_years_option_and_cents(examples: Path) -> None:
    code, out, _ = run(
        "offer", "show", str(examples / "startup-senior-ml.toml"), "--json", "--years", "6"
    )
    assert code == 0
    data = json.loads(out)
    assert len(data["years"]) == 6
    # Amounts are rounded to cents at the edge and still add up to within a cent per part.
    # Shown cents add up: a year's parts to its total, years 1-4 to the four-year total.
    cents = [{k: round(v * 100) for k, v in year.items()} for year in data["years"]]
    for year in cents:
        assert sum(year[k] for k in YEAR_KEYS - {"year", "total"}) == year["total"]
    assert sum(year["total"] for year in cents[:4]) == round(data["four_year_total"] * 100)


def test_show_table_and_events(examples: Path) -> None:
    code, out, _ = run("offer", "show", str(examples / "msft-l62-initial.toml"), "--events")
    assert code == 0
    assert "297,000.00" in out
    assert "Annualized" in out
    assert "267,000.00 USD" in out
    assert "2026-12-01" in out  # the first quarterly vest, three months after 2026-09-01
    assert "signing clawback" in out


def test_show_events_json(examples: Path) -> None:
    code, out, _ = run(
        "offer", "show", str(examples / "amazon-l6-seattle.toml"), "--json", "--events"
    )
    assert code == 0
    events = json.loads(out)["events"]
    vests = [e for e in events if e["component"] == "equity"]
    assert [(e["month"], e["amount"]) for e in vests] == [
        (12, 10000.0),
        (24, 30000.0),
        (30, 40000.0),
        (36, 40000.0),
        (42, 40000.0),
        (48, 40000.0),
    ]
    assert vests[0]["date"] == "2027-10-05"


def test_compare_json_keeps_the_order_given(examples: Path) -> None:
    files = [str(examples / f"msft-l63-{tier}.toml") for tier in ("stretch", "initial", "target")]
    code, out, _ = run("offer", "compare", *files, "--json")
    assert code == 0
    offers = json.loads(out)["offers"]
    assert [o["name"] for o in offers] == [
        "Microsoft 63 stretch",
        "Microsoft 63 initial",
        "Microsoft 63 target",
    ]
    assert [o["year1_total"] for o in offers] == [598500, 425000, 527000]
    assert [o["annualized_total"] for o in offers] == [523500, 380000, 463250]


def test_compare_table_shows_deltas(examples: Path) -> None:
    code, out, _ = run(
        "offer",
        "compare",
        str(examples / "msft-l62-initial.toml"),
        str(examples / "msft-l62-target.toml"),
    )
    assert code == 0
    assert "+79,500.00" in out  # Year-1 delta, 376,500 - 297,000
    assert "+64,500.00" in out  # annualized delta, 331,500 - 267,000


def test_compare_needs_two_offers(examples: Path) -> None:
    code, _, err = run("offer", "compare", str(examples / "msft-l62-initial.toml"))
    assert code == 2
    assert "at least two" in err


def test_compare_refuses_mixed_currencies(examples: Path, tmp_path: Path) -> None:
    london = tmp_path / "london.toml"
    london.write_text(
        'company = "Microsoft"\ntitle = "SWE"\nlevel = "62"\nlocation = "London"\n'
        'currency = "GBP"\nbase = 95000\n'
    )
    code, _, err = run("offer", "compare", str(examples / "msft-l62-initial.toml"), str(london))
    assert code == 2
    assert "offers in different currencies cannot be compared" in err
    assert f"{london} is in GBP" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'company = "X"\ntitle = "t"\nlevel = "1"\nlocation = "x"\nbase = 1\ncolour = 1\n',
            "colour: unknown key 'colour'",
        ),
        ('title = "t"\nlevel = "1"\nlocation = "x"\nbase = 1\n', "company: missing required key"),
        (
            'company = "X"\ntitle = "t"\nlevel = "1"\nlocation = "x"\nbase = -1\n',
            "base: -1 must be more than 0 (expected a number > 0)",
        ),
        (
            'company = "X"\ntitle = "t"\nlevel = "1"\nlocation = "x"\nbase = 1\n'
            "[[equity]]\nvalue = 10\nschedule = { years = [50, 40] }\n",
            "equity[0].schedule: vest percentages add up to 90%",
        ),
        (
            'company = "X"\ntitle = "t"\nlevel = "1"\nlocation = "x"\nbase = [1]\n',
            "base: [1] is not a number",
        ),
        (
            'company = "X"\ntitle = "t"\nlevel = "1"\nlocation = "x"\nbase 1\n',
            "line 5, column 6: malformed TOML",
        ),
    ],
)
def test_bad_offer_files_exit_2_with_located_lines(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    code, out, err = run("offer", "show", str(path))
    assert code == 2
    assert out == ""
    assert "error: invalid offer" in err
    assert f"{path}: {expected}" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("offer", "show", str(tmp_path / "nope.toml"))
    assert code == 2
    assert "no such file" in err


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["offer", "show"])
    assert result.exit_code == 2


def test_schema_is_json_schema() -> None:
    code, out, _ = run("offer", "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["type"] == "object"
    assert "equity" in schema["properties"]


def test_schedules_lists_presets() -> None:
    code, out, _ = run("offer", "schedules", "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)["schedules"]}
    assert rows["amazon"]["percent_by_year"] == [5, 15, 40, 40]
    assert rows["microsoft"]["vests"] == 16


def test_python_dash_m_runs_the_cli(examples: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "offerlab",
            "offer",
            "show",
            str(examples / "msft-l62-initial.toml"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["year1_total"] == 297000


def test_compare_reports_the_problems_of_every_file(tmp_path: Path) -> None:
    bad1 = tmp_path / "a.toml"
    bad1.write_text('company = "X"\ntitle = "t"\nlevel = 1\nlocation = "x"\nbsae = 1\n')
    code, _, err = run("offer", "compare", str(bad1), str(tmp_path / "missing.toml"))
    assert code == 2
    assert f"{bad1}: bsae: unknown key" in err
    assert f"{bad1}: base: missing required key" in err
    assert f"{tmp_path / 'missing.toml'}: no such file" in err


def test_events_add_up_to_the_year_totals(examples: Path) -> None:
    code, out, _ = run(
        "offer", "show", str(examples / "startup-senior-ml.toml"), "--json", "--events"
    )
    assert code == 0
    data = json.loads(out)
    for year in data["years"]:
        events = [e["amount"] for e in data["events"] if e["year"] == year["year"]]
        assert round(sum(events) * 100) == round(year["total"] * 100)


def test_narrow_terminal_transposes_instead_of_dropping_labels(
    examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from offerlab.cli import common, offer
    from offerlab.offers import evaluate, load_offer

    narrow = Console(width=80, highlight=False, record=True)
    monkeypatch.setattr(common, "console", narrow)
    monkeypatch.setattr(offer, "console", narrow)
    with narrow.capture() as captured:
        offer._print_show(evaluate(load_offer(examples / "startup-senior-ml.toml"), 8))
    text = captured.get()
    assert "Year 8" in text
    assert "refresher" in text
    # On its side the rows are years: the "Component" header of the upright table would
    # stand over them.
    assert "Component" not in text
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
