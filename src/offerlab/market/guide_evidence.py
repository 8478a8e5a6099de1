"""The guides' tables as evidence (``kind: guide``), each row with its attribution.

The three career guides that started offerlab state pay per level as ranges or single figures
(``data/market/sources/*.toml``, carried as facts with attribution). A row whose levels cover
the level asked becomes a band: base and total as the stated range (``Spread.low``/``high``;
no percentiles, since a range does not say where an offer sits in it), n not stated, the
guide's publication date as its reference date, never restated. Such a band never leads
(:func:`~offerlab.market.evidence.pick_headline`), and its confidence is low: no n.

Dates: a guide dated by month (``2026-06``) is taken at the 15th, one dated by year (``2025``)
at 1 July, the middle of the period it could be from.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from offerlab.market.confidence import Match
from offerlab.market.evidence import EvidenceBand, Spread, evidence_band
from offerlab.market.normalize import canonical_company, normalize_level, specialty
from offerlab.market.sources import GuideBand, Range, SeedGuide, seed_guides

__all__ = ["guide_bands", "guide_date"]


def guide_date(stated: str) -> date:
    """The date a guide's stated date stands for: ``2026-06`` -> 2026-06-15, ``2025`` ->
    2025-07-01, a full date as it is."""
    parts = stated.strip().split("-")
    if len(parts) == 1:
        return date(int(parts[0]), 7, 1)
    if len(parts) == 2:
        return date(int(parts[0]), int(parts[1]), 15)
    return date.fromisoformat(stated.strip())


def _range(value: Range | None) -> Spread | None:
    if value is None:
        return None
    return Spread(low=value.low, high=None if value.open_high else value.high)


def _k(value: Decimal) -> str:
    return f"{value:,.0f}"


def _text(value: Range) -> str:
    if value.open_high:
        return f"{_k(value.low)}+"
    return _k(value.low) if value.single else f"{_k(value.low)}-{_k(value.high)}"


def _notes(guide: SeedGuide, row: GuideBand) -> list[str]:
    notes = []
    if row.bonus_pct is not None:
        notes.append(f"target bonus {_text(row.bonus_pct)}% of base")
    if row.bonus_amount is not None:
        notes.append(f"bonus {_k(row.bonus_amount)} (stated median)")
    if row.stock_per_year is not None:
        notes.append(f"stock {_text(row.stock_per_year)} a year")
    if row.rsu_grant is not None:
        years = f" over {guide.rsu_years} years" if guide.rsu_years else ""
        notes.append(f"RSU grant {_text(row.rsu_grant)}{years}")
    if row.signing is not None:
        notes.append(f"signing bonus {_text(row.signing)}")
    if guide.loose_total:
        notes.append(
            f"its '{guide.total_label}' {_text(row.total)} is {guide.total_definition}: not a "
            "total that can be compared, so it is not shown as one"
        )
    else:
        notes.append(f"its total is '{guide.total_label}': {guide.total_definition}")
    return notes


def guide_bands(
    company: str, level: str | None, *, as_of: date, tag: str | None = None
) -> list[EvidenceBand]:
    """A band for each guide row that covers ``level`` at ``company`` (in guide order)."""
    name = canonical_company(company)
    placed = normalize_level(name, level) if level is not None else None
    asked = specialty(tag) if tag is not None else None
    found: list[EvidenceBand] = []
    for guide in seed_guides():
        if guide.company != name:
            continue
        for row in guide.bands:
            covers = guide.level(row.level).canonical
            if placed is not None and placed not in covers:
                continue
            if level is not None and placed is None:
                continue
            match: Match = "exact" if placed is not None and covers == (placed,) else "company"
            notes = _notes(guide, row)
            notes.extend(
                f"states the {c.statistic} {c.component} at {name} {c.level} is above {_k(c.above)}"
                for c in guide.claims
                if c.level in covers and (placed is None or c.level == placed)
            )
            if guide.specialty and asked != guide.specialty:
                notes.append(f"the table is for {guide.specialty} roles")
                match = "company"
            source = guide.source
            found.append(
                evidence_band(
                    source=source.name,
                    kind="guide",
                    label=f"{name} {row.level} as the guide names it, {source.title}",
                    currency=guide.currency,
                    n=None,
                    n_means="not stated",
                    reference_date=guide_date(source.date),
                    as_of=as_of,
                    match=match,
                    base=_range(row.base),
                    total=None if guide.loose_total else _range(row.total),
                    notes=tuple(notes),
                    attribution=(
                        f"{source.title} ({source.publisher}, {source.date}); "
                        f"table facts carried with attribution, {source.licence}"
                    ),
                )
            )
    return found
