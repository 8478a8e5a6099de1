"""Shared fixtures: paths to the bundled examples and to ../shared/data."""

from __future__ import annotations

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
