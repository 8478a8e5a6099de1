"""Calendar constants shared by every package."""

from __future__ import annotations

import os
from datetime import date
from typing import Final

__all__ = ["DAYS_PER_YEAR", "TODAY_ENV", "today"]

#: Set to YYYY-MM-DD to fix "today" (tests, or answering as of another day).
TODAY_ENV: Final = "OFFERLAB_TODAY"

#: The mean length of a Gregorian year in days: a span of days in years (restating pay to
#: another date, how far off a start date is).
DAYS_PER_YEAR: Final = 365.2425


def today() -> date:
    """Today: ``$OFFERLAB_TODAY`` (YYYY-MM-DD) when set, else the system date. A value that is
    not a date is ignored (the system date is used), since it is set by a test or a user's
    environment, not typed at a prompt."""
    text = os.environ.get(TODAY_ENV, "").strip()
    if text:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return date.today()
