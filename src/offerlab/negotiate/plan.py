"""The negotiation planner: from an offer, the market and competing offers to target and stretch
counter-offers, each lever with its reason in figures.

Pure: the market comes in through a :class:`~offerlab.negotiate.band.MarketView`, the packages
are evaluated by the offer engine, and nothing is read or written here.

Rules (docs/negotiate.md has them in prose):

* one yardstick for equity: **equity per year** is the value of every grant and refresher
  vesting in offer years 1-4, divided by 4 (:func:`equity_per_year`), as comp sites report
  stock; the benchmark, the equity lever, the packages and competing offers all use it;
* a competing offer is classified against the offer on its Year-1, annualized and four-year
  totals (stronger, weaker, equal each; overall stronger, weaker, mixed or equal); only a
  like-for-like one (same country; in another currency it is restated with a dated rate) that
  is stronger or mixed is ever cited, and only on a lever where it is stronger;
* base: toward the band's p75 (target) and p90 (stretch); never above p90 unless a cited
  competing base is higher (then the stretch matches it) or the initial base is already there
  (then the ask keeps it);
* equity: the grant that brings equity per year to the band's p75 (target) and p90 (stretch),
  or to a cited competing offer's equity per year when that is higher;
* signing: covers the forfeited unvested equity plus the Year-1 gap to current pay, or the
  Year-1 gap to a cited competing offer, whichever is larger;
* level: when the profile's experience reaches the next level's median, ask for it.

Whatever the rules give, stretch >= target >= initial for every component.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from offerlab.errors import InputError
from offerlab.market.evidence import EvidenceBand, MarketEvidence
from offerlab.market.normalize import country_of
from offerlab.market.stats import LevelStats
from offerlab.money import Money, fmt_whole
from offerlab.negotiate.band import (
    BandLookup,
    BandQuery,
    MarketBand,
    MarketView,
    percentile_of,
)
from offerlab.negotiate.competing import (
    MEASURES,
    CompetingOffer,
    best_citable,
    competing_notes,
    country_words,
    measure_competing,
)
from offerlab.negotiate.equity import equity_per_year, grant_for, grants_total, with_grants
from offerlab.negotiate.profile import DEGREE_YEARS, Profile
from offerlab.offers import Component, Offer, OfferEvaluation, evaluate
from offerlab.offers.model import SigningBonus
from offerlab.scenarios.currency import Rate, RatesTable

__all__ = [
    "MEASURES",
    "Benchmark",
    "CompetingOffer",
    "LevelLever",
    "Lever",
    "NegotiationPlan",
    "Package",
    "annual_figures",
    "equity_per_year",
    "plan_negotiation",
]

_DEGREES = {"phd": "PhD", "ms": "MS", "mba": "MBA", "bs": "BS", "ba": "BA", "none": "degree"}
#: Asks are round numbers a person can say: multiples of this.
ROUNDING = Decimal(1000)
#: The stretch on signing when the target already covers what there is to cover.
SIGNING_STRETCH = Decimal("1.25")
#: A signing bonus asked for as a closer when nothing needs covering: this share of base.
SIGNING_CLOSER_PCT = Decimal("0.05")
#: Where the market data is the United States' (a band over every place is mostly US records).
_HOME_COUNTRY = "United States"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The band the offer is measured against, how it was found, and where the offer falls.
    ``rate`` is the dated rate the band was restated into the offer's currency with."""

    band: MarketBand | None
    query: BandQuery | None
    tried: tuple[BandLookup, ...]
    why: str
    offer_annual: dict[str, Money]
    percentiles: dict[str, Decimal | None]
    rate: Rate | None = None
    #: Every source's band side by side (None: the market gave none); the planner's band is
    #: its headline's (see :func:`plan_negotiation`).
    evidence: MarketEvidence | None = None

    @property
    def headline(self) -> EvidenceBand | None:
        return None if self.evidence is None else self.evidence.headline_band

    @property
    def low_confidence(self) -> bool:
        """Whether the headline band is graded low: its p90 alone says nothing firm."""
        headline = self.headline
        return headline is not None and headline.confidence == "low"


