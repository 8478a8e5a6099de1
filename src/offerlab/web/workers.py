"""Several uvicorn worker processes for ``offerlab serve --workers N``.

Each worker builds its own app with :func:`offerlab.web.app.app_from_env` from the settings
handed over in ``$OFFERLAB_SERVE_SETTINGS``; they share one listening socket.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict

import uvicorn
from sqlalchemy.engine import make_url
from uvicorn.supervisors import Multiprocess

from offerlab.errors import InputError
from offerlab.store import Store
from offerlab.web.settings import SETTINGS_ENV, Settings

__all__ = ["check_workers", "run_workers", "serve_workers"]


def check_workers(settings: Settings, workers: int) -> None:
    """Refuse several worker processes over a store that one process at a time can use.

    The default store keeps market records in a DuckDB file that one process can open, so a
    second worker could not answer market queries; PostgreSQL serves any number.
    """
    if workers > 1 and make_url(settings.database_url).get_backend_name() != "postgresql":
        raise InputError(
            f"--workers {workers} needs a PostgreSQL store (--db postgresql+psycopg://...): "
            "the default store's market file can be open in one process only; "
            "serve with one worker"
        )


def serve_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """Serve with ``workers`` uvicorn worker processes, each building its own app from
    ``settings`` (handed over in ``$OFFERLAB_SERVE_SETTINGS``); ``settings`` and
    ``workers`` have passed :func:`check_workers`."""
    Store(settings.database_url).close()  # migrate once here, not in every worker at once
    os.environ[SETTINGS_ENV] = json.dumps(asdict(settings))
    run_workers("offerlab.web.app:app_from_env", host, port, workers, **settings.uvicorn_options())


def run_workers(
    factory: str,
    host: str,
    port: int,
    workers: int,
    loop: str = "auto",
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
) -> None:
    """uvicorn with ``workers`` processes serving the app that ``factory`` ("module:function")
    builds, on one listening socket they share.

    The socket is declared TCP, so that asyncio sets TCP_NODELAY on each connection it
    accepts: uvicorn's own shared socket says protocol 0, asyncio then leaves Nagle on, and
    each response's body (written after its headers) waits ~40 ms for the client's ACK.
    ``X-Forwarded-For`` is believed only with ``proxy_headers``, from ``forwarded_allow_ips``.
    """
    config = uvicorn.Config(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop=loop,
        log_level="warning",
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    bound = config.bind_socket()
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    listener.set_inheritable(True)
    Multiprocess(config, sockets=[listener]).run()
