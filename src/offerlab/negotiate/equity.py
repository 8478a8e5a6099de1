"""Equity per year, the one yardstick of the negotiation planner, and the grant that gives a
wanted amount of it.

Equity per year is the value of every initial grant and refresher vesting in offer years 1-4,
divided by 4: the way comp sites (and so the market bands) report stock. The benchmark, the
equity lever, the packages and competing offers are all measured with it, so an ask for the
band's p75 lands at p75 on the benchmark's own measure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from offerlab.money import Money
from offerlab.offers import Offer, OfferEvaluation, evaluate
from offerlab.offers.model import EquityGrant

__all__ = ["equity_per_year", "grant_for", "grants_total", "with_grants"]


def equity_per_year(evaluation: OfferEvaluation) -> Money:
    """Equity per year, the one yardstick: the value of every initial grant and refresher
    vesting in offer years 1-4, divided by 4 (in the offer's currency, a year)."""
    return evaluation.equity_per_year


def grants_total(offer: Offer) -> Decimal:
    """The initial grants' total value (at the price their vests are valued at)."""
    return sum((g.valued_total for g in offer.equity), Decimal(0))


def with_grants(offer: Offer, total: Decimal) -> Offer:
    """``offer`` with initial grants worth ``total`` in all: each grant scaled alike (on its
    own schedule), or one grant on the company's schedule when the offer has none."""
    initial = grants_total(offer)
    if initial > 0:
        ratio = total / initial
        return offer.model_copy(update={"equity": [_scaled_grant(g, ratio) for g in offer.equity]})
    if total <= 0:
        return offer
    grant = EquityGrant(name="equity ask", value=total)
    return offer.model_copy(update={"equity": [*offer.equity, grant]})


def grant_for(
    offer: Offer, annual: Money, measure: Callable[[Offer], Money] | None = None
) -> Decimal | None:
    """The initial grants' total that makes equity per year ``annual`` (exact; refreshers as
    offered, a refresher sized as a share of the grant growing with it), or None when no grant
    vests within the first four years. ``measure`` is the equity per year of an offer (default:
    on paper, :func:`equity_per_year`); it must grow in proportion to the grants, as the
    risk-adjusted value does."""
    measured = measure if measure is not None else _paper
    low = grants_total(offer)
    high = low + Decimal(1_000_000)
    at_low = measured(with_grants(offer, low))
    at_high = measured(with_grants(offer, high))
    slope = (at_high - at_low).amount / (high - low)
    if slope <= 0:
        return None
    return low + (annual - at_low).amount / slope


def _paper(offer: Offer) -> Money:
    return equity_per_year(evaluate(offer))


def _scaled_grant(grant: EquityGrant, ratio: Decimal) -> EquityGrant:
    if ratio == 1:
        return grant
    if grant.value is not None:
        return grant.model_copy(update={"value": grant.value * ratio})
    assert grant.shares is not None
    return grant.model_copy(update={"shares": grant.shares * ratio})
