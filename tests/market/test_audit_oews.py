"""The guides' claims tested against BLS OEWS, checked against pandas on the shared file."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from offerlab.market.audit import audit
from offerlab.market.audit_oews import oews_findings, percentile_position
from offerlab.market.oews import shipped_table
from offerlab.market.sources import seed_guide


def _frame(oews_csv) -> pd.DataFrame:
    frame = pd.read_csv(oews_csv, dtype=str, keep_default_na=False)
    return frame[(frame["NAICS"] == "000000") & (frame["OCC_CODE"] == "15-1252")]


def _value(frame: pd.DataFrame, area: str, column: str) -> Decimal:
    return Decimal(frame[frame["AREA_TITLE"] == area].iloc[0][column])


def test_the_seattle_premium_agrees_and_names_oews(oews_csv):
    frame = _frame(oews_csv)
    (finding,) = [
        f
        for f in oews_findings(seed_guide("seed-002-ai-engineers-editorial-2026"))
        if f.check == "place-premium"
    ]
    seattle = _value(frame, "Seattle-Tacoma-Bellevue, WA", "A_MEAN")
    national = _value(frame, "National", "A_MEAN")
    measured = ((seattle / national - 1) * 100).quantize(Decimal("0.1"))
    assert measured == Decimal("18.1")
    assert finding.computed[0].value == measured
    assert finding.severity == "agrees-with-data"
    assert finding.message.startswith("agrees: the guide states 15–25 %")
    assert (finding.evidence or "").startswith("BLS OEWS May 2025: Software Developers (15-1252)")
    assert "Seattle-Tacoma-Bellevue, WA" in (finding.evidence or "")
    assert [f.value for f in finding.stated] == [Decimal(15), Decimal(25)]


def test_the_twelve_percent_uplift_disagrees(oews_csv):
    frame = _frame(oews_csv)
    (finding,) = [
        f for f in oews_findings(seed_guide("seed-000-valenx-2026")) if f.check == "place-uplift"
    ]
    areas = [
        "Seattle-Tacoma-Bellevue, WA",
        "San Francisco-Oakland-Fremont, CA",
        "San Jose-Sunnyvale-Santa Clara, CA",
        "New York-Newark-Jersey City, NY-NJ",
        "Boston-Cambridge-Newton, MA-NH",
        "Austin-Round Rock-San Marcos, TX",
    ]
    employment = [_value(frame, a, "TOT_EMP") for a in areas]
    medians = [_value(frame, a, "A_MEDIAN") for a in areas]
    weighted = sum((e * m for e, m in zip(employment, medians, strict=True)), Decimal(0))
    combined = weighted / sum(employment, Decimal(0))
    national = _value(frame, "National", "A_MEDIAN")
    expected = ((combined / national - 1) * 100).quantize(Decimal("0.1"))
    assert finding.computed[0].value == expected == Decimal("29.9")
    assert finding.severity == "disagrees-with-data"
    assert "12 %" in finding.message
    assert "BLS OEWS May 2025" in (finding.evidence or "")


def test_base_ranges_against_the_metro_p75_p90(oews_csv):
    frame = _frame(oews_csv)
    p75 = _value(frame, "Seattle-Tacoma-Bellevue, WA", "A_PCT75")
    p90 = _value(frame, "Seattle-Tacoma-Bellevue, WA", "A_PCT90")
    findings = {
        f.subject: f
        for f in oews_findings(seed_guide("seed-001-negotiation-guide"))
        if f.check == "base-vs-metro"
    }
    assert findings["Microsoft 61-62 base"].severity == "agrees-with-data"  # 165-230K
    assert findings["Microsoft 59-60 base"].severity == "disagrees-with-data"  # 125-175K < p75
    assert findings["Microsoft 65+ base"].severity == "disagrees-with-data"  # 280K > p90
    assert "above p90" in findings["Microsoft 65+ base"].message
    for finding in findings.values():
        assert [f.value for f in finding.computed[:2]] == [p75, p90]
        assert (finding.evidence or "").startswith("BLS OEWS May 2025")


def test_percentile_positions_interpolate_between_published_points():
    seattle = shipped_table().get("0042660", "15-1252")
    assert seattle is not None
    # p50 167,280 and p75 211,860: 189,570 is half way, p62.5 -> p62 (half even)
    assert percentile_position(Decimal(189570), seattle) == "p62"
    assert percentile_position(Decimal(167280), seattle) == "p50"
    assert percentile_position(Decimal(90000), seattle) == "below p10"
    assert percentile_position(Decimal(300000), seattle) == "above p90"


def test_market_audit_includes_the_oews_findings():
    checks = {f.check for f in audit() if f.evidence}
    assert checks == {"place-premium", "place-uplift", "base-vs-metro"}
    assert all(f.evidence is None for f in audit() if f.check == "package-total")
