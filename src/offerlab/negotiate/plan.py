"""The negotiation planner: from an offer, the market and competing offers to target and stretch
counter-offers, each lever with its reason in figures.

Pure: the market comes in through a :class:`~offerlab.negotiate.band.MarketView`, the packages
are evaluated by the offer engine, and nothing is read or written here.

Rules (docs/negotiate.md has them in prose):

* base: toward the band's p75 (target) and p90 (stretch); never above p90 unless a competing
  offer's base is higher (then the stretch matches it) or the initial base is already there
  (then the ask keeps it);
* equity (per year, over the first four years): toward the band's p75 stock (target) and p90
  (stretch), or the best competing offer's yearly equity when that is higher;
* signing: covers the forfeited unvested equity plus the Year-1 gap to the best competing offer
  or current pay;
* level: when the profile's experience reaches the next level's median, ask for it.

Whatever the rules give, stretch >= target >= initial for every component.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from offerlab.errors import CurrencyMismatchError
from offerlab.money import Money
from offerlab.negotiate.band import (
    BandLookup,
    BandQuery,
    LevelInfo,
    MarketBand,
    MarketView,
    percentile_of,
)
from offerlab.negotiate.profile import Profile
from offerlab.offers import Component, Offer, OfferEvaluation, evaluate
from offerlab.offers.model import EquityGrant, SigningBonus

__all__ = [
    "Benchmark",
    "CompetingOffer",
    "LevelLever",
    "Lever",
    "NegotiationPlan",
    "Package",
    "annual_figures",
    "plan_negotiation",
]

_DEGREES = {"phd": "PhD", "ms": "MS", "mba": "MBA", "bs": "BS", "ba": "BA", "none": "degree"}
#: Asks are round numbers a person can say: multiples of this.
ROUNDING = Decimal(1000)
#: The stretch on signing when the target already covers what there is to cover.
SIGNING_STRETCH = Decimal("1.25")
#: A signing bonus asked for as a closer when nothing needs covering: this share of base.
SIGNING_CLOSER_PCT = Decimal("0.05")


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The band the offer is measured against, how it was found, and where the offer falls."""

    band: MarketBand | None
    query: BandQuery | None
    tried: tuple[BandLookup, ...]
    why: str
    offer_annual: dict[str, Money]
    percentiles: dict[str, Decimal | None]


@dataclass(frozen=True, slots=True)
class CompetingOffer:
    """A competing offer, evaluated and stated against the offer being negotiated."""

    evaluation: OfferEvaluation
    mapped_level: str | None
    annual_equity: Money

    @property
    def offer(self) -> Offer:
        return self.evaluation.offer


@dataclass(frozen=True, slots=True)
class Lever:
    """An amount to ask for: the initial figure, the ask (target) and the stretch, in the offer
    currency. For equity the figures are the yearly value over the first four years, and
    ``grant_ask``/``grant_stretch`` the initial grants' total value that gives them."""

    lever: str
    initial: Money
    ask: Money
    stretch: Money
    reason: str
    grant_ask: Money | None = None
    grant_stretch: Money | None = None
    #: What drives the ask, in a few words for the email ("to match Google's first year").
    driver: str = ""

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


def _nice(value: Decimal) -> Decimal:
    """Round to the nearest multiple of :data:`ROUNDING` (an amount a person can say)."""
    return (value / ROUNDING).quantize(Decimal(1), rounding=ROUND_HALF_UP) * ROUNDING


def _nice_floor(value: Decimal) -> Decimal:
    return (value / ROUNDING).quantize(Decimal(1), rounding=ROUND_FLOOR) * ROUNDING


