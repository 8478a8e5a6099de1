"""After-tax: tenforty plus our payroll table (US), worked examples from HMRC's and the Income
Tax Department's published bands (UK, India), residences, tax years and bad input."""

from decimal import Decimal

import pytest
import tenforty

from offerlab.errors import InputError
from offerlab.money import Money
from offerlab.offers import evaluate, load_offer
from offerlab.scenarios import after_tax, parse_residence, shipped_years, tax_wages
from offerlab.scenarios.tax import TaxResult, india_tax, table_sources

D = Decimal


def _lines(result: TaxResult) -> dict[str, Decimal]:
    return {line.key: line.amount.amount for line in result.lines}


# Social Security wage bases (SSA, "Contribution and Benefit Base") used for the expectations.
WAGE_BASE = {2023: D(160200), 2024: D(168600), 2025: D(176100)}


@pytest.mark.parametrize("year", [2023, 2024, 2025])
@pytest.mark.parametrize("state", ["WA", "TX", "CA", "NY", "MA", "NJ", "PA"])
@pytest.mark.parametrize("income", [60000, 150000, 250000, 450000])
def test_us_matches_tenforty_plus_payroll(year: int, state: str, income: int) -> None:
    result = tax_wages(
        Money(D(income), "USD"), parse_residence(f"Somewhere, {state}"), "single", year
    )
    got = _lines(result)
    ref = tenforty.evaluate_return(
        year=year, state=state, filing_status="Single", w2_income=float(income)
    )
    # tenforty's federal total includes the Additional Medicare Tax from 2024 (Form 8959);
    # for earlier years offerlab adds it from its own table.
    assert got["federal_income_tax"] == pytest.approx(
        D(str(ref.federal_total_tax - ref.federal_additional_medicare_tax)), abs=D("0.01")
    )
    if year >= 2024:
        assert ref.federal_additional_medicare_tax == pytest.approx(
            float(got["additional_medicare"]), abs=0.01
        )
    assert got["additional_medicare"] == pytest.approx(
        D("0.009") * max(D(0), D(income) - 200000), abs=D("0.01")
    )
    # Massachusetts: tenforty leaves out the Form 1 line 15 deduction of the Social Security and
    # Medicare paid, up to 2,000 (5% Part B rate; no surtax at these incomes).
    fica = {"MA": D(100)}.get(state, D(0))
    assert got["state_income_tax"] == pytest.approx(
        D(str(ref.state_total_tax)) - fica, abs=D("0.01")
    )
    assert got["social_security"] == D("0.062") * min(D(income), WAGE_BASE[year])
    assert got["medicare"] == D("0.0145") * income
    # Wages only: no AMT and no net investment income tax, on lines of their own.
    assert got["federal_amt"] == 0
    assert got["net_investment_income_tax"] == 0
    levies = set(got) - {
        "federal_income_tax",
        "federal_amt",
        "net_investment_income_tax",
        "additional_medicare",
        "state_income_tax",
        "social_security",
        "medicare",
    }
    expected = {"CA": {"ca_sdi"}, "WA": {"wa_cares", "wa_paid_family_leave"}}.get(state, set())
    assert levies == expected
    if state in ("WA", "TX"):
        assert got["state_income_tax"] == 0
    assert result.total.amount == sum(got.values())
    assert result.net.amount == income - sum(got.values())


def test_us_levies_by_table() -> None:
    ca = _lines(
        tax_wages(Money(D(300000), "USD"), parse_residence("San Francisco, CA"), "single", 2025)
    )
    assert ca["ca_sdi"] == D("3600")  # 1.2% of all wages: no ceiling since 2024
    ca23 = _lines(
        tax_wages(Money(D(300000), "USD"), parse_residence("Oakland, CA"), "single", 2023)
    )
    assert ca23["ca_sdi"] == D("0.009") * 153164  # 0.9% up to the 2023 ceiling
    wa = _lines(tax_wages(Money(D(300000), "USD"), parse_residence("Seattle, WA"), "single", 2025))
    assert wa["wa_cares"] == D("0.0058") * 300000
    # ESD 2025: total premium 0.92%, employees 71.52%, up to the Social Security wage base
    assert wa["wa_paid_family_leave"] == D("0.0092") * D("0.7152") * 176100


def test_joint_uses_the_joint_schedule() -> None:
    single = tax_wages(Money(D(300000), "USD"), parse_residence("Austin, TX"), "single", 2025)
    joint = tax_wages(Money(D(300000), "USD"), parse_residence("Austin, TX"), "joint", 2025)
    ref = tenforty.evaluate_return(
        year=2025, state="TX", filing_status="Married/Joint", w2_income=300000.0
    )
    assert _lines(joint)["additional_medicare"] == D("450")  # 0.9% above 250,000
    assert joint.total < single.total
    got = _lines(joint)
    assert got["federal_income_tax"] + got["additional_medicare"] == D(str(ref.federal_total_tax))


