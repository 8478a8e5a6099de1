"""Hosted at scale: bands over 10,000,000 records in PostgreSQL, from the market cells, beside the
raw ``percentile_cont`` SQL over the same table in the same run.

``python -m bench hosted`` (part of ``make bench``; skipped when PostgreSQL is unreachable).
Steps, each timed:

1. a new schema; the real levels.fyi file imported (its cells computed by the import);
2. synthetic records up to ``OFFERLAB_BENCH_HOSTED_ROWS`` (default 10,000,000) made inside
   PostgreSQL with ``generate_series`` (the real rows in turn, amounts varied; a source of their
   own), indexes rebuilt after the load, then every cell computed over them
   (``MarketRepository.refresh_cells``, in a child process for its peak memory);
3. a mix of cells: the named bands below and cells picked at random from every size (a company
   over all its levels, down to a level in one city), each checked to be answered by a cell
   and to be a band the API answers (a level off the company's ladder is a 404);
4. bands from the cells (``band()`` over a repository made for the query, as the web app and
   the CLI make it): one client through the mix, then 32 client threads at once for
   ``BENCH_HOSTED_RAW_SECONDS``;
5. the raw SQL: ``percentile_cont`` over the same records (the query the repository builds,
   with the ordered-set aggregates in PostgreSQL), one client through the mix, then 32 client
   threads at once for ``BENCH_HOSTED_RAW_SECONDS`` (default 20);
6. the API: ``GET /api/v1/bands`` served by uvicorn with two worker processes (as ``offerlab
   serve --workers 2`` runs them), 32 keep-alive connections cycling through the mix for
   ``BENCH_HOSTED_SECONDS`` (default 20): requests/s, p50 and p99.

``BENCH_HOSTED_WORKERS`` sets the API's worker processes (default 2). ``BENCH_HOSTED_KEEP=1``
keeps the schema (its name is printed); ``BENCH_HOSTED_SCHEMA=NAME`` then times steps 3-6 again
over it without building anything.

The client threads of 4 and 5 share one Python process: the raw SQL's figures are bounded by
PostgreSQL, the cells' by that process's interpreter (it builds each band). The schema is
dropped at the end. Client and server share the machine's two cores; every figure notes the
CPU pressure (``/proc/pressure/cpu``) around it.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.bench_market import PG_SERVER, REAL_CSV, _postgres_up
from bench.bench_web import _cpu_pressure, _free_port, _start_server
from bench.common import Figure

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("OFFERLAB_BENCH_HOSTED_ROWS", "10000000"))
SECONDS = float(os.environ.get("BENCH_HOSTED_SECONDS", "20"))
RAW_SECONDS = float(os.environ.get("BENCH_HOSTED_RAW_SECONDS", "20"))
CONCURRENCY = 32
WORKERS = int(os.environ.get("BENCH_HOSTED_WORKERS", "2"))
#: A schema that holds records and cells already (made by an earlier run kept with
#: ``BENCH_HOSTED_KEEP=1``): the queries are timed over it, nothing is built or dropped.
REUSE = os.environ.get("BENCH_HOSTED_SCHEMA", "")
KEEP = os.environ.get("BENCH_HOSTED_KEEP", "") == "1"
#: Cells picked at random for the mix, besides the named ones.
RANDOM_CELLS = 60
NAMED: list[tuple[str, dict[str, str]]] = [
    ("Microsoft 62 in Redmond", {"company": "Microsoft", "level": "62", "location": "Redmond"}),
    (
        "Microsoft 62 ML/AI in Redmond",
        {"company": "Microsoft", "level": "62", "tag": "ML / AI", "location": "Redmond"},
    ),
    ("Amazon L6 anywhere", {"company": "Amazon", "level": "L6"}),
    ("Amazon, every level, anywhere (the largest cell)", {"company": "Amazon"}),
]


def _schema_url(schema: str) -> str:
    return f"{PG_SERVER}?options=-csearch_path%3D{schema}"


def _generate(url: str, rows: int) -> dict[str, Any]:
    """Records up to ``rows`` in all: the real ones in turn, amounts varied, a source of their
    own; indexes dropped for the load and built after it."""
    from sqlalchemy import text

    from offerlab.store import Store
    from offerlab.store.backends import RECORD_INDEXES

    with Store(url) as store, store.engine.begin() as conn:
        real = int(conn.execute(text("SELECT count(*) FROM records")).scalar_one())
        extra = max(rows - real, 0)
        source = conn.execute(
            text(
                "INSERT INTO sources (name, location, licence, format, content_hash, size_bytes, "
                "imported_at, rows_read, rows_added, rows_duplicate, rows_skipped) VALUES "
                "('synthetic', 'generate_series', 'benchmark data', 'csv', :h, 0, now(), :n, :n, "
                "0, 0) RETURNING id"
            ),
            {"h": f"synthetic-{rows}", "n": extra},
        ).scalar_one()
        for name, _ in RECORD_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        conn.execute(
            text(
                "CREATE TEMP TABLE real_rows AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, "
                "* FROM records"
            )
        )
        started = time.perf_counter()
        conn.execute(
            text(
                "INSERT INTO records (source_id, record_key, external_id, company_raw, title_raw, "
                "tag_raw, level_raw, location_raw, currency, base, stock, bonus, total, "
                "years_experience, years_at_company, reported_on) "
                "SELECT :s, -(g + 1), NULL, r.company_raw, r.title_raw, r.tag_raw, r.level_raw, "
                "r.location_raw, r.currency, "
                "CASE WHEN r.base > 0 THEN r.base + (g % 5) * 500 ELSE r.base END, r.stock, "
                "r.bonus, r.total + (g % 7) * 1000, r.years_experience, r.years_at_company, "
                "r.reported_on FROM generate_series(0, :last) g "
                "JOIN real_rows r ON r.i = g % :real"
            ),
            {"s": source, "last": extra - 1, "real": real},
        )
        loaded = time.perf_counter() - started
        for name, on in RECORD_INDEXES:
            conn.execute(text(f"CREATE INDEX {name} ON records ({on})"))
        indexed = time.perf_counter() - started - loaded
    with Store(url) as store, store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE records"))
    return {"records": real + extra, "load_seconds": loaded, "index_seconds": indexed}


def _cells(url: str) -> dict[str, Any]:
    """Compute every cell, in a child process (its peak memory is its own)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.market_worker", "cells", url],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def _location_of(kind: str, label: str, first_member: str) -> str:
    """A ``--location`` text that names the place of a cell."""
    names = label.split(": ", 1)[1]
    if kind == "city":
        return first_member
    if kind == "region":
        return names.split(", ")[0]
    return names


