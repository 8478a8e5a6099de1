"""The app's guards: the Host allow-list (DNS rebinding), control characters in the URL,
security headers and caching, and what happens when a client goes away mid-request."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from offerlab.web import Settings, create_app
from offerlab.web.guards import CancelOnDisconnect
from tests.web.serving import serving
from tests.web.test_api import assert_error


@pytest.mark.parametrize("host", ["rebind.evil.example", "evil.example:8000", "10.0.0.5", ""])
def test_local_mode_answers_only_loopback_host_names(
    client: TestClient, google: dict[str, Any], host: str
):
    """A page on another site whose name points at 127.0.0.1 reads and changes nothing."""
    headers = {"host": host}
    for response in (
        client.get("/api/v1/offers", headers=headers),
        client.get("/offers", headers=headers),
        client.post("/api/v1/offers", json=google, headers=headers),
        client.delete("/api/v1/offers/1", headers=headers),
    ):
        error = assert_error(response, 400, "unknown_host")
        assert "--allow-host" in error["message"]
    assert client.get("/api/v1/offers").json()["offers"] == []


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:8000", "[::1]", "[::1]:8000"]
)
def test_loopback_names_with_or_without_a_port_are_answered(client: TestClient, host: str):
    assert client.get("/api/v1/offers", headers={"host": host}).status_code == 200


def test_more_host_names_can_be_allowed(db_url: str):
    app = create_app(Settings(db=db_url, allowed_hosts=("offers.lan",)))
    with TestClient(app, base_url="http://offers.lan:8000") as client:
        assert client.get("/api/v1/offers").status_code == 200
        assert client.get("/api/v1/offers", headers={"host": "other.lan"}).status_code == 400
    anything = create_app(Settings(db=db_url, allowed_hosts=("*",)))
    with TestClient(anything, base_url="http://anything.example") as client:
        assert client.get("/api/v1/offers").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bands?company=Goo%00gle",
        "/api/v1/levels/Goo%00gle",
        "/market?company=%00",
        "/prep?plan=a%00b",
        "/offers/1%00",
    ],
)
def test_a_nul_in_the_url_is_refused(client: TestClient, url: str):
    assert_error(client.get(url), 400, "malformed_request")


def test_security_headers_a_fresh_nonce_and_no_caching_of_private_answers(
    client: TestClient, google: dict[str, Any]
):
    saved = client.post("/api/v1/offers", json=google).json()
    nonces = set()
    for path in ("/offers", f"/offers/{saved['id']}", "/api/v1/offers", "/api/docs"):
        response = client.get(path)
        assert response.headers["cache-control"] == "no-store", path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        nonce = re.search(r"'nonce-([^']+)'", policy)
        assert nonce
        nonces.add(nonce.group(1))
    assert len(nonces) == 4
    export = client.get(f"/offers/{saved['id']}/export.toml")
    assert export.headers["cache-control"] == "no-store"
    assert_error(client.get("/api/v1/offers/999"), 404, "not_found")
    assert client.get("/api/v1/offers/999").headers["cache-control"] == "no-store"
    for path in ("/static/offerlab.css", "/assets/plotly.min.js"):
        assert client.get(path).headers.get("cache-control") != "no-store"


def _half_a_body(port: int, path: str, content_type: str) -> None:
    """Send a request that promises 1,000 bytes of body, send 10, and leave."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"compan'
        )
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/evaluate", "application/json"),
        ("/api/v1/offers", "application/json"),
        ("/offers/new", "application/x-www-form-urlencoded"),
        ("/offers/import", "multipart/form-data; boundary=x"),
        ("/prep/practice", "application/x-www-form-urlencoded"),
    ],
)
def test_a_client_leaving_mid_body_is_not_an_unexpected_error(
    db_url: str, caplog: pytest.LogCaptureFixture, path: str, content_type: str
):
    app = create_app(Settings(db=db_url))
    caplog.set_level(logging.INFO)
    with serving(app) as base:
        port = int(base.rsplit(":", 1)[1])
        _half_a_body(port, path, content_type)
        time.sleep(0.3)
    text = caplog.text
    assert "unexpected error" not in text
    assert "Traceback" not in text
    assert "Exception in ASGI application" not in text


def test_the_work_of_a_client_that_left_is_stopped(tmp_path: Path):
    """A request whose client leaves is cancelled: its remaining work never runs."""
    events: list[str] = []

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        events.append("started")
        await asyncio.sleep(1.0)
        events.append("finished")  # never reached: the client left after 0.2 s
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"late"})

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": message["type"] + ".complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await CancelOnDisconnect(slow)(scope, receive, send)

    with serving(app) as base:  # type: ignore[arg-type]
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            time.sleep(0.2)
        time.sleep(1.3)
        assert events == ["started"]
        # A client that stays gets its answer.
        import httpx

        assert httpx.get(base, timeout=5).text == "late"
    assert events == ["started", "started", "finished"]


@pytest.mark.parametrize(
    ("path", "content_type", "head", "tail"),
    [
        (
            "/offers/import",
            "multipart/form-data; boundary=zz",
            b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.toml"\r\n\r\n',
            b"\r\n--zz--\r\n",
        ),
        ("/offers/new", "application/x-www-form-urlencoded", b"company=", b""),
        ("/prep/practice", "application/x-www-form-urlencoded", b"problem=", b""),
        ("/api/v1/evaluate", "application/json", b'{"company": "', b'"}'),
    ],
)
def test_an_oversized_chunked_upload_is_413_on_every_body_reading_route(
    client: TestClient, path: str, content_type: str, head: bytes, tail: bytes
):
    """No Content-Length: the limit is found while streaming, whatever reads the body (a
    file upload, a form, JSON)."""

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(10):
            yield b"x" * 8192
        yield tail

    response = client.post(path, content=chunks(), headers={"content-type": content_type})
    assert_error(response, 413, "payload_too_large")
