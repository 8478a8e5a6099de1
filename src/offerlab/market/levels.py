"""Level ladders with their statistics, and mapping a level from one company to another.

Levels are equivalent by scope, and years of experience are the measurable proxy for scope that
every record carries, so the score of a candidate level depends on years alone: the distance
between the median years of experience of the two levels, scaled by the typical step between
adjacent levels of the target ladder, through a Gaussian kernel,

    score = exp(-(distance / step)^2 / 2)

(1 when the medians are equal, 0.61 one typical step away, 0.14 two steps away). Pay (median
yearly total, USD) is shown beside the score and never enters it: a company that pays more for
the same scope is the point of comparing. A curated mapping (a guide's table) is shown as
evidence, with a flag where it disagrees with the records.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any, Final

from offerlab.encoding import to_data
from offerlab.errors import NotFoundError
from offerlab.market.bundled import company_bundled_bands, level_medians_2022
from offerlab.market.normalize import (
    canonical_company,
    known_ladder_companies,
    level_label,
    level_order,
    normalize_level,
)
from offerlab.market.sources import curated_equivalents
from offerlab.market.stats import LevelStats

__all__ = [
    "PAY_COMPONENTS",
    "Candidate",
    "CuratedEvidence",
    "LevelMapping",
    "LevelStats",
    "bundled_level_stats",
    "company_levels",
    "component_medians",
    "default_curated",
    "map_level",
]

_MIN_STEP = Decimal(1)

#: The parts of yearly pay whose medians each level has (``stock``: equity vesting a year).
PAY_COMPONENTS: Final = ("base", "stock", "bonus")

#: Median yearly pay by data set (its source), level and component, USD.
ComponentMedians = dict[str, dict[str, dict[str, Decimal]]]


@dataclass(frozen=True, slots=True)
class CuratedEvidence:
    """A curated table's placement of the level: which source, which row, which levels."""

    source: str
    row: str
    levels: tuple[str, ...]
    years: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One level at the target company, with its score and the figures behind it."""

    level: str
    score: Decimal
    years_distance: Decimal
    median_years_experience: Decimal
    median_total: Decimal | None
    n: int
    curated: bool


@dataclass(frozen=True, slots=True)
class LevelMapping:
    """The equivalent levels of ``from_company:from_level`` at ``to_company``, best first."""

    from_company: str
    from_level: str
    to_company: str
    candidates: tuple[Candidate, ...]
    from_stats: LevelStats
    step: Decimal
    curated: tuple[CuratedEvidence, ...]
    disagreements: tuple[str, ...]
    specialty: str | None = None

    @property
    def best(self) -> Candidate:
        return self.candidates[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": f"{self.from_company}:{self.from_level}",
            "to_company": self.to_company,
            "to": to_data(self.candidates),
            "evidence": {
                "basis": "median years of experience",
                "score": "exp(-(years_distance / step)^2 / 2)",
                "step_years": self.step,
                "specialty": self.specialty,
                "from": to_data(self.from_stats),
                "curated": to_data(self.curated),
                "disagreements": list(self.disagreements),
            },
        }


def _label(company: str, level: str) -> str | None:
    try:
        label = level_label(company, level)
    except NotFoundError:
        return None
    return label if label != level else None


def bundled_level_stats(company: str, specialty: str | None = None) -> list[LevelStats]:
    """Per-level statistics of ``company`` from the bundled bands, low level first.

    Levels come in ladder order where the company has a ladder, otherwise by median years of
    experience. ``specialty`` narrows to that specialty's bands (all locations).
    """
    name = canonical_company(company)
    stats = [
        LevelStats(
            company=band.company,
            level=band.level,
            n=band.n,
            median_years_experience=band.median_years_experience,
            median_total=total.p50 if (total := band.points("total")) is not None else None,
            source=band.source,
            median_years_at_company=band.median_years_at_company,
            label=_label(band.company, band.level),
        )
        for band in company_bundled_bands(name)
        if band.metro is None and band.country is None and band.specialty == specialty
    ]
    return _ordered(name, stats)


def _ordered(company: str, stats: list[LevelStats]) -> list[LevelStats]:
    try:
        ladder = level_order(company)
    except NotFoundError:
        ladder = []
    if ladder:
        rank = {level: i for i, level in enumerate(ladder)}
        return sorted(stats, key=lambda s: (rank.get(s.level, len(ladder)), s.level))
    return sorted(
        stats,
        key=lambda s: (
            s.median_years_experience if s.median_years_experience is not None else Decimal(99),
            s.median_total or Decimal(0),
            s.level,
        ),
    )


def company_levels(company: str, specialty: str | None = None) -> list[LevelStats]:
    """The ladder of ``company`` with its statistics; levels without records have n = 0.

    Unknown company (no ladder and no bundled records): NotFoundError listing the known ones.
    """
    name = canonical_company(company)
    stats = bundled_level_stats(name, specialty)
    try:
        ladder = level_order(name)
    except NotFoundError:
        ladder = []
    if not ladder and not stats:
        known = ", ".join(known_ladder_companies())
        raise NotFoundError(
            f"no levels known for company {company!r}; companies with a ladder: {known} "
            "(and any company with at least 5 records at a level in the bundled data)"
        )
    have = {s.level for s in stats}
    source = stats[0].source if stats else ""
    missing = [
        LevelStats(company=name, level=level, source=source, label=_label(name, level))
        for level in ladder
        if level not in have
    ]
    return _ordered(name, stats + missing)


def component_medians(company: str) -> ComponentMedians:
    """The median yearly base, stock and bonus of each level of ``company``, in each bundled
    data set that has the company: the 2017-2021 records (company-wide bands, a component's
    median over the records reporting it, at least five) and the 2022 company pages.

    A component with no median, or a median of 0 (the data set's way of saying the level is
    not paid that way), is left out: no ratio can be taken from it.
    """
    name = canonical_company(company)
    out: ComponentMedians = {}
    for band in company_bundled_bands(name):
        if band.metro is not None or band.country is not None or band.specialty is not None:
            continue
        for part in PAY_COMPONENTS:
            percentiles = band.points(part)
            if percentiles is not None and percentiles.p50 > 0:
                by_level = out.setdefault(band.source, {})
                by_level.setdefault(band.level, {})[part] = percentiles.p50
    for row in level_medians_2022(name):
        for part in PAY_COMPONENTS:
            value: Decimal | None = getattr(row, part)
            if value is not None and value > 0:
                out.setdefault(row.source, {}).setdefault(row.level, {})[part] = value
    return out


def default_curated(from_company: str, from_level: str, to_company: str) -> list[CuratedEvidence]:
    """The curated placements of a level in the bundled seed guides (read both ways)."""
    return [
        CuratedEvidence(guide.source.name, row.label, levels, row.years.text)
        for guide, row, levels in curated_equivalents(from_company, from_level, to_company)
    ]


def _step(stats: Sequence[LevelStats]) -> Decimal:
    """The typical step in median years between adjacent levels (at least one year)."""
    years = [s.median_years_experience for s in stats if s.median_years_experience is not None]
    gaps = [abs(b - a) for a, b in itertools.pairwise(years)]
    if not gaps:
        return _MIN_STEP
    return max(Decimal(median(gaps)), _MIN_STEP)


def _score(distance: Decimal, step: Decimal) -> Decimal:
    ratio = float(distance / step)
    return Decimal(str(round(math.exp(-ratio * ratio / 2), 3)))


def _years(value: Decimal | None) -> str:
    return "?" if value is None else f"{value.normalize():f} y"


def map_level(
    from_company: str,
    from_level: str,
    to_company: str,
    stats_from: Sequence[LevelStats] | None = None,
    stats_to: Sequence[LevelStats] | None = None,
    curated: Sequence[CuratedEvidence] | None = None,
    *,
    specialty: str | None = None,
    min_score: Decimal = Decimal("0.05"),
) -> LevelMapping:
    """Map ``from_company:from_level`` to the equivalent levels of ``to_company``.

    ``stats_from``/``stats_to`` are the per-level statistics of each company (default: the
    bundled bands; the store passes statistics of imported records instead), ``curated`` the
    curated placements (default: the seed guides' tables). Candidates scoring below
    ``min_score`` are left out, but the best is always kept. Unknown company or level:
    NotFoundError listing what is known.
    """
    source_company = canonical_company(from_company)
    target_company = canonical_company(to_company)
    level = normalize_level(source_company, from_level)
    if stats_from is None:
        stats_from = bundled_level_stats(source_company, specialty)
    if stats_to is None:
        stats_to = bundled_level_stats(target_company, specialty)
    if curated is None and level is not None:
        curated = default_curated(source_company, level, target_company)
    placed = f"{source_company} {level or from_level}"
    _require(source_company, stats_from, placed, target_company, curated or ())
    _require(target_company, stats_to, placed, target_company, curated or ())
    found = [s for s in stats_from if s.level == level and s.median_years_experience is not None]
    if level is None or not found:
        known = ", ".join(s.level for s in stats_from if s.median_years_experience is not None)
        raise NotFoundError(
            f"no statistics for level {from_level!r} at {source_company}; known levels: {known}"
        )
    origin = found[0]
    assert origin.median_years_experience is not None
    if curated is None:
        curated = default_curated(source_company, level, target_company)
    curated_levels = {lvl for evidence in curated for lvl in evidence.levels}
    step = _step(stats_to)
    candidates = []
    for stats in stats_to:
        if stats.median_years_experience is None:
            continue
        distance = abs(stats.median_years_experience - origin.median_years_experience)
        candidates.append(
            Candidate(
                level=stats.level,
                score=_score(distance, step),
                years_distance=distance,
                median_years_experience=stats.median_years_experience,
                median_total=stats.median_total,
                n=stats.n,
                curated=stats.level in curated_levels,
            )
        )
    if not candidates:
        raise NotFoundError(f"no level of {target_company} has years of experience to compare")

    def closeness(candidate: Candidate) -> tuple[Decimal, Decimal, int]:
        pay_gap = (
            abs(candidate.median_total - origin.median_total)
            if candidate.median_total is not None and origin.median_total is not None
            else Decimal("Infinity")
        )
        return (-candidate.score, pay_gap, -candidate.n)

    candidates.sort(key=closeness)
    kept = [c for i, c in enumerate(candidates) if i == 0 or c.score >= min_score]
    disagreements = _disagreements(origin, target_company, kept, curated, stats_to)
    return LevelMapping(
        from_company=source_company,
        from_level=level,
        to_company=target_company,
        candidates=tuple(kept),
        from_stats=origin,
        step=step,
        curated=tuple(curated),
        disagreements=tuple(disagreements),
        specialty=specialty,
    )


def _require(
    company: str,
    stats: Sequence[LevelStats],
    placed: str,
    target: str,
    curated: Sequence[CuratedEvidence],
) -> None:
    """Statistics of ``company`` exist, else a NotFoundError that says why the mapping cannot
    be made (a ladder without records is not an unknown company) and what the curated tables
    say of ``placed`` at ``target`` instead."""
    if stats:
        return
    with_records = [c for c in known_ladder_companies() if bundled_level_stats(c)]
    try:
        ladder = level_order(company)
    except NotFoundError:
        ladder = []
    if ladder:
        message = (
            f"{company} has a level ladder ({', '.join(ladder)}) but no records with years of "
            "experience, which the mapping compares"
        )
    else:
        message = f"no level statistics for company {company!r}"
    message += (
        f"; companies with a ladder and records: {', '.join(with_records)} (and any company "
        "with at least 5 records at a level)"
    )
    if curated:
        levels = ", ".join(dict.fromkeys(lvl for e in curated for lvl in e.levels))
        sources = ", ".join(dict.fromkeys(e.source for e in curated))
        message += f"; the curated table of {sources} places {placed} at {target} {levels}"
    raise NotFoundError(message)


def _disagreements(
    origin: LevelStats,
    target: str,
    candidates: Sequence[Candidate],
    curated: Sequence[CuratedEvidence],
    stats_to: Sequence[LevelStats],
) -> list[str]:
    """A sentence for each curated source whose placement leaves out the records' best level."""
    best = candidates[0]
    years_at = {s.level: s.median_years_experience for s in stats_to}
    by_source: dict[str, list[str]] = {}
    for evidence in curated:
        levels = by_source.setdefault(evidence.source, [])
        levels.extend(lvl for lvl in evidence.levels if lvl not in levels)
    notes = []
    for source, levels in by_source.items():
        if best.level in levels:
            continue
        theirs = ", ".join(f"{lvl}: {_years(years_at.get(lvl))}" for lvl in levels)
        notes.append(
            f"{source} puts {origin.company} {origin.level} at {target} {'-'.join(levels)}; "
            f"median years of experience in the records put it at {best.level} "
            f"({origin.company} {origin.level}: {_years(origin.median_years_experience)}; "
            f"{target} {best.level}: {_years(best.median_years_experience)}, {theirs})"
        )
    return notes
