"""The root command group, lazy: a command's module is imported when that command runs.

``offerlab --help`` lists every command from the names and one-line helps below, without
importing any of them; ``offerlab offer show`` imports ``offerlab.cli.offer`` and nothing of the
market, the store, prep or negotiation. A test checks that each line here is the help the
command itself gives.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand
from typer.main import get_command, get_group

from offerlab.cli.common import OfferlabGroup, tidy_help

__all__ = ["LAZY_COMMANDS", "LazyCommand", "LazyGroup"]


@dataclass(frozen=True, slots=True)
class LazyCommand:
    """Where a command lives (``module``, and the Typer app or function named ``attribute``)
    and the one line the root's help shows for it."""

    module: str
    attribute: str
    help: str

    def load(self, name: str) -> Any:
        """The command itself (its module imported now): a Click group or command."""
        found: Any = getattr(importlib.import_module(self.module), self.attribute)
        if isinstance(found, typer.Typer):
            command: Any = get_group(found)
        else:
            single = typer.Typer(add_completion=False)
            single.command(name)(found)
            command = get_command(single)
        command.name = name
        tidy_help(command)
        return command


#: The root's commands in the order its help lists them.
LAZY_COMMANDS: dict[str, LazyCommand] = {
    "negotiate": LazyCommand(
        "offerlab.cli.negotiate",
        "negotiate",
        "Plan a negotiation: benchmark, levers with asks and scripts, three packages.",
    ),
    "serve": LazyCommand(
        "offerlab.cli.serve",
        "serve",
        "Serve the web app and the JSON API (pages at /offers, API at /api/v1).",
    ),
    "offer": LazyCommand(
        "offerlab.cli.offer",
        "offer_app",
        "Model offers: cash flow by year, totals, side-by-side comparison.",
    ),
    "market": LazyCommand(
        "offerlab.cli.market",
        "market_app",
        "Market data: import compensation records, pay bands by level.",
    ),
    "db": LazyCommand(
        "offerlab.cli.db",
        "db_app",
        "The store's database: create it or bring its schema up to date.",
    ),
    "career": LazyCommand(
        "offerlab.cli.career",
        "career_app",
        "Project a career from an offer: promotions, raises, refreshers.",
    ),
    "prep": LazyCommand(
        "offerlab.cli.prep",
        "prep_app",
        "Interview prep: pipelines, a dated study plan, practice log and readiness.",
    ),
    "users": LazyCommand(
        "offerlab.cli.users",
        "users_app",
        "Accounts of a hosted instance (offerlab serve --hosted): add, list, remove, passwd.",
    ),
}


class LazyGroup(OfferlabGroup):
    """:class:`OfferlabGroup` whose commands are :data:`LAZY_COMMANDS`, loaded on use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*LAZY_COMMANDS, *(n for n in super().list_commands(ctx) if n not in LAZY_COMMANDS)]

    def load(self, name: str) -> Any:
        """The command ``name`` itself, importing its module the first time."""
        if name not in self.commands and name in LAZY_COMMANDS:
            self.commands[name] = LAZY_COMMANDS[name].load(name)
        return self.commands.get(name)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        # Listing (the root's help) needs the name and the line only: a stand-in, unless the
        # command is loaded already.
        if cmd_name in self.commands or cmd_name not in LAZY_COMMANDS:
            return super().get_command(ctx, cmd_name)
        return TyperCommand(cmd_name, help=LAZY_COMMANDS[cmd_name].help)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # Running (or asking a command's own help): the command itself.
        if args:
            self.load(str(args[0]))
        return super().resolve_command(ctx, args)
