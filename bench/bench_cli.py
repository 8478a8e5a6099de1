"""CLI cold start: each command run as a new process, against the floor of this stack.

The floor is a minimal Typer + Rich program that prints one table: what any command of a
Typer + Rich CLI pays before it does anything. Each command runs ``ROUNDS`` times, the floor
and the commands in turn within every round (so a busy moment of the machine falls on all of
them alike), and the median of each is reported with its ratio to the floor's median.

Goals (issue 12): ``--help`` and ``offer show`` within 1.5x of the floor; ``negotiate`` and
``market bands`` (the bundled data, an empty store) within 2.5x.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ROUNDS = 15

FLOOR = """
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer()


@app.command()
def main() -> None:
    table = Table(title="floor")
    table.add_column("component")
    table.add_column("amount", justify="right")
    table.add_row("base", "200,000.00")
    Console().print(table)


app()
"""

#: (name, arguments after ``python -m offerlab``, goal as a multiple of the floor)
COMMANDS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("offerlab --help", ("--help",), 1.5),
    ("offerlab offer show", ("offer", "show", str(EXAMPLES / "msft-l62-target.toml")), 1.5),
    ("offerlab negotiate", ("negotiate", str(EXAMPLES / "msft-l62-initial.toml")), 2.5),
    (
        "offerlab market bands",
        ("market", "bands", "--company", "Microsoft", "--level", "62", "--location", "Redmond"),
        2.5,
    ),
)


def _seconds(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def measure(rounds: int = ROUNDS) -> tuple[float, dict[str, float]]:
    """Median seconds of the floor and of each command, run in turn ``rounds`` times."""
    with tempfile.TemporaryDirectory(prefix="offerlab-bench-cli-") as home:
        floor = Path(home) / "floor.py"
        floor.write_text(FLOOR, encoding="utf-8")
        env = {**os.environ, "OFFERLAB_HOME": home, "COLUMNS": "100"}
        env.pop("OFFERLAB_DATABASE_URL", None)
        python = sys.executable
        runs: dict[str, list[float]] = {name: [] for name in ("floor", *(c[0] for c in COMMANDS))}
        # One run of each first: the store is created and migrated once, bytecode written.
        _seconds([python, str(floor)], env)
        for _, args, _ in COMMANDS:
            _seconds([python, "-m", "offerlab", *args], env)
        for _ in range(rounds):
            runs["floor"].append(_seconds([python, str(floor)], env))
            for name, args, _ in COMMANDS:
                runs[name].append(_seconds([python, "-m", "offerlab", *args], env))
    medians = {name: statistics.median(times) for name, times in runs.items()}
    return medians.pop("floor"), medians


def run() -> list[Figure]:
    floor, medians = measure()
    figures = [Figure("cli: floor (Typer + Rich, one table), median cold start", floor * 1e3, "ms")]
    for name, _, goal in COMMANDS:
        ratio = medians[name] / floor
        figures.append(
            Figure(
                f"cli: {name}, median cold start",
                medians[name] * 1e3,
                "ms",
                goal=f"<= {goal:g}x floor",
                note=f"{ratio:.2f}x floor",
            )
        )
    return figures
