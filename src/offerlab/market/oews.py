"""Official statistics: BLS Occupational Employment and Wage Statistics (OEWS).

OEWS estimates base pay (wages and salaries; no bonus, no stock) of every employer, by
occupation (SOC 2018) and area (the nation, each state, each metropolitan area), from a
survey of establishments. offerlab reads BLS's "all data" layout (CSV, or the xlsx BLS
publishes) and ships a derived table of the tech occupations (``data/market/
oews_may2025_tech.json``, written by ``scripts/derive_oews.py``).

Cells that are not numbers are read as BLS defines them, never as zero:

* ``*`` — not released (too few responses, or not reliable enough): the figure is None and
  the answer says it was not released;
* ``**`` — an employment estimate not available: None;
* ``#`` — a wage at or above BLS's top code: the figure is only a lower bound. When the top
  code of the release is known it is shown as "at least" that amount (``Spread.at_least``);
  otherwise the figure is None and the answer says it is above the top code.

A band from OEWS is ``kind: official``, ``measures: base``; ``n`` is the employment the
estimate covers (not a sample size), and its reliability for the confidence grade is BLS's
relative standard error of the mean wage (``MEAN_PRSE``). It is shown as published, with its
reference date, and never restated.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from offerlab.errors import InputError, Problem, ProblemsError
from offerlab.market.evidence import EvidenceBand, Spread, evidence_band
from offerlab.market.normalize import country_of, parse_location, specialty, title_family
from offerlab.market.tables import Table, check_columns, read_table, rows_of

__all__ = [
    "CROSS_INDUSTRY",
    "DOCUMENT_COLUMNS",
    "LAYOUT",
    "OEWS_FILE",
    "REQUIRED_COLUMNS",
    "Area",
    "Occupation",
    "OewsAnswer",
    "OewsEstimate",
    "OewsParse",
    "OewsTable",
    "area_code",
    "areas_for",
    "occupation_for",
    "oews_bands",
    "oews_document",
    "parse_oews",
    "release_of",
    "shipped_table",
]

LAYOUT: Final = 'BLS OEWS "all data"'
OEWS_FILE: Final = "oews_may2025_tech.json"
#: The columns a file must have (any case); others (hourly wages, JOBS_1000 ...) are ignored.
REQUIRED_COLUMNS: Final = (
    "AREA",
    "AREA_TITLE",
    "AREA_TYPE",
    "NAICS",
    "OCC_CODE",
    "OCC_TITLE",
    "TOT_EMP",
    "A_MEAN",
    "A_PCT10",
    "A_PCT25",
    "A_MEDIAN",
    "A_PCT75",
    "A_PCT90",
)
#: Cross-industry: every employer (private, federal, state and local government).
CROSS_INDUSTRY: Final = "000000"
_WAGES: Final = {
    "A_PCT10": "p10",
    "A_PCT25": "p25",
    "A_MEDIAN": "p50",
    "A_PCT75": "p75",
    "A_PCT90": "p90",
}
_NOT_RELEASED: Final = frozenset({"*", "**"})
_TOP_CODED: Final = "#"
_SOC: Final = re.compile(r"^\d{2}-\d{4}$")


@dataclass(frozen=True, slots=True)
class OewsEstimate:
    """One published estimate: an occupation in an area (and industry), yearly USD.

    ``wages`` maps p10..p90 to the annual figure (None: not released or above an unknown top
    code). ``top_coded``/``not_released`` name the fields (``mean``, ``p10`` ...) BLS marked
    ``#``/``*``. RSEs are percent.
    """

    area: str
    area_title: str
    area_type: int
    naics: str
    occ_code: str
    occ_title: str
    employment: int | None
    employment_rse_pct: Decimal | None
    mean: Decimal | None
    mean_rse_pct: Decimal | None
    wages: Mapping[str, Decimal | None]
    top_coded: tuple[str, ...] = ()
    not_released: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OewsParse:
    """A parsed OEWS file: its estimates and counts of what was read."""

    estimates: tuple[OewsEstimate, ...]
    rows_read: int
    cross_industry: int
    not_released_cells: int
    top_coded_cells: int
    kind: str


def area_code(raw: str, area_type: int) -> str:
    """An OEWS area code in seven digits: BLS's all-data files write the nation as ``99``, a
    state as its two-digit FIPS code and a metro as five digits; the series codes (and the
    shipped table) pad them: ``0000000``, ``5300000``, ``0042660``."""
    text = raw.strip()
    if len(text) == 7:
        return text
    if area_type == 1:
        return "0000000"
    if area_type == 2:
        return text.zfill(2) + "00000"
    return text.zfill(7)


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite():
        raise InvalidOperation(text)
    return value


@dataclass
class _Row:
    """Reads one row's cells, collecting problems with their column."""

    source: str
    line: int
    problems: list[Problem] = field(default_factory=list)

    def text(self, cells: Mapping[str, str], name: str) -> str:
        return cells.get(name, "").strip()

    def number(self, value: str, name: str) -> Decimal | None:
        if value == "":
            return None
        try:
            return _decimal(value)
        except (InvalidOperation, ValueError):
            self.problems.append(
                Problem(
                    self.source,
                    f"line {self.line}, {name}",
                    f"{value!r} is not a number",
                    "a number, * (not released), ** (not available) or # (top-coded)",
                )
            )
            return None


