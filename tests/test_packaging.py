"""The wheel carries every file of the package that is not Python: pyproject's package data
names them all (a template left out broke ``negotiate`` in an installed wheel). ``make test``
also builds the wheel and runs every command group from it (scripts/smoke_wheel.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "offerlab"


def test_package_data_names_every_file_that_is_not_python() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["offerlab"]
    covered = {path for pattern in patterns for path in PACKAGE.glob(pattern) if path.is_file()}
    needed = {
        path
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }
    missing = sorted(str(p.relative_to(PACKAGE)) for p in needed - covered)
    assert missing == []
    assert PACKAGE / "negotiate" / "templates" / "report.html.j2" in covered
