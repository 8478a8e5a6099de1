"""An audit's findings: where a source contradicts itself or the data, with the figures behind
each, and how exactly a stated figure is read (a leaf both audits build on)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["Figure", "Finding", "Severity", "stated_tolerance"]

Severity = Literal["contradiction", "disagrees-with-data", "agrees-with-data", "cannot-check"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure of a finding: what it is, its value (None if none can be given), as stated."""

    label: str
    value: Decimal | None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """A place where a source contradicts itself or the data, or cannot be checked."""

    source: str
    check: str
    severity: Severity
    subject: str
    message: str
    stated: tuple[Figure, ...]
    computed: tuple[Figure, ...]
    #: The outside data the finding was measured on, named (e.g. BLS OEWS); None for checks of
    #: a source against itself or the bundled records.
    evidence: str | None = None


_NUMBER = re.compile(r"([\d,]+)(?:\.(\d+))?\s*([kKmM]?)")


def stated_tolerance(text: str) -> Decimal:
    """Half a unit of the last digit the stated text gives ("$416.3K" -> 50, "~$388K" -> 500)."""
    match = _NUMBER.search(text.replace(" ", ""))
    if match is None:
        return Decimal("0.5")
    unit = {"k": Decimal(1000), "m": Decimal(1_000_000)}.get(match.group(3).lower(), Decimal(1))
    decimals = len(match.group(2) or "")
    return unit / (Decimal(10) ** decimals) / 2
