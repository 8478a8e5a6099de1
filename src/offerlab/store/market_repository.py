"""The market repository: import files into the store atomically and answer the record
queries bands and level statistics are computed from (:class:`offerlab.market.ports.MarketRecords`).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from numpy.typing import NDArray
from sqlalchemy import insert, select, text, update

from offerlab.errors import InputError, OfferlabError, Problem, ProblemsError
from offerlab.market import importer
from offerlab.market.importer import ImportPlan, ProgressFn
from offerlab.market.normalize import (
    Location,
    canonical_company,
    normalize_level,
    parse_location,
    specialty,
    title_family,
)
from offerlab.market.ports import RecordQuery, RecordSummary, SourceInfo
from offerlab.market.records import MarketRecord
from offerlab.store import record_import
from offerlab.store.backends import FLOAT_COLUMNS, SqlRecords, Where
from offerlab.store.cells import CellKey, cells_computed, matching_locations
from offerlab.store.engine import Store
from offerlab.store.models import Source

__all__ = ["ImportResult", "MarketRepository"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did. ``already`` is true when the same file had been imported before."""

    source: SourceInfo
    already: bool
    read: int
    added: int
    duplicates: int
    skipped: list[Problem] = field(default_factory=list)


class _AlreadyImported(Exception):
    """The file turned out to be one imported before (found once its hash was known)."""

    def __init__(self, source: SourceInfo) -> None:
        super().__init__(source.name)
        self.source = source


def _source_info(row: Any) -> SourceInfo:
    imported_at = row.imported_at
    if imported_at.tzinfo is None:
        imported_at = imported_at.replace(tzinfo=UTC)
    return SourceInfo(
        id=row.id,
        name=row.name,
        location=row.location,
        licence=row.licence,
        format=row.format,
        content_hash=row.content_hash,
        size_bytes=row.size_bytes,
        imported_at=imported_at,
        rows_read=row.rows_read,
        rows_added=row.rows_added,
        rows_duplicate=row.rows_duplicate,
        rows_skipped=row.rows_skipped,
    )


def _safe(fn: Any, *args: Any) -> Any:
    """A normalisation result, or None where the rules refuse the value."""
    try:
        return fn(*args)
    except OfferlabError:
        return None


_DEFAULT_NAMES = {"levelsfyi": "levels.fyi"}
_DEFAULT_LICENCE = {
    "levelsfyi": (
        "not stated (self-reported levels.fyi records; derived statistics with attribution)"
    )
}