def _estimate(
    cells: Mapping[str, str], reader: _Row, top_code: Decimal | None
) -> OewsEstimate | None:
    area_type_text = reader.text(cells, "AREA_TYPE")
    occ = reader.text(cells, "OCC_CODE")
    before = len(reader.problems)
    if not area_type_text.isdigit():
        reader.problems.append(
            Problem(
                reader.source,
                f"line {reader.line}, AREA_TYPE",
                f"{area_type_text!r} is not an area type",
                "1 (national), 2 (state), 3 (territory), 4 (metro) or 6 (nonmetro)",
            )
        )
    if not _SOC.match(occ):
        reader.problems.append(
            Problem(
                reader.source,
                f"line {reader.line}, OCC_CODE",
                f"{occ!r} is not a SOC code",
                "a code such as 15-1252",
            )
        )
    top_coded: list[str] = []
    not_released: list[str] = []

    def wage(name: str, key: str) -> Decimal | None:
        value = reader.text(cells, name)
        if value in _NOT_RELEASED:
            not_released.append(key)
            return None
        if value == _TOP_CODED:
            top_coded.append(key)
            return top_code
        return reader.number(value, name)

    def plain(name: str) -> Decimal | None:
        value = reader.text(cells, name)
        return None if value in _NOT_RELEASED or value == "~" else reader.number(value, name)

    mean = wage("A_MEAN", "mean")
    wages = {key: wage(name, key) for name, key in _WAGES.items()}
    employment = plain("TOT_EMP")
    if len(reader.problems) > before:
        return None
    area_type = int(area_type_text)
    return OewsEstimate(
        area=area_code(reader.text(cells, "AREA"), area_type),
        area_title=reader.text(cells, "AREA_TITLE"),
        area_type=area_type,
        naics=reader.text(cells, "NAICS"),
        occ_code=occ,
        occ_title=reader.text(cells, "OCC_TITLE"),
        employment=int(employment) if employment is not None else None,
        employment_rse_pct=plain("EMP_PRSE"),
        mean=mean,
        mean_rse_pct=plain("MEAN_PRSE"),
        wages=wages,
        top_coded=tuple(top_coded),
        not_released=tuple(not_released),
    )


def parse_oews(path: str | Path, top_code: Decimal | None = None) -> OewsParse:
    """Every estimate in an OEWS file in BLS's "all data" layout (CSV or xlsx).

    ``top_code``: the release's annual top code, when known (a ``#`` cell is then "at least"
    it). A file of another layout names the columns expected and found; any bad row fails the
    whole parse, every bad row listed with its line and column.
    """
    table: Table = read_table(path, REQUIRED_COLUMNS, f"{LAYOUT} file")
    check_columns(table, REQUIRED_COLUMNS, LAYOUT)
    source = str(table.path)
    estimates: list[OewsEstimate] = []
    problems: list[Problem] = []
    width = len(table.header)
    for row, cells in rows_of(table):
        reader = _Row(source, row.line)
        if table.kind == "csv" and len(row.cells) != width:
            problems.append(
                Problem(
                    source,
                    f"line {row.line}",
                    f"has {len(row.cells)} fields",
                    f"{width}, as the header has",
                )
            )
            continue
        found = _estimate(cells, reader, top_code)
        problems.extend(reader.problems)
        if found is not None:
            estimates.append(found)
    if problems:
        raise ProblemsError(
            problems, summary=f"{table.path.name}: {len(problems)} bad values; nothing was read"
        )
    return OewsParse(
        estimates=tuple(estimates),
        rows_read=len(table.rows),
        cross_industry=sum(1 for e in estimates if e.naics == CROSS_INDUSTRY),
        not_released_cells=sum(len(e.not_released) for e in estimates),
        top_coded_cells=sum(len(e.top_coded) for e in estimates),
        kind=table.kind,
    )


