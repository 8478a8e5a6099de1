"""The ``offerlab`` command line: one Typer app, one module per command group, each imported
only when one of its commands runs (:mod:`offerlab.cli.lazy`).

Exports :data:`app` (the Typer app) and :func:`main` (the console script).
"""

from __future__ import annotations

from typing import Annotated

import typer

from offerlab import __version__
from offerlab.cli.lazy import LazyGroup

__all__ = ["app", "main"]

app = typer.Typer(
    name="offerlab",
    cls=LazyGroup,
    help="Understand, benchmark and negotiate a tech job offer, on your own machine.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"offerlab {__version__}")
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
