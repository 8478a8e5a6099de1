"""Worker processes and market queries side by side: a listening socket per worker (the kernel
spreads connections over them), each worker and its replacements on its own socket, and
market queries let through in the order they asked."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, cast

import pytest
import uvicorn

from offerlab.errors import InputError
from offerlab.web import workers
from offerlab.web.deps import QuerySlots
from offerlab.web.workers import OwnSockets, listeners, spread_connections
from tests.web.serving import free_port

linux_only = pytest.mark.skipif(not spread_connections(), reason="SO_REUSEPORT spreads on Linux")


@pytest.fixture
def bound() -> Iterator[list[socket.socket]]:
    made = listeners("127.0.0.1", 0, 2)
    try:
        yield made
    finally:
        for sock in made:
            sock.close()


@linux_only
def test_listeners_share_one_port(bound: list[socket.socket]) -> None:
    ports = {sock.getsockname()[1] for sock in bound}
    assert len(ports) == 1
    for sock in bound:
        assert sock.proto == socket.IPPROTO_TCP  # asyncio turns Nagle off on what it accepts
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        assert sock.get_inheritable()


@linux_only
def test_the_kernel_spreads_connections_over_the_listeners(bound: list[socket.socket]) -> None:
    for sock in bound:
        sock.listen(128)
        sock.setblocking(False)
    port = bound[0].getsockname()[1]
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
    try:
        accepted = [0] * len(bound)
        deadline = time.monotonic() + 10
        while sum(accepted) < len(clients) and time.monotonic() < deadline:
            for index, sock in enumerate(bound):
                try:
                    while True:
                        conn, _ = sock.accept()
                        conn.close()
                        accepted[index] += 1
                except BlockingIOError:
                    pass
            time.sleep(0.01)
        assert sum(accepted) == len(clients)
        # Each connection goes to one socket by a hash of its addresses: all 64 on one of two
        # would happen once in 2**63 runs.
        assert all(count > 0 for count in accepted), accepted
    finally:
        for client in clients:
            client.close()


@linux_only
def test_a_port_taken_without_reuse_is_a_clear_error() -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(InputError, match=f"cannot listen on 127.0.0.1:{port}"):
            listeners("127.0.0.1", port, 2)


class _FakeProcess:
    """A worker process that never starts: what it was given, and whether it is alive."""

    made: ClassVar[list[_FakeProcess]] = []

    def __init__(self, config: uvicorn.Config, sockets: list[Any]) -> None:
        self.sockets = sockets
        self.alive = True
        self.exitcode: int | None = None
        self.pid = len(_FakeProcess.made) + 1000
        self.stopped = False
        _FakeProcess.made.append(self)

    def start(self) -> None:
        pass

    def is_alive(self, timeout: float = 5) -> bool:
        return self.alive

    def kill(self) -> None:
        self.stopped = True

    def terminate(self) -> None:
        self.stopped = True

    def join(self) -> None:
        pass


def test_each_worker_and_its_replacements_serve_one_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers, "Process", _FakeProcess)
    monkeypatch.setattr(_FakeProcess, "made", [])
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # the supervisor's handlers
    sockets: list[Any] = ["socket 0", "socket 1", "socket 2"]
    config = uvicorn.Config("offerlab.web.app:app_from_env", factory=True, workers=3)
    supervisor = OwnSockets(config, sockets=sockets)
    supervisor.init_processes()
    assert [p.sockets for p in _fakes(supervisor)] == [["socket 0"], ["socket 1"], ["socket 2"]]
    # Worker 1 dies: its replacement serves socket 1; the others are left alone.
    first = _fakes(supervisor)
    first[1].alive = False
    supervisor.keep_subprocess_alive()
    now = _fakes(supervisor)
    assert first[1].stopped
    assert now[0] is first[0]
    assert now[2] is first[2]
    assert now[1] is not first[1]
    assert now[1].sockets == ["socket 1"]
    # SIGHUP: every worker replaced, each on its own socket again.
    supervisor.restart_all()
    assert all(p.stopped for p in now)
    assert [p.sockets for p in _fakes(supervisor)] == [["socket 0"], ["socket 1"], ["socket 2"]]
    # A worker that failed to start (the app or database is broken): stop, do not loop.
    broken = _fakes(supervisor)[2]
    broken.alive = False
    broken.exitcode = 3
    count = len(_FakeProcess.made)
    supervisor.keep_subprocess_alive()
    assert supervisor.should_exit.is_set()
    assert len(_FakeProcess.made) == count


def _fakes(supervisor: OwnSockets) -> list[_FakeProcess]:
    return [cast(_FakeProcess, p) for p in supervisor.processes]


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the thread never got there"
        time.sleep(0.001)


def _waiting(slots: QuerySlots, count: int) -> Callable[[], bool]:
    return lambda: len(slots._waiting) == count


def test_query_slots_are_given_in_the_order_asked() -> None:
    slots = QuerySlots(1)
    entered: list[str] = []

    def query(name: str) -> None:
        with slots.held():
            entered.append(name)

    with slots.held():
        threads = []
        for name in ("first", "second", "third", "fourth"):
            thread = threading.Thread(target=query, args=(name,))
            thread.start()
            threads.append(thread)
            # Asked in this order: each is waiting before the next one asks.
            _wait_for(_waiting(slots, len(threads)))
    for thread in threads:
        thread.join(timeout=10)
    assert entered == ["first", "second", "third", "fourth"]
    assert slots._free == 1
    assert not slots._waiting


def test_query_slots_let_as_many_in_as_there_are_slots() -> None:
    slots = QuerySlots(2)
    inside = threading.Barrier(3, timeout=10)

    def query() -> None:
        with slots.held():
            inside.wait()  # both in at once, with this thread

    threads = [threading.Thread(target=query) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    for thread in threads:
        thread.join(timeout=10)
    assert slots._free == 2
    with pytest.raises(ValueError, match="expected 1 or more"):
        QuerySlots(0)


def test_a_query_that_fails_gives_its_slot_to_the_next() -> None:
    slots = QuerySlots(1)
    with pytest.raises(RuntimeError), slots.held():
        raise RuntimeError("the query failed")
    with slots.held():
        assert slots._free == 0
    assert slots._free == 1