# --- derived documents (the shipped table, and imported files) ----------------------------------

#: The columns of a derived document's rows.
DOCUMENT_COLUMNS: Final = (
    "area",
    "occ",
    "tot_emp",
    "emp_prse",
    "a_mean",
    "mean_prse",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
)
ALL_OCCUPATIONS: Final = "00-0000"
_MAY: Final = re.compile(r"(?:^|[^0-9])(?:m_?|may[ _-]?)(20\d\d)(?:[^0-9]|$)", re.IGNORECASE)
_OESM: Final = re.compile(r"oesm(\d\d)", re.IGNORECASE)


def release_of(*names: str) -> tuple[str, date] | None:
    """The May release a file's name (or a source name) says it is: ``all_data_M_2025.xlsx``,
    ``oesm25all``, ``BLS OEWS May 2025`` -> ("May 2025", 2025-05-12: the pay period that
    includes 12 May is the survey's reference). None when no name says."""
    for name in names:
        found = _MAY.search(name)
        year = int(found.group(1)) if found else None
        if year is None and (short := _OESM.search(name)):
            year = 2000 + int(short.group(1))
        if year is not None:
            return f"May {year}", date(year, 5, 12)
    return None


def _cell_out(value: Decimal | None, key: str, estimate: OewsEstimate) -> Any:
    if key in estimate.top_coded:
        return _TOP_CODED
    if key in estimate.not_released:
        return "*"
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else str(value)


def _plain_out(value: Decimal | None) -> Any:
    if value is None:
        return "*"
    return int(value) if value == value.to_integral_value() else str(value)


def oews_document(parsed: OewsParse, head: Mapping[str, Any], file: str) -> dict[str, Any]:
    """The derived document of a parsed file: ``head`` (source, title, release_label,
    reference_date, published, attribution, ...) and every cross-industry estimate but All
    Occupations, as published, sorted by area and occupation."""
    kept = sorted(
        (
            e
            for e in parsed.estimates
            if e.naics == CROSS_INDUSTRY and e.occ_code != ALL_OCCUPATIONS
        ),
        key=lambda e: (e.area, e.occ_code),
    )
    areas = {e.area: [e.area_title, e.area_type] for e in kept}
    occupations = {e.occ_code: e.occ_title for e in sorted(kept, key=lambda e: e.occ_code)}
    rows = [
        [
            e.area,
            e.occ_code,
            _plain_out(Decimal(e.employment) if e.employment is not None else None),
            _plain_out(e.employment_rse_pct),
            _cell_out(e.mean, "mean", e),
            _plain_out(e.mean_rse_pct),
            *(_cell_out(e.wages[k], k, e) for k in ("p10", "p25", "p50", "p75", "p90")),
        ]
        for e in kept
    ]
    return {
        **head,
        "file": file,
        "rows_read": parsed.rows_read,
        "method": (
            f"the {len(rows):,} cross-industry estimates (NAICS {CROSS_INDUSTRY}) of "
            f"{len(occupations)} occupations in {len(areas)} areas, as published"
        ),
        "areas": dict(sorted(areas.items())),
        "occupations": occupations,
        "columns": list(DOCUMENT_COLUMNS),
        "rows": rows,
    }


# --- the shipped table -------------------------------------------------------------------------


