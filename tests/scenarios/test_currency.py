"""Dated exchange rates (shipped, file, flag), offers restated in one currency, and opt-in
location adjustments."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError, ProblemsError
from offerlab.money import Money
from offerlab.offers import evaluate, load_offer
from offerlab.scenarios.currency import RatesTable, convert_offer, load_table, parse_rate_flag
from offerlab.scenarios.places import load_adjustments

runner = CliRunner()

LONDON = """name = "London L5"
company = "Google"
title = "Software Engineer"
level = "L5"
location = "London"
currency = "GBP"
base = 120000
bonus_target_pct = 15
[signing]
payments = [20000, 10000]
[[equity]]
shares = 1000
price = 150
schedule = "google"
[refreshers]
annual_value = 40000
[[other]]
name = "pension"
amount = 6000
recurring = "annual"
"""


@pytest.fixture
def london(tmp_path: Path) -> Path:
    path = tmp_path / "london.toml"
    path.write_text(LONDON, encoding="utf-8")
    return path


def test_shipped_table_is_dated_and_crosses_through_the_euro() -> None:
    table = RatesTable.bundled()
    rate = table.rate("GBP", "USD")
    assert rate.date == date(2025, 2, 28)
    assert "European Central Bank" in rate.source
    assert rate.value == Decimal("1.0411") / Decimal("0.82608")
    back = table.rate("USD", "GBP")
    assert rate.value * back.value == pytest.approx(Decimal(1))
    assert "1 GBP = 1.26029 USD (2025-02-28" in rate.describe()


def test_flag_wins_over_the_table_both_ways() -> None:
    table = load_table(None, ["GBP:USD=1.27@2025-11-01"])
    assert table.rate("GBP", "USD").value == Decimal("1.27")
    assert table.rate("GBP", "USD").date == date(2025, 11, 1)
    assert table.rate("USD", "GBP").value == 1 / Decimal("1.27")
    assert table.rate("INR", "USD").source.startswith("European Central Bank")


def test_flag_without_a_date_is_dated_today() -> None:
    assert parse_rate_flag("gbp:usd=1.3").date == date.today()


@pytest.mark.parametrize(
    "text", ["GBP-USD=1.2", "GBP:USD=", "GBP:USD=abc", "GBP:USD=0", "XXX:USD=1"]
)
def test_bad_rate_flags(text: str) -> None:
    with pytest.raises(InputError, match="--rate"):
        parse_rate_flag(text)


def test_rates_file_replaces_the_table(tmp_path: Path) -> None:
    path = tmp_path / "rates.toml"
    path.write_text(
        'base = "USD"\ndate = 2025-06-30\nsource = "my bank"\n[rates]\nGBP = 0.8\n',
        encoding="utf-8",
    )
    table = load_table(path, None)
    assert table.rate("GBP", "USD").value == Decimal("1.25")
    assert table.rate("GBP", "USD").source == "my bank"
    with pytest.raises(InputError, match=r"no exchange rate for INR to USD.*--rate INR:USD="):
        table.rate("INR", "USD")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('base = "USD"\nsource = "x"\n[rates]\nGBP = 0.8\n', "date: missing required key"),
        ('base = "USD"\ndate = 2025-01-01\nsource = "x"\n[rates]\nGBP = -1\n', "must be more"),
        ('base = "USD"\ndate = 2025-01-01\nsource = "x"\n[rates]\nQQQ = 1\n', "unknown currency"),
    ],
)
def test_bad_rates_files(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "rates.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError, match=says):
        load_table(path, None)


def test_convert_offer_scales_every_amount(london: Path) -> None:
    offer = load_offer(london)
    rate = RatesTable.bundled().rate("GBP", "USD")
    converted = convert_offer(offer, rate)
    assert converted.currency == "USD"
    before, after = evaluate(offer), evaluate(converted)
    for a, b in zip(before.years, after.years, strict=True):
        assert b.total.amount == pytest.approx(a.total.amount * rate.value, abs=Decimal("1e-6"))
    assert rate.convert(Money(Decimal(100), "GBP")).currency == "USD"


def _run(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_compare_restates_in_one_currency(examples: Path, london: Path) -> None:
    msft = str(examples / "msft-l62-target.toml")
    code, _, err = _run("offer", "compare", msft, str(london))
    assert code == 2
    assert "restate them with --currency USD" in err
    code, out, err = _run("offer", "compare", msft, str(london), "--currency", "USD", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [o["currency"] for o in data["offers"]] == ["USD", "USD"]
    assert data["exchange_rates"][0]["date"] == "2025-02-28"
    rate = float(RatesTable.bundled().rate("GBP", "USD").value)
    pounds = evaluate(load_offer(london)).four_year_total.amount
    assert data["offers"][1]["four_year_total"] == pytest.approx(float(pounds) * rate, abs=0.01)
    code, out, _ = _run("offer", "compare", msft, str(london), "--currency", "USD")
    assert "restated at 1 GBP = " in out


def test_compare_missing_rate_exits_2(examples: Path, london: Path, tmp_path: Path) -> None:
    rates = tmp_path / "rates.toml"
    rates.write_text(
        'base = "EUR"\ndate = 2025-01-02\nsource = "t"\n[rates]\nUSD = 1.03\n', encoding="utf-8"
    )
    code, out, err = _run(
        "offer", "compare", str(examples / "msft-l62-target.toml"), str(london),
        "--currency", "USD", "--rates", str(rates),
    )  # fmt: skip
    assert code == 2
    assert "no exchange rate for GBP to USD" in err
    assert "Traceback" not in out + err


def test_location_adjustments_are_opt_in(examples: Path) -> None:
    a, b = str(examples / "msft-l62-target.toml"), str(examples / "startup-senior-ml.toml")
    _, plain, _ = _run("offer", "compare", a, b, "--json")
    assert "location_adjusted" not in json.loads(plain)
    code, out, err = _run("offer", "compare", a, b, "--json", "--adjust-location", "premiums")
    assert code == 0, err
    data = json.loads(out)["location_adjusted"]
    assert "seed 002" in data["source"]
    redmond, other = data["offers"]
    assert redmond["factor"] == pytest.approx(1 / 1.2)
    assert redmond["four_year_total"] == pytest.approx(1326000 / 1.2, abs=0.01)
    # No premium is known for the start-up's place (San Francisco): it is not adjusted, has no
    # adjusted figure, and the comparison says the two are not like-for-like.
    assert (other["adjusted"], other["factor"], other["four_year_total"]) == (False, None, None)
    assert redmond["adjusted"] is True
    assert "not like-for-like" in data["warning"]
    assert "no entry for San Francisco, CA" in data["warning"]
    code, out, _ = _run("offer", "compare", a, b, "--adjust-location", "premiums")
    assert "Location-adjusted (opt-in" in out
    text = " ".join(out.split())
    assert (
        "Not like-for-like: Microsoft 62 target is adjusted, Start-up senior ML engineer not"
        in text
    )
    assert "not adjusted" in text
    # Both in the table: adjusted alike, no warning.
    seattle = str(examples / "amazon-l6-seattle.toml")
    _, out, _ = _run("offer", "compare", a, seattle, "--json", "--adjust-location", "premiums")
    both = json.loads(out)["location_adjusted"]
    assert both["warning"] is None
    assert [o["adjusted"] for o in both["offers"]] == [True, True]


def test_cost_of_living_index_file(tmp_path: Path) -> None:
    path = tmp_path / "col.toml"
    path.write_text(
        'source = "an index"\ndate = 2025-01-01\nbaseline = "US average"\n'
        '[index]\n"Seattle" = 125\nLondon = 80\n',
        encoding="utf-8",
    )
    table = load_adjustments(str(path))
    assert table.for_location("Redmond, WA").factor == Decimal("0.8")
    assert table.for_location("London").factor == Decimal("1.25")
    assert table.for_location("Austin, TX").factor is None
    with pytest.raises(ProblemsError, match="no such file"):
        load_adjustments(str(tmp_path / "absent.toml"))


def test_rate_is_the_latest_on_or_before_the_date_it_is_used_for() -> None:
    table = load_table(None, ["GBP:USD=1.20@2024-01-02", "GBP:USD=1.30@2025-06-30"])
    assert table.rate("GBP", "USD", date(2024, 6, 1)).value == Decimal("1.20")
    # The table (2025-02-28) is later than the first flag and earlier than the second.
    assert table.rate("GBP", "USD", date(2025, 3, 31)).date == date(2025, 2, 28)
    assert table.rate("GBP", "USD", date(2025, 7, 1)).value == Decimal("1.30")
    assert table.rate("USD", "GBP", date(2025, 7, 1)).value == 1 / Decimal("1.30")
    with pytest.raises(InputError, match="no exchange rate for GBP to USD on or before 2023-12-31"):
        table.rate("GBP", "USD", date(2023, 12, 31))
    # A direct rate of the table's own date wins the tie.
    same_day = load_table(None, ["GBP:USD=1.5@2025-02-28"])
    assert same_day.rate("GBP", "USD", date(2025, 3, 1)).value == Decimal("1.5")


@pytest.mark.parametrize(("days", "stale"), [(0, False), (30, False), (31, True), (400, True)])
def test_a_rate_says_how_old_it_is_beyond_30_days(days: int, stale: bool) -> None:
    from datetime import timedelta

    used_for = date(2025, 2, 28) + timedelta(days=days)
    rate = RatesTable.bundled().rate("GBP", "USD", used_for)
    assert rate.age_days == days
    note = f"{days:,} days older than {used_for.isoformat()}, the date it is used for"
    assert (note in rate.describe()) is stale
    data = rate.as_json()
    assert data["used_for"] == used_for.isoformat()
    assert data["age_days"] == days
    assert data["age_note"] == (note if stale else None)


def test_compare_and_after_tax_say_how_old_the_rate_is(examples: Path, london: Path) -> None:
    msft = str(examples / "msft-l62-target.toml")
    age = (date.today() - date(2025, 2, 28)).days
    note = f"{age:,} days older than {date.today().isoformat()}"
    code, out, err = _run("offer", "compare", msft, str(london), "--currency", "USD")
    assert code == 0, err
    assert note in " ".join(out.split())
    code, out, err = _run("offer", "compare", msft, str(london), "--currency", "USD", "--json")
    assert json.loads(out)["exchange_rates"][0]["age_days"] == age
    code, out, err = _run("offer", "show", str(london), "--residence", "Seattle, WA", "--json")
    assert code == 0, err
    assert json.loads(out)["exchange_rate"]["age_days"] == age


def test_a_rate_is_for_the_offers_start_date(examples: Path) -> None:
    london = str(examples / "google-l5-london.toml")  # starts 2026-09-01
    code, out, err = _run("offer", "show", london, "--residence", "Seattle, WA", "--json")
    assert code == 0, err
    rate = json.loads(out)["exchange_rate"]
    assert (rate["used_for"], rate["age_days"]) == ("2026-09-01", 550)
    msft = str(examples / "msft-l62-target.toml")
    code, out, _ = _run("offer", "compare", msft, london, "--currency", "USD")
    assert "550 days older than 2026-09-01, the date it is used for" in " ".join(out.split())
