"""Offer engine: evaluating offers (the work behind `offer show` and the evaluate API)."""

from __future__ import annotations

from pathlib import Path

from bench.common import Figure, best_of
from offerlab.offers import evaluate, load_offer

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run() -> list[Figure]:
    msft = load_offer(EXAMPLES / "msft-l62-initial.toml")
    startup = load_offer(EXAMPLES / "startup-senior-ml.toml")
    return [
        Figure(
            "offers: load + parse one TOML offer file",
            best_of(lambda: load_offer(EXAMPLES / "msft-l62-initial.toml"), number=50) * 1e3,
            "ms",
        ),
        Figure(
            "offers: evaluate a 4-year Microsoft offer (16 vests)",
            best_of(lambda: evaluate(msft), number=50) * 1e3,
            "ms",
        ),
        Figure(
            "offers: evaluate a 10-year offer with monthly vests and refreshers",
            best_of(lambda: evaluate(startup, years=10), number=10) * 1e3,
            "ms",
        ),
    ]