class OewsTable:
    """A derived OEWS table: cross-industry estimates by (area code, SOC code), with where it
    comes from. ``reference_date`` is the survey's reference pay period (BLS: the pay period
    that includes the 12th of May); ``published`` the release date.

    Built from the shipped document (:func:`table_from_document`); an estimate is made from its
    row only when asked for, so loading the table costs one JSON parse."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        top_code = document.get("top_code_annual")
        self.source: str = document["source"]
        self.title: str = document["title"]
        self.release_label: str = document["release_label"]
        self.reference_date = date.fromisoformat(document["reference_date"])
        published = document.get("published")
        #: The release date, when known (an imported file does not state it).
        self.published = date.fromisoformat(published) if published else None
        self.publisher: str = document["publisher"]
        self.licence: str = document["licence"]
        self.notice: str = document["notice"]
        self.attribution: str = document["attribution"]
        self.top_code = Decimal(str(top_code)) if top_code is not None else None
        self._areas: dict[str, list[Any]] = document["areas"]
        self._occupations: dict[str, str] = document["occupations"]
        self._columns: list[str] = document["columns"]
        self._rows: dict[tuple[str, str], list[Any]] = {
            (row[0], row[1]): row for row in document["rows"]
        }

    def __len__(self) -> int:
        return len(self._rows)

    def keys(self) -> list[tuple[str, str]]:
        """Every (area code, SOC code) of the table, in the file's order."""
        return list(self._rows)

    def get(self, area: str, occ_code: str) -> OewsEstimate | None:
        row = self._rows.get((area, occ_code))
        return None if row is None else self._estimate(row)

    def area_by_title(self, title: str) -> str | None:
        """The code of the area whose title is ``title`` (e.g. a state's name)."""
        for code, (name, _) in self._areas.items():
            if name == title:
                return code
        return None

    def _estimate(self, values: list[Any]) -> OewsEstimate:
        row = dict(zip(self._columns, values, strict=True))
        top_coded: list[str] = []
        not_released: list[str] = []

        def wage(name: str, key: str) -> Decimal | None:
            value = _cell(row[name])
            if value == _TOP_CODED:
                top_coded.append(key)
                return self.top_code
            if isinstance(value, str):
                not_released.append(key)
                return None
            return value

        def plain(name: str) -> Decimal | None:
            value = _cell(row[name])
            return None if isinstance(value, str) else value

        title, area_type = self._areas[row["area"]]
        mean = wage("a_mean", "mean")
        wages = {key: wage(key, key) for key in ("p10", "p25", "p50", "p75", "p90")}
        employment = plain("tot_emp")
        return OewsEstimate(
            area=row["area"],
            area_title=title,
            area_type=int(area_type),
            naics=CROSS_INDUSTRY,
            occ_code=row["occ"],
            occ_title=self._occupations[row["occ"]],
            employment=int(employment) if employment is not None else None,
            employment_rse_pct=plain("emp_prse"),
            mean=mean,
            mean_rse_pct=plain("mean_prse"),
            wages=wages,
            top_coded=tuple(top_coded),
            not_released=tuple(not_released),
        )


def _cell(value: Any) -> Decimal | str | None:
    """A shipped cell: None, a marker (``*``, ``**``, ``#``) or a number as Decimal."""
    if value is None or (isinstance(value, str) and value in {*_NOT_RELEASED, _TOP_CODED}):
        return None if value is None else str(value)
    return Decimal(str(value))


def table_from_document(document: Mapping[str, Any]) -> OewsTable:
    """An :class:`OewsTable` from the shipped JSON document (see ``scripts/derive_oews.py``)."""
    return OewsTable(document)


@cache
def shipped_table() -> OewsTable:
    """The OEWS May 2025 tech table shipped in the package (read once, on first use)."""
    text = resources.files("offerlab.data").joinpath("market", OEWS_FILE).read_text("utf-8")
    return table_from_document(json.loads(text))


# --- titles and areas --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Occupation:
    """The SOC occupation a title maps to (``soc`` "" = none on purpose) and why."""

    soc: str
    title: str
    reasoning: str
    assumed: bool = False


@dataclass(frozen=True, slots=True)
class _TitleRule:
    words: tuple[str, ...]
    families: tuple[str, ...]
    occupation: Occupation


@cache
def _title_rules() -> tuple[_TitleRule, ...]:
    text = resources.files("offerlab.data").joinpath("market", "oews_titles.toml").read_text()
    rules = []
    for rule in tomllib.loads(text)["rules"]:
        rules.append(
            _TitleRule(
                tuple(w.casefold() for w in rule.get("words", [])),
                tuple(rule.get("families", [])),
                Occupation(rule["soc"], rule["occupation"], rule["reasoning"]),
            )
        )
    return tuple(rules)


_WORD: Final = re.compile(r"[a-z0-9]+")


