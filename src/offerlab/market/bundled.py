"""Bundled bands: statistics derived from real records, shipped with the package.

``data/market/derived_levelsfyi_2017_2021.json`` is written by ``scripts/derive_market_data.py``
from the levels.fyi records of 2017-2021 (see that file's attribution). Each band is a group of
at least five records: company x normalised level, alone or split by metro, by country, by
specialty, or by metro and specialty. Amounts are yearly USD as the records state them (stock is
the yearly value of the grant); percentiles are NumPy's linear interpolation over the records
that report the component (> 0). These answer a bands query when no imported record matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from offerlab.errors import NotFoundError
from offerlab.market.normalize import (
    canonical_company,
    canonical_country,
    canonical_metro,
    level_order,
    normalize_level,
)
from offerlab.market.normalize import (
    specialty as canonical_specialty,
)
from offerlab.market.stats import COMPONENTS, PERCENTILES, ComponentBand, Percentiles

__all__ = [
    "BUNDLED_FILE",
    "BundledBand",
    "BundledGrowth",
    "BundledMeta",
    "LevelMedian",
    "all_bundled_bands",
    "bundled_band",
    "bundled_bands",
    "bundled_growth",
    "bundled_meta",
    "company_bundled_bands",
    "level_medians_2022",
    "medians_2022_meta",
]

BUNDLED_FILE = "derived_levelsfyi_2017_2021.json"
MEDIANS_2022_FILE = "derived_levelsfyi_2022_medians.json"


@dataclass(frozen=True, slots=True)
class BundledBand:
    """One precomputed band. ``metro``/``country``/``specialty`` None = not split by it.

    ``n`` counts every record of the group; a component reported by fewer than five of them
    has no percentiles (None). Years are medians over the records that state them.
    """

    company: str
    level: str
    metro: str | None
    country: str | None
    specialty: str | None
    n: int
    first: date
    last: date
    median_date: date
    median_years_experience: Decimal | None
    median_years_at_company: Decimal | None
    base: ComponentBand | None
    stock: ComponentBand | None
    bonus: ComponentBand | None
    total: ComponentBand | None
    source: str
    currency: str = "USD"

    def component(self, name: str) -> ComponentBand | None:
        """The band of ``"base"``, ``"stock"``, ``"bonus"`` or ``"total"`` (None: fewer than
        five records report it)."""
        if name not in COMPONENTS:
            raise KeyError(name)
        value: ComponentBand | None = getattr(self, name)
        return value

    def points(self, name: str) -> Percentiles | None:
        """The percentiles of component ``name`` (None: fewer than five records report it)."""
        part = self.component(name)
        return None if part is None else part.values


@dataclass(frozen=True, slots=True)
class BundledGrowth:
    """Comp growth measured from the bundled records (0.018 = 1.8 % a year) and how."""

    rate: Decimal
    method: str


@dataclass(frozen=True, slots=True)
class BundledMeta:
    """Where the bundled bands come from, for the sources registry."""

    source: str
    attribution: str
    url: str
    file: str
    rows_read: int
    min_n: int
    method: str
    bands: int
    checks: dict[str, int]


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


@cache
def _document() -> dict[str, Any]:
    text = resources.files("offerlab.data").joinpath("market", BUNDLED_FILE).read_text("utf-8")
    document: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return document


def _percentiles(row: dict[str, Any], name: str) -> ComponentBand | None:
    if row[f"{name}_p50"] is None:
        return None
    points = Percentiles(*(Decimal(row[f"{name}_p{p}"]) for p in PERCENTILES))
    return ComponentBand(int(row[f"{name}_n"]), points)


def _band(row: dict[str, Any], source: str) -> BundledBand:
    return BundledBand(
        company=row["company"],
        level=row["level"],
        metro=row["metro"],
        country=row["country"],
        specialty=row["specialty"],
        n=int(row["n"]),
        first=date.fromisoformat(row["first"]),
        last=date.fromisoformat(row["last"]),
        median_date=date.fromisoformat(row["median_date"]),
        median_years_experience=_decimal(row["median_years_experience"]),
        median_years_at_company=_decimal(row["median_years_at_company"]),
        base=_percentiles(row, "base"),
        stock=_percentiles(row, "stock"),
        bonus=_percentiles(row, "bonus"),
        total=_percentiles(row, "total"),
        source=source,
    )


@cache
def _rows_by_company() -> dict[str, list[list[Any]]]:
    """The raw rows of the file, by company, in the file's order (cheap; no objects yet)."""
    rows: dict[str, list[list[Any]]] = {}
    for values in _document()["bands"]:
        rows.setdefault(values[0], []).append(values)
    return rows


@cache
def _company_bands(company: str) -> tuple[BundledBand, ...]:
    """The bands of one canonical company, built on first use."""
    document = _document()
    columns: list[str] = document["columns"]
    source: str = document["source"]
    return tuple(
        _band(dict(zip(columns, values, strict=True)), source)
        for values in _rows_by_company().get(company, [])
    )


