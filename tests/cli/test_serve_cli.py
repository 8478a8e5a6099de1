"""``offerlab serve`` builds the app over the database asked for and hands it to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from offerlab.cli import app


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
