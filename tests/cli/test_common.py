"""Shared CLI helpers: output files are written all or nothing."""

from pathlib import Path

import pytest

from offerlab.cli.common import write_file
from offerlab.errors import InputError


def test_write_file_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("old")
    write_file(target, "new text", "--out")
    assert target.read_text() == "new text"
    write_file(target, b"bytes", "--ics")
    assert target.read_bytes() == b"bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]  # no temporary left behind


def test_write_file_refuses_folders_and_missing_parents(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        write_file(tmp_path, "x", "--out")
    with pytest.raises(InputError, match="does not exist"):
        write_file(tmp_path / "no" / "plan.md", "x", "--out")


def test_the_cli_starts_without_loading_the_store() -> None:
    # The store (SQLAlchemy, Alembic, DuckDB) loads only in the commands that use it, so
    # `offerlab --help` and `offer show` start quickly.
    import subprocess
    import sys

    code = (
        "import sys, offerlab.cli; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'duckdb') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
