"""Bands: percentiles of pay over matching records, with the bundled data as a fallback.

Percentiles are NumPy's linear interpolation over the records that report the component
(amount > 0; levels.fyi writes base 0 where only a total was given). Amounts are yearly, in the
records' currency; floats are used inside the computation and the edges are Decimal cents.
A band from fewer than ``min_n`` records is never shown: the answer says how many there are.

A band asked for in a currency (``currency``) comes from the records in that currency when any
match; otherwise from the records (or bundled band) in their own currency, restated with the
latest dated rate on or before the as-of date (today without one). The answer names the rate;
no rate is an error, never a band relabelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from offerlab.errors import InputError, NotFoundError, OfferlabError
from offerlab.market import bundled
from offerlab.market.normalize import canonical_company, level_order, normalize_level, specialty
from offerlab.market.ports import MarketRecords, RecordQuery
from offerlab.market.stats import COMPONENTS, ComponentBand, LevelStats, Percentiles
from offerlab.money import CURRENCIES, to_cents
from offerlab.scenarios.currency import Rate, RatesTable

if TYPE_CHECKING:
    pass

__all__ = [
    "DEFAULT_MIN_N",
    "Band",
    "GrowthRate",
    "band",
    "growth_rate",
    "level_stats",
    "restate_band",
]

DEFAULT_MIN_N: Final = 5
#: A year needs this many records to count towards a measured growth rate.
GROWTH_MIN_PER_YEAR: Final = 20


@dataclass(frozen=True, slots=True)
class GrowthRate:
    """A yearly comp-growth rate (0.05 = 5 %/year) and where it came from."""

    rate: float
    basis: Literal["given", "measured"]
    detail: str
    medians: dict[int, Decimal] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "rate": round(self.rate, 6),
            "basis": self.basis,
            "detail": self.detail,
            "yearly_median_total": {str(y): v for y, v in self.medians.items()},
        }


@dataclass(frozen=True, slots=True)
class Band:
    """A bands answer. ``shown`` is false when fewer than ``min_n`` records match."""

    n: int
    min_n: int
    components: dict[str, ComponentBand | None]
    filters: dict[str, Any]
    basis: Literal["records", "bundled"]
    sources: list[dict[str, Any]]
    currency: str
    as_of: date | None = None
    growth: GrowthRate | None = None
    note: str = ""
    #: The rate the amounts were restated with, from ``restated_from`` into ``currency``.
    rate: Rate | None = None
    restated_from: str | None = None

    @property
    def shown(self) -> bool:
        return self.n >= self.min_n

    @property
    def message(self) -> str:
        if self.shown:
            return self.note
        return (
            f"only {self.n} record{'s' if self.n != 1 else ''} match; a band needs at least "
            f"{self.min_n}, so none is shown"
        )

    def as_json(self) -> dict[str, Any]:
        """The ``--json`` contract: n, base/stock/bonus/total percentiles, filters, basis."""
        data: dict[str, Any] = {"n": self.n}
        for name in COMPONENTS:
            component = self.components.get(name)
            data[name] = component.as_json() if component is not None and self.shown else None
        data |= {
            "filters": self.filters,
            "basis": self.basis,
            "sources": self.sources,
            "currency": self.currency,
            "min_n": self.min_n,
            "shown": self.shown,
            "message": self.message,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "growth": self.growth.as_json() if self.growth else None,
            "restated_from": self.restated_from,
            "exchange_rate": self.rate.as_json() if self.rate else None,
        }
        return data


def _cents(value: float) -> Decimal:
    return to_cents(Decimal(repr(float(value))))


def growth_rate(
    repo: MarketRecords, query: RecordQuery, given_pct: float | None = None
) -> GrowthRate:
    """The yearly comp-growth rate for restating: ``given_pct`` if given, else measured.

    Measured with the level (and the query's place, if any) held fixed: for each level of the
    query's company, in the query's location when it names one, a least-squares line through
    log(median total) by calendar year (years with at least 20 records); the rate is
    exp(slope) - 1 of the median slope, weighted by records. (Across all levels the yearly
    medians mix juniors and seniors differently each year.) Without a company, or when no
    level has two such years, one line through all the records' medians.
    """
    import numpy as np  # loads only to compute, not for a band read as it is stored

    if given_pct is not None:
        if not -50 < given_pct < 100:
            raise InputError(f"--growth {given_pct}: expected a yearly percentage such as 5")
        return GrowthRate(given_pct / 100, "given", f"--growth {given_pct:g}% a year")
    label = f"{canonical_company(query.company)} records" if query.company else "all records"
    slopes: list[tuple[float, int, dict[int, float]]] = []
    levels = level_stats(repo, query.company) if query.company else []
    for stat in levels:
        scope = RecordQuery(
            company=query.company,
            level=stat.level,
            location=query.location,
            currency=query.currency,
        )
        fitted = _fit(repo.yearly_totals(scope))
        if fitted is not None:
            slopes.append(fitted)
    if slopes:
        # Each level's own trend, so a shift of the mix between levels is not read as growth.
        slopes.sort(key=lambda item: item[0])
        total = sum(n for _, n, _ in slopes)
        running = 0
        for candidate, n, points in slopes:
            running += n
            if running >= total / 2:
                slope, medians = candidate, points
                break
        rate = float(np.expm1(slope))
        where = f" in {query.location}" if query.location else ""
        detail = (
            f"measured from {label}{where} level by level: median total by year at each of "
            f"{len(slopes)} levels, log-linear fits, the median slope weighted by records: "
            f"{rate * 100:.1f}% a year"
        )
        # The medians shown are those of the level whose slope is the weighted median.
        return GrowthRate(rate, "measured", detail, {y: _cents(v) for y, v in medians.items()})
    scope = RecordQuery(company=query.company, currency=query.currency)
    yearly = repo.yearly_totals(scope)
    medians = {y: m for y, (n, m) in sorted(yearly.items()) if n >= GROWTH_MIN_PER_YEAR}
    if len(medians) < 2:
        raise InputError(
            f"cannot measure a growth rate: {label} have fewer than two years with "
            f"{GROWTH_MIN_PER_YEAR} records or more; give --growth PCT"
        )
    xs = np.array(sorted(medians), dtype=np.float64)
    ys = np.log(np.array([medians[int(y)] for y in xs]))
    slope = float(np.polyfit(xs, ys, 1)[0])
    rate = float(np.expm1(slope))
    first, last = int(xs[0]), int(xs[-1])
    detail = (
        f"measured from {label}: median total by year {first}-{last}, "
        f"log-linear fit, {rate * 100:.1f}% a year"
    )
    return GrowthRate(rate, "measured", detail, {y: _cents(v) for y, v in medians.items()})


def _fit(yearly: Mapping[int, tuple[int, float]]) -> tuple[float, int, dict[int, float]] | None:
    """(log-linear slope of the yearly medians, records behind them, the medians), or None
    with fewer than two years of :data:`GROWTH_MIN_PER_YEAR` records."""
    import numpy as np  # loads only to compute, not for a band read as it is stored

    points = {y: m for y, (n, m) in yearly.items() if n >= GROWTH_MIN_PER_YEAR}
    if len(points) < 2:
        return None
    xs = np.array(sorted(points), dtype=np.float64)
    ys = np.log(np.array([float(points[int(y)]) for y in xs]))
    slope = float(np.polyfit(xs, ys, 1)[0])
    return slope, sum(yearly[y][0] for y in points), {y: float(m) for y, m in points.items()}


def restate_band(found: Band, rate: Rate) -> Band:
    """``found`` in ``rate.to``: every amount times the rate, rounded to cents once, and the
    note says which rate (and that a rate changes the money, not the place)."""
    if found.currency != rate.from_:
        raise InputError(f"a {rate.from_}->{rate.to} rate cannot restate a {found.currency} band")

    def scaled(values: Percentiles | None) -> Percentiles | None:
        return None if values is None else values.times(rate.value)

    components = {
        name: None if part is None else ComponentBand(part.n, scaled(part.values))
        for name, part in found.components.items()
    }
    growth = found.growth
    if growth is not None and growth.medians:
        medians = {y: to_cents(v * rate.value) for y, v in growth.medians.items()}
        growth = replace(growth, medians=medians)
    place = found.filters.get("location")
    where = (
        f"the records are still those of {place}"
        if place
        else f"the records are still from every place they cover, not from where {rate.to} is paid"
    )
    note = (
        f"restated from {found.currency} at {rate.describe()}; an exchange rate changes the "
        f"money, not the place: {where}"
    )
    return replace(
        found,
        components=components,
        currency=rate.to,
        growth=growth,
        note=f"{found.note}; {note}" if found.note else note,
        rate=rate,
        restated_from=found.currency,
    )


def band(
    repo: MarketRecords,
    *,
    company: str,
    level: str | None = None,
    title: str | None = None,
    tag: str | None = None,
    location: str | None = None,
    since: date | None = None,
    as_of: date | None = None,
    growth_pct: float | None = None,
    sources: Sequence[str] = (),
    currency: str | None = None,
    min_n: int = DEFAULT_MIN_N,
    rates: RatesTable | None = None,
) -> Band:
    """The pay band for a query: from records when any match, else from bundled data.

    ``as_of`` restates each record's amounts in that date's money: times
    (1 + rate) ** (years from the record's date to ``as_of``), the rate given (``growth_pct``)
    or measured (:func:`growth_rate`); records after ``as_of`` are left out.

    ``currency``: the band in that currency. Records in it are used when any match; else the
    band of the records (or the bundled band) in their own currency is restated with the
    latest rate of ``rates`` (default: the shipped table) dated on or before ``as_of`` (or
    today), and says so (:func:`restate_band`). No such rate is an InputError.
    """
    if min_n < 1:
        raise InputError(f"--min-n {min_n}: expected 1 or more")
    _check_level(company, level)
    wanted = _currency_code(currency)
    query = RecordQuery(
        company=company,
        level=level,
        title=title,
        tag=tag,
        location=location,
        since=since,
        until=as_of,
        currency=wanted,
        sources=tuple(sources),
    )
    if wanted is not None:
        native = repo.summary(query, None, 0.0)
        if native is None or native.n == 0:
            query = replace(query, currency=None)  # restated into ``wanted`` below

    def answer(found: Band) -> Band:
        if wanted is None or found.currency == wanted:
            return found
        table = rates if rates is not None else RatesTable.bundled()
        return restate_band(found, table.rate(found.currency, wanted, as_of or date.today()))

    filters: dict[str, Any] = {
        "company": canonical_company(company),
        "level": level,
        "title": title,
        "tag": tag,
        "location": location,
        "since": since.isoformat() if since else None,
        "as_of": as_of.isoformat() if as_of else None,
        "source": list(sources) or None,
        "currency": wanted,
        "min_n": min_n,
    }
    if level is not None:
        filters["level"] = normalize_level(canonical_company(company), level) or level
    growth: GrowthRate | None = None
    if as_of is not None:
        growth = growth_rate(repo, query, growth_pct)
    if as_of is None and wanted is not None and query.currency is not None:
        summary = native  # the records in the currency asked for, summarised just above
    else:
        summary = repo.summary(query, as_of, growth.rate if growth is not None else 0.0)
    n = 0 if summary is None else summary.n
    if summary is None or n == 0:
        fallback = _bundled(company, level, location, tag, title, since, as_of, sources, min_n)
        if fallback is not None:
            return answer(
                Band(
                    fallback.n,
                    min_n,
                    fallback.components,
                    filters,
                    "bundled",
                    fallback.sources,
                    fallback.currency,
                    note=fallback.note,
                )
            )
        why = (
            "; the bundled bands answer only company + level (+ location, specialty) queries "
            "without --since, --as-of, --title or --source"
            if since or as_of or title or sources
            else ""
        )
        hint = (
            "widen the query"
            if repo.count() > 0
            else "import records with `offerlab market import FILE` or widen the query"
        )
        raise NotFoundError(
            "no records match "
            + ", ".join(f"{k} {v}" for k, v in filters.items() if v and k != "min_n")
            + f" and there is no bundled band for it{why}; {hint}"
        )
    if len(summary.currencies) > 1:
        asked = f"none of the matching records is in {wanted}, and " if wanted else ""
        raise InputError(
            f"{asked}the matching records are in {', '.join(summary.currencies)}; "
            "choose one with --currency"
        )
    components: dict[str, ComponentBand | None] = {}
    for name in COMPONENTS:
        count, points = summary.components[name]
        values = None
        if count >= min_n and points:
            values = Percentiles(*(_cents(v) for v in points))
        components[name] = ComponentBand(count, values)
    infos = {s.id: s for s in repo.sources()}
    listed = [
        {
            "name": infos[i].name,
            "file": infos[i].location,
            "licence": infos[i].licence,
            "imported_at": infos[i].imported_at.isoformat(),
            "content_hash": infos[i].content_hash,
        }
        for i in summary.source_ids
        if i in infos
    ]
    return answer(
        Band(n, min_n, components, filters, "records", listed, summary.currencies[0], as_of, growth)
    )


def _currency_code(currency: str | None) -> str | None:
    if currency is None:
        return None
    code = currency.strip().upper()
    if code not in CURRENCIES:
        raise InputError(f"--currency {currency!r} is not an ISO 4217 code such as USD or GBP")
    return code


def _check_level(company: str, level: str | None) -> None:
    """A level the company's ladder does not have is an error that lists the ladder."""
    if level is None:
        return
    name = canonical_company(company)
    try:
        ladder = level_order(name)
    except NotFoundError:
        return  # no curated ladder: any level the records use is fine
    if normalize_level(name, level) not in ladder:
        raise NotFoundError(
            f"{level!r} is not a {name} level; {name}'s levels are {', '.join(ladder)}"
        )


@dataclass(frozen=True, slots=True)
class _Fallback:
    n: int
    components: dict[str, ComponentBand | None]
    sources: list[dict[str, Any]]
    currency: str
    note: str


def _bundled(
    company: str,
    level: str | None,
    location: str | None,
    tag: str | None,
    title: str | None,
    since: date | None,
    as_of: date | None,
    sources: Sequence[str],
    min_n: int,
) -> _Fallback | None:
    """The bundled band for a query it can answer (company + level, optional place/specialty)."""
    if level is None or title is not None or since is not None or as_of is not None or sources:
        return None
    wanted_specialty = specialty(tag) if tag is not None else None
    if tag is not None and wanted_specialty is None:
        return None
    found = bundled.bundled_band(company, level, location=location, specialty=wanted_specialty)
    if found is None:
        return None
    components: dict[str, ComponentBand | None] = {}
    for name in COMPONENTS:
        part: ComponentBand | None = getattr(found, name)
        if part is None or part.values is None:
            components[name] = ComponentBand(0, None)
        else:
            components[name] = ComponentBand(part.n, part.values if part.n >= min_n else None)
    note = f"bundled band for {found.company} {found.level}"
    if found.metro:
        note += f" in the {found.metro}"
    elif found.country:
        note += f" in {found.country}"
    if found.specialty:
        note += f", {found.specialty}"
    note += f" ({found.first.isoformat()} to {found.last.isoformat()}); no imported record matches"
    return _Fallback(
        found.n,
        components,
        [{"name": found.source, "bundled": True}],
        found.currency,
        note,
    )


def level_stats(repo: MarketRecords, company: str) -> list[LevelStats]:
    """Per normalised level of ``company``: n, median years of experience, median total.

    Ordered up the company's ladder where the rules know it, else by median years of
    experience. Empty when no record matches.
    """
    name = canonical_company(company)
    stats = [
        LevelStats(
            company=name,
            level=level,
            n=n,
            median_years_experience=_cents(years) if years is not None else None,
            median_total=_cents(total),
            source="imported records",
        )
        for level, n, years, total in repo.level_summary(company)
    ]
    if not stats:
        return []
    try:
        ladder = level_order(name)
    except OfferlabError:
        ladder = []
    rank = {level: i for i, level in enumerate(ladder)}
    return sorted(
        stats,
        key=lambda s: (
            rank.get(s.level, len(rank)),
            s.median_years_experience if s.median_years_experience is not None else Decimal(99),
            s.level,
        ),
    )
