"""Where the store lives (OFFERLAB_HOME, --db, OFFERLAB_DATABASE_URL) and `offerlab db upgrade`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from offerlab.cli import app
from offerlab.config import data_dir, database_url
from offerlab.errors import InputError
from offerlab.store.columnar import columnar_path
from offerlab.store.database import head_revision

runner = CliRunner()


def test_home_overrides_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path / "h"))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)
    assert data_dir() == tmp_path / "h"
    assert (tmp_path / "h").is_dir()
    assert database_url() == f"sqlite:///{tmp_path / 'h' / 'offerlab.sqlite3'}"


def test_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path))
    monkeypatch.setenv("OFFERLAB_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_bad_url(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="unsupported database URL"):
        database_url("oracle://x")


def test_columnar_file_sits_beside_sqlite() -> None:
    assert columnar_path("sqlite:////a/b/offerlab.sqlite3") == Path("/a/b/offerlab.market.duckdb")
    assert columnar_path("sqlite://") is None
    assert columnar_path("sqlite:///:memory:") is None


def test_db_upgrade_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFERLAB_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OFFERLAB_DATABASE_URL", raising=False)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.stderr
    assert f"migrated from empty to revision {head_revision()}" in result.stdout
    assert (tmp_path / "home" / "offerlab.sqlite3").is_file()
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0
    assert f"already at revision {head_revision()}" in again.stdout


def test_db_upgrade_unreachable_postgres(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "upgrade"]
    )
    assert result.exit_code == 2
    assert "cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_store_in_use_by_another_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from offerlab.errors import OfferlabError
    from offerlab.store import MarketRepository, Store, columnar

    monkeypatch.setattr(columnar, "LOCK_WAIT_SECONDS", 0.3)
    url = f"sqlite:///{tmp_path / 'offerlab.sqlite3'}"
    with Store(url) as store:
        assert MarketRepository(store).count() == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(60)",
            str(tmp_path / "offerlab.market.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        # (An empty store answers its queries without the market file; reading records
        # opens it.)
        with Store(url) as store, pytest.raises(OfferlabError, match="in use by another process"):
            store.records.rows("SELECT count(*) FROM records")
    finally:
        holder.kill()
        holder.wait()
