"""Bundled bands: the shipped file matches a direct NumPy computation on the real records."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from offerlab.encoding import to_object
from offerlab.market.bundled import (
    BUNDLED_FILE,
    all_bundled_bands,
    bundled_band,
    bundled_bands,
    bundled_meta,
)
from offerlab.market.normalize import (
    canonical_company,
    location_matches,
    normalize_level,
    parse_location,
    specialty,
)
from offerlab.market.stats import COMPONENTS

ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = ROOT / "src" / "offerlab" / "data" / "market" / BUNDLED_FILE
COLUMNS = {"base": "basesalary", "stock": "stockgrantvalue", "bonus": "bonus",
           "total": "totalyearlycompensation"}  # fmt: skip


def _script() -> ModuleType:
    path = ROOT / "scripts" / "derive_market_data.py"
    spec = importlib.util.spec_from_file_location("derive_market_data", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive_market_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def records() -> list[dict[str, str]]:
    path = ROOT.parent / "shared" / "data" / "levels_fyi_salaries_2017_2021.csv"
    if not path.is_file():
        pytest.skip(f"the real data file {path} is absent (it sits beside the repo in CI)")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _direct(rows: list[dict[str, str]], name: str) -> dict[str, Decimal]:
    """p10..p90 of a component, straight from the CSV with NumPy (reported = amount > 0)."""
    values = []
    for row in rows:
        text = row[COLUMNS[name]].strip()
        if text and text != "NA" and float(text) > 0:
            values.append(float(text))
    points = np.percentile(np.array(values), [10, 25, 50, 75, 90])
    return {
        f"p{p}": Decimal(str(round(float(x), 2))).normalize()
        for p, x in zip((10, 25, 50, 75, 90), points, strict=True)
    }


def _same(band_value: Decimal, direct: Decimal) -> bool:
    return band_value.normalize() == direct


def test_file_is_small_and_attributed() -> None:
    assert DATA_FILE.stat().st_size < 2_000_000
    meta = bundled_meta()
    assert "levels.fyi" in meta.attribution
    assert "danielyinanc/harvardx-kaggle-stem-salaries" in meta.attribution
    assert meta.rows_read == 62642
    assert meta.min_n == 5
    assert all(band.n >= 5 for band in all_bundled_bands())


def test_microsoft_62_matches_numpy_on_the_csv(records: list[dict[str, str]]) -> None:
    rows = [
        r
        for r in records
        if r["company"].strip()
        and canonical_company(r["company"]) == "Microsoft"
        and normalize_level("Microsoft", r["level"]) == "62"
    ]
    # The same group by a hand-written filter on the raw values.
    raw = [
        r
        for r in records
        if r["company"].strip().casefold() in {"microsoft", "microsoft corporation", "msft"}
        and normalize_level("Microsoft", r["level"]) == "62"
    ]
    assert len(rows) == len(raw) == 795
    band = bundled_band("Microsoft", "62")
    assert band is not None
    assert band.n == len(rows)
    for name in COMPONENTS:
        pct = band.points(name)
        assert pct is not None
        direct = _direct(rows, name)
        assert {f"p{p}": v.normalize() for p, v in pct.points()} == direct, name
    ages = [float(r["yearsofexperience"]) for r in rows if r["yearsofexperience"] != "NA"]
    assert band.median_years_experience == Decimal(str(np.median(ages))).normalize()


def test_microsoft_62_ml_ai_seattle_matches_numpy(records: list[dict[str, str]]) -> None:
    rows = [
        r
        for r in records
        if r["company"].strip()
        and canonical_company(r["company"]) == "Microsoft"
        and normalize_level("Microsoft", r["level"]) == "62"
        and specialty(r["tag"], r["title"]) == "ML / AI"
        and location_matches(parse_location(r["location"]), "Seattle metro")
    ]
    band = bundled_band("Microsoft", "L62", "Seattle metro", "ml/ai")
    assert band is not None
    assert (band.metro, band.specialty) == ("Seattle metro", "ML / AI")
    assert band.n == len(rows) == 49
    for name in COMPONENTS:
        pct = band.points(name)
        assert pct is not None
        assert {f"p{p}": v.normalize() for p, v in pct.points()} == _direct(rows, name)


def test_queries() -> None:
    redmond = bundled_band("microsoft corporation", "L62", "Redmond")
    assert redmond is not None
    assert redmond.metro == "Seattle metro"  # the bundled data is split by metro, not city
    india = bundled_band("Microsoft", "62", "India")
    assert india is not None
    assert india.country == "India"
    assert india.total is not None
    assert redmond.total is not None
    assert india.total.values is not None
    assert redmond.total.values is not None
    assert india.total.values.p50 < redmond.total.values.p50
    assert bundled_band("Microsoft", "62", "Atlantis") is None
    assert bundled_band("Microsoft", "L3") is None
    assert bundled_band("Initech", "L3") is None
    ladder = [b.level for b in bundled_bands("Microsoft")]
    assert ladder[:4] == ["59", "60", "61", "62"]
    assert {b.company for b in bundled_bands(level="L5")} >= {"Google", "Amazon"}
    data = to_object(redmond)
    assert set(data) >= {"n", "base", "stock", "bonus", "total", "source"}
    assert set(data["base"]) == {"n", "values"}
    assert set(data["base"]["values"]) == {"p10", "p25", "p50", "p75", "p90"}


def test_script_derives_percentiles_from_a_small_file(tmp_path: Path) -> None:
    module = _script()
    header = (
        "timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,"
        "yearsatcompany,tag,basesalary,stockgrantvalue,bonus\n"
    )
    lines = [header]
    bases = [100, 110, 0, 130, 140, 150]  # 0 = not reported
    for i, base in enumerate(bases):
        lines.append(
            f"6/{i + 1}/2020 10:00:00,microsoft,L62,Software Engineer,{base + 50},"
            f'"Redmond, WA",{i},1,ML / AI,{base},30,20\n'
        )
    (tmp_path / "levels_fyi_salaries_2017_2021.csv").write_text("".join(lines))
    document = module.derive(tmp_path / "levels_fyi_salaries_2017_2021.csv")
    rows = [dict(zip(document["columns"], row, strict=True)) for row in document["bands"]]
    overall = next(
        r for r in rows if r["metro"] is None and r["country"] is None and r["specialty"] is None
    )
    assert (overall["company"], overall["level"], overall["n"]) == ("Microsoft", "62", 6)
    assert overall["base_n"] == 5
    expected = np.percentile([100, 110, 130, 140, 150], [10, 25, 50, 75, 90])
    got = [overall[f"base_p{p}"] for p in (10, 25, 50, 75, 90)]
    assert got == [pytest.approx(float(x)) for x in expected]
    assert overall["median_years_experience"] == 2.5
    assert (overall["first"], overall["last"]) == ("2020-06-01", "2020-06-06")
    assert overall["median_date"] == "2020-06-03"
    assert document["growth"]["rate"] is None  # one year only: no growth can be measured
    keys = {(r["metro"], r["country"], r["specialty"]) for r in rows}
    assert keys == {
        (None, None, None),
        ("Seattle metro", None, None),
        (None, "United States", None),
        (None, None, "ML / AI"),
        ("Seattle metro", None, "ML / AI"),
    }
    json.dumps(document)  # serialisable as it is written


def test_growth_is_measured_with_the_mix_held_fixed() -> None:
    from offerlab.market.bundled import bundled_growth

    growth = bundled_growth()
    assert growth is not None
    # Within company x level x metro the records grow by about 2% a year (2017-2021).
    assert Decimal("0.005") < growth.rate < Decimal("0.05")
    assert "company x level x metro" in growth.method
