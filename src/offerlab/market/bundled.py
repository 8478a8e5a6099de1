"""Bundled bands (temporary interface; the rules branch ships the data and replaces this file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = ["COMPONENTS", "BundledBand", "Percentiles", "bundled_band"]

COMPONENTS = ("base", "stock", "bonus", "total")


@dataclass(frozen=True, slots=True)
class Percentiles:
    """p10/p25/p50/p75/p90 of one yearly component, in USD, over ``n`` reporting records."""

    n: int
    p10: Decimal
    p25: Decimal
    p50: Decimal
    p75: Decimal
    p90: Decimal


@dataclass(frozen=True, slots=True)
class BundledBand:
    """One precomputed band."""

    company: str
    level: str
    metro: str | None
    country: str | None
    specialty: str | None
    n: int
    first: date
    last: date
    median_years_experience: Decimal | None
    median_years_at_company: Decimal | None
    base: Percentiles | None
    stock: Percentiles | None
    bonus: Percentiles | None
    total: Percentiles | None
    source: str
    currency: str = "USD"


def bundled_band(
    company: str,
    level: str,
    location: str | None = None,
    specialty: str | None = None,
) -> BundledBand | None:
    """The one bundled band for a bands query, or None (no bundled data in this build)."""
    return None
