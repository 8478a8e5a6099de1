"""Competing offers as the planner sees them: restated in the offer's currency with a dated
rate, measured against the offer, and judged like-for-like or not.

A competing offer is measured on its Year-1, annualized and four-year totals: on each it is
``stronger``, ``weaker`` or ``equal`` (to the cent); overall it is ``stronger`` or ``weaker``
when no measure goes the other way, ``equal`` when all are equal, else ``mixed``. Only a
like-for-like offer (in the offer's country) that is stronger or mixed may ever be cited, and
only on a lever where it is stronger: a weaker offer would be seen whole by a recruiter who
asks, and one from another country says nothing about pay where the offer is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from offerlab.market.normalize import country_of
from offerlab.money import Money, fmt_whole
from offerlab.negotiate.band import MarketView
from offerlab.negotiate.equity import equity_per_year
from offerlab.offers import Offer, OfferEvaluation, evaluate
from offerlab.scenarios.currency import Rate, RatesTable, convert_offer

__all__ = [
    "MEASURES",
    "CompetingOffer",
    "best_citable",
    "competing_notes",
    "country_words",
    "measure_competing",
]

#: The totals a competing offer is measured against the offer on.
MEASURES: tuple[str, ...] = ("year1_total", "annualized_total", "four_year_total")
_MEASURE_WORDS = {
    "year1_total": "Year 1",
    "annualized_total": "annualized",
    "four_year_total": "over four years",
}


@dataclass(frozen=True, slots=True)
class CompetingOffer:
    """A competing offer, evaluated in the offer's currency and measured against the offer.

    ``measures`` says, for each of :data:`MEASURES`, whether it is ``stronger``, ``weaker`` or
    ``equal``; ``components`` the same for ``base`` and ``equity`` (per year); ``overall`` is
    ``stronger`` or ``weaker`` when no measure goes the other way (and one goes this way),
    ``equal`` when all are equal, else ``mixed``. ``like_for_like`` is false for an offer in
    another country (``place_note`` says why): figures restated at an exchange rate say nothing
    about pay where the offer is. ``given`` is the offer as written, ``rate`` the dated rate it
    was restated with (None when it is in the offer's currency).
    """

    evaluation: OfferEvaluation
    mapped_level: str | None
    annual_equity: Money
    measures: dict[str, str]
    components: dict[str, str]
    overall: str
    like_for_like: bool
    place_note: str
    given: Offer
    rate: Rate | None
    #: The offer being negotiated is from the same company (a script must not say "Google has
    #: offered me" to Google).
    same_company: bool = False

    @property
    def offer(self) -> Offer:
        return self.evaluation.offer

    @property
    def citable(self) -> bool:
        """Whether any script or the email may name it: like-for-like and not weaker overall
        (a recruiter who asks would see the whole offer)."""
        return self.like_for_like and self.overall in ("stronger", "mixed")

    def stronger_on(self, key: str) -> bool:
        """Stronger than the offer on a measure (``year1_total``...) or ``base``/``equity``."""
        return self.measures.get(key, self.components.get(key)) == "stronger"

    def describe(self) -> str:
        """``weaker on every measure`` / ``mixed: stronger Year 1; weaker annualized, ...``."""
        if self.overall != "mixed":
            return f"{self.overall} on every measure"
        parts = []
        for standing in ("stronger", "weaker", "equal"):
            keys = [_MEASURE_WORDS[k] for k in MEASURES if self.measures[k] == standing]
            if keys:
                parts.append(f"{standing} {', '.join(keys)}")
        return "mixed: " + "; ".join(parts)


def _standing(theirs: Money, ours: Money) -> str:
    """``stronger``, ``weaker`` or ``equal``, to the cent (a cent is not leverage)."""
    difference = (theirs - ours).rounded()
    if difference.is_zero:
        return "equal"
    return "stronger" if difference.amount > 0 else "weaker"


def _overall(standings: Sequence[str]) -> str:
    if all(s == "equal" for s in standings):
        return "equal"
    if "weaker" not in standings:
        return "stronger"
    if "stronger" not in standings:
        return "weaker"
    return "mixed"


def measure_competing(
    offer: Offer,
    initial: OfferEvaluation,
    others: Sequence[Offer],
    market: MarketView,
    rates: RatesTable,
    when: date,
) -> tuple[CompetingOffer, ...]:
    """Each competing offer in the offer's currency (restated with the rate dated on or before
    ``when``), measured against the offer, and judged like-for-like or not."""
    out = []
    here = country_of(offer.location)
    initial_equity = equity_per_year(initial)
    for given in others:
        rate: Rate | None = None
        other = given
        if given.currency != offer.currency:
            rate = rates.rate(given.currency, offer.currency, when)
            other = convert_offer(given, rate)
        evaluation = evaluate(other)
        mapped = market.equivalent_level(other.company, other.level, offer.company)
        equity = equity_per_year(evaluation)
        measures = {
            key: _standing(getattr(evaluation, key), getattr(initial, key)) for key in MEASURES
        }
        components = {
            "base": _standing(other.money(other.base), offer.money(offer.base)),
            "equity": _standing(equity, initial_equity),
        }
        there = country_of(given.location)
        note = ""
        if here is not None and there is not None and here != there:
            note = f"in {country_words(there)}, the offer in {country_words(here)}"
        elif given.currency != offer.currency:
            note = f"in {given.currency}, the offer in {offer.currency}"
        if note:
            restated = f"restated from {given.currency} at {rate.describe()}" if rate else ""
            note = (
                f"{given.display_name} ({given.location}) is {note}"
                + (f"; {restated}" if restated else "")
                + ": an exchange rate says nothing about pay levels or living costs in each "
                "place, so it is not like-for-like and is not used as leverage"
            )
        out.append(
            CompetingOffer(
                evaluation=evaluation,
                mapped_level=mapped,
                annual_equity=equity,
                measures=measures,
                components=components,
                overall=_overall(list(measures.values())),
                like_for_like=not note,
                place_note=note,
                given=given,
                rate=rate,
                same_company=_same_company(given, offer),
            )
        )
    return tuple(out)


def country_words(country: str) -> str:
    """``the United Kingdom``, ``India``: a country's name as a sentence says it."""
    plural = country.startswith("United ") or country in {"Netherlands", "Philippines"}
    return f"the {country}" if plural or country == "Czech Republic" else country


