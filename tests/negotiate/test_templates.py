"""Every branch of the script and email templates, rendered (issue 11, defect 4: "could" started
a sentence in lowercase without a specialty; "Google has offered me" was written to Google).

Each scenario drives the levers into one branch each; every scenario is rendered with and
without a specialty and in four currencies, and the words are checked as a reader would: every
sentence starts with a capital, no placeholder or stray space is left, amounts carry the
offer's currency, and a competing offer is named only as the plan allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from markupsafe import escape

from offerlab.negotiate import (
    MarketBand,
    NegotiationPlan,
    NoMarket,
    Profile,
    plan_html,
    plan_json,
    plan_markdown,
    plan_negotiation,
)
from tests.negotiate.builders import google, microsoft
from tests.negotiate.fakes import MSFT_62, FakeMarket

#: Currency, the offer's place, the key of the fake band (its location), how amounts read.
CURRENCIES = {
    "USD": ("Redmond, WA", None, "$180,000"),
    "GBP": ("London", "London", "£180,000"),
    "INR": ("Hyderabad", "Hyderabad", "₹180,000"),
    "CHF": ("Zurich", None, "180,000 CHF"),
}


@dataclass(frozen=True)
class Case:
    """A plan's inputs: the offer's and competing offers' overrides, a profile, the market."""

    offer: dict[str, Any]
    competing: tuple[dict[str, Any], ...] = ()
    profile: dict[str, Any] | None = None
    market: bool = True
    #: Phrases each lever's script (and "email") must hold, and ones it must not.
    expect: tuple[tuple[str, str], ...] = ()
    refuse: tuple[tuple[str, str], ...] = ()


RIVAL = {"base": 215000, "equity": [{"value": 400000, "schedule": "google"}]}
SCENARIOS: dict[str, Case] = {
    "every lever asks": Case(
        offer={},
        profile={"unvested_equity": 70000, "years_of_experience": 7, "degree": "phd"},
        expect=(
            ("base", "we bring the base to"),
            ("equity", "Could you raise the grant to"),
            ("signing", "I walk away from"),
            ("signing", "Raising the signing bonus to"),
            ("level", "I bring 7 years of experience and a PhD"),
            ("level", "Could the team consider 63 instead of 62?"),
            ("email", "Before I do, I would like to ask for a few changes:"),
            ("email", "to offset the unvested equity I leave behind"),
        ),
    ),
    "every lever asks, no profile": Case(
        offer={},
        expect=(
            ("base", "we bring the base to"),
            ("signing", "has nothing to cover, so keep it as a closer"),
            ("level", "No level ask: give years_of_experience"),
        ),
    ),
    "closers only": Case(
        offer={"base": 199500, "equity": [{"value": 280000, "schedule": "microsoft"}]},
        profile={"years_of_experience": 2},
        expect=(
            ("base", "is already strong for the level, so do not lead with it"),
            ("base", "a base of"),
            ("equity", "already meets the market's 75th percentile"),
            ("signing", "has nothing to cover"),
            ("level", "No level ask"),
            ("email", "The package is fair; if the base could go to"),
        ),
    ),
    "nothing to ask": Case(
        offer={"base": 9000, "equity": [], "signing": None, "bonus_target_pct": 0},
        market=False,
        expect=(
            ("base", "No base ask"),
            ("equity", "No equity ask"),
            ("signing", "No signing ask"),
            ("email", "The offer is in line with the market, and I am happy to sign."),
        ),
    ),
    "a stronger competing offer": Case(
        offer={},
        competing=(RIVAL,),
        expect=(
            ("base", "and Google's offer comes with a base of"),
            ("equity", "Google's offer comes to"),
            ("signing", "Google's offer pays"),
            ("email", "For context, I have an offer from Google worth"),
            ("email", "to match the first year of Google's offer"),
        ),
    ),
    "a stronger offer from the same company": Case(
        offer={},
        competing=({**RIVAL, "company": "Microsoft", "level": "63", "name": "Microsoft 63"},),
        expect=(
            ("base", "the other Microsoft offer I hold (63 in Kirkland, WA)"),
            ("email", "another Microsoft offer (63 in Kirkland, WA) worth"),
        ),
        refuse=(("email", "Microsoft's offer"), ("base", "has offered me")),
    ),
    "a weaker competing offer": Case(
        offer={},
        competing=({"base": 190000, "signing": None, "equity": [{"value": 40000}]},),
        profile={"unvested_equity": 50000},
        refuse=tuple((name, "Google") for name in ("base", "equity", "signing", "email")),
    ),
    "current pay above the first year": Case(
        offer={"base": 150000},
        profile={"current_total": 400000},
        expect=(
            ("signing", "less than I earn now"),
            ("email", "to match my current pay in the first year"),
        ),
    ),
    "the signing offered already covers it": Case(
        offer={"signing": {"amount": 100000}},
        profile={"unvested_equity": 30000},
        expect=(("signing", "already covers what there is to cover"),),
    ),
    "base above p90 and a higher competing base": Case(
        offer={"base": 230000},
        competing=({"base": 260000},),
        expect=(("base", "matching the base of Google's offer"),),
    ),
    "no band, a higher competing base": Case(
        offer={},
        competing=({"base": 230000},),
        market=False,
        expect=(("base", "Google's offer comes with a base of"),),
    ),
}


