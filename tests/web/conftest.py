"""Web fixtures: an app over a fresh SQLite store, its test client, offers as JSON bodies."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offerlab.web import Settings, create_app
from tests.store.conftest import pg_url  # noqa: F401 - the PostgreSQL schema fixture


def offer_body(path: Path) -> dict[str, Any]:
    """An example offer file as the JSON an API client sends (dates as text)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if "start_date" in data:
        data["start_date"] = data["start_date"].isoformat()
    return data


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'web' / 'offerlab.sqlite3'}"


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(db=db_url, max_body_bytes=64 * 1024))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def google(examples: Path) -> dict[str, Any]:
    return offer_body(examples / "google-l5-kirkland.toml")


@pytest.fixture
def amazon(examples: Path) -> dict[str, Any]:
    return offer_body(examples / "amazon-l6-seattle.toml")
