"""Engines and migrations: open the configured database and bring its schema up to date.

Migrations ship inside the package (``offerlab/store/migrations``) and run through Alembic's
API on a configuration built here, so an installed offerlab can migrate its own database.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.pool import StaticPool

from offerlab.errors import InputError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "as_utc",
    "current_revision",
    "head_revision",
    "make_engine",
    "migrate",
    "migration_lock",
    "read_engine",
    "shipped_head",
    "upgrade",
]

MIGRATIONS: Final = Path(__file__).with_name("migrations")


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC time (SQLite gives back naive times for UTC columns)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


#: A pooled connection returned less than this many seconds ago is handed out again without a
#: round trip to check that the server still has it (HikariCP's ``aliveBypassWindowMs`` does
#: the same, at half a second). One that sat longer is checked first, and replaced if the
#: server dropped it (a restart, a failover, an idle timeout).
PING_AFTER_IDLE: float = 1.0
_IDLE_SINCE: Final = "offerlab_idle_since"


def _ping_when_idle(engine: Engine) -> None:
    """Check a connection on checkout only when it was idle for :data:`PING_AFTER_IDLE`:
    every checkout's check (``pool_pre_ping``) was a round trip and ~0.1 ms of CPU on each
    side, twice per bands request (the cell, the pool), for connections used a millisecond
    before."""
    dialect = engine.dialect

    def now_idle(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool drops this connection and hands out a new one.
                raise DisconnectionError(f"the server dropped the connection: {error}") from error
            raise

    event.listen(engine, "connect", now_idle)
    event.listen(engine, "checkin", now_idle)
    event.listen(engine, "checkout", checkout)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and its directory created; other
    databases' pooled connections are checked when they were idle (:data:`PING_AFTER_IDLE`)."""
    if url.startswith("sqlite"):
        rest = url.split(":///", 1)[1] if ":///" in url else ""
        path = rest.split("?", 1)[0]
        memory = not path or path == ":memory:"
        if not memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, poolclass=StaticPool) if memory else create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url)
    _ping_when_idle(engine)
    return engine


def read_engine(engine: Engine) -> Engine:
    """``engine`` for reads that need no transaction: autocommit on PostgreSQL (a statement is
    one round trip, without BEGIN and ROLLBACK around it); the engine itself elsewhere. It
    shares the engine's connection pool."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration for the packaged migrations (no ini file needed)."""
    # Alembic loads only to migrate, or to say where a database stands: a store already at the
    # newest revision opens without it (:func:`migrate`).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(False).replace("%", "%%")
        )
    return config


def head_revision() -> str:
    """The newest migration shipped with this offerlab."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships one
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as error:
        raise InputError(f"cannot open the database {engine.url!r}: {error.orig}") from None


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the database's migration lock: one process at a time checks and migrates, so
    ``serve`` and ``market import`` starting together on a new store cannot both create
    its tables. PostgreSQL: an advisory lock (per database URL, schema options included);
    SQLite: a lock file beside the database (``offerlab.sqlite3.lock``); an in-memory
    database has one user and needs none."""
    if engine.dialect.name == "postgresql":
        name = engine.url.render_as_string(hide_password=True)
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        try:
            conn = engine.connect()
        except OperationalError as error:
            raise InputError(f"cannot open the database {engine.url!r}: {error.orig}") from None
        with conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                conn.commit()
        return
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    with FileLock(f"{path}.lock", timeout=120):
        yield


def shipped_head() -> str:
    """The newest migration shipped, from the migration files' names (``0005_*.py`` holds
    revision ``0005``; a test checks that Alembic reads the same head)."""
    names = [p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")]
    return max(names)


def _stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL (None: none recorded)."""
    try:
        conn = engine.connect()
    except OperationalError as error:
        raise InputError(f"cannot open the database {engine.url!r}: {error.orig}") from None
    with conn:
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except DBAPIError:
            return None  # no table yet: never migrated
    return None if row is None else str(row[0])


def migrate(engine: Engine) -> None:
    """Bring the database to the newest revision if it is not there, under
    :func:`migration_lock` (checked again once the lock is held: another process may have
    migrated meanwhile)."""
    if _stored_revision(engine) == shipped_head():
        return  # the common case, answered without loading Alembic
    try:
        with migration_lock(engine):
            if current_revision(engine) != head_revision():
                upgrade(engine)
    except Timeout:
        raise InputError(
            f"cannot migrate the database {engine.url!r}: another offerlab process has held "
            "its migration lock for two minutes"
        ) from None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest), in one transaction."""
    from alembic import command

    config = alembic_config(engine)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except OperationalError as error:
        raise InputError(f"cannot migrate the database {engine.url!r}: {error.orig}") from None
