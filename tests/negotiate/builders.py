"""Offers and plans for the planner's tests: a Microsoft 62 offer, a Google L5 one, overrides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from offerlab.money import Money
from offerlab.negotiate import Lever, NegotiationPlan, plan_json
from offerlab.offers import Offer, offer_from_mapping


def usd(value: int | str) -> Money:
    return Money(Decimal(value), "USD")


def microsoft(**overrides: Any) -> Offer:
    data: dict[str, Any] = {
        "company": "Microsoft",
        "title": "Senior Software Engineer",
        "level": "62",
        "location": "Redmond, WA",
        "base": 180000,
        "bonus_target_pct": 15,
        "signing": {"amount": 40000},
        "equity": [{"value": 200000, "schedule": "microsoft"}],
        "start_date": "2026-09-01",
    }
    data.update(overrides)
    return offer_from_mapping(data)


def google(**overrides: Any) -> Offer:
    data: dict[str, Any] = {
        "name": "Google L5",
        "company": "Google",
        "title": "Software Engineer",
        "level": "L5",
        "location": "Kirkland, WA",
        "base": 195000,
        "bonus_target_pct": 15,
        "signing": {"amount": 50000},
        "equity": [{"value": 360000, "schedule": "google"}],
    }
    data.update(overrides)
    return offer_from_mapping(data)


def lever(plan: NegotiationPlan, name: str) -> Lever:
    found = plan.lever(name)
    assert isinstance(found, Lever)
    return found


def words(plan: NegotiationPlan) -> str:
    """Every word the user would say or send: each lever's script and the email."""
    data = plan_json(plan)
    return "\n".join([*(item["script"] for item in data["levers"]), data["email"]])
