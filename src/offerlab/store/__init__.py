"""The store: the SQL database (SQLite by default, PostgreSQL) and the columnar record store.

It implements the ports the domain declares (:class:`offerlab.market.ports.MarketRecords`)
and keeps saved offers, prep plans and accounts. Exports: :class:`Store` and
:func:`open_store` (an open store), :class:`MarketRepository` (market records: import and
queries) and :class:`ImportResult`; the other repositories live in their own modules. Each is
imported when first used, so a look at the store (:mod:`offerlab.store.probe`) loads no
SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from offerlab._exports import lazy_exports

if TYPE_CHECKING:
    from offerlab.store.engine import Store, open_store
    from offerlab.store.market_repository import MarketRepository
    from offerlab.store.sources import ImportResult

_EXPORTS = {
    "ImportResult": "offerlab.store.sources",
    "MarketRepository": "offerlab.store.market_repository",
    "Store": "offerlab.store.engine",
    "open_store": "offerlab.store.engine",
}
__all__ = ["ImportResult", "MarketRepository", "Store", "open_store"]
__getattr__ = lazy_exports(__name__, _EXPORTS)
