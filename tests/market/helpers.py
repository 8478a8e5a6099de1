"""Small market files written by tests, and a direct computation to check bands against."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from offerlab.market.normalize import (
    canonical_company,
    location_matches,
    normalize_level,
    parse_location,
    specialty,
)

HEADER = "company,title,tag,level,location,currency,base,stock,bonus,total,years_experience,date"


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def sample_rows(n: int = 8, company: str = "Microsoft", level: str = "62") -> list[str]:
    """``n`` good rows: base 150000 + 1000 i, stock 30000, bonus 20000, total the sum."""
    rows = []
    for i in range(n):
        base = 150000 + 1000 * i
        total = base + 50000
        rows.append(
            f'{company},Software Engineer,ML / AI,{level},"Redmond, WA",USD,{base},30000,'
            f"20000,{total},{3 + i},2021-0{1 + i % 9}-15"
        )
    return rows


def direct_band(
    csv_path: Path, company: str, level: str, tag: str, location: str
) -> dict[str, tuple[int, list[float]]]:
    """Percentiles straight from the levels.fyi CSV with NumPy: {component: (n, [p10..p90])}."""
    columns = {
        "base": "basesalary",
        "stock": "stockgrantvalue",
        "bonus": "bonus",
        "total": "totalyearlycompensation",
    }
    values: dict[str, list[float]] = {k: [] for k in columns}
    want_company = canonical_company(company)
    want_level = normalize_level(want_company, level)
    want_tag = specialty(tag)
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if canonical_company(row["company"]) != want_company:
                continue
            raw_level = None if row["level"] in ("", "NA") else row["level"]
            if normalize_level(want_company, raw_level) != want_level:
                continue
            tag_raw = None if row["tag"] in ("", "NA") else row["tag"]
            if specialty(tag_raw, row["title"]) != want_tag:
                continue
            if not location_matches(parse_location(row["location"]), location):
                continue
            for name, column in columns.items():
                text = row[column]
                if text not in ("", "NA") and float(text) > 0:
                    values[name].append(float(text))
    out = {}
    for name, found in values.items():
        points = np.percentile(np.array(found), [10, 25, 50, 75, 90]) if found else []
        out[name] = (len(found), [round(float(p), 2) for p in points])
    return out
