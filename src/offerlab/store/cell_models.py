"""Market cells: each band a query can ask for, computed when records are imported (SQLAlchemy 2
typed models; migration ``0007`` creates them).

A **cell** is every record of one company (canonical name) in one currency, narrowed or not by
level, by specialty and by place: ``level``, ``specialty`` and ``place`` are ``""`` for "every".
It holds what a bands query needs: how many records, per component the records that report it
(> 0) and their p10/p25/p50/p75/p90 (NumPy's linear interpolation, as the query over the
records computes them, to the last bit), the first, last and median record dates and the
sources. With PostgreSQL holding ten million records, a bands query is then one primary-key
read instead of a sort of up to a million rows (``docs/market.md``, *Beyond one machine*).

``market_places`` lists the places a cell can be for: a city, a metro, a region or a country of
the normalised locations, with the digest of its set of reported locations, so a query's
``--location`` (whatever words it uses) is matched to a place by the records it selects.
``market_cell_state`` holds one row: the generation, raised by every refresh, that tells a
process its cached place lookups are stale.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Double, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from offerlab.store.models import Base

__all__ = ["CELL_COMPONENT_COLUMNS", "MarketCell", "MarketCellState", "MarketPlace"]

#: The columns each component has in ``market_cells``: ``<component>_n`` and the percentiles.
CELL_COMPONENT_COLUMNS = ("n", "p10", "p25", "p50", "p75", "p90")


class MarketCell(Base):
    """One band: the records of a company in a currency, by level, specialty and place."""

    __tablename__ = "market_cells"

    company: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: A level as the records' maps place it, or a level as reported; "" = every level.
    level: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: A specialty (``ML / AI``) or a tag as reported; "" = every specialty.
    specialty: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: A ``market_places.place_key``; "" = every place.
    place: Mapped[str] = mapped_column(String(64), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    #: Records with a date (a query with --since or --until is answered here only when its
    #: dates leave out none of the cell's records, which needs every record dated).
    n_dated: Mapped[int] = mapped_column(Integer)
    base_n: Mapped[int] = mapped_column(Integer)
    base_p10: Mapped[float | None] = mapped_column(Double)
    base_p25: Mapped[float | None] = mapped_column(Double)
    base_p50: Mapped[float | None] = mapped_column(Double)
    base_p75: Mapped[float | None] = mapped_column(Double)
    base_p90: Mapped[float | None] = mapped_column(Double)
    stock_n: Mapped[int] = mapped_column(Integer)
    stock_p10: Mapped[float | None] = mapped_column(Double)
    stock_p25: Mapped[float | None] = mapped_column(Double)
    stock_p50: Mapped[float | None] = mapped_column(Double)
    stock_p75: Mapped[float | None] = mapped_column(Double)
    stock_p90: Mapped[float | None] = mapped_column(Double)
    bonus_n: Mapped[int] = mapped_column(Integer)
    bonus_p10: Mapped[float | None] = mapped_column(Double)
    bonus_p25: Mapped[float | None] = mapped_column(Double)
    bonus_p50: Mapped[float | None] = mapped_column(Double)
    bonus_p75: Mapped[float | None] = mapped_column(Double)
    bonus_p90: Mapped[float | None] = mapped_column(Double)
    total_n: Mapped[int] = mapped_column(Integer)
    total_p10: Mapped[float | None] = mapped_column(Double)
    total_p25: Mapped[float | None] = mapped_column(Double)
    total_p50: Mapped[float | None] = mapped_column(Double)
    total_p75: Mapped[float | None] = mapped_column(Double)
    total_p90: Mapped[float | None] = mapped_column(Double)
    first_date: Mapped[date | None] = mapped_column(Date)
    last_date: Mapped[date | None] = mapped_column(Date)
    #: The middle record date (the earlier of the two middle ones for an even count).
    median_date: Mapped[date | None] = mapped_column(Date)
    #: The sources of the cell's records: ids, comma-separated, ascending.
    source_ids: Mapped[str] = mapped_column(String(2000))


class MarketPlace(Base):
    """A place a cell can be for, and the reported locations it holds."""

    __tablename__ = "market_places"

    #: A digest of the place's kind and names (a short, fixed-length key for the cells).
    place_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(700))
    #: SHA-256 of the place's reported locations, sorted, one a line.
    members_digest: Mapped[str] = mapped_column(String(64), index=True)
    members: Mapped[int] = mapped_column(Integer)


class MarketCellState(Base):
    """The one row saying when the cells were last computed and over how many records."""

    __tablename__ = "market_cell_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    records: Mapped[int] = mapped_column(BigInteger)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
