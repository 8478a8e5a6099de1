"""``offerlab serve`` builds the app over the database asked for and hands it to uvicorn."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner
from uvicorn.supervisors import Multiprocess

from offerlab.cli import app
from offerlab.web import Settings
from offerlab.web.app import SETTINGS_ENV, app_from_env
from offerlab.web.workers import spread_connections
from tests.web.serving import free_port


def test_serve_builds_the_app_and_runs_uvicorn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    calls: list[dict[str, Any]] = []

    def fake_run(served: FastAPI, **kwargs: Any) -> None:
        calls.append({"app": served, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--db", url])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/offers" in result.output
    (call,) = calls
    assert call["host"] == "127.0.0.1"
    assert call["port"] == 8123
    assert call["app"].state.settings.database_url == url
    assert (tmp_path / "serve.sqlite3").exists()


@pytest.mark.postgres
def test_several_workers_each_build_the_app_from_the_settings_handed_over(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
):
    calls: list[dict[str, Any]] = []

    def fake_run(self: Multiprocess) -> None:
        calls.append({"config": self.config, "listeners": list(self.sockets)})

    monkeypatch.setattr(Multiprocess, "run", fake_run)
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    port = free_port()
    result = CliRunner().invoke(
        app, ["serve", "--port", str(port), "--db", pg_url, "--workers", "2", "--hosted"]
    )
    assert result.exit_code == 0, result.output
    assert f"offerlab on 127.0.0.1:{port} (hosted, 0 accounts)" in result.output
    assert "2 worker processes" in result.output
    (call,) = calls
    config: uvicorn.Config = call["config"]
    assert config.app == "offerlab.web.app:app_from_env"
    assert config.factory is True
    assert config.workers == 2
    # On Linux a socket per worker (the kernel spreads connections over them), else one they
    # share; TCP sockets, so that asyncio turns Nagle off on the connections it accepts.
    listeners = call["listeners"]
    assert len(listeners) == (2 if spread_connections() else 1)
    for listener in listeners:
        assert listener.proto == socket.IPPROTO_TCP
        assert listener.getsockname() == ("127.0.0.1", port)
        listener.close()
    # What a worker process does: build the app from the settings in its environment.
    served = app_from_env()
    assert served.state.settings == Settings(db=pg_url, hosted=True)
    served.state.store.close()


def test_several_workers_over_the_default_store_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("uvicorn started"))
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    result = CliRunner().invoke(app, ["serve", "--db", url, "--workers", "2"])
    assert result.exit_code != 0
    assert "needs a PostgreSQL store" in result.output


def test_a_worker_without_settings_says_how_to_start(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    with pytest.raises(RuntimeError, match="offerlab serve"):
        app_from_env()


def test_serve_hosted_says_how_many_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    calls: list[FastAPI] = []
    monkeypatch.setattr(uvicorn, "run", lambda served, **kwargs: calls.append(served))
    url = f"sqlite:///{tmp_path / 'hosted.sqlite3'}"
    empty = CliRunner().invoke(app, ["serve", "--db", url, "--hosted"])
    assert empty.exit_code == 0, empty.output
    assert "hosted, 0 accounts" in empty.stdout
    assert "no accounts yet; add one with: offerlab users add NAME" in empty.stderr
    added = CliRunner().invoke(
        app, ["users", "add", "ana", "--password-stdin", "--db", url], input="a long pass phrase"
    )
    assert added.exit_code == 0, added.output
    one = CliRunner().invoke(app, ["serve", "--db", url, "--hosted"])
    assert "hosted, 1 account)" in one.stdout
    assert [served.state.settings.hosted for served in calls] == [True, True]
    for served in calls:
        served.state.store.close()
