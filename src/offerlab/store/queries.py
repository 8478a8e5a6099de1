"""A record query as SQL, whichever store holds the records (DuckDB or the SQL database)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from offerlab.market.stats import COMPONENTS

__all__ = ["FLOAT_COLUMNS", "Where"]

#: The columns read as floats (NaN: not reported).
FLOAT_COLUMNS: Final = (*COMPONENTS, "years_experience")


@dataclass(frozen=True, slots=True)
class Where:
    """A record query as SQL: extra joins and a condition over ``records r``, named params."""

    joins: str
    condition: str
    params: dict[str, Any]
    #: The reported spellings of the queried company (empty: any company).
    companies: tuple[str, ...] = ()
    #: ``condition`` without the company part (for a table holding only that company).
    rest: str = "1 = 1"
