"""What every command group shares: consoles, error reporting, JSON output, formatting."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from offerlab.errors import OfferlabError
from offerlab.money import Money, to_cents

__all__ = [
    "OfferlabGroup",
    "amount_table",
    "console",
    "err_console",
    "fmt_money",
    "print_json",
]

console = Console(highlight=False)
if not console.is_terminal:
    # Piped or captured output has no width to honour: keep tables whole rather than cropped.
    console = Console(highlight=False, width=160)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def report_error(error: OfferlabError) -> None:
    """Print a user error to stderr, one problem a line, without markup or traceback."""
    lines = error.lines()
    head = getattr(error, "summary", None)
    if head:
        err_console.print(f"error: {head}", markup=False, style="bold red")
        for line in lines:
            err_console.print(f"  {line}", markup=False)
    else:
        for line in lines:
            err_console.print(f"error: {line}", markup=False, style="bold red")


class OfferlabGroup(TyperGroup):
    """The root command group: a user error becomes its message and exit status 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OfferlabError as error:
            report_error(error)
            raise typer.Exit(error.exit_code) from None


def _default(value: Any) -> Any:
    if isinstance(value, Money):
        return float(value.rounded().amount)
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    """Write ``data`` to stdout as indented JSON (amounts already rounded by their owners)."""
    sys.stdout.write(json.dumps(data, indent=2, default=_default, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fmt_money(value: Money, *, currency: bool = False) -> str:
    """An amount for a table: thousands separators, cents, optional currency code."""
    text = f"{to_cents(value.amount):,.2f}"
    return f"{text} {value.currency}" if currency else text


def amount_table(
    title: str, label: str, columns: list[str], rows: list[tuple[str, list[str]]]
) -> Table:
    """A table of a label column and amount columns. Amount cells never wrap or truncate:
    each amount column is as wide as its widest cell, and the labels wrap instead."""
    table = Table(title=title, title_justify="left")
    longest_word = max([len(w) for name, _ in rows for w in name.split()] + [len(label), 1])
    table.add_column(label, overflow="fold", min_width=longest_word)
    for index, header in enumerate(columns):
        width = max([len(cells[index]) for _, cells in rows] + [1])
        table.add_column(header, justify="right", no_wrap=True, min_width=width)
    for name, cells in rows:
        table.add_row(name, *cells)
    return table
