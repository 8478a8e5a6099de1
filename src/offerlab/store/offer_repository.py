"""The saved-offers repository: create, read, replace and delete offers by id.

Offers are kept as offer-file TOML (exact decimals) and come back as validated
:class:`~offerlab.offers.Offer` values. Every call is scoped to an ``owner`` (empty for the
local app), so one user can never see or change another's offers: a wrong owner is a 404.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from offerlab.errors import NotFoundError
from offerlab.offers import Offer, dump_offer_toml, parse_offer_text
from offerlab.store.database import as_utc
from offerlab.store.engine import Store
from offerlab.store.offer_models import SavedOfferRow
from offerlab.store.pool_models import withdraw_tokens

__all__ = ["MAX_ID", "OfferName", "OfferRepository", "SavedOffer"]

#: Ids are 32-bit on every backend; a larger number names no offer.
MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class SavedOffer:
    """An offer as stored: its id, the offer and when it was created and last changed."""

    id: int
    offer: Offer
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OfferName:
    """A saved offer's id and name (what a list to pick from shows)."""

    id: int
    name: str


class OfferRepository:
    """Saved offers in the store's SQL database (SQLite or PostgreSQL)."""

    def __init__(self, store: Store | Engine, owner: str = "") -> None:
        self.engine: Engine = store.engine if isinstance(store, Store) else store
        self.owner = owner

    def _saved(self, row: SavedOfferRow) -> SavedOffer:
        offer = parse_offer_text(row.document, f"saved offer {row.id}", "toml")
        return SavedOffer(row.id, offer, as_utc(row.created_at), as_utc(row.updated_at))

    def _row(self, session: Session, offer_id: int) -> SavedOfferRow:
        if not 1 <= offer_id <= MAX_ID:
            raise NotFoundError(f"no saved offer with id {offer_id}")
        row = session.get(SavedOfferRow, offer_id)
        if row is None or row.owner != self.owner:
            raise NotFoundError(f"no saved offer with id {offer_id}")
        return row

    def add(self, offer: Offer) -> SavedOffer:
        """Save ``offer`` and return it with its new id."""
        now = datetime.now(UTC)
        with Session(self.engine) as session, session.begin():
            row = SavedOfferRow(
                owner=self.owner,
                name=offer.display_name[:300],
                company=offer.company[:300],
                document=dump_offer_toml(offer),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return SavedOffer(row.id, offer, now, now)

    def get(self, offer_id: int) -> SavedOffer:
        """The saved offer ``offer_id``; :class:`NotFoundError` if it is not there."""
        with Session(self.engine) as session:
            return self._saved(self._row(session, offer_id))

    def list(self) -> list[SavedOffer]:
        """Every saved offer of the owner, oldest first (for a few; :meth:`page` for a list
        that can grow)."""
        query = (
            select(SavedOfferRow)
            .where(SavedOfferRow.owner == self.owner)
            .order_by(SavedOfferRow.id)
        )
        with Session(self.engine) as session:
            return [self._saved(row) for row in session.scalars(query)]

    def page(self, after: int, limit: int) -> tuple[builtins.list[SavedOffer], bool]:
        """Up to ``limit`` saved offers with ids above ``after``, oldest first (a stable
        order: ids only grow), and whether more follow."""
        query = (
            select(SavedOfferRow)
            .where(SavedOfferRow.owner == self.owner, SavedOfferRow.id > after)
            .order_by(SavedOfferRow.id)
            .limit(limit + 1)
        )
        with Session(self.engine) as session:
            rows = list(session.scalars(query))
        return [self._saved(row) for row in rows[:limit]], len(rows) > limit

    def names(self, limit: int) -> builtins.list[OfferName]:
        """The ids and names of the owner's ``limit`` newest offers, newest first, without
        reading the offers (for lists to pick from)."""
        query = (
            select(SavedOfferRow.id, SavedOfferRow.name)
            .where(SavedOfferRow.owner == self.owner)
            .order_by(SavedOfferRow.id.desc())
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [OfferName(id, name) for id, name in session.execute(query)]

    def replace(self, offer_id: int, offer: Offer) -> SavedOffer:
        """Replace the saved offer ``offer_id`` with ``offer``, keeping its id."""
        now = datetime.now(UTC)
        with Session(self.engine) as session, session.begin():
            row = self._row(session, offer_id)
            row.name = offer.display_name[:300]
            row.company = offer.company[:300]
            row.document = dump_offer_toml(offer)
            row.updated_at = now
            return SavedOffer(row.id, offer, as_utc(row.created_at), now)

    def delete(self, offer_id: int) -> None:
        """Delete the saved offer ``offer_id`` (and take what it shared out of the pool);
        :class:`NotFoundError` if it is not there."""
        with Session(self.engine) as session, session.begin():
            self._row(session, offer_id)
            # The token as the delete finds it, not as read before: a share of this offer
            # committing meanwhile (it holds the row) has put a new token there, and the record
            # that token leads to must go too, or nothing would ever lead to it again.
            tokens = session.scalars(
                delete(SavedOfferRow)
                .where(SavedOfferRow.id == offer_id, SavedOfferRow.owner == self.owner)
                .returning(SavedOfferRow.pool_token)
                .execution_options(synchronize_session=False)
            ).all()
            withdraw_tokens(session, tokens)