def _in_currency(band: MarketBand, currency: str) -> MarketBand:
    """The fake band, as if its records were in ``currency`` (same figures)."""
    return MarketBand(band.n, currency, band.base, band.stock, band.bonus, band.total)


def build(case: Case, currency: str, specialty: bool) -> NegotiationPlan:
    place, key, _ = CURRENCIES[currency]
    offer = microsoft(currency=currency, location=place, **case.offer)
    rivals = [google(currency=currency, location="Kirkland, WA" if currency == "USD" else place,
                     **extra) for extra in case.competing]  # fmt: skip
    if currency != "USD":  # the same company's other offer is in the offer's place too
        rivals = [
            r.model_copy(update={"location": place}) if r.company != "Google" else r for r in rivals
        ]
    fields = dict(case.profile or {})
    if specialty:
        fields["specialty"] = "recommendation systems"
    profile = Profile(**fields) if fields else None
    market: Any = NoMarket()
    if case.market:
        market = FakeMarket(places={("Microsoft", "62", key): _in_currency(MSFT_62, currency)})
    return plan_negotiation(offer, market, competing=rivals, profile=profile)


def texts(plan: NegotiationPlan) -> dict[str, str]:
    data = plan_json(plan)
    out = {item["lever"]: item["script"] for item in data["levers"]}
    out["email"] = data["email"]
    return out


SENTENCE_START = re.compile(r"(?:^|[.?!]\s+)([a-z])")


@pytest.mark.parametrize("specialty", [False, True], ids=["no specialty", "specialty"])
@pytest.mark.parametrize("currency", list(CURRENCIES))
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_template_branch_reads_right(name: str, currency: str, specialty: bool) -> None:
    case = SCENARIOS[name]
    plan = build(case, currency, specialty)
    words = texts(plan)
    for lever, phrase in case.expect:
        if currency != "USD" and "Kirkland" in phrase:
            phrase = phrase.replace("Kirkland, WA", CURRENCIES[currency][0])
        assert phrase in words[lever], (lever, words[lever])
    for lever, phrase in case.refuse:
        assert phrase not in words[lever], (lever, words[lever])
    sign = CURRENCIES[currency][2].replace("180,000", "")
    for lever, text in words.items():
        body = text.split("\n", 1)[1] if lever == "email" else text  # after the subject
        for line in text.splitlines():
            for leftover in ("None", "{", "}", "  ", " .", " ,", ".."):
                assert leftover not in line, (leftover, text)
        if lever != "email":
            # A lowercase letter after a full stop starts a broken sentence.
            assert not SENTENCE_START.findall(text), (lever, text)
            assert text[:1].isupper(), text
        assert not re.search(r"(?:^|[.?!]\s)could\b", body), text
        if currency != "USD":
            assert "$" not in text, text
        if re.search(r"\d{3},\d{3}", text) and lever != "level":
            assert sign.strip() in text, (currency, text)
    if plan.lever("base").ask != plan.lever("base").initial:
        if specialty:
            assert "Given my work in recommendation systems, could we bring" in words["base"]
        else:
            assert "Could we bring the base to" in words["base"]
    for rival in plan.competing:
        if rival.same_company:
            assert f"{rival.given.company}'s offer" not in "\n".join(words.values())


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_scenario_reaches_its_branch_in_each_front_end(name: str) -> None:
    """The Markdown and HTML reports hold the same scripts as the JSON."""
    plan = build(SCENARIOS[name], "USD", False)
    words = texts(plan)
    markdown = plan_markdown(plan)
    html = plan_html(plan)
    for lever, text in words.items():
        if lever != "email":
            assert f"> {text}" in markdown
            assert str(escape(text)) in html
