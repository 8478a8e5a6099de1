"""Competing offers as the planner sees them: restated in the offer's currency with a dated
rate, measured against the offer, and judged like-for-like or not.

A competing offer is measured on its Year-1, annualized and four-year totals: on each it is
``stronger``, ``weaker`` or ``equal`` (to the cent). The totals are risk-adjusted
(:mod:`offerlab.scenarios.valuation`): equity that cannot be sold as it vests (options, units,
private RSUs) counts at its value under the plan's stated method, on both sides; public equity
counts as it vests, so two public offers are measured on their paper totals. Overall it is
``stronger`` or ``weaker`` when no measure goes the other way, ``equal`` when all are equal,
else ``mixed``. Only a like-for-like offer (in the offer's country) that is stronger or mixed
may ever be cited, and only on a lever where it is stronger: a weaker offer would be seen whole
by a recruiter who asks, and one from another country says nothing about pay where the offer
is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from offerlab.market.normalize import country_of
from offerlab.money import Money, fmt_whole, money_sum
from offerlab.negotiate.band import MarketView
from offerlab.offers import Offer, OfferEvaluation, evaluate
from offerlab.offers.terms import GrantTerms, offer_terms, refresher_words
from offerlab.scenarios.currency import Rate, RatesTable, convert_offer
from offerlab.scenarios.valuation import RiskAdjusted, ValuationMethod, risk_adjusted_value

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
    ``equal`` on its risk-adjusted ``value``; ``components`` the same for ``base`` and
    ``equity`` (per year, risk-adjusted: ``annual_equity``); ``overall`` is
    ``stronger`` or ``weaker`` when no measure goes the other way (and one goes this way),
    ``equal`` when all are equal, else ``mixed``. ``like_for_like`` is false for an offer in
    another country (``place_note`` says why): figures restated at an exchange rate say nothing
    about pay where the offer is. ``given`` is the offer as written, ``rate`` the dated rate it
    was restated with (None when it is in the offer's currency). ``terms`` are its grants in
    recruiters' words, the way a script describes its equity when it cannot be sold as it
    vests.
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
    #: Its risk-adjusted value (None only for offers built by hand in tests: then paper).
    value: RiskAdjusted | None = None
    terms: tuple[GrantTerms, ...] = ()
    refresher_terms: str | None = None

    @property
    def private(self) -> bool:
        """Whether some of its equity cannot be sold as it vests (valued by the method)."""
        return self.value is not None and self.value.private

    def measure(self, key: str) -> Money:
        """Its Year-1, annualized or four-year total as the plan measures it: risk-adjusted."""
        figure = getattr(self.value if self.value is not None else self.evaluation, key)
        assert isinstance(figure, Money)
        return figure

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
    initial: RiskAdjusted,
    others: Sequence[Offer],
    market: MarketView,
    rates: RatesTable,
    when: date,
    method: ValuationMethod,
) -> tuple[CompetingOffer, ...]:
    """Each competing offer in the offer's currency (restated with the rate dated on or before
    ``when``), valued by ``method``, measured against the offer's risk-adjusted value
    ``initial``, and judged like-for-like or not."""
    out = []
    here = country_of(offer.location)
    initial_equity = initial.equity_per_year
    for given in others:
        rate: Rate | None = None
        other = given
        if given.currency != offer.currency:
            rate = rates.rate(given.currency, offer.currency, when)
            other = convert_offer(given, rate)
        evaluation = evaluate(other)
        value = risk_adjusted_value(evaluation, method)
        mapped = market.equivalent_level(other.company, other.level, offer.company)
        equity = value.equity_per_year
        measures = {key: _standing(getattr(value, key), getattr(initial, key)) for key in MEASURES}
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
                value=value,
                terms=offer_terms(other),
                refresher_terms=refresher_words(other),
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
    initial: RiskAdjusted,
    leverage: CompetingOffer | None,
) -> list[str]:
    """What the plan says of each competing offer: restated how, valued how when its equity
    cannot be sold as it vests, weaker (never cited), not like-for-like (never cited), and
    which one is the leverage."""
    out: list[str] = []
    compared = [r for r in rivals if r.like_for_like]
    if compared and (initial.private or any(r.private for r in compared)):
        out.append(
            "Equity that cannot be sold as it vests (options, units, private RSUs) is measured "
            f"at its risk-adjusted value, on both sides: {initial.describe()}."
        )
    if initial.private and compared:
        out.append(
            f"This offer's equity cannot all be sold as it vests: against competing offers it "
            f"counts at its risk-adjusted value ({initial.method.name}: Year 1 "
            f"{fmt_whole(initial.year1_total)}, annualized {fmt_whole(initial.annualized_total)}, "
            f"over four years {fmt_whole(initial.four_year_total)}; {_paper_words(initial)})."
        )
    for rival in rivals:
        name = rival.given.display_name
        if rival.rate is not None and rival.like_for_like:
            out.append(f"{name} is restated in {rival.offer.currency} at {rival.rate.describe()}.")
        if not rival.like_for_like:
            out.append(rival.place_note[:1].upper() + rival.place_note[1:] + ".")
            continue
        if rival.private and rival.value is not None:
            terms = "; ".join(t.describe() for t in rival.terms)
            out.append(
                f"{name}'s equity ({terms}) cannot all be sold as it vests: its strength is "
                f"judged on its risk-adjusted value, not its paper value "
                f"({rival.value.method.name}; {_paper_words(rival.value)}), and that is the "
                "figure its leverage rests on; the scripts describe its equity by its terms."
            )
        risk = " (risk-adjusted)" if rival.private or initial.private else ""
        figures = (
            "; ".join(
                f"{_MEASURE_WORDS[k]} {fmt_whole(rival.measure(k))} against "
                f"{fmt_whole(getattr(initial, k))}"
                for k in MEASURES
            )
            + risk
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
        risk = " risk-adjusted" if leverage.private or initial.private else ""
        out.append(
            f"Strongest competing offer: {leverage.given.display_name} "
            f"({fmt_whole(leverage.measure('annualized_total'))} a year annualized, "
            f"{fmt_whole(leverage.measure('year1_total'))} in Year 1{risk})."
        )
    return out


def _paper_words(value: RiskAdjusted) -> str:
    """``on paper 2,450,000 over four years, equity 1,200,000 of it``."""
    paper = money_sum((y.paper for y in value.years[:4]), value.currency)
    return (
        f"on paper {fmt_whole(paper)} over four years, of which "
        f"{fmt_whole(value.private_paper_total)} is equity that cannot be sold as it vests, worth "
        f"{fmt_whole(value.private_value_total)} by the method"
    )
