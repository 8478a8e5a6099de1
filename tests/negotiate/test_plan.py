"""The negotiation planner on a fixed market: rules, invariants, packages and reports."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.errors import ProblemsError
from offerlab.negotiate import (
    Lever,
    NoMarket,
    Profile,
    load_profile,
    percentile_of,
    plan_html,
    plan_json,
    plan_markdown,
    plan_negotiation,
)
from offerlab.offers import Component, dump_offer_toml, load_offer
from tests.negotiate.builders import google, lever, microsoft, usd
from tests.negotiate.fakes import MSFT_62, FakeMarket


def test_percentile_of_interpolates_between_band_points() -> None:
    assert MSFT_62.base is not None
    assert percentile_of(Decimal(172000), MSFT_62.base) == 50
    assert percentile_of(Decimal(178500), MSFT_62.base) == Decimal("62.5")
    assert percentile_of(Decimal(75000), MSFT_62.base) == 5
    assert percentile_of(Decimal(500000), MSFT_62.base) == 100


def test_seed_l62_initial_without_competing_offers(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-initial.toml")
    plan = plan_negotiation(offer, FakeMarket())
    base = lever(plan, "base")
    assert (base.ask, base.stretch) == (usd(185000), usd(200000))
    equity = lever(plan, "equity")
    assert (equity.initial, equity.ask, equity.stretch) == (usd(50000), usd(60000), usd(80000))
    assert (equity.grant_ask, equity.grant_stretch) == (usd(240000), usd(320000))
    signing = lever(plan, "signing")
    assert (signing.ask, signing.stretch) == (usd(40000), usd(50000))
    assert "nothing to cover" in signing.reason
    assert plan.lever("level").ask == "62"
    assert plan.benchmark.percentiles == {
        "base": Decimal("65.4"),
        "equity": Decimal("58.3"),
        "total": Decimal("68.3"),
    }


def test_band_is_widened_step_by_step_and_says_why(examples: Path) -> None:
    market = FakeMarket()
    offer = load_offer(examples / "msft-l62-initial.toml")
    plan = plan_negotiation(offer, market)
    # location, then specialty; the ML/AI title is carried by the specialty tag.
    assert [t.n for t in plan.benchmark.tried] == [3, 3, 120]
    assert plan.benchmark.query is not None
    assert plan.benchmark.query.location is None
    assert market.queries[0].specialty == "ML / AI"  # the ML/AI title picks the specialty band
    assert market.queries[0].title is None
    assert "dropped location, specialty" in plan.benchmark.why
    assert "matched by the ML / AI tag" in plan.benchmark.why
    assert "3 records" in plan.benchmark.why

    other = FakeMarket()
    swe = plan_negotiation(microsoft(title="Senior Software Engineer"), other)
    assert [q.title for q in other.queries] == ["Senior Software Engineer"] * 2 + [None]
    assert "dropped location, title" in swe.benchmark.why

    narrow = plan_negotiation(offer, FakeMarket(location_band=True))
    assert narrow.benchmark.why.startswith("the narrowest band had enough records")


def test_base_above_p90_keeps_its_value_as_the_ask() -> None:
    plan = plan_negotiation(microsoft(base=230000), FakeMarket())
    base = lever(plan, "base")
    assert base.ask == usd(230000)
    assert base.stretch == usd(230000)
    assert "already above the band's p90" in base.reason


def test_competing_base_above_p90_moves_the_stretch_only() -> None:
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[google(base=215000)])
    base = lever(plan, "base")
    assert base.ask == usd(200000)  # the band's top
    assert base.stretch == usd(215000)  # the competing base
    assert plan.leverage is not None
    assert plan.leverage.offer.display_name == "Google L5"
    assert plan.competing[0].mapped_level == "63"


def test_equity_follows_the_competing_offer_when_it_pays_more() -> None:
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[google()])
    equity = lever(plan, "equity")
    assert equity.ask == usd(90000)  # 360,000 on Google's schedule, per year over four years
    assert equity.grant_ask == usd(360000)


def test_signing_covers_forfeited_equity_against_staying() -> None:
    profile = Profile(unvested_equity=Decimal(70000))
    plan = plan_negotiation(microsoft(), FakeMarket(), profile=profile)
    signing = lever(plan, "signing")
    assert signing.ask == usd(70000)
    assert signing.stretch == usd(88000)  # 70,000 x 1.25, rounded to the thousand
    assert "forfeits 70,000" in signing.reason


def test_a_current_base_alone_stands_for_current_pay() -> None:
    """``current_base`` (documented in the profile) counts when ``current_total`` is absent:
    the total is at least the base, so a Year-1 gap to it is a gap to current pay."""
    high = Decimal(1_000_000)
    with_base = lever(
        plan_negotiation(microsoft(), FakeMarket(), profile=Profile(current_base=high)),
        "signing",
    )
    with_total = lever(
        plan_negotiation(microsoft(), FakeMarket(), profile=Profile(current_total=high)),
        "signing",
    )
    assert with_base.ask == with_total.ask > usd(0)
    assert with_base.driver == "current"
    both = Profile(current_base=high, current_total=Decimal(1))
    assert lever(plan_negotiation(microsoft(), FakeMarket(), profile=both), "signing").ask < (
        with_total.ask
    )


def test_signing_covers_the_year1_gap_to_the_competing_offer() -> None:
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[google()])
    signing = lever(plan, "signing")
    target = plan.package("target").evaluation
    # Year 1 of the target package before signing, and the competing offer's Year 1.
    before = target.year1_total - target.year(1)[Component.SIGNING]
    gap = plan.competing[0].evaluation.year1_total - before
    assert signing.ask == usd(79000)
    assert abs((signing.ask - gap).amount) <= 500


def test_level_ask_when_experience_reaches_the_next_level() -> None:
    profile = Profile(years_of_experience=Decimal(7), degree="phd")
    plan = plan_negotiation(microsoft(), FakeMarket(), profile=profile)
    level = plan.lever("level")
    assert (level.initial, level.ask, level.stretch) == ("62", "63", "63")
    assert "55,000 a year more" in level.reason  # the bands' medians: 290,000 - 235,000

    junior = plan_negotiation(microsoft(), FakeMarket(), profile=Profile(years_of_experience=4))
    assert junior.lever("level").ask == "62"


def test_no_market_data_still_plans_from_competing_offers() -> None:
    plan = plan_negotiation(microsoft(), NoMarket(), competing=[google()])
    assert plan.benchmark.band is None
    assert lever(plan, "base").ask == usd(195000)
    assert lever(plan, "equity").ask == usd(90000)
    assert any("No market band was found" in note for note in plan.notes)
    data = plan_json(plan)
    assert data["benchmark"]["band"] is None
    assert data["benchmark"]["percentiles"] == {"base": None, "equity": None, "total": None}


def test_json_contract_and_determinism(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-initial.toml")
    first = plan_json(plan_negotiation(offer, FakeMarket(), competing=[google()]))
    second = plan_json(plan_negotiation(offer, FakeMarket(), competing=[google()]))
    assert first == second
    assert set(first["benchmark"]["percentiles"]) == {"base", "equity", "total"}
    assert set(first["packages"]) == {"initial", "target", "stretch"}
    for package in first["packages"].values():
        assert {"year1_total", "annualized_total", "four_year_total"} <= set(package)
    assert [item["lever"] for item in first["levers"]] == ["base", "equity", "signing", "level"]
    for item in first["levers"]:
        assert {"lever", "ask", "stretch", "reason", "script"} <= set(item)
        assert item["script"]
    assert first["packages"]["initial"]["year1_total"] == 297000


def test_every_package_total_is_what_offer_show_gives(tmp_path: Path, examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-initial.toml")
    plan = plan_negotiation(offer, FakeMarket(), competing=[google()])
    data = plan_json(plan)
    runner = CliRunner()
    for name in ("initial", "target", "stretch"):
        path = tmp_path / f"{name}.toml"
        path.write_text(dump_offer_toml(plan.package(name).offer))
        result = runner.invoke(app, ["offer", "show", str(path), "--json"])
        assert result.exit_code == 0, result.stderr
        shown = json.loads(result.stdout)
        for key in ("year1_total", "annualized_total", "four_year_total"):
            assert shown[key] == data["packages"][name][key]


def test_markdown_and_html_reports(examples: Path) -> None:
    offer = load_offer(examples / "msft-l62-initial.toml")
    hostile = google(name="<script>alert(1)</script>")
    plan = plan_negotiation(offer, FakeMarket(), competing=[hostile])
    markdown = plan_markdown(plan)
    assert "| **Year-1 total** | **297,000** |" in markdown
    assert "## Email draft" in markdown
    html = plan_html(plan)
    assert 'id="packages-chart"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'src="http' not in html  # the chart's JavaScript is embedded, not fetched


def test_profile_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "me.toml"
    path.write_text('years_of_experience = 6\ndegree = "phd"\nfavourite_colour = "blue"\n')
    with pytest.raises(ProblemsError) as caught:
        load_profile(path)
    assert "favourite_colour: unknown key" in caught.value.lines()[0]
    path.write_text('years_of_experience = 6\ndegree = "phd"\ndeadline = 2026-12-01\n')
    assert load_profile(path).effective_years == 9


amounts = st.integers(min_value=50, max_value=400).map(lambda k: k * 1000)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Any, list[Any], Profile]:
    offer = microsoft(
        base=draw(amounts),
        signing=draw(
            st.one_of(
                st.none(),
                st.builds(lambda a: {"amount": a}, amounts),
                st.builds(lambda a, b: {"payments": [a, b]}, amounts, amounts),
            )
        ),
        equity=draw(
            st.lists(
                st.builds(lambda v: {"value": v * 4, "schedule": "microsoft"}, amounts), max_size=2
            )
        ),
    )
    rivals = [
        google(base=draw(amounts), equity=[{"value": draw(amounts) * 4, "schedule": "google"}])
        for _ in range(draw(st.integers(0, 2)))
    ]
    profile = Profile(
        years_of_experience=Decimal(draw(st.integers(0, 20))),
        unvested_equity=Decimal(draw(st.integers(0, 200)) * 1000),
        current_total=Decimal(draw(amounts)),
    )
    return offer, rivals, profile


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.booleans())
def test_stretch_at_least_target_at_least_initial(
    scenario: tuple[Any, list[Any], Profile], with_market: bool
) -> None:
    offer, rivals, profile = scenario
    market = FakeMarket() if with_market else NoMarket()
    plan = plan_negotiation(offer, market, competing=rivals, profile=profile)
    for item in plan.levers:
        if isinstance(item, Lever):
            assert item.initial <= item.ask <= item.stretch
    initial, target, stretch = (
        plan.package(n).evaluation for n in ("initial", "target", "stretch")
    )
    for year in range(1, 5):
        for component in Component:
            low = initial.year(year)[component]
            assert low <= target.year(year)[component] <= stretch.year(year)[component]
    # A target base above the band's p90 only with a competing base above it, or an initial
    # base already there.
    band_top = Decimal(200000)
    if with_market and target.offer.base > band_top:
        assert offer.base >= band_top or any(r.base > band_top for r in rivals)


def test_a_passed_deadline_is_flagged_and_left_out_of_the_email() -> None:
    from datetime import date

    profile = Profile(deadline=date(2026, 12, 1), unvested_equity=Decimal(50000))
    ahead = plan_negotiation(microsoft(), FakeMarket(), profile=profile, today=date(2026, 11, 1))
    assert any("Answer by 2026-12-01" in note for note in ahead.notes)
    assert "before 2026-12-01" in plan_json(ahead)["email"]
    passed = plan_negotiation(microsoft(), FakeMarket(), profile=profile, today=date(2026, 12, 2))
    assert any("has passed" in note for note in passed.notes)
    assert "2026-12-01" not in plan_json(passed)["email"]
