"""Promotion raises by component: base by the levels' median bases, bonus by their median
bonuses, refreshers by their median stock; capped at the smaller ratio of the two bundled data
sets and never below 1; a component without medians keeps its terms."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.market.levels import component_medians
from offerlab.offers import offer_from_mapping
from offerlab.offers.model import Offer
from offerlab.scenarios import career
from offerlab.scenarios.career import PromotionPlan, market_promotions, market_raises, project

RECORDS = "levels.fyi records 2017-2021 (Kaggle)"
PAGES = "levels.fyi company pages 2022 (scraped)"


def _meta_e5(**extra: object) -> Offer:
    """The issue's Meta E5 offer."""
    return offer_from_mapping(
        {
            "name": "Meta E5",
            "company": "Meta",
            "title": "Software Engineer",
            "level": "E5",
            "location": "Menlo Park, CA",
            "base": Decimal(228000),
            "bonus_target_pct": Decimal(15),
            "signing": {"payments": [Decimal(50000), Decimal(25000)]},
            "equity": [{"value": Decimal(420000), "schedule": "meta"}],
            "refreshers": {"annual_value": Decimal(90000), "first_year": 2},
            **extra,
        }
    )


def _ratio(pct: Decimal | None) -> Decimal:
    assert pct is not None
    return 1 + pct / 100


def test_meta_e5_e6_e7_each_component_by_its_own_ratio() -> None:
    medians = component_medians("Meta")
    records, pages = medians[RECORDS], medians[PAGES]
    # The figures the data holds (yearly USD medians), so the expectations below are plain.
    assert records["E5"] == {"base": 190000, "stock": 125000, "bonus": 30000}
    assert pages["E6"] == {"base": 230000, "stock": 298000, "bonus": 50000}
    up = market_raises("Meta", "E5", "E6")
    # Each ratio is the smaller of the two data sets'.
    assert _ratio(up["base"].pct) == Decimal(230000) / Decimal(197000)  # vs 222/190
    assert _ratio(up["bonus"].pct) == Decimal(50000) / Decimal(35000)  # vs 45/30 = 1.5
    assert _ratio(up["stock"].pct) == Decimal(298000) / Decimal(156000)  # vs 250/125 = 2
    up = market_raises("Meta", "E6", "E7")
    assert _ratio(up["base"].pct) == Decimal(261000) / Decimal(222000)  # vs 271/230
    assert _ratio(up["bonus"].pct) == Decimal(65000) / Decimal(45000)  # vs 74/50
    assert _ratio(up["stock"].pct) == Decimal(450000) / Decimal(250000)  # vs 574/298


def test_meta_projection_moves_each_component_at_each_promotion() -> None:
    offer = _meta_e5()
    path = project(offer, years=10)
    assert [(p.year, p.level) for p in path.promotions] == [(4, "E6"), (8, "E7")]
    for promotion in path.promotions:
        before, after = path.years[promotion.year - 2], path.years[promotion.year - 1]
        raises = promotion.raises
        base_factor = after.parts["base"].amount / before.parts["base"].amount
        bonus_factor = after.parts["bonus"].amount / before.parts["bonus"].amount
        assert base_factor == pytest.approx(_ratio(raises["base"].pct))
        assert bonus_factor == pytest.approx(_ratio(raises["bonus"].pct))
        # The old rule raised base by the ratio of median totals (E5 -> E6: +47%).
        assert base_factor < Decimal("1.2")
    # Refreshers: the yearly grant moves by the stock ratio. Meta vests a grant quarterly
    # over 4 years, so a year's refresher income is a sixteenth of each of the last four
    # grants, four vests each; year 4 has the grants of years 2 and 3 (90,000) and the first
    # grant at E6, year 5 adds a second one.
    e6 = Decimal(90000) * _ratio(path.promotions[0].raises["stock"].pct)
    assert path.years[3].parts["refresher"].amount == pytest.approx((2 * 90000 + e6) / 4)
    assert path.years[4].parts["refresher"].amount == pytest.approx((2 * 90000 + 2 * e6) / 4)
    # The bonus stays a percent of base between promotions, a higher one after each.
    pct = [y.parts["bonus"].amount / y.parts["base"].amount * 100 for y in path.years]
    assert pct[0] == pytest.approx(15)
    assert 18 < pct[3] < 19
    assert 22 < pct[7] < 23


