"""The pool under concurrent requests, on SQLite and PostgreSQL: a member's shares of several
offers in one cell at once leave one record, and deleting a saved offer or removing an account
while a share of it is being written leaves no record behind that nothing leads to (an orphan
would stay in the pool for good, against the member's withdrawal)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from offerlab.errors import ConflictError
from offerlab.market.pooled import share_of
from offerlab.offers import Offer, load_offer
from offerlab.store import Store
from offerlab.store.account_repository import AccountRepository
from offerlab.store.offer_repository import OfferRepository
from offerlab.store.pool_models import token_digest
from offerlab.store.pool_repository import PoolRepository

TODAY = date(2026, 12, 3)
PASSWORD = "a long enough pass phrase"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as opened:
        yield opened


@pytest.fixture
def offer(examples: Path) -> Offer:
    return load_offer(examples / "msft-l62-initial.toml")


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    return int(value or 0)


def test_shares_of_several_offers_in_one_cell_at_once_leave_one(store: Store, offer: Offer):
    offers = OfferRepository(store, "alice")
    ids = [offers.add(offer.model_copy(update={"base": Decimal(180_000 + i)})).id for i in range(4)]
    record = share_of(offer, None, today=TODAY)
    start = threading.Barrier(8)

    def share(index: int) -> str:
        start.wait()
        try:
            PoolRepository(store, "alice").share(ids[index % 4], record)
        except ConflictError:
            return "conflict"
        return "shared"

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(share, range(8)))
    assert "shared" in answers
    # One member, one offer a cell: otherwise four of a member's own and one other member's
    # would make a band from which the member reads the other's offer.
    assert _count(store.engine, "SELECT count(*) FROM pooled_offers") == 1
    tokens = "SELECT count(*) FROM saved_offers WHERE pool_token IS NOT NULL"
    assert _count(store.engine, tokens) == 1


def _share_in_flight(conn: Connection, owner: str, offer_id: int) -> None:
    """What a second share of the saved offer does inside its transaction, left uncommitted: the
    member's offers locked, the token swapped, the old record replaced by a new one."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT id FROM saved_offers WHERE owner = :o FOR UPDATE"), {"o": owner})
    old: str = conn.execute(
        text("SELECT pool_token FROM saved_offers WHERE id = :i"), {"i": offer_id}
    ).scalar_one()
    new = secrets.token_urlsafe(32)
    conn.execute(
        text("UPDATE saved_offers SET pool_token = :n WHERE id = :i"), {"n": new, "i": offer_id}
    )
    conn.execute(
        text("DELETE FROM pooled_offers WHERE token_digest = :d"), {"d": token_digest(old)}
    )
    conn.execute(
        text(
            "INSERT INTO pooled_offers VALUES (:id, :d, 'Microsoft', '62', 'Seattle metro', "
            "'USD', 'ML/AI Engineer', '2026-09', NULL, 190000, 28500, 50000)"
        ),
        {"id": secrets.token_hex(16), "d": token_digest(new)},
    )


def _wait_until_blocked(engine: Engine) -> None:
    """Until the other thread waits for the share's locks (PostgreSQL shows it; SQLite's
    waiting writer does not, so a pause there)."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if _count(engine, "SELECT count(*) FROM pg_locks WHERE NOT granted"):
            return
        time.sleep(0.02)
    raise AssertionError("the delete never waited for the share's lock")


def _race(store: Store, owner: str, offer_id: int, action: Callable[[], object]) -> None:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:  # reported by the test below
            failures.append(error)

    with store.engine.connect() as conn:
        transaction = conn.begin()
        _share_in_flight(conn, owner, offer_id)
        worker = threading.Thread(target=run)
        worker.start()
        _wait_until_blocked(store.engine)
        transaction.commit()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert not failures, failures


def test_deleting_an_offer_while_it_is_being_shared_leaves_no_orphan(store: Store, offer: Offer):
    accounts = AccountRepository(store)
    owner = accounts.add("alice", PASSWORD).owner
    offers = OfferRepository(store, owner)
    saved = offers.add(offer)
    PoolRepository(store, owner).share(saved.id, share_of(offer, None, today=TODAY))
    _race(store, owner, saved.id, lambda: offers.delete(saved.id))
    assert _count(store.engine, "SELECT count(*) FROM saved_offers") == 0
    assert _count(store.engine, "SELECT count(*) FROM pooled_offers") == 0


def test_removing_an_account_while_it_shares_leaves_no_orphan(store: Store, offer: Offer):
    accounts = AccountRepository(store)
    owner = accounts.add("alice", PASSWORD).owner
    saved = OfferRepository(store, owner).add(offer)
    PoolRepository(store, owner).share(saved.id, share_of(offer, None, today=TODAY))
    _race(store, owner, saved.id, lambda: accounts.remove("alice"))
    assert _count(store.engine, "SELECT count(*) FROM saved_offers") == 0
    assert _count(store.engine, "SELECT count(*) FROM pooled_offers") == 0