@dataclass(frozen=True, slots=True)
class Lever:
    """An amount to ask for: the initial figure, the ask (target) and the stretch, in the offer
    currency. For equity the figures are equity per year (:func:`equity_per_year`), and
    ``grant_ask``/``grant_stretch`` the initial grants' total value that gives them.

    ``anchor`` is the competing offer the ask may cite (like-for-like, not weaker overall, and
    stronger on this lever), else None. ``driver`` says what the ask covers: ``rival`` (the
    anchor's Year 1), ``forfeit`` (unvested equity), ``current`` (current pay), ``band`` or
    ``""``; ``forfeited`` and ``current_gap`` are the signing lever's amounts to cover.
    """

    lever: str
    initial: Money
    ask: Money
    stretch: Money
    reason: str
    grant_ask: Money | None = None
    grant_stretch: Money | None = None
    driver: str = ""
    anchor: CompetingOffer | None = None
    forfeited: Money | None = None
    current_gap: Money | None = None

    @property
    def is_ask(self) -> bool:
        return self.ask != self.initial or self.stretch != self.initial


@dataclass(frozen=True, slots=True)
class LevelLever:
    """The level to ask for: level names in the company's own naming."""

    initial: str
    ask: str
    stretch: str
    reason: str
    lever: str = "level"

    @property
    def is_ask(self) -> bool:
        return self.ask != self.initial or self.stretch != self.initial


@dataclass(frozen=True, slots=True)
class Package:
    """A full offer (initial, target or stretch), evaluated by the offer engine."""

    name: str
    offer: Offer
    evaluation: OfferEvaluation


@dataclass(frozen=True, slots=True)
class NegotiationPlan:
    offer: Offer
    profile: Profile | None
    as_of: date
    benchmark: Benchmark
    competing: tuple[CompetingOffer, ...]
    #: The strongest (annualized) competing offer that is stronger overall and like-for-like;
    #: None when no competing offer beats the offer.
    leverage: CompetingOffer | None
    levers: tuple[Lever | LevelLever, ...]
    packages: tuple[Package, ...]
    notes: tuple[str, ...]
    #: The day the plan was made (a deadline before it has passed).
    today: date

    def package(self, name: str) -> Package:
        for package in self.packages:
            if package.name == name:
                return package
        raise KeyError(name)

    def lever(self, name: str) -> Lever | LevelLever:
        for lever in self.levers:
            if lever.lever == name:
                return lever
        raise KeyError(name)

    @property
    def cited(self) -> tuple[CompetingOffer, ...]:
        """The competing offers the scripts and the email name, in the order given."""
        named = {id(lever.anchor) for lever in self.levers if isinstance(lever, Lever)}
        named.add(id(self.leverage))
        return tuple(c for c in self.competing if id(c) in named)


def _nice(value: Decimal) -> Decimal:
    """Round to the nearest multiple of :data:`ROUNDING` (an amount a person can say)."""
    return (value / ROUNDING).quantize(Decimal(1), rounding=ROUND_HALF_UP) * ROUNDING


def _nice_floor(value: Decimal) -> Decimal:
    return (value / ROUNDING).quantize(Decimal(1), rounding=ROUND_FLOOR) * ROUNDING


def _fmt(value: Decimal | Money) -> str:
    return fmt_whole(value)


def annual_figures(evaluation: OfferEvaluation) -> dict[str, Money]:
    """Yearly base, stock, bonus and total as comp sites report them: year-1 base and target
    bonus, equity per year (:func:`equity_per_year`); no signing, no other items."""
    annual_equity = equity_per_year(evaluation)
    base = evaluation.year(1)[Component.BASE]
    offer = evaluation.offer
    bonus = offer.money(offer.base * offer.bonus_target_pct / 100 * offer.bonus_multiplier)
    return {
        "base": base,
        "stock": annual_equity,
        "bonus": bonus,
        "total": base + annual_equity + bonus,
    }


def _band_steps(
    offer: Offer, as_of: date, title: str | None, specialty: str | None
) -> list[BandQuery]:
    """The band queries, narrowest first: widen by location, then specialty, then title.

    A band over every place is mostly US records, so for an offer in another country the
    widest place is the country: the band is of pay there, or there is none.
    """
    country = country_of(offer.location)

    def q(location: str | None, title_: str | None, specialty_: str | None) -> BandQuery:
        return BandQuery(offer.company, offer.level, location, title_, specialty_, as_of)

    if country is not None and country != _HOME_COUNTRY:
        steps = [
            q(offer.location, title, specialty),
            q(country, title, specialty),
            q(offer.location, title, None),
            q(country, title, None),
            q(offer.location, None, None),
            q(country, None, None),
        ]
    else:
        steps = [
            q(offer.location, title, specialty),
            q(None, title, specialty),
            q(None, title, None),
            q(None, None, None),
        ]
    unique: list[BandQuery] = []
    for step in steps:
        if step not in unique:
            unique.append(step)
    return unique


