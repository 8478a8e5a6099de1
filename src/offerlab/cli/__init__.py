"""The ``offerlab`` command line: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from offerlab.cli.common import OfferlabGroup
from offerlab.cli.offer import offer_app

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


def main() -> None:
    """Console-script entry point."""
    app(prog_name="offerlab")
