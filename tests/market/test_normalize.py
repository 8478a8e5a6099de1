"""Normalisation rules: companies, levels, titles, specialties and locations."""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerlab.errors import InputError, NotFoundError
from offerlab.market.normalize import (
    Location,
    canonical_company,
    level_label,
    level_order,
    location_matches,
    normalize_level,
    parse_location,
    specialty,
    title_family,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Microsoft", "Microsoft"),
        ("microsoft", "Microsoft"),
        ("MICROSOFT", "Microsoft"),
        ("MIcrosoft", "Microsoft"),
        ("Microsoft Corporation", "Microsoft"),
        ("microsoft corporation", "Microsoft"),
        ("MSFT", "Microsoft"),
        ("\xa0Google", "Google"),
        ("google llc", "Google"),
        ("Facebook", "Meta"),
        ("Amazon Web Services", "Amazon"),
        ("Apple Inc.", "Apple"),
        ("Intel corporation", "Intel"),
        ("eBay", "eBay"),
        ("some startup", "Some Startup"),
        ("  Acme   Robotics  ", "Acme Robotics"),
    ],
)
def test_canonical_company(raw: str, expected: str) -> None:
    assert canonical_company(raw) == expected


def test_empty_company_is_an_input_error() -> None:
    with pytest.raises(InputError):
        canonical_company("  ")


@pytest.mark.parametrize(
    ("company", "raw", "expected"),
    [
        ("Microsoft", "62", "62"),
        ("Microsoft", "L62", "62"),
        ("Microsoft", "l62", "62"),
        ("Microsoft", "Level 61", "61"),
        ("Microsoft", "SDE II", "61"),
        ("Microsoft", "Sde 2", "61"),
        ("Microsoft", "SDE II (62)", "62"),
        ("Microsoft", "SDE 2 / 61", "61"),
        ("Microsoft", "Senior SDE", "63"),
        ("Microsoft", "Principal SDE", "65"),
        ("Microsoft", "SDE", "59"),
        ("Microsoft", "L3", None),
        ("Microsoft", "58", None),
        ("Microsoft", "NA", None),
        ("Microsoft", None, None),
        ("Google", "L5", "L5"),
        ("Google", "5", "L5"),
        ("Google", "T4", "L4"),
        ("Google", "Senior SWE", "L5"),
        ("Google", "Manager (L6)", "L6"),
        ("Google", "L7.5", None),
        ("Google", "L2", None),
        ("Meta", "E5", "E5"),
        ("Meta", "IC5", "E5"),
        ("Meta", "IC 6", "E6"),
        ("Meta", "M1", "E6"),
        ("Amazon", "SDE II", "L5"),
        ("Amazon", "L6 SDM", "L6"),
        ("Amazon", "L5`", "L5"),
        ("Amazon", "L6.5", None),
        ("Apple", "ICT4", "ICT4"),
        ("Apple", "ICT - 5", "ICT5"),
        ("Apple", "ITC4", "ICT4"),
        ("OpenAI", "L5", "L5"),
        ("LinkedIn", "Senior", "Senior Software Engineer"),
        ("Oracle", "l 3", "L3"),
        ("Oracle", "IC4  ", "IC4"),
        ("Oracle", "Senior Member of Technical Staff", "Senior Member of Technical Staff"),
    ],
)
def test_normalize_level(company: str, raw: str | None, expected: str | None) -> None:
    assert normalize_level(company, raw) == expected


def test_normalize_level_accepts_a_non_canonical_company_name() -> None:
    assert normalize_level("microsoft corporation", "L63") == "63"


