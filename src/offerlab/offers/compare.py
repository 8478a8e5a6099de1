"""Offers side by side: the same metrics for each, and the deltas against the first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from offerlab.errors import CurrencyMismatchError, InputError
from offerlab.money import Money
from offerlab.offers.metrics import OfferEvaluation

__all__ = ["HEADLINE_METRICS", "Comparison", "compare"]

#: The headline metrics, in the order reports show them.
HEADLINE_METRICS: tuple[str, ...] = (
    "year1_total",
    "annualized_total",
    "four_year_total",
    "steady_state_total",
)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Evaluations in the order given; the first is the baseline for deltas."""

    evaluations: tuple[OfferEvaluation, ...]

    @property
    def baseline(self) -> OfferEvaluation:
        return self.evaluations[0]

    def metric(self, evaluation: OfferEvaluation, name: str) -> Money:
        value = getattr(evaluation, name)
        assert isinstance(value, Money)
        return value

    def as_json(self) -> dict[str, object]:
        """The ``offer compare --json`` contract: the show objects, in order."""
        return {"offers": [e.as_json() for e in self.evaluations]}


def compare(evaluations: Sequence[OfferEvaluation]) -> Comparison:
    """Line up evaluated offers; they must share one currency and one horizon."""
    if len(evaluations) < 2:
        raise InputError("compare needs at least two offers")
    first = evaluations[0]
    for other in evaluations[1:]:
        if other.currency != first.currency:
            raise CurrencyMismatchError(first.currency, other.currency, "compare")
    return Comparison(tuple(evaluations))
