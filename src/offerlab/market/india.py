"""Community offer reports from India, read as they are, and their bands in rupees.

The file (``leetcode_india_offers_2025_2026.json``: offers posted on a public coding-interview
forum, parsed into fields by a language model, so expect parsing mistakes and duplicates) is a
JSON list of objects with ``id``, ``date`` (ISO timestamp), ``location`` (often empty),
``company`` (``Startup`` when unnamed), ``role`` as written (``SDE 2``, ``SSE`` ...), ``yoe``
(may be null, once ``"20+"``), and ``base`` and ``total`` in **lakh INR** a year (1 lakh =
100,000 INR). It is recognised from that content (:func:`is_india_offers`), not its name.

Read as it is:

* amounts become INR (lakh x 100,000), exact Decimals;
* roles stay as written; ``data/market/india_roles.toml`` places a role on the company's ladder
  where the company's titles say which levels it is (Microsoft ``SDE 2`` = 61-62);
* a blank location is unknown (never a guess);
* a row without a total counts toward base bands only (and one without a base toward total
  bands only); a row with neither is dropped and counted;
* several offers from one post share an ``id``: they are different offers, all kept; rows
  identical in every field are the same report posted twice: the first is kept;
* a ``yoe`` written ``"N+"`` is read as N years, marked "at least";
* a malformed row (not an object, a missing field, an amount or a number of years that is not
  a number, a date that does not parse, an empty company) fails the whole file: every bad row
  is listed with its item number and line.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from offerlab.errors import Problem, ProblemsError
from offerlab.market.confidence import Match
from offerlab.market.evidence import EvidenceBand, evidence_band, spread_of
from offerlab.market.normalize import (
    Location,
    canonical_company,
    country_of,
    location_matches,
    normalize_level,
    parse_location,
)
from offerlab.market.records import MarketRecord
from offerlab.validation import parse_document

__all__ = [
    "FIELDS",
    "LAKH",
    "SOURCE",
    "CommunityOffer",
    "IndiaParse",
    "community_band",
    "is_india_offers",
    "offer_from_record",
    "parse_india",
    "parse_india_text",
    "role_levels",
]

#: The fields of every object of the file, as it writes them.
FIELDS: Final = ("id", "date", "location", "company", "role", "yoe", "base", "total")
#: INR in one lakh.
LAKH: Final = Decimal(100_000)
SOURCE: Final = "leetcode India offers 2025-2026"
ATTRIBUTION: Final = (
    "Self-reported offers in India posted on a public coding-interview forum, parsed into fields "
    "by a language model; from the public repository 0xku/leetcode-compensation "
    "(data/final_data.json, MIT licence). Machine-parsed community posts: expect parsing "
    "mistakes and duplicates."
)
_WHAT: Final = "community offers file"
_AT_LEAST: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*\+\s*$")


@dataclass(frozen=True, slots=True)
class CommunityOffer:
    """One reported offer: yearly INR amounts, the role as written and the levels it covers.

    ``item`` is the 1-based position in the file's list and ``line`` its first line.
    ``levels`` are the company levels the role is (india_roles.toml), empty when no rule places
    it; ``years_at_least`` marks a ``yoe`` written ``"N+"``.
    """

    item: int
    line: int
    external_id: str
    reported_on: date
    company_raw: str
    company: str
    role: str
    levels: tuple[str, ...]
    location: Location
    years_experience: Decimal | None
    years_at_least: bool
    base: Decimal | None
    total: Decimal | None
    currency: str = "INR"


@dataclass(frozen=True, slots=True)
class IndiaParse:
    """The offers read and where every row went."""

    offers: tuple[CommunityOffer, ...]
    rows_read: int
    identical_dropped: int
    no_amount_dropped: int
    base_and_total: int
    base_only: int
    total_only: int
    unknown_location: int
    roles_placed: int
    roles_as_written: int
    shared_ids: int
    years_at_least: int

    @property
    def kept(self) -> int:
        return len(self.offers)

    def report(self) -> dict[str, int]:
        """How many rows went where (the numbers an import prints)."""
        return {
            "rows_read": self.rows_read,
            "kept": self.kept,
            "identical_dropped": self.identical_dropped,
            "no_amount_dropped": self.no_amount_dropped,
            "base_and_total": self.base_and_total,
            "base_only": self.base_only,
            "total_only": self.total_only,
            "unknown_location": self.unknown_location,
            "roles_placed_on_a_ladder": self.roles_placed,
            "roles_as_written_only": self.roles_as_written,
            "rows_sharing_an_id": self.shared_ids,
            "years_written_at_least": self.years_at_least,
        }


def is_india_offers(data: Any) -> bool:
    """Whether parsed JSON is the community offers file: a non-empty list whose first object
    has exactly its fields."""
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and set(data[0]) == set(FIELDS)
    )


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _role_rules() -> dict[tuple[str, str], tuple[str, ...]]:
    text = resources.files("offerlab.data").joinpath("market", "india_roles.toml").read_text()
    rules: dict[tuple[str, str], tuple[str, ...]] = {}
    for rule in tomllib.loads(text)["roles"]:
        for role in rule["roles"]:
            rules[(rule["company"], _key(role))] = tuple(rule["levels"])
    return rules


def role_levels(company: str, role: str) -> tuple[str, ...]:
    """The levels of ``company`` (canonical) that ``role`` (as written) is; () when unknown."""
    return _role_rules().get((company, _key(role)), ())


def _item_lines(text: str, count: int) -> list[int]:
    """The first line of each of the ``count`` items of the top-level JSON list in ``text``."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    position = text.index("[") + 1
    line = text.count("\n", 0, position) + 1
    whitespace = re.compile(r"[\s,]*")
    for _ in range(count):
        match = whitespace.match(text, position)
        start = match.end() if match else position
        line += text.count("\n", position, start)
        lines.append(line)
        _, end = decoder.raw_decode(text, start)
        line += text.count("\n", start, end)
        position = end
    return lines


def _amount(
    value: Any, name: str, where: str, source: str, problems: list[Problem]
) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        problems.append(
            Problem(source, f"{where}, {name}", f"{value!r} is not a number", "lakh INR or null")
        )
        return None
    amount = Decimal(value)
    if amount <= 0:
        problems.append(
            Problem(source, f"{where}, {name}", f"{value} is not more than 0", "lakh INR or null")
        )
        return None
    return amount * LAKH


def _years(
    value: Any, where: str, source: str, problems: list[Problem]
) -> tuple[Decimal | None, bool]:
    if value is None:
        return None, False
    if isinstance(value, str):
        match = _AT_LEAST.match(value)
        if match:
            return Decimal(match.group(1)), True
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0:
        problems.append(
            Problem(
                source,
                f"{where}, yoe",
                f"{value!r} is not a number of years",
                'years (0 or more), "N+" or null',
            )
        )
        return None, False
    return Decimal(value), False


def _date(value: Any, where: str, source: str, problems: list[Problem]) -> date | None:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            return aware.astimezone(UTC).date()
    problems.append(
        Problem(source, f"{where}, date", f"{value!r} is not a date", "an ISO timestamp")
    )
    return None


def _offer(
    raw: dict[str, Any], item: int, line: int, source: str, problems: list[Problem]
) -> CommunityOffer | None:
    where = f"item {item} (line {line})"
    before = len(problems)
    missing = [name for name in FIELDS if name not in raw]
    if missing:
        problems.append(
            Problem(
                source,
                where,
                f"has no {', '.join(missing)}",
                "an object with " + ", ".join(FIELDS),
            )
        )
        return None
    identifier = raw["id"]
    if isinstance(identifier, bool) or not isinstance(identifier, int | str) or identifier == "":
        problems.append(Problem(source, f"{where}, id", f"{identifier!r} is not an id"))
    for name in ("company", "role", "location"):
        if not isinstance(raw[name], str):
            problems.append(Problem(source, f"{where}, {name}", f"{raw[name]!r} is not text"))
    if isinstance(raw["company"], str) and not raw["company"].strip():
        problems.append(Problem(source, f"{where}, company", "is empty", "a company name"))
    reported = _date(raw["date"], where, source, problems)
    years, at_least = _years(raw["yoe"], where, source, problems)
    base = _amount(raw["base"], "base", where, source, problems)
    total = _amount(raw["total"], "total", where, source, problems)
    if len(problems) > before or reported is None:
        return None
    company = canonical_company(raw["company"])
    return CommunityOffer(
        item=item,
        line=line,
        external_id=str(identifier),
        reported_on=reported,
        company_raw=raw["company"],
        company=company,
        role=" ".join(raw["role"].split()),
        levels=role_levels(company, raw["role"]),
        location=parse_location(raw["location"]),
        years_experience=years,
        years_at_least=at_least,
        base=base,
        total=total,
    )


def parse_india_text(text: str, source: str) -> IndiaParse:
    """The offers in the text of a community offers file (see the module's docstring)."""
    data = parse_document(text, source, "json", _WHAT)
    if not isinstance(data, list):
        raise ProblemsError(
            [Problem(source, "", f"is a JSON {type(data).__name__}", "a list of offers")]
        )
    lines = _item_lines(text, len(data))
    problems: list[Problem] = []
    parsed: list[tuple[CommunityOffer, str]] = []
    for index, (raw, line) in enumerate(zip(data, lines, strict=True), start=1):
        if not isinstance(raw, dict):
            problems.append(
                Problem(
                    source,
                    f"item {index} (line {line})",
                    f"is a {_json_type(raw)}, not an object",
                    "an object with " + ", ".join(FIELDS),
                )
            )
            continue
        offer = _offer(raw, index, line, source, problems)
        if offer is not None:
            parsed.append((offer, json.dumps(raw, sort_keys=True, default=str)))
    if problems:
        raise ProblemsError(
            problems,
            summary=f"{len(problems)} bad value{'s' if len(problems) != 1 else ''} in {source}; "
            "nothing was read",
        )
    seen: set[str] = set()
    offers: list[CommunityOffer] = []
    identical = no_amount = 0
    for offer, fingerprint in parsed:
        if fingerprint in seen:
            identical += 1
            continue
        seen.add(fingerprint)
        if offer.base is None and offer.total is None:
            no_amount += 1
            continue
        offers.append(offer)
    ids: dict[str, int] = {}
    for offer in offers:
        ids[offer.external_id] = ids.get(offer.external_id, 0) + 1
    return IndiaParse(
        offers=tuple(offers),
        rows_read=len(data),
        identical_dropped=identical,
        no_amount_dropped=no_amount,
        base_and_total=sum(1 for o in offers if o.base is not None and o.total is not None),
        base_only=sum(1 for o in offers if o.base is not None and o.total is None),
        total_only=sum(1 for o in offers if o.base is None and o.total is not None),
        unknown_location=sum(1 for o in offers if not o.location.raw),
        roles_placed=sum(1 for o in offers if o.levels),
        roles_as_written=sum(1 for o in offers if not o.levels),
        shared_ids=sum(n for n in ids.values() if n > 1),
        years_at_least=sum(1 for o in offers if o.years_at_least),
    )


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def parse_india(path: str | Path) -> IndiaParse:
    """The offers of a community offers file on disk."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemsError(
            [Problem(str(file), "", f"cannot be read as UTF-8 text ({error})", "a JSON file")]
        ) from None
    return parse_india_text(text, str(file))


def offer_from_record(record: MarketRecord) -> CommunityOffer:
    """A stored community record (imported from this format) as the offer it was: the role is
    its ``level_raw``; ``item``/``line`` are not kept by the store (0)."""
    role = record.level_raw or record.title_raw or ""
    if record.reported_on is None:
        raise ValueError(f"a community record of {record.company_raw} has no date")
    return CommunityOffer(
        item=0,
        line=0,
        external_id=record.external_id or "",
        reported_on=record.reported_on,
        company_raw=record.company_raw,
        company=record.company,
        role=role,
        levels=role_levels(record.company, role),
        location=record.location,
        years_experience=record.years_experience,
        years_at_least=False,
        base=record.base,
        total=record.total,
        currency=record.currency,
    )


# --- bands -------------------------------------------------------------------------------------


def _level_matches(offer: CommunityOffer, level: str | None) -> tuple[bool, bool]:
    """(matches, exactly): the query's level is among the role's levels (exactly when the
    role is that one level), or is the role as written (exactly)."""
    if level is None:
        return True, True
    if _key(level) == _key(offer.role):
        return True, True
    placed = normalize_level(offer.company, level)
    if placed is not None and placed in offer.levels:
        return True, offer.levels == (placed,)
    return False, False


def _in_place(place: Location, query: str) -> bool:
    """Whether an offer's place lies in the place asked. Posters write a city alone
    ("Bengaluru"), so a query that names its country too ("Bengaluru, India") matches the city
    when the city's own country (its metro's) is the one named."""
    if location_matches(place, query):
        return True
    asked = parse_location(query)
    if place.country is not None or asked.city is None or asked.country is None:
        return False
    return location_matches(place, asked.city) and country_of(place.raw) == asked.country


def _median_date(days: Sequence[date]) -> date:
    """The middle date (the earlier of the two middle ones for an even count)."""
    ordered = sorted(days)
    return ordered[(len(ordered) - 1) // 2]


def community_band(
    offers: Iterable[CommunityOffer],
    *,
    company: str,
    level: str | None,
    location: str | None,
    as_of: date,
    min_n: int = 5,
    source: str = SOURCE,
    attribution: str = ATTRIBUTION,
) -> EvidenceBand | None:
    """The community band (INR) for a company, level and place at ``as_of``, or None.

    Offers reported after ``as_of`` are left out. With a place, the offers there are used when
    at least ``min_n`` match; else every offer of the company and level (the place unknown or
    elsewhere), graded as a wider match and said so. ``level`` is a level of the company's
    ladder (any spelling the rules know) or a role as written. A component needs ``min_n``
    reporting offers to get percentiles; the band needs ``min_n`` offers.
    """
    name = canonical_company(company)
    pool = [o for o in offers if o.company == name and o.reported_on <= as_of]
    matched: list[tuple[CommunityOffer, bool]] = []
    for offer in pool:
        ok, exactly = _level_matches(offer, level)
        if ok:
            matched.append((offer, exactly))
    notes: list[str] = []
    where = "every place"
    chosen = matched
    if location:
        here = [(o, e) for o, e in matched if _in_place(o.location, location)]
        if len(here) >= min_n:
            chosen, where = here, location
        else:
            notes.append(
                f"only {len(here)} offers name {location}; the band is over every place "
                f"({sum(1 for o, _ in matched if not o.location.raw)} with no place stated)"
            )
    if len(chosen) < min_n:
        return None
    exact_level = all(e for _, e in chosen)
    match: Match = (
        "exact" if exact_level and (where != "every place" or not location) else "company"
    )
    if not exact_level:
        wide = next(o for o, e in chosen if not e)
        span = f"{wide.levels[0]}-{wide.levels[-1]}"
        notes.append(f"the roles cover more than the level asked ({level}): {wide.role} is {span}")
    bases = [o.base for o, _ in chosen if o.base is not None]
    totals = [o.total for o, _ in chosen if o.total is not None]
    base = spread_of(bases) if len(bases) >= min_n else None
    total = spread_of(totals) if len(totals) >= min_n else None
    if base is None and total is None:
        return None
    days = [o.reported_on for o, _ in chosen]
    label = f"{name}{f' {level}' if level else ''}, {where}, community reports (INR)"
    notes.append(
        f"base from {len(bases)} offers, total from {len(totals)}; machine-parsed forum posts"
    )
    return evidence_band(
        source=source,
        kind="community",
        label=label,
        currency="INR",
        n=len(chosen),
        n_means="offers reported",
        reference_date=_median_date(days),
        as_of=as_of,
        match=match,
        base=base,
        total=total,
        first_date=min(days),
        last_date=max(days),
        median_date=_median_date(days),
        notes=tuple(notes),
        attribution=attribution,
    )
