"""Calendar constants shared by every package."""

from __future__ import annotations

from typing import Final

__all__ = ["DAYS_PER_YEAR"]

#: The mean length of a Gregorian year in days: a span of days in years (restating pay to
#: another date, how far off a start date is).
DAYS_PER_YEAR: Final = 365.2425
