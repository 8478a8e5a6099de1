"""Pooled connections on PostgreSQL: one used a moment ago is handed out again as it is; one
that sat idle is checked first, and replaced when the server dropped it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from offerlab.store import database
from offerlab.store.database import make_engine
from tests.store.conftest import PG_SERVER

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    made = make_engine(pg_url)
    try:
        yield made
    finally:
        made.dispose()


def _counted_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def ping(dbapi_connection: Any) -> bool:
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_used_a_moment_ago_is_not_checked(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _counted_pings(engine, monkeypatch)
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    first = _backend(engine)
    assert [_backend(engine) for _ in range(5)] == [first] * 5
    assert pings == []


def test_an_idle_connection_the_server_dropped_is_replaced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = _counted_pings(engine, monkeypatch)
    dropped = _backend(engine)
    admin = create_engine(PG_SERVER)
    try:
        with admin.connect() as conn:
            # Waits (up to 10 s) until the backend is gone.
            assert conn.execute(
                text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": dropped}
            ).scalar()
    finally:
        admin.dispose()
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # every connection counts as idle
    replaced = _backend(engine)
    assert replaced != dropped
    assert pings  # checked before it was handed out, and the dropped one never was
    assert _backend(engine) == replaced
