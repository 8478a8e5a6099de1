"""The CLI's composition root: the store-backed implementations of the ports the domain
declares, built here (and in ``web/deps.py`` for the web) so the domain never opens a store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from offerlab.negotiate.band import MarketView
from offerlab.negotiate.service import RecordsMarketView
from offerlab.store import MarketRepository, Store

__all__ = ["open_market_view"]


@contextmanager
def open_market_view(url: str, growth_pct: Decimal | None = None) -> Iterator[MarketView]:
    """The negotiation planner's market over the store at ``url``: its imported records where
    a company has them, the bundled data elsewhere; bands restated with ``growth_pct``."""
    with Store(url) as store:
        yield RecordsMarketView(MarketRepository(store), growth_pct)
