"""Derive the bundled market statistics from the real records in ../shared/data.

Also carries the 2022 per-level medians (``levels_fyi_swe_level_medians_2022.json``) into
``derived_levelsfyi_2022_medians.json`` with their levels normalised.

Reads ``levels_fyi_salaries_2017_2021.csv`` (levels.fyi records republished as the Kaggle data
set "Data Science and STEM Salaries", taken from danielyinanc/harvardx-kaggle-stem-salaries;
licence of the data unstated) and writes ``src/offerlab/data/market/derived_levelsfyi_2017_2021
.json``: for each group of records (company x normalised level, alone and crossed with metro,
country and specialty) with at least ``MIN_N`` records, the record count, the p10/p25/p50/p75/p90
of base, stock per year, bonus and total, and the median years of experience and at company.
No record is copied: only these statistics.

Percentiles are NumPy's default (linear interpolation) over the records of the group that
report the component (amount > 0; a base of 0 means "not reported" in this file). A component
reported by fewer than ``MIN_N`` records of the group has no percentiles (null). Years are
medians over the records that state them (NA excluded; 0 is a real value).

Run from the repository root: ``.venv/bin/python scripts/derive_market_data.py``. The output is
deterministic (sorted keys, fixed rounding to cents), so running it twice changes nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from offerlab.market.normalize import (
    canonical_company,
    normalize_level,
    parse_location,
    specialty,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
RECORDS = "levels_fyi_salaries_2017_2021.csv"
OUTPUT = ROOT / "src" / "offerlab" / "data" / "market" / "derived_levelsfyi_2017_2021.json"
MIN_N = 5
COMPONENTS = {
    "base": "basesalary",
    "stock": "stockgrantvalue",
    "bonus": "bonus",
    "total": "totalyearlycompensation",
}
PERCENTILES = (10, 25, 50, 75, 90)
SOURCE = "levels.fyi records 2017-2021 (Kaggle)"

COLUMNS = [
    "company",
    "level",
    "metro",
    "country",
    "specialty",
    "n",
    "first",
    "last",
    "median_date",
    "median_years_experience",
    "median_years_at_company",
    *(
        column
        for name in COMPONENTS
        for column in (f"{name}_n", *(f"{name}_p{p}" for p in PERCENTILES))
    ),
]

Key = tuple[str, str, str | None, str | None, str | None]  # company, level, metro, country, tag


def _number(text: str) -> float | None:
    text = text.strip()
    if not text or text.upper() == "NA":
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def _date(timestamp: str) -> str:
    month, day, year = timestamp.split()[0].split("/")
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _check(row: dict[str, str], checks: dict[str, int]) -> None:
    """Count the records whose stated total is not the sum of their stated parts."""
    base, stock, bonus, total = (_number(row[c]) for c in COMPONENTS.values())
    if base is None or base <= 0 or stock is None or bonus is None or total is None:
        return
    checks["records_with_all_parts"] += 1
    gap = abs(total - (base + stock + bonus))
    if gap > 1000:
        checks["total_not_sum"] += 1
    if total > 0 and gap > total / 10:
        checks["total_not_sum_10pct"] += 1


def read_groups(path: Path) -> tuple[dict[Key, list[dict[str, Any]]], int, dict[str, int]]:
    """Records grouped by every key they belong to; the number of rows read; checks."""
    groups: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    checks = {"records_with_all_parts": 0, "total_not_sum": 0, "total_not_sum_10pct": 0}
    rows = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            _check(row, checks)
            if not row["company"].strip():
                continue
            company = canonical_company(row["company"])
            level = normalize_level(company, row["level"])
            if level is None:
                continue
            place = parse_location(row["location"])
            tag = specialty(row["tag"], row["title"])
            record = {
                "date": _date(row["timestamp"]),
                "yoe": _number(row["yearsofexperience"]),
                "yac": _number(row["yearsatcompany"]),
                **{name: _number(row[column]) for name, column in COMPONENTS.items()},
            }
            # company x level, alone and crossed with metro, with country, with specialty,
            # and with metro and specialty together (country x specialty is left out: size).
            for metro, country in {(None, None), (place.metro, None), (None, place.country)}:
                for spec in {None, tag} if country is None else {None}:
                    groups[(company, level, metro, country, spec)].append(record)
    return groups, rows, checks


def _round(value: float) -> float | int:
    """Cents at most; whole amounts written without a fraction (smaller file, same value)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


