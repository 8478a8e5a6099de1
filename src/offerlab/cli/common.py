"""What every command group shares: consoles, error reporting, JSON output, formatting."""

from __future__ import annotations

import enum
import os
import sys
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperGroup

from offerlab.encoding import dumps
from offerlab.errors import InputError, OfferlabError
from offerlab.money import Money, to_cents

__all__ = [
    "OfferlabGroup",
    "RateOption",
    "RatesOption",
    "amount_table",
    "between",
    "console",
    "err_console",
    "fmt_money",
    "print_json",
    "write_file",
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
    """The root command group: a user error becomes its message and exit status 2, and every
    command's help says what each option takes in words (see :func:`tidy_help`)."""

    _tidied = False

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not self._tidied:
            tidy_help(self)
            self._tidied = True
        return super().main(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except OfferlabError as error:
            report_error(error)
            raise typer.Exit(error.exit_code) from None


#: What an option of each type takes, as the help shows it (an option may name its own).
_METAVARS: dict[type, str] = {
    Path: "FILE",
    int: "N",
    float: "NUMBER",
    Decimal: "NUMBER",
    str: "TEXT",
}


def _base_type(annotation: Any) -> Any:
    """``Annotated[list[Path] | None, ...]`` -> ``Path``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            kinds = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = kinds[0]
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _metavar(annotation: Any) -> str | None:
    base = _base_type(annotation)
    if base is bool:
        return ""
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "|".join(str(member.value) for member in base)
    return _METAVARS.get(base)


class _Argument(TyperArgument):
    """An argument shown as its name alone: ``FILE...`` in the usage line (Typer writes
    ``{files}...``) and no type beside it (Typer writes ``<list[Path]>``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return f"{name}..." if self.nargs != 1 else name


def tidy_help(command: Any) -> None:
    """Help in words for ``command`` and every command under it: an option without a metavar
    of its own gets one from its type (``PATH``, ``N``, ``TEXT``, ``md|html``), a flag and
    ``--help`` none (Typer would print ``<bool>``, ``<list[Path]>``), and a help text that
    already says the default is not followed by Typer's ``[default: ...]``."""
    callback = getattr(command, "callback", None)
    hints: dict[str, Any] = {}
    if callback is not None:
        try:
            hints = typing.get_type_hints(callback, include_extras=True)
        except (NameError, TypeError):
            hints = {}
    params = list(getattr(command, "params", []))
    helper = command.get_help_option(command.context_class(command))
    if helper is not None:
        params.append(helper)
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
        elif param.metavar is None and param.name in hints:
            param.metavar = _metavar(hints[param.name])
        if isinstance(param, TyperArgument):
            param.__class__ = _Argument
        text = getattr(param, "help", None) or ""
        if "default" in text.lower():
            param.show_default = False
    for sub in getattr(command, "commands", {}).values():
        tidy_help(sub)


RatesOption = Annotated[
    Path | None,
    typer.Option("--rates", help="Exchange rates file (TOML/JSON) replacing the shipped table."),
]
RateOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rate",
        metavar="FROM:TO=VALUE",
        help="A rate, optionally dated FROM:TO=VALUE@YYYY-MM-DD, e.g. GBP:USD=1.27 (repeat).",
    ),
]


def between(low: int | float, high: int | float | None, option: str) -> Callable[[Any], Any]:
    """An option callback: the value must be from ``low`` to ``high`` (None: no upper bound),
    else an :class:`InputError` naming the option (exit 2)."""

    def check(value: Any) -> Any:
        if value is not None and (value < low or (high is not None and value > high)):
            expected = f"{low} to {high}" if high is not None else f"at least {low}"
            raise InputError(f"{option} {value}: expected {expected}", option=option)
        return value

    return check


def print_json(data: Any) -> None:
    """Write ``data`` to stdout as indented JSON (:mod:`offerlab.encoding`'s rules)."""
    sys.stdout.write(dumps(data) + "\n")
    sys.stdout.flush()


def fmt_money(value: Money, *, currency: bool = False) -> str:
    """An amount for a table: thousands separators, cents, optional currency code."""
    text = f"{to_cents(value.amount):,.2f}"
    return f"{text} {value.currency}" if currency else text


def write_file(path: Path, data: str | bytes, option: str) -> None:
    """Write an output file all or nothing: a temporary file beside it, then an atomic rename.
    ``option`` names the flag that gave the path, for the error message."""
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise InputError(f"{option} {path}: the folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            temporary.write_bytes(data)
        else:
            temporary.write_text(data, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"{option} {path}: cannot write ({error.strerror})") from None


def _width(label: str, headers: list[str], rows: list[tuple[str, list[str]]]) -> int:
    """Width a grid needs without wrapping anything (3 characters of rule and padding a column)."""
    labels = max([len(label)] + [len(name) for name, _ in rows])
    widths = [
        max([len(header)] + [len(cells[i]) for _, cells in rows])
        for i, header in enumerate(headers)
    ]
    return labels + sum(widths) + 3 * (len(headers) + 1) + 1


def amount_table(
    title: str,
    label: str,
    columns: list[str],
    rows: list[tuple[str, list[str]]],
    *,
    bold: set[str] | None = None,
    section_after: str | None = None,
) -> RenderableType:
    """A grid of amounts: a label column, then one column per ``columns`` entry.

    Nothing is cut: amounts and headers are shown whole. When the grid is wider than the
    console it is transposed (``columns`` become rows); when that does not fit either, each
    column is printed as a small table of its own, one under the other.
    """
    bold = bold or set()
    width = console.width
    if _width(label, columns, rows) <= width:
        table = _grid(title, label, columns, rows)
        for index, (name, _) in enumerate(rows):
            if name in bold:
                table.rows[index].style = "bold"
            if name == section_after:
                table.rows[index].end_section = True
        return table
    flipped = [(column, [cells[i] for _, cells in rows]) for i, column in enumerate(columns)]
    names = [name for name, _ in rows]
    # On its side the first column lists what were the headers (years, offers): ``label``
    # named the rows (``Component``) and now heads nothing it describes.
    if _width("", names, flipped) <= width:
        return _grid(title, "", names, flipped, bold_columns=bold)
    cards: list[RenderableType] = [Text(title, style="italic")]
    for index, column in enumerate(columns):
        card = Table(title=column, title_justify="left", show_header=False)
        card.add_column(overflow="fold")
        card.add_column(justify="right", no_wrap=True)
        for name, cells in rows:
            card.add_row(name, cells[index], style="bold" if name in bold else None)
        cards.append(card)
    return Group(*cards)


def _grid(
    title: str,
    label: str,
    columns: list[str],
    rows: list[tuple[str, list[str]]],
    *,
    bold_columns: set[str] | None = None,
) -> Table:
    table = Table(title=title, title_justify="left")
    longest_word = max([len(w) for name, _ in rows for w in name.split()] + [len(label), 1])
    table.add_column(label, overflow="fold", min_width=longest_word)
    for index, header in enumerate(columns):
        width = max([len(cells[index]) for _, cells in rows] + [1])
        style = "bold" if bold_columns and header in bold_columns else None
        table.add_column(header, justify="right", no_wrap=True, min_width=width, style=style)
    for name, cells in rows:
        table.add_row(name, *cells)
    return table
