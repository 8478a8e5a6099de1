"""The market repository: import files into the store atomically and answer the record
queries bands and level statistics are computed from (:class:`offerlab.market.ports.MarketRecords`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, text

from offerlab.errors import InputError
from offerlab.market.importer import ProgressFn
from offerlab.market.normalize import (
    Location,
    canonical_company,
    normalize_level,
    specialty,
    title_family,
)
from offerlab.market.ports import RecordQuery, RecordSummary, SourceInfo
from offerlab.market.records import EVIDENCE_FORMATS, MarketRecord
from offerlab.store.cells import CellKey, cells_computed, matching_locations
from offerlab.store.engine import Store
from offerlab.store.models import OfficialTable, Source
from offerlab.store.queries import FLOAT_COLUMNS, Where
from offerlab.store.sources import ImportResult, safe_label, source_info

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from offerlab.market.india import CommunityOffer
    from offerlab.market.lca import WageFiling
    from offerlab.store.backends import RecordStore
    from offerlab.store.cells import CellAnswer, CellReader, CellRows

__all__ = ["ImportResult", "MarketRepository"]


class MarketRepository:
    """Imports and record queries over one :class:`Store`.

    ``per_query``: the repository serves one query (a web request, a CLI command), so a market
    cell it read once answers again from memory (a bands answer asks for the same cell up to
    three times: the band, the records' evidence, their dates), and every answer it gives from
    a cell comes from that one read. A repository kept for longer (or one that imports) leaves
    it off: each call reads the cells as they are then.
    """

    def __init__(self, store: Store, *, per_query: bool = False) -> None:
        self.store = store
        #: The generations of the cells this repository's summaries were read from, and
        #: whether any was read from the records instead (see :meth:`sources`).
        self._generations: set[int] = set()
        self._from_records = False
        #: The cells read so far, when the repository serves one query.
        self._seen: CellRows | None = {} if per_query else None

    @property
    def records(self) -> RecordStore:
        return self.store.records

    def _imported(self) -> bool:
        """Whether any source was imported (else there is no record, and no query needs the
        record store, so DuckDB is never opened for it)."""
        with self.store.engine.connect() as conn:
            return conn.execute(select(Source.id).limit(1)).first() is not None

    # --- sources ---------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        """Every imported source, oldest first.

        When every summary this repository gave came from cells of one generation, the
        sources remembered for that generation (a bands query then costs one read, not two).
        """
        found: list[SourceInfo] = self._per_generation(
            "sources",
            lambda conn: [
                source_info(r)
                for r in conn.execute(select(Source.__table__).order_by(Source.id)).all()
            ],
        )
        return found

    def _per_generation(self, what: str, read: Callable[[Connection], list[Any]]) -> list[Any]:
        """``read`` (the sources, the official tables), or what the cells' reader remembered
        of it for the generation of the cells every summary of this repository came from
        (then a bands query costs one read, the cell's)."""
        cells = self._cells()
        if cells is not None and not self._from_records and len(self._generations) == 1:
            remembered = cells.remembered(what, next(iter(self._generations)))
            if remembered is not None:
                return remembered
        generation = None
        with self.store.reader.connect() as conn:
            if cells is not None:
                # Read first: what is read next is that of this generation or later (every
                # import adds its source and raises the generation in one transaction), and
                # nothing a generation's cells do not know is ever remembered for it.
                generation = conn.execute(
                    text("SELECT generation FROM market_cell_state WHERE id = 1")
                ).scalar()
            found = read(conn)
        if cells is not None and generation is not None:
            cells.remember(what, int(generation), found)
        return found

    def _forget_cells(self) -> None:
        """Drop the cells this repository read (it is about to change them)."""
        if self._seen is not None:
            self._seen.clear()

    def _cells(self) -> CellReader | None:
        """The cells reader of a store that keeps cells (records in the SQL database)."""
        return self.records.cells

    def source_by_hash(self, digest: str) -> SourceInfo | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(Source.__table__).where(Source.content_hash == digest)
            ).first()
        return source_info(row) if row is not None else None

    def count(self) -> int:
        """How many records the store holds."""
        if not self._imported():
            return 0
        row = self.records.rows("SELECT count(*) FROM records")
        return int(row[0][0])

    # --- import ---------------------------------------------------------------------------

    def import_file(
        self,
        path: Path,
        *,
        fmt: str | None = None,
        mapping: Mapping[str, str] | None = None,
        skip_bad: bool = False,
        name: str | None = None,
        licence: str | None = None,
        progress: ProgressFn | None = None,
    ) -> ImportResult:
        """Import ``path`` atomically; a file imported before adds nothing.

        Bad rows abort the whole import with a :class:`ProblemsError` listing each one, unless
        ``skip_bad`` (then the good rows are imported and the bad ones reported). The import
        (DuckDB's reader) loads here, not with the queries.
        """
        from offerlab.store.market_import import import_file

        self._forget_cells()
        return import_file(
            self,
            path,
            fmt=fmt,
            mapping=mapping,
            skip_bad=skip_bad,
            name=name,
            licence=licence,
            progress=progress,
        )

    # --- queries ---------------------------------------------------------------------------

    def company_raws(self, company: str) -> list[str]:
        """The spellings of ``company`` in the store."""
        canonical = canonical_company(company)
        rows = self.records.rows(
            "SELECT company_raw FROM company_norm WHERE company = :c", {"c": canonical}
        )
        return sorted(r[0] for r in rows)

    def location_raws(self, query: str) -> list[str]:
        """The reported locations that ``query`` names (city, metro, region or country)."""
        rows = self.records.rows(
            "SELECT location_raw, city, region, country, metro FROM location_norm"
        )
        return matching_locations(rows, query)

    def where(self, query: RecordQuery) -> Where | None:
        """The SQL (joins and condition over ``records r``) for ``query``; None: nothing matches.

        Names are resolved to the reported spellings through the normalisation maps first, so
        the big table is filtered on plain column values.
        """
        if not self._imported():
            return None
        params: dict[str, Any] = {}
        parts: list[str] = []
        joins = ""
        inl = self.records.in_list
        companies: list[str] = []
        if query.company is not None:
            companies = self.company_raws(query.company)
            if not companies:
                return None
            parts.append(inl("r.company_raw", "c", companies, params))
        if query.level is not None:
            if not companies:
                raise InputError("--level needs --company (levels are per company)")
            canonical = canonical_company(query.company or "")
            wanted = safe_label(normalize_level, canonical, query.level) or query.level.strip()
            lookup: dict[str, Any] = {"lv": wanted}
            levels = [
                r[0]
                for r in self.records.rows(
                    "SELECT DISTINCT level_raw FROM level_norm WHERE "
                    + inl("company_raw", "lc", companies, lookup)
                    + " AND (level = :lv OR level_raw = :lv)",
                    lookup,
                )
                if r[0] != ""
            ]
            if not levels:
                return None
            parts.append(inl("r.level_raw", "l", levels, params))
        if query.title is not None:
            family = safe_label(title_family, query.title) or query.title.strip()
            titles = [
                r[0]
                for r in self.records.rows(
                    "SELECT title_raw FROM title_norm WHERE title_family = :t OR title_raw = :t",
                    {"t": family},
                )
                if r[0] != ""
            ]
            if not titles:
                return None
            parts.append(inl("r.title_raw", "t", titles, params))
        if query.tag is not None:
            wanted_tag = safe_label(specialty, query.tag, None) or query.tag.strip()
            pairs = self.records.rows(
                "SELECT tag_raw, title_raw FROM specialty_norm "
                "WHERE specialty = :g OR tag_raw = :g",
                {"g": wanted_tag},
            )
            if not pairs:
                return None
            tags = sorted({p[0] for p in pairs if p[0] != ""})
            untagged = any(p[0] == "" for p in pairs)
            # Tags first (a plain column filter), then the exact (tag, title) pairs through
            # the map, since a specialty can depend on the title too.
            tag_parts = [inl("r.tag_raw", "g", tags, params)] if tags else []
            if untagged:
                tag_parts.append("r.tag_raw IS NULL")
            parts.append("(" + " OR ".join(tag_parts) + ")")
            params["gs"] = wanted_tag
            joins = (
                " JOIN specialty_norm sp ON sp.tag_raw = coalesce(r.tag_raw, '') "
                "AND sp.title_raw = coalesce(r.title_raw, '') "
                "AND (sp.specialty = :gs OR sp.tag_raw = :gs)"
            )
        if query.location is not None:
            places = [p for p in self.location_raws(query.location) if p != ""]
            if not places:
                return None
            parts.append(inl("r.location_raw", "p", places, params))
        if query.since is not None:
            parts.append("r.reported_on >= :since")
            params["since"] = query.since
        if query.until is not None:
            parts.append("r.reported_on <= :until")
            params["until"] = query.until
        if query.currency is not None:
            parts.append("r.currency = :cur")
            params["cur"] = query.currency.strip().upper()
        if query.sources:
            ids = self._source_ids(query.sources)
            if not ids:
                return None
            parts.append(inl("r.source_id", "s", ids, params))
        else:
            # Community reports and H-1B filings are evidence of their own (each its band,
            # beside the records' one): a records query leaves them out unless it names them.
            apart = [s.id for s in self.sources() if s.format in EVIDENCE_FORMATS]
            if apart:
                parts.append("NOT (" + inl("r.source_id", "x", apart, params) + ")")
        rest = parts[1:] if companies else parts
        return Where(
            joins,
            " AND ".join(parts) or "1 = 1",
            params,
            tuple(companies),
            " AND ".join(rest) or "1 = 1",
        )

    def _source_ids(self, names: Sequence[str]) -> list[int]:
        wanted = {n.strip().casefold() for n in names}
        return [
            s.id
            for s in self.sources()
            if s.name.casefold() in wanted or str(s.id) in wanted or s.location in names
        ]

    def components(self, query: RecordQuery) -> dict[str, NDArray[Any]] | None:
        """base/stock/bonus/total/years (float64, NaN = not reported), dates, sources, currency."""
        found = self.where(query)
        if found is None:
            return None
        return self.records.arrays(
            "SELECT CAST(r.base AS DOUBLE PRECISION) AS base, "
            "CAST(r.stock AS DOUBLE PRECISION) AS stock, "
            "CAST(r.bonus AS DOUBLE PRECISION) AS bonus, "
            "CAST(r.total AS DOUBLE PRECISION) AS total, "
            "CAST(r.years_experience AS DOUBLE PRECISION) AS years_experience, "
            "r.reported_on AS reported_on, r.source_id AS source_id, r.currency AS currency "
            f"FROM records r{found.joins} WHERE {found.condition}",
            found.params,
            FLOAT_COLUMNS,
        )

    def summary(
        self, query: RecordQuery, as_of: date | None = None, rate: float = 0.0
    ) -> RecordSummary | None:
        """Counts and percentiles of the matching records (restated to ``as_of`` at ``rate``).

        From the precomputed cell when one holds exactly the records ``query`` selects (see
        :mod:`offerlab.store.cells`), else over the records.
        """
        if as_of is None:
            answer = self._cell_answer(query)
            if answer is not None:
                return answer.summary
        self._from_records = True
        found = self.where(query)
        if found is None:
            return None
        return self.records.summary(found, as_of, rate)

    def _cell_answer(self, query: RecordQuery) -> CellAnswer | None:
        """The cells' answer to ``query`` (None: the records must answer it)."""
        if self._cells() is None:
            return None
        key = self._cell_key(query)
        if key is None:
            return None
        answer = self.records.cell_summary(key, self._seen)
        if answer is not None:
            self._generations.add(answer.generation)
        return answer

    def _cell_key(self, query: RecordQuery) -> CellKey | None:
        """``query`` as the cells are keyed, resolving names as :meth:`where` does; None for a
        query the cells do not cover (no company, a title, sources)."""
        if query.company is None or query.title is not None or query.sources:
            return None
        company = canonical_company(query.company)
        level = ""
        if query.level is not None:
            level = safe_label(normalize_level, company, query.level) or query.level.strip()
        special = ""
        if query.tag is not None:
            special = safe_label(specialty, query.tag, None) or query.tag.strip()
        if (query.level is not None and not level) or (query.tag is not None and not special):
            return None  # blank: "" is the key of every level or specialty
        currency = query.currency.strip().upper() if query.currency is not None else None
        return CellKey(company, level, special, query.location, currency, query.since, query.until)

    def refresh_cells(self) -> int:
        """Recompute every market cell from the records, in one transaction (a store whose
        records came before the cells did, or a bulk load outside :meth:`import_file`); the
        cells written. A store that keeps no cells (the DuckDB file) writes none."""
        self._forget_cells()
        records = self.records
        with self.store.engine.begin() as conn:
            records.begin(conn)
            try:
                written = records.refresh_cells(None)
                records.commit()
            except BaseException:
                records.rollback()
                raise
        return written

    def ensure_cells(self) -> int | None:
        """Compute the market cells of a store that keeps them (records in the SQL database),
        has records and never computed them (records imported before the cells existed); the
        cells written, or None when there was nothing to do."""
        if self._cells() is None:
            return None
        with self.store.engine.connect() as conn:
            if cells_computed(conn) or self.count() == 0:
                return None
        return self.refresh_cells()

    def yearly_totals(self, query: RecordQuery) -> dict[int, tuple[int, float]]:
        """Per calendar year of the matching records: (records, median total)."""
        found = self.where(query)
        if found is None:
            return {}
        return self.records.yearly_totals(found)

    def level_summary(self, company: str) -> list[tuple[str, int, float | None, float]]:
        """Per normalised level of ``company``: (level, n, median years, median total)."""
        if not self._imported():
            return []
        # Through where(): community reports and filings (evidence of their own) stay out.
        found = self.where(RecordQuery(company=company))
        if found is None:
            return []
        return self.records.level_summary(found)

    def records_of(self, query: RecordQuery, limit: int | None = 100) -> list[MarketRecord]:
        """Matching records with their normalised labels (for display, checks and the
        evidence of community reports and filings); every one with ``limit`` None."""
        found = self.where(query)
        if found is None:
            return []
        # No limit is a limit larger than any table.
        params = {**found.params, "lim": int(limit) if limit is not None else 2**62}
        rows = self.records.rows(
            "SELECT r.source_id, r.company_raw, c.company, r.title_raw, t.title_family, "
            "r.tag_raw, s.specialty, r.level_raw, l.level, coalesce(r.location_raw, ''), "
            "p.city, p.region, p.country, p.metro, r.currency, r.base, r.stock, r.bonus, "
            "r.total, r.years_experience, r.years_at_company, r.reported_on, r.external_id "
            "FROM records r "
            "LEFT JOIN company_norm c ON c.company_raw = r.company_raw "
            "LEFT JOIN title_norm t ON t.title_raw = coalesce(r.title_raw, '') "
            "LEFT JOIN specialty_norm s ON s.tag_raw = coalesce(r.tag_raw, '') "
            "AND s.title_raw = coalesce(r.title_raw, '') "
            "LEFT JOIN level_norm l ON l.company_raw = r.company_raw "
            "AND l.level_raw = coalesce(r.level_raw, '') "
            "LEFT JOIN location_norm p ON p.location_raw = coalesce(r.location_raw, '') "
            f"{found.joins} WHERE {found.condition} "
            "ORDER BY r.reported_on, r.record_key LIMIT :lim",
            params,
        )

        def dec(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        out = []
        for row in rows:
            total = dec(row[18])
            out.append(
                MarketRecord(
                    source_id=int(row[0]),
                    company_raw=row[1],
                    company=row[2] or row[1],
                    title_raw=row[3],
                    title_family=row[4],
                    tag_raw=row[5],
                    specialty=row[6],
                    level_raw=row[7],
                    level=row[8],
                    location=Location(row[9], row[10], row[11], row[12], row[13]),
                    currency=row[14],
                    base=dec(row[15]),
                    stock=dec(row[16]),
                    bonus=dec(row[17]),
                    total=total,
                    years_experience=dec(row[19]),
                    years_at_company=dec(row[20]),
                    reported_on=row[21],
                    external_id=row[22],
                )
            )
        return out

    # --- the evidence beside the records ---------------------------------------------------

    def record_dates(self, query: RecordQuery) -> tuple[date, date, date] | None:
        """(first, last, median) report date of the matching records (the median the lower
        middle one for an even count: a real record date); None when none has a date."""
        # The cell first: there are cells only where records were imported.
        answer = self._cell_answer(query)
        if answer is None and not self._imported():
            return None
        if answer is not None:
            found = answer.summary
            if found is None or found.median_date is None:
                return None
            assert found.first_date is not None
            assert found.last_date is not None
            return found.first_date, found.last_date, found.median_date
        arrays = self.components(query)
        if arrays is None:
            return None
        days = sorted(d for d in arrays["reported_on"].tolist() if d is not None)
        if not days:
            return None

        def as_date(value: Any) -> date:
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
            return date.fromisoformat(str(value)[:10])  # numpy's datetime64 as text

        return as_date(days[0]), as_date(days[-1]), as_date(days[(len(days) - 1) // 2])

    def community_offers(self, company: str) -> list[CommunityOffer]:
        """Every imported community offer of ``company`` (any spelling), oldest first."""
        # The community reports' module loads only here (queries that need it).
        from offerlab.market.india import offer_from_record

        return [offer_from_record(r) for r in self._evidence_records("india", company)]

    def wage_filings(self, company: str) -> list[WageFiling]:
        """Every imported H-1B wage filing of ``company`` (any spelling), oldest first."""
        from offerlab.market.lca import filing_from_record

        return [filing_from_record(r) for r in self._evidence_records("lca", company)]

    def _evidence_records(self, fmt: str, company: str) -> list[MarketRecord]:
        ids = [str(s.id) for s in self.sources() if s.format == fmt]
        if not ids:
            return []
        query = RecordQuery(company=company, sources=tuple(ids))
        return self.records_of(query, limit=None)

    def official_documents(self) -> list[Mapping[str, Any]]:
        """Every imported official statistics table's document, newest reference date first
        (the same format as the shipped OEWS table)."""
        # Parsed once per generation of the cells in a process that keeps them (an OEWS
        # table is ~0.8 MB of JSON): the documents are shared, to be read, not changed.
        documents: list[Mapping[str, Any]] = self._per_generation(
            "official",
            lambda conn: [
                json.loads(row[0])
                for row in conn.execute(
                    select(OfficialTable.document).order_by(
                        OfficialTable.reference_date.desc(), OfficialTable.id.desc()
                    )
                )
            ],
        )
        return documents