def occupation_for(title: str | None, tag: str | None = None) -> Occupation:
    """The OEWS occupation for an offer title (``data/market/oews_titles.toml``).

    Without a title, the specialty (``tag``) decides when it names one (``ML / AI`` -> the ML
    family); else Software Developers is assumed (``assumed``, and the answer says so). A
    title no rule matches is an InputError naming the data file to extend.
    """
    if title is None or not title.strip():
        family = "ML/AI Engineer" if tag is not None and specialty(tag) == "ML / AI" else None
        for rule in _title_rules():
            if family is not None and family in rule.families:
                return rule.occupation
        software = next(r for r in _title_rules() if "Software Engineer" in r.families)
        return Occupation(
            software.occupation.soc,
            software.occupation.title,
            "no title given: " + software.occupation.reasoning,
            assumed=True,
        )
    words = set(_WORD.findall(title.casefold()))
    family = title_family(title)
    for rule in _title_rules():
        if rule.words and all(w in words for w in rule.words):
            return rule.occupation
        if family is not None and family in rule.families:
            return rule.occupation
    raise InputError(
        f"no OEWS occupation for the title {title!r}: add a rule to "
        "src/offerlab/data/market/oews_titles.toml (its words or its family in titles.toml)",
        option="--title",
    )


@dataclass(frozen=True, slots=True)
class Area:
    """An OEWS area for a place: its code and title, and why it was chosen."""

    code: str
    title: str
    reasoning: str


@dataclass(frozen=True, slots=True)
class _AreaRules:
    by_city: Mapping[str, Area]  # "city, st" (case-folded) -> area
    by_city_name: Mapping[str, Area]  # "city" alone, when only one listed city has the name
    by_metro: Mapping[str, tuple[Area, ...]]


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _area_rules() -> _AreaRules:
    text = resources.files("offerlab.data").joinpath("market", "oews_areas.toml").read_text()
    by_city: dict[str, Area] = {}
    names: dict[str, list[Area]] = {}
    by_metro: dict[str, list[Area]] = {}
    for item in tomllib.loads(text)["areas"]:
        area = Area(item["code"], item["title"], item["reasoning"])
        for city in item.get("cities", []):
            by_city[_key(city)] = area
            names.setdefault(_key(city.split(",")[0]), []).append(area)
        for metro in item.get("metros", []):
            by_metro.setdefault(metro, []).append(area)
    return _AreaRules(
        by_city,
        {name: found[0] for name, found in names.items() if len(found) == 1},
        {metro: tuple(found) for metro, found in by_metro.items()},
    )


@dataclass(frozen=True, slots=True)
class _Placed:
    areas: tuple[Area, ...]
    state: str | None  # a US state code, for the state-wide fallback
    national: bool
    outside: str | None  # a place outside the US
    note: str


def areas_for(location: str | None) -> _Placed:
    """Where an offer location lies in OEWS (``data/market/oews_areas.toml``): its areas, or
    its state (a US place in no listed area), or the nation; or outside the US."""
    if location is None or not location.strip():
        return _Placed((), None, True, None, "no location given: national figures")
    place = parse_location(location)
    rules = _area_rules()
    if place.country not in (None, "United States"):
        return _Placed((), None, False, place.country, "")
    if place.city is not None:
        key = f"{place.city}, {place.region}" if place.region else place.city
        area = rules.by_city.get(_key(key))
        if area is None and place.region is None:
            area = rules.by_city_name.get(_key(place.city))
        if area is not None:
            return _Placed((area,), None, False, None, "")
    if place.metro is not None:
        found = rules.by_metro.get(place.metro)
        if found:
            return _Placed(found, None, False, None, "")
        country = country_of(location)
        if country not in (None, "United States"):
            return _Placed((), None, False, country, "")
    if place.region is not None and place.country == "United States":
        where = f"{place.city}, {place.region}" if place.city else place.region
        note = (
            f"{where} is in no OEWS metro area of data/market/oews_areas.toml: state-wide figures"
            " (extend that file to place it)"
            if place.city
            else f"{where}: state-wide figures"
        )
        return _Placed((), place.region, False, None, note)
    if place.country == "United States":
        return _Placed((), None, True, None, "the United States: national figures")
    raise InputError(
        f"cannot place {location!r} in an OEWS area: add the city to "
        "src/offerlab/data/market/oews_areas.toml (or its metro to locations.toml), or write "
        "it as 'City, ST'",
        option="--location",
    )


# --- bands -------------------------------------------------------------------------------------


@cache
def _state_names() -> dict[str, str]:
    text = resources.files("offerlab.data").joinpath("market", "locations.toml").read_text()
    return {str(k): str(v) for k, v in tomllib.loads(text)["us_states"].items()}


