"""Equity after tax: NSOs, ISOs and the AMT, 83(b) early exercise, qualifying and disqualifying
sales, the $100,000 ISO limit, private RSUs and units taxed when sold, UK and India."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tenforty
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import InputError
from offerlab.money import Money
from offerlab.offers import evaluate, load_offer, offer_from_mapping
from offerlab.scenarios import after_tax, parse_residence
from offerlab.scenarios.equity_tax import equity_income
from offerlab.scenarios.tax import Income, tax_income
from tests.offers.builders import option_grant

runner = CliRunner()
D = Decimal


def usd(value: str | int) -> Money:
    return Money(D(value), "USD")


def offer(grant: dict[str, Any], **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "company": "Acme AI",
        "title": "Engineer",
        "level": "Senior",
        "location": "Seattle, WA",
        "base": 150000,
        "start_date": "2026-01-15",
        "equity": [grant],
    }
    data.update(overrides)
    return offer_from_mapping(data)


option = option_grant


def form_6251_2025_single(wages: Decimal, regular_tax: Decimal, iso: Decimal) -> Decimal:
    """The AMT by hand from the 2025 Form 6251 instructions (single, standard deduction, wages
    and an ISO adjustment only): AMTI = wages + ISO adjustment (the standard deduction is
    added back), exemption 88,100 reduced by 25% of AMTI above 626,350, 26% up to 239,100 of
    the excess and 28% above, minus the regular tax."""
    amti = wages + iso
    exemption = max(D(0), D(88100) - (max(D(0), amti - D(626350)) * D("0.25")))
    excess = max(D(0), amti - exemption)
    tentative = (
        excess * D("0.26")
        if excess <= 239100
        else D(239100) * D("0.26") + (excess - D(239100)) * D("0.28")
    )
    return max(D(0), tentative - regular_tax).quantize(D("0.01"))


# --- Done when: --exercise at-vest and the AMT -----------------------------------------


def _show(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["offer", "show", *args, "--json"])
    assert result.exit_code == 0, result.stdout + result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("fmv", [None, "10"])
def test_at_vest_amt_is_the_tax_packages_for_the_iso_adjustment(examples: Path, fmv: str | None):
    args = [str(examples / "startup-senior-ml.toml"), "--exercise", "at-vest", "--tax-year", "2025"]
    if fmv is not None:
        args += ["--fmv-at-exercise", fmv]
    data = _show(*args)
    spread = (D(fmv) if fmv else D(5)) - 2  # the 409A at exercise minus the strike
    for row in data["years"]:
        # Each year exercises 10,000 options: the spread is the year's ISO adjustment.
        wages = D(str(row["cash"]))  # pay only: nothing is sold, nothing is wages from equity
        reference = tenforty.evaluate_return(
            year=2025,
            state="CA",
            filing_status="Single",
            w2_income=float(wages),
            incentive_stock_option_gains=float(spread * 10000),
        )
        assert row["taxes"]["federal_amt"] == pytest.approx(reference.federal_amt, abs=0.01)
        regular = D(str(row["taxes"]["federal_income_tax"]))
        by_hand = form_6251_2025_single(wages, regular, spread * 10000)
        assert D(str(row["taxes"]["federal_amt"])) == pytest.approx(by_hand, abs=D("0.01"))
        assert row["tax"] == pytest.approx(sum(row["taxes"].values()), abs=0.005)
        assert row["exercise_paid"] == 20000
        assert row["cash_after_tax"] == pytest.approx(
            row["cash"] - row["exercise_paid"] - row["tax"], abs=0.005
        )
    amt = [row["taxes"]["federal_amt"] for row in data["years"]]
    if fmv is None:
        assert amt == [0, 0, 0, 0]  # a 30,000 adjustment stays under the exemption here
    else:
        assert amt[0] == pytest.approx(12773.74, abs=0.01)  # 80,000 of adjustment in year 1
    assert data["exercise"] == "at-vest"


def test_tenforty_amt_agrees_with_form_6251_by_hand() -> None:
    for wages, iso in ((200000, 120000), (300000, 300000), (150000, 30000), (400000, 500000)):
        found = tenforty.evaluate_return(
            year=2025, filing_status="Single", w2_income=wages, incentive_stock_option_gains=iso
        )
        regular = D(str(found.federal_total_tax - found.federal_amt)) - D(
            str(found.federal_additional_medicare_tax)
        )
        assert D(str(found.federal_amt)) == pytest.approx(
            form_6251_2025_single(D(wages), regular, D(iso)), abs=D("0.01")
        )


def test_at_liquidity_is_the_default_and_taxes_nothing_before_a_sale(examples: Path) -> None:
    data = _show(str(examples / "startup-senior-ml.toml"), "--after-tax")
    assert data["exercise"] == "at-liquidity"
    assert all(row["exercise_paid"] == 0 for row in data["years"])
    assert all(row["taxes"]["federal_amt"] == 0 for row in data["years"])


# --- The rules, year by year ------------------------------------------------------------


def _income(o: Any, strategy: str, years: int = 5, **kw: Any) -> dict[int, dict[str, Decimal]]:
    found = equity_income(evaluate(o, years), strategy, **kw)  # type: ignore[arg-type]
    keys = (
        "wages",
        "ordinary",
        "iso_preference",
        "short_term_gain",
        "long_term_gain",
        "exercise_paid",
        "proceeds",
    )
    return {
        y: {k: getattr(row, k).rounded().amount for k in keys} for y, row in found.years.items()
    }


def test_nso_spread_at_vest_is_wages_and_the_rest_a_capital_gain() -> None:
    o = offer(option(option_type="nso", liquidity={"exit_month": 40}))
    years = _income(o, "at-vest")
    assert years[1]["wages"] == 30000  # 10,000 x (5.00 - 2.00) at the cliff
    assert years[1]["exercise_paid"] == 20000
    assert years[1]["iso_preference"] == 0
    # The exit at month 40 sells 33,333.33 shares and months 41-48 vest and sell: 40,000 x
    # (10 - 5) of gain, long-term for the lots held more than 12 months (vested by month 27).
    four = years[4]
    assert four["proceeds"] == 400000
    assert four["long_term_gain"] == D("112500.00")  # 22,500 shares x 5
    assert four["short_term_gain"] == D("87500.00")  # 17,500 shares x 5


def test_iso_qualifying_and_disqualifying_sales() -> None:
    o = offer(option(liquidity={"exit_month": 40}))
    years = _income(o, "at-vest")
    assert years[1]["iso_preference"] == 30000
    assert years[1]["wages"] == 0
    four = years[4]
    # Qualifying (vested by month 27: held > 1 year, > 2 years from grant): all gain over the
    # strike is long-term. Disqualifying: the spread at exercise is ordinary income, the rest
    # a short-term gain; the year-4 exercises sold in year 4 carry no AMT adjustment.
    assert four["long_term_gain"] == D("180000.00")  # 22,500 x (10 - 2)
    assert four["ordinary"] == D("52500.00")  # 17,500 x (5 - 2)
    assert four["short_term_gain"] == D("87500.00")  # 17,500 x (10 - 5)
    assert four["iso_preference"] == 0


def test_a_sale_on_the_two_year_anniversary_is_not_qualifying() -> None:
    # Exercised at the month-12 cliff and sold at month 24: held exactly one year, which is not
    # more than a year (Publication 544), and granted exactly two years before. 20,000 x 5.00
    # of fmv vesting at once is exactly the $100,000 ISO limit.
    schedule = {"events": [[12, 100]]}
    grant = option(shares=20000, schedule=schedule, liquidity={"exit_month": 24})
    years = _income(offer(grant), "at-vest")
    assert years[2]["long_term_gain"] == 0
    assert years[2]["ordinary"] == 60000  # 20,000 x 3
    assert years[2]["short_term_gain"] == 100000  # 20,000 x (10 - 5)
    years = _income(offer({**grant, "liquidity": {"exit_month": 25}}), "at-vest")
    assert years[3]["long_term_gain"] == 160000
    assert years[3]["ordinary"] == 0


def test_at_liquidity_iso_is_ordinary_income_not_wages_and_nso_is_wages() -> None:
    iso = _income(offer(option(liquidity={"exit_month": 48})), "at-liquidity")
    assert iso[4]["ordinary"] == 320000
    assert iso[4]["wages"] == 0
    assert iso[4]["exercise_paid"] == 0
    nso = _income(offer(option(option_type="nso", liquidity={"exit_month": 48})), "at-liquidity")
    assert nso[4]["wages"] == 320000
    # Social Security and Medicare fall on NSO wages only.
    e_iso = after_tax(evaluate(offer(option(liquidity={"exit_month": 48})), 4), tax_year=2025)
    e_nso = after_tax(
        evaluate(offer(option(option_type="nso", liquidity={"exit_month": 48})), 4), tax_year=2025
    )
    medicare = [
        {line.key: line.amount for line in t.years[3].taxes.lines}["medicare"]
        for t in (e_iso, e_nso)
    ]
    assert medicare[1] - medicare[0] == usd(320000) * D("0.0145")


def test_early_exercise_with_83b_taxes_the_spread_at_grant() -> None:
    o = offer(option(option_type="nso", early_exercise=True, liquidity={"exit_month": 49}))
    years = _income(o, "early")
    assert years[1]["wages"] == 120000  # 40,000 x (5 - 2) at grant
    assert years[1]["exercise_paid"] == 80000
    assert years[5]["long_term_gain"] == 200000  # all held since grant: 40,000 x (10 - 5)
    iso = _income(offer(option(early_exercise=True, liquidity={"exit_month": 25})), "early")
    # The whole grant is first exercisable at grant: 200,000 of fmv, of which 100,000 may be
    # ISOs (IRC 422(d)); the other half are NSOs.
    assert iso[1]["iso_preference"] == 60000
    assert iso[1]["wages"] == 60000


def test_early_exercise_not_allowed_falls_back_to_at_vest() -> None:
    found = equity_income(evaluate(offer(option()), 4), "early")
    assert found.years[1].exercise_paid == usd(20000)
    assert any("early exercise is not allowed" in note for note in found.notes)


def test_iso_limit_by_calendar_year() -> None:
    # 40,000 x 5.00 = 200,000 of fmv. Started 2026-01-15 on 'standard': 10,000 + 10 months of
    # 833.33 vest in 2027 (18,333.33 x 5 = 91,666.67), within the limit.
    years = _income(offer(option()), "at-vest")
    assert years[1]["iso_preference"] == 30000
    # At 10.00 of fmv the cliff (2027-01-15: 10,000 x 10 = 100,000) fills 2027's limit: the
    # eleven monthly vests of February-December 2027 are NSOs (wages at exercise), and the
    # vest of January 2028 starts a new calendar year as an ISO again.
    rich = _income(offer(option(fmv="10", price="20")), "at-vest")
    assert rich[1]["iso_preference"] == 80000  # 10,000 x (10 - 2)
    assert rich[1]["wages"] == 0
    assert rich[2]["wages"] == D("73333.33")  # 11 x 833.33 x 8
    assert rich[2]["iso_preference"] == D("6666.67")  # 833.33 x 8


def test_iso_exercise_before_2020_is_refused() -> None:
    with pytest.raises(InputError, match="before 2020"):
        tax_income(
            Income(usd(100000), iso_preference=usd(50000)),
            parse_residence("Austin, TX"),
            "single",
            2019,
        )


def test_capital_gains_and_niit_from_tenforty() -> None:
    result = tax_income(
        Income(usd(200000), long_term_gain=usd(100000)),
        parse_residence("Austin, TX"),
        "single",
        2025,
    )
    lines = {line.key: line.amount for line in result.lines}
    reference = tenforty.evaluate_return(
        year=2025, filing_status="Single", w2_income=200000, long_term_capital_gains=100000
    )
    assert lines["net_investment_income_tax"] == usd(3800)  # 3.8% of the 100,000
    assert lines["federal_income_tax"] + lines["net_investment_income_tax"] == usd(
        str(reference.federal_total_tax)
    )
    assert lines["social_security"] == usd(176100) * D("0.062")  # wages only


def test_private_rsus_and_units_are_wages_when_sold(examples: Path) -> None:
    evaluation = evaluate(load_offer(examples / "private-rsu-tenders.toml"), 4)
    taxed = after_tax(evaluation, tax_year=2025)
    wages = [year.taxes.gross for year in taxed.years]
    assert wages == [usd(242000)] * 3 + [usd(442000)]
    assert any("taxed as wages when sold" in note for note in taxed.notes)


def test_outside_the_us_options_are_employment_income_and_gains_are_not_taxed() -> None:
    grant = option(option_type="iso", liquidity={"exit_month": 40})
    o = offer(grant, location="London", currency="GBP")
    taxed = after_tax(evaluate(o, 4), tax_year=2025, exercise="at-vest")
    first = taxed.years[0]
    assert first.taxes.gross == Money(D(150000) + 30000, "GBP")  # the spread is wages
    fourth = taxed.years[3]
    # Year 4: base plus the spread of the year's exercises (10,000 x 3); the gain at the exit
    # is not taxed (capital gains tax is not modelled outside the US), and said so.
    assert fourth.taxes.gross == Money(D(150000) + 30000, "GBP")
    assert any("not modelled outside the United States" in note for note in taxed.notes)


def test_cash_after_tax_adds_up(examples: Path) -> None:
    data = _show(str(examples / "ai-lab-units.toml"), "--after-tax", "--years", "6")
    for row in data["years"]:
        assert row["tax"] == pytest.approx(sum(row["taxes"].values()), abs=0.005)
        assert row["cash_after_tax"] == pytest.approx(row["cash"] - row["tax"], abs=0.005)
        assert row["after_tax"] == pytest.approx(row["total"] - row["tax"], abs=0.005)
    assert data["cash_after_tax_total"] == pytest.approx(
        sum(row["cash_after_tax"] for row in data["years"]), abs=0.005
    )


def test_exercise_strategy_errors_name_the_option(examples: Path) -> None:
    result = runner.invoke(
        app, ["offer", "show", str(examples / "startup-senior-ml.toml"), "--exercise", "never"]
    )
    assert result.exit_code == 2
    assert "--exercise 'never' is not an exercise strategy" in result.stderr
    assert "at-vest, at-liquidity, early" in result.stderr
