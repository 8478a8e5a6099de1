"""Sources and the audit: seed tables as stated, contradictions with computed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offerlab.encoding import to_object
from offerlab.errors import NotFoundError
from offerlab.market.audit import Finding, audit, package_totals
from offerlab.market.bundled import level_medians_2022
from offerlab.market.sources import GuidePackage, get_source, seed_guide, sources


def test_registry() -> None:
    found = sources()
    assert [s.kind for s in found] == ["seed-guide"] * 3 + ["derived-records"] * 2
    names = {s.name for s in found}
    assert "seed-001-negotiation-guide" in names
    valenx = get_source("SEED-000-valenx-2026")
    assert (valenx.publisher, valenx.date) == ("Valenx Press", "2026-06")
    editorial = get_source("seed-002-ai-engineers-editorial-2026")
    assert (editorial.publisher, editorial.date) == ("AI Engineers Editorial", "2026-06")
    with pytest.raises(NotFoundError, match="known sources: seed-000-valenx-2026"):
        get_source("glassdoor")


def test_2022_medians() -> None:
    medians = {m.level: m for m in level_medians_2022("microsoft")}
    assert medians["62"].total == Decimal(193000)
    assert medians["59"].listed_as == "SDE"
    assert {m.level for m in level_medians_2022("Amazon")} >= {"L4", "L5", "L6", "L7"}
    assert get_source("levels.fyi company pages 2022 (scraped)").licence.startswith("MIT")


def test_seed_tables_as_stated() -> None:
    guide = seed_guide("seed-001-negotiation-guide")
    band = next(b for b in guide.bands if b.level == "61-62")
    assert band.base is not None
    assert (band.base.low, band.base.high) == (Decimal(165000), Decimal(230000))
    assert band.total.text == "$260K - $420K"
    assert guide.level("61-62").canonical == ("61", "62")
    top = next(b for b in guide.bands if b.level == "65+")
    assert top.total.open_high
    google_l5 = [row.level for row in guide.mapping if "L5" in row.equivalents["Google"]]
    assert google_l5 == ["61", "62"]
    editorial = seed_guide("seed-002-ai-engineers-editorial-2026")
    assert [lvl.canonical for lvl in editorial.levels] == [("61",), ("62",), ("63",), ("64",)]
    assert editorial.loose_total
    valenx = seed_guide("seed-000-valenx-2026")
    assert valenx.level("L3").canonical == ()
    assert valenx.level("L6").canonical == ("65", "66", "67")


def _find(findings: list[Finding], check: str, subject_part: str) -> Finding:
    matches = [f for f in findings if f.check == check and subject_part in f.subject]
    assert len(matches) == 1, [f.subject for f in findings if f.check == check]
    return matches[0]


def test_audit_finds_the_346_5k_target_package() -> None:
    findings = audit("seed-001-negotiation-guide")
    finding = _find(
        findings, "package-total", "Scenario 1: L62 Senior ML/AI Engineer Offer: Target"
    )
    assert finding.severity == "contradiction"
    assert [f.value for f in finding.stated] == [Decimal(346500)]
    assert finding.stated[0].text == "~$346.5K TC"
    computed = {f.label.split(":")[0]: f.value for f in finding.computed}
    assert computed == {
        "Year 1": Decimal(376500),
        "recurring year": Decimal(316500),
        "4-year average": Decimal(331500),
    }
    assert "4-year average convention, which gives $331.5K" in finding.message
    # The initial package (~$267K) follows the 4-year average and is not a finding.
    assert not [f for f in findings if f.check == "package-total" and "Initial" in f.subject]


def test_audit_package_cells_and_ranges() -> None:
    findings = audit("seed-001-negotiation-guide")
    stretch = _find(
        findings, "package-cell", "Scenario 1: L62 Senior ML/AI Engineer Offer: Stretch"
    )
    assert stretch.stated[0].value == Decimal(121000)
    assert stretch.computed[0].value == Decimal(119250)
    entry = _find(findings, "range-total", "59-60")
    assert [f.value for f in entry.stated] == [Decimal(160000), Decimal(260000)]
    assert Decimal(175000) in [f.value for f in entry.computed]  # Year 1 lowest
    # Rows whose total range the parts can produce are not findings.
    assert not [f for f in findings if f.check == "range-total" and "61-62" in f.subject]
    steps = [f for f in findings if f.check == "measured" and "->" in f.subject]
    assert {f.subject for f in steps} == {"Microsoft 61 -> 62", "Microsoft 62 -> 63"}


def test_audit_rows_of_seed_000_do_not_add_up() -> None:
    findings = audit("seed-000-valenx-2026")
    l3 = _find(findings, "row-total", "Microsoft L3")
    assert l3.stated[0].value == Decimal(190000)
    assert l3.computed[0].value == Decimal(184000)  # 140K + 10% bonus + 30K stock
    assert len([f for f in findings if f.check == "row-total"]) == 5
    names = _find(findings, "level-names", "L3")
    assert names.severity == "cannot-check"


def test_audit_says_a_loose_total_cannot_be_checked() -> None:
    findings = audit("seed-002-ai-engineers-editorial-2026")
    loose = [f for f in findings if f.check == "loose-total"]
    assert len(loose) == 4
    assert all(f.severity == "cannot-check" for f in loose)
    ic4 = _find(findings, "loose-total", "62 (IC4)")
    assert "a portion of equity" in ic4.message
    assert "cannot be checked" in ic4.message
    assert [f.value for f in ic4.computed] == [
        Decimal(180000),
        Decimal(205000),
        Decimal(235000),
        Decimal(260000),
    ]
    assert not [f for f in findings if f.check in {"row-total", "range-total"}]


def test_audit_of_the_records() -> None:
    findings = audit("levels.fyi records 2017-2021 (Kaggle)")
    assert [f.check for f in findings] == ["records"]
    assert findings[0].computed[0].value == Decimal(5369)
    with pytest.raises(NotFoundError):
        audit("nope")
    everything = audit()
    # Every source but the 2022 medians (no stated parts to check) has findings.
    assert {f.source for f in everything} == {s.name for s in sources()} - {
        "levels.fyi company pages 2022 (scraped)"
    }
    assert all(to_object(f)["severity"] == f.severity for f in everything)


@settings(max_examples=40, deadline=None)
@given(
    base=st.integers(50_000, 500_000),
    rsu=st.integers(0, 2_000_000),
    pct=st.integers(0, 40),
    signing=st.integers(0, 200_000),
)
def test_package_conventions_relate(base: int, rsu: int, pct: int, signing: int) -> None:
    guide = seed_guide("seed-001-negotiation-guide")
    package = GuidePackage(
        scenario="s",
        name="p",
        level="62",
        base=Decimal(base),
        rsu_grant=Decimal(rsu),
        bonus_pct=Decimal(pct),
        signing=Decimal(signing),
        stated_total=Decimal(0),
        stated_total_text="0",
    )
    totals = package_totals(guide, package)
    recurring = Decimal(base) + Decimal(rsu) / 4 + Decimal(base) * pct / 100
    assert abs(totals["recurring"] - recurring) <= Decimal("0.01")
    assert abs(totals["year1"] - (recurring + signing)) <= Decimal("0.01")
    assert abs(totals["average"] - (recurring + Decimal(signing) / 4)) <= Decimal("0.01")


def test_every_data_file_names_its_source() -> None:
    from importlib import resources

    folder = resources.files("offerlab.data").joinpath("market")
    tomls = [f for f in folder.iterdir() if f.name.endswith(".toml")]
    tomls += [f for f in folder.joinpath("sources").iterdir() if f.name.endswith(".toml")]
    # base_floor.toml: derived from the bundled records; oews_*.toml and india_roles.toml map
    # offers onto official statistics and community reports.
    assert len(tomls) == 11
    for item in tomls:
        head = item.read_text("utf-8").splitlines()[:12]
        assert head[0].startswith("#"), item.name
        assert any("Source" in line for line in head), item.name
    derived = ("derived_levelsfyi_2017_2021.json", "derived_levelsfyi_2022_medians.json")
    for name in (*derived, "oews_may2025_tech.json"):
        text = folder.joinpath(name).read_text("utf-8")
        assert '"attribution"' in text[:2000]