def test_nyc_resident_tax_on_state_taxable_income() -> None:
    # NYC rate schedule (IT-201 instructions), single: 3.078% to 12,000, 3.762% to 25,000,
    # 3.819% to 50,000, 3.876% above. NY taxable income = 300,000 - 8,000 standard deduction.
    got = _lines(
        tax_wages(Money(D(300000), "USD"), parse_residence("New York, NY"), "single", 2025)
    )
    taxable = D(292000)
    expected = (
        D(12000) * D("0.03078")
        + D(13000) * D("0.03762")
        + D(25000) * D("0.03819")
        + (taxable - 50000) * D("0.03876")
    )
    assert got["local_income_tax"] == expected
    upstate = _lines(
        tax_wages(Money(D(300000), "USD"), parse_residence("Albany, NY"), "single", 2025)
    )
    assert "local_income_tax" not in upstate
    assert upstate["state_income_tax"] == got["state_income_tax"]


def _uk_expected(income: D) -> tuple[D, D]:
    """HMRC 2024-25 and 2025-26 (England, Wales, NI): personal allowance 12,570 reduced by 1
    for every 2 above 100,000; 20% on the first 37,700 taxable, 40% to 125,140, 45% above.
    Class 1 employee NI: 8% from 12,570 to 50,270, 2% above (annual thresholds)."""
    allowance = max(D(0), D(12570) - max(D(0), income - 100000) / 2)
    taxable = max(D(0), income - allowance)
    tax = (
        min(taxable, D(37700)) * D("0.20")
        + max(D(0), min(taxable, D(125140)) - 37700) * D("0.40")
        + max(D(0), taxable - 125140) * D("0.45")
    )
    ni = max(D(0), min(income, D(50270)) - 12570) * D("0.08") + max(D(0), income - 50270) * D(
        "0.02"
    )
    return tax, ni


@pytest.mark.parametrize("year", [2024, 2025])
@pytest.mark.parametrize("income", [10000, 30000, 60000, 100000, 110000, 150000, 400000])
def test_uk_matches_published_bands(year: int, income: int) -> None:
    got = _lines(tax_wages(Money(D(income), "GBP"), parse_residence("London"), "single", year))
    tax, ni = _uk_expected(D(income))
    assert got == {"income_tax": tax, "national_insurance": ni}


def test_uk_worked_examples() -> None:
    # 100,000: 37,700 x 20% = 7,540 + (87,430 - 37,700) x 40% = 19,892 -> 27,432;
    # NI (50,270 - 12,570) x 8% = 3,016 + 49,730 x 2% = 994.60 -> 4,010.60.
    got = _lines(tax_wages(Money(D(100000), "GBP"), parse_residence("London, UK"), "single", 2025))
    assert got == {"income_tax": D("27432"), "national_insurance": D("4010.60")}
    # 150,000: no allowance; 7,540 + 87,440 x 40% = 34,976 + 24,860 x 45% = 11,187 -> 53,703.
    got = _lines(
        tax_wages(Money(D(150000), "GBP"), parse_residence("Manchester, UK"), "single", 2024)
    )
    assert got["income_tax"] == D("53703")


def test_india_fy_2025_26_worked_examples() -> None:
    # FY 2025-26 new regime (Finance Act 2025): standard deduction 75,000; 0% to 4L, 5% to 8L,
    # 10% to 12L, 15% to 16L, 20% to 20L, 25% to 24L, 30% above; 87A rebate to 60,000 when
    # taxable income <= 12L; 4% cess.
    # 30,00,000 salary: taxable 29,25,000: 20,000 + 40,000 + 60,000 + 80,000 + 1,00,000
    # + 5,25,000 x 30% = 1,57,500 -> 4,57,500; cess 18,300.
    assert india_tax(D(3000000), 2025) == (D(457500), D(0), D(18300))
    # 12,75,000 salary: taxable 12,00,000 -> tax 60,000, all rebated.
    assert india_tax(D(1275000), 2025) == (D(0), D(0), D(0))
    # 12,85,000 salary: taxable 12,10,000; slab tax 61,500, marginal relief caps it at 10,000.
    assert india_tax(D(1285000), 2025) == (D(10000), D(0), D(400))
    # 60,75,000 salary: taxable 60,00,000: slab tax 3,00,000 + 36L x 30% = 10,80,000 -> 13,80,000
    # (the first 24L cost 3,00,000); surcharge 10% = 1,38,000; cess 4% of 15,18,000.
    tax, surcharge, cess = india_tax(D(6075000), 2025)
    assert tax == D(1380000)
    assert surcharge == D(138000)
    assert cess == D("60720")


def test_india_fy_2024_25_worked_examples() -> None:
    # FY 2024-25 (Finance (No. 2) Act 2024): 0% to 3L, 5% to 7L, 10% to 10L, 15% to 12L,
    # 20% to 15L, 30% above; standard deduction 75,000; rebate to 25,000 at taxable <= 7L.
    # 20,75,000 salary: taxable 20,00,000: 20,000 + 30,000 + 30,000 + 60,000 + 1,50,000 -> 2,90,000.
    assert india_tax(D(2075000), 2024) == (D(290000), D(0), D(11600))
    assert india_tax(D(775000), 2024) == (D(0), D(0), D(0))


