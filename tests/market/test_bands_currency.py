"""Bands in another currency: restated with the latest dated rate on or before the as-of date
and named, or refused (exit 2); never a band relabelled."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError
from offerlab.market.bands import band
from offerlab.market.bundled import bundled_band
from offerlab.money import to_cents
from offerlab.scenarios.currency import RatesTable, parse_rate_flag
from offerlab.store import MarketRepository
from tests.market.helpers import sample_rows, write_csv

runner = CliRunner()
KEYS = ("p10", "p25", "p50", "p75", "p90")


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_bundled_band_in_gbp_is_restated_with_the_dated_rate(home: Path) -> None:
    code, out, err = cli(
        "market", "bands", "--company", "Google", "--level", "L4", "--location", "London",
        "--currency", "GBP", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    usd = bundled_band("Google", "L4", "London")
    assert usd is not None
    assert usd.total is not None
    assert usd.total.values is not None
    rate = RatesTable.bundled().rate("USD", "GBP")
    assert data["currency"] == "GBP"
    assert data["restated_from"] == "USD"
    assert data["exchange_rate"]["date"] == "2025-02-28"
    assert data["exchange_rate"]["rate"] == pytest.approx(float(rate.value))
    for key in KEYS:
        expected = to_cents(getattr(usd.total.values, key) * rate.value)
        assert Decimal(str(data["total"][key])) == expected
    assert "restated from USD at 1 USD = 0.793468 GBP (2025-02-28" in data["message"]
    assert "the records are still those of London" in data["message"]
    # The table says so too: the header is GBP and the rate with its date is printed.
    code, out, _ = cli(
        "market", "bands", "--company", "Google", "--level", "L4", "--location", "London",
        "--currency", "GBP",
    )  # fmt: skip
    assert code == 0
    assert "Yearly pay, GBP" in out
    assert "1 USD = 0.793468 GBP (2025-02-28" in " ".join(out.split())


def test_a_stale_rate_says_how_old_it_is(home: Path) -> None:
    code, out, _ = cli(
        "market", "bands", "--company", "Google", "--level", "L4", "--currency", "GBP", "--json"
    )
    assert code == 0
    rate = json.loads(out)["exchange_rate"]
    age = (date.today() - date(2025, 2, 28)).days
    assert rate["used_for"] == date.today().isoformat()
    assert rate["age_days"] == age
    assert f"{age:,} days older than {date.today().isoformat()}" in rate["age_note"]


def test_no_rate_on_or_before_the_as_of_date_is_refused(
    repo: MarketRepository, tmp_path: Path
) -> None:
    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(8)))
    with pytest.raises(InputError, match="no exchange rate for USD to GBP on or before 2024-06-01"):
        band(
            repo, company="Microsoft", level="62", as_of=date(2024, 6, 1), growth_pct=0,
            currency="GBP",
        )  # fmt: skip


def test_the_latest_rate_on_or_before_the_as_of_date_is_used(
    repo: MarketRepository, tmp_path: Path
) -> None:
    repo.import_file(write_csv(tmp_path / "a.csv", sample_rows(8)))
    rates = RatesTable.bundled().with_rates(
        [
            parse_rate_flag("USD:GBP=0.70@2023-01-01"),
            parse_rate_flag("USD:GBP=0.80@2024-01-01"),
            parse_rate_flag("USD:GBP=0.90@2024-09-01"),  # after the as-of date: never used
        ]
    )
    as_of = date(2024, 6, 1)
    usd = band(repo, company="Microsoft", level="62", as_of=as_of, growth_pct=0)
    gbp = band(
        repo,
        company="Microsoft",
        level="62",
        as_of=as_of,
        growth_pct=0,
        currency="gbp",
        rates=rates,
    )
    assert gbp.rate is not None
    assert (gbp.rate.value, gbp.rate.date) == (Decimal("0.80"), date(2024, 1, 1))
    usd_base, gbp_base = usd.components["base"], gbp.components["base"]
    assert usd_base is not None
    assert usd_base.values is not None
    assert gbp_base is not None
    assert gbp_base.values is not None
    for key in KEYS:
        assert getattr(gbp_base.values, key) == to_cents(
            getattr(usd_base.values, key) * Decimal("0.80")
        )
    assert gbp.as_json()["exchange_rate"]["age_days"] == (as_of - date(2024, 1, 1)).days


def test_records_in_the_currency_are_used_as_they_are(
    repo: MarketRepository, tmp_path: Path
) -> None:
    rows = sample_rows(6) + [r.replace(",USD,", ",GBP,") for r in sample_rows(7)]
    repo.import_file(write_csv(tmp_path / "a.csv", rows))
    gbp = band(repo, company="Microsoft", level="62", currency="GBP")
    assert (gbp.currency, gbp.n, gbp.rate) == ("GBP", 7, None)
    assert gbp.as_json()["exchange_rate"] is None


def test_cli_refuses_with_exit_2(home: Path, tmp_path: Path) -> None:
    code, _, err = cli("market", "bands", "--company", "Google", "--level", "L4", "--currency", "X")
    assert code == 2
    assert "not an ISO 4217 code" in err
    code, _, err = cli(
        "market", "bands", "--company", "Google", "--level", "L4", "--currency", "MNT"
    )
    assert code == 2
    assert "no exchange rate for USD to MNT" in err
    assert "Traceback" not in err
    # A rate given on the command line serves, and is named.
    code, out, err = cli(
        "market", "bands", "--company", "Google", "--level", "L4", "--currency", "MNT",
        "--rate", "USD:MNT=3400@2026-01-05", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["exchange_rate"]["source"] == "--rate on the command line"
