"""The registry of market sources, and the seed guides' tables as typed data.

A source is where figures come from: a career guide whose tables were carried into
``data/market/sources/*.toml`` (kind ``seed-guide``), statistics derived from real records and
bundled (``derived-records``), or a file a user imported into the store (``imported``, listed
by the store). Amounts are USD :class:`~decimal.Decimal`; percentages are percent (15 = 15%).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal

from offerlab.errors import NotFoundError
from offerlab.market.bundled import bundled_meta, level_medians_2022, medians_2022_meta

__all__ = [
    "CuratedMapping",
    "GuideBand",
    "GuideClaim",
    "GuideLevel",
    "GuidePackage",
    "GuideStep",
    "LocationClaim",
    "Range",
    "SeedGuide",
    "Source",
    "SourceKind",
    "curated_equivalents",
    "get_source",
    "seed_guide",
    "seed_guides",
    "sources",
]

SourceKind = Literal["seed-guide", "derived-records", "imported"]


@dataclass(frozen=True, slots=True)
class Source:
    """One source of market figures: who published it, when, under what licence, where."""

    name: str
    title: str
    publisher: str
    date: str
    licence: str
    location: str
    kind: SourceKind
    description: str = ""


@dataclass(frozen=True, slots=True)
class Range:
    """A stated range [low, high] (low == high for a single figure); ``open_high`` for "+"."""

    low: Decimal
    high: Decimal
    text: str = ""
    open_high: bool = False

    def contains(self, value: Decimal) -> bool:
        return self.low <= value and (self.open_high or value <= self.high)

    @property
    def single(self) -> bool:
        return self.low == self.high and not self.open_high


@dataclass(frozen=True, slots=True)
class GuideLevel:
    """A level as the guide names it, and the canonical levels it covers (may be none)."""

    name: str
    title: str
    canonical: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class GuideBand:
    """One row of a guide's compensation table, as stated. Yearly USD unless named otherwise."""

    level: str
    total: Range
    base: Range | None = None
    rsu_grant: Range | None = None  # the whole grant, vesting over the guide's rsu_years
    stock_per_year: Range | None = None
    bonus_pct: Range | None = None  # percent of base
    bonus_amount: Decimal | None = None  # a stated bonus amount (median)
    bonus_text: str = ""
    signing: Range | None = None


@dataclass(frozen=True, slots=True)
class GuidePackage:
    """A worked package: the stated parts and the totals the guide gives for it."""

    scenario: str
    name: str
    level: str
    base: Decimal
    rsu_grant: Decimal
    bonus_pct: Decimal
    signing: Decimal
    stated_total: Decimal
    stated_total_text: str
    stated_rsu_per_year: Decimal | None = None
    stated_bonus: Decimal | None = None
    stated_year1: Decimal | None = None
    stated_year1_text: str = ""
    stated_increase: Decimal | None = None
    stated_increase_text: str = ""


@dataclass(frozen=True, slots=True)
class GuideStep:
    """A stated increase in yearly total from one level to the next."""

    from_level: str
    to_level: str
    increase: Range


@dataclass(frozen=True, slots=True)
class GuideClaim:
    """A stated statistic: the ``statistic`` of ``component`` at ``level`` is above ``above``."""

    level: str
    component: str
    statistic: str
    above: Decimal
    text: str


@dataclass(frozen=True, slots=True)
class LocationClaim:
    """A stated pay difference between places: base pay in ``places`` (offerlab metros) is
    ``low_pct``-``high_pct`` percent above the ``compared_with`` figure (``national``)."""

    subject: str
    places: tuple[str, ...]
    compared_with: str
    low_pct: Decimal
    high_pct: Decimal
    text: str


@dataclass(frozen=True, slots=True)
class CuratedMapping:
    """One row of a curated level-mapping table (levels of ``company`` -> other companies)."""

    company: str
    level: str
    label: str
    equivalents: Mapping[str, tuple[str, ...]]
    years: Range


