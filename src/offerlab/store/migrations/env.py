"""Alembic environment: runs on the connection that ``offerlab.store.database.upgrade`` gives."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import offerlab.store.account_models
import offerlab.store.cell_models
import offerlab.store.offer_models
import offerlab.store.pool_models
import offerlab.store.prep_models  # noqa: F401 - registers the prep tables
from offerlab.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the given connection, or a new one to ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
