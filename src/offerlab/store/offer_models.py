"""Saved offers (SQLAlchemy 2 typed model; migration ``0003`` creates the table).

An offer is kept as its offer-file document (TOML, exact decimals) with the few fields a list
shows beside it. ``owner`` is empty for the local, single-user app; hosted mode fills it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from offerlab.store.models import Base

__all__ = ["SavedOfferRow"]


class SavedOfferRow(Base):
    """One saved offer."""

    __tablename__ = "saved_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), default="", index=True)
    name: Mapped[str] = mapped_column(String(300))
    company: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The withdrawal token of the offer's record in the pool (migration ``0008``): held here
    #: only, so only the member can take their record back; None when not shared.
    pool_token: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
