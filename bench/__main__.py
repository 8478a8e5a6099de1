"""Run every benchmark module (``bench/bench_*.py``), or those named: ``python -m bench offers``.

Each module has ``run() -> list[Figure]``; figures print as a table and, with ``--json``,
as JSON for docs/benchmarks.md. Benchmarks are bounded in time and never part of the tests.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
from pathlib import Path

from bench.common import Figure


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    names = [a for a in argv if not a.startswith("-")]
    modules = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if m.removeprefix("bench_") in names]
    figures: list[Figure] = []
    print(f"machine: {_machine()}", file=sys.stderr)
    for name in modules:
        module = importlib.import_module(f"bench.{name}")
        for figure in module.run():
            figures.append(figure)
            print(figure.line(), flush=True)
    if as_json:
        print(json.dumps([f.as_dict() for f in figures], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