def _fmt(value: Decimal | Money) -> str:
    amount = value.amount if isinstance(value, Money) else value
    return f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def annual_figures(evaluation: OfferEvaluation) -> dict[str, Money]:
    """Yearly base, stock, bonus and total as comp sites report them: year-1 base and bonus,
    equity (grants and refreshers) averaged over years 1-4; no signing, no other items."""
    equity = Money.zero(evaluation.currency)
    for year in range(1, 5):
        totals = evaluation.year(year)
        equity = equity + totals[Component.EQUITY] + totals[Component.REFRESHER]
    annual_equity = equity / 4
    year1 = evaluation.year(1)
    base = year1[Component.BASE]
    bonus = evaluation.offer.money(
        evaluation.offer.base
        * evaluation.offer.bonus_target_pct
        / 100
        * evaluation.offer.bonus_multiplier
    )
    return {
        "base": base,
        "stock": annual_equity,
        "bonus": bonus,
        "total": base + annual_equity + bonus,
    }


def _initial_annual_equity(evaluation: OfferEvaluation) -> Money:
    total = Money.zero(evaluation.currency)
    for year in range(1, 5):
        total = total + evaluation.year(year)[Component.EQUITY]
    return total / 4


def _find_band(offer: Offer, market: MarketView, as_of: date, specialty: str | None) -> Benchmark:
    """The narrowest band with enough records: widen by location, then specialty, then title."""
    # An ML/AI title names the specialty: the records file such people under their base title
    # (mostly "Software Engineer") with the ML / AI tag, so the tag carries the title here.
    title: str | None = offer.title
    if specialty is not None and _ML_WORDS.search(offer.title):
        title = None
    steps = [
        BandQuery(offer.company, offer.level, offer.location, title, specialty, as_of),
        BandQuery(offer.company, offer.level, None, title, specialty, as_of),
        BandQuery(offer.company, offer.level, None, title, None, as_of),
        BandQuery(offer.company, offer.level, None, None, None, as_of),
    ]
    unique: list[BandQuery] = []
    for step in steps:
        if step not in unique:
            unique.append(step)
    tried: list[BandLookup] = []
    for query in unique:
        lookup = market.band(query)
        tried.append(lookup)
        if lookup.band is not None:
            dropped = [
                name
                for name, first, used in (
                    ("location", unique[0].location, query.location),
                    ("specialty", unique[0].specialty, query.specialty),
                    ("title", unique[0].title, query.title),
                )
                if first and not used
            ]
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
    return Benchmark(
        None,
        None,
        tuple(tried),
        f"no market band found for {offer.company} level {offer.level}, even after widening",
        {},
        {},
    )


def _position(benchmark: Benchmark, evaluation: OfferEvaluation) -> Benchmark:
    figures = annual_figures(evaluation)
    percentiles: dict[str, Decimal | None] = {"base": None, "equity": None, "total": None}
    band = benchmark.band
    if band is not None and band.currency == evaluation.currency:
        for key, part in (("base", band.base), ("equity", band.stock), ("total", band.total)):
            figure = figures["stock" if key == "equity" else key]
            if part is not None:
                percentiles[key] = percentile_of(figure.amount, part).quantize(Decimal("0.1"))
    return Benchmark(band, benchmark.query, benchmark.tried, benchmark.why, figures, percentiles)


def _competing(
    offer: Offer, others: Sequence[Offer], market: MarketView
) -> tuple[CompetingOffer, ...]:
    out = []
    for other in others:
        if other.currency != offer.currency:
            raise CurrencyMismatchError(
                offer.currency,
                other.currency,
                f"compare the offer with the competing offer '{other.display_name}' in",
            )
        evaluation = evaluate(other)
        mapped = market.equivalent_level(other.company, other.level, offer.company)
        out.append(CompetingOffer(evaluation, mapped, _initial_annual_equity(evaluation)))
    return tuple(out)


