"""Every command's --help is written for people: what an option takes in words (FILE, N, PCT,
single|joint), never a type from the code (``<list[Path]>``, ``<bool>``, ``<int range>``), no
range in code notation (``1<=x<=50``), no ``{files}`` in the usage line, and a default said
once (not "(default 4). [default: 4]")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.cli.lazy import LAZY_COMMANDS, LazyGroup

runner = CliRunner()


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, LazyGroup):
        for name in LAZY_COMMANDS:
            command.load(name)
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(get_command(app)))


@pytest.mark.parametrize("name", list(LAZY_COMMANDS))
def test_the_roots_help_line_is_the_commands_own(name: str) -> None:
    """The root lists its commands without importing them: from lines that must be theirs."""
    loaded = LAZY_COMMANDS[name].load(name)
    assert loaded.help is not None
    assert " ".join(loaded.help.split()).startswith(LAZY_COMMANDS[name].help)


def test_every_command_group_is_walked() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"offer show", "market map", "prep log practice", "users add", "serve"} <= names
    assert len(COMMANDS) > 30


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "offerlab")
def test_help_has_no_code_artefacts(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not re.search(r"<[a-z][a-z_\[\]|, ]*>", text), text  # <bool>, <list[Path]>
    assert "<=x" not in text
    assert "x<=" not in text
    assert "x>=" not in text
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage
    for line in text.splitlines():
        if "[default:" in line:
            said = line.split("[default:")[0].lower()
            assert "default" not in said, line  # said twice
    if path:
        assert "--help" in text


def test_options_that_only_mean_something_with_another(examples) -> None:
    offer = str(examples / "msft-l62-target.toml")
    # --filing (like --residence and --tax-year) implies --after-tax instead of being ignored.
    shown = runner.invoke(app, ["offer", "show", offer, "--filing", "joint", "--json"])
    assert shown.exit_code == 0, shown.stderr
    import json

    data = json.loads(shown.stdout)
    assert data["filing"] == "joint"
    assert "tax" in data["years"][0]
    for args, says in (
        (["offer", "show", offer, "--rate", "GBP:USD=1.27"], "--after-tax or --residence"),
        (["offer", "compare", offer, offer, "--rates", offer], "--currency"),
        (["offer", "simulate", offer, "--rate", "GBP:USD=1.27"], "--currency CODE"),
        (["offer", "simulate", offer, "--growth", "5", "--html", "x.html"], "without --html"),
        (["offer", "simulate", offer, "--growth", "5", "--seed", "3"], "without --seed"),
        (["offer", "simulate", offer, "--growth", "5", "--paths", "10"], "without --paths"),
        (["prep", "plan", "--interview-date", "2099-01-01", "--hours-per-week", "5",
          "--out", "x.md"], "--out writes the --json or --format md"),
        (["prep", "plan", "--interview-date", "2099-01-01", "--hours-per-week", "5",
          "--ics-time", "19:00"], "give --ics PATH"),
        (["negotiate", offer, "--out", "x.md"], "--out needs --json or --format"),
        (["offer", "show", offer, "--years", "0"], "--years 0: expected 1 to 50"),
        (["serve", "--port", "0"], "--port 0: expected 1 to 65535"),
    ):  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert says in result.stderr, (args, result.stderr)
