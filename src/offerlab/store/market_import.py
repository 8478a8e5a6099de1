"""Importing a market file into the store: all of it or none (unless bad rows are skipped),
a file seen before adds nothing, and each new reported spelling gets its normalised labels.
DuckDB reads the file (:mod:`offerlab.store.record_import`)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import duckdb
from sqlalchemy import insert, select, text, update

from offerlab.errors import InputError, Problem, ProblemsError
from offerlab.market import importer
from offerlab.market.importer import ImportPlan, ProgressFn
from offerlab.market.normalize import (
    canonical_company,
    normalize_level,
    parse_location,
    specialty,
    title_family,
)
from offerlab.market.ports import SourceInfo
from offerlab.store import record_import
from offerlab.store.backends import RecordStore
from offerlab.store.engine import Store
from offerlab.store.models import OfficialTable, Source
from offerlab.store.sources import ImportResult, safe_label, source_info

__all__ = ["import_file"]


class MarketRepository(Protocol):
    """What an import needs of the market repository (which calls it)."""

    @property
    def store(self) -> Store: ...

    @property
    def records(self) -> RecordStore: ...

    def sources(self) -> list[SourceInfo]: ...

    def source_by_hash(self, digest: str) -> SourceInfo | None: ...


class _AlreadyImported(Exception):
    """The file turned out to be one imported before (found once its hash was known)."""

    def __init__(self, source: SourceInfo) -> None:
        super().__init__(source.name)
        self.source = source


_DEFAULT_NAMES = {"levelsfyi": "levels.fyi"}
_DEFAULT_LICENCE = {
    "levelsfyi": (
        "not stated (self-reported levels.fyi records; derived statistics with attribution)"
    ),
    "india": (
        "MIT (the public repository 0xku/leetcode-compensation); machine-parsed community posts"
    ),
    "lca": "public records (US Department of Labor, Office of Foreign Labor Certification)",
}


# --- import ----------------------------------------------------------------------------


def import_file(
    repo: MarketRepository,
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
    plan = importer.read_plan(path, fmt, mapping, name)
    size = path.stat().st_size
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="offerlab-hash") as pool:
        if any(s.size_bytes == size for s in repo.sources()):
            # Possibly a file seen before: hash it first, so a repeat costs one read.
            known = importer.content_hash(path, progress)
            existing = repo.source_by_hash(known)
            if existing is not None:
                return ImportResult(existing, True, 0, 0, 0)
            digest: str | None = known
            hashing = None
        else:
            # A new size is a new file: hash it while DuckDB reads it.
            digest, hashing = None, pool.submit(importer.content_hash, path)
        try:
            if plan.official is not None:
                return _import_official(repo, plan, size, digest, hashing, name, licence)
            result = _import(repo, plan, size, digest, hashing, skip_bad, name, licence, progress)
        except _AlreadyImported as already:
            return ImportResult(already.source, True, 0, 0, 0)
        return replace(result, report=dict(plan.report)) if plan.report else result


def _import_official(
    repo: MarketRepository,
    plan: ImportPlan,
    size: int,
    digest: str | None,
    hashing: Future[str] | None,
    name: str | None,
    licence: str | None,
) -> ImportResult:
    """Store an official statistics table: its source and its document, in one transaction
    (no records)."""
    document = plan.official
    assert document is not None
    if hashing is not None:
        digest = hashing.result()
    assert digest is not None
    existing = repo.source_by_hash(digest)
    if existing is not None:
        raise _AlreadyImported(existing)
    rows = len(document["rows"])
    read = int(plan.report.get("rows_read", rows))
    with repo.store.engine.begin() as conn:
        source_id = int(
            conn.execute(
                insert(Source)
                .values(
                    name=name or str(document["source"]),
                    location=str(plan.path.resolve()),
                    licence=licence or str(document["licence"]),
                    format=plan.format,
                    content_hash=digest,
                    size_bytes=size,
                    imported_at=datetime.now(UTC),
                    rows_read=read,
                    rows_added=rows,
                    rows_duplicate=0,
                    rows_skipped=0,
                )
                .returning(Source.id)
            ).scalar_one()
        )
        # A new source raises the cells' generation, as every import does (processes that
        # remember the sources of a generation read them again).
        conn.execute(text("UPDATE market_cell_state SET generation = generation + 1 WHERE id = 1"))
        conn.execute(
            insert(OfficialTable).values(
                source_id=source_id,
                release_label=str(document["release_label"]),
                reference_date=date.fromisoformat(str(document["reference_date"])),
                document=json.dumps(document, separators=(",", ":")),
            )
        )
    info = repo.source_by_hash(digest)
    assert info is not None
    return ImportResult(info, False, read, rows, 0, report=dict(plan.report))


def _import(
    repo: MarketRepository,
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
    _drop_orphans(repo)
    now = datetime.now(UTC)
    records = repo.records
    with repo.store.engine.begin() as conn:
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
            read, skipped = _stage(repo, plan, source_id, skip_bad, progress)
            if progress is not None:
                progress("storing", 0.0)
            added, duplicates = records.publish(source_id)
            if progress is not None:
                progress("normalising", 0.5)
            _update_maps(repo, source_id)
            if progress is not None:
                progress("computing bands", 0.75)
            records.refresh_cells(_touched_companies(records))
            if hashing is not None:
                digest = hashing.result()
                seen = conn.execute(
                    select(Source.__table__).where(Source.content_hash == digest)
                ).first()
                if seen is not None:
                    raise _AlreadyImported(source_info(seen))
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
    info = repo.source_by_hash(digest)
    assert info is not None
    return ImportResult(info, False, read, added, duplicates, skipped)


def _touched_companies(records: RecordStore) -> list[str]:
    """The companies (canonical names) of the rows this import staged."""
    rows = records.staging().execute("SELECT DISTINCT company_raw FROM records").fetchall()
    return sorted({canonical_company(r[0]) for r in rows if r[0] is not None})


def _drop_orphans(repo: MarketRepository) -> None:
    keep = [s.id for s in repo.sources()]
    repo.records.delete_sources_except(keep)


def _stage(
    repo: MarketRepository,
    plan: ImportPlan,
    source_id: int,
    skip_bad: bool,
    progress: ProgressFn | None,
) -> tuple[int, list[Problem]]:
    """Stage the file's rows; (rows read, bad rows skipped)."""
    con = repo.records.staging()
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
        repo.records.restart()
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
    if plan.report:  # the format's reader read the file: its count of rows is the file's
        read = int(plan.report.get("rows_read", read))
    added = record_import.insert_good_rows(con, plan, "records", source_id)
    if added == 0:
        raise ProblemsError(problems, summary=f"{plan.path}: no good rows; nothing imported")
    return read, problems