def _find_band(offer: Offer, market: MarketView, as_of: date, specialty: str | None) -> Benchmark:
    """The narrowest band with enough records (:func:`_band_steps`), and why it was chosen."""
    # An ML/AI title names the specialty: the records file such people under their base title
    # (mostly "Software Engineer") with the ML / AI tag, so the tag carries the title here.
    title: str | None = offer.title
    if specialty is not None and _ML_WORDS.search(offer.title):
        title = None
    unique = _band_steps(offer, as_of, title, specialty)
    tried: list[BandLookup] = []
    for query in unique:
        lookup = market.band(query)
        tried.append(lookup)
        if lookup.band is not None:
            first = unique[0]
            dropped = [
                name
                for name, wanted, used in (
                    ("location", first.location, query.location),
                    ("specialty", first.specialty, query.specialty),
                    ("title", first.title, query.title),
                )
                if wanted and not used
            ]
            if first.location and query.location and query.location != first.location:
                dropped.insert(0, f"location {first.location} for {query.location}")
            if title is None and offer.title:
                dropped_note = f"the title '{offer.title}' is matched by the {specialty} tag"
            else:
                dropped_note = ""
            if dropped:
                thin = ", ".join(
                    f"{t.query.describe()}: {t.note or f'{t.n} records'}" for t in tried[:-1]
                )
                why = (
                    f"widened (dropped {', '.join(dropped)}) because narrower bands were too "
                    f"thin ({thin})"
                )
            else:
                why = "the narrowest band had enough records"
            if dropped_note:
                why += f"; {dropped_note}"
            if lookup.note:
                why += f"; {lookup.note}"
            return Benchmark(lookup.band, query, tuple(tried), why, {}, {})
    country = country_of(offer.location)
    where = (
        f" in {country_words(country)} (a band over every place is mostly US pay, which says "
        f"nothing about pay in {country_words(country)})"
        if country is not None and country != _HOME_COUNTRY
        else ""
    )
    return Benchmark(
        None,
        None,
        tuple(tried),
        f"no market band found for {offer.company} level {offer.level}{where}, even after widening",
        {},
        {},
    )


def _with_evidence(
    found: Benchmark, offer: Offer, market: MarketView, when: date, tag: str | None
) -> Benchmark:
    """The benchmark with every source's band beside it, its band the headline's: the band
    found when the headline is company records (the same records, split by component), else
    the headline band itself (community reports, filings or official statistics: base and
    total only), said so in ``why``."""
    query = BandQuery(offer.company, offer.level, offer.location, offer.title, tag, when)
    evidence = market.evidence(query)
    if evidence is None:
        return found
    headline = evidence.headline_band
    with_evidence = replace(found, evidence=evidence)
    if headline is None or headline.kind == "records":
        return with_evidence
    band = MarketBand.from_evidence(headline)
    if band.base is None and band.total is None:
        return with_evidence
    why = (
        f"the headline of every source: {headline.label} ({evidence.why}); {headline.measures} "
        "pay only, so no equity or bonus band"
    )
    return replace(with_evidence, band=band, query=found.query or query, why=why)


