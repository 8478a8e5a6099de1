"""A practice session to log, and what makes one valid: the one set of rules ``offerlab prep
log practice`` and the prep page's form share (the same limits on both)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, get_args

from offerlab.prep.pipeline import SKILLS, Skill
from offerlab.validation import control_character

__all__ = [
    "MAX_MINUTES",
    "MAX_TEXT",
    "OUTCOMES",
    "Outcome",
    "PracticeEntry",
    "practice_problems",
]

Outcome = Literal["solved", "partial", "failed"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
#: The longest problem or mistake text, in characters.
MAX_TEXT: Final = 500
#: The longest practice session, in minutes (a day).
MAX_MINUTES: Final = 24 * 60


@dataclass(frozen=True, slots=True)
class PracticeEntry:
    """A practice session to log: ``minutes`` spent, ``mistake`` what went wrong (if any)."""

    logged_on: date
    skill: Skill
    problem: str
    minutes: int
    outcome: Outcome
    mistake: str | None = None
    stage: str | None = None
    pipeline: str | None = None
    #: The saved plan (loop) it was done for; None: logged with no plan saved.
    plan_id: int | None = None


def practice_problems(
    *,
    skill: str | None,
    problem: str,
    minutes: int | None,
    outcome: str,
    mistake: str | None = None,
) -> dict[str, str]:
    """What is wrong with a practice session as typed, by field (``skill``, ``problem``,
    ``minutes``, ``outcome``, ``mistake``); empty when it can be logged. ``skill`` None: the
    caller finds it elsewhere (a stage's skill); ``minutes`` None: not a whole number."""
    wrong: dict[str, str] = {}
    for field, text in (("skill", skill), ("problem", problem), ("mistake", mistake)):
        if text is not None and (bad := control_character(text)):
            wrong[field] = f"holds the control character {bad}; expected plain text"
    if skill is not None and "skill" not in wrong and skill not in SKILLS:
        wrong["skill"] = f"expected one of {', '.join(SKILLS)}"
    if "problem" not in wrong:
        if not problem.strip():
            wrong["problem"] = "say what you practised"
        elif len(problem.strip()) > MAX_TEXT:
            wrong["problem"] = f"at most {MAX_TEXT} characters"
    if mistake is not None and "mistake" not in wrong and len(mistake.strip()) > MAX_TEXT:
        wrong["mistake"] = f"at most {MAX_TEXT} characters"
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        wrong["minutes"] = f"a whole number of minutes from 1 to {MAX_MINUTES}"
    if outcome not in OUTCOMES:
        wrong["outcome"] = f"expected one of {', '.join(OUTCOMES)}"
    return wrong
