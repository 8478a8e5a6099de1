"""Market cells on the SQL record store: computed at import, read by bands queries.

**What a cell is** (:mod:`offerlab.store.cell_models`): the records of one company in one
currency, narrowed or not by level, specialty and place, with the numbers a bands query
computes over them. Each query dimension is matched the way
:meth:`offerlab.store.MarketRepository.where` matches it, so a cell holds exactly the records
that query would select:

* **level**: a record is in the cell of its level as the maps place it, and in the cell of its
  level as reported (``--level L62`` and ``--level 62`` select the same records; an unplaced
  ``--level Staff`` selects the records reported as ``Staff``). Records without a level are in
  "every level" only.
* **specialty**: likewise the specialty of its tag and title, and its tag as reported.
* **place**: every city, metro, region and country of the normalised locations is a place, with
  the set of reported locations in it. A query's ``--location`` is resolved to the reported
  locations it names (the same rules as ever); when that set is a place's set, the cell of
  that place answers. A set that is no place's (a name that is two cities) is answered from
  the records, as before.

A query that no cell can answer exactly (``--title``, ``--source``, ``--as-of`` restating each
record, ``--since``/``--until`` that leave out some of a cell's records, records in several
currencies) reads the records as before.

**When cells are computed**: inside the import's transaction, for the companies the file
touched (:mod:`offerlab.store.cell_refresh`, where DuckDB loads).

**How a query finds its cell** (:class:`CellReader`): one primary-key read, which also returns
the cells' generation. A process keeps its place lookups (a ``--location`` text -> a place)
for one generation and drops them when a read shows the generation moved on. The read takes
the cell in every currency at once, so a repository that serves one query (a web request, a
CLI command: ``MarketRepository(store, per_query=True)``) answers the same cell asked again
(with a currency, a date range) from that read (:data:`CellRows`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import Connection, Engine, text

from offerlab.market.normalize import Location, location_matches
from offerlab.market.ports import RecordSummary
from offerlab.market.stats import COMPONENTS, PERCENTILES
from offerlab.store.cell_models import CELL_COMPONENT_COLUMNS
from offerlab.store.database import read_engine

__all__ = [
    "CELL_COLUMNS",
    "PLACE_KINDS",
    "CellAnswer",
    "CellKey",
    "CellReader",
    "CellRows",
    "Place",
    "cells_computed",
    "matching_locations",
    "members_digest",
    "places_of",
]

#: The kinds of place a cell can be for, in the order a place's label names them.
PLACE_KINDS: Final = ("city-name", "city", "metro", "region", "country")
#: The columns of ``market_cells`` in table order (the refresh writes them in this order).
CELL_COLUMNS: Final = (
    "company",
    "level",
    "specialty",
    "place",
    "currency",
    "n",
    "n_dated",
    *(f"{c}_{p}" for c in COMPONENTS for p in CELL_COMPONENT_COLUMNS),
    "first_date",
    "last_date",
    "median_date",
    "source_ids",
)
#: How many ``--location`` texts a process remembers the place of.
PLACE_CACHE: Final = 4096


# --- places ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A city, metro, region or country and the reported locations in it."""

    key: str
    kind: str
    label: str
    members: tuple[str, ...]

    @property
    def digest(self) -> str:
        return members_digest(self.members)