@dataclass(frozen=True, slots=True)
class SeedGuide:
    """A career guide's tables, carried as facts with attribution."""

    source: Source
    company: str
    specialty: str | None
    currency: str
    total_label: str
    total_definition: str
    loose_total: bool
    rsu_years: int | None
    levels: tuple[GuideLevel, ...]
    bands: tuple[GuideBand, ...]
    packages: tuple[GuidePackage, ...] = ()
    steps: tuple[GuideStep, ...] = ()
    claims: tuple[GuideClaim, ...] = ()
    mapping: tuple[CuratedMapping, ...] = field(default=())
    location_claims: tuple[LocationClaim, ...] = ()

    def level(self, name: str) -> GuideLevel:
        for level in self.levels:
            if level.name == name:
                return level
        raise NotFoundError(f"{self.source.name} has no level {name!r}")


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


def _range(data: Mapping[str, Any], key: str, *, open_high: bool = False) -> Range | None:
    if key not in data:
        return None
    low, high = data[key]
    text = str(data.get(f"{key}_text", ""))
    return Range(_dec(low), _dec(high), text, open_high)


def _opt(data: Mapping[str, Any], key: str) -> Decimal | None:
    return _dec(data[key]) if key in data else None


_KINDS: frozenset[str] = frozenset({"seed-guide", "derived-records", "imported"})


def _guide(data: dict[str, Any]) -> SeedGuide:
    if data["kind"] not in _KINDS:
        raise ValueError(f"source {data['name']!r}: kind {data['kind']!r} is not one of {_KINDS}")
    source = Source(
        name=data["name"],
        title=data["title"],
        publisher=data["publisher"],
        date=data["date"],
        licence=data["licence"],
        location=data["location"],
        kind=data["kind"],
        description=f"{data['company']} compensation table"
        + (f" ({data['specialty']})" if data.get("specialty") else ""),
    )
    levels = tuple(
        GuideLevel(x["name"], x["title"], tuple(x["canonical"]), x.get("note", ""))
        for x in data["levels"]
    )
    bands = []
    for row in data["bands"]:
        total = _range(row, "total", open_high=bool(row.get("open_high", False)))
        assert total is not None
        bands.append(
            GuideBand(
                level=row["level"],
                total=total,
                base=_range(row, "base"),
                rsu_grant=_range(row, "rsu_grant"),
                stock_per_year=_range(row, "stock_per_year"),
                bonus_pct=_range(row, "bonus_pct"),
                bonus_amount=_opt(row, "bonus_median"),
                bonus_text=str(row.get("bonus_text", "")),
                signing=_range(row, "signing"),
            )
        )
    packages = tuple(
        GuidePackage(
            scenario=p["scenario"],
            name=p["name"],
            level=p["level"],
            base=_dec(p["base"]),
            rsu_grant=_dec(p["rsu_grant"]),
            bonus_pct=_dec(p["bonus_pct"]),
            signing=_dec(p["signing"]),
            stated_total=_dec(p["stated_total"]),
            stated_total_text=p["stated_total_text"],
            stated_rsu_per_year=_opt(p, "stated_rsu_per_year"),
            stated_bonus=_opt(p, "stated_bonus"),
            stated_year1=_opt(p, "stated_year1"),
            stated_year1_text=p.get("stated_year1_text", ""),
            stated_increase=_opt(p, "stated_increase"),
            stated_increase_text=p.get("stated_increase_text", ""),
        )
        for p in data.get("packages", [])
    )
    steps = []
    for s in data.get("steps", []):
        increase = _range(s, "increase")
        assert increase is not None
        steps.append(GuideStep(s["from_level"], s["to_level"], increase))
    claims = tuple(
        GuideClaim(c["level"], c["component"], c["statistic"], _dec(c["above"]), c["text"])
        for c in data.get("claims", [])
    )
    mapping = []
    for m in data.get("mapping", []):
        years = _range(m, "years")
        assert years is not None
        equivalents = {
            key: tuple(value)
            for key, value in m.items()
            if isinstance(value, list) and key not in {"years"}
        }
        mapping.append(CuratedMapping(data["company"], m["level"], m["label"], equivalents, years))
    location_claims = tuple(
        LocationClaim(
            c["subject"],
            tuple(c["places"]),
            c["compared_with"],
            _dec(c["low_pct"]),
            _dec(c["high_pct"]),
            c["text"],
        )
        for c in data.get("location_claims", [])
    )
    rsu_years = data.get("rsu_years")
    return SeedGuide(
        source=source,
        company=data["company"],
        specialty=data.get("specialty"),
        currency=data["currency"],
        total_label=data["total_label"],
        total_definition=data["total_definition"],
        loose_total=bool(data["loose_total"]),
        rsu_years=int(rsu_years) if rsu_years is not None else None,
        levels=levels,
        bands=tuple(bands),
        packages=packages,
        steps=tuple(steps),
        claims=claims,
        mapping=tuple(mapping),
        location_claims=location_claims,
    )


