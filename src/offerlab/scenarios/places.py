"""Location adjustments, opt-in: the seed guides' geographic premiums, or a cost-of-living index
the user supplies. Nothing here is applied unless asked for, and every adjusted figure says the
factor and where it came from.

* ``premiums``: the shipped premiums (``data/places/premiums.toml``); pay in a place with a
  premium of p% is divided by (1 + p/100) (midpoint of the stated range), restating it at the
  national average the premium is measured against.
* a cost-of-living index file: ``source``, ``date``, ``baseline`` and an ``[index]`` table of
  places (metros such as "Seattle metro", or countries) with 100 = the baseline; pay is
  multiplied by 100 / index.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from offerlab.market.normalize import canonical_metro, parse_location
from offerlab.validation import parse_document, read_document, validate_document

__all__ = ["Adjustment", "AdjustmentTable", "load_adjustments", "mixed_adjustment_warning"]


class _Premium(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    metro: str
    low_pct: Annotated[Decimal, Field(ge=-90, le=500)]
    high_pct: Annotated[Decimal, Field(ge=-90, le=500)]


class _PremiumFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    baseline: str
    premium: list[_Premium]


class CostIndexFile(BaseModel):
    """A cost-of-living index: 100 = ``baseline``; places are metros or countries."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = Field(min_length=1, description="who published the index")
    date: datetime.date = Field(description="when the index was published or measured")
    baseline: str = Field(default="100", description="what 100 stands for")
    index: dict[str, Annotated[Decimal, Field(gt=0)]] = Field(
        description="place -> index (100 = the baseline)"
    )


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The factor applied to one offer's pay and why; ``factor`` None when the table has no
    entry for the place, so nothing is adjusted (and no figure is shown as if it were)."""

    location: str
    factor: Decimal | None
    basis: str

    @property
    def adjusted(self) -> bool:
        return self.factor is not None

    def apply(self, amount: Decimal) -> Decimal | None:
        """``amount`` adjusted for the place, or None when the place has no entry."""
        return None if self.factor is None else amount * self.factor

    def as_json(self) -> dict[str, object]:
        return {
            "location": self.location,
            "adjusted": self.adjusted,
            "factor": None if self.factor is None else float(self.factor),
            "basis": self.basis,
        }


def mixed_adjustment_warning(names: list[str], adjustments: list[Adjustment]) -> str | None:
    """What to say when some offers are adjusted and others cannot be: the adjusted figures
    are then comparable only among the adjusted offers. None when all or none are adjusted."""
    left = [(n, a) for n, a in zip(names, adjustments, strict=True) if not a.adjusted]
    if not left or len(left) == len(adjustments):
        return None
    done = [n for n, a in zip(names, adjustments, strict=True) if a.adjusted]
    verb = "is" if len(done) == 1 else "are"
    places = "; ".join(a.location for _, a in left)
    return (
        f"not like-for-like: {', '.join(done)} {verb} adjusted, "
        f"{', '.join(n for n, _ in left)} not (the table has no entry for {places}); "
        "an adjusted figure cannot be compared with an unadjusted one"
    )


@dataclass(frozen=True, slots=True)
class AdjustmentTable:
    """Factors by metro or country, with the source they come from."""

    name: str
    source: str
    factors: dict[str, tuple[Decimal, str]]

    def for_location(self, location: str) -> Adjustment:
        place = parse_location(location)
        for key in (place.metro, place.country, place.city):
            if key and key in self.factors:
                factor, why = self.factors[key]
                return Adjustment(location, factor, why)
        return Adjustment(location, None, f"no {self.name} entry for {location!r}: not adjusted")


@functools.cache
def _premiums() -> AdjustmentTable:
    text = resources.files("offerlab").joinpath("data", "places", "premiums.toml")
    data = parse_document(text.read_text(encoding="utf-8"), "premiums.toml", "toml", "premiums")
    doc = validate_document(_PremiumFile, data, "premiums.toml", "invalid premiums table")
    factors = {}
    for item in doc.premium:
        mid = (item.low_pct + item.high_pct) / 2
        factors[item.metro] = (
            1 / (1 + mid / 100),
            f"{item.metro}: {item.low_pct}-{item.high_pct}% premium over the {doc.baseline}, "
            f"midpoint {mid}% removed",
        )
    return AdjustmentTable("premium", doc.source, factors)


def load_adjustments(spec: str) -> AdjustmentTable:
    """``premiums`` (the shipped table) or the path of a cost-of-living index file."""
    if spec.strip().lower() == "premiums":
        return _premiums()
    what = "invalid cost-of-living index"
    doc = validate_document(CostIndexFile, read_document(Path(spec), what), spec, what)
    factors = {}
    for place, value in doc.index.items():
        key = canonical_metro(place) or place
        factors[key] = (Decimal(100) / value, f"{place}: index {value} (100 = {doc.baseline})")
    return AdjustmentTable("cost-of-living index", f"{doc.source}, {doc.date}", factors)