def _base_lever(offer: Offer, band: MarketBand | None, rivals: Sequence[CompetingOffer]) -> Lever:
    initial = offer.base
    best = max(rivals, key=lambda c: c.offer.base) if rivals else None
    competing_base = best.offer.base if best is not None else None
    parts = band.base if band is not None else None
    if parts is None:
        if competing_base is not None and competing_base > initial:
            ask = _nice(competing_base)
            ask = max(initial, min(ask, competing_base))
            reason = (
                f"no market band for base; {best.offer.display_name if best else ''} "
                f"pays {_fmt(competing_base)} base against {_fmt(initial)}: ask to match it"
            )
            return Lever("base", offer.money(initial), offer.money(ask), offer.money(ask), reason)
        reason = "no market band and no higher competing base to anchor a base ask: keep it"
        money = offer.money(initial)
        return Lever("base", money, money, money, reason)

    p75, p90 = parts.p75, parts.p90
    if initial >= p90:
        stretch = initial
        reason = (
            f"the base {_fmt(initial)} is already above the band's p90 ({_fmt(p90)}): keep it "
            "as the ask and spend the negotiation on equity and signing"
        )
        if competing_base is not None and competing_base > initial:
            stretch = competing_base
            reason += f"; stretch to the competing base {_fmt(competing_base)}"
        return Lever(
            "base", offer.money(initial), offer.money(initial), offer.money(stretch), reason
        )

    cap = p90
    above_cap = competing_base is not None and competing_base > p90
    target = max(initial, min(_nice(p75), _nice_floor(cap)))
    stretch = max(target, _nice_floor(cap))
    reason = (
        f"base {_fmt(initial)} against the band's p50 {_fmt(parts.p50)}, p75 {_fmt(p75)}, "
        f"p90 {_fmt(p90)}: ask for about p75, stretch to p90"
    )
    if competing_base is not None and competing_base > target:
        if above_cap:
            target = max(target, _nice_floor(cap))
            stretch = max(stretch, competing_base)
            reason += (
                f"; the competing base {_fmt(competing_base)} is above p90, so the ask goes to "
                "the band's top and the stretch matches the competing offer"
            )
        else:
            target = max(target, competing_base)
            stretch = max(stretch, target)
            reason += f"; the competing base {_fmt(competing_base)} sets the floor of the ask"
    return Lever("base", offer.money(initial), offer.money(target), offer.money(stretch), reason)


def _equity_lever(
    offer: Offer,
    evaluation: OfferEvaluation,
    band: MarketBand | None,
    leverage: CompetingOffer | None,
) -> Lever:
    initial = _initial_annual_equity(evaluation)
    parts = band.stock if band is not None else None
    candidates_target: list[tuple[Decimal, str]] = []
    candidates_stretch: list[tuple[Decimal, str]] = []
    if parts is not None:
        candidates_target.append((_nice(parts.p75), f"the band's p75 stock {_fmt(parts.p75)}/yr"))
        candidates_stretch.append((_nice(parts.p90), f"the band's p90 stock {_fmt(parts.p90)}/yr"))
    if leverage is not None and leverage.annual_equity > initial:
        figure = leverage.annual_equity.amount
        text = f"{leverage.offer.display_name}'s equity {_fmt(figure)}/yr"
        candidates_target.append((_nice(figure), text))
        candidates_stretch.append((_nice(figure), text))
    if not candidates_target:
        reason = "no market band and no competing equity to anchor an equity ask: keep it"
        return Lever("equity", initial, initial, initial, reason)
    target_value, target_why = max(candidates_target)
    stretch_value, stretch_why = (
        max(candidates_stretch) if candidates_stretch else (target_value, target_why)
    )
    target = max(initial, offer.money(target_value))
    stretch = max(target, offer.money(stretch_value))
    stretch_text = (
        f", stretch to {stretch_why}" if stretch_value > target_value else ", also the stretch"
    )
    reason = (
        f"equity is {_fmt(initial)}/yr over the first four years; ask for {target_why}"
        f"{stretch_text}. Equity is usually the largest lever"
    )
    if target == initial:
        reason = f"equity {_fmt(initial)}/yr already meets {target_why}: keep it"
        if stretch > target:
            reason += f"; stretch to {stretch_why}"
    return Lever(
        "equity",
        initial,
        target,
        stretch,
        reason,
        grant_ask=_grant_total(offer, evaluation, target),
        grant_stretch=_grant_total(offer, evaluation, stretch),
    )


def _grant_total(offer: Offer, evaluation: OfferEvaluation, annual: Money) -> Money:
    """The initial grants' total value that gives ``annual`` equity per year."""
    initial = _initial_annual_equity(evaluation)
    grants = offer.money(sum((g.valued_total for g in offer.equity), Decimal(0)))
    if initial.is_zero:
        return annual * 4
    return grants * (annual.amount / initial.amount)


