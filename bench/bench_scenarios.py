"""Scenarios: the Monte Carlo (vectorised vs a per-path loop), after-tax, career projection.

Peak memory of the simulation is measured in a child process (``VmHWM`` in
``/proc/self/status``, the high-water mark of its own memory; ``ru_maxrss`` would carry over the
parent's peak across fork and exec), so that what this process did before does not count.
"""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure, best_of
from offerlab.offers import evaluate, load_offer
from offerlab.scenarios import after_tax, parse_residence
from offerlab.scenarios.career import project
from offerlab.scenarios.simulate import Exposure, exposure, simulate
from offerlab.scenarios.us_tax import _tenforty

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
#: Four offers at four companies: four independent price paths.
OFFERS = ("msft-l62-target", "amazon-l6-seattle", "google-l5-kirkland", "startup-senior-ml")
PATHS = 100_000
LOOP_PATHS = 1_000
DRIFT, VOLATILITY = 0.08, 0.30


def _exposures() -> list[Exposure]:
    return [exposure(evaluate(load_offer(EXAMPLES / f"{name}.toml"))) for name in OFFERS]


def per_path_loop(exposures: list[Exposure], paths: int, seed: int) -> list[list[float]]:
    """The straightforward version: one path at a time, one month at a time, in Python."""
    rng = random.Random(seed)
    mu = math.log1p(DRIFT)
    step, scale = (mu - VOLATILITY**2 / 2) / 12, VOLATILITY / math.sqrt(12)
    months = max(e.months for e in exposures)
    totals: list[list[float]] = [[] for _ in exposures]
    for _ in range(paths):
        prices: dict[str, list[float]] = {}
        for index, item in enumerate(exposures):
            if item.company not in prices:
                price, path = 1.0, [1.0]
                for _ in range(months):
                    price *= math.exp(step + scale * rng.gauss(0.0, 1.0))
                    path.append(price)
                prices[item.company] = path
            path = prices[item.company]
            total = float(item.cash[:4].sum())
            for anchor, matrix in zip(item.anchors, item.vests, strict=True):
                for month in range(matrix.shape[0]):
                    for year in range(min(4, item.years)):
                        value = matrix[month, year]
                        if value:
                            total += value * path[month] / path[anchor]
            totals[index].append(total)
    return totals


_CHILD = """
import json, time
from bench.bench_scenarios import _exposures, PATHS, DRIFT, VOLATILITY
from offerlab.scenarios.simulate import simulate
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
items = _exposures()
before = hwm()
start = time.perf_counter()
simulate(items, PATHS, DRIFT, VOLATILITY, seed=1).as_json()
seconds = time.perf_counter() - start
print(json.dumps({"before_kib": before, "peak_kib": hwm(), "seconds": seconds}))
"""


_COLD_TAX = """
import json, time
from offerlab.offers import evaluate, load_offer
offer = evaluate(load_offer("examples/startup-senior-ml.toml"))
start = time.perf_counter()
from offerlab.scenarios import after_tax
after_tax(offer, "San Francisco, CA")
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def _cold_after_tax() -> float:
    """Seconds for the first after-tax in a fresh process (importing tenforty included)."""
    done = subprocess.run(
        [sys.executable, "-c", _COLD_TAX], cwd=ROOT, capture_output=True, text=True, check=True
    )
    seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def _peak_rss() -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> list[Figure]:
    items = _exposures()
    vectorised = best_of(lambda: simulate(items, PATHS, DRIFT, VOLATILITY, seed=1), repeat=5)
    with_summary = best_of(
        lambda: simulate(items, PATHS, DRIFT, VOLATILITY, seed=1).as_json(), repeat=3
    )
    start = time.perf_counter()
    per_path_loop(items, LOOP_PATHS, seed=1)
    loop = (time.perf_counter() - start) * PATHS / LOOP_PATHS
    memory = _peak_rss()

    offer = evaluate(load_offer(EXAMPLES / "msft-l62-target.toml"))
    # Four different yearly incomes (raises, a cliff, stacking refreshers): four tenforty runs.
    raises = evaluate(load_offer(EXAMPLES / "startup-senior-ml.toml"))
    seattle, san_francisco = parse_residence("Seattle, WA"), parse_residence("San Francisco, CA")

    def taxed_cold(evaluation: object, residence: object) -> None:
        _tenforty.cache_clear()  # every year through tenforty, nothing remembered
        after_tax(evaluation, residence)  # type: ignore[arg-type]

    london = load_offer(EXAMPLES / "msft-l62-target.toml")
    career_offer = load_offer(EXAMPLES / "startup-senior-ml.toml")
    msft = load_offer(EXAMPLES / "msft-l62-target.toml")
    return [
        Figure(
            "scenarios: simulate 4 offers x 100,000 paths x 48 months (vectorised)",
            vectorised,
            "s",
            "< 1 s",
        ),
        Figure(
            "scenarios: the same plus percentiles, P(beats), break-even (JSON)",
            with_summary,
            "s",
            "< 1 s",
        ),
        Figure(
            "scenarios: the same as a per-path Python loop (1,000 paths, x100)",
            loop,
            "s",
            note=f"{loop / vectorised:,.0f}x the vectorised run",
        ),
        Figure(
            "scenarios: peak RSS of a process running that simulation",
            memory["peak_kib"] / 1024,
            "MiB",
            "< 1 GiB",
            note=f"{memory['before_kib'] / 1024:,.0f} MiB after imports",
        ),
        Figure(
            "scenarios: after-tax, 4-year offer, Seattle (2 distinct years, uncached)",
            best_of(lambda: taxed_cold(offer, seattle), repeat=5) * 1e3,
            "ms",
            "< 50 ms",
        ),
        Figure(
            "scenarios: after-tax, 4-year offer, San Francisco (4 distinct years)",
            best_of(lambda: taxed_cold(raises, san_francisco), repeat=5) * 1e3,
            "ms",
            "< 50 ms",
        ),
        Figure(
            "scenarios: first after-tax in a fresh process (imports tenforty)",
            min(_cold_after_tax() for _ in range(3)) * 1e3,
            "ms",
            note="once per process",
        ),
        Figure(
            "scenarios: after-tax, 4-year offer, London (own tables, USD->GBP)",
            best_of(lambda: after_tax(evaluate(london), "London"), repeat=5, number=10) * 1e3,
            "ms",
            "< 50 ms",
        ),
        Figure(
            "scenarios: career projection, 10 years, market promotions",
            best_of(lambda: project(msft, 10), repeat=5, number=5) * 1e3,
            "ms",
        ),
        Figure(
            "scenarios: career projection, 10 years, stacking refreshers",
            best_of(lambda: project(career_offer, 10), repeat=5, number=5) * 1e3,
            "ms",
        ),
    ]