@cache
def seed_guides() -> tuple[SeedGuide, ...]:
    """The bundled seed guides, in file-name order."""
    folder = resources.files("offerlab.data").joinpath("market", "sources")
    files = sorted(
        (item for item in folder.iterdir() if item.name.endswith(".toml")), key=lambda i: i.name
    )
    return tuple(_guide(tomllib.loads(item.read_text("utf-8"))) for item in files)


def seed_guide(name: str) -> SeedGuide:
    """The seed guide called ``name``. Unknown name: NotFoundError listing the known ones."""
    for guide in seed_guides():
        if guide.source.name == name:
            return guide
    known = ", ".join(g.source.name for g in seed_guides())
    raise NotFoundError(f"no seed guide {name!r}; known: {known}")


@cache
def _derived_source() -> Source:
    meta = bundled_meta()
    return Source(
        name=meta.source,
        title="Data Science and STEM Salaries (levels.fyi records, Kaggle)",
        publisher="levels.fyi (self-reported records); republished on Kaggle",
        date="2017-06-07..2021-08-17",
        licence="not stated; derived statistics only, with attribution",
        location=meta.url,
        kind="derived-records",
        description=(
            f"{meta.bands} bands (n >= {meta.min_n}) derived from {meta.rows_read:,} records "
            f"({meta.file}) by scripts/derive_market_data.py"
        ),
    )


@cache
def _medians_source() -> Source:
    meta = medians_2022_meta()
    medians = level_medians_2022()
    companies = len({m.company for m in medians})
    return Source(
        name=meta["source"],
        title="levels.fyi software-engineer medians per company and level (2022)",
        publisher="levels.fyi company pages; scraped by josalvatorre/levels-fyi-scraper",
        date="2022",
        licence="MIT (the scraper repository)",
        location=meta["url"],
        kind="derived-records",
        description=f"{len(medians)} level medians of {companies} companies ({meta['file']})",
    )


def sources(extra: Iterable[Source] = ()) -> list[Source]:
    """Every bundled source (seed guides, then derived records), then ``extra`` (imported)."""
    return [*(g.source for g in seed_guides()), _derived_source(), _medians_source(), *extra]


def get_source(name: str, extra: Iterable[Source] = ()) -> Source:
    """The source called ``name`` (case-insensitive). Unknown: NotFoundError with the names."""
    known = sources(extra)
    for source in known:
        if source.name.casefold() == name.strip().casefold():
            return source
    names = ", ".join(s.name for s in known)
    raise NotFoundError(f"no source {name!r}; known sources: {names}")


def curated_equivalents(
    from_company: str, from_level: str, to_company: str
) -> list[tuple[SeedGuide, CuratedMapping, tuple[str, ...]]]:
    """The curated mappings that place ``from_company:from_level`` at ``to_company``.

    Each answer is (guide, mapping row, the levels at ``to_company`` the row names). Tables are
    read both ways: a row "Microsoft 61 = Google L5" places Google L5 at Microsoft 61 too.
    """
    found: list[tuple[SeedGuide, CuratedMapping, tuple[str, ...]]] = []
    for guide in seed_guides():
        for row in guide.mapping:
            if row.company == from_company and row.level == from_level:
                levels = row.equivalents.get(to_company, ())
                if levels:
                    found.append((guide, row, levels))
            elif row.company == to_company and from_level in row.equivalents.get(from_company, ()):
                found.append((guide, row, (row.level,)))
    return found