def members_digest(raws: Iterable[str]) -> str:
    """SHA-256 of a set of reported locations (sorted, as JSON, so no text is ambiguous)."""
    listed = json.dumps(sorted(set(raws)), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(listed.encode("utf-8")).hexdigest()


def places_of(
    rows: Iterable[tuple[str, str | None, str | None, str | None, str | None]],
) -> list[Place]:
    """The places of the normalised locations ``(raw, city, region, country, metro)``: each
    city name (in any region), city (with its region and country), metro, region (with its
    country) and country, with the reported locations in it. The empty location (none
    reported) is in no place."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for raw, city, region, country, metro in rows:
        if raw == "":
            continue
        if city:
            # A bare city name selects that name in every region ("Redmond": WA's and UT's).
            groups.setdefault(("city-name", city), []).append(raw)
            groups.setdefault(("city", city, region or "", country or ""), []).append(raw)
        if metro:
            groups.setdefault(("metro", metro), []).append(raw)
        if region:
            groups.setdefault(("region", region, country or ""), []).append(raw)
        if country:
            groups.setdefault(("country", country), []).append(raw)
    out = []
    for parts, members in sorted(groups.items()):
        key = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
        label = f"{parts[0]}: " + ", ".join(p for p in parts[1:] if p)
        out.append(Place(key, parts[0], label, tuple(sorted(members))))
    return out


def matching_locations(
    rows: Iterable[tuple[str, str | None, str | None, str | None, str | None]], query: str
) -> list[str]:
    """The reported locations (``(raw, city, region, country, metro)`` rows) that ``query``
    names: a city, metro, region or country (the rules of
    :func:`~offerlab.market.normalize.location_matches`)."""
    return sorted(
        raw
        for raw, city, region, country, metro in rows
        if location_matches(Location(raw, city, region, country, metro), query)
    )


# --- computing the cells -----------------------------------------------------------------------


# --- reading a cell ----------------------------------------------------------------------------


def cells_computed(conn: Connection) -> bool:
    """Whether the cells were ever computed (the state row exists)."""
    row = conn.execute(text("SELECT generation FROM market_cell_state WHERE id = 1")).first()
    return row is not None


@dataclass(frozen=True, slots=True)
class CellKey:
    """What a query asks for, as the cells are keyed: ``""`` is "every". ``location`` is the
    query's place as typed (resolved to a place by the reader)."""

    company: str
    level: str
    specialty: str
    location: str | None
    currency: str | None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class CellAnswer:
    """The cells' answer to a query: the summary, or None when no record matches; and the
    generation of the cells it was read from."""

    summary: RecordSummary | None
    generation: int


#: The place of a --location that names no reported location: no place key looks like it
#: (keys are hex digits).
_NOTHING: Final = "-nothing-"

#: Cells read for one query: (company, level, specialty, ``--location`` as typed) -> the
#: generation they were read at and the cell of that key in each currency (as column dicts).
CellRows = dict[tuple[str, str, str, str | None], tuple[int, list[dict[str, Any]]]]


class CellReader:
    """Reads cells for one engine, remembering place lookups for the current generation.

    Thread-safe: the web app's worker threads share one reader.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = read_engine(engine)
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._digests: dict[str, str] = {}
        self._locations: list[tuple[str, str | None, str | None, str | None, str | None]] = []
        self._resolved: OrderedDict[str, str | None] = OrderedDict()
        self._remembered: dict[str, tuple[int, list[Any]]] = {}
        # The cell read, in the driver's own parameter style: it runs on the driver's cursor
        # (SQLAlchemy's result machinery would cost more than the read itself).
        mark = "%s" if self.engine.dialect.paramstyle in ("format", "pyformat") else "?"
        self._cell_sql = (
            f"SELECT s.generation, {', '.join('c.' + c for c in CELL_COLUMNS)} "
            "FROM market_cell_state s LEFT JOIN market_cells c "
            f"ON c.company = {mark} AND c.level = {mark} AND c.specialty = {mark} "
            f"AND c.place = {mark} WHERE s.id = 1"
        )

    def remembered(self, what: str, generation: int) -> list[Any] | None:
        """What was remembered as ``what`` (``"sources"``, ``"official"``) for ``generation``
        (None: nothing remembered for it)."""
        with self._lock:
            found = self._remembered.get(what)
            if found is not None and found[0] == generation:
                return list(found[1])
        return None

    def remember(self, what: str, generation: int, values: list[Any]) -> None:
        """Remember ``values`` as ``what`` was at ``generation``. Every import (of records,
        community reports, filings or an official table) adds its source and raises the
        generation in one transaction, so the sources and the official tables read after
        seeing a generation are those of every cell of it."""
        with self._lock:
            self._remembered[what] = (generation, list(values))

    def sources_of(self, generation: int) -> list[Any] | None:
        """The sources remembered for ``generation`` (None: none remembered for it)."""
        return self.remembered("sources", generation)

    def remember_sources(self, generation: int, sources: list[Any]) -> None:
        """Remember the sources as they were at ``generation``."""
        self.remember("sources", generation, sources)

    def forget(self) -> None:
        """Drop what this process remembers (the cells changed)."""
        with self._lock:
            self._generation = None
            self._digests = {}
            self._locations = []
            self._resolved.clear()

    def _load(self, conn: Connection) -> int | None:
        """Read the generation, then the places and locations (a later generation seen at the
        cell read makes the caller drop these and come back)."""
        row = conn.execute(text("SELECT generation FROM market_cell_state WHERE id = 1")).first()
        if row is None:
            return None
        digests: dict[str, str] = {}
        for digest, key in conn.execute(
            text("SELECT members_digest, place_key FROM market_places ORDER BY place_key")
        ):
            digests.setdefault(str(digest), str(key))
        locations = [
            tuple(r)
            for r in conn.execute(
                text("SELECT location_raw, city, region, country, metro FROM location_norm")
            )
        ]
        with self._lock:
            self._generation = int(row[0])
            self._digests = digests
            self._locations = locations
            self._resolved.clear()
        return int(row[0])

    def _place(self, location: str) -> str | None:
        """The place key ``location`` names, :data:`_NOTHING` when it names no reported
        location, None when its locations are no place's (the records answer then)."""
        with self._lock:
            if location in self._resolved:
                self._resolved.move_to_end(location)
                return self._resolved[location]
            rows = self._locations
            digests = self._digests
        found = [raw for raw in matching_locations(rows, location) if raw != ""]
        place = _NOTHING if not found else digests.get(members_digest(found))
        with self._lock:
            self._resolved[location] = place
            while len(self._resolved) > PLACE_CACHE:
                self._resolved.popitem(last=False)
        return place

    def answer(self, key: CellKey, seen: CellRows | None = None) -> CellAnswer | None:
        """The cells' answer to ``key``, or None when the records must answer it. ``seen``:
        the cells this query read already (a cell found there is not read again; one read is
        added to it)."""
        lookup = (key.company, key.level, key.specialty, key.location)
        if seen is not None and lookup in seen:
            read_at, read = seen[lookup]
            return _answer(_in_currency(read, key.currency), key, read_at)
        with self.engine.connect() as conn:
            for _ in range(2):
                generation = self._generation
                if generation is None:
                    generation = self._load(conn)
                    if generation is None:
                        return None
                place = ""
                if key.location is not None:
                    found = self._place(key.location)
                    if found is None:
                        return None
                    # Nothing reported there: no cell has that key, and the read below
                    # still checks that this was so at the current generation.
                    place = found
                cursor = conn.connection.cursor()
                try:
                    cursor.execute(self._cell_sql, (key.company, key.level, key.specialty, place))
                    rows = cursor.fetchall()
                finally:
                    cursor.close()
                if not rows:
                    self.forget()
                    return None
                if int(rows[0][0]) != generation:
                    self.forget()
                    continue
                cells = [dict(zip(CELL_COLUMNS, r[1:], strict=True)) for r in rows]
                cells = [c for c in cells if c["company"] is not None]
                if seen is not None:
                    seen[lookup] = (generation, cells)
                return _answer(_in_currency(cells, key.currency), key, generation)
        return None


def _in_currency(cells: list[dict[str, Any]], currency: str | None) -> list[dict[str, Any]]:
    """The cells in ``currency`` (None: every one)."""
    if currency is None:
        return cells
    return [c for c in cells if c["currency"] == currency]


def _answer(cells: list[dict[str, Any]], key: CellKey, generation: int) -> CellAnswer | None:
    if not cells:
        return CellAnswer(None, generation)
    if len(cells) > 1:
        return None  # several currencies: the records say which (an error for a band)
    cell = cells[0]
    dated = cell["n_dated"] == cell["n"]
    first, last = _day(cell["first_date"]), _day(cell["last_date"])
    if key.since is not None and not (dated and first is not None and first >= key.since):
        return None
    if key.until is not None and not (dated and last is not None and last <= key.until):
        return None
    components: dict[str, tuple[int, list[float]]] = {}
    for name in COMPONENTS:
        count = int(cell[f"{name}_n"])
        points = [float(cell[f"{name}_p{p}"]) for p in PERCENTILES] if count else []
        components[name] = (count, points)
    sources = [int(s) for s in str(cell["source_ids"]).split(",") if s]
    return CellAnswer(
        RecordSummary(
            int(cell["n"]),
            components,
            [str(cell["currency"])],
            sources,
            first_date=first,
            last_date=last,
            median_date=_day(cell["median_date"]),
        ),
        generation,
    )


def _day(value: Any) -> date | None:
    """A date column's value (SQLite gives ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
