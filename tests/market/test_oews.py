"""Official statistics: BLS OEWS read in BLS's layout, the shipped table, titles, areas, bands.

Figures are checked against a direct pandas reading of ../shared/data/bls_oews_may2025_tech.csv.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from offerlab.errors import InputError, ProblemsError
from offerlab.market.oews import (
    REQUIRED_COLUMNS,
    area_code,
    areas_for,
    occupation_for,
    oews_bands,
    parse_oews,
    shipped_table,
)
from tests.market.xlsx import Cell, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "offerlab" / "data" / "market"
AS_OF = date(2027, 1, 4)


def _direct(csv: Path) -> pd.DataFrame:
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    return frame[frame["NAICS"] == "000000"]


def _row(frame: pd.DataFrame, area_title: str, occ: str) -> pd.Series:
    found = frame[(frame["AREA_TITLE"] == area_title) & (frame["OCC_CODE"] == occ)]
    assert len(found) == 1
    return found.iloc[0]


def test_seattle_software_developers_base_band_equals_the_file(oews_csv):
    answer = oews_bands(
        title="Machine Learning Engineer",
        tag=None,
        location="Redmond, WA",
        as_of=AS_OF,
        names_company=True,
    )
    (band,) = answer.bands
    row = _row(_direct(oews_csv), "Seattle-Tacoma-Bellevue, WA", "15-1252")
    assert band.base is not None
    assert band.base.p50 == Decimal("167280") == Decimal(row["A_MEDIAN"])
    for key, column in (("p10", "A_PCT10"), ("p25", "A_PCT25"), ("p75", "A_PCT75")):
        assert band.base.percentile(key) == Decimal(row[column])
    assert band.base.p90 == Decimal(row["A_PCT90"])
    assert band.label == (
        "Software Developers, all employers, Seattle-Tacoma-Bellevue, WA, base pay, May 2025"
    )
    assert band.kind == "official"
    assert band.measures == "base"
    assert band.n == int(row["TOT_EMP"])
    assert band.reference_date == date(2025, 5, 12)
    assert band.restated is None
    assert band.age_years == Decimal("1.65")
    # sample good (RSE 1.3%), age fair, fit poor: occupation-wide for a company query.
    assert (band.grade.sample, band.grade.age, band.grade.fit) == ("good", "fair", "poor")
    assert band.confidence == "low"
    assert "BLS.gov cannot vouch" in band.attribution


def test_the_shipped_table_equals_a_fresh_derivation(oews_csv):
    path = ROOT / "scripts" / "derive_oews.py"
    spec = importlib.util.spec_from_file_location("derive_oews", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["derive_oews"] = module
    spec.loader.exec_module(module)
    fresh = module.render(module.derive(oews_csv))
    assert (DATA / "oews_may2025_tech.json").read_text(encoding="utf-8") == fresh


def test_every_shipped_estimate_equals_the_file(oews_csv):
    frame = _direct(oews_csv)
    frame = frame[frame["OCC_CODE"] != "00-0000"]
    table = shipped_table()
    assert len(table) == len(frame) == 9291
    columns = {"p10": "A_PCT10", "p25": "A_PCT25", "p50": "A_MEDIAN", "p75": "A_PCT75"}
    columns["p90"] = "A_PCT90"
    not_released = 0
    for record in frame.itertuples(index=False):
        row = record._asdict()
        estimate = table.get(area_code(row["AREA"], int(row["AREA_TYPE"])), row["OCC_CODE"])
        assert estimate is not None
        assert estimate.area_title == row["AREA_TITLE"]
        for key, column in columns.items():
            cell = row[column]
            if cell == "*":
                assert estimate.wages[key] is None
                assert key in estimate.not_released
                not_released += 1
            else:
                assert estimate.wages[key] == Decimal(cell)
    assert not_released > 0


def test_not_released_wages_give_no_band_and_say_so(oews_csv):
    frame = _direct(oews_csv)
    hidden = frame[(frame["A_MEDIAN"] == "*") & (frame["AREA_TYPE"] == "4")].iloc[0]
    table = shipped_table()
    code = area_code(hidden["AREA"], 4)
    estimate = table.get(code, hidden["OCC_CODE"])
    assert estimate is not None
    assert estimate.wages["p50"] is None
    assert "p50" in estimate.not_released


def _bls_csv(path: Path, rows: list[list[str]], header: tuple[str, ...] = REQUIRED_COLUMNS) -> Path:
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SEATTLE = ["42660", "Seattle-Tacoma-Bellevue, WA", "4", "000000", "15-1252", "Software Developers"]


def test_top_coded_wages_are_at_least_the_top_code(tmp_path):
    path = _bls_csv(
        tmp_path / "all_data.csv",
        [[*SEATTLE, "92,770", "#", "99190", "132800", "167280", "211860", "#"]],
    )
    parsed = parse_oews(path, top_code=Decimal(239200))
    (estimate,) = parsed.estimates
    assert estimate.area == "0042660"
    assert estimate.employment == 92770
    assert estimate.top_coded == ("mean", "p90")
    assert estimate.wages["p90"] == Decimal(239200)
    assert parsed.top_coded_cells == 2
    unknown = parse_oews(path)
    assert unknown.estimates[0].wages["p90"] is None


def test_a_top_coded_band_says_at_least(tmp_path):
    from offerlab.market.oews import estimate_band

    path = _bls_csv(
        tmp_path / "all_data.csv",
        [[*SEATTLE, "92770", "174920", "99190", "132800", "167280", "211860", "#"]],
    )
    (estimate,) = parse_oews(path, top_code=Decimal(239200)).estimates
    band = estimate_band(shipped_table(), estimate, as_of=AS_OF, names_company=True)
    assert band is not None
    assert band.base is not None
    assert band.base.at_least == ("p90",)
    assert band.base.as_json()["at_least"] == ["p90"]
    assert "p90 is top-coded: at least 239,200" in " ".join(band.notes)


def test_the_xlsx_bls_publishes_reads_like_the_csv(tmp_path):
    header: list[Cell] = ["area", "area_title", "area_type", "prim_state", "naics", "naics_title"]
    header += ["occ_code", "occ_title", "o_group", "tot_emp", "emp_prse", "h_mean", "a_mean"]
    header += ["mean_prse", "a_pct10", "a_pct25", "a_median", "a_pct75", "a_pct90"]
    row: list[Cell] = ["42660", "Seattle-Tacoma-Bellevue, WA", 4, "WA"]
    row += ["000000", "Cross-industry", "15-1252", "Software Developers", "detailed", 92770]
    row += [1.9, 84.09, 174920, 1.3, 99190, 132800, 167280, 211860, 257960]
    national: list[Cell] = ["99", "U.S.", 1, "US", "000000", "Cross-industry"]
    national += ["15-1252", "Software Developers", "detailed", 1654440, 0.6, "*", "*", "*"]
    national += ["*", "*", "*", "*", "*"]
    book = write_xlsx(
        tmp_path / "all_data_M_2025.xlsx",
        {"Field descriptions": [["Field", "Description"]], "All May 2025 data": [header, row]},
    )
    sheet = book.read_bytes()
    assert sheet.startswith(b"PK")
    parsed = parse_oews(book)
    assert parsed.kind == "xlsx"
    (estimate,) = parsed.estimates
    assert estimate.wages["p50"] == Decimal(167280)
    assert estimate.mean_rse_pct == Decimal("1.3")
    assert estimate.area == "0042660"
    national_book = write_xlsx(tmp_path / "n.xlsx", {"data": [header, national]})
    (nat,) = parse_oews(national_book).estimates
    assert nat.area == "0000000"
    assert nat.wages["p50"] is None
    assert nat.not_released == ("mean", "p10", "p25", "p50", "p75", "p90")


def test_a_file_of_another_layout_names_expected_and_found_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("company,title,total\nMicrosoft,SDE,200000\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        parse_oews(path)
    message = str(caught.value)
    assert 'is not in the BLS OEWS "all data" layout' in message
    assert "missing AREA, AREA_TITLE" in message
    assert "found COMPANY, TITLE, TOTAL" in message


def test_bad_values_fail_the_whole_file_with_line_and_column(tmp_path):
    path = _bls_csv(
        tmp_path / "all_data.csv",
        [
            [*SEATTLE, "92770", "174920", "99190", "132800", "167280", "211860", "257960"],
            [*SEATTLE, "92770", "174920", "99190", "lots", "167280", "211860", "257960"],
            [*SEATTLE[:4], "15 1252", "Software", "1", "2", "3", "4", "5", "6", "7"],
        ],
    )
    with pytest.raises(ProblemsError) as caught:
        parse_oews(path)
    lines = caught.value.lines()
    assert any("line 3, A_PCT25: 'lots' is not a number" in line for line in lines)
    assert any("line 4, OCC_CODE: '15 1252' is not a SOC code" in line for line in lines)
    assert "nothing was read" in caught.value.summary


def test_reading_the_shared_file_counts_rows(oews_csv):
    parsed = parse_oews(oews_csv)
    assert parsed.rows_read == len(pd.read_csv(oews_csv, dtype=str)) == 11451
    assert parsed.cross_industry == 9874
    assert parsed.top_coded_cells == 0


@pytest.mark.parametrize(
    ("title", "soc"),
    [
        ("Machine Learning Engineer", "15-1252"),
        ("Senior ML Engineer", "15-1252"),
        ("Software Engineer", "15-1252"),
        ("SDE", "15-1252"),
        ("Data Scientist", "15-2051"),
        ("Research Scientist", "15-1221"),
        ("Applied Scientist II", "15-1221"),
        ("Data Engineer", "15-1243"),
        ("Software Engineering Manager", "11-3021"),
        ("Product Manager", ""),
    ],
)
def test_titles_map_to_soc_codes(title, soc):
    assert occupation_for(title).soc == soc


def test_no_title_assumes_software_developers_and_says_so():
    assumed = occupation_for(None)
    assert assumed.soc == "15-1252"
    assert assumed.assumed
    assert occupation_for(None, "ML / AI").soc == "15-1252"
    assert not occupation_for(None, "ML / AI").assumed


def test_an_unknown_title_names_the_file_to_extend():
    with pytest.raises(InputError, match=r"oews_titles\.toml"):
        occupation_for("Chief Vibes Officer")


def test_every_area_of_the_data_file_is_in_the_table():
    table = shipped_table()
    areas = tomllib.loads((DATA / "oews_areas.toml").read_text(encoding="utf-8"))["areas"]
    for area in areas:
        estimate = table.get(area["code"], "15-1252")
        assert estimate is not None, area["code"]
        assert estimate.area_title == area["title"]
        assert area["reasoning"]
    titles = tomllib.loads((DATA / "oews_titles.toml").read_text(encoding="utf-8"))["rules"]
    for rule in titles:
        assert rule["reasoning"]
        if rule["soc"]:
            assert table.get("0000000", rule["soc"]) is not None, rule["soc"]


@pytest.mark.parametrize(
    ("location", "titles"),
    [
        ("Redmond", ["Seattle-Tacoma-Bellevue, WA"]),
        ("Menlo Park, CA", ["San Francisco-Oakland-Fremont, CA"]),
        ("Mountain View", ["San Jose-Sunnyvale-Santa Clara, CA"]),
        ("Bay Area", ["San Francisco-Oakland-Fremont, CA", "San Jose-Sunnyvale-Santa Clara, CA"]),
        ("Stamford, CT", ["Bridgeport-Stamford-Danbury, CT"]),
        ("Spokane, WA", ["Washington"]),
        ("USA", ["National"]),
        (None, ["National"]),
    ],
)
def test_locations_map_to_oews_areas(location, titles, oews_csv):
    answer = oews_bands(
        title="Software Engineer", tag=None, location=location, as_of=AS_OF, names_company=False
    )
    assert [
        b.label.split(", all employers, ")[1].rsplit(", base pay", 1)[0] for b in answer.bands
    ] == titles
    frame = _direct(oews_csv)
    for band in answer.bands:
        place = band.label.split(", all employers, ")[1].rsplit(", base pay", 1)[0]
        assert band.base is not None
        assert band.base.p50 == Decimal(_row(frame, place, "15-1252")["A_MEDIAN"])
        assert band.match == "exact"


def test_a_place_in_no_listed_metro_gets_the_state_and_names_the_file():
    answer = oews_bands(
        title="SDE", tag=None, location="Spokane, WA", as_of=AS_OF, names_company=False
    )
    assert "oews_areas.toml" in " ".join(answer.bands[0].notes)


def test_outside_the_us_there_is_no_official_band():
    answer = oews_bands(
        title="SDE", tag=None, location="Bengaluru", as_of=AS_OF, names_company=True
    )
    assert answer.bands == ()
    assert answer.notes == ("no OEWS band: OEWS covers only the United States (Bengaluru: India)",)
    assert areas_for("London").outside == "United Kingdom"


def test_an_unplaceable_place_names_the_data_files():
    with pytest.raises(InputError, match=r"oews_areas\.toml"):
        areas_for("Springfield")
