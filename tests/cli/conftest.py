"""CLI fixtures: the PostgreSQL schema fixture, for commands run over PostgreSQL."""

from tests.store.conftest import pg_url  # noqa: F401 - the PostgreSQL schema fixture
