"""Shared fixtures: paths to the bundled examples and to ../shared/data."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _private_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test keeps its local state (the default store) in a folder of its own, never in
    the user's data directory; tests that need a particular home set it themselves."""
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the real data folder {SHARED_DATA} is absent (it sits beside the repo in CI)")
    return SHARED_DATA


# --- Snapshots (the fava style): a test's output is compared with a file stored beside the
# tests; `pytest --snapshot-update` (or OFFERLAB_SNAPSHOT_UPDATE=1) rewrites the files instead,
# and `git diff tests/snapshots` then shows exactly what changed.
SNAPSHOTS = ROOT / "tests" / "snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--snapshot-update",
        action="store_true",
        default=False,
        help="rewrite tests/snapshots/ from the current output instead of comparing with it",
    )


class Snapshot:
    """Compares text with ``tests/snapshots/<name>``, or rewrites the file when updating."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def __call__(self, name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if not text.endswith("\n"):
            text += "\n"
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(
                f"no snapshot {path.relative_to(ROOT)}: run `pytest --snapshot-update` to write "
                "it, then review and commit it"
            )
        stored = path.read_text(encoding="utf-8")
        if stored != text:
            diff = "".join(
                difflib.unified_diff(
                    stored.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{name} (stored)",
                    f"{name} (now)",
                    n=2,
                )
            )
            pytest.fail(
                f"output differs from snapshot {path.relative_to(ROOT)} "
                f"(`pytest --snapshot-update` rewrites it if the change is intended):\n{diff}",
                pytrace=False,
            )


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Snapshot:
    update = bool(request.config.getoption("--snapshot-update")) or (
        os.environ.get("OFFERLAB_SNAPSHOT_UPDATE") == "1"
    )
    return Snapshot(update)