def all_bundled_bands() -> tuple[BundledBand, ...]:
    """Every bundled band, in the file's order (company, level, metro, country, specialty)."""
    return tuple(band for company in _rows_by_company() for band in _company_bands(company))


def company_bundled_bands(company: str) -> tuple[BundledBand, ...]:
    """Every bundled band of ``company`` (any spelling the rules know)."""
    return _company_bands(canonical_company(company))


def bundled_growth() -> BundledGrowth | None:
    """The yearly comp-growth rate measured from the records behind the bundled bands."""
    growth = _document().get("growth") or {}
    if growth.get("rate") is None:
        return None
    return BundledGrowth(Decimal(str(growth["rate"])), str(growth["method"]))


def bundled_meta() -> BundledMeta:
    """Attribution and method of the bundled bands."""
    document = _document()
    return BundledMeta(
        source=document["source"],
        attribution=document["attribution"],
        url=document["url"],
        file=document["file"],
        rows_read=int(document["rows_read"]),
        min_n=int(document["min_n"]),
        method=document["method"],
        bands=len(document["bands"]),
        checks={str(k): int(v) for k, v in document.get("checks", {}).items()},
    )


def _level_rank(band: BundledBand) -> tuple[str, int, str]:
    try:
        order = level_order(band.company)
    except NotFoundError:
        order = []
    rank = order.index(band.level) if band.level in order else len(order)
    return (band.company, rank, band.level)


def bundled_bands(
    company: str | None = None,
    level: str | None = None,
    metro: str | None = None,
    specialty: str | None = None,
    country: str | None = None,
) -> list[BundledBand]:
    """Bundled bands matching a query, ordered by company then ladder.

    ``company`` and ``level`` (any spelling the rules know) narrow the answer; None means any.
    ``metro``, ``country`` and ``specialty`` select the split: None means the band over all
    metros/countries/specialties, a name (any alias) the band for that one only.
    """
    want_company = canonical_company(company) if company is not None else None
    want_level = None
    if level is not None:
        key = want_company or ""
        want_level = normalize_level(key, level) if want_company else level.strip()
        if want_level is None:
            return []
    want_metro = (canonical_metro(metro) or metro.strip()) if metro is not None else None
    want_country = (canonical_country(country) or country.strip()) if country else None
    want_specialty = canonical_specialty(specialty) if specialty is not None else None
    if specialty is not None and want_specialty is None:
        return []
    pool = all_bundled_bands() if want_company is None else _company_bands(want_company)
    found = [
        band
        for band in pool
        if (want_company is None or band.company == want_company)
        and (want_level is None or band.level == want_level)
        and band.metro == want_metro
        and band.country == want_country
        and band.specialty == want_specialty
    ]
    return sorted(found, key=_level_rank)


def bundled_band(
    company: str,
    level: str,
    location: str | None = None,
    specialty: str | None = None,
) -> BundledBand | None:
    """The one bundled band for a bands query, or None when there is none (n < 5 or unknown).

    ``location`` is a metro, a country, or a city that lies in one metro; a city answers with
    its metro's band (``band.metro`` says which), since the bundled data is not split by city.
    A location the bundled data cannot place (a region, an unknown city) gives None.
    """
    metro = country = None
    if location is not None:
        metro = canonical_metro(location)
        if metro is None:
            country = canonical_country(location)
            if country is None:
                return None
    found = bundled_bands(company, level, metro=metro, specialty=specialty, country=country)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class LevelMedian:
    """A 2022 software-engineer median per company and level (levels.fyi company pages).

    ``listed_as`` is the level as the page listed it; amounts are yearly USD medians (n unknown).
    """

    company: str
    level: str
    listed_as: str
    total: Decimal
    base: Decimal
    stock: Decimal
    bonus: Decimal
    source: str


@cache
def _medians_document() -> dict[str, Any]:
    folder = resources.files("offerlab.data").joinpath("market", MEDIANS_2022_FILE)
    document: dict[str, Any] = json.loads(folder.read_text("utf-8"), parse_float=Decimal)
    return document


@cache
def _all_medians() -> tuple[LevelMedian, ...]:
    document = _medians_document()
    columns: list[str] = document["columns"]
    medians = []
    for values in document["bands"]:
        row = dict(zip(columns, values, strict=True))
        medians.append(
            LevelMedian(
                company=row["company"],
                level=row["level"],
                listed_as=row["listed_as"],
                total=Decimal(row["total"]),
                base=Decimal(row["base"]),
                stock=Decimal(row["stock"]),
                bonus=Decimal(row["bonus"]),
                source=document["source"],
            )
        )
    return tuple(medians)


def level_medians_2022(company: str | None = None) -> list[LevelMedian]:
    """The 2022 per-level medians, of one company (any spelling) or of all."""
    if company is None:
        return list(_all_medians())
    name = canonical_company(company)
    return [m for m in _all_medians() if m.company == name]


def medians_2022_meta() -> dict[str, str]:
    """Source, attribution, URL and file of the 2022 medians."""
    document = _medians_document()
    return {key: str(document[key]) for key in ("source", "attribution", "url", "file")}
