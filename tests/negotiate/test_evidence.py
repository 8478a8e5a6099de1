"""The planner and every source: the headline band, its confidence and age, and no "above
p90, keep it" on a low-confidence band alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from offerlab.market.evidence import MarketEvidence, Spread, evidence_band
from offerlab.negotiate import plan_json, plan_markdown, plan_negotiation
from tests.negotiate.builders import lever, microsoft, usd
from tests.negotiate.fakes import MSFT_62, FakeMarket

START = date(2026, 9, 1)


def _evidence(reference: date, n: int = 120) -> MarketEvidence:
    """One company-records band like MSFT_62, of records from ``reference``."""
    assert MSFT_62.base is not None
    assert MSFT_62.total is not None
    base = Spread.from_percentiles(MSFT_62.base)
    total = Spread.from_percentiles(MSFT_62.total)
    band = evidence_band(
        source="levels.fyi",
        kind="records",
        label="Microsoft 62",
        currency="USD",
        n=n,
        n_means="records",
        reference_date=reference,
        as_of=START,
        match="exact",
        base=base,
        total=total,
    )
    return MarketEvidence.of([band], as_of=START)


def test_an_old_band_never_says_above_p90_keep_it():
    offer = microsoft(base=210000)  # above MSFT_62's base p90 of 200,000
    fresh = plan_negotiation(offer, FakeMarket(evidence=_evidence(date(2026, 3, 1))))
    assert fresh.benchmark.headline is not None
    assert fresh.benchmark.headline.confidence == "high"
    assert "keep it" in lever(fresh, "base").reason
    old = plan_negotiation(offer, FakeMarket(evidence=_evidence(date(2019, 6, 1))))
    assert old.benchmark.low_confidence
    base = lever(old, "base")
    assert "keep it" not in base.reason
    assert "low confidence (7.2 years old, over 2)" in base.reason
    assert "that alone does not show the base is high" in base.reason
    assert base.ask == usd(210000)  # no ask derived from an old band either way


def test_the_plan_and_report_show_confidence_and_age():
    plan = plan_negotiation(microsoft(), FakeMarket(evidence=_evidence(date(2019, 6, 1))))
    benchmark = plan_json(plan)["benchmark"]
    assert benchmark["confidence"] == "low"
    assert benchmark["confidence_why"] == "low: 7.2 years old, over 2"
    assert benchmark["age_years"] == Decimal("7.25")
    assert benchmark["sources"][0]["source"] == "levels.fyi"
    report = plan_markdown(plan)
    assert "Confidence **low: 7.2 years old, over 2**" in report
    assert "where the offer sits above its p90, that alone does not show the offer is high" in (
        report
    )


def test_without_evidence_the_plan_is_as_before():
    plan = plan_negotiation(microsoft(), FakeMarket())
    assert plan.benchmark.evidence is None
    assert plan_json(plan)["benchmark"]["confidence"] is None
