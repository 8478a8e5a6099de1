"""The words to ask with: Jinja2 templates in ``templates/``, filled with the plan's numbers.

Only a competing offer the plan may cite (like-for-like, not weaker overall) is ever named, and
only where it is stronger: each lever carries its ``anchor``. A competing offer from the same
company as the offer is named as the other offer from that company, never as "Google has
offered me" to Google.

A competing offer whose equity cannot be sold as it vests (options, units, private RSUs) is
described the way recruiters expect: its cash in money (base, signing, Year-1 cash) and its
equity in units and prices (``1,500 profit participation units at $800.00 a unit (4-year vest
...; sellable at yearly tenders ...)``), never as one dollar figure, which would be a value the
plan estimated, not a term of the offer.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from offerlab.money import Money, money_words, whole_units
from offerlab.negotiate.plan import MEASURES, CompetingOffer, LevelLever, Lever, NegotiationPlan

__all__ = ["environment", "money_words", "render_email", "render_script"]


def _is_html(name: str | None) -> bool:
    return name is not None and ".html" in name


@cache
def environment() -> Environment:
    """The templates' environment: HTML templates autoescape, text templates do not."""
    return Environment(
        loader=PackageLoader("offerlab.negotiate", "templates"),
        undefined=StrictUndefined,
        autoescape=_is_html,
        keep_trailing_newline=True,
    )


def _names(plan: NegotiationPlan) -> dict[int, tuple[str, str]]:
    """How the scripts name each competing offer: (its offer, an offer), e.g. ("Microsoft's
    offer", "an offer from Microsoft"), or for one from the offer's own company ("the other
    Google offer I hold (L5 in Kirkland, WA)", "another Google offer (L5 in Kirkland, WA)")."""
    out: dict[int, tuple[str, str]] = {}
    for c in plan.competing:
        company = c.given.company
        which = f"{c.given.level} in {c.given.location}"
        twins = [o for o in plan.competing if o.given.company.casefold() == company.casefold()]
        if c.same_company:
            out[id(c)] = (
                f"the other {company} offer I hold ({which})",
                f"another {company} offer ({which})",
            )
        elif len(twins) > 1:
            out[id(c)] = (f"{company}'s {which} offer", f"an offer from {company} ({which})")
        else:
            out[id(c)] = (f"{company}'s offer", f"an offer from {company}")
    return out


def _sentence(text: str) -> str:
    """``text`` as the start of a sentence (only its first letter raised)."""
    return text[:1].upper() + text[1:]


def _context(plan: NegotiationPlan) -> dict[str, Any]:
    band = plan.benchmark.band
    query = plan.benchmark.query
    currency = plan.offer.currency
    names = _names(plan)

    def money(value: Money | Decimal | int) -> str:
        return money_words(value, currency)

    def about(value: Decimal | int) -> str:
        """A market figure as said aloud: to the nearest thousand."""
        return money(whole_units(Decimal(value) / 1000) * 1000)

    def offer_of(c: CompetingOffer) -> str:
        return names[id(c)][0]

    def an_offer(c: CompetingOffer) -> str:
        return names[id(c)][1]

    def equity_of(c: CompetingOffer) -> str:
        """A competing offer's equity in units and prices, with its refreshers."""
        words = "; and ".join(t.sentence() for t in c.terms) or "no equity"
        if c.refresher_terms:
            words += f", with {c.refresher_terms}"
        return words

    def cash_year1(c: CompetingOffer) -> Money:
        """The money a competing offer pays in its first year (equity only when sold)."""
        return c.evaluation.year(1).cash

    def worth(c: CompetingOffer) -> str:
        """What a cited offer is worth, on the first measure where it is stronger; for one
        whose equity cannot be sold as it vests, its terms: cash in money, equity in units."""
        if c.private:
            parts = [f"a {money(c.offer.base)} base"]
            if c.offer.bonus_target_pct:
                parts.append(f"a {c.offer.bonus_target_pct.normalize():f}% target bonus")
            if c.offer.signing is not None:
                parts.append(f"a {money(c.offer.signing.total)} signing bonus")
            parts.append(equity_of(c))
            return f"with {', '.join(parts[:-1])} and {parts[-1]}"
        for key in MEASURES:
            if c.stronger_on(key):
                figure = money(getattr(c.evaluation, key))
                return {
                    "year1_total": f"worth {figure} in the first year",
                    "annualized_total": f"worth {figure} a year over four years",
                    "four_year_total": f"worth {figure} over four years",
                }[key]
        return ""

    def grant_words(lever: Lever, stretch: bool = False) -> str:
        """The grant asked for: ``176,125 ISOs ($1,409,000 over the $2.00 strike at the $10.00
        preferred price)`` when the offer counts it in shares, else its value."""
        amount = lever.grant_stretch if stretch else lever.grant_ask
        units = lever.grant_units_stretch if stretch else lever.grant_units_ask
        assert amount is not None
        if units is None:
            return money(amount)
        return f"{units} ({money(amount)} {lever.grant_price_words})"

    closers = [
        lever
        for lever in plan.levers
        if isinstance(lever, Lever) and lever.ask == lever.initial and lever.stretch > lever.ask
    ]
    phrases = []
    for lever in closers:
        if lever.lever == "signing":
            phrases.append(f"the signing bonus could go to {money(lever.stretch)}")
        elif lever.lever == "base":
            phrases.append(f"the base could go to {money(lever.stretch)}")
        elif lever.lever == "equity" and lever.grant_stretch is not None:
            phrases.append(f"the grant could go to {grant_words(lever, stretch=True)}")

    label = query.describe() if query is not None else ""
    rate = plan.benchmark.rate
    if rate is not None:
        label += f" (records stated in {rate.from_}, restated in {rate.to})"
    return {
        "about": about,
        "money": money,
        "offer_of": offer_of,
        "an_offer": an_offer,
        "worth": worth,
        "equity_of": equity_of,
        "cash_year1": cash_year1,
        "grant_words": grant_words,
        "sentence": _sentence,
        "offer": plan.offer,
        "closer_text": " and ".join(phrases),
        "closer_count": len(phrases),
        "deadline_ahead": bool(
            plan.profile and plan.profile.deadline and plan.profile.deadline >= plan.today
        ),
        "profile": plan.profile,
        "band": band,
        "band_label": label,
        "leverage": plan.leverage,
        "cited": plan.cited,
        "levers": plan.levers,
        "asks": [lever for lever in plan.levers if lever.ask != lever.initial],
        "target": plan.package("target"),
    }


def render_script(lever: Lever | LevelLever, plan: NegotiationPlan) -> str:
    """What to say (or write) to ask for this lever, in the user's context."""
    template = environment().get_template(f"{lever.lever}.j2")
    return " ".join(template.render(lever=lever, **_context(plan)).split())


def render_email(plan: NegotiationPlan) -> str:
    """An email draft that bundles every ask in one message."""
    text = environment().get_template("email.j2").render(**_context(plan))
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip() + "\n"
