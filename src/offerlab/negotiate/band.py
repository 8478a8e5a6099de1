"""Market bands as the negotiation planner sees them, and where a figure falls in one.

A :class:`MarketBand` holds p10/p25/p50/p75/p90 of base, stock (per year), bonus and total
(base + stock + bonus, per year) in one currency. It is read from the ``market bands --json``
contract, so any band source (records, bundled data, a seed guide) can feed the planner, and
restated in another currency only with a dated rate (:meth:`MarketBand.restated`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from offerlab.encoding import to_data
from offerlab.market.evidence import EvidenceBand, MarketEvidence
from offerlab.market.stats import COMPONENTS, LevelStats, Percentiles
from offerlab.scenarios.currency import Rate

__all__ = [
    "BandLookup",
    "BandQuery",
    "MarketBand",
    "MarketView",
    "NoMarket",
    "percentile_label",
    "percentile_of",
]


@dataclass(frozen=True, slots=True)
class MarketBand:
    """A band of annual pay for one slice of the market."""

    n: int
    currency: str
    base: Percentiles | None
    stock: Percentiles | None
    bonus: Percentiles | None
    total: Percentiles | None
    filters: dict[str, Any] = field(default_factory=dict)
    basis: str = "records"
    sources: tuple[str, ...] = ()

    @classmethod
    def from_contract(cls, data: Mapping[str, Any], currency: str = "USD") -> MarketBand:
        """Read the ``offerlab market bands --json`` object."""

        def part(name: str) -> Percentiles | None:
            value = data.get(name)
            return Percentiles.from_mapping(value) if isinstance(value, Mapping) else None

        sources = data.get("sources") or ()
        names = tuple(str(s.get("name", s)) if isinstance(s, Mapping) else str(s) for s in sources)
        return cls(
            n=int(data["n"]),
            currency=str(data.get("currency", currency)),
            base=part("base"),
            stock=part("stock"),
            bonus=part("bonus"),
            total=part("total"),
            filters=dict(data.get("filters") or {}),
            basis=str(data.get("basis", "records")),
            sources=names,
        )

    @classmethod
    def from_evidence(cls, band: EvidenceBand) -> MarketBand:
        """A planner's band from one source's evidence band: base and total where the source
        gives all five percentiles (stock and bonus: none of the evidence sources splits them
        out, so None)."""

        def part(spread: Any) -> Percentiles | None:
            if spread is None:
                return None
            points = [spread.percentile(f"p{p}") for p in (10, 25, 50, 75, 90)]
            if any(v is None for v in points):
                return None
            return Percentiles(*points)

        return cls(
            n=band.n or 0,
            currency=band.currency,
            base=part(band.base),
            stock=None,
            bonus=None,
            total=part(band.total),
            filters={"label": band.label},
            basis=band.kind,
            sources=(band.source,),
        )

    def scaled(self, factor: Decimal) -> MarketBand:
        """Every amount times ``factor``, rounded to cents once (same currency and filters)."""

        def part(value: Percentiles | None) -> Percentiles | None:
            return None if value is None else value.times(factor)

        return replace(
            self,
            base=part(self.base),
            stock=part(self.stock),
            bonus=part(self.bonus),
            total=part(self.total),
        )

    def restated(self, rate: Rate) -> MarketBand:
        """This band in ``rate.to``: every amount times the dated rate (the records' places do
        not change: a London band restated in GBP is still London pay)."""
        if rate.from_ != self.currency:
            raise ValueError(
                f"a {rate.from_}->{rate.to} rate cannot restate a {self.currency} band"
            )
        return replace(self.scaled(rate.value), currency=rate.to)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "currency": self.currency}
        for name in COMPONENTS:
            out[name] = to_data(getattr(self, name))
        out["filters"] = self.filters
        out["basis"] = self.basis
        out["sources"] = list(self.sources)
        return out


@dataclass(frozen=True, slots=True)
class BandQuery:
    """Which slice of the market to look up; ``None`` means any."""

    company: str
    level: str | None = None
    location: str | None = None
    title: str | None = None
    specialty: str | None = None
    as_of: date | None = None

    def describe(self) -> str:
        parts = [self.company]
        parts += [f"level {self.level}"] if self.level else []
        parts += [self.title] if self.title else []
        parts += [self.specialty] if self.specialty else []
        parts += [f"in {self.location}"] if self.location else []
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class BandLookup:
    """The answer to a band query: the band when there are enough records, else only n."""

    query: BandQuery
    band: MarketBand | None
    n: int
    note: str = ""


class MarketView(Protocol):
    """What the planner needs from the market data (the store or bundled data provide it)."""

    def band(self, query: BandQuery) -> BandLookup: ...

    def ladder(self, company: str) -> Sequence[LevelStats]: ...

    def equivalent_level(self, company: str, level: str, to_company: str) -> str | None: ...

    def evidence(self, query: BandQuery) -> MarketEvidence | None:
        """Every source's band for the query side by side, with the headline and how far to
        trust it (None: no source answers)."""
        ...


class NoMarket:
    """A market with no data: the planner still works from competing offers and the profile."""

    def band(self, query: BandQuery) -> BandLookup:
        return BandLookup(query, None, 0)

    def ladder(self, company: str) -> Sequence[LevelStats]:
        return ()

    def equivalent_level(self, company: str, level: str, to_company: str) -> str | None:
        return None

    def evidence(self, query: BandQuery) -> MarketEvidence | None:
        return None


def percentile_label(value: Decimal | float | None) -> str:
    """``p75``: a percentile as every front end shows it (half up; ``-`` for none)."""
    if value is None:
        return "-"
    number = Decimal(repr(value)) if isinstance(value, float) else value
    return f"p{number.quantize(Decimal(1), rounding=ROUND_HALF_UP)}"


def percentile_of(value: Decimal, band: Percentiles) -> Decimal:
    """Where ``value`` falls in ``band``, as a percentile from 0 to 100.

    Linear between the band's points; below p10 it falls linearly to 0 at zero pay, above p90
    it rises at the p75-p90 slope, capped at 100. Figures outside p10..p90 are estimates.
    """
    points = [(Decimal(0), Decimal(0)), *((Decimal(p), v) for p, v in band.points())]
    if value >= band.p90:
        spread = band.p90 - band.p75
        if spread <= 0:
            return Decimal(100) if value > band.p90 else Decimal(90)
        return min(Decimal(100), 90 + 15 * (value - band.p90) / spread)
    for (p_low, v_low), (p_high, v_high) in itertools.pairwise(points):
        if value <= v_high:
            if v_high == v_low:
                return p_high
            return p_low + (p_high - p_low) * (value - v_low) / (v_high - v_low)
    return Decimal(90)