def _mix(url: str, seed: int = 13) -> list[tuple[str, dict[str, str]]]:
    """The named cells and ``RANDOM_CELLS`` cells of every size (n of at least 5, in USD),
    each one checked to be answered by a cell with that n."""
    from sqlalchemy import text

    from offerlab.market.ports import RecordQuery
    from offerlab.store import MarketRepository, Store
    from offerlab.store.cells import places_of

    rng = random.Random(seed)
    picked: list[tuple[str, dict[str, str]]] = [
        (label, {**params, "currency": "USD"}) for label, params in NAMED
    ]
    with Store(url) as store:
        repo = MarketRepository(store)
        with store.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT company, level, specialty, place, n FROM market_cells "
                    "WHERE n >= 5 AND currency = 'USD' ORDER BY company, level, specialty, place"
                )
            ).all()
        locations = repo.records.rows(
            "SELECT location_raw, city, region, country, metro FROM location_norm"
        )
        places = {p.key: p for p in places_of(tuple(r) for r in locations)}
        # Cells of every size: pick a number of digits of n first, then a cell.
        by_size: dict[int, list[Any]] = {}
        for row in rows:
            by_size.setdefault(len(str(row[4])), []).append(row)
        tries = 0
        while len(picked) < len(NAMED) + RANDOM_CELLS and tries < 20 * RANDOM_CELLS:
            tries += 1
            company, level, special, place, n = rng.choice(by_size[rng.choice(sorted(by_size))])
            params = {"company": company, "currency": "USD"}
            if level:
                params["level"] = level
            if special:
                params["tag"] = special
            if place:
                found = places[place]
                params["location"] = _location_of(found.kind, found.label, found.members[0])
            query = RecordQuery(
                company=company,
                level=params.get("level"),
                tag=params.get("tag"),
                location=params.get("location"),
                currency="USD",
            )
            key = repo._cell_key(query)
            answer = repo.records.cell_summary(key) if key is not None else None
            if answer is None or answer.summary is None or answer.summary.n != n:
                continue  # a place that several names share, a level as reported twice...
            if not _answered(repo, params):
                continue  # a level off the company's ladder: an error, not a band
            picked.append((f"n={n}", params))
    return picked


