"""Invariants for any valid offer (hypothesis)."""

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerlab.money import Money, money_sum
from offerlab.offers import Component, evaluate, offer_from_mapping, preset_names
from offerlab.offers.metrics import COMPONENTS

money = st.decimals(min_value=0, max_value=Decimal("5e6"), places=2, allow_nan=False)
positive = st.decimals(min_value=Decimal("1"), max_value=Decimal("2e6"), places=2)
percent = st.decimals(min_value=0, max_value=50, places=2)


@st.composite
def schedules(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        return draw(st.sampled_from(preset_names()))
    count = draw(st.integers(1, 5))
    cuts = sorted(draw(st.lists(st.integers(0, 10000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10000]
    years = [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(count)]
    cadence = draw(st.sampled_from(["monthly", "quarterly", "semiannual", "annual"]))
    return {"years": years, "cadence": cadence, "cliff_months": draw(st.integers(0, 12))}


@st.composite
def grants(draw: st.DrawFn) -> dict[str, Any]:
    grant: dict[str, Any] = {"schedule": draw(schedules()), "start_month": draw(st.integers(0, 6))}
    if draw(st.booleans()):
        grant["value"] = draw(money)
    else:
        grant["shares"] = draw(st.integers(1, 100000))
        grant["price"] = draw(st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2))
        if draw(st.booleans()):
            grant["current_price"] = draw(
                st.decimals(min_value=Decimal("0.01"), max_value=2000, places=2)
            )
    return grant


@st.composite
def offers(draw: st.DrawFn) -> Any:
    data: dict[str, Any] = {
        "company": draw(st.sampled_from(["Microsoft", "Amazon", "Google", "Acme"])),
        "title": "Engineer",
        "level": "5",
        "location": "Somewhere",
        "base": draw(positive),
        "raise_pct": draw(percent),
        "bonus_target_pct": draw(percent),
        "bonus_multiplier": draw(st.decimals(min_value=0, max_value=2, places=2)),
        "equity": draw(st.lists(grants(), max_size=3)),
    }
    if draw(st.booleans()):
        data["signing"] = {"payments": draw(st.lists(money, min_size=1, max_size=3))}
    if data["equity"] and draw(st.booleans()):
        data["refreshers"] = {
            "pct_of_initial": draw(percent),
            "first_year": draw(st.integers(1, 4)),
            "schedule": draw(schedules()),
        }
    if draw(st.booleans()):
        data["other"] = [
            {
                "name": "x",
                "amount": draw(money),
                "recurring": draw(st.sampled_from(["once", "annual"])),
            }
        ]
    return offer_from_mapping(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers())
def test_equity_vested_over_the_whole_schedule_is_the_grants_value(offer: Any) -> None:
    last_vest_year = max(
        [(g.start_month + offer.schedule_for(g).length_months + 11) // 12 for g in offer.equity],
        default=1,
    )
    evaluation = evaluate(offer, years=max(1, last_vest_year))
    vested = money_sum(
        (e.amount for e in evaluation.events if e.component is Component.EQUITY), offer.currency
    )
    expected = money_sum((Money(g.valued_total) for g in offer.equity), offer.currency)
    assert vested == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers(), st.integers(1, 8))
def test_totals_are_sums_of_their_parts(offer: Any, years: int) -> None:
    evaluation = evaluate(offer, years)
    assert len(evaluation.years) == years
    for totals in evaluation.years:
        assert totals.total == money_sum((totals[c] for c in COMPONENTS), offer.currency)
        events = [e.amount for e in evaluation.events if e.year == totals.year]
        assert totals.total == money_sum(events, offer.currency)
    assert evaluation.annualized_total == evaluation.four_year_total / 4
    # Dividing by four can only lose what lies below the 1e-12 resolution.
    assert abs((evaluation.annualized_total * 4 - evaluation.four_year_total).amount) < Decimal(
        "4e-12"
    )
    assert evaluation.four_year_total == money_sum(
        (evaluation.year(y).total for y in range(1, 5)), offer.currency
    )
