"""SuperMemo 2 (SM-2) spaced repetition as a pure function.

The published definition (P. A. Wozniak, 1990, "Optimization of learning", the SM-2 algorithm):

1. Every item starts with an E-Factor (easiness) of 2.5.
2. Intervals in days: I(1) = 1, I(2) = 6, and for n > 2, I(n) = I(n-1) * EF, a fraction
   rounded up to the next whole day.
3. After each repetition the answer is graded 0-5 (5 perfect ... 0 complete blackout).
4. EF' = EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)), never below 1.3.
5. A grade below 3 starts the repetitions again from I(1) *without* changing the E-Factor.
6. Items graded below 4 are repeated again the same day until they score at least 4; these
   same-day drills do not change the schedule.

:func:`review` implements 1-5 (the interval of the next repetition uses the E-Factor the
item had before this grade); :attr:`Sm2State.repeat_today` implements 6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

__all__ = ["INITIAL_EASINESS", "MIN_EASINESS", "Sm2State", "new_card", "review"]

INITIAL_EASINESS: Final = Decimal("2.5")
MIN_EASINESS: Final = Decimal("1.3")


@dataclass(frozen=True, slots=True)
class Sm2State:
    """An item's schedule: successful repetitions in a row, the last interval (days), the
    E-Factor, the day it is next due and whether it must be drilled again today."""

    repetitions: int
    interval_days: int
    easiness: Decimal
    due_on: date
    repeat_today: bool = False


def new_card(created: date) -> Sm2State:
    """A new mistake: due the day after it was made (I(1) = 1)."""
    return Sm2State(0, 0, INITIAL_EASINESS, created + timedelta(days=1))


def _next_easiness(easiness: Decimal, grade: int) -> Decimal:
    miss = 5 - grade
    updated = easiness + (Decimal("0.1") - miss * (Decimal("0.08") + miss * Decimal("0.02")))
    return max(MIN_EASINESS, updated)


def review(state: Sm2State, grade: int, on: date) -> Sm2State:
    """The schedule after grading a repetition ``grade`` (0-5) on day ``on``.

    A card drilled again the same day (``repeat_today`` and not yet due) keeps its schedule;
    only the drill flag changes (cleared at 4 or more).
    """
    if not 0 <= grade <= 5 or isinstance(grade, bool):
        raise ValueError(f"grade {grade!r} is not 0-5")
    if state.repeat_today and on < state.due_on:
        return replace(state, repeat_today=grade < 4)
    if grade < 3:
        interval = 1
        repetitions = 0
        easiness = state.easiness
    else:
        repetitions = state.repetitions + 1
        if repetitions == 1:
            interval = 1
        elif repetitions == 2:
            interval = 6
        else:
            interval = math.ceil(state.interval_days * state.easiness)
        easiness = _next_easiness(state.easiness, grade)
    return Sm2State(repetitions, interval, easiness, on + timedelta(days=interval), grade < 4)
