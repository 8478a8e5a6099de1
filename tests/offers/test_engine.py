"""The cash-flow engine and its metrics, on the seed's packages and on hand-built offers."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from offerlab.money import Money
from offerlab.offers import Component, clawback_owed, evaluate, load_offer, offer_from_mapping
from offerlab.offers.engine import add_months, first_bonus_fraction, offer_year_of_month

# Seed 001's negotiate-up packages: Year-1 and annualized totals, computed from the
# components (no raises, no refreshers, signing in year 1).
SEED_PACKAGES = [
    ("msft-l62-initial.toml", "297000", "267000"),
    ("msft-l62-target.toml", "376500", "331500"),
    ("msft-l62-stretch.toml", "416250", "367500"),
    ("msft-l63-initial.toml", "425000", "380000"),
    ("msft-l63-target.toml", "527000", "463250"),
    ("msft-l63-stretch.toml", "598500", "523500"),
]


def usd(value: str | int) -> Money:
    return Money(Decimal(value), "USD")


def offer(**overrides: Any) -> Any:
    data: dict[str, Any] = {
        "company": "Contoso",
        "title": "Engineer",
        "level": "3",
        "location": "Remote",
        "base": 120000,
    }
    data.update(overrides)
    return offer_from_mapping(data)


@pytest.mark.parametrize(("file", "year1", "annualized"), SEED_PACKAGES)
def test_seed_packages(examples: Path, file: str, year1: str, annualized: str) -> None:
    evaluation = evaluate(load_offer(examples / file))
    assert evaluation.year1_total == usd(year1)
    assert evaluation.annualized_total == usd(annualized)
    assert evaluation.four_year_total == usd(annualized) * 4


def test_seed_target_is_not_the_guides_headline(examples: Path) -> None:
    # The guide headlines "~$346.5K TC" for this package; its parts give other figures.
    evaluation = evaluate(load_offer(examples / "msft-l62-target.toml"))
    assert evaluation.annualized_total != usd("346500")
    assert evaluation.year1_total != usd("346500")


def test_year_attribution_rules() -> None:
    assert [offer_year_of_month(m) for m in (0, 1, 11, 12, 13, 24, 25)] == [1, 1, 1, 1, 2, 2, 3]


def test_month_12_vest_and_first_bonus_count_in_year_1() -> None:
    evaluation = evaluate(
        offer(
            bonus_target_pct=10,
            equity=[{"value": 48000, "schedule": {"years": [100], "cadence": "annual"}}],
        )
    )
    year1 = evaluation.year(1)
    assert year1[Component.EQUITY] == usd(48000)
    assert year1[Component.BONUS] == usd(12000)
    assert evaluation.year(2)[Component.EQUITY] == usd(0)


def test_signing_payments_are_paid_at_the_start_of_each_year() -> None:
    evaluation = evaluate(offer(signing={"payments": [30000, 20000, 10000]}))
    signing = [e for e in evaluation.events if e.component is Component.SIGNING]
    assert [(e.month, e.year, e.amount) for e in signing] == [
        (0, 1, usd(30000)),
        (12, 2, usd(20000)),
        (24, 3, usd(10000)),
    ]


def test_base_accrues_monthly_with_yearly_raises() -> None:
    evaluation = evaluate(offer(base=120000, raise_pct=5, start_date="2026-01-15"), years=3)
    base_events = [e for e in evaluation.events if e.component is Component.BASE]
    assert len(base_events) == 36
    assert base_events[0].amount == usd(10000)
    assert base_events[0].date == date(2026, 2, 15)
    assert evaluation.year(2)[Component.BASE] == usd(126000)
    assert evaluation.year(3)[Component.BASE] == usd("132300")


def test_bonus_multiplier_and_raise_feed_the_bonus() -> None:
    evaluation = evaluate(
        offer(base=100000, raise_pct=10, bonus_target_pct=20, bonus_multiplier=1.5)
    )
    assert evaluation.year(1)[Component.BONUS] == usd(30000)
    assert evaluation.year(2)[Component.BONUS] == usd(33000)


def test_prorated_first_bonus_counts_days_to_the_bonus_year_end() -> None:
    o = offer(
        base=100000,
        bonus_target_pct=10,
        bonus_first_year="prorated",
        start_date="2026-07-01",
        bonus_year_end="12-31",
    )
    fraction = first_bonus_fraction(o)
    assert fraction == pytest.approx(184 / 365)
    evaluation = evaluate(o)
    assert evaluation.year(1)[Component.BONUS] == usd(10000) * fraction
    assert evaluation.year(2)[Component.BONUS] == usd(10000)


def test_shares_are_valued_at_current_price_when_given() -> None:
    evaluation = evaluate(
        offer(
            equity=[
                {"shares": 1000, "price": 100, "current_price": 150, "schedule": "microsoft"},
            ]
        )
    )
    assert evaluation.year(1)[Component.EQUITY] == usd(37500)


def test_grant_by_value_with_price_and_current_price() -> None:
    evaluation = evaluate(
        offer(equity=[{"value": 400000, "price": 400, "current_price": 200, "schedule": "meta"}])
    )
    assert sum((evaluation.year(y)[Component.EQUITY] for y in range(1, 5)), usd(0)) == usd(200000)


def test_company_preset_is_the_default_schedule() -> None:
    amazon = evaluate(offer(company="Amazon", equity=[{"value": 100000}]))
    assert amazon.year(1)[Component.EQUITY] == usd(5000)
    unknown = evaluate(offer(equity=[{"value": 100000}]))
    assert unknown.year(1)[Component.EQUITY] == usd(25000)  # standard: the 1-year cliff


def test_refreshers_stack_and_define_the_steady_state() -> None:
    evaluation = evaluate(
        offer(
            equity=[{"value": 200000, "schedule": "meta"}],
            refreshers={"annual_value": 40000, "first_year": 2, "schedule": "meta"},
        ),
        years=6,
    )
    refresher = [evaluation.year(y)[Component.REFRESHER] for y in range(1, 7)]
    assert refresher == [usd(0), usd(10000), usd(20000), usd(30000), usd(40000), usd(40000)]
    assert evaluation.steady_state_year == 5
    assert evaluation.steady_state_total == evaluation.year(5).total
    assert evaluation.year(5)[Component.EQUITY] == usd(0)


def test_refreshers_as_percent_of_initial() -> None:
    evaluation = evaluate(
        offer(
            equity=[{"value": 200000, "schedule": "meta"}],
            refreshers={"pct_of_initial": 25, "first_year": 2, "schedule": "meta"},
        )
    )
    assert evaluation.year(2)[Component.REFRESHER] == usd(12500)


def test_steady_state_without_refreshers_is_year_4() -> None:
    evaluation = evaluate(offer(signing={"amount": 10000}, equity=[{"value": 100000}]))
    assert evaluation.steady_state_year == 4
    assert evaluation.steady_state_total == evaluation.year(4).total


def test_other_items_once_and_annual() -> None:
    evaluation = evaluate(
        offer(
            other=[
                {"name": "relocation", "amount": 10000},
                {"name": "retention", "amount": 5000, "year": 3},
                {"name": "401k match", "amount": 6000, "recurring": "annual"},
            ]
        )
    )
    others = [evaluation.year(y)[Component.OTHER] for y in range(1, 5)]
    assert others == [usd(16000), usd(6000), usd(11000), usd(6000)]


def test_every_total_is_the_sum_of_its_parts() -> None:
    evaluation = evaluate(
        load_offer(Path(__file__).parents[2] / "examples" / "startup-senior-ml.toml"), 6
    )
    for totals in evaluation.years:
        assert totals.total == sum((totals[c] for c in Component), usd(0))
    assert evaluation.four_year_total == sum(
        (evaluation.year(y).total for y in range(1, 5)), usd(0)
    )


def test_horizon_shorter_than_four_years_still_gives_four_year_metrics(examples: Path) -> None:
    evaluation = evaluate(load_offer(examples / "msft-l62-initial.toml"), years=1)
    assert len(evaluation.years) == 1
    assert evaluation.four_year_total == usd(1068000)


def test_clawback_prorated_and_full() -> None:
    prorated = offer(signing={"amount": 24000, "clawback_months": 12, "clawback": "prorated"})
    assert clawback_owed(prorated, 0) == usd(24000)
    assert clawback_owed(prorated, 3) == usd(18000)
    assert clawback_owed(prorated, 12) == usd(0)
    full = offer(signing={"amount": 24000, "clawback_months": 12, "clawback": "full"})
    assert clawback_owed(full, 11) == usd(24000)
    assert clawback_owed(full, 12) == usd(0)


def test_clawback_counts_only_instalments_already_paid() -> None:
    two_year = offer(
        signing={"payments": [60000, 40000], "clawback_months": 24, "clawback": "full"}
    )
    assert clawback_owed(two_year, 6) == usd(60000)
    assert clawback_owed(two_year, 13) == usd(100000)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_amazon_example_two_year_signing_fills_the_back_loaded_vest(examples: Path) -> None:
    evaluation = evaluate(load_offer(examples / "amazon-l6-seattle.toml"))
    equity = [evaluation.year(y)[Component.EQUITY] for y in range(1, 5)]
    assert equity == [usd(10000), usd(30000), usd(80000), usd(80000)]
    assert [evaluation.year(y)[Component.SIGNING] for y in (1, 2, 3)] == [
        usd(75000),
        usd(60000),
        usd(0),
    ]


def test_startup_example_cliff(examples: Path) -> None:
    # 40,000 options, strike 2.00, valued at 10.00: a quarter of 320,000 at the cliff.
    evaluation = evaluate(load_offer(examples / "startup-senior-ml.toml"))
    vests = [e for e in evaluation.events if e.component is Component.EQUITY]
    assert vests[0].month == 12
    assert vests[0].amount == usd(80000)
