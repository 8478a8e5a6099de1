"""`offer compare` of private and public offers: paper value, risk-adjusted value (the method
named) and cash by year, the grants in recruiters' words, and the risk options' errors."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from offerlab.cli import app

runner = CliRunner()

DONE_WHEN = ("startup-senior-ml.toml", "ai-lab-units.toml", "msft-63-redmond.toml")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), terminal_width=200)
    return result.exit_code, result.stdout, result.stderr


def _compare(examples: Path, *extra: str) -> dict[str, Any]:
    code, out, err = run(
        "offer", "compare", *(str(examples / n) for n in DONE_WHEN), "--json", *extra
    )
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_paper_risk_adjusted_and_cash_per_year(examples: Path) -> None:
    data = _compare(examples)
    assert data["valuation"]["method"] == "expected"
    assert data["valuation"]["seed"] == 7
    assert "5%, 10%, 10%, 10%" in data["valuation"]["description"]
    startup, lab, msft = data["offers"]
    for offer in data["offers"]:
        rows = offer["years"]
        assert [set(r) >= {"total", "risk_adjusted", "cash"} for r in rows] == [True] * 4
        assert offer["risk_adjusted_total"] == pytest.approx(
            sum(r["risk_adjusted"] for r in rows), abs=1e-6
        )
        assert offer["cash_total"] == pytest.approx(sum(r["cash"] for r in rows), abs=1e-6)
    # Microsoft's RSUs are public: paper, risk-adjusted and cash are one figure
    assert [r["risk_adjusted"] for r in msft["years"]] == [r["total"] for r in msft["years"]]
    assert msft["risk_adjusted"]["private_equity"] is False
    # the start-up's options and the lab's units are worth less than on paper
    for private in (startup, lab):
        assert private["risk_adjusted"]["private_equity"] is True
        assert private["risk_adjusted_total"] < private["four_year_total"]
        paper, value = (
            private["risk_adjusted"][k] for k in ("private_paper_total", "private_value_total")
        )
        assert private["four_year_total"] - private["risk_adjusted_total"] == pytest.approx(
            paper - value, abs=0.02
        )
    # the start-up's equity is money only at an exit: its cash is pay without equity
    assert startup["cash_total"] == pytest.approx(
        sum(r["base"] + r["bonus"] + r["signing"] + r["other"] for r in startup["years"])
    )
    assert startup["equity_terms"][0]["text"].startswith("40,000 ISOs at a $2.00 strike")
    assert lab["equity_terms"][0]["count"] == 1500
    # the figures do not depend on the order of the offers
    again = json.loads(
        run(
            "offer",
            "compare",
            *(str(examples / n) for n in reversed(DONE_WHEN)),
            "--json",
        )[1]
    )
    assert again["offers"][2]["years"] == startup["years"]


def test_a_haircut_is_a_stated_discount_of_private_paper_value(examples: Path) -> None:
    data = _compare(examples, "--haircut", "50")
    assert data["valuation"]["method"] == "haircut"
    assert data["valuation"]["haircut_pct"] == 50
    startup, lab, msft = data["offers"]
    # Year 1: 80,000 of options on paper, 40,000 after the haircut
    assert startup["years"][0]["risk_adjusted"] == pytest.approx(
        startup["years"][0]["total"] - 40000
    )
    assert lab["risk_adjusted_total"] == lab["four_year_total"] - 600000
    assert msft["risk_adjusted_total"] == msft["four_year_total"]


def test_the_table_names_the_method_and_the_grants(examples: Path) -> None:
    code, out, err = run("offer", "compare", *(str(examples / n) for n in DONE_WHEN))
    assert code == 0, err
    for text in (
        "Paper, risk-adjusted and cash (USD; expected value)",
        "Year 1 risk-adjusted",
        "Years 1-4 cash",
        "20,000 paths, seed 7",
        "1,500 profit participation units at $800.00 a unit",
        "chance its private equity brings no cash within 4 years",
    ):
        assert text in " ".join(out.split()), text
    code, out, _ = run(
        "offer", "compare", *(str(examples / n) for n in DONE_WHEN), "--haircut", "35"
    )
    assert code == 0
    assert "35% haircut" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--haircut", "150"], "--haircut 150 is not a percent from 0 to 100"),
        (["--risk-model", "haircut"], "--risk-model haircut needs --haircut PCT"),
        (["--risk-model", "median"], "expected one of expected, haircut"),
        (["--haircut", "20", "--exit-by-year", "10,10"], "a haircut takes only --haircut"),
        (["--exit-by-year", "60,60"], "more than 100%"),
        (["--exit-by-year", "a,b"], "is not a list of percents"),
        (["--dilution", "100"], "--dilution must be from 0 to below 100%"),
    ],
)
def test_bad_risk_options_exit_2(examples: Path, args: list[str], says: str) -> None:
    code, out, err = run("offer", "compare", *(str(examples / n) for n in DONE_WHEN), *args)
    assert code == 2
    assert says in " ".join(err.split())
    assert "Traceback" not in out + err
