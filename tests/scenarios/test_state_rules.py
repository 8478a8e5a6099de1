"""State and city income tax rules tenforty leaves out or gets wrong, one test per rule, each
figure worked from the published rules (sources in docs/scenarios.md and the tables)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
import tenforty
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.money import Money
from offerlab.scenarios import parse_residence, tax_wages
from offerlab.scenarios.tax import Income, tax_income
from offerlab.scenarios.us_tax import Filing, ny_recapture, ny_schedule_constants, ny_state_tax

D = Decimal


def _state(income: int | str, place: str, year: int, filing: Filing = "single") -> D:
    result = tax_wages(Money(D(income), "USD"), parse_residence(place), filing, year)
    return next(line.amount.amount for line in result.lines if line.key == "state_income_tax")


def _lines(income: int, place: str, year: int, filing: Filing = "single") -> dict[str, D]:
    result = tax_wages(Money(D(income), "USD"), parse_residence(place), filing, year)
    return {line.key: line.amount.amount for line in result.lines}


def _tenforty(income: int, state: str, year: int, filing: Filing = "single") -> tuple[D, D]:
    status = "Single" if filing == "single" else "Married/Joint"
    ref = tenforty.evaluate_return(
        year=year, state=state, filing_status=status, w2_income=float(income)
    )
    return D(str(ref.state_total_tax)), D(str(ref.state_taxable_income))


# --- California: Behavioral Health Services Tax ---------------------------------------------


def test_california_over_a_million_the_issue_figure() -> None:
    # Base 1,100,000 in San Francisco, 2025: CA taxable income 1,094,294 (standard deduction
    # 5,706); Form 540 tax 115,435 (tenforty) + 1% of 94,294 = 942.94 -> 943 (whole dollars).
    assert _state(1100000, "San Francisco, CA", 2025) == D(116378)


@pytest.mark.parametrize("year", range(2018, 2026))
@pytest.mark.parametrize("filing", ["single", "joint"])
@pytest.mark.parametrize("income", [900000, 1006000, 1100000, 3000000])
def test_california_behavioral_health_services_tax(year: int, filing: Filing, income: int) -> None:
    form, taxable = _tenforty(income, "CA", year, filing)
    # The $1,000,000 threshold is the same for a joint return.
    extra = max(D(0), taxable - 1000000) * D("0.01")
    expected = form + extra.quantize(D(1), rounding="ROUND_HALF_UP")
    assert _state(income, "Los Angeles, CA", year, filing) == expected
    if taxable <= 1000000:
        assert _state(income, "Los Angeles, CA", year, filing) == form


# --- Massachusetts: Form 1 line 15 ------------------------------------------------------------


def test_massachusetts_deducts_social_security_and_medicare_paid() -> None:
    # 150,000: Part B taxable 150,000 - 4,400 exemption - 2,000 (line 15) = 143,600 at 5%.
    assert _state(150000, "Boston, MA", 2025) == D("7180")
    # 2019: Part B rate 5.05%.
    assert _state(150000, "Boston, MA", 2019) == D("143600") * D("0.0505")
    # 1,100,000 in 2025: 1,093,600 at 5% = 54,680, and the 4% surtax on the excess over
    # 1,083,150 (10,450) = 418: 55,098.
    assert _state(1100000, "Cambridge, MA", 2025) == D("55098")
    # Wages paying less than 2,000 of Social Security and Medicare deduct what they paid:
    # 20,000 x 7.65% = 1,530, worth 5% (the form's own figure comes from MA's tax table).
    form, _ = _tenforty(20000, "MA", 2025)
    assert _state(20000, "Boston, MA", 2025) == form - D(1530) * D("0.05")


# --- Michigan and Ohio: personal exemptions ---------------------------------------------------


def test_michigan_personal_exemption() -> None:
    # 4.25% of wages less 5,800 (2025) or 5,600 (2024) per person.
    assert _state(150000, "Detroit, MI", 2025) == D("144200") * D("0.0425")
    assert _state(150000, "Ann Arbor, MI", 2025, "joint") == D("138400") * D("0.0425")
    assert _state(150000, "Detroit, MI", 2024) == D("144400") * D("0.0425")


def _ohio_2024(taxable: D) -> D:
    """Ohio's 2024 schedule (IT 1040 instructions): 0% to 26,050, 360.69 + 2.75% of the
    excess to 100,000, 2,394.32 + 3.5% of the excess above."""
    if taxable <= 26050:
        return D(0)
    if taxable <= 100000:
        return D("360.69") + (taxable - 26050) * D("0.0275")
    return D("2394.32") + (taxable - 100000) * D("0.035")


@pytest.mark.parametrize(
    ("income", "filing", "exemption"),
    [
        (150000, "single", 1900),  # MAGI above 80,000
        (60000, "single", 2150),  # above 40,000
        (35000, "single", 2400),
        (150000, "joint", 3800),  # two exemptions
    ],
)
def test_ohio_personal_exemption(income: int, filing: Filing, exemption: int) -> None:
    expected = _ohio_2024(D(income - exemption))
    assert _state(income, "Columbus, OH", 2024, filing) == pytest.approx(expected, abs=D("0.01"))


def test_ohio_2025_is_the_form_on_wages_less_the_exemption() -> None:
    form, _ = _tenforty(148100, "OH", 2025)
    assert _state(150000, "Columbus, OH", 2025) == form


# --- New York City: school tax credits ------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "filing", "credit"),
    [
        # 300,000: income above 250,000 (no fixed amount); NYC taxable 292,000:
        # 21 + 0.228% x 280,000 = 659.40.
        (300000, "single", D("659.40")),
        # 200,000: fixed 63; taxable 192,000: 21 + 0.228% x 180,000 = 431.40.
        (200000, "single", D("494.40")),
        # joint 200,000: fixed 125; taxable 183,950: 37 + 0.228% x 162,350 = 407.158.
        (200000, "joint", D("532.158")),
        # NYC taxable income above 500,000: none.
        (600000, "single", D(0)),
        # 10,000: taxable 2,000: 63 + 0.171% x 2,000 = 3.42.
        (10000, "single", D("66.42")),
    ],
)
def test_nyc_school_tax_credits(income: int, filing: Filing, credit: D) -> None:
    got = _lines(income, "Brooklyn, NY", 2025, filing)
    assert got["nyc_school_tax_credit"] == -credit
    assert "nyc_school_tax_credit" not in _lines(income, "Albany, NY", 2025, filing)


# --- New York State ---------------------------------------------------------------------------

# The rate schedules' whole-dollar constants as IT-201-I prints them.
PUBLISHED_SCHEDULE = {
    (2018, "single"): [0, 340, 484, 600, 1042, 4793, 13646, 72703],
    (2018, "joint"): [0, 686, 976, 1202, 2093, 9597, 20218, 145720],
    (2025, "single"): [0, 340, 484, 600, 4271, 12356, 71413, 449929, 2509929],
    (2025, "joint"): [0, 686, 976, 1202, 8553, 18252, 143754, 418263, 2478263],
}


@pytest.mark.parametrize(("key", "constants"), PUBLISHED_SCHEDULE.items())
def test_ny_rate_schedule_constants(key: tuple[int, Filing], constants: list[int]) -> None:
    year, filing = key
    assert ny_schedule_constants(year, filing) == [D(c) for c in constants]


# The tax computation worksheets' recapture base and incremental benefit, band by band above
# the one holding $107,650, as IT-201-I prints them (the last band's incremental benefit is
# not printed: the top rate applies to all income there).
PUBLISHED_WORKSHEETS = {
    (2019, "single"): [(513, 775), (1288, None)],
    (2019, "joint"): [(577, 453), (1030, 1163), (2193, None)],
    (2020, "single"): [(519, 948), (1467, None)],
    (2020, "joint"): [(526, 517), (1043, 1422), (2465, None)],
    (2021, "single"): [(526, 1120), (1646, 30171), (31817, 32500), (64317, None)],
    (2021, "joint"): [(474, 582), (1056, 1680), (2736, 60350), (63086, 32500), (95586, None)],
    (2022, "single"): [(536, 1293), (1829, 30171), (32000, 32500), (64500, None)],
    (2022, "joint"): [(430, 646), (1076, 1940), (3016, 60349), (63365, 32500), (95865, None)],
    (2025, "single"): [(568, 1831), (2399, 30172), (32571, 32500), (65071, None)],
    (2025, "joint"): [(333, 807), (1140, 2747), (3887, 60350), (64237, 32500), (96737, None)],
}


@pytest.mark.parametrize(("key", "amounts"), PUBLISHED_WORKSHEETS.items())
def test_ny_worksheet_amounts_derived_from_the_schedule(
    key: tuple[int, Filing], amounts: list[tuple[int, int | None]]
) -> None:
    year, filing = key
    derived = list(ny_recapture(year, filing).values())
    assert len(derived) == len(amounts)
    for step, (base, incremental) in zip(derived, amounts, strict=True):
        assert step.base == base
        if incremental is not None:
            assert step.incremental == incremental


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
@pytest.mark.parametrize("filing", ["single", "joint"])
@pytest.mark.parametrize(
    "income", [107651, 130000, 170000, 240000, 330000, 500000, 1100000, 2200000, 4000000]
)
def test_ny_agrees_with_tenforty_where_its_worksheets_hold(
    year: int, filing: Filing, income: int
) -> None:
    form, taxable = _tenforty(income, "NY", year, filing)
    tax, ours = ny_state_tax(D(income), year, filing)
    assert ours == taxable
    assert tax == pytest.approx(form, abs=D("0.01"))


@pytest.mark.parametrize(
    ("income", "year", "filing", "expected"),
    [
        # Above 5,000,000 (tenforty ends the process): worksheet 10 on taxable 5,092,000 =
        # 449,929 + 10.3% x 92,000 + 32,571 + 32,500, which is 10.3% of it all.
        (5100000, 2025, "single", D("524476")),
        # Above 25,000,000: 10.9% of taxable income (tenforty: 1.09%).
        (30000000, 2025, "single", D("29992000") * D("0.109")),
        (30000000, 2025, "joint", D("29983950") * D("0.109")),
        # 2021, 25,010,000: the 10.9% phased in over 50,000 above 25,000,000 (fraction 0.2):
        # taxable 25,002,000; tax 2,510,683 + 10.9% x 2,000 = 2,510,901; base 64,317; the
        # rest of the benefit 2,725,218 - 2,510,901 - 64,317 = 150,000, a fifth of it.
        (25010000, 2021, "single", D("2605218")),
        # 2021 joint 4,000,000 (tenforty: 2,550,603.60, 64%): worksheet 4, taxable 3,983,950:
        # 144,905 + 9.65% x 1,828,600 + 2,736 + 60,350 = 384,450.90.
        (4000000, 2021, "joint", D("384450.90")),
    ],
)
def test_ny_high_incomes(income: int, year: int, filing: Filing, expected: D) -> None:
    tax, _ = ny_state_tax(D(income), year, filing)
    assert tax == expected


def test_ny_2018_uses_the_standard_deduction() -> None:
    # tenforty's 2018-2020 form deducts 10,000 (a federal itemized figure); New York's
    # standard deduction for a single filer is 8,000. 150,000 in 2018: taxable 142,000, AGI
    # between 107,650 and 157,650: 6.57% phased in (fraction 0.847) over the schedule's tax.
    tax, taxable = ny_state_tax(D(150000), 2018, "single")
    assert taxable == 142000
    schedule = D(4793) + (D(142000) - 80650) * D("0.0657")
    flat = D(142000) * D("0.0657")
    assert tax == schedule + (flat - schedule) * D("0.847")
    # 1,100,000 in 2018: above 1,077,550 the 8.82% is phased in on all taxable income
    # (1,092,000), from the base of 1,109 (the benefit of the bands below at 6.85%).
    tax, _ = ny_state_tax(D(1100000), 2018, "single")
    schedule = D(72703) + (D(1092000) - 1077550) * D("0.0882")
    benefit = D(1092000) * D("0.0882") - schedule - 1109
    assert tax == schedule + 1109 + benefit * D("0.449")


def test_ny_table_schedule_and_household_credit_at_lower_incomes() -> None:
    # Taxable income below 65,000 with AGI up to 107,650: the tax table (the schedule's tax on
    # the middle of the $50 row, whole dollars), less the household credit. 20,000 single:
    # taxable 12,000, row 12,000-12,050: 484 + 5.25% x 325 = 501.06 -> 501; credit 40.
    assert ny_state_tax(D(20000), 2025, "single") == (D(461), D(12000))
    # Joint 26,000: taxable 9,950, row 9,950-10,000: 4% x 9,975 = 399; credit (two
    # exemptions, federal AGI below 28,000) 45.
    assert ny_state_tax(D(26000), 2025, "joint") == (D(354), D(9950))
    # Taxable 65,000 or more: the rate schedule itself. 100,000 single: 4,271 + 6% x 11,350.
    assert ny_state_tax(D(100000), 2025, "single") == (D("4952.00"), D(92000))


def test_ny_above_five_million_does_not_end_the_process(tmp_path: Path) -> None:
    offer = tmp_path / "big.toml"
    offer.write_text(
        'company = "Acme"\ntitle = "Engineer"\nlevel = "X"\nlocation = "New York, NY"\n'
        "base = 5100000\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["offer", "show", str(offer), "--after-tax", "--json"])
    assert result.exit_code == 0, result.stderr
    taxes = json.loads(result.stdout)["years"][0]["taxes"]
    assert taxes["state_income_tax"] == 524476.0


# --- income other than wages (equity) --------------------------------------------------------


def _other(
    place: str,
    year: int,
    wages: int,
    *,
    ordinary: int = 0,
    short: int = 0,
    long: int = 0,
) -> dict[str, D]:
    def usd(value: int) -> Money | None:
        return Money(D(value), "USD") if value else None

    income = Income(
        Money(D(wages), "USD"),
        ordinary=usd(ordinary),
        short_term_gain=usd(short),
        long_term_gain=usd(long),
    )
    result = tax_income(income, parse_residence(place), "single", year)
    return {line.key: line.amount.amount for line in result.lines}


def test_massachusetts_taxes_equity_income_by_its_part() -> None:
    # tenforty's Form 1 takes wages only. Part B other income and Part C long-term gains at
    # 5%, Part A short-term gains at 8.5% (2023 on); no surtax below 1,083,150 (2025).
    form, _ = _tenforty(200000, "MA", 2025)
    got = _other("Boston, MA", 2025, 200000, ordinary=20000, short=50000, long=100000)
    assert got["state_income_tax"] == form - 100 + D(1000) + D(4250) + D(5000)
    # 2022: short-term gains at 12%.
    form, _ = _tenforty(100000, "MA", 2022)
    assert _other("Boston, MA", 2022, 100000, short=10000)["state_income_tax"] == form - 100 + 1200
    # The 4% surtax over all taxable income: wages 1,000,000 (993,600 after the exemption and
    # line 15) and 200,000 of long-term gains: 5% of 1,193,600 = 59,680, and 4% of the
    # 110,450 above 1,083,150 = 4,418.
    got = _other("Cambridge, MA", 2025, 1000000, long=200000)
    assert got["state_income_tax"] == D("64098")


def test_new_jersey_taxes_equity_income_with_wages() -> None:
    # One rate schedule over all gross income: wages 200,000 and long-term gains 100,000 less
    # the 1,000 exemption: 299,000 through the 2025 single brackets.
    taxable = D(299000)
    expected = (
        D(20000) * D("0.014") + D(15000) * D("0.0175") + D(5000) * D("0.035")
        + D(35000) * D("0.05525") + (taxable - 75000) * D("0.0637")
    )  # fmt: skip
    got = _other("Newark, NJ", 2025, 200000, long=100000)
    assert got["state_income_tax"] == pytest.approx(expected, abs=D("0.01"))


def test_pennsylvania_taxes_equity_income_at_its_flat_rate() -> None:
    got = _other("Pittsburgh, PA", 2025, 200000, ordinary=10000, short=30000)
    assert got["state_income_tax"] == D(240000) * D("0.0307")


def test_new_york_and_the_city_count_equity_income_in_agi() -> None:
    # New York taxes gains as ordinary income: wages 300,000 and long-term gains 100,000 are
    # taxed as 400,000 of wages.
    with_gains = _other("Brooklyn, NY", 2025, 300000, long=100000)
    as_wages = ny_state_tax(D(400000), 2025, "single")[0]
    assert with_gains["state_income_tax"] == as_wages
    assert (
        with_gains["local_income_tax"] == _lines(400000, "Brooklyn, NY", 2025)["local_income_tax"]
    )
    # The school tax credit's fixed amount stops at an income of 250,000, gains included.
    credit = _other("Queens, NY", 2025, 240000, long=20000)["nyc_school_tax_credit"]
    taxable = D(252000)
    assert credit == -(21 + (taxable - 12000) * D("0.00228"))


def test_ohio_exemption_tier_and_california_surcharge_count_equity_income() -> None:
    # Ohio MAGI 90,000 with the gains: the 1,900 exemption, not the 2,150 of wages alone.
    form, _ = _tenforty(70000 - 1900, "OH", 2024)
    got = _other("Columbus, OH", 2024, 70000, long=20000)
    ref = tenforty.evaluate_return(
        year=2024, state="OH", filing_status="Single", w2_income=68100.0,
        long_term_capital_gains=20000.0,
    )  # fmt: skip
    assert got["state_income_tax"] == pytest.approx(D(str(ref.state_total_tax)), abs=D("0.01"))
    assert form < got["state_income_tax"]
    # California: the 1% over 1,000,000 of taxable income, gains included.
    ref = tenforty.evaluate_return(
        year=2025, state="CA", filing_status="Single", w2_income=900000.0,
        long_term_capital_gains=300000.0,
    )  # fmt: skip
    extra = ((D(str(ref.state_taxable_income)) - 1000000) * D("0.01")).quantize(D(1))
    got = _other("San Jose, CA", 2025, 900000, long=300000)
    assert got["state_income_tax"] == D(str(ref.state_total_tax)) + extra
