"""One yardstick for equity (issue 11, defect 2): the benchmark, the equity lever, the packages
and competing offers all measure equity per year as grants and refreshers vesting in years
1-4, divided by 4; so an ask for the band's p75 lands at p75 on the benchmark's own measure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerlab.negotiate import MarketBand, Percentiles, plan_negotiation
from offerlab.negotiate.equity import equity_per_year
from offerlab.negotiate.plan import ROUNDING, annual_figures
from offerlab.offers import evaluate, load_offer
from tests.negotiate.builders import google, lever, microsoft
from tests.negotiate.fakes import MSFT_62, FakeMarket


def market_with_stock(p75: int, p90: int) -> FakeMarket:
    stock = Percentiles(*(Decimal(v) for v in (p75 // 4, p75 // 2, p75 * 3 // 4, p75, p90)))
    band = MarketBand(
        n=50,
        currency="USD",
        base=MSFT_62.base,
        stock=stock,
        bonus=MSFT_62.bonus,
        total=MSFT_62.total,
        filters={"company": "Microsoft", "level": "62"},
    )
    return FakeMarket(places={("Microsoft", "62", None): band})


def test_meta_e5_target_lands_at_p75_of_the_benchmark(examples: Path) -> None:
    meta = load_offer(examples / "meta-e5-menlo-park.toml")
    band = MarketBand(
        n=66,
        currency="USD",
        base=MSFT_62.base,
        stock=Percentiles(*(Decimal(v) for v in (100630, 138366, 167716, 195669, 232902))),
        bonus=MSFT_62.bonus,
        total=MSFT_62.total,
    )
    plan = plan_negotiation(meta, FakeMarket(places={("Meta", "E5", None): band}))
    equity = lever(plan, "equity")
    # The grant alone is 105,000 a year; with the refreshers vesting in years 2-4, 138,750.
    assert equity.initial.amount == Decimal(138750)
    assert plan.benchmark.offer_annual["stock"] == equity.initial
    target = annual_figures(plan.package("target").evaluation)["stock"].amount
    assert abs(target - Decimal(195669)) <= ROUNDING / 2
    rerun = plan_negotiation(
        plan.package("target").offer, FakeMarket(places={("Meta", "E5", None): band})
    )
    assert rerun.benchmark.percentiles["equity"] == Decimal("75.0")
    assert equity.grant_ask is not None
    assert equity.grant_ask.amount == Decimal(648000)  # (195,669 - 33,750) x 4, to the thousand
    stretch = annual_figures(plan.package("stretch").evaluation)["stock"].amount
    assert stretch <= Decimal(232902)


def test_competing_equity_counts_refreshers_too() -> None:
    rival = google(
        equity=[{"value": 200000, "schedule": "google"}],
        refreshers={"annual_value": 80000, "first_year": 2},
    )
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[rival])
    entry = plan.competing[0]
    assert entry.annual_equity == equity_per_year(evaluate(rival))
    assert entry.annual_equity.amount > Decimal(50000)  # the grant alone would give 50,000


schedules = st.sampled_from(["microsoft", "google", "amazon", "meta", "standard"])


@st.composite
def offers(draw: st.DrawFn) -> Any:
    grants = [
        {"value": draw(st.integers(20, 200)) * 1000, "schedule": draw(schedules)}
        for _ in range(draw(st.integers(0, 2)))
    ]
    refreshers = draw(
        st.one_of(
            st.none(),
            st.builds(lambda v: {"annual_value": v * 1000}, st.integers(5, 60)),
            st.builds(lambda p: {"pct_of_initial": p}, st.integers(5, 40)) if grants else st.none(),
        )
    )
    return microsoft(equity=grants, refreshers=refreshers)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers(), st.integers(30, 250), st.integers(5, 150))
def test_target_equity_is_the_bands_p75_on_the_benchmarks_measure(
    offer: Any, p75_k: int, spread_k: int
) -> None:
    p75, p90 = p75_k * 1000, (p75_k + spread_k) * 1000
    plan = plan_negotiation(offer, market_with_stock(p75, p90))
    assert plan.benchmark.band is not None
    initial = plan.benchmark.offer_annual["stock"].amount
    equity = lever(plan, "equity")
    assert equity.initial.amount == initial  # the lever measures as the benchmark does
    target = annual_figures(plan.package("target").evaluation)["stock"].amount
    stretch = annual_figures(plan.package("stretch").evaluation)["stock"].amount
    assert equity.ask.amount == target
    assert equity.stretch.amount == stretch
    if initial < p75 - ROUNDING:
        assert abs(target - p75) <= ROUNDING / 2
    else:
        assert target == initial or abs(target - p75) <= ROUNDING / 2
    if initial < p90:
        assert stretch <= p90  # asked at p90, never above it
    assert initial <= target <= stretch
