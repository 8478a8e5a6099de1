"""Normalisation of market records (temporary minimal rules; replaced by the rules branch).

Pure and cached: the importer calls each function once per distinct raw value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Location",
    "canonical_company",
    "location_matches",
    "normalize_level",
    "parse_location",
    "specialty",
    "title_family",
]

_WS = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _WS.sub(" ", text.replace("\xa0", " ")).strip()


@lru_cache(maxsize=65536)
def canonical_company(raw: str) -> str:
    """The company's canonical name: cleaned, a trailing ``Corporation``/``Inc`` dropped."""
    text = _clean(raw)
    text = re.sub(r"(?i)[ ,]+(corporation|corp\.?|inc\.?|llc)$", "", text)
    return text[:1].upper() + text[1:].lower() if text.isupper() or text.islower() else text


@lru_cache(maxsize=65536)
def normalize_level(company: str, raw: str | None) -> str | None:
    """A level as the company's ladder writes it: ``L62``/``62`` -> ``62``; None if unknown."""
    if raw is None or not _clean(raw):
        return None
    text = _clean(raw)
    match = re.fullmatch(r"(?i)l?\s*(\d+)", text)
    return match.group(1) if match else text


@lru_cache(maxsize=4096)
def title_family(title: str | None) -> str | None:
    """The title's family (the title cleaned), or None."""
    return _clean(title) or None if title else None


@lru_cache(maxsize=65536)
def specialty(tag: str | None, title: str | None = None) -> str | None:
    """The specialty family of a tag (``ML / AI``), or None."""
    if tag is None or _clean(tag).upper() in {"", "NA"}:
        return None
    return _clean(tag)


@dataclass(frozen=True, slots=True)
class Location:
    """A location as reported and as parsed."""

    raw: str
    city: str | None
    region: str | None
    country: str | None
    metro: str | None


@lru_cache(maxsize=65536)
def parse_location(raw: str | None) -> Location:
    """``City, ST`` (United States) or ``City, Region, Country``."""
    text = _clean(raw or "")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    city = parts[0] if parts else None
    region = parts[1] if len(parts) > 1 else None
    country = parts[2] if len(parts) > 2 else ("United States" if len(parts) == 2 else None)
    return Location(text, city, region, country, city)


def location_matches(loc: Location, query: str) -> bool:
    """True when ``query`` names the location's city, metro, region or country."""
    want = _clean(query).casefold().removesuffix(" metro").strip()
    names = (loc.city, loc.metro, loc.region, loc.country)
    return any(name is not None and name.casefold() == want for name in names)
