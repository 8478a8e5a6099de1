"""Processes opening a new store at the same moment (``serve`` and ``market import``): one
migrates, the others wait for it, and none fails with "table already exists"."""

from __future__ import annotations

import multiprocessing
import traceback
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from offerlab.store.database import current_revision, head_revision

PROCESSES = 6


def _open(url: str, start: Barrier, results: multiprocessing.Queue[str]) -> None:
    from offerlab.store import Store

    try:
        start.wait()
        Store(url, columnar=False).close()
        results.put("ok")
    except BaseException:
        results.put(traceback.format_exc())


def _open_at_once(url: str) -> list[str]:
    # Forked: each process starts with offerlab imported, so they reach the barrier together.
    context = multiprocessing.get_context("fork")
    start = context.Barrier(PROCESSES)
    results: multiprocessing.Queue[str] = context.Queue()
    processes = [
        context.Process(target=_open, args=(url, start, results)) for _ in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    return outcomes


def test_processes_starting_at_once_on_a_new_sqlite_store(tmp_path: Path):
    for round_ in range(2):
        url = f"sqlite:///{tmp_path / f'new-{round_}' / 'offerlab.sqlite3'}"
        outcomes = _open_at_once(url)
        assert outcomes == ["ok"] * PROCESSES, next(o for o in outcomes if o != "ok")
        engine = create_engine(url)
        assert current_revision(engine) == head_revision()
        assert "sources" in inspect(engine).get_table_names()
        engine.dispose()


@pytest.mark.postgres
def test_processes_starting_at_once_on_a_new_postgresql_store(pg_url: str):
    outcomes = _open_at_once(pg_url)
    assert outcomes == ["ok"] * PROCESSES, next(o for o in outcomes if o != "ok")
    engine = create_engine(pg_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
