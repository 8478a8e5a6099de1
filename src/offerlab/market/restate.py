"""Restating old figures to the as-of date, with the growth index measured from the records.

Company records and community reports more than :data:`RESTATE_AFTER_YEARS` older than the
as-of date (the offer's start date, default today) are restated: every figure times
``(1 + g) ** years``, where ``years`` runs from the band's median record date to the as-of date
and ``g`` is a yearly growth index. The band is then labelled restated, with the rate, the years
and how the rate was measured; its age (and so its confidence) stays that of the data.

Official statistics are never restated: they are shown as published, with their reference
date. A guide's table is shown as stated, with its publication date. Where current and old
sources disagree, both are shown side by side (:mod:`offerlab.market.evidence`).

The default index (:func:`measured_index`) is the one measured from the levels.fyi records of
2017-2021 with the mix held fixed (``market/bundled.py``): within each company x level x metro
group with two or more calendar years of 10+ records, a log-linear fit of the median total by
year; the rate is the median of the groups' slopes weighted by records (1.8% a year). It was
measured on USD records, mostly from the US: a band in another currency restated with it says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Final

from offerlab.errors import InputError
from offerlab.market.bundled import bundled_growth, bundled_meta
from offerlab.market.evidence import EvidenceBand, Restatement

__all__ = [
    "RESTATED_KINDS",
    "RESTATE_AFTER_YEARS",
    "GrowthIndex",
    "given_index",
    "measured_index",
    "restate",
]

#: Records and reports older than this at the as-of date are restated to it.
RESTATE_AFTER_YEARS: Final = Decimal(1)
#: The kinds of evidence that are restated (figures as reported, of their own date).
RESTATED_KINDS: Final = frozenset({"records", "community", "pooled"})


@dataclass(frozen=True, slots=True)
class GrowthIndex:
    """A yearly pay-growth rate (0.018 = 1.8% a year), how it was measured, and the currency of
    the figures it was measured on."""

    rate: Decimal
    method: str
    currency: str

    @property
    def rate_pct(self) -> Decimal:
        """The rate in percent, as measured (not rounded: the figures are restated with it)."""
        return (self.rate * 100).normalize()


def measured_index() -> GrowthIndex:
    """The index measured with the mix held fixed from the levels.fyi records of 2017-2021."""
    growth = bundled_growth()
    if growth is None:  # the shipped file always carries it; a rebuilt one might not
        raise InputError("the bundled records carry no growth rate; give one with --growth PCT")
    meta = bundled_meta()
    return GrowthIndex(
        growth.rate, f"measured from {meta.source} with the mix held fixed: {growth.method}", "USD"
    )


def given_index(pct: Decimal) -> GrowthIndex:
    """An index the user gave (``--growth PCT``), in percent a year."""
    if not Decimal(-50) < pct < Decimal(100):
        raise InputError(
            f"--growth {pct}: expected a yearly percentage such as 5", option="--growth"
        )
    return GrowthIndex(pct / 100, f"--growth {pct}% a year, as given", "")


def restate(band: EvidenceBand, index: GrowthIndex) -> EvidenceBand:
    """``band`` restated to its as-of date when it is records or community reports more than
    a year old; any other band (or a younger one) is returned as it is."""
    if band.kind not in RESTATED_KINDS or band.restated is not None:
        return band
    years = band.age_years
    if years <= RESTATE_AFTER_YEARS:
        return band
    restatement = Restatement(
        from_date=band.reference_date,
        to_date=band.as_of,
        rate_pct=index.rate_pct,
        years=years,
        method=index.method,
    )
    factor = restatement.factor
    notes = [restatement.describe()]
    if index.currency and index.currency != band.currency:
        notes.append(
            f"the index was measured on {index.currency} figures; no index has been measured "
            f"for {band.currency} pay, so this restatement is an assumption"
        )
    return replace(
        band,
        base=band.base.scaled(factor) if band.base else None,
        total=band.total.scaled(factor) if band.total else None,
        restated=restatement,
        notes=(*band.notes, *notes),
    )