def test_india_surcharge_marginal_relief() -> None:
    # Just above 50L taxable: tax + surcharge may exceed the tax at 50L by at most the excess.
    at_limit, _, _ = india_tax(D(5075000), 2025)
    tax, surcharge, _ = india_tax(D(5085000), 2025)
    assert tax + surcharge <= at_limit + D(10000)
    assert surcharge < tax * D("0.10")


def test_india_and_uk_through_the_residence() -> None:
    result = tax_wages(Money(D(3000000), "INR"), parse_residence("Bangalore"), "single", 2025)
    assert result.total.amount == D(475800)
    assert result.total.currency == "INR"


@pytest.mark.parametrize(
    ("text", "country", "state", "nyc"),
    [
        ("Seattle, WA", "US", "WA", False),
        ("San Francisco, CA", "US", "CA", False),
        ("New York, NY", "US", "NY", True),
        ("Brooklyn, NY", "US", "NY", True),
        ("New York", "US", "NY", True),
        ("Buffalo, NY", "US", "NY", False),
        ("Austin, Texas", "US", "TX", False),
        ("Redmond, WA, USA", "US", "WA", False),
        ("Indianapolis, IN", "US", "IN", False),
        ("London", "GB", None, False),
        ("Cambridge, United Kingdom", "GB", None, False),
        ("Bangalore", "IN", None, False),
        ("Bengaluru, India", "IN", None, False),
    ],
)
def test_residences(text: str, country: str, state: str | None, nyc: bool) -> None:
    residence = parse_residence(text)
    assert (residence.country, residence.state, residence.nyc) == (country, state, nyc)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Paris", "unknown residence 'Paris'"),
        ("Toronto, ON", "unknown US state 'ON'"),
        ("Seattle, XX", "unknown US state 'XX'"),
        ("Edinburgh", "Scotland"),
        ("", "empty residence"),
    ],
)
def test_unknown_residences(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_residence(text)


def test_state_tenforty_lacks_is_an_error() -> None:
    with pytest.raises(InputError, match=r"cannot compute IL income tax.*covered: .*CA"):
        tax_wages(Money(D(1), "USD"), parse_residence("Chicago, IL"), "single", 2025)


def test_tax_year_not_shipped_says_which_exist() -> None:
    with pytest.raises(InputError, match=r"tax year 2026 is not shipped.*2018-2025"):
        tax_wages(Money(D(1), "USD"), parse_residence("Seattle, WA"), "single", 2026)
    with pytest.raises(InputError, match=r"2024-2025"):
        tax_wages(Money(D(1), "GBP"), parse_residence("London"), "single", 2019)
    assert shipped_years(parse_residence("Bangalore")) == (2024, 2025)


def test_joint_outside_the_us_is_an_error() -> None:
    with pytest.raises(InputError, match="joint filing exists only in the United States"):
        tax_wages(Money(D(1), "GBP"), parse_residence("London"), "joint", 2025)


def test_wrong_currency_is_an_error() -> None:
    with pytest.raises(InputError, match="convert with a dated rate"):
        tax_wages(Money(D(1), "USD"), parse_residence("London"), "single", 2025)


def test_after_tax_of_an_offer(examples) -> None:
    evaluation = evaluate(load_offer(examples / "msft-l62-target.toml"))
    taxed = after_tax(evaluation)  # default residence: the offer's location, Redmond, WA
    assert taxed.residence.state == "WA"
    assert taxed.tax_year == 2025
    for year in taxed.years:
        direct = tax_wages(year.gross, taxed.residence, "single", 2025)
        assert year.tax == direct.total
        assert year.net == year.gross - direct.total
    shown = taxed.shown()
    for number, row in shown.items():
        keys = [k for k, _ in taxed.line_keys()]
        assert sum(row[k] for k in keys) == row["tax"]
        assert row["after_tax"] == evaluation.shown()[number]["total"] - row["tax"]


def test_after_tax_converts_with_a_dated_rate(examples) -> None:
    evaluation = evaluate(load_offer(examples / "msft-l62-target.toml"))
    taxed = after_tax(evaluation, "London")
    assert taxed.rate is not None
    assert (taxed.rate.from_, taxed.rate.to) == ("USD", "GBP")
    year1 = taxed.years[0]
    wages = taxed.rate.convert(year1.gross)
    expected = tax_wages(wages, taxed.residence, "single", 2025).total
    assert year1.tax.currency == "USD"
    assert year1.tax.amount == pytest.approx(expected.amount / taxed.rate.value, abs=D("1e-6"))


@pytest.mark.parametrize(
    "place", ["Seattle, WA", "San Francisco, CA", "New York, NY", "London", "Bangalore"]
)
def test_every_shipped_year_names_its_sources(place: str) -> None:
    residence = parse_residence(place)
    for year in shipped_years(residence):
        sources = table_sources(residence, year)
        assert sources
        assert all(source.strip() for source in sources)


def test_offer_location_that_cannot_be_taxed(examples) -> None:
    offer = load_offer(examples / "msft-l62-target.toml").model_copy(update={"location": "Remote"})
    with pytest.raises(InputError, match=r"the offer's location 'Remote'.*give --residence"):
        after_tax(evaluate(offer))