def _restate_band(benchmark: Benchmark, offer: Offer, rates: RatesTable, when: date) -> Benchmark:
    """The benchmark's band in the offer's currency: as it is, restated with the dated rate
    when it is of the offer's place, or no band with a statement why none is comparable."""
    band = benchmark.band
    if band is None or band.currency == offer.currency:
        return benchmark
    query = benchmark.query
    if country_of(offer.location) == _HOME_COUNTRY:
        # The market data puts the place in the US, yet the offer is in another currency
        # ("Dublin" is also a Bay Area city): restating a US band would not be pay there.
        why = (
            f"no comparable band: the market data places {offer.location} in the United States, "
            f"but the offer is in {offer.currency}; a US band restated in {offer.currency} at an "
            "exchange rate would not be pay where the offer is (name the place with its country, "
            "e.g. 'Dublin, Ireland')"
        )
        return replace(benchmark, band=None, why=why)
    if query is None or query.location is None:
        why = (
            f"no comparable band: the band found ({query.describe() if query else ''}) is in "
            f"{band.currency} over every place, mostly US pay; restating it in "
            f"{offer.currency} at an exchange rate would not make it pay in {offer.location}"
        )
        return replace(benchmark, band=None, why=why)
    try:
        rate = rates.rate(band.currency, offer.currency, when)
    except InputError as error:
        why = (
            f"no comparable band: the band for {query.describe()} is in {band.currency} and "
            f"there is no rate to restate it in {offer.currency} ({error.message})"
        )
        return replace(benchmark, band=None, why=why)
    why = (
        f"{benchmark.why}; the records state pay in {band.currency}, restated in "
        f"{offer.currency} at {rate.describe()}: the rate changes the money, not the place, "
        f"and as the records were turned into {band.currency} at the rates of their own "
        "dates, a currency's moves since then show in these figures"
    )
    return replace(benchmark, band=band.restated(rate), why=why, rate=rate)


def _position(benchmark: Benchmark, evaluation: OfferEvaluation) -> Benchmark:
    figures = annual_figures(evaluation)
    percentiles: dict[str, Decimal | None] = {"base": None, "equity": None, "total": None}
    band = benchmark.band
    if band is not None and band.currency == evaluation.currency:
        for key, part in (("base", band.base), ("equity", band.stock), ("total", band.total)):
            figure = figures["stock" if key == "equity" else key]
            if part is not None:
                percentiles[key] = percentile_of(figure.amount, part).quantize(Decimal("0.1"))
    return replace(benchmark, offer_annual=figures, percentiles=percentiles)


def _caveat(trust: EvidenceBand | None) -> str:
    """``the band has low confidence (7.0 years old ...)`` for a low-confidence headline."""
    if trust is None or trust.confidence != "low":
        return ""
    return f"the band has low confidence ({trust.grade.why.removeprefix('low: ')})"


def _base_lever(
    offer: Offer,
    band: MarketBand | None,
    rivals: Sequence[CompetingOffer],
    trust: EvidenceBand | None = None,
) -> Lever:
    initial = offer.base
    best = best_citable(rivals, "base", lambda c: c.offer.base)
    competing_base = best.offer.base if best is not None else None
    parts = band.base if band is not None else None
    if parts is None:
        if best is not None and competing_base is not None:
            ask = max(initial, min(_nice(competing_base), competing_base))
            reason = (
                f"no market band for base; {best.offer.display_name} pays "
                f"{_fmt(competing_base)} base against {_fmt(initial)}: ask to match it"
            )
            money = offer.money(ask)
            return Lever(
                "base", offer.money(initial), money, money, reason, driver="rival", anchor=best
            )
        reason = "no market band and no higher competing base to anchor a base ask: keep it"
        money = offer.money(initial)
        return Lever("base", money, money, money, reason)

    p75, p90 = parts.p75, parts.p90
    caveat = _caveat(trust)
    if initial >= p90:
        stretch = initial
        if caveat:
            # Old or thin data alone must not tell the user their base is already high.
            reason = (
                f"the base {_fmt(initial)} is above this band's p90 ({_fmt(p90)}), but {caveat}: "
                "that alone does not show the base is high, so no ask is derived from it; "
                "anchor a base ask on a competing offer or on the current sources shown beside "
                "the band"
            )
        else:
            reason = (
                f"the base {_fmt(initial)} is already above the band's p90 ({_fmt(p90)}): keep "
                "it as the ask and spend the negotiation on equity and signing"
            )
        anchor = None
        if best is not None and competing_base is not None:
            stretch = competing_base
            anchor = best
            reason += f"; stretch to {best.offer.display_name}'s base {_fmt(competing_base)}"
        return Lever(
            "base",
            offer.money(initial),
            offer.money(initial),
            offer.money(stretch),
            reason,
            driver="rival" if anchor else "",
            anchor=anchor,
        )

    cap = p90
    target = max(initial, min(_nice(p75), _nice_floor(cap)))
    stretch = max(target, _nice_floor(cap))
    reason = (
        f"base {_fmt(initial)} against the band's p50 {_fmt(parts.p50)}, p75 {_fmt(p75)}, "
        f"p90 {_fmt(p90)}: ask for about p75, stretch to p90"
    )
    if caveat:
        reason += f" ({caveat}: a rough guide)"
    anchor = None
    if best is not None and competing_base is not None:
        anchor = best
        name = best.offer.display_name
        if competing_base > p90:
            target = max(target, _nice_floor(cap))
            stretch = max(stretch, competing_base)
            reason += (
                f"; {name}'s base {_fmt(competing_base)} is above p90, so the ask goes to "
                "the band's top and the stretch matches it"
            )
        elif competing_base > target:
            target = max(target, competing_base)
            stretch = max(stretch, target)
            reason += f"; {name}'s base {_fmt(competing_base)} sets the floor of the ask"
        else:
            reason += f"; {name}'s base {_fmt(competing_base)} backs it"
    return Lever(
        "base",
        offer.money(initial),
        offer.money(target),
        offer.money(stretch),
        reason,
        driver="rival" if anchor else "band",
        anchor=anchor,
    )


