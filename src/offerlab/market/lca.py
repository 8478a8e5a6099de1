"""H-1B wage filings: the Department of Labor's LCA disclosure files.

An employer that hires on an H-1B (or H-1B1, E-3) visa files a Labor Condition Application
stating the job, the worksite and the wage it will pay; the Office of Foreign Labor
Certification publishes every filing each quarter as a disclosure file (xlsx, and CSV in some
years) on the DOL's performance-data page. offerlab reads the fiscal-2020-onward layout
(``CASE_NUMBER``, ``CASE_STATUS``, ``RECEIVED_DATE``, ``EMPLOYER_NAME``, ``JOB_TITLE``,
``SOC_CODE``, ``WORKSITE_CITY``, ``WORKSITE_STATE``, ``WAGE_RATE_OF_PAY_FROM``,
``WAGE_RATE_OF_PAY_TO``, ``WAGE_UNIT_OF_PAY``, ``PW_WAGE_LEVEL``, and more that are not used).

* Certified cases only: ``Denied``, ``Withdrawn`` and ``Certified - Withdrawn`` (certified,
  then withdrawn by the employer: the job may never have been filled) are counted and left out.
* Part-time positions (``FULL_TIME_POSITION`` ``N``) are counted and left out: their hourly
  wage times a full year would overstate their pay.
* The wage is ``WAGE_RATE_OF_PAY_FROM``, the rate the employer commits to (``..._TO``, the top
  of a range, is kept beside it), annualised by its unit: Year x1, Month x12, Bi-Weekly x26,
  Week x52, Hour x2080 (40 hours x 52 weeks). Yearly USD, base pay only.
* Employer names are normalised with the company rules (``companies.toml``: ``MICROSOFT
  CORPORATION`` -> Microsoft); the worksite is read as ``City, ST``.
* A file of another layout names the columns expected and found; any bad row (a wage that is
  not a number, an unknown unit or status, a date that does not parse, no employer) fails the
  whole file, each listed by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Final

from offerlab.errors import Problem, ProblemsError
from offerlab.market.evidence import EvidenceBand, evidence_band, spread_of
from offerlab.market.normalize import Location, canonical_company, location_matches, parse_location
from offerlab.market.oews import occupation_for
from offerlab.market.records import MarketRecord
from offerlab.market.tables import check_columns, read_table, rows_of

__all__ = [
    "LAYOUT",
    "LEVEL_PREFIX",
    "REQUIRED_COLUMNS",
    "SOURCE",
    "UNIT_FACTORS",
    "LcaParse",
    "WageFiling",
    "filing_from_record",
    "lca_band",
    "parse_lca",
]

LAYOUT: Final = "DOL LCA disclosure (FY2020 onward)"
SOURCE: Final = "DOL LCA disclosure files (H-1B wage filings)"
ATTRIBUTION: Final = (
    "U.S. Department of Labor, Office of Foreign Labor Certification, LCA programs (H-1B, "
    "H-1B1, E-3) disclosure data; public records. The wage is the one the employer filed, not "
    "necessarily the one paid."
)
REQUIRED_COLUMNS: Final = (
    "CASE_NUMBER",
    "CASE_STATUS",
    "RECEIVED_DATE",
    "EMPLOYER_NAME",
    "JOB_TITLE",
    "SOC_CODE",
    "WORKSITE_CITY",
    "WORKSITE_STATE",
    "WAGE_RATE_OF_PAY_FROM",
    "WAGE_RATE_OF_PAY_TO",
    "WAGE_UNIT_OF_PAY",
    "PW_WAGE_LEVEL",
)
#: Periods of a wage unit in a year.
UNIT_FACTORS: Final[Mapping[str, Decimal]] = {
    "year": Decimal(1),
    "month": Decimal(12),
    "bi-weekly": Decimal(26),
    "week": Decimal(52),
    "hour": Decimal(2080),
}
_STATUSES: Final = {
    "certified": "certified",
    "certified-withdrawn": "certified-withdrawn",
    "denied": "denied",
    "withdrawn": "withdrawn",
}
_DATE_FORMATS: Final = ("%Y-%m-%d", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%d-%b-%y")
_SOC: Final = re.compile(r"^(\d{2}-\d{4})(?:\.\d{2})?$")


@dataclass(frozen=True, slots=True)
class WageFiling:
    """One certified filing: the employer, the job, the worksite and the yearly wage (USD)."""

    line: int
    case_number: str
    received_on: date
    employer_raw: str
    company: str
    job_title: str
    soc_code: str
    worksite: Location
    wage_level: str
    wage: Decimal
    wage_to: Decimal | None
    unit: str
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class LcaParse:
    """The certified filings read and where every other row went."""

    filings: tuple[WageFiling, ...]
    rows_read: int
    statuses: Mapping[str, int]
    part_time_dropped: int
    kind: str

    def report(self) -> dict[str, object]:
        return {
            "rows_read": self.rows_read,
            "certified_kept": len(self.filings),
            "by_status": dict(self.statuses),
            "part_time_dropped": self.part_time_dropped,
        }


def _status(text: str) -> str | None:
    key = re.sub(r"\s*-\s*", "-", text.strip().casefold())
    return _STATUSES.get(key)


def _date(text: str) -> date | None:
    value = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _money(text: str) -> Decimal | None:
    value = text.strip().replace("$", "").replace(",", "").strip()
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite():
        raise ValueError(text)
    return amount


def parse_lca(path: str | Path) -> LcaParse:
    """The certified full-time filings of an LCA disclosure file (CSV or xlsx)."""
    table = read_table(path, REQUIRED_COLUMNS, f"{LAYOUT} file")
    check_columns(table, REQUIRED_COLUMNS, LAYOUT)
    source = str(table.path)
    problems: list[Problem] = []
    filings: list[WageFiling] = []
    statuses: dict[str, int] = {}
    part_time = 0
    width = len(table.header)
    for row, cells in rows_of(table):
        where = f"line {row.line}"

        def bad(column: str, message: str, expected: str = "", where: str = where) -> None:
            problems.append(Problem(source, f"{where}, {column}", message, expected))

        if table.kind == "csv" and len(row.cells) != width:
            problems.append(
                Problem(source, where, f"has {len(row.cells)} fields", f"{width}, as the header")
            )
            continue
        status = _status(cells["CASE_STATUS"])
        if status is None:
            bad(
                "CASE_STATUS",
                f"{cells['CASE_STATUS']!r} is not a case status",
                "Certified, Certified - Withdrawn, Denied or Withdrawn",
            )
            continue
        statuses[status] = statuses.get(status, 0) + 1
        if status != "certified":
            continue
        if cells.get("FULL_TIME_POSITION", "").strip().upper() == "N":
            part_time += 1
            continue
        before = len(problems)
        received = _date(cells["RECEIVED_DATE"])
        if received is None:
            bad("RECEIVED_DATE", f"{cells['RECEIVED_DATE']!r} is not a date", "a date")
        employer = cells["EMPLOYER_NAME"].strip()
        if not employer:
            bad("EMPLOYER_NAME", "is empty", "the employer's name")
        unit = cells["WAGE_UNIT_OF_PAY"].strip().casefold()
        if unit not in UNIT_FACTORS:
            bad(
                "WAGE_UNIT_OF_PAY",
                f"{cells['WAGE_UNIT_OF_PAY']!r} is not a unit of pay",
                "Year, Month, Bi-Weekly, Week or Hour",
            )
        wages: dict[str, Decimal | None] = {}
        for column in ("WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO"):
            try:
                wages[column] = _money(cells[column])
            except ValueError:
                bad(column, f"{cells[column]!r} is not a wage", "an amount such as 150000.00")
        wage_from = wages.get("WAGE_RATE_OF_PAY_FROM")
        if "WAGE_RATE_OF_PAY_FROM" in wages and (wage_from is None or wage_from <= 0):
            bad("WAGE_RATE_OF_PAY_FROM", "is empty or not more than 0", "the wage offered")
        soc = _SOC.match(cells["SOC_CODE"].strip())
        if soc is None:
            bad("SOC_CODE", f"{cells['SOC_CODE']!r} is not a SOC code", "a code such as 15-1252")
        if len(problems) > before or wage_from is None or received is None or soc is None:
            continue
        factor = UNIT_FACTORS[unit]
        wage_to = wages.get("WAGE_RATE_OF_PAY_TO")
        city, state = cells["WORKSITE_CITY"].strip(), cells["WORKSITE_STATE"].strip()
        filings.append(
            WageFiling(
                line=row.line,
                case_number=cells["CASE_NUMBER"].strip(),
                received_on=received,
                employer_raw=employer,
                company=canonical_company(employer),
                job_title=" ".join(cells["JOB_TITLE"].split()),
                soc_code=soc.group(1),
                worksite=parse_location(f"{city.title()}, {state}" if state else city.title()),
                wage_level=cells["PW_WAGE_LEVEL"].strip(),
                wage=wage_from * factor,
                wage_to=wage_to * factor if wage_to else None,
                unit=unit,
            )
        )
    if problems:
        raise ProblemsError(
            problems,
            summary=f"{table.path.name}: {len(problems)} bad row value"
            f"{'s' if len(problems) != 1 else ''}; nothing was read",
        )
    return LcaParse(tuple(filings), len(table.rows), statuses, part_time, table.kind)


#: How a filing's prevailing-wage level is kept in a stored record's ``level_raw`` (it is not
#: a company level, so it must not be read as one); the importer writes it so.
LEVEL_PREFIX: Final = "wage level "


def filing_from_record(record: MarketRecord) -> WageFiling:
    """A stored filing (imported from this format) as it was: the SOC code is the record's
    ``tag_raw``, the wage its base."""
    if record.base is None or record.reported_on is None:
        raise ValueError(f"a filing of {record.company_raw} has no wage or date")
    level = record.level_raw or ""
    return WageFiling(
        line=0,
        case_number=record.external_id or "",
        received_on=record.reported_on,
        employer_raw=record.company_raw,
        company=record.company,
        job_title=record.title_raw or "",
        soc_code=record.tag_raw or "",
        worksite=record.location,
        wage_level=level.removeprefix(LEVEL_PREFIX),
        wage=record.base,
        wage_to=None,
        unit="year",
        currency=record.currency,
    )


def lca_band(
    filings: Iterable[WageFiling],
    *,
    company: str,
    title: str | None,
    tag: str | None = None,
    location: str | None,
    as_of: date,
    min_n: int = 5,
) -> EvidenceBand | None:
    """The filed-wage band (base, USD) of a company's filings in the occupation of ``title``
    (its SOC code, as :func:`~offerlab.market.oews.occupation_for` maps it) at a place, or
    None with fewer than ``min_n``. Filings received after ``as_of`` are left out. The filings
    carry no company level, so the fit is ``company`` at best."""
    name = canonical_company(company)
    occupation = occupation_for(title, tag)
    if not occupation.soc:
        return None
    found = [
        f
        for f in filings
        if f.company == name
        and f.soc_code == occupation.soc
        and f.received_on <= as_of
        and (location is None or location_matches(f.worksite, location))
    ]
    if len(found) < min_n:
        return None
    days = sorted(f.received_on for f in found)
    median = days[(len(days) - 1) // 2]
    where = location or "every worksite"
    levels = sorted({f.wage_level for f in found if f.wage_level})
    notes = [
        "the wage each employer filed (the rate it commits to pay), annualised by its unit; "
        "not bonus or stock",
        f"prevailing-wage levels of these filings: {', '.join(levels) or 'not stated'}",
    ]
    return evidence_band(
        source=SOURCE,
        kind="records",
        label=f"{name}, {occupation.title} ({occupation.soc}), {where}, H-1B filed wages",
        currency="USD",
        n=len(found),
        n_means="certified filings",
        reference_date=median,
        as_of=as_of,
        match="company",
        base=spread_of([f.wage for f in found]),
        total=None,
        first_date=days[0],
        last_date=days[-1],
        median_date=median,
        notes=tuple(notes),
        attribution=ATTRIBUTION,
    )
