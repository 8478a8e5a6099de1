"""How the web app runs (:class:`Settings`), and how worker processes are handed it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offerlab.config import database_url

__all__ = ["SETTINGS_ENV", "Settings"]

#: The environment variable that hands :class:`Settings` (as JSON) to worker processes.
SETTINGS_ENV = "OFFERLAB_SERVE_SETTINGS"


@dataclass(frozen=True, slots=True)
class Settings:
    """How the app runs: its database, hosted (accounts, each seeing only their own data) or
    local (one user, no sign-in), and the largest request body it reads, in bytes."""

    db: str | None = None
    hosted: bool = False
    max_body_bytes: int = 512 * 1024
    #: Host names answered besides 127.0.0.1, localhost and [::1] (``--allow-host``; ``*``
    #: for any): the public name behind a proxy, or this machine's name on a LAN.
    allowed_hosts: tuple[str, ...] = ()
    #: Sign-ins (argon2 hashes, ~64 MiB each) computed at once by one process.
    max_hashing: int = 4
    #: Addresses of proxies whose ``X-Forwarded-For`` is believed (``--forwarded-allow-ips``,
    #: comma-separated; ``*`` for any); empty: the header is ignored and the client is the
    #: connection's peer, so no client can pick the address its sign-in failures count to.
    forwarded_allow_ips: str = ""

    def uvicorn_options(self) -> dict[str, Any]:
        """uvicorn's proxy-header settings: trusted only from the configured proxies."""
        if not self.forwarded_allow_ips:
            return {"proxy_headers": False}
        return {"proxy_headers": True, "forwarded_allow_ips": self.forwarded_allow_ips}

    @property
    def database_url(self) -> str:
        return database_url(self.db)
