"""Normalisation rules for market records: companies, levels, titles, specialties, locations.

Every rule is data in ``offerlab/data/market/*.toml`` (each file names its source); this module
only reads those files once and applies them. All functions are pure and cheap: the importer
calls them once per distinct raw value, and the ones that see many distinct values are
memoised.

Matching is forgiving about case and white space (including no-break spaces) and strict about
meaning: a level that cannot be placed on the company's ladder is ``None``, never a guess.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from offerlab.errors import InputError, NotFoundError

__all__ = [
    "Location",
    "canonical_company",
    "canonical_country",
    "canonical_level",
    "canonical_metro",
    "company_key",
    "country_of",
    "known_ladder_companies",
    "known_title_families",
    "level_label",
    "level_order",
    "location_matches",
    "normalize_level",
    "parse_location",
    "specialty",
    "title_family",
]

_WS = re.compile(r"\s+")
_CACHE = 65536


def _clean(text: str) -> str:
    """Text with surrounding white space removed and inner runs collapsed to one space."""
    return _WS.sub(" ", text.replace("\xa0", " ")).strip()


def _key(text: str) -> str:
    """The matching key of a text: cleaned and case-folded."""
    return _clean(text).casefold()


@cache
def _load(name: str) -> dict[str, Any]:
    text = resources.files("offerlab.data").joinpath("market", name).read_text("utf-8")
    return tomllib.loads(text)


# --- companies ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CompanyRules:
    by_key: dict[str, str]
    suffixes: frozenset[str]


@cache
def _company_rules() -> _CompanyRules:
    data = _load("companies.toml")
    by_key: dict[str, str] = {}
    for canonical, aliases in data["aliases"].items():
        by_key[_key(canonical)] = canonical
        for alias in aliases:
            by_key[_key(alias)] = canonical
    suffixes = frozenset(_key(s) for s in data.get("suffixes", []))
    return _CompanyRules(by_key, suffixes)


@lru_cache(maxsize=_CACHE)
def canonical_company(raw: str) -> str:
    """The canonical name of a company: ``"microsoft corporation"`` -> ``"Microsoft"``.

    Known names and their aliases match ignoring case, white space and legal suffixes
    (Inc., LLC, Corporation ...). An unknown name is returned cleaned of extra white space,
    title-cased if it was written all in lower case, otherwise as given. An empty name is an
    :class:`InputError`.
    """
    text = _clean(raw)
    if not text:
        raise InputError("company name is empty; expected a name such as Microsoft")
    rules = _company_rules()
    key = text.casefold()
    found = rules.by_key.get(key)
    if found is not None:
        return found
    words = key.replace(",", " ").split()
    while len(words) > 1 and words[-1] in rules.suffixes:
        words.pop()
        found = rules.by_key.get(" ".join(words))
        if found is not None:
            return found
    return text.title() if text == text.lower() else text


def company_key(raw: str) -> str:
    """One spelling of a company whatever its case, white space and legal suffixes, for groups
    that spellings must not split (pooled offers' cells): the canonical name of a company the
    rules know, else the name without trailing legal suffixes, title-cased (``"ACME Robotics,
    Inc."`` -> ``"Acme Robotics"``). :func:`canonical_company` keeps an unknown name as written.
    """
    name = canonical_company(raw)
    rules = _company_rules()
    if _key(name) in rules.by_key:
        return name
    words = _key(raw).replace(",", " ").split()
    while len(words) > 1 and words[-1] in rules.suffixes:
        words.pop()
    return " ".join(words).title()


# --- levels ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ladder:
    company: str
    levels: tuple[str, ...]
    labels: dict[str, str]
    aliases: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]
    template: str


@cache
def _ladders() -> dict[str, _Ladder]:
    ladders: dict[str, _Ladder] = {}
    for company, spec in _load("levels.toml").items():
        levels = tuple(str(level) for level in spec["ladder"])
        aliases = {_key(level): level for level in levels}
        for alias, level in spec.get("aliases", {}).items():
            if level not in levels:
                raise ValueError(f"levels.toml: {company} alias {alias!r} -> unknown {level!r}")
            aliases[_key(alias)] = level
        ladders[company] = _Ladder(
            company=company,
            levels=levels,
            labels={str(k): str(v) for k, v in spec.get("labels", {}).items()},
            aliases=aliases,
            patterns=tuple(re.compile(p) for p in spec.get("patterns", [])),
            template=str(spec.get("template", "{}")),
        )
    return ladders


def _ladder(company: str) -> _Ladder | None:
    ladders = _ladders()
    found = ladders.get(company)
    if found is None and company.strip():
        found = ladders.get(canonical_company(company))
    return found


def known_ladder_companies() -> list[str]:
    """The companies whose level ladder offerlab knows, in the rules file's order."""
    return list(_ladders())


def _require_ladder(company: str) -> _Ladder:
    ladder = _ladder(company)
    if ladder is None:
        known = ", ".join(known_ladder_companies())
        raise NotFoundError(f"no level ladder for company {company!r}; known companies: {known}")
    return ladder


_MISSING = frozenset({"", "na", "n/a", "none", "null", "-", "unknown", "unkown", "nan"})
_SHORT_LEVEL = re.compile(r"^([a-z]{1,4})\s?-?\s?(\d{1,2})$")


@lru_cache(maxsize=_CACHE)
def normalize_level(company: str, raw: str | None) -> str | None:
    """The canonical level of ``raw`` at ``company`` (canonical name): ``"L62"`` -> ``"62"``.

    For a company with a ladder, ``None`` when the level cannot be placed on it. For a company
    without one, the level tidied (white space collapsed; short codes such as ``"l 3"``
    upper-cased to ``"L3"``), since there is no ladder to check it against. ``None`` for a
    missing value (``None``, empty, ``NA``).
    """
    if raw is None:
        return None
    key = _key(raw).strip("`'\". ")
    if key in _MISSING:
        return None
    ladder = _ladder(company)
    if ladder is None:
        short = _SHORT_LEVEL.match(key)
        if short:
            return f"{short.group(1).upper()}{short.group(2)}"
        return _clean(raw).strip("`'\". ")
    found = ladder.aliases.get(key)
    if found is not None:
        return found
    for pattern in ladder.patterns:
        match = pattern.search(key)
        if match:
            level = ladder.template.format(match.group(1))
            if level in ladder.levels:
                return level
    return None


def canonical_level(company: str, raw: str) -> str:
    """Like :func:`normalize_level` for a user's query: unknown levels raise NotFoundError."""
    ladder = _require_ladder(company)
    level = normalize_level(ladder.company, raw)
    if level is None:
        known = ", ".join(ladder.levels)
        raise NotFoundError(f"unknown level {raw!r} at {ladder.company}; known levels: {known}")
    return level


def level_order(company: str) -> list[str]:
    """The company's ladder, lowest level first. Unknown company: NotFoundError."""
    return list(_require_ladder(company).levels)


def level_label(company: str, level: str) -> str:
    """The usual title of a canonical level (``"63"`` -> ``"Senior SDE"``), else the level."""
    ladder = _require_ladder(company)
    canonical = canonical_level(ladder.company, level)
    return ladder.labels.get(canonical, canonical)


# --- titles and specialties --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TitleRules:
    families: dict[str, str]
    keywords: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    specialties: dict[str, str]
    ml_families: frozenset[str]
    missing: frozenset[str]


def _word(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(_key(text)) + r"(?![a-z0-9])")


@cache
def _title_rules() -> _TitleRules:
    data = _load("titles.toml")
    families: dict[str, str] = {}
    for family, titles in data["families"].items():
        families[_key(family)] = family
        for title in titles:
            families[_key(title)] = family
    keywords = tuple(
        (str(family), tuple(_word(word) for word in words)) for family, words in data["keywords"]
    )
    specialties: dict[str, str] = {}
    for tag, variants in data["specialties"].items():
        specialties[_key(tag)] = tag
        for variant in variants:
            specialties[_key(variant)] = tag
    return _TitleRules(
        families=families,
        keywords=keywords,
        specialties=specialties,
        ml_families=frozenset(data.get("ml_title_families", [])),
        missing=frozenset(_key(m) for m in data.get("missing", [])) | _MISSING,
    )


@lru_cache(maxsize=_CACHE)
def title_family(title: str | None) -> str | None:
    """The family of a job title (``"Machine Learning Engineer"`` -> ``"ML/AI Engineer"``).

    An unknown title is returned cleaned, as its own family; a missing one is ``None``.
    """
    if title is None:
        return None
    rules = _title_rules()
    key = _key(title)
    if key in rules.missing:
        return None
    found = rules.families.get(key)
    if found is not None:
        return found
    for family, words in rules.keywords:
        if all(word.search(key) for word in words):
            return family
    return _clean(title)


def known_title_families() -> frozenset[str]:
    """Every title family the rules name (``titles.toml``): what :func:`title_family` gives for a
    title the rules know; an unknown title comes back as itself, which is not in this set."""
    rules = _title_rules()
    return frozenset(rules.families.values()) | frozenset(f for f, _ in rules.keywords)


@lru_cache(maxsize=_CACHE)
def specialty(tag: str | None, title: str | None = None) -> str | None:
    """The specialty tag in the records' vocabulary (``"ml/ai"`` -> ``"ML / AI"``).

    A missing tag (``None``, empty, ``NA``) is ``None``, unless the title belongs to an ML/AI
    family, which gives ``"ML / AI"``. An unknown tag is returned cleaned, as given.
    """
    rules = _title_rules()
    if tag is not None:
        key = _key(tag)
        if key not in rules.missing:
            return rules.specialties.get(key, _clean(tag))
    if title_family(title) in rules.ml_families:
        return "ML / AI"
    return None


# --- locations ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Location:
    """A place as reported (``raw``) and as understood; any part may be unknown (None)."""

    raw: str
    city: str | None
    region: str | None
    country: str | None
    metro: str | None


@dataclass(frozen=True, slots=True)
class _PlaceRules:
    states: dict[str, str]  # code -> name
    state_codes: dict[str, str]  # key of code or name -> code
    countries: dict[str, str]  # key -> canonical
    cities: dict[str, str]  # key -> canonical
    metro_of: dict[str, str]  # key of "City, ST" / "City, Country" -> metro
    metros: dict[str, str]  # key of metro or alias -> metro
    metro_country: dict[str, str]  # metro -> the country its places are in
    city_metro: dict[str, str]  # key of a city in exactly one metro -> metro


@cache
def _place_rules() -> _PlaceRules:
    data = _load("locations.toml")
    states = {str(k): str(v) for k, v in data["us_states"].items()}
    state_codes = {_key(code): code for code in states}
    state_codes.update({_key(name): code for code, name in states.items()})
    countries: dict[str, str] = {_key(c): str(c) for c in data.get("known_countries", [])}
    for country, aliases in data["countries"].items():
        countries[_key(country)] = country
        for alias in aliases:
            countries[_key(alias)] = country
    cities: dict[str, str] = {}
    for city, aliases in data["cities"].items():
        cities[_key(city)] = city
        for alias in aliases:
            cities[_key(alias)] = city
    metro_of: dict[str, str] = {}
    metros: dict[str, str] = {}
    for metro, places in data["metros"].items():
        metros[_key(metro)] = metro
        for place in places:
            metro_of[_key(place)] = metro
    for metro, aliases in data.get("metro_aliases", {}).items():
        for alias in aliases:
            metros[_key(alias)] = metro
    seen: dict[str, set[str]] = {}
    for place, metro in metro_of.items():
        seen.setdefault(place.split(",")[0].strip(), set()).add(metro)
    city_metro = {city: next(iter(m)) for city, m in seen.items() if len(m) == 1}
    metro_country: dict[str, str] = {}
    for metro, places in data["metros"].items():
        second = str(places[0]).rsplit(",", 1)[-1] if places else ""
        code = state_codes.get(_key(second))
        country = "United States" if code is not None else countries.get(_key(second))
        if country is not None:
            metro_country[metro] = country
    return _PlaceRules(
        states, state_codes, countries, cities, metro_of, metros, metro_country, city_metro
    )


_NO_PART = frozenset({"", "undefined", "na", "n/a", "null", "none"})


def _city(text: str) -> str:
    return _place_rules().cities.get(_key(text), _clean(text))


def _country(text: str) -> str:
    return _place_rules().countries.get(_key(text), _clean(text))


@lru_cache(maxsize=_CACHE)
def parse_location(raw: str | None) -> Location:
    """Split a free-text place into city, region, country and metro.

    Shapes understood: ``"Redmond, WA"`` (a US state code or name makes it the United States),
    ``"London, EN, United Kingdom"``, ``"Seoul, KG, Korea, South"``, a country alone
    (``"India"``), a metro alone (``"Bay Area"``) and a city alone. Unknown parts are None.
    """
    text = _clean(raw or "")
    rules = _place_rules()
    parts: list[str | None] = [_clean(p) for p in text.split(",")] if text else []
    parts = [None if p is None or p.casefold() in _NO_PART else p for p in parts]
    city = region = country = metro = None
    if len(parts) == 1 and parts[0] is not None:
        only = parts[0]
        key = only.casefold()
        if key in rules.countries:
            country = rules.countries[key]
        elif only in rules.states:  # a bare US state code ("WA"); a state name stays a city
            region, country = only, "United States"
        elif key in rules.metros:
            metro = rules.metros[key]
        else:
            city = _city(only)
            metro = rules.city_metro.get(_key(city))
    elif len(parts) == 2:
        city = _city(parts[0]) if parts[0] is not None else None
        second = parts[1]
        if second is not None:
            code = rules.state_codes.get(second.casefold())
            if code is not None:
                region, country = code, "United States"
            elif second.casefold() in rules.countries:
                country = rules.countries[second.casefold()]
            else:
                region = second
    elif len(parts) >= 3:
        city = _city(parts[0]) if parts[0] is not None else None
        region = parts[1]
        rest = [p for p in parts[2:] if p is not None]
        country = _country(", ".join(rest)) if rest else None
        if country == "United States" and region is not None:
            region = rules.state_codes.get(region.casefold(), region)
    if city is not None:
        where = region if country == "United States" else country
        if where is not None:
            metro = rules.metro_of.get(_key(f"{city}, {where}"))
    return Location(raw=text, city=city, region=region, country=country, metro=metro)


@lru_cache(maxsize=_CACHE)
def location_matches(loc: Location, query: str) -> bool:
    """Whether ``loc`` lies in the place ``query`` names: a city, metro, region or country.

    ``"Redmond"`` matches the city, ``"Seattle metro"`` (or ``"Bay Area"``-style aliases) the
    metro, ``"WA"`` or ``"Washington"`` the US state, ``"India"``/``"USA"`` the country.
    A US state's name means the state, not a city of the same name (``"Washington"`` is not
    Washington, DC; write ``"Washington, DC"`` for the city); another name that is several
    kinds of place matches any of them.
    """
    key = _key(query)
    if not key:
        return False
    rules = _place_rules()
    state = rules.state_codes.get(key)
    if state is not None and "," not in query:
        return loc.country == "United States" and loc.region == state
    if "," in query:
        # A full place ("Washington, DC", "Redmond, WA", "London, United Kingdom").
        place = parse_location(query)
        if place.city is not None:
            return (
                loc.city is not None
                and _key(loc.city) == _key(place.city)
                and (place.region is None or loc.region == place.region)
                and (place.country is None or loc.country == place.country)
            )
    if loc.city is not None and _key(loc.city) == _key(_city(query)):
        return True
    if loc.metro is not None and rules.metros.get(key) == loc.metro:
        return True
    if loc.region is not None:
        if _key(loc.region) == key:
            return True
        if loc.country == "United States" and rules.state_codes.get(key) == loc.region:
            return True
    return loc.country is not None and _key(loc.country) == _key(_country(query))


def canonical_metro(query: str) -> str | None:
    """The metro a name denotes: a metro or its alias, or a city that lies in exactly one metro
    (``"Bay Area"`` -> ``"SF Bay Area"``, ``"Redmond"`` -> ``"Seattle metro"``); else None."""
    rules = _place_rules()
    key = _key(query)
    found = rules.metros.get(key)
    if found is not None:
        return found
    place = parse_location(query)
    if place.metro is not None and place.city is not None:
        return place.metro
    return rules.city_metro.get(_key(_city(query)))


def country_of(location: str | None) -> str | None:
    """The country a place lies in: the one it names, else its metro's (``"London"`` ->
    ``"United Kingdom"``, ``"Bangalore"`` -> ``"India"``); None when unknown (``"Remote"``)."""
    place = parse_location(location)
    if place.country is not None:
        return place.country
    if place.metro is not None:
        return _place_rules().metro_country.get(place.metro)
    return None


def canonical_country(query: str) -> str | None:
    """The country a name denotes (``"USA"`` -> ``"United States"``); None if not a country."""
    return _place_rules().countries.get(_key(query))
