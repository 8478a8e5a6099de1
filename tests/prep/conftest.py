"""Prep tests share the store fixtures: a fresh store per test on SQLite and PostgreSQL."""

from tests.store.conftest import pg_url, store_url

__all__ = ["pg_url", "store_url"]
