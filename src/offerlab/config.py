"""Where offerlab keeps its local state, and which database it uses.

Everything local (the SQLite store, the columnar analytics file, caches) lives under one data
directory: ``OFFERLAB_HOME`` when set, else the platform's user data directory. The database
URL is chosen as ``--db URL`` > ``OFFERLAB_DATABASE_URL`` > ``sqlite:///<home>/offerlab.sqlite3``.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from offerlab.errors import InputError

__all__ = [
    "DATABASE_ENV",
    "DATABASE_FILE",
    "HOME_ENV",
    "data_dir",
    "database_url",
]

HOME_ENV = "OFFERLAB_HOME"
DATABASE_ENV = "OFFERLAB_DATABASE_URL"
DATABASE_FILE = "offerlab.sqlite3"

_SCHEMES = ("sqlite", "postgresql")


def data_dir(*, create: bool = True) -> Path:
    """The data directory: ``$OFFERLAB_HOME`` or the user data dir (created when asked)."""
    home = os.environ.get(HOME_ENV, "").strip()
    path = Path(home).expanduser() if home else Path(platformdirs.user_data_dir("offerlab"))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(override: str | None = None) -> str:
    """The database URL: ``override`` (``--db``), then ``$OFFERLAB_DATABASE_URL``, then SQLite."""
    for candidate in (override, os.environ.get(DATABASE_ENV)):
        if candidate is not None and candidate.strip():
            url = candidate.strip()
            scheme = url.split(":", 1)[0].split("+", 1)[0]
            if scheme not in _SCHEMES or "://" not in url:
                raise InputError(
                    f"unsupported database URL {url!r}; expected sqlite:///PATH or "
                    "postgresql+psycopg://USER@HOST/DB"
                )
            return url
    return f"sqlite:///{data_dir() / DATABASE_FILE}"
