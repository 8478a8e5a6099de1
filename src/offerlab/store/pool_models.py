"""Pooled offers of a hosted instance (SQLAlchemy 2 typed model; migration ``0008`` creates it).

A row is one offer a member shared, with only the fields :class:`offerlab.market.pooled.
PooledOffer` names. It has no account, no saved offer id and no time of sharing: its key is
random (an autoincrementing id would give away the order of sharing) and the only way back to
it is ``token_digest``, the SHA-256 digest of a token that the member's saved offer holds
(``saved_offers.pool_token``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Index, Numeric, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from offerlab.store.models import Base

__all__ = ["PooledOfferRow", "token_digest", "withdraw_tokens"]


class PooledOfferRow(Base):
    """One shared offer."""

    __tablename__ = "pooled_offers"
    __table_args__ = (Index("ix_pooled_offers_place", "company", "level", "metro"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    company: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(100))
    metro: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    title: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(7))
    years: Mapped[str | None] = mapped_column(String(8), nullable=True)
    base: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    bonus: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    stock_per_year: Mapped[Decimal] = mapped_column(Numeric(20, 2))


def token_digest(token: str) -> str:
    """The SHA-256 digest (hex) a pooled record is found by."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def withdraw_tokens(session: Session, tokens: Sequence[str | None]) -> None:
    """Delete the pooled records of these withdrawal tokens (inside the caller's
    transaction: deleting a saved offer or an account takes its records out of the pool)."""
    digests = [token_digest(t) for t in tokens if t]
    if digests:
        session.execute(delete(PooledOfferRow).where(PooledOfferRow.token_digest.in_(digests)))
