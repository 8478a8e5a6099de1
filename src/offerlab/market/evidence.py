"""Evidence: every source's band for one cell, side by side, each saying how far to trust it.

No open data set gives current total pay per company and level, so a question such as "is my
offer good?" is answered from several sources that each see part of it: official statistics
(base pay of every employer in an occupation and metro), company records (old, self-reported
totals), community reports, the guides' tables, and the offers pooled in a hosted instance.
They are not blended: each is an :class:`EvidenceBand` with its source, kind, what it measures,
n, dates, age at the as-of date, currency, confidence (:mod:`offerlab.market.confidence`) and,
when old figures were brought to the as-of date, the restatement (:mod:`offerlab.market.restate`).
A headline band is picked by :func:`pick_headline`, whose answer says why.

Amounts are yearly, in the band's currency, :class:`~decimal.Decimal` rounded to cents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from offerlab.dates import DAYS_PER_YEAR
from offerlab.errors import InputError
from offerlab.market.confidence import Confidence, ConfidenceGrade, Match, grade_confidence
from offerlab.market.stats import PERCENTILES, Percentiles
from offerlab.money import CURRENCIES, to_cents
from offerlab.scenarios.currency import STALE_AFTER_DAYS, Rate, RatesTable

__all__ = [
    "KINDS",
    "PERCENTILE_KEYS",
    "EvidenceBand",
    "Kind",
    "MarketEvidence",
    "Measures",
    "Restatement",
    "Spread",
    "convert_band",
    "pick_headline",
    "spread_of",
    "years_between",
]

Kind = Literal["official", "records", "community", "guide", "pooled"]
KINDS: Final = ("official", "records", "community", "guide", "pooled")
Measures = Literal["total", "base"]
PERCENTILE_KEYS: Final = tuple(f"p{p}" for p in PERCENTILES)
_DAYS_PER_YEAR: Final = Decimal(str(DAYS_PER_YEAR))

_KIND_WORDS: Final[dict[str, str]] = {
    "official": "official statistics",
    "records": "company records",
    "community": "community reports",
    "guide": "a guide's table",
    "pooled": "shared by this instance's members",
}


def years_between(start: date, end: date) -> Decimal:
    """Years from ``start`` to ``end`` (days / 365.2425), to two decimals; negative if before."""
    return (Decimal((end - start).days) / _DAYS_PER_YEAR).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Spread:
    """One component's figures, yearly, in the band's currency.

    Percentiles where the source gives them; a stated range (``low``..``high``) where it gives
    one instead (a guide's table: where in the range an offer sits is not known, so the
    percentiles stay None rather than being invented). ``at_least`` names percentiles that are
    lower bounds: official statistics at or above the publisher's top code say only "at least".
    """

    p10: Decimal | None = None
    p25: Decimal | None = None
    p50: Decimal | None = None
    p75: Decimal | None = None
    p90: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    at_least: tuple[str, ...] = ()
    #: The records that report this component, when it differs by component.
    n: int | None = None

    @classmethod
    def from_percentiles(cls, values: Percentiles, n: int | None = None) -> Spread:
        """A spread of a band's percentiles (``n``: the records that report the component)."""
        p10, p25, p50, p75, p90 = (v for _, v in values.points())
        return cls(p10=p10, p25=p25, p50=p50, p75=p75, p90=p90, n=n)

    @classmethod
    def of(cls, values: dict[str, Decimal | None]) -> Spread:
        """A spread of percentiles given as ``{"p10": ..., ..., "p90": ...}``."""
        get = values.get
        return cls(p10=get("p10"), p25=get("p25"), p50=get("p50"), p75=get("p75"), p90=get("p90"))

    def percentile(self, key: str) -> Decimal | None:
        if key not in PERCENTILE_KEYS:
            raise KeyError(key)
        value: Decimal | None = getattr(self, key)
        return value

    @property
    def has_percentiles(self) -> bool:
        """True when at least the median is given (a band to place an offer in)."""
        return self.p50 is not None

    def mapped(self, change: Callable[[Decimal], Decimal]) -> Spread:
        """Every figure passed through ``change`` (a restatement, a rate, a rounding); the
        rest (which are lower bounds, n) as it is."""

        def x(value: Decimal | None) -> Decimal | None:
            return None if value is None else change(value)

        return Spread(
            p10=x(self.p10),
            p25=x(self.p25),
            p50=x(self.p50),
            p75=x(self.p75),
            p90=x(self.p90),
            low=x(self.low),
            high=x(self.high),
            at_least=self.at_least,
            n=self.n,
        )

    def scaled(self, factor: Decimal) -> Spread:
        """Every figure times ``factor``, rounded to cents once (a restatement or a rate)."""
        return self.mapped(lambda value: to_cents(value * factor))

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: self.percentile(k) for k in PERCENTILE_KEYS}
        if self.low is not None or self.high is not None:
            data["range"] = {"low": self.low, "high": self.high}
        if self.at_least:
            data["at_least"] = list(self.at_least)
        if self.n is not None:
            data["n"] = self.n
        return data