def test_microsoft_ladder_raises_and_a_falling_median_is_no_cut(examples: Path) -> None:
    up = market_raises("Microsoft", "62", "63")
    assert _ratio(up["base"].pct) == Decimal(162000) / Decimal(148000)
    assert _ratio(up["bonus"].pct) == Decimal(25000) / Decimal(19000)
    assert _ratio(up["stock"].pct) == Decimal(25000) / Decimal(20000)
    # 59 -> 60: median stock and bonus fall in both data sets (the mix of people at each
    # level, not a pay cut): no raise, never a cut.
    down = market_raises("Microsoft", "59", "60")
    assert down["stock"].pct == 0
    assert down["bonus"].pct == 0
    assert "does not cut pay" in down["stock"].basis
    assert down["base"].pct is not None
    assert down["base"].pct > 0
    offer = offer_from_mapping(
        {
            "company": "Microsoft",
            "title": "SDE",
            "level": "59",
            "location": "Redmond, WA",
            "base": Decimal(120000),
            "bonus_target_pct": Decimal(10),
            "refreshers": {"annual_value": Decimal(20000), "first_year": 1},
        }
    )
    promotions, notes = market_promotions(offer, 30)
    assert [p.level for p in promotions] == ["60", "61", "62", "63", "64", "65", "66", "67", "68"]
    assert notes == ["the market data has no medians for Microsoft 69: promotions stop there"]
    path = project(offer, years=4)
    # Promoted to 60 in year 3: the bonus keeps its amount, refreshers their size (a
    # year's refresher income is a quarter of each of the grants so far, 6.25% a quarter).
    assert path.promotions[0].year == 3
    assert path.years[2].parts["bonus"].amount == path.years[1].parts["bonus"].amount
    assert path.years[2].parts["refresher"].amount == pytest.approx(Decimal(15000))


def test_a_component_without_medians_keeps_its_terms() -> None:
    # Amazon L8: the records have no bonus median (too few report one) and the 2022 pages
    # say 0: no bonus ratio, so the bonus stays the same percent of base.
    up = market_raises("Amazon", "L7", "L8")
    assert up["bonus"].pct is None
    assert "no median bonus" in up["bonus"].basis
    assert up["base"].pct is not None
    assert up["stock"].pct is not None


def test_a_ladder_with_missing_component_data(monkeypatch: pytest.MonkeyPatch) -> None:
    # One data set only, with no stock median at the upper level and no bonus at the lower.
    medians = {
        RECORDS: {
            "E5": {"base": Decimal(200000), "stock": Decimal(100000)},
            "E6": {"base": Decimal(240000), "bonus": Decimal(40000)},
        }
    }
    monkeypatch.setattr(career, "component_medians", lambda company: medians)
    up = market_raises("Meta", "E5", "E6")
    assert up["base"].pct == pytest.approx(Decimal(20))
    assert "the smaller" not in up["base"].basis  # one data set: nothing to cap against
    assert up["bonus"].pct is None
    assert up["stock"].pct is None
    path = project(_meta_e5(), years=5)
    promotion = path.promotions[0]
    before, after = path.years[promotion.year - 2], path.years[promotion.year - 1]
    # Base up 20%; the bonus stays 15% of base (so up 20% too); refreshers keep their size.
    assert after.parts["base"].amount == pytest.approx(before.parts["base"].amount * Decimal("1.2"))
    assert after.parts["bonus"].amount / after.parts["base"].amount == pytest.approx(
        Decimal("0.15")
    )
    later = path.years[promotion.year].parts["refresher"].amount
    assert later == pytest.approx(Decimal(90000))  # four 90,000 grants, a quarter each a year


def test_a_level_without_base_medians_stops_the_promotions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    medians = {RECORDS: {"E5": {"base": Decimal(200000)}, "E6": {"stock": Decimal(1)}}}
    monkeypatch.setattr(career, "component_medians", lambda company: medians)
    promotions, notes = market_promotions(_meta_e5(), 10)
    assert promotions == []
    assert notes == ["the market data has no medians for Meta E6: promotions stop there"]


def test_promotions_file_sets_the_bonus_target_and_keeps_market_ratios_for_the_rest() -> None:
    plan = PromotionPlan.model_validate(
        {"promotion": [{"year": 3, "level": "E6", "raise_pct": 10, "bonus_target_pct": 20}]}
    )
    path = project(_meta_e5(), years=4, plan=plan)
    year3 = path.years[2]
    assert year3.parts["base"].amount == pytest.approx(Decimal(228000) * Decimal("1.1"))
    assert year3.parts["bonus"].amount == pytest.approx(year3.parts["base"].amount / 5)
    stock = path.promotions[0].raises["stock"]
    assert stock.pct == market_raises("Meta", "E5", "E6")["stock"].pct


def test_career_json_lists_each_components_raise(examples: Path) -> None:
    result = CliRunner().invoke(
        app, ["career", "project", str(examples / "msft-l62-target.toml"), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    first = data["promotions"][0]
    assert set(first["raises"]) == {"base", "bonus", "stock"}
    assert first["raise_pct"] == pytest.approx(first["raises"]["base"]["pct"])
    assert first["raises"]["base"]["pct"] == pytest.approx((162000 / 148000 - 1) * 100)
    assert "2022 pages" in first["raises"]["base"]["basis"]