def _answered(repo: Any, params: dict[str, str]) -> bool:
    """Whether ``market bands`` answers ``params`` (a level as reported that the company's
    ladder does not have is a 404)."""
    from offerlab.errors import InputError, NotFoundError
    from offerlab.market.service import market_evidence

    try:
        market_evidence(
            repo,
            company=params["company"],
            level=params.get("level"),
            tag=params.get("tag"),
            location=params.get("location"),
            currency=params.get("currency"),
        )
    except (InputError, NotFoundError):
        return False
    return True


def _percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 (nearest rank) of ``latencies``, in ms."""
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1e3, p99 * 1e3


def _single(label: str, calls: list[Any], rounds: int) -> tuple[Figure, tuple[float, float]]:
    """One client: every call of the mix in turn, ``rounds`` times (after one round to warm)."""
    for call in calls:
        call()
    latencies = []
    before = _cpu_pressure()
    for _ in range(rounds):
        for call in calls:
            started = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - started)
    p50, p99 = _percentiles(latencies)
    return (
        Figure(
            f"hosted: {label}, one client, mix of {len(calls)} cells, p99",
            p99,
            "ms",
            note=f"p50 {p50:,.2f} ms, {len(latencies)} queries, before: {before}",
        ),
        (p50, p99),
    )


def _concurrent(
    label: str, clients: list[Any], seconds: float
) -> tuple[Figure, tuple[float, float]]:
    """``CONCURRENCY`` threads, each calling its own list of calls in turn for ``seconds``
    (``clients[i]`` is thread i's)."""
    latencies: list[float] = []
    lock = threading.Lock()
    until = time.perf_counter() + seconds

    def client(calls: list[Any]) -> None:
        mine = []
        while time.perf_counter() < until:
            for call in calls:
                if time.perf_counter() >= until:
                    break
                started = time.perf_counter()
                call()
                mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    before = _cpu_pressure()
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(calls,)) for calls in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    p50, p99 = _percentiles(latencies)
    return (
        Figure(
            f"hosted: {label}, {len(clients)} clients, p99",
            p99,
            "ms",
            note=f"p50 {p50:,.2f} ms, {len(latencies) / elapsed:,.1f} queries/s, "
            f"{len(latencies)} queries in {elapsed:.0f} s, before: {before}",
        ),
        (p50, p99),
    )


def _turns(calls: list[Any], index: int) -> list[Any]:
    """The mix as client ``index`` goes through it (each client starts elsewhere)."""
    start = index % len(calls)
    return calls[start:] + calls[:start]


def _cells_figures(url: str, mix: list[tuple[str, dict[str, str]]]) -> list[Figure]:
    """Bands from the cells: ``band()`` over a repository made for the query, one client,
    then ``CONCURRENCY`` threads sharing one store (as a web worker's threads do)."""
    from offerlab.market.bands import band
    from offerlab.store import MarketRepository, Store

    figures = []
    with Store(url) as store:

        def call(params: dict[str, str]) -> Any:
            return lambda: band(
                MarketRepository(store, per_query=True),
                company=params["company"],
                level=params.get("level"),
                tag=params.get("tag"),
                location=params.get("location"),
                currency=params.get("currency"),
            )

        calls = [call(params) for _, params in mix]
        single, one = _single("bands from the cells", calls, 10)
        figures.append(single)
        several, many = _concurrent(
            f"bands from the cells, mix of {len(mix)} cells",
            [_turns(calls, i) for i in range(CONCURRENCY)],
            RAW_SECONDS,
        )
        figures.append(several)
    _RATIOS["cells"] = (one, many)
    return figures