def _equity_lever(
    offer: Offer,
    evaluation: OfferEvaluation,
    band: MarketBand | None,
    rivals: Sequence[CompetingOffer],
    trust: EvidenceBand | None = None,
) -> Lever:
    """Equity per year toward p75 (target) and p90 (stretch) of the band, or a cited competing
    offer's equity per year when higher; asked as the grant that gives it, to the thousand
    (the stretch at p90 rounded down, so it stays within the band)."""
    initial = equity_per_year(evaluation)
    anchor = best_citable(rivals, "equity", lambda c: c.annual_equity.amount)
    parts = band.stock if band is not None else None
    targets: list[tuple[Decimal, str, str]] = []
    stretches: list[tuple[Decimal, str, str]] = []
    if parts is not None:
        targets.append((parts.p75, f"the band's p75 stock {_fmt(parts.p75)}/yr", "p75"))
        stretches.append((parts.p90, f"the band's p90 stock {_fmt(parts.p90)}/yr", "p90"))
    if anchor is not None:
        figure = anchor.annual_equity.amount
        text = f"{anchor.offer.display_name}'s equity {_fmt(figure)}/yr"
        targets.append((figure, text, "rival"))
        stretches.append((figure, text, "rival"))
    if not targets:
        reason = "no market band and no competing equity to anchor an equity ask: keep it"
        return Lever("equity", initial, initial, initial, reason)
    target_value, target_why, target_kind = max(targets)
    stretch_value, stretch_why, stretch_kind = max(stretches)
    grants = grants_total(offer)
    exact_target = grant_for(offer, offer.money(target_value))
    exact_stretch = grant_for(offer, offer.money(stretch_value))
    if exact_target is None or exact_stretch is None:
        reason = "no grant of this offer vests in the first four years: keep the equity"
        return Lever("equity", initial, initial, initial, reason)
    grant_target = max(grants, _nice(exact_target))
    round_stretch = _nice_floor if stretch_kind == "p90" else _nice
    grant_stretch = max(grant_target, round_stretch(exact_stretch))
    target = max(initial, equity_per_year(evaluate(with_grants(offer, grant_target))))
    stretch = max(target, equity_per_year(evaluate(with_grants(offer, grant_stretch))))
    refreshers = " (grants and refreshers)" if offer.refreshers is not None else ""
    stretch_text = (
        f", stretch to {stretch_why}" if stretch_value > target_value else ", also the stretch"
    )
    grants_text = (
        f"a grant of {_fmt(grant_target)} gives {_fmt(target)} a year"
        if grant_stretch == grant_target
        else f"grants of {_fmt(grant_target)} and {_fmt(grant_stretch)} give {_fmt(target)} "
        f"and {_fmt(stretch)} a year"
    )
    reason = (
        f"equity per year{refreshers} is {_fmt(initial)} over the first four years; ask for "
        f"{target_why}{stretch_text}: {grants_text}. Equity is usually the largest lever"
    )
    if grant_target == grants:
        caveat = _caveat(trust) if target_kind != "rival" else ""
        reason = (
            f"equity per year {_fmt(initial)} meets {target_why}, but {caveat}: that alone does "
            "not show the equity is high, so no ask is derived from it"
            if caveat
            else f"equity per year {_fmt(initial)} already meets {target_why}: keep it"
        )
        if grant_stretch > grant_target:
            reason += f"; stretch to {stretch_why} (a grant of {_fmt(grant_stretch)})"
    return Lever(
        "equity",
        initial,
        target,
        stretch,
        reason,
        grant_ask=offer.money(grant_target),
        grant_stretch=offer.money(grant_stretch),
        driver="rival" if target_kind == "rival" else "band",
        anchor=anchor,
    )