def _with_comp(offer: Offer, base: Money, annual_equity: Money, signing: Money, name: str) -> Offer:
    """``offer`` with a new base, initial grants scaled to ``annual_equity`` and a new signing."""
    evaluation = evaluate(offer)
    initial_equity = _initial_annual_equity(evaluation)
    equity: list[EquityGrant]
    if initial_equity.is_zero:
        equity = list(offer.equity)
        if not annual_equity.is_zero:
            equity.append(EquityGrant(name="equity ask", value=(annual_equity * 4).amount))
    else:
        ratio = annual_equity.amount / initial_equity.amount
        equity = [_scaled_grant(g, ratio) for g in offer.equity]
    return offer.model_copy(
        update={
            "name": name,
            "base": base.amount,
            "equity": equity,
            "signing": _with_signing(offer.signing, signing.amount),
        }
    )


def _scaled_grant(grant: EquityGrant, ratio: Decimal) -> EquityGrant:
    if ratio == 1:
        return grant
    if grant.value is not None:
        return grant.model_copy(update={"value": grant.value * ratio})
    assert grant.shares is not None
    return grant.model_copy(update={"shares": grant.shares * ratio})


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
    leverage: CompetingOffer | None,
    year1_before_signing: tuple[Money, Money],
) -> Lever:
    """Signing covers the larger of two needs, each measured on Year-1 pay before signing:

    * against staying: the unvested equity leaving forfeits, plus any gap to current pay;
    * against the best competing offer: the gap to its Year-1 total (taking it forfeits the
      same equity, so forfeiture does not count twice).
    """
    zero = Money.zero(offer.currency)
    initial = offer.money(offer.signing.total if offer.signing else Decimal(0))
    forfeited = offer.money(profile.unvested_equity or Decimal(0)) if profile else zero
    current = (
        offer.money(profile.current_total)
        if profile is not None and profile.current_total is not None
        else None
    )

    drivers: dict[Money, str] = {}

    def need(year1: Money) -> tuple[Money, str]:
        stay = forfeited + (max(current - year1, zero) if current is not None else zero)
        rival = max(leverage.evaluation.year1_total - year1, zero) if leverage else zero
        if stay.is_zero and rival.is_zero:
            return zero, ""
        if rival > stay:
            assert leverage is not None
            drivers[year1] = f"to match {leverage.offer.company}'s first year"
            return rival, (
                f"{leverage.offer.display_name} pays {_fmt(leverage.evaluation.year1_total)} in "
                f"Year 1, {_fmt(rival)} more than this package before signing"
            )
        parts = []
        drivers[year1] = (
            "to offset the unvested equity I leave behind"
            if not forfeited.is_zero
            else "to match my current pay in the first year"
        )
        if not forfeited.is_zero:
            parts.append(f"leaving forfeits {_fmt(forfeited)} of unvested equity")
        if current is not None and current > year1:
            parts.append(
                f"your current pay ({_fmt(current)}) is {_fmt(current - year1)} above this "
                "package's Year 1 before signing"
            )
        return stay, "; ".join(parts)

    target_y1, stretch_y1 = year1_before_signing
    need_target, why = need(target_y1)
    need_stretch, _ = need(stretch_y1)
    if need_target.is_zero and need_stretch.is_zero:
        closer = (
            initial * SIGNING_STRETCH
            if not initial.is_zero
            else offer.money(offer.base * SIGNING_CLOSER_PCT)
        )
        stretch = max(initial, offer.money(_nice(closer.amount)))
        reason = (
            "nothing to cover (no forfeited equity, no Year-1 gap): keep the signing as the "
            "target and use it as a closer in the stretch, the easiest money to move"
        )
        return Lever("signing", initial, initial, stretch, reason)
    target = max(initial, offer.money(_nice(need_target.amount)))
    stretch = max(target, offer.money(_nice((need_target * SIGNING_STRETCH).amount)))
    reason = (
        f"{why}: a signing bonus of {_fmt(target)} covers it. Signing is the easiest lever: "
        "it is one-off money and does not move the band"
    )
    return Lever("signing", initial, target, stretch, reason, driver=drivers.get(target_y1, ""))


