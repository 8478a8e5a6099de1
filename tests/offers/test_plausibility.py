"""Plausibility: a valid offer file that probably does not say what was meant gets a warning
naming the key and the likely intent (CLI stderr and --json, the API, the offer page); where
no reading makes sense the file is refused with the key located."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import ProblemsError
from offerlab.offers import load_offer, offer_from_mapping
from offerlab.offers.plausibility import plausibility_warnings
from offerlab.offers.service import least_yearly_base, offer_warnings

TODAY = date(2026, 11, 22)
runner = CliRunner()


def _offer(**keys: Any) -> dict[str, Any]:
    return {
        "company": "Acme",
        "title": "Engineer",
        "level": "X",
        "location": "Seattle, WA",
        "base": Decimal(190000),
        **keys,
    }


def _warned(**keys: Any) -> dict[str, tuple[str, str]]:
    found = offer_warnings(offer_from_mapping(_offer(**keys)), TODAY)
    return {w.key: (w.message, w.likely) for w in found}


@pytest.mark.parametrize(
    ("key", "value", "likely"),
    [
        ("bonus_target_pct", "0.15", "write bonus_target_pct = 15"),
        ("raise_pct", "0.03", "write raise_pct = 3"),
        ("raise_pct", "-0.02", "write raise_pct = -2"),
    ],
)
def test_a_fraction_written_for_a_percent(key: str, value: str, likely: str) -> None:
    warned = _warned(**{key: Decimal(value)})
    assert set(warned) == {key}
    message, intent = warned[key]
    assert f"{value} is {value}%" in message
    assert likely in intent


def test_a_fraction_whose_hundredfold_is_implausible_is_left_alone() -> None:
    # A 0.5% raise is low but possible; 50% a year is not what 0.5 would mean.
    assert _warned(raise_pct=Decimal("0.5")) == {}
    assert _warned(bonus_target_pct=Decimal(15), raise_pct=Decimal(3)) == {}


def test_refresher_percent_of_the_grant_as_a_fraction() -> None:
    warned = _warned(
        equity=[{"value": Decimal(400000)}], refreshers={"pct_of_initial": Decimal("0.25")}
    )
    assert "write pct_of_initial = 25" in warned["refreshers.pct_of_initial"][1]


def test_a_monthly_base() -> None:
    # 190,000 a year is 15,833 a month: below the lowest p10 of base at any US company in
    # the records (40,800), and twelve of it is a plausible base.
    message, likely = _warned(base=Decimal(15833))["base"]
    assert "15,833 USD a year is below 40,800" in message
    assert "levels.fyi records" in message
    assert "monthly salary, the yearly base is 189,996: write base = 189996" in likely


def test_a_base_in_thousands_and_amounts_in_thousands() -> None:
    assert "write base = 185000" in _warned(base=Decimal(185))["base"][1]
    warned = _warned(
        signing={"amount": Decimal(50)},
        equity=[{"value": Decimal(300)}],
    )
    assert "write 50000" in warned["signing.amount"][1]
    assert "write 300000" in warned["equity[0].value"][1]


def test_a_base_in_another_currency_is_judged_in_it() -> None:
    least = least_yearly_base("INR")
    assert least is not None
    amount, basis = least
    assert "India" in basis
    assert "1 USD =" in basis  # restated with the dated rate, which it names
    assert Decimal(900000) < amount < Decimal(1100000)  # 11,000 USD
    monthly = _warned(currency="INR", base=Decimal(250000), location="Bangalore")
    assert "write base = 3000000" in monthly["base"][1]
    assert _warned(currency="INR", base=Decimal(3000000), location="Bangalore") == {}
    # No records pay in the currency: nothing to judge the base by, no warning.
    assert least_yearly_base("NZD") is None
    assert _warned(currency="NZD", base=Decimal(5000)) == {}


def test_signing_payments_by_month_and_a_refresher_the_size_of_a_grant() -> None:
    warned = _warned(signing={"payments": [Decimal(5000)] * 12})
    message, likely = warned["signing.payments"]
    assert "12 payments" in message
    assert "run to year 12" in message
    assert "signing.amount = 60000" in likely
    warned = _warned(
        equity=[{"value": Decimal(300000)}], refreshers={"annual_value": Decimal(400000)}
    )
    assert "more than the whole new-hire grant (300,000)" in warned["refreshers.annual_value"][0]
    assert _warned(equity=[{"value": Decimal(420000)}], refreshers={"annual_value": 90000}) == {}


@pytest.mark.parametrize(("start", "says"), [("2062-09-01", "36 years from now"),
                                             ("1962-09-01", "64 years ago")])  # fmt: skip
def test_a_start_date_decades_away(start: str, says: str) -> None:
    message, _ = _warned(start_date=date.fromisoformat(start))["start_date"]
    assert says in message
    assert _warned(start_date=date(2027, 1, 4)) == {}
    assert _warned(start_date=date(2019, 3, 1)) == {}  # a job held for years: fine


def test_the_bundled_examples_are_plausible(examples: Path) -> None:
    for path in sorted(examples.glob("*.toml")):
        assert offer_warnings(load_offer(path), TODAY) == (), path


def test_without_a_floor_the_market_checks_are_left_out() -> None:
    offer = offer_from_mapping(_offer(base=Decimal(15833), bonus_target_pct=Decimal("0.15")))
    assert [w.key for w in plausibility_warnings(offer, TODAY)] == ["bonus_target_pct"]


# --- errors where no reading makes sense ----------------------------------------------------


def _problems(**keys: Any) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        offer_from_mapping(_offer(**keys), "x.toml")
    return caught.value.lines()


def test_a_cliff_after_the_last_vest_is_an_error_at_the_key() -> None:
    lines = _problems(
        equity=[
            {
                "value": Decimal(400000),
                "schedule": {"years": [25, 25, 25, 25], "cliff_months": 60},
            }
        ]
    )
    assert any(
        "equity[0].schedule.cliff_months: 60 months is after the last vest (month 48" in line
        for line in lines
    )
    # A cliff at the last vest is cliff vesting: allowed.
    offer_from_mapping(
        _offer(equity=[{"value": 1, "schedule": {"years": [100], "cliff_months": 12}}])
    )


def test_a_cliff_with_explicit_events_is_an_error() -> None:
    lines = _problems(equity=[{"value": 1, "schedule": {"events": [[12, 100]], "cliff_months": 6}}])
    assert any("cliff_months" in line and "events" in line for line in lines)


def test_a_schedule_of_fractions_says_so() -> None:
    lines = _problems(equity=[{"value": 1, "schedule": {"years": ["0.25"] * 4}}])
    assert any("add up to 1%, not 100%; they look like fractions of 1" in line for line in lines)


# --- where the warnings show ----------------------------------------------------------------


def test_cli_warns_on_stderr_exits_0_and_lists_them_in_json(tmp_path: Path) -> None:
    path = tmp_path / "offer.toml"
    path.write_text(
        'company = "Acme"\ntitle = "Engineer"\nlevel = "X"\nlocation = "Seattle, WA"\n'
        "base = 15833\nbonus_target_pct = 0.15\n",
        encoding="utf-8",
    )
    shown = runner.invoke(app, ["offer", "show", str(path)])
    assert shown.exit_code == 0
    assert f"warning: {path}: bonus_target_pct: 0.15 is 0.15%" in shown.stderr
    assert f"warning: {path}: base: 15,833 USD a year" in shown.stderr
    assert "warning" not in shown.stdout
    data = json.loads(runner.invoke(app, ["offer", "show", str(path), "--json"]).stdout)
    assert [(w["file"], w["key"]) for w in data["warnings"]] == [
        (str(path), "base"),
        (str(path), "bonus_target_pct"),
    ]
    other = tmp_path / "other.toml"
    other.write_text(path.read_text().replace("0.15", "15").replace("15833", "190000"))
    compared = runner.invoke(app, ["offer", "compare", str(other), str(path), "--json"])
    assert compared.exit_code == 0
    assert {w["file"] for w in json.loads(compared.stdout)["warnings"]} == {str(path)}
    career = runner.invoke(app, ["career", "project", str(path), "--json"])
    assert career.exit_code == 0
    assert len(json.loads(career.stdout)["warnings"]) == 2


def test_the_floor_table_is_the_bundled_records() -> None:
    # base_floor.toml is written from the bundled bands (scripts/derive_market_data.py);
    # reading an offer does not load the whole bands file, so check the two agree.
    from offerlab.market.bundled import all_bundled_bands
    from offerlab.offers import service

    least: dict[str, Decimal] = {}
    for band in all_bundled_bands():
        if band.country is None or band.metro is not None or band.specialty is not None:
            continue
        base = band.points("base")
        if base is not None:
            least[band.country] = min(least.get(band.country, base.p10), base.p10)
    source, table = service._floor_table()
    assert table == least
    assert source == "levels.fyi records 2017-2021 (Kaggle)"