def test_ladders_and_labels() -> None:
    assert level_order("Microsoft")[0] == "59"
    assert level_order("Microsoft")[-1] == "70"
    assert len(level_order("Microsoft")) == 12
    assert level_order("Google") == ["L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10"]
    assert level_order("Meta") == [f"E{n}" for n in range(3, 10)]
    assert level_label("Microsoft", "63") == "Senior SDE"
    assert level_label("Microsoft", "L62") == "SDE II"
    with pytest.raises(NotFoundError, match="known companies: Microsoft, Google"):
        level_order("Initech")
    with pytest.raises(NotFoundError, match="known levels: 59"):
        level_label("Microsoft", "L3")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Software Engineer", "Software Engineer"),
        ("software engineer", "Software Engineer"),
        ("Machine Learning Engineer", "ML/AI Engineer"),
        ("Senior ML Engineer", "ML/AI Engineer"),
        ("Data Scientist", "Data Scientist"),
        ("Software Engineering Manager", "Software Engineering Manager"),
        ("Product Manager", "Product Manager"),
        ("Chief Vibes Officer", "Chief Vibes Officer"),
        (None, None),
        ("NA", None),
    ],
)
def test_title_family(title: str | None, expected: str | None) -> None:
    assert title_family(title) == expected


@pytest.mark.parametrize(
    ("tag", "title", "expected"),
    [
        ("ML / AI", None, "ML / AI"),
        ("ml/ai", None, "ML / AI"),
        ("Machine learning", None, "ML / AI"),
        ("NLP", "Software Engineer", "ML / AI"),
        ("NA", None, None),
        ("", None, None),
        (None, None, None),
        ("NA", "Machine Learning Engineer", "ML / AI"),
        ("NA", "Software Engineer", None),
        ("full stack", None, "Full Stack"),
        ("Azure", None, "Azure"),
    ],
)
def test_specialty(tag: str | None, title: str | None, expected: str | None) -> None:
    assert specialty(tag, title) == expected


def test_parse_location_shapes() -> None:
    assert parse_location("Redmond, WA") == Location(
        "Redmond, WA", "Redmond", "WA", "United States", "Seattle metro"
    )
    assert parse_location("London, EN, United Kingdom") == Location(
        "London, EN, United Kingdom", "London", "EN", "United Kingdom", "London metro"
    )
    bangalore = parse_location("Bangalore, KA, India")
    assert (bangalore.city, bangalore.country) == ("Bengaluru", "India")
    assert parse_location("Bengaluru, KA, India").metro == bangalore.metro
    assert parse_location("Seoul, KG, Korea, South").country == "South Korea"
    chennai = parse_location("Chennai, undefined, India")
    assert (chennai.city, chennai.region, chennai.country) == ("Chennai", None, "India")
    assert parse_location("India") == Location("India", None, None, "India", None)
    assert parse_location(None) == Location("", None, None, None, None)
    assert parse_location("Redmond, Washington").region == "WA"
    assert parse_location("WA") == Location("WA", None, "WA", "United States", None)
    assert parse_location("Redmond").metro == "Seattle metro"  # a city in one known metro


@pytest.mark.parametrize(
    ("raw", "query", "expected"),
    [
        ("Redmond, WA", "Redmond", True),
        ("Redmond, WA", "redmond", True),
        ("Redmond, WA", "Seattle metro", True),
        ("Bellevue, WA", "Seattle metro", True),
        ("Redmond, WA", "WA", True),
        ("Redmond, WA", "Washington", True),
        ("Redmond, WA", "United States", True),
        ("Redmond, WA", "USA", True),
        ("Redmond, WA", "Seattle", False),
        ("Redmond, WA", "India", False),
        ("Bangalore, KA, India", "India", True),
        ("Bangalore, KA, India", "Bengaluru", True),
        ("Bengaluru, KA, India", "Bangalore", True),
        ("San Jose, CA", "Bay Area", True),
        ("Portland, OR", "Portland, OR", True),  # a full place names the city
        ("London, EN, United Kingdom", "UK", True),
    ],
)
def test_location_matches(raw: str, query: str, expected: bool) -> None:
    assert location_matches(parse_location(raw), query) is expected


@given(st.text(max_size=40))
def test_rules_never_crash(text: str) -> None:
    parse_location(text)
    title_family(text)
    specialty(text, text)
    for company in ("Microsoft", "Google", "Unknown Co"):
        normalize_level(company, text)
    try:
        name = canonical_company(text)
    except InputError:
        assert not text.strip()  # only a blank name is refused
    else:
        assert name
        assert name == name.strip()
        assert canonical_company(name) == name  # idempotent


@cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def _records(shared_data: Path) -> tuple[dict[str, str], ...]:
    return _read(shared_data / "levels_fyi_salaries_2017_2021.csv")


def test_real_company_spellings_fold(shared_data: Path) -> None:
    rows = _records(shared_data)
    spellings = {r["company"] for r in rows if canonical_company(r["company"]) == "Microsoft"}
    assert {"Microsoft", "microsoft", "MICROSOFT", "Microsoft Corporation", "MIcrosoft"} <= (
        spellings
    )
    # The issue counts six spellings (5,252 rows); the ticker MSFT (7 rows) is Microsoft too.
    assert spellings == {
        "Microsoft", "microsoft", "MICROSOFT", "Microsoft Corporation", "microsoft corporation",
        "MIcrosoft", "MSFT", "Msft",
    }  # fmt: skip
    counts = Counter(canonical_company(r["company"]) for r in rows if r["company"].strip())
    assert counts["Microsoft"] == 5252 + 7
    assert counts["Google"] == 4368
    assert counts["Meta"] == 3004


def test_real_microsoft_levels_place_on_the_ladder(shared_data: Path) -> None:
    rows = [r for r in _records(shared_data) if canonical_company(r["company"]) == "Microsoft"]
    levels = Counter(normalize_level("Microsoft", r["level"]) for r in rows)
    ladder = set(level_order("Microsoft"))
    assert set(levels) - {None} <= ladder
    # Only a small share of rows cannot be placed (vendor levels, other ladders, typos).
    assert levels[None] / len(rows) < 0.03
    raw_62 = sum(1 for r in rows if r["level"] in {"62", "L62", "l62"})
    assert levels["62"] >= raw_62


def test_real_locations_mostly_resolve(shared_data: Path) -> None:
    rows = _records(shared_data)
    places = Counter(r["location"] for r in rows)
    unresolved = sum(n for raw, n in places.items() if parse_location(raw).country is None)
    assert unresolved / len(rows) < 0.001
    redmond = {raw for raw in places if location_matches(parse_location(raw), "Redmond")}
    assert redmond == {"Redmond, WA", "Redmond, UT"}  # a city name matches every such city
    in_metro = {raw for raw in places if location_matches(parse_location(raw), "Seattle metro")}
    assert {"Seattle, WA", "Redmond, WA", "Bellevue, WA", "Kirkland, WA"} <= in_metro
    assert "Redmond, UT" not in in_metro


@given(st.data())
def test_every_ladder_level_normalises_to_itself(data: st.DataObject) -> None:
    from offerlab.market.normalize import known_ladder_companies

    company = data.draw(st.sampled_from(known_ladder_companies()))
    level = data.draw(st.sampled_from(level_order(company)))
    spaced = data.draw(st.sampled_from(["", " ", "  ", "\xa0"]))
    raw = data.draw(st.sampled_from([level, level.lower(), level.upper()]))
    assert normalize_level(company, f"{spaced}{raw}{spaced}") == level
    if company == "Microsoft":
        prefix = data.draw(st.sampled_from(["L", "l", "Level ", "SDE ", "L "]))
        assert normalize_level(company, f"{prefix}{level}") == level
    assert level_label(company, level)


def test_a_state_name_means_the_state_and_a_full_place_the_city() -> None:
    from offerlab.market.normalize import location_matches, parse_location

    dc = parse_location("Washington, DC")
    seattle = parse_location("Seattle, WA")
    redmond_ut = parse_location("Redmond, UT")
    assert not location_matches(dc, "Washington")
    assert location_matches(seattle, "Washington")
    assert location_matches(dc, "Washington, DC")
    assert not location_matches(seattle, "Washington, DC")
    assert location_matches(parse_location("Redmond, WA"), "Redmond, WA")
    assert not location_matches(redmond_ut, "Redmond, WA")