def _year1_before_signing(offer: Offer) -> Money:
    """Year-1 total of ``offer`` without its signing bonus (whatever form it takes)."""
    year1 = evaluate(offer, years=1).year(1)
    return year1.total - year1[Component.SIGNING]


def _level_lever(
    offer: Offer,
    profile: Profile | None,
    ladder: Sequence[LevelInfo],
    market: MarketView,
    as_of: date,
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
    degree = f" (with the {_DEGREES[profile.degree]} counted)" if profile.degree else ""
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
            f"{_fmt(years)} years of experience{degree} against a median of "
            f"{nxt.median_years_experience} at {nxt.level}: the level fits; do not spend "
            "goodwill on it",
        )
    ask = nxt.level
    stretch = reached[-1].level if len(reached) > 1 else ask
    here = market.band(BandQuery(offer.company, level, None, None, None, as_of)).band
    there = market.band(BandQuery(offer.company, ask, None, None, None, as_of)).band
    if here is not None and there is not None and here.total and there.total:
        gain = there.total.p50 - here.total.p50
        source = "bands' median totals"
    elif nxt.median_total is not None and ladder[index].median_total is not None:
        gain = nxt.median_total - ladder[index].median_total  # type: ignore[operator]
        source = "ladder's median totals"
    else:
        gain = None
        source = ""
    reason = (
        f"{_fmt(years)} years of experience{degree} reach the median of {nxt.level} "
        f"({nxt.median_years_experience} years)"
    )
    if gain is not None:
        reason += f"; {nxt.level} pays {_fmt(gain)} a year more at the median ({source})"
    return LevelLever(level, ask, stretch, reason)


def plan_negotiation(
    offer: Offer,
    market: MarketView,
    *,
    competing: Sequence[Offer] = (),
    profile: Profile | None = None,
    as_of: date | None = None,
    notes: Sequence[str] = (),
    today: date | None = None,
) -> NegotiationPlan:
    """Plan the negotiation of ``offer``: benchmark, levers and three evaluated packages."""
    when = as_of or offer.start_date or date.today()
    specialty = profile.specialty if profile and profile.specialty else None
    evaluation = evaluate(offer)
    benchmark = _position(_find_band(offer, market, when, _tag_for(offer, specialty)), evaluation)
    if benchmark.band is not None and benchmark.band.currency != offer.currency:
        benchmark = Benchmark(
            None,
            benchmark.query,
            benchmark.tried,
            f"the band is in {benchmark.band.currency} and the offer in {offer.currency}; "
            "restate one of them to use it",
            benchmark.offer_annual,
            {"base": None, "equity": None, "total": None},
        )
    rivals = _competing(offer, competing, market)
    leverage = max(rivals, key=lambda c: c.evaluation.annualized_total.amount) if rivals else None
    band = benchmark.band

    base = _base_lever(offer, band, rivals)
    equity = _equity_lever(offer, evaluation, band, leverage)
    no_signing = Money.zero(offer.currency)
    y1_target = _year1_before_signing(_with_comp(offer, base.ask, equity.ask, no_signing, "t"))
    y1_stretch = _year1_before_signing(
        _with_comp(offer, base.stretch, equity.stretch, no_signing, "s")
    )
    signing = _signing_lever(offer, profile, leverage, (y1_target, y1_stretch))
    level = _level_lever(offer, profile, market.ladder(offer.company), market, when)

    label = offer.display_name
    target_offer = _with_comp(offer, base.ask, equity.ask, signing.ask, f"{label} (target)")
    stretch_offer = _with_comp(
        offer, base.stretch, equity.stretch, signing.stretch, f"{label} (stretch)"
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
    if leverage is not None:
        notes.append(
            f"Strongest competing offer: {leverage.offer.display_name} "
            f"({_fmt(leverage.evaluation.annualized_total)} a year annualized, "
            f"{_fmt(leverage.evaluation.year1_total)} in Year 1)."
        )
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
