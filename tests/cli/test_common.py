"""Shared CLI helpers: output files are written all or nothing."""

import ast
import os
import subprocess
import sys
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


HEAVY = (
    "sqlalchemy",
    "alembic",
    "duckdb",
    "numpy",
    "plotly",
    "icalendar",
    "jinja2",
    "fastapi",
    "tenforty",
    "pydantic",
)
EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "msft-l62-target.toml")
BANDS = ["market", "bands", "--company", "Microsoft", "--level", "62", "--location", "Redmond"]


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        # The root's help names every command without importing one.
        (["--help"], set()),
        (["--version"], set()),
        # An offer file is read (Pydantic) and evaluated; no tax table, store or market.
        (["offer", "show", EXAMPLE], {"pydantic"}),
        # The bundled market data answers (the scripts are Jinja templates); an empty store is
        # not opened, so no SQLAlchemy, DuckDB or NumPy.
        (["negotiate", EXAMPLE], {"pydantic", "jinja2"}),
        (BANDS, {"pydantic"}),
    ],
    ids=["help", "version", "offer show", "negotiate", "market bands"],
)
def test_a_command_imports_only_what_it_uses(
    argv: list[str], allowed: set[str], tmp_path: Path
) -> None:
    """Each command loads its own modules only (the root group is lazy: offerlab.cli.lazy)."""
    code = (
        "import sys\n"
        "from offerlab.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"heavy = {HEAVY!r}\n"
        "loaded = sorted(m for m in heavy if m in sys.modules)\n"
        "commands = sorted(m for m in sys.modules if m.startswith('offerlab.cli.'))\n"
        "print(loaded, commands, file=sys.stderr)\n"
    )
    env = {**os.environ, "OFFERLAB_HOME": str(tmp_path), "COLUMNS": "100"}
    env.pop("OFFERLAB_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, check=True
    )
    loaded, commands = (
        ast.literal_eval(part + "]") for part in result.stderr.strip().rstrip("]").split("] ")
    )
    assert set(loaded) <= allowed, loaded
    if argv[0].startswith("--"):
        assert set(commands) <= {"offerlab.cli.common", "offerlab.cli.lazy"}, commands
    else:
        assert f"offerlab.cli.{argv[0]}" in commands
        assert "offerlab.cli.prep" not in commands or argv[0] == "prep"