def _update_maps(repo: MarketRepository, source_id: int) -> None:
    """Normalise each distinct reported value of the new rows not mapped yet."""
    stage = repo.records.staging()
    where = "WHERE source_id = $s"
    params = {"s": source_id}

    def distinct(columns: str) -> list[tuple[Any, ...]]:
        return stage.execute(f"SELECT DISTINCT {columns} FROM records {where}", params).fetchall()

    def known(sql: str) -> set[tuple[Any, ...]]:
        return {tuple(r) for r in repo.records.rows(sql)}

    have = known("SELECT company_raw FROM company_norm")
    companies = [
        {"company_raw": c, "company": canonical_company(c)}
        for (c,) in distinct("company_raw")
        if c is not None and (c,) not in have
    ]
    repo.records.insert_rows("company_norm", companies)
    have = known("SELECT company_raw, level_raw FROM level_norm")
    levels = []
    for c, lv in distinct("company_raw, coalesce(level_raw, '')"):
        if c is None or (c, lv) in have:
            continue
        level = safe_label(normalize_level, canonical_company(c), lv or None)
        levels.append({"company_raw": c, "level_raw": lv, "level": level})
    repo.records.insert_rows("level_norm", levels)
    have = known("SELECT title_raw FROM title_norm")
    titles = [
        {"title_raw": t, "title_family": safe_label(title_family, t or None)}
        for (t,) in distinct("coalesce(title_raw, '')")
        if (t,) not in have
    ]
    repo.records.insert_rows("title_norm", titles)
    have = known("SELECT tag_raw, title_raw FROM specialty_norm")
    specialties = [
        {"tag_raw": g, "title_raw": t, "specialty": safe_label(specialty, g or None, t or None)}
        for g, t in distinct("coalesce(tag_raw, ''), coalesce(title_raw, '')")
        if (g, t) not in have
    ]
    repo.records.insert_rows("specialty_norm", specialties)
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
    repo.records.insert_rows("location_norm", places)


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
