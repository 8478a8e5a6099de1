"""``offerlab serve``: the web app and HTTP API on this machine (uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from offerlab.cli.db import resolve_db

__all__ = ["serve"]


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="Store database URL.")
    ] = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest request body, in bytes.")
    ] = 512 * 1024,
    hosted: Annotated[
        bool,
        typer.Option(
            "--hosted",
            help="Serve a team: accounts (offerlab users add), sign-in, each user's data private.",
        ),
    ] = False,
) -> None:
    """Serve the web app and the JSON API (pages at /offers, API at /api/v1)."""
    import uvicorn

    from offerlab.web import Settings, create_app

    app = create_app(Settings(db=resolve_db(ctx, db), hosted=hosted, max_body_bytes=max_body))
    if hosted:
        count = len(app.state.accounts.list())
        if count == 0:
            typer.echo(
                "warning: no accounts yet; add one with: offerlab users add NAME --db URL",
                err=True,
            )
        typer.echo(
            f"offerlab (hosted, {count} account{'s' if count != 1 else ''}) on "
            f"{host}:{port}; serve it behind a TLS proxy: its session cookie is Secure"
        )
    else:
        typer.echo(f"offerlab on http://{host}:{port}/offers (API: /api/v1, docs: /api/docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
