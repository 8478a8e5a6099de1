"""The market's statistics, one type per concept: a component's percentiles, a band's
component (how many records report it, and its percentiles), a level's statistics.

Every band source (imported records, the bundled data, the negotiation planner's view of
either) speaks these types. Amounts are yearly, in the band's currency, Decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from offerlab.money import to_cents

__all__ = ["COMPONENTS", "PERCENTILES", "ComponentBand", "LevelStats", "Percentiles"]

#: The percentile points a band carries (those the published sources state). The Monte Carlo
#: simulation reports p5..p95 instead (``scenarios.simulate.PERCENTILES``): there the tails of
#: a distribution of outcomes are the point, not a market band.
PERCENTILES: Final = (10, 25, 50, 75, 90)
#: The components of yearly pay a band has (``stock``: equity vesting a year; ``total``: the
#: sum the records report).
COMPONENTS: Final = ("base", "stock", "bonus", "total")


@dataclass(frozen=True, slots=True)
class Percentiles:
    """p10/p25/p50/p75/p90 of one yearly component, in the band's currency."""

    p10: Decimal
    p25: Decimal
    p50: Decimal
    p75: Decimal
    p90: Decimal

    def points(self) -> list[tuple[int, Decimal]]:
        """(percentile, amount) pairs, low to high."""
        return list(
            zip(PERCENTILES, (self.p10, self.p25, self.p50, self.p75, self.p90), strict=True)
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Percentiles:
        """From ``{"p10": ..., ..., "p90": ...}`` (numbers or text; read exactly)."""
        return cls(*(Decimal(str(data[f"p{p}"])) for p in PERCENTILES))

    @classmethod
    def from_points(cls, values: Mapping[str, Decimal]) -> Percentiles:
        return cls(*(values[f"p{p}"] for p in PERCENTILES))

    def times(self, factor: Decimal) -> Percentiles:
        """Every point times ``factor``, rounded to cents once."""
        return Percentiles(*(to_cents(v * factor) for _, v in self.points()))


@dataclass(frozen=True, slots=True)
class ComponentBand:
    """One component of a band: ``n`` records report it; ``values`` is None when there are too
    few of them for a band."""

    n: int
    values: Percentiles | None

    def as_json(self) -> dict[str, Any]:
        """The contract's shape: the points flat beside ``n`` (null points when none)."""
        keys = [f"p{p}" for p in PERCENTILES]
        if self.values is None:
            return {**dict.fromkeys(keys), "n": self.n}
        return {**{f"p{p}": v for p, v in self.values.points()}, "n": self.n}


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelStats:
    """One rung of a company's ladder and what the records say of it: how many records, the
    median years of experience (and at the company), the median yearly total. ``source`` names
    the data set; ``label`` the company's own name for the level where it differs."""

    company: str = ""
    level: str
    label: str | None = None
    n: int = 0
    median_years_experience: Decimal | None = None
    median_years_at_company: Decimal | None = None
    median_total: Decimal | None = None
    source: str = ""
