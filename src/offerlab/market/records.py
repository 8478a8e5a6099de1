"""Market records: the fields a compensation record has, and the record as the domain sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from offerlab.market.normalize import Location

__all__ = [
    "AMOUNT_FIELDS",
    "EVIDENCE_FORMATS",
    "FIELDS",
    "FORMATS",
    "REQUIRED_FIELDS",
    "YEAR_FIELDS",
    "MarketRecord",
]

#: The file formats `market import` reads: records (a levels.fyi export, a generic CSV or
#: JSON list), community offers from India (``india``), H-1B wage filings (``lca``: the DOL's
#: LCA disclosure files) and official statistics (``oews``: BLS's OEWS "all data" file).
FORMATS: Final = ("levelsfyi", "csv", "json", "india", "lca", "oews")

#: The fields of an imported record, as a generic CSV's header or a JSON object's keys name them.
FIELDS: Final = (
    "id",
    "company",
    "title",
    "tag",
    "level",
    "location",
    "currency",
    "base",
    "stock",
    "bonus",
    "total",
    "years_experience",
    "years_at_company",
    "date",
)
#: Formats whose records are evidence of their own kind (community reports, H-1B filings):
#: a records query (a company band) leaves them out unless it names their sources.
EVIDENCE_FORMATS: Final = frozenset({"india", "lca"})
#: Fields a generic CSV or JSON file must have (levels.fyi files: see the importer).
REQUIRED_FIELDS: Final = ("company", "currency", "total")
#: Yearly amounts, in ``currency``; stock is the yearly value of the grant.
AMOUNT_FIELDS: Final = ("base", "stock", "bonus", "total")
YEAR_FIELDS: Final = ("years_experience", "years_at_company")


@dataclass(frozen=True, slots=True)
class MarketRecord:
    """One compensation record: yearly amounts in ``currency`` as reported, and normalised labels.

    ``company``/``level``/``title_family``/``specialty``/``location`` are the normalised forms;
    the ``*_raw`` fields keep what the source wrote. ``base`` 0 means "not reported" (levels.fyi
    writes 0 where only a total was given), so bands skip it. ``total`` is None for a record
    that states a base only (community reports, H-1B filings).
    """

    source_id: int
    company_raw: str
    company: str
    title_raw: str | None
    title_family: str | None
    tag_raw: str | None
    specialty: str | None
    level_raw: str | None
    level: str | None
    location: Location
    currency: str
    base: Decimal | None
    stock: Decimal | None
    bonus: Decimal | None
    total: Decimal | None
    years_experience: Decimal | None
    years_at_company: Decimal | None
    reported_on: date | None
    external_id: str | None = None
