"""Offer-file pieces that several test modules build on."""

from typing import Any


def option_grant(**overrides: Any) -> dict[str, Any]:
    """The issue-14 grant: 40,000 ISOs at strike 2.00, 409A 5.00, valued at 10.00 a share,
    on the 'standard' schedule; ``overrides`` change or add keys."""
    grant: dict[str, Any] = {
        "kind": "option",
        "shares": 40000,
        "strike": "2.00",
        "fmv": "5.00",
        "price": "10.00",
        "schedule": "standard",
    }
    grant.update(overrides)
    return grant
