"""``offerlab serve``: the web app and HTTP API on this machine (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from offerlab.cli.common import between
from offerlab.cli.db import resolve_db

__all__ = ["serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", callback=between(1, 65535, "--port"), help="Port, 1-65535."),
    ] = 8000,
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="Store database URL.")
    ] = None,
    max_body: Annotated[
        int,
        typer.Option(
            "--max-body",
            metavar="BYTES",
            callback=between(1024, None, "--max-body"),
            help="Largest request body, in bytes (at least 1024).",
        ),
    ] = 512 * 1024,
    hosted: Annotated[
        bool,
        typer.Option(
            "--hosted",
            help="Serve a team: accounts (offerlab users add), sign-in, each user's data private.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            callback=between(1, 64, "--workers"),
            help="Worker processes, 1-64 (more than 1: PostgreSQL only).",
        ),
    ] = 1,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="Also answer to this host name (repeatable; * for any). "
            "By default only 127.0.0.1, localhost and [::1].",
        ),
    ] = None,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="IPS",
            help="Believe X-Forwarded-For from these proxy addresses (comma-separated). "
            "By default the header is ignored.",
        ),
    ] = "",
    max_hashing: Annotated[
        int,
        typer.Option(
            "--max-hashing",
            callback=between(1, 64, "--max-hashing"),
            help="Sign-ins checked at once per process, 1-64 (each takes ~64 MiB).",
        ),
    ] = 4,
) -> None:
    """Serve the web app and the JSON API (pages at /offers, API at /api/v1)."""
    import uvicorn

    from offerlab.web import Settings, create_app
    from offerlab.web.workers import check_workers, serve_workers

    settings = Settings(
        db=resolve_db(ctx, db),
        hosted=hosted,
        max_body_bytes=max_body,
        allowed_hosts=tuple(allow_host or ()),
        max_hashing=max_hashing,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    check_workers(settings, workers)  # before anything is said or served
    if hosted:
        from offerlab.store import Store
        from offerlab.store.account_repository import AccountRepository

        with Store(settings.database_url, columnar=False) as store:
            count = len(AccountRepository(store).list())
        if count == 0:
            typer.echo(
                "warning: no accounts yet; add one with: offerlab users add NAME --db URL",
                err=True,
            )
        where = f"{host}:{port} (hosted, {count} account{'s' if count != 1 else ''})"
        typer.echo(
            f"offerlab on {where}; serve it behind a TLS proxy: its session cookie is Secure"
        )
    else:
        typer.echo(f"offerlab on http://{host}:{port}/offers (API: /api/v1, docs: /api/docs)")
    if workers > 1:
        typer.echo(f"{workers} worker processes")
        serve_workers(settings, host, port, workers)
        return
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level="warning", **settings.uvicorn_options())
