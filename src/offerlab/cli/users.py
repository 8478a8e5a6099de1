"""``offerlab users``: accounts of a hosted instance (an administrator's commands).

Run them on the server against the same ``--db`` the app uses. Passwords are read from a
hidden prompt, or from standard input with ``--password-stdin`` (for scripts); they are never
taken as an argument, which would leave them in the shell history and the process list.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from offerlab.cli.common import console
from offerlab.cli.db import DbOption, resolve_db
from offerlab.errors import InputError

if TYPE_CHECKING:
    from offerlab.store.account_repository import AccountRepository

__all__ = ["users_app"]

users_app = typer.Typer(
    help="Accounts of a hosted instance (offerlab serve --hosted): add, list, remove, passwd."
)

PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (one line)."),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: standard input is empty; expected a password")
        return line.rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Again", hide_input=True)
    if first != second:
        raise InputError("the two passwords differ; run the command again")
    return str(first)


@contextmanager
def _accounts(ctx: typer.Context, db: str | None) -> Iterator[AccountRepository]:
    # The store loads only for the commands that use it (``offerlab --help`` stays quick).
    # Accounts live in the SQL database; the market's record file is never opened.
    from offerlab.store import Store
    from offerlab.store.account_repository import AccountRepository

    url = resolve_db(ctx, db)
    _require_migrated(url)
    with Store(url, columnar=False, migrate=False) as store:
        yield AccountRepository(store)


def _require_migrated(url: str) -> None:
    """Refuse a database that ``offerlab db upgrade`` has not made: a mistyped URL must not
    quietly become a second, empty set of accounts."""
    from sqlalchemy.engine import make_url

    from offerlab.store.database import current_revision, head_revision, make_engine

    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    fix = f"create or migrate it first with: offerlab db upgrade --db {shown}"
    if parsed.drivername.startswith("sqlite"):
        path = parsed.database or ""
        if path in ("", ":memory:") or not Path(path).is_file():
            raise InputError(f"no database at {path or shown}; {fix}")
    engine = make_engine(url)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    if revision != head_revision():
        raise InputError(
            f"the database {shown} is at revision {revision or 'none (empty)'}, "
            f"not {head_revision()}; {fix}"
        )


@users_app.command("add")
def add_command(
    ctx: typer.Context,
    username: Annotated[
        str, typer.Argument(metavar="NAME", help="Account name (letters, digits, . _ @ + -).")
    ],
    admin: Annotated[bool, typer.Option("--admin", help="An administrator account.")] = False,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Create an account."""
    password = _password(password_stdin)
    with _accounts(ctx, db) as repo:
        account = repo.add(username, password, admin=admin)
    role = "administrator" if account.is_admin else "user"
    console.print(f"added {role} {account.username!r} (id {account.id})")


@users_app.command("list")
def list_command(ctx: typer.Context, db: DbOption = None) -> None:
    """List the accounts."""
    from rich.table import Table

    with _accounts(ctx, db) as repo:
        accounts = repo.list()
    if not accounts:
        console.print("no accounts yet; add one with: offerlab users add NAME")
        return
    table = Table("id", "account", "role", "created (UTC)")
    for account in accounts:
        table.add_row(
            str(account.id),
            account.username,
            "administrator" if account.is_admin else "user",
            account.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@users_app.command("passwd")
def passwd_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="NAME", help="Account name.")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Set an account's password (its sessions end)."""
    password = _password(password_stdin)
    with _accounts(ctx, db) as repo:
        repo.set_password(username, password)
    console.print(f"password of {username.strip().lower()!r} changed; its sessions have ended")


@users_app.command("remove")
def remove_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(metavar="NAME", help="Account name.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Delete an account with all its offers, plans and logs."""
    if not yes and not typer.confirm(
        f"Delete {username!r} and all its offers, plans and logs?", default=False
    ):
        console.print("nothing removed")
        raise typer.Exit(1)
    with _accounts(ctx, db) as repo:
        account = repo.remove(username)
    console.print(f"removed {account.username!r} and everything it owned")
