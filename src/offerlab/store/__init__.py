"""The store: the SQL database (SQLite by default, PostgreSQL) and the columnar record store.

It implements the ports the domain declares (:class:`offerlab.market.ports.MarketRecords`)
and keeps saved offers, prep plans and accounts. Exports: :class:`Store` and
:func:`open_store` (an open store), :class:`MarketRepository` (market records: import and
queries) and :class:`ImportResult`; the other repositories live in their own modules.
"""

from offerlab.store.engine import Store, open_store
from offerlab.store.market_repository import ImportResult, MarketRepository

__all__ = ["ImportResult", "MarketRepository", "Store", "open_store"]
