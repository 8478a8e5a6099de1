"""Web: requests/s and p99 latency of ``POST /api/v1/evaluate`` at 32 concurrent connections,
beside a minimal FastAPI endpoint returning a constant, measured in the same run; and the
server-side render time of the pages.

The server is uvicorn in a subprocess on a loopback port, with one worker and then two
(``BENCH_WEB_WORKERS=1,2``, the default). The load comes from 32 keep-alive HTTP/1.1
connections: ``wrk`` (a C load generator, one thread) when it is installed, else one asyncio
process here (``BENCH_WEB_GENERATOR=python`` forces it); each figure names the generator and
the worker count. Client and server share the machine's cores. Bounded: a fixed number of
seconds per endpoint.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from functools import partial
from pathlib import Path

from bench.common import Figure, best_of
from offerlab.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CONCURRENCY = 32
SECONDS = 4.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _request(method: str, path: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _worker(
    port: int, request: bytes, until: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not status_line.startswith(b"HTTP/1.1 2"):
                errors.append(1)
    finally:
        writer.close()


async def _load(port: int, request: bytes, seconds: float) -> tuple[float, float, int]:
    """Requests/s, p99 seconds and errors over ``seconds`` at CONCURRENCY connections."""
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(
        *(_worker(port, request, until, latencies, errors) for _ in range(CONCURRENCY))
    )
    elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, p99, len(errors)


_WRK_SCRIPT = """
local file = io.open(os.getenv("BENCH_BODY_FILE"), "rb")
wrk.method = os.getenv("BENCH_METHOD")
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
"""

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk_load(
    port: int, method: str, path: str, body: bytes, seconds: float
) -> tuple[float, float, int]:
    """Requests/s, p99 seconds and errors from ``wrk`` (one thread, CONCURRENCY connections)."""
    with tempfile.TemporaryDirectory() as work:
        script, body_file = Path(work, "request.lua"), Path(work, "body")
        script.write_text(_WRK_SCRIPT)
        body_file.write_bytes(body)
        result = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONCURRENCY}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}{path}",
            ],
            env=os.environ | {"BENCH_BODY_FILE": str(body_file), "BENCH_METHOD": method},
            capture_output=True,
            text=True,
            check=True,
        )
    out = result.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    if rps is None or p99 is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return float(rps.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)], errors


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        body: bytes = response.read()
        return body


def _offer_body() -> bytes:
    data = tomllib.loads((EXAMPLES / "google-l5-kirkland.toml").read_text())
    data["start_date"] = data["start_date"].isoformat()
    return json.dumps(data).encode()


def _cpu_pressure() -> str:
    """The share of the last 10 s that tasks waited for a CPU (other work on the machine)."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "cpu pressure unknown"
    found = re.search(r"avg10=([\d.]+)", line)
    return f"cpu pressure {found.group(1)} %" if found else "cpu pressure unknown"


def _generator() -> str:
    """``wrk`` when installed (and not overridden), else ``python``."""
    wanted = os.environ.get("BENCH_WEB_GENERATOR", "wrk")
    return "wrk" if wanted == "wrk" and shutil.which("wrk") else "python"


def _workers() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_WEB_WORKERS", "1,2").split(",") if n.strip()]


def _start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """uvicorn serving ``bench.web_app:app``: one worker as ``offerlab serve`` runs it, or
    several as ``offerlab serve --workers N`` does (``run_workers``); asyncio's loop and the
    httptools parser either way."""
    if workers == 1:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.web_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--loop",
            "asyncio",
            "--http",
            "httptools",
            "--log-level",
            "warning",
        ]
    else:
        command = [
            sys.executable,
            "-c",
            "from offerlab.web.workers import run_workers; "
            f"run_workers('bench.web_app:app', '127.0.0.1', {port}, {workers}, loop='asyncio')",
        ]
    server = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return server
        except OSError:
            if time.monotonic() > deadline:
                server.terminate()
                raise
            time.sleep(0.1)


def _throughput(port: int, workers: int, generator: str) -> list[Figure]:
    """Constant endpoint, then evaluate, each for SECONDS at CONCURRENCY connections."""
    body = _offer_body()

    def load(method: str, path: str, payload: bytes, seconds: float) -> tuple[float, float, int]:
        if generator == "wrk":
            return _wrk_load(port, method, path, payload, seconds)
        return asyncio.run(_load(port, _request(method, path, payload), seconds))

    load("POST", "/api/v1/evaluate", body, 1.0)  # warm up
    load("GET", "/bench/constant", b"", 1.0)
    before = _cpu_pressure()
    const_rps, const_p99, const_err = load("GET", "/bench/constant", b"", SECONDS)
    eval_rps, eval_p99, eval_err = load("POST", "/api/v1/evaluate", body, SECONDS)
    setup = f"{workers} worker{'s' if workers > 1 else ''}, {generator}"
    return [
        Figure(
            f"web: GET constant endpoint (minimal FastAPI), 32 conn, {setup}",
            const_rps,
            "req/s",
            note=f"p99 {const_p99 * 1e3:.1f} ms, {const_err} errors, before: {before}",
        ),
        Figure(
            f"web: POST /api/v1/evaluate (Google L5), 32 conn, {setup}",
            eval_rps,
            "req/s",
            goal=">= 1,000 req/s",
            note=f"{eval_err} errors, after: {_cpu_pressure()}",
        ),
        Figure(
            f"web: POST /api/v1/evaluate p99 latency, 32 conn, {setup}",
            eval_p99 * 1e3,
            "ms",
            goal="< 50 ms",
        ),
    ]


def _pages(base: str) -> list[Figure]:
    body = _offer_body()
    ids = []
    for _ in range(2):
        created = urllib.request.Request(
            f"{base}/api/v1/offers",
            data=body,
            headers={"content-type": "application/json"},
        )
        ids.append(json.loads(urllib.request.urlopen(created).read())["id"])
    figures = []
    for label, path in (
        ("offers list", "/offers"),
        ("offer page", f"/offers/{ids[0]}"),
        ("compare (2 offers, chart)", f"/compare?ids={ids[0]},{ids[1]}"),
        ("negotiate", f"/offers/{ids[0]}/negotiate"),
        ("market (bands by level, offer marked)", f"/market?offer={ids[0]}"),
        ("scenarios (2,000 paths, tax, ten years)", f"/offers/{ids[0]}/scenarios"),
        ("prep", "/prep"),
    ):
        seconds = best_of(partial(_get, base + path), number=5)
        figures.append(
            Figure(f"web: page {label}, one request", seconds * 1e3, "ms", goal="< 100 ms")
        )
    return figures


def run() -> list[Figure]:
    generator = _generator()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as home:
        db = f"sqlite:///{home}/bench.sqlite3"
        env = os.environ | {"OFFERLAB_HOME": home, "BENCH_DB": db}
        # Migrate once here, so that several workers starting at once find the store ready
        # (the evaluate and constant endpoints never touch the store).
        os.environ.setdefault("OFFERLAB_HOME", home)
        Store(db).close()
        for workers in _workers():
            port = _free_port()
            server = _start_server(port, workers, env)
            try:
                figures += _throughput(port, workers, generator)
                if workers == 1:
                    # Pages once, on one worker (the market page's DuckDB file opens in one
                    # process only).
                    figures += _pages(f"http://127.0.0.1:{port}")
            finally:
                server.terminate()
                server.wait(timeout=10)
    return figures
