"""Web: requests/s and p99 latency of ``POST /api/v1/evaluate`` at 32 concurrent connections,
beside a minimal FastAPI endpoint returning a constant, measured in the same run; and the
server-side render time of the pages.

The server is uvicorn in a subprocess on a loopback port (one worker); the load comes from
32 keep-alive HTTP/1.1 connections in one asyncio process on the same machine, so client and
server share its cores. Bounded: a fixed number of seconds per endpoint.
"""

from __future__ import annotations

import asyncio
import json
import os
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


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url) as response:
        body: bytes = response.read()
        return body


def _offer_body() -> bytes:
    data = tomllib.loads((EXAMPLES / "google-l5-kirkland.toml").read_text())
    data["start_date"] = data["start_date"].isoformat()
    return json.dumps(data).encode()


def run() -> list[Figure]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as home:
        env = os.environ | {
            "OFFERLAB_HOME": home,
            "BENCH_DB": f"sqlite:///{home}/bench.sqlite3",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "bench.web_app:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            body = _offer_body()
            evaluate = _request("POST", "/api/v1/evaluate", body)
            constant = _request("GET", "/bench/constant")
            asyncio.run(_load(port, evaluate, 1.0))  # warm up
            const_rps, const_p99, const_err = asyncio.run(_load(port, constant, SECONDS))
            eval_rps, eval_p99, eval_err = asyncio.run(_load(port, evaluate, SECONDS))
            figures = [
                Figure(
                    "web: GET constant endpoint (minimal FastAPI), 32 connections",
                    const_rps,
                    "req/s",
                    note=f"p99 {const_p99 * 1e3:.1f} ms, {const_err} errors",
                ),
                Figure(
                    "web: POST /api/v1/evaluate (Google L5), 32 connections",
                    eval_rps,
                    "req/s",
                    goal=">= 1,000 req/s",
                    note=f"{eval_err} errors",
                ),
                Figure(
                    "web: POST /api/v1/evaluate p99 latency, 32 connections",
                    eval_p99 * 1e3,
                    "ms",
                    goal="< 50 ms",
                ),
            ]
            ids = []
            for _ in range(2):
                created = urllib.request.Request(
                    f"{base}/api/v1/offers",
                    data=body,
                    headers={"content-type": "application/json"},
                )
                ids.append(json.loads(urllib.request.urlopen(created).read())["id"])
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
        finally:
            server.terminate()
            server.wait(timeout=10)