def _same_company(a: Offer, b: Offer) -> bool:
    return a.company.strip().casefold() == b.company.strip().casefold()


def best_citable(
    rivals: Sequence[CompetingOffer], on: str, key: Callable[[CompetingOffer], Decimal]
) -> CompetingOffer | None:
    """The citable competing offer stronger on ``on`` with the highest ``key``, if any."""
    fit = [c for c in rivals if c.citable and c.stronger_on(on)]
    return max(fit, key=key) if fit else None


def competing_notes(
    rivals: Sequence[CompetingOffer],
    initial: OfferEvaluation,
    leverage: CompetingOffer | None,
) -> list[str]:
    """What the plan says of each competing offer: restated how, weaker (never cited), not
    like-for-like (never cited), and which one is the leverage."""
    out: list[str] = []
    for rival in rivals:
        name = rival.given.display_name
        if rival.rate is not None and rival.like_for_like:
            out.append(f"{name} is restated in {rival.offer.currency} at {rival.rate.describe()}.")
        if not rival.like_for_like:
            out.append(rival.place_note[:1].upper() + rival.place_note[1:] + ".")
            continue
        figures = "; ".join(
            f"{_MEASURE_WORDS[k]} {fmt_whole(getattr(rival.evaluation, k))} against "
            f"{fmt_whole(getattr(initial, k))}"
            for k in MEASURES
        )
        if rival.overall == "weaker":
            out.append(
                f"{name} is weaker than this offer on every measure ({figures}): no script "
                "or email cites it, not even for a part that pays more, since a recruiter who "
                "asks about it would see the whole offer."
            )
        elif rival.overall == "equal":
            out.append(f"{name} is worth the same as this offer ({figures}): it is not cited.")
        elif rival.overall == "mixed":
            out.append(
                f"{name} is {rival.describe()} ({figures}): it is cited only where it is stronger."
            )
    if leverage is not None:
        out.append(
            f"Strongest competing offer: {leverage.given.display_name} "
            f"({fmt_whole(leverage.evaluation.annualized_total)} a year annualized, "
            f"{fmt_whole(leverage.evaluation.year1_total)} in Year 1)."
        )
    return out
