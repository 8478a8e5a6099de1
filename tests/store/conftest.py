"""Store fixtures: a fresh store per test on each backend (SQLite + DuckDB, PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from offerlab.store import MarketRepository, Store

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_pg_reason: list[str] = []


def postgres_reason() -> str | None:
    """Why PostgreSQL can't be used here (None: it can). Checked once per session."""
    if not _pg_reason:
        try:
            engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_reason.append("")
        except OperationalError as error:
            _pg_reason.append(f"PostgreSQL at 127.0.0.1:5432 (db test) is unreachable: {error}")
    return _pg_reason[0] or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema of this test's own, dropped after."""
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A database URL for an empty store on each backend; OFFERLAB_HOME is a temp dir."""
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'offerlab.sqlite3'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite-duckdb"),
        pytest.param("sqlite-sql", id="sqlite-records-in-sql"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def repo(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MarketRepository]:
    """A repository per set-up: SQLite with its records in the DuckDB file beside it (the
    default), SQLite with the records in SQLite itself, and PostgreSQL."""
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)
    if request.param == "postgres":
        url: str = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path / 'home' / 'offerlab.sqlite3'}"
    columnar = False if request.param == "sqlite-sql" else None
    with Store(url, columnar=columnar) as store:
        yield MarketRepository(store)
