"""The JSON documents the API answers with and the pages show: the same objects as the CLI's
``--json`` (a saved offer, its warnings, a comparison, a negotiation plan), built from the
services' typed results."""

from __future__ import annotations

from typing import Any

from offerlab.encoding import to_data, to_object
from offerlab.negotiate import plan_json, plan_negotiation
from offerlab.offers import Offer
from offerlab.offers import service as offer_service
from offerlab.offers.service import offer_warnings
from offerlab.store import Store
from offerlab.store.offer_repository import SavedOffer
from offerlab.web.deps import market_view

__all__ = [
    "MAX_PATHS",
    "all_warnings",
    "compare_document",
    "negotiate_document",
    "saved_json",
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


def compare_document(offers: list[Offer], years: int) -> dict[str, Any]:
    """The ``offer compare --json`` object for ``offers``."""
    labels = [o.display_name for o in offers]
    return offer_service.compare_offers(offers, years, labels).comparison.as_json()


def negotiate_document(store: Store, offer: Offer, competing: list[Offer]) -> dict[str, Any]:
    """The ``negotiate --json`` object for ``offer`` against the store's market data."""
    with market_view(store) as market:
        return plan_json(plan_negotiation(offer, market, competing=competing))
