"""The columnar side of the store: a DuckDB file holding records and the normalisation maps.

Same table and column names as :mod:`offerlab.store.models` (``records`` has no surrogate
``id``: rows are identified by ``record_key``), so one SQL text queries either side. The schema
is versioned in the ``meta`` table and created or upgraded when the file is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import duckdb

__all__ = ["COLUMNAR_SCHEMA_VERSION", "columnar_path", "connect_columnar", "create_schema"]

COLUMNAR_SCHEMA_VERSION: Final = 1

_DDL: Final = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS records (
        source_id INTEGER,
        record_key BIGINT,
        external_id VARCHAR,
        company_raw VARCHAR,
        title_raw VARCHAR,
        tag_raw VARCHAR,
        level_raw VARCHAR,
        location_raw VARCHAR,
        currency VARCHAR,
        base DECIMAL(14, 2),
        stock DECIMAL(14, 2),
        bonus DECIMAL(14, 2),
        total DECIMAL(14, 2),
        years_experience DECIMAL(6, 2),
        years_at_company DECIMAL(6, 2),
        reported_on DATE
    )""",
    "CREATE TABLE IF NOT EXISTS company_norm (company_raw VARCHAR PRIMARY KEY, company VARCHAR)",
    """CREATE TABLE IF NOT EXISTS level_norm (
        company_raw VARCHAR, level_raw VARCHAR, level VARCHAR, PRIMARY KEY (company_raw, level_raw)
    )""",
    "CREATE TABLE IF NOT EXISTS title_norm (title_raw VARCHAR PRIMARY KEY, title_family VARCHAR)",
    """CREATE TABLE IF NOT EXISTS specialty_norm (
        tag_raw VARCHAR, title_raw VARCHAR, specialty VARCHAR, PRIMARY KEY (tag_raw, title_raw)
    )""",
    """CREATE TABLE IF NOT EXISTS location_norm (
        location_raw VARCHAR PRIMARY KEY,
        city VARCHAR, region VARCHAR, country VARCHAR, metro VARCHAR
    )""",
)


def columnar_path(sqlite_url: str) -> Path | None:
    """The DuckDB file beside a SQLite database file (None for an in-memory SQLite)."""
    rest = sqlite_url.split(":///", 1)[1] if ":///" in sqlite_url else ""
    path = rest.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    db = Path(path)
    return db.with_name(db.stem + ".market.duckdb")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the columnar tables if they are missing and record the schema version."""
    for statement in _DDL:
        con.execute(statement)
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', $v)", {"v": str(COLUMNAR_SCHEMA_VERSION)}
        )
    elif int(row[0]) > COLUMNAR_SCHEMA_VERSION:
        raise RuntimeError(
            f"the analytics file has schema version {row[0]}, newer than this offerlab "
            f"({COLUMNAR_SCHEMA_VERSION}); upgrade offerlab"
        )


def connect_columnar(path: Path | None) -> duckdb.DuckDBPyConnection:
    """Open (creating) the DuckDB file, or an in-memory database for ``None``."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path) if path is not None else ":memory:")
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    # Records have no order; letting DuckDB write them in any order loads ~30 % faster.
    con.execute("SET preserve_insertion_order = false")
    create_schema(con)
    return con
