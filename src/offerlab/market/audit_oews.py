"""The guides' claims that official statistics can test, tested against BLS OEWS.

Each finding states the claim, the measured figure and agree / disagree, and names OEWS as its
evidence (``Finding.evidence``). OEWS measures base pay of every employer in an occupation and
area, so it tests claims about places and about where a base range sits in a metro's spread;
it cannot test a company's own pay policy, and each finding says what it measured. The
occupation is the one the guide's roles map to (``data/market/oews_titles.toml``: ML / AI
engineers -> 15-1252 Software Developers).

* ``place-premium``: a stated premium of a place over the national figure (seed 002: Redmond /
  Seattle bases 15-25% over the national average) against the area's mean wage over the
  national mean (and, beside it, the medians).
* ``place-uplift``: a stated uplift for a group of places (seed 000: 12% for high-cost metros)
  against the employment-weighted mean of those areas' medians over the national median,
  each area's own figure listed.
* ``base-vs-metro``: each stated base range per level against the p75-p90 of the occupation in
  the company's home metro (Microsoft: Redmond, in Seattle-Tacoma-Bellevue). A big-tech level's
  base is expected in the metro's upper quartile; the finding gives where the range's ends sit
  in the metro's spread (linear between the published percentiles), agrees when the range
  overlaps p75-p90 and disagrees when it lies wholly below p75 or above p90.

Tolerance for a stated percentage: half a unit of its last digit (``12 %`` +/- 0.5).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Final

from offerlab.market.findings import Figure, Finding, stated_tolerance
from offerlab.market.oews import (
    OewsEstimate,
    OewsTable,
    areas_for,
    occupation_for,
    shipped_table,
)
from offerlab.market.sources import LocationClaim, SeedGuide

__all__ = ["HOME_PLACES", "oews_findings", "percentile_position"]

NATIONAL: Final = "0000000"
#: Where a company's guide rows are compared: its home metro (Microsoft's guides describe
#: Redmond-based roles; seed 001 lists Redmond WA (HQ) first among its locations).
HOME_PLACES: Final = {"Microsoft": "Redmond, WA"}
_HUNDRED: Final = Decimal(100)
_POINTS: Final = (("p10", 10), ("p25", 25), ("p50", 50), ("p75", 75), ("p90", 90))


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def _uplift(place: Decimal, national: Decimal) -> Decimal:
    return (place / national - 1) * _HUNDRED


def _evidence(table: OewsTable, estimate: OewsEstimate) -> str:
    return (
        f"{table.source}: {estimate.occ_title} ({estimate.occ_code}), all employers, "
        f"{estimate.area_title}, base pay, {table.release_label} ({table.publisher})"
    )


def percentile_position(value: Decimal, estimate: OewsEstimate) -> str:
    """Where ``value`` sits in the published spread: ``p49`` (linear between the published
    percentiles), ``below p10`` or ``above p90``; ``unknown`` without p10..p90."""
    points = [(estimate.wages.get(key), pct) for key, pct in _POINTS]
    known = [(v, p) for v, p in points if v is not None]
    if len(known) < len(points):
        return "unknown"
    if value < known[0][0]:
        return "below p10"
    if value > known[-1][0]:
        return "above p90"
    for (low, p_low), (high, p_high) in pairwise(known):
        if low <= value <= high:
            share = Decimal(0) if high == low else (value - low) / (high - low)
            position = Decimal(p_low) + share * (p_high - p_low)
            return f"p{position.quantize(Decimal(1))}"
    return "unknown"  # pragma: no cover - the loop covers [p10, p90]


def _at(position: str) -> str:
    """``at p81``, ``above p90``, ``below p10``."""
    return f"at {position}" if position.startswith("p") else position


def _within(value: Decimal, claim: LocationClaim) -> bool:
    tolerance = stated_tolerance(claim.text)
    return claim.low_pct - tolerance <= value <= claim.high_pct + tolerance


def _stated(claim: LocationClaim) -> tuple[Figure, ...]:
    return (
        Figure("stated premium, low (%)", claim.low_pct, claim.text),
        Figure("stated premium, high (%)", claim.high_pct, claim.text),
    )


def _place_findings(guide: SeedGuide, table: OewsTable, soc: str) -> list[Finding]:
    national = table.get(NATIONAL, soc)
    if national is None or national.mean is None or national.wages["p50"] is None:
        return []
    findings: list[Finding] = []
    for claim in guide.location_claims:
        areas = [
            estimate
            for place in claim.places
            for area in areas_for(place).areas
            if (estimate := table.get(area.code, soc)) is not None
        ]
        if len(claim.places) == 1 and len(areas) == 1 and areas[0].mean is not None:
            area = areas[0]
            area_median = area.wages["p50"]
            if area.mean is None or area_median is None:
                continue
            by_mean = _pct(_uplift(area.mean, national.mean))
            by_median = _pct(_uplift(area_median, national.wages["p50"]))
            agree = _within(by_mean, claim)
            verdict = "agrees" if agree else "disagrees"
            findings.append(
                Finding(
                    source=guide.source.name,
                    check="place-premium",
                    severity="agrees-with-data" if agree else "disagrees-with-data",
                    subject=claim.subject,
                    message=(
                        f"{verdict}: the guide states {claim.text}; OEWS measures "
                        f"{area.occ_title} in {area.area_title} at a mean of "
                        f"{area.mean:,.0f} against {national.mean:,.0f} nationally, "
                        f"{by_mean:+}% (median {area_median:,.0f} against "
                        f"{national.wages['p50']:,.0f}, {by_median:+}%); base pay of every "
                        "employer, not one company's"
                    ),
                    stated=_stated(claim),
                    computed=(
                        Figure(f"{area.area_title} mean over national mean (%)", by_mean),
                        Figure(f"{area.area_title} median over national median (%)", by_median),
                        Figure(f"{area.area_title} mean", area.mean),
                        Figure("national mean", national.mean),
                    ),
                    evidence=_evidence(table, area),
                )
            )
            continue
        released = [a for a in areas if a.wages["p50"] is not None and a.employment]
        if not released:
            continue
        weight = sum((Decimal(a.employment or 0) for a in released), Decimal(0))
        weighted = sum(
            (Decimal(a.employment or 0) * (a.wages["p50"] or Decimal(0)) for a in released),
            Decimal(0),
        )
        combined = _pct(_uplift(weighted / weight, national.wages["p50"]))
        each = [
            (a, _pct(_uplift(a.wages["p50"] or Decimal(0), national.wages["p50"])))
            for a in released
        ]
        agree = _within(combined, claim)
        listed = "; ".join(f"{a.area_title} {u:+}%" for a, u in each)
        findings.append(
            Finding(
                source=guide.source.name,
                check="place-uplift",
                severity="agrees-with-data" if agree else "disagrees-with-data",
                subject=claim.subject,
                message=(
                    f"{'agrees' if agree else 'disagrees'}: the guide states {claim.text}; "
                    f"OEWS puts the median {released[0].occ_title} base in "
                    f"{', '.join(claim.places)} at {combined:+}% against the national median "
                    f"(weighted by employment; {listed}); market pay of every employer, "
                    "not the company's allowance policy"
                ),
                stated=_stated(claim),
                computed=(
                    Figure("weighted median over national median (%)", combined),
                    *(Figure(f"{a.area_title} median over national (%)", u) for a, u in each),
                ),
                evidence=(
                    f"{table.source}: {released[0].occ_title} ({soc}), all employers, "
                    f"{', '.join(a.area_title for a in released)} and the nation, base pay, "
                    f"{table.release_label} ({table.publisher})"
                ),
            )
        )
    return findings


def _base_findings(guide: SeedGuide, table: OewsTable, soc: str) -> list[Finding]:
    home = HOME_PLACES.get(guide.company)
    if home is None:
        return []
    placed = areas_for(home).areas
    metro = table.get(placed[0].code, soc) if placed else None
    if metro is None:
        return []
    p75, p90 = metro.wages["p75"], metro.wages["p90"]
    if p75 is None or p90 is None:
        return []
    findings = []
    for row in guide.bands:
        if row.base is None:
            continue
        low, high = row.base.low, row.base.high
        overlaps = low <= p90 and high >= p75
        if overlaps:
            verdict = "agrees: overlaps"
        elif high < p75:
            verdict = "disagrees: wholly below"
        else:
            verdict = "disagrees: wholly above"
        first, last = percentile_position(low, metro), percentile_position(high, metro)
        where = _at(first) if first == last else f"from {first} to {last}"
        findings.append(
            Finding(
                source=guide.source.name,
                check="base-vs-metro",
                severity="agrees-with-data" if overlaps else "disagrees-with-data",
                subject=f"{guide.company} {row.level} base",
                message=(
                    f"{verdict} the p75-p90 ({p75:,.0f}-{p90:,.0f}) of {metro.occ_title} in "
                    f"{metro.area_title}: the stated base {row.base.text} sits {where} of "
                    f"every employer's developers there ({table.release_label})"
                ),
                stated=(Figure("stated base, low", low, row.base.text),)
                + (() if row.base.single else (Figure("stated base, high", high, row.base.text),)),
                computed=(
                    Figure(f"{metro.area_title} p75", p75),
                    Figure(f"{metro.area_title} p90", p90),
                    Figure(f"position of the stated base in {metro.area_title}", None, where),
                ),
                evidence=_evidence(table, metro),
            )
        )
    return findings


def oews_findings(guide: SeedGuide, table: OewsTable | None = None) -> list[Finding]:
    """The findings on ``guide`` that OEWS can test (see the module's docstring)."""
    data = table or shipped_table()
    soc = occupation_for(None, guide.specialty).soc
    return [*_place_findings(guide, data, soc), *_base_findings(guide, data, soc)]