@dataclass(frozen=True, slots=True)
class OewsAnswer:
    """The official bands for a query, and notes (why none, what was assumed)."""

    bands: tuple[EvidenceBand, ...]
    notes: tuple[str, ...]


def _money(value: Decimal) -> str:
    return f"{value:,.0f}"


def estimate_band(
    table: OewsTable,
    estimate: OewsEstimate,
    *,
    as_of: date,
    names_company: bool,
    extra_notes: Iterable[str] = (),
) -> EvidenceBand | None:
    """One estimate as an evidence band (None when BLS released no median)."""
    wages = estimate.wages
    at_least = tuple(k for k in estimate.top_coded if k != "mean" and wages.get(k) is not None)
    base = Spread(
        p10=wages.get("p10"),
        p25=wages.get("p25"),
        p50=wages.get("p50"),
        p75=wages.get("p75"),
        p90=wages.get("p90"),
        at_least=at_least,
    )
    if base.p50 is None and "p50" not in estimate.top_coded:
        return None
    notes = list(extra_notes)
    for key in estimate.top_coded:
        value = wages.get(key) if key != "mean" else estimate.mean
        if value is not None:
            notes.append(
                f"{key} is top-coded: at least {_money(value)} (BLS publishes no figure at or "
                "above its top code)"
            )
        else:
            notes.append(f"{key} is at or above BLS's top code, whose amount is not known here")
    if estimate.not_released:
        notes.append(f"not released by BLS: {', '.join(estimate.not_released)}")
    if estimate.mean is not None:
        notes.append(f"mean {_money(estimate.mean)}")
    if table.published is not None and as_of < table.published:
        notes.append(
            f"published {table.published.isoformat()}, after the as-of date {as_of.isoformat()}"
        )
    where = estimate.area_title
    label = f"{estimate.occ_title}, all employers, {where}, base pay, {table.release_label}"
    return evidence_band(
        source=table.source,
        kind="official",
        label=label,
        currency="USD",
        n=estimate.employment,
        n_means="employment the estimate covers (not a sample size)",
        reference_date=table.reference_date,
        as_of=as_of,
        match="occupation" if names_company else "exact",
        base=base,
        total=None,
        rse_pct=estimate.mean_rse_pct,
        notes=tuple(notes),
        attribution=f"{table.attribution} {table.notice}",
    )


def oews_bands(
    *,
    title: str | None,
    tag: str | None,
    location: str | None,
    as_of: date,
    names_company: bool,
    table: OewsTable | None = None,
) -> OewsAnswer:
    """The OEWS bands for an offer's title and location at ``as_of``.

    One band per OEWS area the location lies in (two for a metro that spans two areas), the
    state's when the place is in no listed metro, the nation's without a place; none outside
    the US. ``names_company``: the query names a company, so an occupation-wide band is a
    loose fit (graded so).
    """
    data = table or shipped_table()
    occupation = occupation_for(title, tag)
    if not occupation.soc:
        return OewsAnswer((), (f"no OEWS band for {title!r}: {occupation.reasoning}",))
    notes: list[str] = []
    if occupation.assumed:
        notes.append(f"no title given: {occupation.title} ({occupation.soc}) assumed")
    placed = areas_for(location)
    if placed.outside is not None:
        note = f"no OEWS band: OEWS covers only the United States ({location}: {placed.outside})"
        return OewsAnswer((), (note,))
    codes: list[tuple[str, str]] = [(a.code, "") for a in placed.areas]
    if placed.state is not None:
        name = _state_names().get(placed.state, placed.state)
        code = data.area_by_title(name)
        if code is not None:
            codes.append((code, placed.note))
    elif placed.national:
        codes.append(("0000000", placed.note))
    bands: list[EvidenceBand] = []
    for code, note in codes:
        estimate = data.get(code, occupation.soc)
        if estimate is None:
            notes.append(f"the OEWS table has no {occupation.title} estimate for area {code}")
            continue
        found = estimate_band(
            data,
            estimate,
            as_of=as_of,
            names_company=names_company,
            extra_notes=[n for n in (note,) if n],
        )
        if found is None:
            notes.append(
                f"BLS released no median for {estimate.occ_title} in {estimate.area_title}"
            )
        else:
            bands.append(found)
    return OewsAnswer(tuple(bands), tuple(notes))
