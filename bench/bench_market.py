"""Market store: imports (real file, synthetic 10M rows), bands queries, peak memory; pandas beside.

Sizes: ``OFFERLAB_BENCH_ROWS`` (default 10,000,000) synthetic rows for the embedded store and
the query figures, ``OFFERLAB_BENCH_PG_ROWS`` (default 1,000,000) for PostgreSQL and for the
pandas import (pandas' ``to_sql`` runs at ~0.1M rows/s: 10M would take minutes). Every file
is written under a temporary directory and removed afterwards. Heavy jobs run in a child
process (``bench.market_worker``) so each peak RSS is that job's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.common import Figure

ROOT = Path(__file__).resolve().parent.parent
REAL_CSV = ROOT.parent / "shared" / "data" / "levels_fyi_salaries_2017_2021.csv"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ROWS = int(os.environ.get("OFFERLAB_BENCH_ROWS", "10000000"))
PG_ROWS = int(os.environ.get("OFFERLAB_BENCH_PG_ROWS", "1000000"))


def make_synthetic(real: Path, out: Path, rows: int) -> None:
    """``rows`` levels.fyi-layout rows: the real rows in turn, amounts varied, unique row ids."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE real AS SELECT row_number() OVER () - 1 AS i, * FROM "
        f"read_csv('{real}', all_varchar = true)"
    )
    (count,) = con.execute("SELECT count(*) FROM real").fetchone() or (0,)
    con.execute(
        f"""COPY (
            SELECT r.timestamp, r.company, r.level, r.title,
                CAST(CAST(r.totalyearlycompensation AS BIGINT) + (g.range % 7) * 1000 AS VARCHAR)
                    AS totalyearlycompensation,
                r.location, r.yearsofexperience, r.yearsatcompany, r.tag,
                CASE WHEN r.basesalary = '0' THEN '0' ELSE CAST(
                    CAST(r.basesalary AS BIGINT) + (g.range % 5) * 500 AS VARCHAR) END
                    AS basesalary,
                r.stockgrantvalue, r.bonus, CAST(g.range + 1 AS VARCHAR) AS rowNumber
            FROM range({rows}) g JOIN real r ON r.i = g.range % {count}
            ORDER BY g.range
        ) TO '{out}' (HEADER)"""
    )
    con.close()


def worker(*args: str) -> dict[str, Any]:
    """Run one job of :mod:`bench.market_worker` in a child process; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.market_worker", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def cpu_pressure() -> str:
    """The kernel's CPU pressure (share of time some task waited for a CPU), if it says."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return "n/a"
    return line.split()[1]  # avg10=...


def _postgres_up() -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    try:
        engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except OperationalError:
        return False


def _postgres_import(tmp: Path, file: Path) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_SERVER)
    schema = f"bench_{os.getpid()}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        return worker("import", f"{PG_SERVER}?options=-csearch_path%3D{schema}", str(file))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run() -> list[Figure]:
    if not REAL_CSV.is_file():
        return [Figure("market: skipped", 0, "", note=f"{REAL_CSV} is absent")]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="offerlab-bench-") as name:
        tmp = Path(name)
        # --- the real file ---------------------------------------------------------------
        best = min(
            worker("import", f"sqlite:///{tmp / f'real{i}' / 'db.sqlite3'}", str(REAL_CSV))[
                "seconds"
            ]
            for i in range(3)
        )
        figures.append(
            Figure(
                "market: import the real 62,642-row levels.fyi file (SQLite+DuckDB)",
                best,
                "s",
                goal="< 3 s",
                note="best of 3, new store each",
            )
        )
        pandas_real = min(
            worker("pandas-import", str(REAL_CSV), "100000000", str(tmp / "pr.sqlite3"))["seconds"]
            for _ in range(3)
        )
        figures.append(Figure("  pandas: read_csv + to_sql (SQLite), same file", pandas_real, "s"))
        # --- synthetic rows --------------------------------------------------------------
        synthetic = tmp / "synthetic.csv"
        start = time.perf_counter()
        make_synthetic(REAL_CSV, synthetic, ROWS)
        size_mb = synthetic.stat().st_size / 1e6
        generated = time.perf_counter() - start
        url = f"sqlite:///{tmp / 'big' / 'offerlab.sqlite3'}"
        pressure_before = cpu_pressure()
        ours = worker("import", url, str(synthetic))
        figures.append(
            Figure(
                f"market: import {ROWS:,} synthetic rows (SQLite+DuckDB)",
                ours["read"] / ours["seconds"],
                "rows/s",
                goal=">= 1,000,000 rows/s",
                note=f"{ours['seconds']:.1f} s, {size_mb:,.0f} MB CSV made in {generated:.0f} s, "
                f"peak RSS {ours['rss_mb']:,.0f} MB, CPU pressure before {pressure_before}",
            )
        )
        small = tmp / "small.csv"
        with synthetic.open("rb") as src, small.open("wb") as dst:
            for i, line in enumerate(src):
                if i > PG_ROWS:
                    break
                dst.write(line)
        pandas_big = worker("pandas-import", str(small), str(PG_ROWS), str(tmp / "pb.sqlite3"))
        figures.append(
            Figure(
                f"  pandas: read_csv + to_sql (SQLite), first {PG_ROWS:,} rows",
                pandas_big["rows"] / pandas_big["seconds"],
                "rows/s",
                note=f"{pandas_big['seconds']:.1f} s, peak RSS {pandas_big['rss_mb']:,.0f} MB",
            )
        )
        if _postgres_up():
            pg = _postgres_import(tmp, small)
            figures.append(
                Figure(
                    f"market: import {PG_ROWS:,} synthetic rows into PostgreSQL (COPY)",
                    pg["read"] / pg["seconds"],
                    "rows/s",
                    note=f"{pg['seconds']:.1f} s, peak RSS {pg['rss_mb']:,.0f} MB",
                )
            )
        else:
            figures.append(Figure("market: PostgreSQL import", 0, "", note="server unreachable"))
        # --- bands over the big store ----------------------------------------------------
        query = worker("query", url)
        for label, _ in _labels():
            figures.append(
                Figure(
                    f"market: bands over {ROWS:,} records, warm ({label})",
                    query[label] * 1e3,
                    "ms",
                    goal="< 100 ms",
                    note=f"n={query['n'][label]:,}, best of 10",
                )
            )
        figures.append(
            Figure(
                "market: bands process peak RSS (open store + queries)",
                query["rss_mb"],
                "MB",
                goal="< 2,048 MB",
                note=f"first query (cold) {query['cold_seconds'] * 1e3:,.0f} ms",
            )
        )
        frame = worker("pandas-query", str(synthetic))
        for label, _ in _labels():
            figures.append(
                Figure(
                    f"  pandas: the same band in a DataFrame ({label})",
                    frame[label] * 1e3,
                    "ms",
                    note=f"n={frame['n'][label]:,}",
                )
            )
        figures.append(
            Figure(
                "  pandas: peak RSS (10M-row DataFrame + queries)",
                frame["rss_mb"],
                "MB",
                note=f"load + normalise {frame['load_seconds']:.0f} s",
            )
        )
    return figures


def _labels() -> list[tuple[str, dict[str, Any]]]:
    from bench.market_worker import QUERIES

    return QUERIES
