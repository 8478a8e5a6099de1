"""The ``offerlab`` command line: one Typer app, one module per command group."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from offerlab.cli.career import career_app
from offerlab.cli.common import OfferlabGroup
from offerlab.cli.db import db_app
from offerlab.cli.market import market_app
from offerlab.cli.negotiate import negotiate
from offerlab.cli.offer import offer_app
from offerlab.cli.prep import prep_app
from offerlab.cli.serve import serve
from offerlab.cli.users import users_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="offerlab",
    cls=OfferlabGroup,
    help="Understand, benchmark and negotiate a tech job offer, on your own machine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(offer_app, name="offer")
app.add_typer(market_app, name="market")
app.add_typer(db_app, name="db")
app.command("negotiate")(negotiate)
app.add_typer(career_app, name="career")
app.add_typer(prep_app, name="prep")
app.command("serve")(serve)
app.add_typer(users_app, name="users")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"offerlab {version('offerlab')}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Store database URL (default: $OFFERLAB_DATABASE_URL, else SQLite in the "
            "data directory, which $OFFERLAB_HOME sets).",
        ),
    ] = None,
) -> None:
    """Understand, benchmark and negotiate a tech job offer, on your own machine."""
    ctx.obj = {"db": db}


def main() -> None:
    """Console-script entry point."""
    app(prog_name="offerlab")
