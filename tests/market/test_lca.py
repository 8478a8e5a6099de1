"""H-1B wage filings: the DOL's LCA disclosure layout read from CSV and xlsx, certified only,
wages annualised by their unit, employers normalised; checked against pandas on the file."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from offerlab.errors import ProblemsError
from offerlab.market.lca import lca_band, parse_lca
from tests.market.xlsx import Cell, write_xlsx

SAMPLE = Path(__file__).parent / "data" / "lca_disclosure_fy2025_sample.csv"
FACTORS = {"Year": 1, "Month": 12, "Bi-Weekly": 26, "Week": 52, "Hour": 2080}


def _direct() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    frame = frame[(frame["CASE_STATUS"] == "Certified") & (frame["FULL_TIME_POSITION"] != "N")]
    wage = frame["WAGE_RATE_OF_PAY_FROM"].str.replace(r"[$,]", "", regex=True).astype(float)
    return frame.assign(ANNUAL=wage * frame["WAGE_UNIT_OF_PAY"].map(FACTORS))


def test_certified_full_time_filings_only_with_wages_annualised():
    parsed = parse_lca(SAMPLE)
    direct = _direct()
    assert len(parsed.filings) == len(direct) == 10
    report = parsed.report()
    assert report["rows_read"] == 14
    assert report["by_status"] == {
        "certified": 11,
        "certified-withdrawn": 1,
        "denied": 1,
        "withdrawn": 1,
    }
    assert report["part_time_dropped"] == 1
    wages = {f.case_number: f.wage for f in parsed.filings}
    for case, annual in zip(direct["CASE_NUMBER"], direct["ANNUAL"], strict=True):
        assert wages[case] == Decimal(repr(annual)).quantize(Decimal("0.01"))
    hourly = next(f for f in parsed.filings if f.unit == "hour")
    assert hourly.wage == Decimal("73.56") * 2080


def test_employer_names_are_normalised_with_the_company_rules():
    companies = {f.employer_raw: f.company for f in parse_lca(SAMPLE).filings}
    assert companies["MICROSOFT CORPORATION"] == "Microsoft"
    assert companies["Microsoft Corp"] == "Microsoft"
    assert companies["AMAZON.COM SERVICES LLC"] == "Amazon"
    assert companies["META PLATFORMS, INC."] == "Meta"
    assert companies["GOOGLE LLC"] == "Google"


def test_a_company_band_equals_a_direct_computation():
    parsed = parse_lca(SAMPLE)
    band = lca_band(
        parsed.filings,
        company="Microsoft",
        title="Software Engineer",
        location="Seattle metro",
        as_of=date(2026, 12, 3),
    )
    assert band is not None
    direct = _direct()
    picked = direct[
        direct["EMPLOYER_NAME"].str.casefold().str.startswith("microsoft")
        & (direct["SOC_CODE"].str[:7] == "15-1252")
    ]
    values = picked["ANNUAL"].tolist()
    assert band.n == len(values) == 6
    expected = [
        Decimal(repr(float(v))).quantize(Decimal("0.01"))
        for v in np.percentile(values, [10, 25, 50, 75, 90])
    ]
    assert band.base is not None
    assert [band.base.p10, band.base.p25, band.base.p50, band.base.p75, band.base.p90] == expected
    assert band.total is None
    assert band.measures == "base"
    assert band.match == "company"
    assert band.kind == "records"


def test_the_xlsx_file_reads_like_the_csv(tmp_path):
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        rows: list[list[Cell]] = [list(r) for r in csv.reader(handle)]
    wage = rows[0].index("WAGE_RATE_OF_PAY_FROM")
    for row in rows[1:]:  # workbooks hold wages as numbers
        text = str(row[wage]).replace("$", "").replace(",", "")
        row[wage] = float(text) if text else None
    book = write_xlsx(tmp_path / "LCA_Disclosure_Data_FY2025_Q1.xlsx", {"Sheet1": rows})
    from_xlsx = parse_lca(book)
    from_csv = parse_lca(SAMPLE)
    assert from_xlsx.kind == "xlsx"
    assert [f.wage for f in from_xlsx.filings] == [f.wage for f in from_csv.filings]
    assert [f.line for f in from_xlsx.filings] == [f.line for f in from_csv.filings]


def test_a_file_of_another_layout_names_expected_and_found_columns(tmp_path):
    old = tmp_path / "H-1B_FY2018.csv"
    old.write_text(
        "CASE_NUMBER,CASE_STATUS,CASE_SUBMITTED,EMPLOYER_NAME,JOB_TITLE,SOC_CODE,"
        "WAGE_RATE_OF_PAY_FROM,WAGE_UNIT_OF_PAY,WORKSITE_CITY,WORKSITE_STATE\n"
        "I-1,CERTIFIED,2018-01-01,X,SE,15-1132,100000,Year,Seattle,WA\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as caught:
        parse_lca(old)
    message = str(caught.value)
    assert "is not in the DOL LCA disclosure (FY2020 onward) layout" in message
    assert "missing RECEIVED_DATE, WAGE_RATE_OF_PAY_TO, PW_WAGE_LEVEL" in message
    assert "found CASE_NUMBER, CASE_STATUS, CASE_SUBMITTED" in message


def test_bad_rows_fail_the_file_and_are_listed_by_line(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    bad = [
        lines[1].replace(",Year,139797.00", ",Fortnight,139797.00"),
        lines[2].replace("175000.00", "lots"),
        lines[3].replace("2024-11-04,2024-11-04", "someday,2024-11-04"),
        lines[4].replace("Certified,", "Pending,", 1),
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([lines[0], *bad]) + "\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as caught:
        parse_lca(path)
    found = caught.value.lines()
    assert any("line 2, WAGE_UNIT_OF_PAY: 'Fortnight' is not a unit of pay" in x for x in found)
    assert any("line 3, WAGE_RATE_OF_PAY_FROM: 'lots' is not a wage" in x for x in found)
    assert any("line 4, RECEIVED_DATE: 'someday' is not a date" in x for x in found)
    assert any("line 5, CASE_STATUS: 'Pending' is not a case status" in x for x in found)
    assert "nothing was read" in caught.value.summary
