"""Where a person lives for tax: a US state (and New York City), the United Kingdom, or India.

Residences are written as people write them: ``"Seattle, WA"``, ``"San Francisco, CA"``,
``"New York, NY"``, ``"Austin, Texas"``, ``"London"``, ``"Manchester, UK"``, ``"Bangalore"``,
``"Hyderabad, India"``. Anything else is an :class:`~offerlab.errors.InputError` that says which
forms are understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from offerlab.errors import InputError

__all__ = ["US_STATES", "Country", "Residence", "parse_residence"]

Country = Literal["US", "GB", "IN"]

#: The states (and DC) whose income tax tenforty computes, plus its no-income-tax states.
US_STATES: Final[dict[str, str]] = {
    "AK": "Alaska", "AL": "Alabama", "AR": "Arkansas", "AZ": "Arizona", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DC": "District of Columbia", "DE": "Delaware",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "IA": "Iowa", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "MA": "Massachusetts", "MD": "Maryland", "ME": "Maine", "MI": "Michigan",
    "MN": "Minnesota", "MO": "Missouri", "MS": "Mississippi", "MT": "Montana",
    "NC": "North Carolina", "ND": "North Dakota", "NE": "Nebraska", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NV": "Nevada", "NY": "New York", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VA": "Virginia", "VT": "Vermont", "WA": "Washington", "WI": "Wisconsin",
    "WV": "West Virginia", "WY": "Wyoming",
}  # fmt: skip
_STATE_BY_NAME: Final = {name.lower(): code for code, name in US_STATES.items()}

#: The five boroughs and the city's own names: New York City residents pay the NYC tax.
_NYC: Final = frozenset(
    {"new york", "new york city", "nyc", "manhattan", "brooklyn", "queens", "bronx",
     "the bronx", "staten island"}
)  # fmt: skip
_UK_WORDS: Final = frozenset(
    {"uk", "u.k.", "united kingdom", "great britain", "gb", "england", "wales",
     "northern ireland"}
)  # fmt: skip
_UK_CITIES: Final = frozenset(
    {"london", "manchester", "cambridge", "oxford", "bristol", "birmingham", "leeds",
     "reading", "belfast", "cardiff"}
)  # fmt: skip
_IN_CITIES: Final = frozenset(
    {"bangalore", "bengaluru", "hyderabad", "mumbai", "pune", "chennai", "delhi",
     "new delhi", "gurgaon", "gurugram", "noida", "kolkata", "ahmedabad"}
)  # fmt: skip
_SCOTLAND: Final = frozenset({"scotland", "edinburgh", "glasgow", "aberdeen", "dundee"})
_US_WORDS: Final = frozenset({"us", "usa", "u.s.", "united states"})

_FORMS = (
    "'City, ST' for a US state (e.g. 'Seattle, WA', 'New York, NY'), 'London' or "
    "'City, UK', 'Bangalore' or 'City, India'"
)


@dataclass(frozen=True, slots=True)
class Residence:
    """A tax residence: ``country``, with ``state`` (two letters) and ``nyc`` in the US."""

    country: Country
    label: str
    state: str | None = None
    nyc: bool = False

    @property
    def currency(self) -> str:
        """The currency its taxes are computed in."""
        return {"US": "USD", "GB": "GBP", "IN": "INR"}[self.country]

    def describe(self) -> str:
        if self.country == "US":
            assert self.state is not None
            where = "New York City, NY" if self.nyc else US_STATES[self.state]
            return f"{self.label} (United States: {where})"
        return f"{self.label} ({'United Kingdom' if self.country == 'GB' else 'India'})"


def _words(text: str) -> list[str]:
    return [part.strip() for part in re.split(r",", text) if part.strip()]


def parse_residence(text: str) -> Residence:
    """Parse a residence; an unknown or unsupported one raises InputError saying the forms."""
    raw = text.strip()
    parts = _words(raw)
    if not parts:
        raise InputError(f"empty residence; expected {_FORMS}")
    lowered = [p.lower() for p in parts]
    last, first = lowered[-1], lowered[0]
    if any(p in _SCOTLAND for p in lowered):
        raise InputError(
            f"residence {raw!r} is in Scotland, whose income tax bands offerlab does not ship; "
            "the UK tables are for England, Wales and Northern Ireland"
        )
    if last in _UK_WORDS or (len(parts) == 1 and first in _UK_CITIES):
        return Residence("GB", raw)
    if last == "india" or (len(parts) == 1 and first in _IN_CITIES):
        return Residence("IN", raw)
    if last in _US_WORDS and len(parts) > 1:
        parts, lowered = parts[:-1], lowered[:-1]
        last = lowered[-1]
    code = parts[-1].upper() if len(parts[-1]) == 2 else _STATE_BY_NAME.get(last)
    if len(parts) >= 2 and code is not None:
        if code not in US_STATES:
            raise InputError(
                f"unknown US state {parts[-1]!r} in residence {raw!r}; expected {_FORMS}"
            )
        return Residence("US", raw, code, nyc=code == "NY" and first in _NYC)
    if len(parts) == 1 and first in _NYC:
        return Residence("US", raw, "NY", nyc=True)
    if len(parts) == 1 and first in _STATE_BY_NAME:
        code = _STATE_BY_NAME[first]
        return Residence("US", raw, code)
    raise InputError(f"unknown residence {raw!r}; expected {_FORMS}")