def _with_comp(offer: Offer, base: Money, grants: Money, signing: Money, name: str) -> Offer:
    """``offer`` with a new base, initial grants worth ``grants`` and a new signing bonus."""
    changed = with_grants(offer, grants.amount)
    return changed.model_copy(
        update={
            "name": name,
            "base": base.amount,
            "signing": _with_signing(offer.signing, signing.amount),
        }
    )


def _with_signing(signing: SigningBonus | None, total: Decimal) -> SigningBonus | None:
    """A signing bonus of ``total``: the increase goes into the first payment."""
    if signing is None:
        return SigningBonus(amount=total) if total > 0 else None
    increase = total - signing.total
    if increase == 0:
        return signing
    if signing.payments is not None:
        payments = list(signing.payments)
        payments[0] = payments[0] + increase
        return signing.model_copy(update={"payments": payments})
    return signing.model_copy(update={"amount": total})


def _signing_lever(
    offer: Offer,
    profile: Profile | None,
    rivals: Sequence[CompetingOffer],
    year1_before_signing: tuple[Money, Money],
) -> Lever:
    """Signing covers the larger of two needs, each measured on Year-1 pay before signing:

    * against staying: the unvested equity leaving forfeits, plus any gap to current pay;
    * against a cited competing offer stronger in Year 1: the gap to its Year-1 total (taking
      it forfeits the same equity, so forfeiture does not count twice).
    """
    zero = Money.zero(offer.currency)
    initial = offer.money(offer.signing.total if offer.signing else Decimal(0))
    forfeited = offer.money(profile.unvested_equity or Decimal(0)) if profile else zero
    # Current pay: the total when the profile gives it; else the base, which the total is at
    # least (so a gap to it is a gap to current pay, if a smaller one).
    known = None
    if profile is not None:
        known = profile.current_total if profile.current_total is not None else profile.current_base
    current = offer.money(known) if known is not None else None
    rival = best_citable(rivals, "year1_total", lambda c: c.evaluation.year1_total.amount)

    def need(year1: Money) -> tuple[Money, str, str, Money]:
        """(amount, why, driver, gap to current pay) for a package with ``year1`` before
        signing."""
        gap = max(current - year1, zero) if current is not None else zero
        stay = forfeited + gap
        against = max(rival.evaluation.year1_total - year1, zero) if rival else zero
        if stay.is_zero and against.is_zero:
            return zero, "", "", gap
        if against > stay:
            assert rival is not None
            return (
                against,
                f"{rival.offer.display_name} pays {_fmt(rival.evaluation.year1_total)} in "
                f"Year 1, {_fmt(against)} more than this package before signing",
                "rival",
                gap,
            )
        parts = []
        if not forfeited.is_zero:
            parts.append(f"leaving forfeits {_fmt(forfeited)} of unvested equity")
        if not gap.is_zero:
            assert current is not None
            parts.append(
                f"your current pay ({_fmt(current)}) is {_fmt(gap)} above this package's "
                "Year 1 before signing"
            )
        return stay, "; ".join(parts), "forfeit" if not forfeited.is_zero else "current", gap

    target_y1, stretch_y1 = year1_before_signing
    need_target, why, driver, gap = need(target_y1)
    need_stretch, _, _, _ = need(stretch_y1)
    target = max(initial, offer.money(_nice(need_target.amount)))
    stretch = max(target, offer.money(_nice((need_target * SIGNING_STRETCH).amount)))
    if target == initial:
        # Nothing to cover, or the signing offered covers it already: keep it and use more of
        # it as a closer in the stretch, the easiest money to move.
        closer = (
            initial * SIGNING_STRETCH
            if not initial.is_zero
            else offer.money(offer.base * SIGNING_CLOSER_PCT)
        )
        stretch = max(stretch, offer.money(_nice(closer.amount)))
        if need_target.is_zero and need_stretch.is_zero:
            reason = (
                "nothing to cover (no forfeited equity, no Year-1 gap to a stronger competing "
                "offer or to your current pay): keep the signing as the target and use it as "
                "a closer in the stretch, the easiest money to move"
            )
            return Lever("signing", initial, initial, stretch, reason)
        reason = (
            f"{why}: the signing bonus of {_fmt(initial)} already covers it; keep it as the "
            "target and use it as a closer in the stretch, the easiest money to move"
        )
        return Lever("signing", initial, initial, stretch, reason, driver="covered")
    reason = (
        f"{why}: a signing bonus of {_fmt(target)} covers it. Signing is the easiest lever: "
        "it is one-off money and does not move the band"
    )
    return Lever(
        "signing",
        initial,
        target,
        stretch,
        reason,
        driver=driver,
        anchor=rival if driver == "rival" else None,
        forfeited=None if forfeited.is_zero else forfeited,
        current_gap=None if gap.is_zero else gap,
    )


