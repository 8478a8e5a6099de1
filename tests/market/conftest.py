"""Market fixtures: the real levels.fyi file imported once per session, a temp home per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offerlab.store import MarketRepository, Store

SHARED_DATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()
REAL_CSV = SHARED_DATA / "levels_fyi_salaries_2017_2021.csv"
OEWS_CSV = SHARED_DATA / "bls_oews_may2025_tech.csv"
INDIA_JSON = SHARED_DATA / "leetcode_india_offers_2025_2026.json"


@pytest.fixture(scope="session")
def real_csv() -> Path:
    if not REAL_CSV.is_file():
        pytest.skip(f"the real data file {REAL_CSV} is absent (it sits beside the repo in CI)")
    return REAL_CSV


def _shared(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"the real data file {path} is absent (it sits beside the repo in CI)")
    return path


@pytest.fixture(scope="session")
def oews_csv() -> Path:
    return _shared(OEWS_CSV)


@pytest.fixture(scope="session")
def india_json() -> Path:
    return _shared(INDIA_JSON)


@pytest.fixture(scope="session")
def real_store_url(real_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite (+ DuckDB) store holding the real file, imported once; tests only read it."""
    home = tmp_path_factory.mktemp("real-home")
    url = f"sqlite:///{home / 'offerlab.sqlite3'}"
    with Store(url) as store:
        MarketRepository(store).import_file(real_csv)
    return url


@pytest.fixture
def real_repo(real_store_url: str) -> Iterator[MarketRepository]:
    with Store(real_store_url) as store:
        yield MarketRepository(store)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty OFFERLAB_HOME for this test (the default store lives there)."""
    path = tmp_path / "home"
    monkeypatch.setenv("OFFERLAB_HOME", str(path))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def repo(home: Path) -> Iterator[MarketRepository]:
    with Store(f"sqlite:///{home / 'offerlab.sqlite3'}") as store:
        yield MarketRepository(store)
