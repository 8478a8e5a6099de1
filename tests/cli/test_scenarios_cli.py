"""Scenario commands: `offer show --after-tax`, `offer compare --currency`, `offer simulate`,
`career project`: JSON contracts, tables, and bad input (exit 2, a clear message)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


SHOW_KEYS = {
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


def test_after_tax_json_contract(examples: Path) -> None:
    path = str(examples / "msft-l62-target.toml")
    _, plain, _ = run("offer", "show", path, "--json")
    code, out, err = run(
        "offer", "show", path, "--json", "--after-tax", "--residence", "Seattle, WA"
    )
    assert code == 0, err
    data = json.loads(out)
    base = json.loads(plain)
    assert SHOW_KEYS | {"residence", "tax_year"} <= set(data)
    assert data["residence"] == "Seattle, WA"
    assert data["tax_year"] == 2025
    for key in SHOW_KEYS - {"years"}:
        assert data[key] == base[key]
    for row, plain_row in zip(data["years"], base["years"], strict=True):
        for key, value in plain_row.items():
            assert row[key] == value
        assert row["after_tax"] == pytest.approx(row["total"] - row["tax"], abs=1e-9)
        assert sum(row["taxes"].values()) == pytest.approx(row["tax"], abs=1e-6)
        assert row["taxes"]["state_income_tax"] == 0
        assert row["taxes"]["wa_cares"] > 0


def test_plain_show_json_unchanged(examples: Path) -> None:
    code, out, _ = run("offer", "show", str(examples / "msft-l62-target.toml"), "--json")
    assert code == 0
    assert set(json.loads(out)) == SHOW_KEYS


def test_after_tax_table_shows_the_breakdown(examples: Path) -> None:
    code, out, _ = run(
        "offer",
        "show",
        str(examples / "msft-l62-target.toml"),
        "--residence",
        "New York, NY",
        "--filing",
        "joint",
        "--tax-year",
        "2024",
    )
    assert code == 0
    for label in ("federal income tax", "NY income tax", "NYC income tax", "social security"):
        assert label in out
    assert "medicare (1.45%)" in out
    assert "after tax" in out
    assert "2024 tax tables" in out


def test_after_tax_in_another_currency_names_the_rate(examples: Path) -> None:
    path = str(examples / "msft-l62-target.toml")
    code, out, _ = run("offer", "show", path, "--residence", "London", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["exchange_rate"]["from"] == "USD"
    assert data["exchange_rate"]["to"] == "GBP"
    assert data["exchange_rate"]["date"] == "2025-02-28"
    code, out, _ = run(
        "offer", "show", path, "--residence", "London", "--rate", "USD:GBP=0.8@2025-11-01"
    )
    assert code == 0
    assert "1 USD = 0.8 GBP (2025-11-01" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--residence", "Paris"], "unknown residence 'Paris'"),
        (["--residence", "Seattle, WA", "--tax-year", "2030"], "tax year 2030 is not shipped"),
        (["--residence", "London", "--tax-year", "2017"], "available: 2024-2025"),
        (["--residence", "Chicago, IL"], "tenforty has no IL forms"),
        (["--after-tax", "--filing", "married"], "not a filing status"),
        (["--residence", "London", "--filing", "joint"], "joint filing exists only"),
        (["--residence", "London", "--rate", "USD-GBP"], "is not a rate"),
        (["--residence", "London", "--rate", "CHF:JPY=2"], "no exchange rate for USD to GBP"),
    ],
)
def test_after_tax_bad_input(examples: Path, tmp_path: Path, args: list[str], says: str) -> None:
    path = str(examples / "msft-l62-target.toml")
    if "CHF:JPY=2" in args:
        # A rates file without GBP: the rate is missing.
        table = tmp_path / "no_gbp.toml"
        table.write_text(
            'base = "EUR"\ndate = 2025-01-02\nsource = "test"\n[rates]\nUSD = 1.03\n',
            encoding="utf-8",
        )
        args = [*args, "--rates", str(table)]
    code, out, err = run("offer", "show", path, *args)
    assert code == 2
    assert says in err
    assert "Traceback" not in out + err


def test_compare_after_tax_each_offer_where_it_is(examples: Path) -> None:
    redmond, bay = str(examples / "msft-l62-target.toml"), str(examples / "startup-senior-ml.toml")
    code, out, err = run("offer", "compare", redmond, bay, "--after-tax", "--json")
    assert code == 0, err
    first, second = json.loads(out)["offers"]
    assert (first["residence"], second["residence"]) == ("Redmond, WA", "San Francisco, CA")
    assert first["years"][0]["taxes"]["state_income_tax"] == 0
    assert second["years"][0]["taxes"]["state_income_tax"] > 0
    _, alone, _ = run("offer", "show", bay, "--after-tax", "--json")
    shown = json.loads(alone)
    assert shown.pop("warnings") == []  # compare lists warnings once, at the top
    # compare's object is show's with the risk-adjusted value and the grants' terms added
    for key in ("risk_adjusted_total", "risk_adjusted", "equity_terms", "refresher_terms"):
        assert key in second
        del second[key]
    for row in second["years"]:
        assert row.pop("risk_adjusted") <= row["total"]
    assert second == shown
    code, out, _ = run("offer", "compare", redmond, bay, "--residence", "Austin, TX")
    assert code == 0
    assert "Four-year after tax" in out
    assert out.count("Austin, TX (United States: Texas)") == 2


@pytest.mark.parametrize(
    "args",
    [
        [
            "career",
            "project",
            "msft-l62-target.toml",
            "--years",
            "10",
            "--refresher",
            "80000",
            "--compare",
            "google-l5-kirkland.toml",
        ],
        ["career", "project", "msft-l63-stretch.toml", "--years", "20", "--growth", "10"],
        [
            "offer",
            "simulate",
            "msft-l62-target.toml",
            "google-l5-kirkland.toml",
            "--paths",
            "500",
            "--seed",
            "7",
            "--years",
            "10",
        ],
        ["offer", "simulate", "msft-l63-stretch.toml", "amazon-l6-seattle.toml", "--growth", "30"],
        [
            "offer",
            "simulate",
            "msft-l62-target.toml",
            "startup-senior-ml.toml",
            "--paths",
            "300",
            "--seed",
            "3",
            "--exit-by-year",
            "10,10,10,10",
        ],
    ],
)
def test_scenario_tables_at_80_columns_cut_no_amount(
    examples: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    import io
    import re

    from rich.console import Console

    from offerlab.cli import career, common, offer

    args = [str(examples / a) if a.endswith(".toml") else a for a in args]
    wide = Console(width=400, highlight=False, file=io.StringIO())
    narrow = Console(width=80, highlight=False, file=io.StringIO())
    texts = []
    for console in (wide, narrow):
        for module in (common, career, offer):
            monkeypatch.setattr(module, "console", console)
        code, _, err = run(*args)
        assert code == 0, err
        texts.append(console.file.getvalue())  # type: ignore[attr-defined]
    whole, text = texts
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    amounts = re.findall(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d{2}\b", whole)
    assert amounts
    shown = set(re.findall(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d{2}\b", text))
    assert set(amounts) <= shown
