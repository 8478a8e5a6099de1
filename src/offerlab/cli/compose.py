"""The CLI's composition root: the store-backed implementations of the ports the domain
declares, built here (and in ``web/deps.py`` for the web) so the domain never opens a store.

A SQLite store with no imported record is not opened at all (:mod:`offerlab.store.probe`):
its answers are the bundled data's, and opening it would cost more than the command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from offerlab.market.ports import EvidenceSources, NoRecords, OfferPool
from offerlab.negotiate.band import MarketView
from offerlab.negotiate.service import RecordsMarketView
from offerlab.store.probe import has_market_records, has_pooled_offers

__all__ = ["open_market", "open_market_records", "open_market_view"]


@contextmanager
def open_market(url: str) -> Iterator[tuple[EvidenceSources, OfferPool | None]]:
    """The market records of the store at ``url`` with its other evidence (community reports,
    filings, official tables), and the offers its members pooled (hosted mode; None when the
    store holds none). A SQLite store with neither is not opened at all."""
    if has_market_records(url) is False and has_pooled_offers(url) is False:
        yield NoRecords(), None
        return
    # The store (SQLAlchemy, and DuckDB once records are read) loads only here.
    from offerlab.store import MarketRepository, Store
    from offerlab.store.pool_repository import PoolRepository

    with Store(url) as store:
        yield MarketRepository(store), PoolRepository(store)


@contextmanager
def open_market_records(url: str) -> Iterator[EvidenceSources]:
    """The market records of the store at ``url`` and its other evidence (community reports,
    filings, official tables); none, without opening it, when nothing was imported."""
    if has_market_records(url) is False:
        yield NoRecords()
        return
    from offerlab.store import MarketRepository, Store

    with Store(url) as store:
        yield MarketRepository(store, per_query=True)


@contextmanager
def open_market_view(url: str, growth_pct: Decimal | None = None) -> Iterator[MarketView]:
    """The negotiation planner's market over the store at ``url``: its imported records where
    a company has them, the bundled data elsewhere; bands restated with ``growth_pct``."""
    with open_market(url) as (records, pool):
        yield RecordsMarketView(records, growth_pct, pool=pool)
