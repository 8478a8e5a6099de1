"""The pool of offers a hosted instance's members shared (implements the market's
:class:`~offerlab.market.ports.OfferPool` and :class:`~offerlab.market.ports.SharedOffers`).

Reading is by cell place only (company x level x metro): there is no call that lists the pool
or says who shared what. Sharing writes a random token into the member's saved offer and the
token's SHA-256 digest into the pooled record, in one transaction; withdrawing, deleting the
saved offer or removing the account deletes the record through that digest. The saved offer's
token is changed with a compare-and-set (``UPDATE ... WHERE pool_token = <the one read>``), so
two requests sharing the same offer at once leave one record, never an orphan.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from offerlab.errors import ConflictError, NotFoundError
from offerlab.market.pooled import PooledOffer, PoolPlace, in_cell_already
from offerlab.store.database import read_engine
from offerlab.store.engine import Store
from offerlab.store.offer_models import SavedOfferRow
from offerlab.store.offer_repository import MAX_ID
from offerlab.store.pool_models import PooledOfferRow, token_digest, withdraw_tokens

__all__ = ["PoolRepository"]

_ATTEMPTS = 5
_HOLDS_ANY = f"SELECT EXISTS (SELECT 1 FROM {PooledOfferRow.__tablename__})"


def _offer(row: Any) -> PooledOffer:
    """A pooled offer from its row (the ORM's, or a row of the table's columns)."""
    return PooledOffer(
        place=PoolPlace(row.company, row.level, row.metro),
        currency=row.currency,
        title=row.title,
        month=row.month,
        years=row.years,
        base=Decimal(row.base),
        bonus=Decimal(row.bonus),
        stock_per_year=Decimal(row.stock_per_year),
    )


class PoolRepository:
    """The pool in the store's SQL database; shares are scoped to ``owner`` (a member)."""

    def __init__(self, store: Store | Engine, owner: str = "") -> None:
        self.engine: Engine = store.engine if isinstance(store, Store) else store
        #: Reads of the market's side (every bands query asks whether anything is pooled):
        #: single statements without a transaction or an ORM session around them (the
        #: store's own reader: an engine made per repository would cost more than the read).
        self.reader: Engine = store.reader if isinstance(store, Store) else read_engine(store)
        self.owner = owner

    # --- the instance's market (OfferPool) ------------------------------------------------------

    def pooled(self, place: PoolPlace) -> Sequence[PooledOffer]:
        table = PooledOfferRow.__table__
        query = select(table).where(
            table.c.company == place.company,
            table.c.level == place.level,
            table.c.metro == place.metro,
        )
        with self.reader.connect() as conn:
            return [_offer(row) for row in conn.execute(query)]

    def holds_any(self) -> bool:
        """Whether anyone has shared anything (a store that never pooled says nothing of it).
        Every bands query asks: one statement on the driver's cursor (SQLAlchemy's result
        machinery cost more than the read)."""
        with self.reader.connect() as conn:
            cursor = conn.connection.cursor()
            try:
                cursor.execute(_HOLDS_ANY)
                row = cursor.fetchone()
            finally:
                cursor.close()
        return row is not None and bool(row[0])

    # --- one member's shares (SharedOffers) -----------------------------------------------------

    def _token(self, session: Session, offer_id: int) -> str | None:
        if not 1 <= offer_id <= MAX_ID:
            raise NotFoundError(f"no saved offer with id {offer_id}")
        row = session.execute(
            select(SavedOfferRow.pool_token).where(
                SavedOfferRow.id == offer_id, SavedOfferRow.owner == self.owner
            )
        ).first()
        if row is None:
            raise NotFoundError(f"no saved offer with id {offer_id}")
        token: str | None = row[0]
        return token

    def _swap(self, session: Session, offer_id: int, old: str | None, new: str | None) -> bool:
        """Set the saved offer's token from ``old`` to ``new``; False if another request
        changed it since it was read."""
        current = (
            SavedOfferRow.pool_token.is_(None) if old is None else SavedOfferRow.pool_token == old
        )
        result = session.execute(
            update(SavedOfferRow)
            .where(SavedOfferRow.id == offer_id, SavedOfferRow.owner == self.owner, current)
            .values(pool_token=new)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def sharing_in(self, record: PooledOffer, offer_id: int) -> str | None:
        """The name of another of the member's saved offers that is shared in ``record``'s
        cell (None: none is)."""
        with Session(self.engine) as session:
            return self._other_in_cell(session, record, offer_id)

    def _other_in_cell(self, session: Session, record: PooledOffer, offer_id: int) -> str | None:
        # The member's own saved offers are the only way to their records: their tokens.
        mine = session.execute(
            select(SavedOfferRow.name, SavedOfferRow.pool_token).where(
                SavedOfferRow.owner == self.owner,
                SavedOfferRow.id != offer_id,
                SavedOfferRow.pool_token.is_not(None),
            )
        ).all()
        if not mine:
            return None
        names = {token_digest(token): name for name, token in mine if token}
        found = session.scalars(
            select(PooledOfferRow.token_digest).where(
                PooledOfferRow.token_digest.in_(list(names)),
                PooledOfferRow.company == record.place.company,
                PooledOfferRow.level == record.place.level,
                PooledOfferRow.metro == record.place.metro,
                PooledOfferRow.currency == record.currency,
            )
        ).first()
        return None if found is None else names[found]

    def _lock_member(self, session: Session) -> None:
        """Hold the member's saved offers until the transaction ends, so two of their shares at
        once cannot both find their cell free. PostgreSQL: SELECT ... FOR UPDATE. SQLite: a
        write that changes nothing, as the transaction's first statement: SQLite's driver
        starts a transaction only at a write, so the reads before it would run outside (and two
        shares would both read the cell free); the write takes the database's one write lock
        for the whole transaction."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                select(SavedOfferRow.id)
                .where(SavedOfferRow.owner == self.owner)
                .order_by(SavedOfferRow.id)  # one order for every share: no deadlock between two
                .with_for_update()
            )
        else:
            session.execute(
                update(SavedOfferRow)
                .where(SavedOfferRow.owner == self.owner)
                .values(pool_token=SavedOfferRow.pool_token)
                .execution_options(synchronize_session=False)
            )

    def shared(self, offer_id: int) -> PooledOffer | None:
        with Session(self.engine) as session:
            token = self._token(session, offer_id)
            if token is None:
                return None
            row = session.scalars(
                select(PooledOfferRow).where(PooledOfferRow.token_digest == token_digest(token))
            ).first()
            return None if row is None else _offer(row)

    def share(self, offer_id: int, record: PooledOffer) -> PooledOffer:
        for _ in range(_ATTEMPTS):
            token = secrets.token_urlsafe(32)
            try:
                with Session(self.engine) as session, session.begin():
                    self._lock_member(session)
                    old = self._token(session, offer_id)
                    other = self._other_in_cell(session, record, offer_id)
                    if other is not None:
                        raise ConflictError(in_cell_already(other, record))
                    if not self._swap(session, offer_id, old, token):
                        raise _Changed
                    withdraw_tokens(session, [old])
                    session.add(_row(token, record))
            except _Changed:
                continue
            return record
        raise ConflictError(f"saved offer {offer_id} is being shared by another request; try again")

    def withdraw(self, offer_id: int) -> bool:
        for _ in range(_ATTEMPTS):
            try:
                with Session(self.engine) as session, session.begin():
                    old = self._token(session, offer_id)
                    if old is None:
                        return False
                    if not self._swap(session, offer_id, old, None):
                        raise _Changed
                    withdraw_tokens(session, [old])
            except _Changed:
                continue
            return True
        raise ConflictError(
            f"saved offer {offer_id} is being changed by another request; try again"
        )


class _Changed(Exception):
    """The saved offer's token changed between reading and writing it (the transaction rolls
    back and the call tries again)."""


def _row(token: str, record: PooledOffer) -> PooledOfferRow:
    return PooledOfferRow(
        # A random key: an ordered one would give away who shared in which order.
        id=secrets.token_hex(16),
        token_digest=token_digest(token),
        company=record.place.company,
        level=record.place.level,
        metro=record.place.metro,
        currency=record.currency,
        title=record.title,
        month=record.month,
        years=record.years,
        base=record.base,
        bonus=record.bonus,
        stock_per_year=record.stock_per_year,
    )
