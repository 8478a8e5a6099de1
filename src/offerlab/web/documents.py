"""The JSON documents the API answers with and the pages show: the same objects as the CLI's
``--json`` (a saved offer, its warnings, a comparison, a negotiation plan, a simulation), built
from the services' typed results.

The private-company figures a request gives (how private equity is valued, the
private-company model of a simulation) are checked by the same code as the CLI's options; a
problem comes back located at the request's field, its message naming the field
(``haircut_pct``), not the CLI option (``--haircut``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from offerlab.encoding import to_data, to_object
from offerlab.errors import InputError, Problem, ProblemsError
from offerlab.negotiate import plan_json, plan_negotiation
from offerlab.offers import Offer
from offerlab.offers.service import offer_warnings
from offerlab.scenarios.service import (
    PriceModel,
    PrivateModel,
    compare_offers,
    fresh_seed,
    simulate_offers,
)
from offerlab.scenarios.valuation import (
    DEFAULT_EXPECTED_VALUE,
    ValuationMethod,
    valuation_method,
)
from offerlab.store import Store
from offerlab.store.offer_repository import SavedOffer
from offerlab.web.deps import market_view

__all__ = [
    "MAX_PATHS",
    "all_warnings",
    "compare_document",
    "negotiate_document",
    "private_model",
    "risk_method",
    "saved_json",
    "simulate_document",
    "warnings_json",
]

#: The most price paths one request may ask for.
MAX_PATHS = 20_000


def saved_json(saved: SavedOffer) -> dict[str, Any]:
    """A stored offer: its id, times, the offer with the offer file's keys, and its
    plausibility warnings."""
    return {
        "id": saved.id,
        "name": saved.offer.display_name,
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
        "offer": to_data(saved.offer.model_dump(mode="python", exclude_defaults=True)),
        "warnings": warnings_json(saved.offer, f"offer {saved.id}"),
    }


def warnings_json(offer: Offer, source: str = "<body>") -> list[dict[str, Any]]:
    """The offer's plausibility warnings, as ``offer show --json`` lists them."""
    return [{"file": source, **to_object(w)} for w in offer_warnings(offer)]


def all_warnings(offers: list[Offer], ids: list[int], key: str) -> list[dict[str, Any]]:
    """The warnings of a request's offers: saved ones (``ids``) first, then the given ones
    (``<body>.key[i]``), in the order the offers were put together."""
    sources = [f"offer {i}" for i in ids]
    sources += [f"<body>.{key}[{k}]" for k in range(len(offers) - len(ids))]
    return [w for o, s in zip(offers, sources, strict=True) for w in warnings_json(o, s)]


#: The CLI options of the private-company figures and the request fields that give them.
FIELDS_OF_OPTIONS: dict[str, str] = {
    "--risk-model": "risk_model",
    "--haircut": "haircut_pct",
    "--exit-by-year": "exit_by_year_pct",
    "--dilution": "dilution_pct",
    "--exit-outcomes": "exit_outcomes",
    "--round-every": "round_every_months",
    "--private-volatility": "private_volatility_pct",
    "--drift": "private_drift_pct",
}

_T = TypeVar("_T")


def _located(
    build: Callable[[], _T],
    source: str = "<body>",
    names: Mapping[str, str] = FIELDS_OF_OPTIONS,
) -> _T:
    """``build()``, its InputError about a CLI option located at the request's field (the
    field of each option: ``names``)."""
    try:
        return build()
    except InputError as error:
        if error.option is None:
            raise
        field = names.get(error.option, error.option.lstrip("-").replace("-", "_"))
        message = error.message
        for option, name in names.items():
            message = message.replace(option, name)
        raise ProblemsError(
            [Problem(source, field, message, "see the field's description")], "invalid input"
        ) from None


def risk_method(
    model: str | None,
    haircut_pct: Decimal | None,
    exit_by_year_pct: Sequence[float] | None,
    dilution_pct: float | None,
    source: str = "<body>",
    names: Mapping[str, str] = FIELDS_OF_OPTIONS,
) -> ValuationMethod:
    """How private equity is valued, from a request's fields (``exit_by_year_pct`` in
    percent), as ``--risk-model``, ``--haircut``, ``--exit-by-year`` and ``--dilution``;
    ``names`` are the request's names of those options."""
    exits = None if exit_by_year_pct is None else tuple(p / 100 for p in exit_by_year_pct)
    return _located(
        lambda: valuation_method(model, haircut_pct, exits, dilution_pct), source, names
    )


def private_model(
    model: PrivateModel, source: str = "<body>", names: Mapping[str, str] = FIELDS_OF_OPTIONS
) -> PrivateModel:
    """``model`` once its figures are checked (a problem located at the request's field, by
    ``names``, when one is not valid)."""
    _located(model.scenario, source, names)
    return model


def compare_document(
    offers: list[Offer], years: int, method: ValuationMethod = DEFAULT_EXPECTED_VALUE
) -> dict[str, Any]:
    """The ``offer compare --json`` object for ``offers``: paper value, risk-adjusted value
    (by ``method``) and cash by year, and the grants' terms."""
    labels = [o.display_name for o in offers]
    return to_object(compare_offers(offers, years, sources=labels, method=method).as_json())


def negotiate_document(
    store: Store,
    offer: Offer,
    competing: list[Offer],
    valuation: ValuationMethod = DEFAULT_EXPECTED_VALUE,
) -> dict[str, Any]:
    """The ``negotiate --json`` object for ``offer`` against the store's market data, private
    equity measured by ``valuation``."""
    with market_view(store) as market:
        return plan_json(plan_negotiation(offer, market, competing=competing, valuation=valuation))


def simulate_document(
    offers: list[Offer],
    years: int,
    paths: int,
    seed: int | None,
    prices: PriceModel,
    private: PrivateModel,
) -> dict[str, Any]:
    """The ``offer simulate --json`` object for ``offers``: the public stock model, or the
    cash model when an offer has private equity or a private-company figure is given."""
    if not offers:
        raise InputError("simulate needs at least one offer: give 'ids' or 'offers'")
    used = fresh_seed() if seed is None else seed
    labels = [o.display_name for o in offers]
    result = simulate_offers(offers, years, paths, used, prices, private, sources=labels)
    return to_object(result.as_json())