def spread_of(values: Sequence[Decimal]) -> Spread:
    """p10..p90 of ``values`` (NumPy's linear interpolation, as every band of offerlab), in
    cents, with ``n``; the values are yearly amounts of one currency. Floats are used inside
    the computation only."""
    # NumPy loads only where percentiles are computed from values (the bundled and official
    # bands come computed): a command answering from them does not pay for it.
    import numpy as np

    points = np.percentile(np.array([float(v) for v in values], dtype=np.float64), PERCENTILES)
    p10, p25, p50, p75, p90 = (to_cents(Decimal(repr(float(p)))) for p in points)
    return Spread(p10=p10, p25=p25, p50=p50, p75=p75, p90=p90, n=len(values))


@dataclass(frozen=True, slots=True)
class Restatement:
    """Figures dated ``from_date`` brought to ``to_date`` at ``rate_pct`` a year (compounded over
    ``years``), with the rate's method: a restated band is labelled so, never passed as new."""

    from_date: date
    to_date: date
    rate_pct: Decimal
    years: Decimal
    method: str

    @property
    def factor(self) -> Decimal:
        """(1 + rate) ** years."""
        return (1 + self.rate_pct / 100) ** self.years

    def describe(self) -> str:
        return (
            f"restated from {self.from_date.isoformat()} to {self.to_date.isoformat()} at "
            f"{self.rate_pct}% a year over {self.years} years ({self.method})"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
            "rate_pct": self.rate_pct,
            "years": self.years,
            "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class EvidenceBand:
    """One source's band for a cell.

    ``label`` says what the cell is in words ("Software Developers, all employers,
    Seattle-Tacoma-Bellevue, base pay, May 2025"). ``measures`` is ``total`` when the band gives
    total pay, else ``base``. ``n`` is the records behind it (for official statistics the
    employment the estimate covers, ``n_means`` says which; None when not stated).
    ``reference_date`` is the date its age is measured from: the median record date, a
    statistic's reference date, or a guide's publication date. ``grade`` is its confidence.
    """

    source: str
    kind: Kind
    label: str
    currency: str
    n: int | None
    n_means: str
    first_date: date | None
    last_date: date | None
    median_date: date | None
    reference_date: date
    as_of: date
    match: Match
    grade: ConfidenceGrade
    base: Spread | None
    total: Spread | None
    restated: Restatement | None = None
    exchange_rate: Rate | None = None
    notes: tuple[str, ...] = ()
    attribution: str = ""

    @property
    def measures(self) -> Measures:
        return "total" if self.total is not None else "base"

    @property
    def confidence(self) -> Confidence:
        return self.grade.confidence

    @property
    def age_years(self) -> Decimal:
        """Years from the data's date to the as-of date (restating does not change it)."""
        return years_between(self.reference_date, self.as_of)

    @property
    def has_percentiles(self) -> bool:
        return any(s is not None and s.has_percentiles for s in (self.base, self.total))

    def as_json(self) -> dict[str, Any]:
        rate = self.exchange_rate
        return {
            "source": self.source,
            "kind": self.kind,
            "label": self.label,
            "currency": self.currency,
            "measures": self.measures,
            "n": self.n,
            "n_means": self.n_means,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "median_date": self.median_date.isoformat() if self.median_date else None,
            "reference_date": self.reference_date.isoformat(),
            "age_years": self.age_years,
            "match": self.match,
            "confidence": self.confidence,
            "confidence_factors": self.grade.as_json(),
            "restated": self.restated.as_json() if self.restated else None,
            "exchange_rate": None if rate is None else {**rate.as_json(), "warning": _stale(rate)},
            "base": self.base.as_json() if self.base else None,
            "total": self.total.as_json() if self.total else None,
            "notes": list(self.notes),
            "attribution": self.attribution,
        }


def evidence_band(
    *,
    source: str,
    kind: Kind,
    label: str,
    currency: str,
    n: int | None,
    n_means: str,
    reference_date: date,
    as_of: date,
    match: Match,
    base: Spread | None,
    total: Spread | None,
    first_date: date | None = None,
    last_date: date | None = None,
    median_date: date | None = None,
    rse_pct: Decimal | None = None,
    notes: tuple[str, ...] = (),
    attribution: str = "",
) -> EvidenceBand:
    """An :class:`EvidenceBand` graded by :func:`~offerlab.market.confidence.grade_confidence`
    (``rse_pct``: the publisher's relative standard error, for official statistics)."""
    grade = grade_confidence(
        n=n, age_years=years_between(reference_date, as_of), match=match, rse_pct=rse_pct
    )
    return EvidenceBand(
        source=source,
        kind=kind,
        label=label,
        currency=currency,
        n=n,
        n_means=n_means,
        first_date=first_date,
        last_date=last_date,
        median_date=median_date,
        reference_date=reference_date,
        as_of=as_of,
        match=match,
        grade=grade,
        base=base,
        total=total,
        notes=notes,
        attribution=attribution,
    )


def _stale(rate: Rate) -> str | None:
    age = rate.age_days
    if age is None or age <= STALE_AFTER_DAYS:
        return None
    return (
        f"the rate is {age:,} days older than {rate.used_for}, the date it is used for "
        f"(more than {STALE_AFTER_DAYS}); give a newer one with --rate "
        f"{rate.from_}:{rate.to}=VALUE@YYYY-MM-DD"
    )


def convert_band(band: EvidenceBand, to: str, rates: RatesTable) -> EvidenceBand:
    """``band`` in currency ``to`` at the latest rate dated on or before its as-of date.

    A band already in ``to`` is returned as it is. The converted band names the rate and its
    date (``exchange_rate``) and says when the rate is more than 30 days old for the as-of
    date. No rate on or before that date is an InputError naming the rate to add.
    """
    code = to.strip().upper()
    if code not in CURRENCIES:
        raise InputError(f"--currency {to!r} is not an ISO 4217 code such as USD, GBP or INR")
    if band.currency == code:
        return band
    try:
        rate = rates.rate(band.currency, code, band.as_of)
    except InputError as error:
        raise InputError(
            f"{band.source} ({band.label}) is in {band.currency}: {error.message}",
            option="--currency",
        ) from None
    note = f"converted from {band.currency} at {rate.describe()}"
    stale = _stale(rate)
    notes = (*band.notes, note, *([f"warning: {stale}"] if stale else []))
    return replace(
        band,
        currency=code,
        base=band.base.scaled(rate.value) if band.base else None,
        total=band.total.scaled(rate.value) if band.total else None,
        exchange_rate=rate,
        notes=notes,
    )


_CONFIDENCE_RANK: Final[dict[str, int]] = {"high": 0, "medium": 1, "low": 2}
_MATCH_RANK: Final[dict[str, int]] = {"exact": 0, "company": 1, "occupation": 2}


def _key(band: EvidenceBand) -> tuple[int, int, int, Decimal, int]:
    return (
        _CONFIDENCE_RANK[band.confidence],
        0 if band.measures == "total" else 1,
        _MATCH_RANK[band.match],
        band.age_years,
        -(band.n or 0),
    )


_RULES: Final = (
    "it has the highest confidence ({confidence})",
    "of the bands with {confidence} confidence it is one that measures total pay, which is what "
    "an offer is judged on",
    "of the {confidence}-confidence bands that measure {measures} pay it matches the query most "
    "closely ({match})",
    "of the equally close {confidence}-confidence bands it has the youngest data "
    "({age} years at the as-of date)",
    "of the otherwise equal bands it has the most records (n = {n})",
)


def pick_headline(bands: tuple[EvidenceBand, ...] | list[EvidenceBand]) -> tuple[int | None, str]:
    """The index of the headline band and why, by these rules in turn:

    1. only a band with percentiles can be the headline (a guide's range does not say where
       an offer sits in it);
    2. the highest confidence;
    3. among equals, one that measures total pay over one that measures base pay only;
    4. then the closer match (exact > company > occupation);
    5. then the younger data (smaller age at the as-of date);
    6. then the larger n; a tie left after that goes to the first band listed.

    The answer names the rule that separated the headline from the runner-up. None (and why)
    when no band has percentiles.
    """
    candidates = [i for i, b in enumerate(bands) if b.has_percentiles]
    if not candidates:
        if not bands:
            return None, "no source has this cell"
        return None, "no band has percentiles (a guide's table gives ranges only), so none leads"
    ranked = sorted(candidates, key=lambda i: _key(bands[i]))
    best = bands[ranked[0]]
    head = f"{best.source} ({_KIND_WORDS[best.kind]}) leads"
    if len(ranked) == 1:
        others = len(bands) - 1
        why = "it is the only band with percentiles" if others else "it is the only band"
        return ranked[0], f"{head}: {why}"
    runner = bands[ranked[1]]
    mine, theirs = _key(best), _key(runner)
    rule = next((k for k in range(len(mine)) if mine[k] != theirs[k]), None)
    values = {
        "confidence": best.confidence,
        "measures": best.measures,
        "match": best.match,
        "age": best.age_years,
        "n": best.n,
    }
    if rule is None:
        reason = "it ties with the next band on every rule and is listed first"
    else:
        reason = _RULES[rule].format(**values)
    return ranked[0], f"{head}: {reason}"


@dataclass(frozen=True, slots=True)
class MarketEvidence:
    """The answer to a bands query: every source's band, the headline and why.

    ``currency`` is the currency asked for (every band converted into it), or None when the
    bands stay in their sources' currencies.
    """

    as_of: date
    currency: str | None
    bands: tuple[EvidenceBand, ...]
    headline: int | None
    why: str
    query: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        bands: list[EvidenceBand] | tuple[EvidenceBand, ...],
        *,
        as_of: date,
        currency: str | None = None,
        query: dict[str, Any] | None = None,
        notes: tuple[str, ...] = (),
    ) -> MarketEvidence:
        """The answer over ``bands`` with the headline picked by :func:`pick_headline`."""
        listed = tuple(bands)
        headline, why = pick_headline(listed)
        return cls(as_of, currency, listed, headline, why, dict(query or {}), notes)

    @property
    def headline_band(self) -> EvidenceBand | None:
        return None if self.headline is None else self.bands[self.headline]

    def as_json(self) -> dict[str, Any]:
        head = self.headline_band
        return {
            "as_of": self.as_of.isoformat(),
            "currency": self.currency or (head.currency if head else None),
            "headline": self.headline,
            "why": self.why,
            "bands": [b.as_json() for b in self.bands],
            "query": self.query,
            "notes": list(self.notes),
        }