def _year1_before_signing(offer: Offer) -> Money:
    """Year-1 total of ``offer`` without its signing bonus (whatever form it takes)."""
    year1 = evaluate(offer, years=1).year(1)
    return year1.total - year1[Component.SIGNING]


def _years(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _level_lever(
    offer: Offer,
    profile: Profile | None,
    ladder: Sequence[LevelStats],
    market: MarketView,
    as_of: date,
    rates: RatesTable,
) -> LevelLever:
    level = offer.level
    if profile is None or profile.effective_years is None:
        return LevelLever(
            level,
            level,
            level,
            "give years_of_experience in a profile to judge the level",
        )
    names = [rung.level for rung in ladder]
    if level not in names:
        return LevelLever(
            level,
            level,
            level,
            f"no ladder with level {level} for {offer.company} in the market data",
        )
    index = names.index(level)
    years = profile.effective_years
    counts = profile.degree is not None and DEGREE_YEARS.get(profile.degree, 0) > 0
    degree = f" (with the {_DEGREES[profile.degree or 'none']} counted)" if counts else ""
    above = [rung for rung in ladder[index + 1 :] if rung.median_years_experience is not None]
    reached = [rung for rung in above if years >= rung.median_years_experience]  # type: ignore[operator]
    if not above:
        return LevelLever(level, level, level, f"{level} is the top of the ladder we know")
    nxt = above[0]
    if not reached or reached[0] is not nxt:
        return LevelLever(
            level,
            level,
            level,
            f"{_years(years)} years of experience{degree} against a median of "
            f"{_years(nxt.median_years_experience)} at {nxt.level}: the level fits; do not "  # type: ignore[arg-type]
            "spend goodwill on it",
        )
    ask = nxt.level
    stretch = reached[-1].level if len(reached) > 1 else ask
    reason = (
        f"{_years(years)} years of experience{degree} reach the median of {nxt.level} "
        f"({_years(nxt.median_years_experience)} years)"  # type: ignore[arg-type]
    )
    reason += _level_gain(offer, ask, ladder[index], nxt, market, as_of, rates)
    return LevelLever(level, ask, stretch, reason)


def _level_gain(
    offer: Offer,
    ask: str,
    here_rung: LevelStats,
    next_rung: LevelStats,
    market: MarketView,
    as_of: date,
    rates: RatesTable,
) -> str:
    """What the next level pays more at the median, in the offer's currency and from the
    offer's country's bands; empty when no such figure exists (never a figure in another
    currency or of another country's pay under the offer's currency)."""
    country = country_of(offer.location)
    foreign = country is not None and country != _HOME_COUNTRY
    place = country if foreign else None
    medians: list[Decimal] = []
    rate: Rate | None = None
    for level in (offer.level, ask):
        band = market.band(BandQuery(offer.company, level, place, None, None, as_of)).band
        if band is None or band.total is None:
            break
        if band.currency != offer.currency:
            try:
                rate = rates.rate(band.currency, offer.currency, as_of)
            except InputError:
                break
            band = band.restated(rate)
        if band.total is not None:
            medians.append(band.total.p50)
    if len(medians) == 2:
        where = f" in {country_words(country)}" if foreign and country else ""
        restated = f", restated at {rate.describe()}" if rate is not None else ""
        return (
            f"; {ask} pays {_fmt(medians[1] - medians[0])} a year more at the median "
            f"(bands' median totals{where}{restated})"
        )
    home = not foreign and offer.currency == "USD"
    if home and here_rung.median_total is not None and next_rung.median_total is not None:
        gain = next_rung.median_total - here_rung.median_total
        return f"; {ask} pays {_fmt(gain)} a year more at the median (ladder's median totals)"
    return ""


def plan_negotiation(
    offer: Offer,
    market: MarketView,
    *,
    competing: Sequence[Offer] = (),
    profile: Profile | None = None,
    as_of: date | None = None,
    notes: Sequence[str] = (),
    today: date | None = None,
    rates: RatesTable | None = None,
) -> NegotiationPlan:
    """Plan the negotiation of ``offer``: benchmark, levers and three evaluated packages.

    Amounts in another currency (competing offers, bands) are restated in the offer's with the
    latest rate of ``rates`` (default: the shipped table) dated on or before the plan's date;
    a competing offer with no such rate is an InputError.
    """
    when = as_of or offer.start_date or date.today()
    table = rates if rates is not None else RatesTable.bundled()
    specialty = profile.specialty if profile and profile.specialty else None
    evaluation = evaluate(offer)
    tag = _tag_for(offer, specialty)
    found = _with_evidence(_find_band(offer, market, when, tag), offer, market, when, tag)
    benchmark = _position(_restate_band(found, offer, table, when), evaluation)
    rivals = measure_competing(offer, evaluation, competing, market, table, when)
    stronger = [c for c in rivals if c.citable and c.overall == "stronger"]
    leverage = max(stronger, key=lambda c: c.evaluation.annualized_total.amount, default=None)
    band = benchmark.band

    base = _base_lever(offer, band, rivals, benchmark.headline)
    equity = _equity_lever(offer, evaluation, band, rivals, benchmark.headline)
    grants = offer.money(grants_total(offer))
    grant_ask = equity.grant_ask if equity.grant_ask is not None else grants
    grant_stretch = equity.grant_stretch if equity.grant_stretch is not None else grants
    no_signing = Money.zero(offer.currency)
    y1_target = _year1_before_signing(_with_comp(offer, base.ask, grant_ask, no_signing, "t"))
    y1_stretch = _year1_before_signing(
        _with_comp(offer, base.stretch, grant_stretch, no_signing, "s")
    )
    signing = _signing_lever(offer, profile, rivals, (y1_target, y1_stretch))
    level = _level_lever(offer, profile, market.ladder(offer.company), market, when, table)

    label = offer.display_name
    target_offer = _with_comp(offer, base.ask, grant_ask, signing.ask, f"{label} (target)")
    stretch_offer = _with_comp(
        offer, base.stretch, grant_stretch, signing.stretch, f"{label} (stretch)"
    )
    packages = (
        Package("initial", offer, evaluation),
        Package("target", target_offer, evaluate(target_offer)),
        Package("stretch", stretch_offer, evaluate(stretch_offer)),
    )
    notes = list(notes)
    if band is None:
        notes.append(
            f"No market band was found: {benchmark.why}. The plan rests on the "
            "competing offers and your profile."
        )
    notes.extend(competing_notes(rivals, evaluation, leverage))
    made_on = today or date.today()
    if profile is not None and profile.deadline is not None:
        if profile.deadline >= made_on:
            notes.append(
                f"Answer by {profile.deadline.isoformat()}: ask for everything in one email."
            )
        else:
            notes.append(
                f"Your deadline {profile.deadline.isoformat()} has passed: ask the recruiter "
                "for a new date before you negotiate; the email leaves the date out."
            )
    return NegotiationPlan(
        offer=offer,
        profile=profile,
        as_of=when,
        benchmark=benchmark,
        competing=rivals,
        leverage=leverage,
        levers=(base, equity, signing, level),
        packages=packages,
        notes=tuple(notes),
        today=made_on,
    )


def _tag_for(offer: Offer, specialty: str | None) -> str | None:
    """The market's specialty tag for this offer: ML/AI titles and profiles map to ``ML / AI``."""
    text = f"{offer.title} {specialty or ''}"
    return "ML / AI" if _ML_WORDS.search(text) else None


_ML_WORDS = re.compile(
    r"\b(ml|ai|llms?|machine learning|deep learning|applied scien\w*|nlp|computer vision)\b",
    re.IGNORECASE,
)