class MarketRepository:
    """Imports and record queries over one :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.records = store.records
        #: The generations of the cells this repository's summaries were read from, and
        #: whether any was read from the records instead (see :meth:`sources`).
        self._generations: set[int] = set()
        self._from_records = False

    # --- sources ---------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        """Every imported source, oldest first.

        When every summary this repository gave came from cells of one generation, the
        sources remembered for that generation (a bands query then costs one read, not two).
        """
        cells = self.records.cells if isinstance(self.records, SqlRecords) else None
        if cells is not None and not self._from_records and len(self._generations) == 1:
            remembered = cells.sources_of(next(iter(self._generations)))
            if remembered is not None:
                return remembered
        generation = None
        with self.store.reader.connect() as conn:
            if cells is not None:
                # Read first: the sources read next are those of this generation or more (an
                # import commits its source and a new generation together), and a source the
                # generation's cells do not name is never listed by them.
                generation = conn.execute(
                    text("SELECT generation FROM market_cell_state WHERE id = 1")
                ).scalar()
            rows = conn.execute(select(Source.__table__).order_by(Source.id)).all()
        found = [_source_info(r) for r in rows]
        if cells is not None and generation is not None:
            cells.remember_sources(int(generation), found)
        return found

    def source_by_hash(self, digest: str) -> SourceInfo | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(Source.__table__).where(Source.content_hash == digest)
            ).first()
        return _source_info(row) if row is not None else None

    def count(self) -> int:
        """How many records the store holds."""
        row = self.records.rows("SELECT count(*) FROM records")
        return int(row[0][0])

    # --- import ----------------------------------------------------------------------------

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
        ``skip_bad`` (then the good rows are imported and the bad ones reported).
        """
        plan = importer.read_plan(path, fmt, mapping)
        size = path.stat().st_size
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="offerlab-hash") as pool:
            if any(s.size_bytes == size for s in self.sources()):
                # Possibly a file seen before: hash it first, so a repeat costs one read.
                known = importer.content_hash(path, progress)
                existing = self.source_by_hash(known)
                if existing is not None:
                    return ImportResult(existing, True, 0, 0, 0)
                digest: str | None = known
                hashing = None
            else:
                # A new size is a new file: hash it while DuckDB reads it.
                digest, hashing = None, pool.submit(importer.content_hash, path)
            try:
                return self._import(plan, size, digest, hashing, skip_bad, name, licence, progress)
            except _AlreadyImported as already:
                return ImportResult(already.source, True, 0, 0, 0)

    def _import(
        self,
        plan: ImportPlan,
        size: int,
        digest: str | None,
        hashing: Future[str] | None,
        skip_bad: bool,
        name: str | None,
        licence: str | None,
        progress: ProgressFn | None,
    ) -> ImportResult:
        path = plan.path
        self._drop_orphans()
        now = datetime.now(UTC)
        records = self.records
        with self.store.engine.begin() as conn:
            source_id = int(
                conn.execute(
                    insert(Source)
                    .values(
                        name=name or _DEFAULT_NAMES.get(plan.format, path.name),
                        location=str(path.resolve()),
                        licence=licence or _DEFAULT_LICENCE.get(plan.format, "not stated"),
                        format=plan.format,
                        content_hash=digest or f"pending-{uuid.uuid4().hex}",
                        size_bytes=size,
                        imported_at=now,
                        rows_read=0,
                        rows_added=0,
                        rows_duplicate=0,
                        rows_skipped=0,
                    )
                    .returning(Source.id)
                ).scalar_one()
            )
            records.begin(conn)
            try:
                read, skipped = self._stage(plan, source_id, skip_bad, progress)
                if progress is not None:
                    progress("storing", 0.0)
                added, duplicates = records.publish(source_id)
                if progress is not None:
                    progress("normalising", 0.5)
                self._update_maps(source_id)
                if progress is not None:
                    progress("computing bands", 0.75)
                records.refresh_cells(self._touched_companies())
                if hashing is not None:
                    digest = hashing.result()
                    seen = conn.execute(
                        select(Source.__table__).where(Source.content_hash == digest)
                    ).first()
                    if seen is not None:
                        raise _AlreadyImported(_source_info(seen))
                conn.execute(
                    update(Source)
                    .where(Source.id == source_id)
                    .values(
                        content_hash=digest,
                        rows_read=read,
                        rows_added=added,
                        rows_duplicate=duplicates,
                        rows_skipped=len(skipped),
                    )
                )
                records.commit()
            except BaseException:
                records.rollback()
                raise
        if progress is not None:
            progress("done", 1.0)
        assert digest is not None
        info = self.source_by_hash(digest)
        assert info is not None
        return ImportResult(info, False, read, added, duplicates, skipped)

    def _touched_companies(self) -> list[str]:
        """The companies (canonical names) of the rows this import staged."""
        rows = self.records.staging().execute("SELECT DISTINCT company_raw FROM records")
        return sorted({canonical_company(r[0]) for r in rows.fetchall() if r[0] is not None})

    def refresh_cells(self) -> int:
        """Recompute every market cell from the records, in one transaction (a store whose
        records came before the cells did, or a bulk load outside :meth:`import_file`); the
        cells written. A store that keeps no cells (the DuckDB file) writes none."""
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
        has records and never computed them (records imported before migration ``0006``); the
        cells written, or None when there was nothing to do."""
        if not self.records.keeps_cells:
            return None
        with self.store.engine.connect() as conn:
            if cells_computed(conn) or self.count() == 0:
                return None
        return self.refresh_cells()

    def _drop_orphans(self) -> None:
        keep = [s.id for s in self.sources()]
        self.records.delete_sources_except(keep)

    def _stage(
        self, plan: ImportPlan, source_id: int, skip_bad: bool, progress: ProgressFn | None
    ) -> tuple[int, list[Problem]]:
        """Stage the file's rows; (rows read, bad rows skipped)."""
        con = self.records.staging()
        if progress is not None:
            progress("reading", 0.0)
        if plan.kind == "csv":
            try:
                read = _with_progress(
                    con, lambda: record_import.stage_fast(con, plan, "records", source_id), progress
                )
                bad = record_import.semantic_problem_count(con, "records", source_id)
            except duckdb.Error:
                bad = -1
            if bad == 0:
                if read == 0:
                    raise InputError(f"{plan.path}: the file has no records, only a header")
                return read, []
            self.records.restart()
        if progress is not None:
            progress("checking every row", 0.0)
        problems, read = record_import.diagnose(con, plan)
        if problems and not skip_bad:
            count = len(problems)
            raise ProblemsError(
                problems,
                summary=(
                    f"{plan.path}: {count} bad row{'s' if count != 1 else ''}; nothing was "
                    "imported (fix them, or import the good rows with --skip-bad)"
                ),
            )
        if read == 0 and not problems:
            raise InputError(f"{plan.path}: the file has no records")
        added = record_import.insert_good_rows(con, plan, "records", source_id)
        if added == 0:
            raise ProblemsError(problems, summary=f"{plan.path}: no good rows; nothing imported")
        return read, problems

    def _update_maps(self, source_id: int) -> None:
        """Normalise each distinct reported value of the new rows not mapped yet."""
        stage = self.records.staging()
        where = "WHERE source_id = $s"
        params = {"s": source_id}

        def distinct(columns: str) -> list[tuple[Any, ...]]:
            return stage.execute(
                f"SELECT DISTINCT {columns} FROM records {where}", params
            ).fetchall()

        def known(sql: str) -> set[tuple[Any, ...]]:
            return {tuple(r) for r in self.records.rows(sql)}

        have = known("SELECT company_raw FROM company_norm")
        companies = [
            {"company_raw": c, "company": canonical_company(c)}
            for (c,) in distinct("company_raw")
            if c is not None and (c,) not in have
        ]
        self.records.insert_rows("company_norm", companies)
        have = known("SELECT company_raw, level_raw FROM level_norm")
        levels = []
        for c, lv in distinct("company_raw, coalesce(level_raw, '')"):
            if c is None or (c, lv) in have:
                continue
            level = _safe(normalize_level, canonical_company(c), lv or None)
            levels.append({"company_raw": c, "level_raw": lv, "level": level})
        self.records.insert_rows("level_norm", levels)
        have = known("SELECT title_raw FROM title_norm")
        titles = [
            {"title_raw": t, "title_family": _safe(title_family, t or None)}
            for (t,) in distinct("coalesce(title_raw, '')")
            if (t,) not in have
        ]
        self.records.insert_rows("title_norm", titles)
        have = known("SELECT tag_raw, title_raw FROM specialty_norm")
        specialties = [
            {"tag_raw": g, "title_raw": t, "specialty": _safe(specialty, g or None, t or None)}
            for g, t in distinct("coalesce(tag_raw, ''), coalesce(title_raw, '')")
            if (g, t) not in have
        ]
        self.records.insert_rows("specialty_norm", specialties)
        have = known("SELECT location_raw FROM location_norm")
        places = []
        for (raw,) in distinct("coalesce(location_raw, '')"):
            if (raw,) in have:
                continue
            loc = parse_location(raw or None)
            places.append(
                {
                    "location_raw": raw,
                    "city": loc.city,
                    "region": loc.region,
                    "country": loc.country,
                    "metro": loc.metro,
                }
            )
        self.records.insert_rows("location_norm", places)

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
            wanted = _safe(normalize_level, canonical, query.level) or query.level.strip()
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
            family = _safe(title_family, query.title) or query.title.strip()
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
            wanted_tag = _safe(specialty, query.tag, None) or query.tag.strip()
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
            key = self._cell_key(query)
            if key is not None:
                answer = self.records.cell_summary(key)
                if answer is not None:
                    self._generations.add(answer.generation)
                    return answer.summary
        self._from_records = True
        found = self.where(query)
        if found is None:
            return None
        return self.records.summary(found, as_of, rate)

    def _cell_key(self, query: RecordQuery) -> CellKey | None:
        """``query`` as the cells are keyed, resolving names as :meth:`where` does; None for a
        query the cells do not cover (no company, a title, sources)."""
        if query.company is None or query.title is not None or query.sources:
            return None
        company = canonical_company(query.company)
        level = ""
        if query.level is not None:
            level = _safe(normalize_level, company, query.level) or query.level.strip()
        special = ""
        if query.tag is not None:
            special = _safe(specialty, query.tag, None) or query.tag.strip()
        if (query.level is not None and not level) or (query.tag is not None and not special):
            return None  # blank: "" is the key of every level or specialty
        currency = query.currency.strip().upper() if query.currency is not None else None
        return CellKey(company, level, special, query.location, currency, query.since, query.until)

    def yearly_totals(self, query: RecordQuery) -> dict[int, tuple[int, float]]:
        """Per calendar year of the matching records: (records, median total)."""
        found = self.where(query)
        if found is None:
            return {}
        return self.records.yearly_totals(found)

    def level_summary(self, company: str) -> list[tuple[str, int, float | None, float]]:
        """Per normalised level of ``company``: (level, n, median years, median total)."""
        companies = self.company_raws(company)
        if not companies:
            return []
        params: dict[str, Any] = {}
        condition = self.records.in_list("r.company_raw", "c", companies, params)
        return self.records.level_summary(Where("", condition, params, tuple(companies)))

    def records_of(self, query: RecordQuery, limit: int = 100) -> list[MarketRecord]:
        """Matching records with their normalised labels (for display and checks)."""
        found = self.where(query)
        if found is None:
            return []
        params = {**found.params, "lim": int(limit)}
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
            assert total is not None
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


def _with_progress(con: duckdb.DuckDBPyConnection, run: Any, progress: ProgressFn | None) -> Any:
    """Run ``run()`` on ``con`` while a thread reports DuckDB's query progress."""
    if progress is None:
        return run()
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.1):
            try:
                value = con.query_progress()
            except duckdb.Error:
                continue
            if value >= 0:
                progress("reading", min(value / 100.0, 1.0))

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        return run()
    finally:
        done.set()
        thread.join()
