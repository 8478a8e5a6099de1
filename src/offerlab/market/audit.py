"""Audit the market sources: where a source contradicts itself or the measured data.

Findings are data. Each puts the figures a source states beside the figures computed from its
own stated parts (or measured in the bundled records), so a reader can see the gap. Checks:

* ``package-total``: a worked package's stated total against its parts, under each common
  convention of a yearly total (Year 1 with the signing bonus; a recurring year without it; the
  4-year average with the signing bonus spread over four years). The package is evaluated with
  :mod:`offerlab.offers` (the guide's vesting schedule, bonus on target).
* ``package-cell``: a stated per-year RSU, bonus, Year 1 total or increase against its parts.
* ``range-total``: a stated total range that the stated part ranges cannot produce.
* ``row-total``: a single stated total that is not the sum of its stated parts.
* ``loose-total``: a total defined so loosely ("a portion of equity") that it cannot be
  checked; the finding says why and gives the bounds the parts allow.
* ``level-names``: a guide's level names that cannot be placed on the company's ladder.
* ``measured``: a stated range or claim against the median measured in the bundled records
  (levels.fyi 2017-2021: older than the guides, so a gap can be growth as much as error).
* ``records``: records whose stated total is not the sum of their stated parts.

All amounts are yearly USD :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from decimal import Decimal

from offerlab.market.audit_oews import oews_findings as measured_against_oews
from offerlab.market.bundled import BundledBand, bundled_band, bundled_meta
from offerlab.market.findings import Figure, Finding, Severity, stated_tolerance
from offerlab.market.sources import (
    GuideBand,
    GuidePackage,
    Range,
    SeedGuide,
    get_source,
    seed_guides,
)
from offerlab.money import to_cents
from offerlab.offers import EquityGrant, Offer, SigningBonus, evaluate

__all__ = ["Figure", "Finding", "Severity", "audit", "package_totals"]

_HUNDRED = Decimal(100)


def _k(value: Decimal) -> str:
    """An amount in thousands, as guides write it: 346500 -> "$346.5K"."""
    thousands = (value / 1000).quantize(Decimal("0.01")).normalize()
    return f"${thousands:f}K"


def _close(stated: Decimal, computed: Decimal, text: str) -> bool:
    return abs(stated - computed) <= stated_tolerance(text)


# --- worked packages ---------------------------------------------------------------------------


def package_totals(guide: SeedGuide, package: GuidePackage) -> dict[str, Decimal]:
    """A package's yearly total under each convention, from :func:`offerlab.offers.evaluate`.

    ``year1``: Year 1 including the signing bonus; ``recurring``: a year without it (Year 2);
    ``average``: the average of the 4 years (signing bonus spread over them). Also the parts:
    ``rsu_per_year`` (Year 1 vests) and ``bonus`` (target percent of base).
    """
    years = guide.rsu_years or 4
    offer = Offer(
        company=guide.company,
        title=package.scenario,
        level=package.level,
        location="Redmond, WA",
        currency=guide.currency,
        base=package.base,
        bonus_target_pct=package.bonus_pct,
        signing=SigningBonus(amount=package.signing) if package.signing else None,
        equity=[EquityGrant(name="RSU", value=package.rsu_grant)],
    )
    evaluation = evaluate(offer, years=years)
    totals = {
        "year1": evaluation.year(1).total.amount,
        "recurring": evaluation.year(2).total.amount,
        "average": evaluation.annualized_total.amount,
        "rsu_per_year": package.rsu_grant / years,
        "bonus": package.base * package.bonus_pct / _HUNDRED,
    }
    return {key: to_cents(value).normalize() + 0 for key, value in totals.items()}


_CONVENTIONS = {
    "year1": "Year 1: base + RSU vested in year 1 + bonus + signing",
    "recurring": "recurring year: base + RSU per year + bonus (no signing)",
    "average": "4-year average: base + RSU per year + bonus + signing / 4",
}


_SHORT = {"year1": "Year 1", "recurring": "recurring-year", "average": "4-year average"}


def _package_findings(guide: SeedGuide) -> list[Finding]:
    findings: list[Finding] = []
    name = guide.source.name
    initial_year1: dict[str, Decimal] = {}
    matched_by_scenario: dict[str, list[str]] = {}
    for package in guide.packages:
        totals = package_totals(guide, package)
        subject = f"{package.scenario}: {package.name} ({guide.company} {package.level})"
        parts = (
            f"base {_k(package.base)}, RSU {_k(package.rsu_grant)}/{guide.rsu_years or 4}yr, "
            f"bonus {package.bonus_pct}%, signing {_k(package.signing)}"
        )
        computed = tuple(Figure(label, totals[key]) for key, label in _CONVENTIONS.items())
        matches = [
            key
            for key in _CONVENTIONS
            if _close(package.stated_total, totals[key], package.stated_total_text)
        ]
        earlier = matched_by_scenario.setdefault(package.scenario, [])
        if not matches:
            hint = ""
            if earlier:
                convention = earlier[0]
                hint = (
                    f"; the scenario's first package follows the {_SHORT[convention]} "
                    f"convention, which gives {_k(totals[convention])} here"
                )
            findings.append(
                Finding(
                    source=name,
                    check="package-total",
                    severity="contradiction",
                    subject=subject,
                    message=(
                        f"stated {package.stated_total_text} does not follow from its parts "
                        f"({parts}) under any usual convention{hint}"
                    ),
                    stated=(
                        Figure("stated total", package.stated_total, package.stated_total_text),
                    ),
                    computed=computed,
                )
            )
        else:
            earlier.extend(matches)
        if package.name == "Initial":
            initial_year1[package.scenario] = totals["year1"]
        cells = [
            ("RSU per year", package.stated_rsu_per_year, totals["rsu_per_year"], "RSU / years"),
            ("bonus", package.stated_bonus, totals["bonus"], "base x bonus %"),
            ("Year 1 TC", package.stated_year1, totals["year1"], _CONVENTIONS["year1"]),
        ]
        for label, stated, value, how in cells:
            if stated is None:
                continue
            text = package.stated_year1_text if label == "Year 1 TC" else _k(stated)
            if not _close(stated, value, text):
                findings.append(
                    Finding(
                        source=name,
                        check="package-cell",
                        severity="contradiction",
                        subject=subject,
                        message=f"stated {label} {text} is not {how} = {_k(value)}",
                        stated=(Figure(f"stated {label}", stated, text),),
                        computed=(Figure(how, value),),
                    )
                )
        base_year1 = initial_year1.get(package.scenario)
        if package.stated_increase is not None and base_year1 is not None:
            increase = totals["year1"] - base_year1
            text = package.stated_increase_text
            if not _close(package.stated_increase, increase, text):
                findings.append(
                    Finding(
                        source=name,
                        check="package-cell",
                        severity="contradiction",
                        subject=subject,
                        message=(
                            f"stated increase {text} over the initial offer is not the "
                            f"difference of the Year 1 totals, {_k(increase)}"
                        ),
                        stated=(Figure("stated increase", package.stated_increase, text),),
                        computed=(Figure("Year 1 TC minus the initial offer's", increase),),
                    )
                )
    return findings


# --- table rows --------------------------------------------------------------------------------


def _stock_range(guide: SeedGuide, band: GuideBand) -> Range | None:
    if band.stock_per_year is not None:
        return band.stock_per_year
    if band.rsu_grant is not None:
        years = Decimal(guide.rsu_years or 4)
        grant = band.rsu_grant
        return Range(grant.low / years, grant.high / years, f"{grant.text} / {years}")
    return None


def _bounds(guide: SeedGuide, band: GuideBand) -> dict[str, tuple[Decimal, Decimal]]:
    """The totals the stated part ranges allow, per convention: (lowest, highest)."""
    zero = (Decimal(0), Decimal(0))
    base = (band.base.low, band.base.high) if band.base else zero
    stock_range = _stock_range(guide, band)
    stock = (stock_range.low, stock_range.high) if stock_range else zero
    if band.bonus_pct is not None:
        bonus = (
            base[0] * band.bonus_pct.low / _HUNDRED,
            base[1] * band.bonus_pct.high / _HUNDRED,
        )
    elif band.bonus_amount is not None:
        bonus = (band.bonus_amount, band.bonus_amount)
    else:
        bonus = zero
    signing = (band.signing.low, band.signing.high) if band.signing else zero
    recurring = (base[0] + stock[0] + bonus[0], base[1] + stock[1] + bonus[1])
    bounds = {"recurring": recurring}
    if band.signing is not None:
        years = Decimal(guide.rsu_years or 4)
        bounds["year1"] = (recurring[0] + signing[0], recurring[1] + signing[1])
        bounds["average"] = (recurring[0] + signing[0] / years, recurring[1] + signing[1] / years)
    return bounds


def _row_findings(guide: SeedGuide) -> list[Finding]:
    findings: list[Finding] = []
    name = guide.source.name
    for band in guide.bands:
        subject = f"{guide.company} {band.level}"
        bounds = _bounds(guide, band)
        total = band.total
        if guide.loose_total:
            stock = _stock_range(guide, band)
            base_bonus = bounds["recurring"]
            without = (
                base_bonus[0] - (stock.low if stock else 0),
                base_bonus[1] - (stock.high if stock else 0),
            )
            findings.append(
                Finding(
                    source=name,
                    check="loose-total",
                    severity="cannot-check",
                    subject=subject,
                    message=(
                        f"'{guide.total_label}' is defined as {guide.total_definition}, so "
                        f"{total.text} cannot be checked against its parts: any portion of "
                        f"equity fits between base + bonus ({_k(without[0])}-{_k(without[1])}) "
                        f"and base + bonus + equity ({_k(base_bonus[0])}-{_k(base_bonus[1])})"
                    ),
                    stated=(Figure(f"stated {guide.total_label}", total.low, total.text),),
                    computed=(
                        Figure("base + bonus, lowest", without[0]),
                        Figure("base + bonus, highest", without[1]),
                        Figure("base + bonus + equity, lowest", base_bonus[0]),
                        Figure("base + bonus + equity, highest", base_bonus[1]),
                    ),
                )
            )
            continue
        labels = {
            "recurring": "base + stock per year + bonus",
            "year1": "... + signing (Year 1)",
            "average": "... + signing / 4 (4-year average)",
        }
        if total.single:
            low_high = bounds["recurring"]
            if low_high[0] == low_high[1] and not _close(total.low, low_high[0], total.text):
                findings.append(
                    Finding(
                        source=name,
                        check="row-total",
                        severity="contradiction",
                        subject=subject,
                        message=(
                            f"stated {guide.total_label} {total.text} is not the sum of the "
                            f"stated parts, {_k(low_high[0])} (gap {_k(total.low - low_high[0])})"
                        ),
                        stated=(Figure(f"stated {guide.total_label}", total.low, total.text),),
                        computed=(Figure(labels["recurring"], low_high[0]),),
                    )
                )
            continue

        def fits(low_high: tuple[Decimal, Decimal], total: Range = total) -> bool:
            low_ok = total.low >= low_high[0] - stated_tolerance(total.text)
            high_ok = total.open_high or total.high <= low_high[1] + stated_tolerance(total.text)
            return low_ok and high_ok

        if not any(fits(b) for b in bounds.values()):
            computed = []
            for key, (low, high) in bounds.items():
                computed.append(Figure(f"{labels[key]}, lowest", low))
                computed.append(Figure(f"{labels[key]}, highest", high))
            findings.append(
                Finding(
                    source=name,
                    check="range-total",
                    severity="contradiction",
                    subject=subject,
                    message=(
                        f"stated {guide.total_label} {total.text} reaches totals its stated "
                        "parts cannot give under any convention: "
                        + "; ".join(
                            f"{labels[k]}: {_k(lo)}-{_k(hi)}" for k, (lo, hi) in bounds.items()
                        )
                    ),
                    stated=(
                        Figure("stated total, low", total.low, total.text),
                        Figure("stated total, high", total.high, total.text),
                    ),
                    computed=tuple(computed),
                )
            )
    return findings


def _level_name_findings(guide: SeedGuide) -> list[Finding]:
    unplaced = [level for level in guide.levels if not level.canonical]
    if not unplaced:
        return []
    names = ", ".join(level.name for level in unplaced)
    return [
        Finding(
            source=guide.source.name,
            check="level-names",
            severity="cannot-check",
            subject=f"{guide.company} {names}",
            message=(
                f"the guide's levels {names} are not {guide.company} level names and its text "
                "does not place them on the ladder, so their rows cannot be compared with the "
                "records"
            ),
            stated=tuple(Figure(f"level {level.name}", None, level.title) for level in unplaced),
            computed=(),
        )
    ]


# --- against the measured data -----------------------------------------------------------------


def _measured(guide: SeedGuide, level: str) -> BundledBand | None:
    """The closest bundled band for a guide's level: Seattle metro x specialty, then the
    specialty anywhere, then the level over all records."""
    for location, spec in (
        ("Seattle metro", guide.specialty),
        (None, guide.specialty),
        ("Seattle metro", None),
        (None, None),
    ):
        if spec is None and guide.specialty is not None and location == "Seattle metro":
            continue
        band = bundled_band(guide.company, level, location, spec)
        if band is not None:
            return band
    return None


def _describe(band: BundledBand) -> str:
    where = [part for part in (band.specialty, band.metro, band.country) if part]
    scope = f"{band.company} {band.level}" + (f" {', '.join(where)}" if where else "")
    return f"{scope}, n={band.n}, {band.first.year}-{band.last.year}"


def _measured_findings(guide: SeedGuide) -> list[Finding]:
    findings: list[Finding] = []
    name = guide.source.name
    for band in guide.bands:
        canonical = guide.level(band.level).canonical
        components: list[tuple[str, Range | None]] = [
            ("base", band.base),
            ("stock", _stock_range(guide, band)),
        ]
        if not guide.loose_total:
            components.append(("total", band.total))
        for component, stated in components:
            if stated is None:
                continue
            for level in canonical:
                measured = _measured(guide, level)
                pct = measured.points(component) if measured else None
                if measured is None or pct is None:
                    continue
                if stated.single:
                    # A single typical figure: does it lie in the middle half of the records?
                    if pct.p25 <= stated.low <= pct.p75:
                        continue
                    what = "lies outside the measured middle half (p25-p75)"
                    detail = f"{_k(pct.p25)}-{_k(pct.p75)}"
                else:
                    if stated.contains(pct.p50):
                        continue
                    side = "below" if pct.p50 < stated.low else "above"
                    what = "does not contain the measured median"
                    detail = f"{_k(pct.p50)}, {side}"
                findings.append(
                    Finding(
                        source=name,
                        check="measured",
                        severity="disagrees-with-data",
                        subject=f"{guide.company} {band.level}: {component} at {level}",
                        message=(
                            f"stated {component} {stated.text or _k(stated.low)} {what} "
                            f"{detail} ({_describe(measured)}; the guide is dated "
                            f"{guide.source.date})"
                        ),
                        stated=(
                            Figure(f"stated {component}, low", stated.low, stated.text),
                            Figure(f"stated {component}, high", stated.high, stated.text),
                        ),
                        computed=(
                            Figure(f"measured p25 {component}", pct.p25),
                            Figure(f"measured p50 {component}", pct.p50),
                            Figure(f"measured p75 {component}", pct.p75),
                        ),
                    )
                )
    for step in guide.steps:
        low = _measured(guide, step.from_level)
        high = _measured(guide, step.to_level)
        low_total = low.points("total") if low is not None else None
        high_total = high.points("total") if high is not None else None
        if low is None or high is None or low_total is None or high_total is None:
            continue
        increase = high_total.p50 - low_total.p50
        if step.increase.contains(increase):
            continue
        findings.append(
            Finding(
                source=name,
                check="measured",
                severity="disagrees-with-data",
                subject=f"{guide.company} {step.from_level} -> {step.to_level}",
                message=(
                    f"stated step {step.increase.text} in yearly TC; the measured medians "
                    f"differ by {_k(increase)} ({_describe(low)}; {_describe(high)})"
                ),
                stated=(
                    Figure("stated increase, low", step.increase.low, step.increase.text),
                    Figure("stated increase, high", step.increase.high, step.increase.text),
                ),
                computed=(
                    Figure(f"measured p50 total at {step.from_level}", low_total.p50),
                    Figure(f"measured p50 total at {step.to_level}", high_total.p50),
                    Figure("difference", increase),
                ),
            )
        )
    for row in guide.mapping:
        measured = _measured(guide, row.level)
        if measured is None or measured.median_years_experience is None:
            continue
        years = measured.median_years_experience
        if row.years.contains(years):
            continue
        findings.append(
            Finding(
                source=name,
                check="measured",
                severity="disagrees-with-data",
                subject=f"{guide.company} {row.level}: years of experience",
                message=(
                    f"the level-mapping table gives {row.years.text} years of experience for "
                    f"{row.label}; the records' median is {years.normalize():f} "
                    f"({_describe(measured)})"
                ),
                stated=(
                    Figure("stated years, low", row.years.low, row.years.text),
                    Figure("stated years, high", row.years.high, row.years.text),
                ),
                computed=(Figure("measured median years of experience", years),),
            )
        )
    for claim in guide.claims:
        measured = _measured(guide, claim.level)
        pct = measured.points(claim.component) if measured else None
        if measured is None or pct is None or pct.p50 > claim.above:
            continue
        findings.append(
            Finding(
                source=name,
                check="measured",
                severity="disagrees-with-data",
                subject=f"{guide.company} {claim.level}: {claim.statistic} {claim.component}",
                message=(
                    f"the guide puts the {claim.statistic} {claim.component} above "
                    f"{_k(claim.above)}; measured {_k(pct.p50)} ({_describe(measured)})"
                ),
                stated=(Figure(f"stated {claim.statistic}, above", claim.above, claim.text),),
                computed=(Figure(f"measured p50 {claim.component}", pct.p50),),
            )
        )
    return findings


def _records_findings() -> list[Finding]:
    meta = bundled_meta()
    checks = meta.checks
    with_base = checks.get("records_with_all_parts", 0)
    off = checks.get("total_not_sum", 0)
    if not off:
        return []
    return [
        Finding(
            source=meta.source,
            check="records",
            severity="contradiction",
            subject=f"{meta.file}",
            message=(
                f"{off:,} of {with_base:,} records that state base, stock and bonus state a "
                f"total that differs from their sum by more than $1K "
                f"({checks.get('total_not_sum_10pct', 0):,} by more than 10%); bands use each "
                "component as stated, so p50 total is not p50 base + p50 stock + p50 bonus"
            ),
            stated=(Figure("records stating base, stock and bonus", Decimal(with_base)),),
            computed=(
                Figure("total differs from the sum by > $1K", Decimal(off)),
                Figure(
                    "total differs from the sum by > 10%",
                    Decimal(checks.get("total_not_sum_10pct", 0)),
                ),
            ),
        )
    ]


def oews_findings(guide: SeedGuide) -> list[Finding]:
    """The findings official statistics can test (:mod:`offerlab.market.audit_oews`)."""
    return measured_against_oews(guide)


def audit(source: str | None = None) -> list[Finding]:
    """Every finding for every bundled source, or for the source named ``source``.

    An unknown source name is a NotFoundError listing the known ones.
    """
    if source is not None:
        source = get_source(source).name
    findings: list[Finding] = []
    for guide in seed_guides():
        if source is not None and guide.source.name != source:
            continue
        findings.extend(_level_name_findings(guide))
        findings.extend(_package_findings(guide))
        findings.extend(_row_findings(guide))
        findings.extend(_measured_findings(guide))
        findings.extend(oews_findings(guide))
    if source is None or source == bundled_meta().source:
        findings.extend(_records_findings())
    return findings