#: p50/p99 (ms) of each peer, one client and 32: (one, many), for the ratios.
_RATIOS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}


def _raw_sql(url: str, params: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """The raw query: ``percentile_cont`` of each component over the records the repository's
    own filter selects (the names resolved to reported spellings first, as it does)."""
    from offerlab.market.ports import RecordQuery
    from offerlab.market.stats import COMPONENTS
    from offerlab.store import MarketRepository, Store

    with Store(url) as store:
        repo = MarketRepository(store)
        found = repo.where(
            RecordQuery(
                company=params["company"],
                level=params.get("level"),
                tag=params.get("tag"),
                location=params.get("location"),
                currency=params.get("currency"),
            )
        )
    assert found is not None
    figures = ", ".join(
        f"count(*) FILTER (WHERE r.{c} > 0), "
        f"percentile_cont(ARRAY[0.1, 0.25, 0.5, 0.75, 0.9]) WITHIN GROUP "
        f"(ORDER BY CAST(r.{c} AS DOUBLE PRECISION)) FILTER (WHERE r.{c} > 0)"
        for c in COMPONENTS
    )
    return (
        f"SELECT count(*), {figures} FROM records r{found.joins} WHERE {found.condition}",
        found.params,
    )


def _raw_figures(url: str, mix: list[tuple[str, dict[str, str]]]) -> list[Figure]:
    """The raw SQL: each named cell best of three (with its n), one client through the mix,
    then ``CONCURRENCY`` threads at once, each with a connection of its own."""
    from sqlalchemy import create_engine, text

    queries = [_raw_sql(url, params) for _, params in mix]
    engine = create_engine(url, pool_size=CONCURRENCY, max_overflow=0)
    figures = []
    try:
        for (label, _), (sql, bound) in zip(mix[: len(NAMED)], queries, strict=False):
            best = float("inf")
            n = 0
            for _ in range(3):
                with engine.connect() as conn:
                    started = time.perf_counter()
                    row = conn.execute(text(sql), bound).one()
                    best = min(best, time.perf_counter() - started)
                    n = int(row[0])
            figures.append(
                Figure(
                    f"hosted: raw percentile_cont SQL, one client ({label})",
                    best * 1e3,
                    "ms",
                    note=f"n={n:,}, best of 3, {_cpu_pressure()}",
                )
            )
        with engine.connect() as conn:

            def call(sql: str, bound: dict[str, Any]) -> Any:
                return lambda: conn.execute(text(sql), bound).one()

            single, one = _single(
                "raw percentile_cont SQL", [call(sql, bound) for sql, bound in queries], 1
            )
        figures.append(single)
        connections = [engine.connect() for _ in range(CONCURRENCY)]
        try:
            clients = [
                _turns([_bind(conn, sql, bound) for sql, bound in queries], i)
                for i, conn in enumerate(connections)
            ]
            several, many = _concurrent(
                f"raw percentile_cont SQL, mix of {len(mix)} cells", clients, RAW_SECONDS
            )
        finally:
            for conn in connections:
                conn.close()
        figures.append(several)
    finally:
        engine.dispose()
    _RATIOS["raw"] = (one, many)
    return figures


def _bind(conn: Any, sql: str, bound: dict[str, Any]) -> Any:
    from sqlalchemy import text

    statement = text(sql)
    return lambda: conn.execute(statement, bound).one()


def _ratio_figures() -> list[Figure]:
    """The raw SQL's latency over the cells', one client and 32, p50 and p99."""
    if "cells" not in _RATIOS or "raw" not in _RATIOS:
        return []
    out = []
    for index, clients in ((0, "one client"), (1, f"{CONCURRENCY} clients")):
        cells, raw = _RATIOS["cells"][index], _RATIOS["raw"][index]
        out.append(
            Figure(
                f"hosted: raw percentile_cont SQL / bands from the cells, {clients}, p50",
                raw[0] / cells[0],
                "x",
                note=f"p99: {raw[1] / cells[1]:,.1f}x",
            )
        )
    return out


async def _client(
    port: int, paths: list[str], until: float, latencies: list[float], errors: list[str]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        index = 0
        while time.perf_counter() < until:
            path = paths[index % len(paths)]
            index += 1
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status.startswith(b"HTTP/1.1 200"):
                errors.append(f"{status.decode().strip()} {path}")
    finally:
        writer.close()


async def _load(
    port: int, paths: list[str], seconds: float
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(
            _client(
                port, paths[i % len(paths) :] + paths[: i % len(paths)], until, latencies, errors
            )
            for i in range(CONCURRENCY)
        )
    )
    return latencies, errors, time.perf_counter() - started


def _api(url: str, mix: list[tuple[str, dict[str, str]]]) -> list[Figure]:
    paths = ["/api/v1/bands?" + urllib.parse.urlencode(params) for _, params in mix]
    port = _free_port()
    env = os.environ | {"BENCH_DB": url}
    server = _start_server(port, WORKERS, env)
    try:
        asyncio.run(_load(port, paths, 3.0))  # warm: each worker's place lookups
        before = _cpu_pressure()
        latencies, errors, elapsed = asyncio.run(_load(port, paths, SECONDS))
        after = _cpu_pressure()
    finally:
        server.terminate()
        server.wait(timeout=20)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    setup = f"{CONCURRENCY} conn, {WORKERS} workers, mix of {len(mix)} cells"
    return [
        Figure(
            f"hosted: GET /api/v1/bands over {ROWS:,} records, {setup}, p99",
            p99 * 1e3,
            "ms",
            goal="< 100 ms",
            note=f"p50 {p50 * 1e3:.1f} ms, {len(errors)} errors"
            + (f" (first: {errors[0]})" if errors else "")
            + f", before: {before}, after: {after}",
        ),
        Figure(
            f"hosted: GET /api/v1/bands throughput, {setup}",
            len(latencies) / elapsed,
            "req/s",
            note=f"{len(latencies):,} requests in {elapsed:.0f} s",
        ),
    ]


def run() -> list[Figure]:
    if not REAL_CSV.is_file():
        return [Figure("hosted: skipped", 0, "", note=f"{REAL_CSV} is absent")]
    if not _postgres_up():
        return [Figure("hosted: skipped", 0, "", note="PostgreSQL is unreachable")]
    from sqlalchemy import create_engine, text

    from offerlab.store import MarketRepository, Store

    if REUSE:
        return _queries(_schema_url(REUSE))
    admin = create_engine(PG_SERVER)
    schema = f"bench_hosted_{os.getpid()}"
    url = _schema_url(schema)
    figures: list[Figure] = []
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        started = time.perf_counter()
        with Store(url) as store:
            MarketRepository(store).import_file(REAL_CSV)
        figures.append(
            Figure(
                "hosted: import the real 62,642-row file into PostgreSQL, cells included",
                time.perf_counter() - started,
                "s",
                note=_cpu_pressure(),
            )
        )
        made = _generate(url, ROWS)
        figures.append(
            Figure(
                f"hosted: make {made['records']:,} records in PostgreSQL (generate_series)",
                made["load_seconds"] + made["index_seconds"],
                "s",
                note=f"load {made['load_seconds']:.0f} s, indexes {made['index_seconds']:.0f} s",
            )
        )
        before = _cpu_pressure()
        cells = _cells(url)
        figures.append(
            Figure(
                f"hosted: compute every cell over {made['records']:,} records",
                cells["seconds"],
                "s",
                note=f"{cells['cells']:,} cells, peak RSS {cells['rss_mb']:,.0f} MB, "
                f"before: {before}",
            )
        )
        figures += _queries(url)
    finally:
        if KEEP:
            print(f"hosted: schema {schema} kept", file=sys.stderr)
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return figures


def _queries(url: str) -> list[Figure]:
    """Steps 3-6 over the records and cells of ``url``."""
    mix = _mix(url)
    figures = _cells_figures(url, mix)
    figures += _raw_figures(url, mix)
    figures += _ratio_figures()
    figures += _api(url, mix)
    return figures
