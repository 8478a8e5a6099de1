"""A look at a SQLite store without opening it: has any market file been imported into it?

Opening the store loads SQLAlchemy (and checks the schema), which costs more than a command
that only reads the bundled data does in all. A question with an answer on disk is answered
here with the standard library; None means "open the store to know" (a server database).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["has_market_records", "has_pooled_offers"]


def has_market_records(url: str) -> bool | None:
    """Whether the store at ``url`` holds imported market records: False for a SQLite store
    that does not exist yet or has no source; None when only opening it can tell."""
    return _has_a_row(url, "sources")


def has_pooled_offers(url: str) -> bool | None:
    """Whether the store at ``url`` holds offers members shared (hosted mode): False for a
    SQLite store that does not exist or has none; None when only opening it can tell."""
    return _has_a_row(url, "pooled_offers")


def _has_a_row(url: str, table: str) -> bool | None:
    """Whether ``table`` of the SQLite store at ``url`` has a row: False when the store does
    not exist yet (or is in memory, new), None for a server database or a store this version
    cannot read unopened (an older one without the table, another program's file)."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split(":///", 1)[1] if ":///" in url else ""
    path = rest.split("?", 1)[0]
    if not path or path == ":memory:" or not Path(path).is_file():
        return False  # a new, empty database
    try:
        with sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True) as conn:
            return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return None
