"""Competing offers: measured against the offer, cited only where they are stronger, never when
weaker overall (issue 11, defect 1: a weaker Microsoft offer was cited against a Meta offer)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerlab.negotiate import Lever, NoMarket, Profile, load_profile, plan_json, plan_negotiation
from offerlab.offers import load_offer
from tests.negotiate.builders import google, lever, microsoft, usd, words
from tests.negotiate.fakes import FakeMarket

MEASURES = ("year1_total", "annualized_total", "four_year_total")


def test_meta_e5_against_a_weaker_microsoft_63_cites_nothing(examples: Path) -> None:
    meta = load_offer(examples / "meta-e5-menlo-park.toml")
    msft = load_offer(examples / "msft-63-redmond.toml")
    profile = load_profile(examples / "profiles" / "jordan.toml")
    plan = plan_negotiation(meta, FakeMarket(), competing=[msft], profile=profile)
    (rival,) = plan.competing
    assert rival.overall == "weaker"
    assert rival.measures == dict.fromkeys(MEASURES, "weaker")
    assert plan.leverage is None
    data = plan_json(plan)
    assert data["leverage"] is None
    (entry,) = data["competing"]
    assert entry["overall"] == "weaker"
    assert entry["weaker_on"] == list(MEASURES)
    assert entry["stronger_on"] == []
    assert entry["cited_on"] == []
    assert (entry["year1_total"], data["packages"]["initial"]["year1_total"]) == (376000, 417200)
    text = words(plan)
    assert "Microsoft" not in text
    assert "would close that gap" in text  # the signing ask stands on the forfeited equity
    assert "$80,000 of unvested equity" in text
    assert any("weaker than this offer on every measure" in note for note in plan.notes)


def test_a_weaker_offer_is_never_cited_even_where_a_part_pays_more() -> None:
    # A higher base (190,000 against 180,000), but weaker on every total.
    rival = google(base=190000, bonus_target_pct=0, signing=None, equity=[{"value": 100000}])
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[rival])
    assert plan.competing[0].overall == "weaker"
    assert plan.competing[0].components["base"] == "stronger"
    assert lever(plan, "base").ask == usd(185000)  # the band's p75, not the competing base
    assert all(item.anchor is None for item in plan.levers if isinstance(item, Lever))
    assert "Google" not in words(plan)


def test_a_stronger_offer_is_the_leverage_and_is_cited_only_where_it_is_stronger() -> None:
    # Stronger on every total, but its base (170,000) is below the offer's 180,000.
    rival = google(base=170000, equity=[{"value": 600000, "schedule": "google"}])
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[rival])
    (entry,) = plan.competing
    assert entry.overall == "stronger"
    assert plan.leverage is entry
    assert plan_json(plan)["leverage"] == "Google L5"
    base, equity = lever(plan, "base"), lever(plan, "equity")
    assert base.anchor is None
    assert equity.anchor is entry
    data = plan_json(plan)
    scripts = {item["lever"]: item["script"] for item in data["levers"]}
    assert "Google" not in scripts["base"]
    assert "Google's offer comes to $150,000 a year in equity" in scripts["equity"]
    assert "an offer from Google worth $443,500 in the first year" in data["email"]
    assert data["competing"][0]["cited_on"] == ["equity", "signing"]
    assert {i["lever"]: i["cites"] for i in data["levers"]}["base"] is None


def test_a_mixed_offer_is_cited_only_on_the_measure_where_it_is_stronger() -> None:
    # A large signing bonus: stronger in Year 1, weaker annualized and over four years.
    rival = google(
        base=150000, bonus_target_pct=0, signing={"amount": 200000}, equity=[{"value": 100000}]
    )
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[rival])
    (entry,) = plan.competing
    assert entry.overall == "mixed"
    assert entry.measures == {
        "year1_total": "stronger",
        "annualized_total": "weaker",
        "four_year_total": "weaker",
    }
    assert plan.leverage is None
    assert lever(plan, "signing").anchor is entry
    assert lever(plan, "base").anchor is None
    assert lever(plan, "equity").anchor is None
    data = plan_json(plan)
    scripts = {item["lever"]: item["script"] for item in data["levers"]}
    assert "Google's offer pays $383,000 in the first year" in scripts["signing"]
    assert "Google" not in scripts["base"] + scripts["equity"]
    assert "an offer from Google worth $383,000 in the first year" in data["email"]
    assert "to match the first year of Google's offer" in data["email"]
    assert data["competing"][0]["standing"] == (
        "mixed: stronger Year 1; weaker annualized, over four years"
    )


def test_several_competing_offers() -> None:
    weaker = google(
        name="Amazon L6", company="Amazon", level="L6", base=150000, signing=None,
        equity=[{"value": 80000}],
    )  # fmt: skip
    mixed = google(
        name="Apple ICT4", company="Apple", level="ICT4", base=150000, bonus_target_pct=0,
        signing={"amount": 200000}, equity=[{"value": 100000}],
    )  # fmt: skip
    small = google(name="Meta E5", company="Meta", level="E5")
    large = google(
        name="Netflix L5", company="Netflix", level="L5", base=260000, equity=[{"value": 400000}]
    )
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[weaker, mixed, small, large])
    assert [c.overall for c in plan.competing] == ["weaker", "mixed", "stronger", "stronger"]
    assert plan.leverage is not None
    assert plan.leverage.given.display_name == "Netflix L5"  # the highest annualized total
    text = words(plan)
    assert "Amazon" not in text
    data = plan_json(plan)
    assert data["leverage"] == "Netflix L5"
    assert [c["overall"] for c in data["competing"]] == ["weaker", "mixed", "stronger", "stronger"]
    for entry in data["competing"]:
        assert set(entry["measures"]) == set(MEASURES)
        assert set(entry["stronger_on"]) | set(entry["weaker_on"]) <= set(MEASURES)


def test_an_offer_from_the_same_company_is_named_as_the_other_offer() -> None:
    other = microsoft(
        name="Microsoft 63 Bellevue", level="63", location="Bellevue, WA", base=210000,
        equity=[{"value": 400000, "schedule": "microsoft"}],
    )  # fmt: skip
    profile = Profile(unvested_equity=Decimal(20000), specialty="LLMs")
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[other], profile=profile)
    (entry,) = plan.competing
    assert entry.same_company
    assert entry.overall == "stronger"
    text = words(plan)
    assert "the other Microsoft offer I hold (63 in Bellevue, WA)" in text
    assert "another Microsoft offer (63 in Bellevue, WA) worth" in text
    assert "Microsoft's offer" not in text
    assert "Microsoft has offered" not in text
    assert plan_json(plan)["competing"][0]["same_company"] is True


def test_two_offers_from_one_other_company_are_told_apart() -> None:
    kirkland = google(base=230000)
    mountain = google(name="Google L5 MV", location="Mountain View, CA", base=240000)
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[kirkland, mountain])
    text = words(plan)
    assert "Google's L5 in Mountain View, CA offer" in text
    assert "Google's offer" not in text


def test_an_equal_offer_is_not_cited() -> None:
    twin = microsoft(name="Twin offer", company="Contoso")
    plan = plan_negotiation(microsoft(), FakeMarket(), competing=[twin])
    assert plan.competing[0].overall == "equal"
    assert plan.leverage is None
    assert "Contoso" not in words(plan)


amounts = st.integers(min_value=50, max_value=400).map(lambda k: k * 1000)


@st.composite
def rivals(draw: st.DrawFn) -> list[Any]:
    out = []
    for index in range(draw(st.integers(1, 3))):
        out.append(
            google(
                name=f"Rival{index}",
                company=f"Rivalco{index}",
                base=draw(amounts),
                bonus_target_pct=draw(st.sampled_from([0, 10, 20])),
                signing=draw(st.one_of(st.none(), st.builds(lambda a: {"amount": a}, amounts))),
                equity=[{"value": draw(amounts) * 4, "schedule": "google"}],
            )
        )
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rivals(), st.booleans(), st.integers(0, 150))
def test_only_citable_offers_are_named_and_only_where_stronger(
    competing: list[Any], with_market: bool, unvested: int
) -> None:
    market = FakeMarket() if with_market else NoMarket()
    profile = Profile(unvested_equity=Decimal(unvested * 1000))
    plan = plan_negotiation(microsoft(), market, competing=competing, profile=profile)
    text = words(plan)
    initial = plan.package("initial").evaluation
    for rival in plan.competing:
        beats = [getattr(rival.evaluation, k) > getattr(initial, k) for k in MEASURES]
        loses = [getattr(rival.evaluation, k) < getattr(initial, k) for k in MEASURES]
        if not any(beats):
            assert rival.given.company not in text
            assert rival.overall in ("weaker", "equal")
        if all(beats):
            assert rival.overall == "stronger"
        if any(beats) and any(loses):
            assert rival.overall == "mixed"
    for item in plan.levers:
        if isinstance(item, Lever) and item.anchor is not None:
            assert item.anchor.citable
            on = {"base": "base", "equity": "equity", "signing": "year1_total"}[item.lever]
            assert item.anchor.stronger_on(on)
    if plan.leverage is not None:
        assert plan.leverage.overall == "stronger"
    else:
        assert all(c.overall != "stronger" for c in plan.competing)
