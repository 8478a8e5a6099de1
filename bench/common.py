"""Shared helpers for benchmarks: a figure record and a repeat-and-take-the-best timer."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure, with the goal it is held against (if any)."""

    name: str
    value: float
    unit: str
    goal: str = ""
    note: str = ""

    def line(self) -> str:
        goal = f"  (goal: {self.goal})" if self.goal else ""
        note = f"  [{self.note}]" if self.note else ""
        return f"{self.name:<68} {self.value:>14,.3f} {self.unit}{goal}{note}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def best_of(func: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Best wall-clock seconds per call over ``repeat`` rounds of ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best
