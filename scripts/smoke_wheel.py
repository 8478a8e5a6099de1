"""Smoke test of an installed offerlab wheel: every command group, from the installed package.

``make test`` builds the wheel, installs it into a fresh virtual environment and runs this
script with that environment's Python (``python -I``: nothing from the source tree or the user's
site is importable). It checks that every file of the package that is not Python (data, templates,
static files, migrations) was installed, then runs each command group as a user would, from the
installed ``offerlab`` executable, against the bundled examples, with its home and stores in a
temporary folder: offer show/compare/simulate/schema/schedules, market
import/bands/levels/map/sources/audit, negotiate (JSON, Markdown and HTML), career project,
prep plan/log/status, db upgrade, users add/list on SQLite, and serve, started and answering a
page and an API request. A failure names the command, its exit code and its output, and the
script exits 1.

    python -I scripts/smoke_wheel.py --src src/offerlab --examples examples
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

LEVELSFYI = (
    "timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,"
    "yearsatcompany,tag,basesalary,stockgrantvalue,bonus,gender,otherdetails,rowNumber\n"
    + "".join(
        f'6/7/2019 11:33:27,Microsoft,62,Software Engineer,{200000 + i},"Redmond, WA",5,2,'
        f"ML / AI,150000,30000,20000,NA,NA,{i}\n"
        for i in range(1, 8)
    )
)


class SmokeError(Exception):
    """A command that failed, with what it said."""


class Smoke:
    """Runs the installed ``offerlab`` with a private home, and checks what it says."""

    def __init__(self, executable: Path, home: Path) -> None:
        self.executable = executable
        self.home = home
        self.env = {
            **os.environ,
            "OFFERLAB_HOME": str(home),
            "COLUMNS": "160",
        }
        self.env.pop("OFFERLAB_DATABASE_URL", None)
        # The environment was installed without bytecode (faster): let the first run of each
        # module write it, so that the later commands start as they would for a user.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.ran = 0
        self.timings: list[tuple[float, str]] = []

    def run(self, *args: str, expect: int = 0, stdin: str | None = None) -> str:
        command = [str(self.executable), *args]
        began = time.monotonic()
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=self.env,
            input=stdin,
            timeout=300,
            check=False,
        )
        self.ran += 1
        self.timings.append((time.monotonic() - began, " ".join(args[:3])))
        if done.returncode != expect or "Traceback" in done.stderr:
            raise SmokeError(
                f"offerlab {' '.join(args)}: exit {done.returncode} (expected {expect})\n"
                f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json"))


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeError(what)


def package_files(src: Path) -> None:
    """Every file of the source package that is not Python is in the installed package."""
    installed = Path(str(resources.files("offerlab")))
    check(
        "site-packages" in installed.parts,
        f"offerlab is imported from {installed}, not from the installed wheel",
    )
    missing = [
        str(path.relative_to(src))
        for path in sorted(src.rglob("*"))
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
        and not (installed / path.relative_to(src)).is_file()
    ]
    check(not missing, "files missing from the wheel: " + ", ".join(missing))


def offers(smoke: Smoke, examples: Path, work: Path) -> None:
    target = str(examples / "msft-l62-target.toml")
    google = str(examples / "google-l5-kirkland.toml")
    shown = smoke.json("offer", "show", target)
    check(shown["four_year_total"] > 0, "offer show: no four-year total")
    taxed = smoke.json("offer", "show", target, "--residence", "New York, NY")
    check(taxed["years"][0]["taxes"]["state_income_tax"] > 0, "offer show --after-tax: no NY tax")
    smoke.run("offer", "show", target, "--events")
    compared = smoke.json("offer", "compare", target, google)
    check(len(compared["offers"]) == 2, "offer compare: not two offers")
    london = str(examples / "google-l5-london.toml")
    smoke.run("offer", "compare", target, london, "--currency", "USD")
    schema = json.loads(smoke.run("offer", "schema"))
    check("properties" in schema, "offer schema: not a JSON Schema")
    check(smoke.json("offer", "schedules")["schedules"], "offer schedules: none")
    html = work / "simulation.html"
    simulated = smoke.json(
        "offer", "simulate", target, google, "--paths", "500", "--seed", "7", "--html", str(html)
    )
    check(0 <= simulated["p_first_beats"][0] <= 1, "offer simulate: no probability")
    check("plotly" in html.read_text(encoding="utf-8").lower(), "offer simulate --html: no chart")


def market(smoke: Smoke, work: Path) -> None:
    band = smoke.json("market", "bands", "--company", "Microsoft", "--level", "62")
    check(band["shown"] and band["total"]["p50"] > 0, "market bands: no bundled band")
    check(smoke.json("market", "levels", "Microsoft")["levels"], "market levels: no ladder")
    mapped = smoke.json("market", "map", "--from", "Google:L5", "--to", "Microsoft")
    check(bool(mapped["to"]), "market map: no candidate")
    check(bool(smoke.json("market", "sources")), "market sources: none")
    smoke.json("market", "audit")
    csv = work / "records.csv"
    csv.write_text(LEVELSFYI, encoding="utf-8")
    smoke.run("market", "import", str(csv), "--json")
    imported = smoke.json("market", "bands", "--company", "Microsoft", "--level", "62")
    check(imported["basis"] == "records", "market bands after import: not from the records")
    restated = smoke.json(
        "market", "bands", "--company", "Microsoft", "--level", "62", "--as-of", "2026-01-01",
        "--growth", "3",
    )  # fmt: skip
    check(restated["as_of"] == "2026-01-01", "market bands --as-of: not restated")


def negotiate(smoke: Smoke, examples: Path, work: Path) -> None:
    initial = str(examples / "msft-l62-initial.toml")
    google = str(examples / "google-l5-kirkland.toml")
    profile = str(examples / "profiles" / "alex.toml")
    plan = smoke.json("negotiate", initial, "--competing", google, "--profile", profile)
    check(bool(plan), "negotiate --json: empty")
    report = work / "plan.html"
    smoke.run("negotiate", initial, "--competing", google, "--format", "html", "--out", str(report))
    check(report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html"),
          "negotiate --format html: not a page")  # fmt: skip
    check("#" in smoke.run("negotiate", initial, "--format", "md"), "negotiate --format md")
    smoke.run("negotiate", initial)


def career(smoke: Smoke, examples: Path) -> None:
    target = str(examples / "msft-l62-target.toml")
    path = smoke.json("career", "project", target, "--years", "6")
    check(len(path["years"]) == 6, "career project: not six years")
    plan = str(examples / "promotions" / "msft-62-two-launches.toml")
    other = str(examples / "google-l5-kirkland.toml")
    compared = smoke.json("career", "project", target, "--promotions", plan, "--compare", other)
    check("difference" in compared, "career project --compare: no difference")


def prep(smoke: Smoke, work: Path) -> None:
    interview = (date.today() + timedelta(days=40)).isoformat()
    smoke.run("prep", "pipelines")
    ics = work / "plan.ics"
    plan = smoke.json(
        "prep", "plan", "--interview-date", interview, "--hours-per-week", "10",
        "--save", "loop", "--ics", str(ics),
    )  # fmt: skip
    check(bool(plan["weeks"]) and ics.read_text().startswith("BEGIN:VCALENDAR"), "prep plan")
    smoke.run(
        "prep", "log", "practice", "--skill", "coding", "--problem", "LRU cache",
        "--minutes", "45", "--outcome", "partial", "--mistake", "forgot the move to front",
    )  # fmt: skip
    smoke.run("prep", "log", "mock", "--score", "onsite_coding=3")
    status = smoke.json("prep", "status")
    check(status["plan"] == "loop" and status["hours"]["done_to_date"] > 0, "prep status")
    smoke.run("prep", "plans")


def store_and_users(smoke: Smoke, work: Path) -> str:
    db = f"sqlite:///{work / 'hosted.sqlite3'}"
    smoke.run("db", "upgrade", "--db", db)
    smoke.run("users", "add", "alice", "--password-stdin", "--db", db, stdin="correct horse 42\n")
    check("alice" in smoke.run("users", "list", "--db", db), "users list: no alice")
    return db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"content-type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status), response.read()


def serve(smoke: Smoke, work: Path) -> None:
    """Start ``offerlab serve`` on a free port, ask it for a page and an API answer, stop it."""
    port = _free_port()
    db = f"sqlite:///{work / 'serve.sqlite3'}"
    server = subprocess.Popen(
        [str(smoke.executable), "serve", "--port", str(port), "--db", db],
        env=smoke.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                said = server.stdout.read() if server.stdout else ""
                raise SmokeError(f"offerlab serve exited {server.returncode}: {said}")
            try:
                status, page = _get(f"{base}/offers")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise SmokeError("offerlab serve: no answer within 60 s") from None
                time.sleep(0.3)
        check(status == 200 and b"<html" in page.lower(), "serve: /offers is not a page")
        offer = {
            "company": "Microsoft", "title": "SDE II", "level": "62", "location": "Redmond, WA",
            "base": 180000, "bonus_target_pct": 10,
        }  # fmt: skip
        status, body = _get(f"{base}/api/v1/evaluate", json.dumps(offer).encode())
        check(status == 200 and json.loads(body)["year1_total"] == 198000, "serve: evaluate")
        smoke.ran += 1
    finally:
        server.send_signal(signal.SIGTERM)  # the server this script started, by its process
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, required=True, help="the source package (src/offerlab)")
    parser.add_argument("--examples", type=Path, required=True, help="the examples folder")
    args = parser.parse_args(argv)
    executable = Path(sys.executable).with_name("offerlab")
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="offerlab-smoke-"))
    smoke = Smoke(executable, work / "home")
    try:
        package_files(args.src.resolve())
        smoke.run("--version")
        smoke.run("--help")
        offers(smoke, args.examples.resolve(), work)
        market(smoke, work)
        negotiate(smoke, args.examples.resolve(), work)
        career(smoke, args.examples.resolve())
        prep(smoke, work)
        store_and_users(smoke, work)
        serve(smoke, work)
    except SmokeError as error:
        print(f"wheel smoke test FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    slowest = ", ".join(f"{what} {took:.1f} s" for took, what in sorted(smoke.timings)[-3:])
    print(
        f"wheel smoke test: {smoke.ran} commands from the installed wheel passed "
        f"({time.monotonic() - started:.0f} s; slowest: {slowest})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
