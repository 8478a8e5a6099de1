"""Several uvicorn worker processes for ``offerlab serve --workers N``.

Each worker builds its own app with :func:`offerlab.web.app.app_from_env` from the settings
handed over in ``$OFFERLAB_SERVE_SETTINGS``. On Linux each worker listens on a socket of its
own (``SO_REUSEPORT``), so the kernel spreads new connections over the workers; elsewhere they
share one listening socket.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from dataclasses import asdict

import uvicorn
from sqlalchemy.engine import make_url
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

from offerlab.errors import InputError
from offerlab.store import Store
from offerlab.web.settings import SETTINGS_ENV, Settings

__all__ = ["check_workers", "listeners", "run_workers", "serve_workers", "spread_connections"]

logger = logging.getLogger("uvicorn.error")


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
    builds: on Linux each on a listening socket of its own (:func:`listeners`, supervised by
    :class:`OwnSockets`), elsewhere on one socket they share.

    A shared socket is accepted from greedily: 32 connections opened at once all went to the
    first worker to wake (asyncio accepts every connection waiting), and the other one idled
    for as long as they stayed open. With a socket each, the kernel hands each new connection
    to one of them by a hash of its addresses.

    Sockets are declared TCP, so that asyncio sets TCP_NODELAY on each connection it accepts:
    a socket of protocol 0 (uvicorn's shared socket, before 0.36) leaves Nagle on, and each
    response's body (written after its headers) waits ~40 ms for the client's ACK.
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
    if spread_connections():
        OwnSockets(config, sockets=listeners(host, port, workers)).run()
        return
    bound = config.bind_socket()
    listener = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, bound.detach())
    listener.set_inheritable(True)
    Multiprocess(config, sockets=[listener]).run()


def spread_connections() -> bool:
    """Whether workers get a listening socket each: Linux's ``SO_REUSEPORT`` spreads the
    connections over the sockets (macOS and the BSDs accept the option without spreading)."""
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def listeners(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` TCP sockets bound to ``host``:``port`` with ``SO_REUSEPORT`` (port 0: the
    port the first one got), inheritable; each worker listens on its own."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    made: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            made.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            port = int(sock.getsockname()[1])
            sock.set_inheritable(True)
    except OSError as error:
        for sock in made:
            sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return made


class OwnSockets(Multiprocess):
    """uvicorn's supervisor, with worker ``i`` (and any worker that replaces it) serving
    ``sockets[i]`` alone. The sockets stay open here: connections the kernel hands to the
    socket of a worker being replaced wait in its queue for the replacement."""

    def _spawn(self, index: int) -> Process:
        process = Process(self.config, [self.sockets[index]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._spawn(index) for index in range(self.processes_num)]

    def restart_all(self) -> None:
        """Replace each worker in turn (SIGHUP)."""
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            old.terminate()
            old.join()
            self.processes[index] = self._spawn(index)

    def keep_subprocess_alive(self) -> None:
        """Replace a worker that died or hangs; stop when one failed to start (the app or
        the database is broken, and would fail the same way again)."""
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive():
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                logger.error("Child process [%s] failed to start, stopping.", process.pid)
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info("Child process [%s] died", process.pid)
            self.processes[index] = self._spawn(index)