def _percentiles(values: Iterable[float | None]) -> dict[str, float | int] | None:
    reported = np.array([v for v in values if v is not None and v > 0], dtype=float)
    if reported.size < MIN_N:
        return None
    points = np.percentile(reported, PERCENTILES)
    return {f"p{p}": _round(x) for p, x in zip(PERCENTILES, points, strict=True)}


def _median(values: Iterable[float | None]) -> float | int | None:
    stated = np.array([v for v in values if v is not None and v >= 0], dtype=float)
    return _round(np.median(stated)) if stated.size else None


def _median_date(dates: Iterable[str]) -> str:
    """The median of ISO dates (the lower middle one for an even count: a real record date)."""
    ordered = sorted(dates)
    return ordered[(len(ordered) - 1) // 2]


#: A year needs this many records in a group to count towards that group's growth.
GROWTH_MIN_PER_YEAR = 10


def _growth(groups: dict[Key, list[dict[str, Any]]]) -> dict[str, Any]:
    """Comp growth measured from the records with their mix held fixed.

    Within each company x level x metro group, the median total of each calendar year with
    enough records gives a log-linear least-squares slope; the rate is the median of those
    slopes weighted by the records behind them. The median of all records by year is kept as
    evidence: it falls, because later records are more junior and more often outside the US,
    not because pay fell.
    """
    slopes: list[float] = []
    weights: list[int] = []
    everyone: dict[int, list[float]] = defaultdict(list)
    for (_, _, metro, country, spec), records in groups.items():
        if metro is None and country is None and spec is None:
            for r in records:
                if r["total"] is not None and r["total"] > 0:
                    everyone[int(r["date"][:4])].append(r["total"])
        if metro is None or country is not None or spec is not None:
            continue
        by_year: dict[int, list[float]] = defaultdict(list)
        for r in records:
            if r["total"] is not None and r["total"] > 0:
                by_year[int(r["date"][:4])].append(r["total"])
        points = {
            y: float(np.median(v)) for y, v in by_year.items() if len(v) >= GROWTH_MIN_PER_YEAR
        }
        if len(points) < 2:
            continue
        years = np.array(sorted(points), dtype=float)
        logs = np.log(np.array([points[int(y)] for y in years]))
        slopes.append(float(np.polyfit(years, logs, 1)[0]))
        weights.append(sum(len(by_year[y]) for y in points))
    by_year_all = {str(y): _round(float(np.median(v))) for y, v in sorted(everyone.items())}
    if not slopes:
        return {
            "rate": None,
            "method": "no company x level x metro group has two years with enough records",
            "groups": 0,
            "all_records_median_total_by_year": by_year_all,
        }
    order = np.argsort(slopes)
    cumulative = np.cumsum(np.array(weights)[order])
    median_slope = float(np.array(slopes)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    return {
        "rate": round(math.expm1(median_slope), 6),
        "method": (
            "within each company x level x metro group, a log-linear least-squares fit of the "
            f"median total by calendar year (years with {GROWTH_MIN_PER_YEAR}+ records); the "
            f"rate is the median of the {len(slopes)} groups' slopes weighted by their records"
        ),
        "groups": len(slopes),
        "all_records_median_total_by_year": by_year_all,
    }


def derive(path: Path) -> dict[str, Any]:
    """The bundled data document: attribution, then one entry per group with n >= MIN_N."""
    groups, rows, checks = read_groups(path)
    rows_out: list[list[Any]] = []
    for key in sorted(groups, key=lambda k: tuple("" if part is None else part for part in k)):
        records = groups[key]
        if len(records) < MIN_N:
            continue
        row: list[Any] = [
            *key,
            len(records),
            min(r["date"] for r in records),
            max(r["date"] for r in records),
            _median_date(r["date"] for r in records),
            _median(r["yoe"] for r in records),
            _median(r["yac"] for r in records),
        ]
        for name in COMPONENTS:
            row.append(sum(1 for r in records if r[name] is not None and r[name] > 0))
            points = _percentiles(r[name] for r in records)
            row.extend([None] * len(PERCENTILES) if points is None else points.values())
        rows_out.append(row)
    return {
        "source": SOURCE,
        "attribution": (
            "Derived from levels.fyi self-reported compensation records (2017-06-07 to "
            "2021-08-17) republished as the Kaggle data set 'Data Science and STEM Salaries', "
            "taken from the public repository danielyinanc/harvardx-kaggle-stem-salaries. "
            "Licence of the data not stated; only derived statistics are shipped here."
        ),
        "url": "https://github.com/danielyinanc/harvardx-kaggle-stem-salaries",
        "file": RECORDS,
        "rows_read": rows,
        "currency": "USD",
        "min_n": MIN_N,
        "method": (
            "company and level normalised with offerlab's rules files; groups by company x "
            "level, crossed with metro or country and with specialty (null = all); "
            "percentiles: numpy.percentile, linear interpolation, over records reporting the "
            "component (> 0); years: medians over records stating them"
        ),
        "checks": checks,
        "growth": _growth(groups),
        "columns": COLUMNS,
        "bands": rows_out,
    }


MEDIANS_2022 = "levels_fyi_swe_level_medians_2022.json"
OUTPUT_2022 = OUTPUT.parent / "derived_levelsfyi_2022_medians.json"
COLUMNS_2022 = ["company", "level", "listed_as", "total", "base", "stock", "bonus"]


def derive_2022(path: Path) -> dict[str, Any]:
    """Per company and level, the 2022 software-engineer medians (already statistics).

    Company slugs lose their hyphens (``Two-Sigma`` -> ``Two Sigma``) and go through the
    company rules; a level is placed with the level rules from its name, else from the title
    listed beside it (Amazon ``SDE I``/``L4``). Rows whose level cannot be placed keep the
    listed name.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    rows: list[list[Any]] = []
    for slug, levels in data:
        company = canonical_company(slug.replace("-", " "))
        for listed, alias, _note, total, base, stock, bonus in levels:
            level = normalize_level(company, listed)
            if level is None and alias and not str(alias).startswith("("):
                level = normalize_level(company, str(alias))
            rows.append([company, level or listed, listed, total, base, stock, bonus])
    rows.sort(key=lambda r: (r[0], r[1]))
    return {
        "source": "levels.fyi company pages 2022 (scraped)",
        "attribution": (
            "Software-engineer medians per company and level from levels.fyi company pages, "
            "scraped in 2022 by the public repository josalvatorre/levels-fyi-scraper "
            "(MIT licence)."
        ),
        "url": "https://github.com/josalvatorre/levels-fyi-scraper",
        "file": MEDIANS_2022,
        "currency": "USD",
        "columns": COLUMNS_2022,
        "bands": rows,
    }


OUTPUT_FLOOR = OUTPUT.parent / "base_floor.toml"


def derive_base_floor(document: dict[str, Any]) -> str:
    """``base_floor.toml``: by country, the lowest p10 of base over the company bands of the
    derived records (all metros, not split by specialty), USD; offers/service.py judges a
    yearly base by it without loading the whole derived file."""
    columns: list[str] = document["columns"]
    at = {name: columns.index(name) for name in ("country", "metro", "specialty", "base_p10")}
    least: dict[str, float] = {}
    for row in document["bands"]:
        country, p10 = row[at["country"]], row[at["base_p10"]]
        if country is None or row[at["metro"]] is not None or row[at["specialty"]] is not None:
            continue
        if p10 is not None:
            least[country] = min(least.get(country, p10), p10)
    lines = [
        "# The lowest 10th percentile of yearly base pay at any company, by country, in the",
        "# bundled levels.fyi records (derived_levelsfyi_2017_2021.json: the company bands of a",
        "# country, all metros, not split by specialty), USD: the floor offerlab judges a yearly",
        "# base by (offers/service.py). Written by scripts/derive_market_data.py.",
        f"# Source: {document['source']} ({document['url']}).",
        "",
        f"source = {json.dumps(document['source'])}",
        "",
        "[least_p10_base_usd]",
    ]
    for country in sorted(least):
        value = least[country]
        lines.append(f"{json.dumps(country)} = {int(value) if value == int(value) else value}")
    return "\n".join(lines) + "\n"


def render(document: dict[str, Any]) -> str:
    """The document as the shipped file writes it: metadata indented, one band a line."""
    head = {k: v for k, v in document.items() if k != "bands"}
    lines = [
        json.dumps(row, separators=(",", ":"), ensure_ascii=False) for row in document["bands"]
    ]
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2] + ',\n "bands": [\n'
    return text + ",\n".join(lines) + "\n ]\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the CSV")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the shipped file differs from a fresh derivation",
    )
    args = parser.parse_args()
    records = derive(args.data / RECORDS)
    outputs = [
        (args.output, render(records)),
        (OUTPUT_2022, render(derive_2022(args.data / MEDIANS_2022))),
        (OUTPUT_FLOOR, derive_base_floor(records)),
    ]
    for output, text in outputs:
        if args.check:
            current = output.read_text(encoding="utf-8") if output.exists() else ""
            if current != text:
                raise SystemExit(f"{output} is out of date: run {Path(__file__).name}")
            print(f"{output} is up to date")
            continue
        output.write_text(text, encoding="utf-8")
        print(f"{output}: {output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
