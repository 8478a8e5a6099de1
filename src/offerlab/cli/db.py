"""``offerlab db``: the store's database (migrations)."""

from __future__ import annotations

from typing import Annotated

import typer

from offerlab.cli.common import console
from offerlab.config import database_url

__all__ = ["DbOption", "db_app", "resolve_db"]

db_app = typer.Typer(help="The store's database: create it or bring its schema up to date.")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (default: $OFFERLAB_DATABASE_URL, else SQLite in the data directory).",
    ),
]


def resolve_db(ctx: typer.Context, db: str | None) -> str:
    """The database URL: this command's ``--db``, the root ``--db``, the environment, default."""
    if db is None:
        root = ctx.find_root()
        obj = root.obj if isinstance(root.obj, dict) else {}
        db = obj.get("db")
    return database_url(db)


@db_app.command("upgrade")
def upgrade_command(ctx: typer.Context, db: DbOption = None) -> None:
    """Create the database or migrate it to the newest schema."""
    url = resolve_db(ctx, db)
    # The store (SQLAlchemy, Alembic) loads only for the commands that use it.
    from sqlalchemy.engine import make_url

    from offerlab.store import MarketRepository, Store
    from offerlab.store.database import (
        current_revision,
        head_revision,
        make_engine,
        migration_lock,
        upgrade,
    )

    engine = make_engine(url)
    try:
        with migration_lock(engine):
            before = current_revision(engine)
            upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    shown = engine.url.render_as_string(hide_password=True)
    if before == after:
        console.print(f"{shown}: already at revision {after} (newest: {head_revision()})")
    else:
        console.print(f"{shown}: migrated from {before or 'empty'} to revision {after}")
    if make_url(url).get_backend_name() == "postgresql":
        # Records imported before the market cells existed: compute them now, once.
        with Store(url) as store:
            written = MarketRepository(store).ensure_cells()
        if written is not None:
            console.print(f"{shown}: computed {written:,} market cells over the stored records")
