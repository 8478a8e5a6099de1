"""Accounts and sessions for hosted mode: argon2 passwords, session tokens, sign-in limits.

Passwords are kept only as argon2id hashes (argon2-cffi's RFC 9106 defaults). A session is a
random 256-bit token that lives in the user's cookie; the database keeps its SHA-256 digest,
so reading the database does not give anyone a way in. Each session carries its own CSRF
token for forms and state-changing API calls.

Failed sign-ins are counted in the database, per account name and per client address, over a
sliding window; past the limit every attempt (right password or not) is refused with a
:class:`~offerlab.errors.TooManyAttemptsError` until the oldest failure leaves the window.
Because the count lives in the database, it holds across every server process.

An account's data (saved offers, prep plans, practice, mocks) is owned by
:attr:`Account.owner`, the account's id as text; ids are never reused, and removing an
account removes its data in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from offerlab.errors import AuthenticationError, InputError, NotFoundError, TooManyAttemptsError
from offerlab.store.account_models import AccountRow, LoginFailureRow, SessionRow
from offerlab.store.database import as_utc
from offerlab.store.engine import Store
from offerlab.store.offer_models import SavedOfferRow
from offerlab.store.pool_models import withdraw_tokens
from offerlab.store.prep_models import PrepMock, PrepPlan, PrepPractice

__all__ = [
    "FAILURE_WINDOW",
    "MAX_FAILURES_PER_ACCOUNT",
    "MAX_FAILURES_PER_CLIENT",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "SESSION_LIFETIME",
    "Account",
    "AccountRepository",
    "SignedIn",
]

#: How long a session lasts after sign-in.
SESSION_LIFETIME = timedelta(days=14)
#: The window over which failed sign-ins are counted.
FAILURE_WINDOW = timedelta(minutes=15)
#: Failed sign-ins allowed per account name, and per client address, within the window.
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_CLIENT = 20
#: Password length limits, in characters (a long pass phrase is welcome; a novel is not).
MIN_PASSWORD = 10
MAX_PASSWORD = 256

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{1,63}")
#: The name failed sign-ins with a name no account can have are counted under.
_NO_SUCH_NAME = "(not an account name)"


def _storable(client: str) -> str:
    """A client address as kept with a failure: 64 characters, nothing the database cannot
    store (an address comes from the connection, but a proxy header could say anything)."""
    return "".join(c if c.isprintable() else "?" for c in client[:64])


def _lock_key(key: str) -> int:
    """A 64-bit PostgreSQL advisory lock key for ``key``."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class Account:
    """A user of a hosted instance (never their password)."""

    id: int
    username: str
    is_admin: bool
    created_at: datetime

    @property
    def owner(self) -> str:
        """The key that scopes this account's offers, plans and logs."""
        return str(self.id)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session: its account, the token for the cookie (only known at sign-in, else
    empty), its CSRF token and when it ends (UTC)."""

    account: Account
    token: str
    csrf_token: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: AccountRow) -> Account:
    return Account(row.id, row.username, bool(row.is_admin), as_utc(row.created_at))


def normalise_username(username: str) -> str:
    """``username`` as stored (trimmed, lower case); :class:`InputError` if it is not valid."""
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InputError(
            f"account name {username!r} is not valid: expected 2 to 64 characters, letters, "
            "digits and . _ @ + - (starting with a letter or digit)"
        )
    return name


def check_password(password: str) -> None:
    """:class:`InputError` unless ``password`` is a usable length."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(
            f"the password has {len(password)} character{'s' if len(password) != 1 else ''}: "
            f"expected {MIN_PASSWORD} to "
            f"{MAX_PASSWORD} (a pass phrase of a few words is easiest to remember)"
        )


@cache
def _default_hasher() -> PasswordHasher:
    return PasswordHasher()


class AccountRepository:
    """Accounts, sessions and failed sign-ins in the store's SQL database."""

    def __init__(
        self,
        store: Store | Engine,
        *,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine: Engine = store.engine if isinstance(store, Store) else store
        self.hasher = hasher or _default_hasher()
        self.clock = clock

    # --- accounts ---------------------------------------------------------------------------

    def add(self, username: str, password: str, *, admin: bool = False) -> Account:
        """Create an account; :class:`InputError` if the name is taken or not valid."""
        name = normalise_username(username)
        check_password(password)
        row = AccountRow(
            username=name,
            password_hash=self.hasher.hash(password),
            is_admin=admin,
            created_at=self.clock(),
        )
        try:
            with Session(self.engine) as session, session.begin():
                session.add(row)
                session.flush()
                return _account(row)
        except IntegrityError:
            raise InputError(f"an account called {name!r} already exists") from None

    def get(self, username: str) -> Account:
        """The account ``username``; :class:`NotFoundError` if there is none."""
        name = username.strip().lower()
        with Session(self.engine) as session:
            row = session.scalars(select(AccountRow).where(AccountRow.username == name)).first()
            if row is None:
                raise NotFoundError(f"no account called {name!r} (offerlab users list shows them)")
            return _account(row)

    def list(self) -> list[Account]:
        """Every account, oldest first."""
        with Session(self.engine) as session:
            rows = session.scalars(select(AccountRow).order_by(AccountRow.id))
            return [_account(row) for row in rows]

    def set_password(self, username: str, password: str, *, keep_token: str = "") -> None:
        """Change an account's password and end its sessions (all but ``keep_token``'s)."""
        check_password(password)
        account = self.get(username)
        with Session(self.engine) as session, session.begin():
            row = session.get(AccountRow, account.id)
            assert row is not None
            row.password_hash = self.hasher.hash(password)
            session.execute(
                delete(SessionRow).where(
                    SessionRow.account_id == account.id,
                    SessionRow.token_digest != _digest(keep_token),
                )
            )

    def change_password(self, token: str, current: str, new: str, client: str) -> None:
        """The signed-in user of session ``token`` changes their own password: ``current``
        must be right (a wrong one counts as a failed sign-in, so a left-open session cannot
        be used to guess it); their other sessions end, this one goes on."""
        signed = self.session(token)
        if signed is None:
            raise AuthenticationError("sign in first")
        name = signed.account.username
        attempt = self._claim_attempt(name, _storable(client), self.clock())
        with Session(self.engine) as session:
            row = session.get(AccountRow, signed.account.id)
            stored = row.password_hash if row is not None else ""
        if not self._verified(stored, current):
            raise AuthenticationError("the current password is wrong; nothing was changed")
        self._forget_attempt(attempt)
        if new == current:
            raise InputError("the new password is the current one; choose another")
        self.set_password(signed.account.username, new, keep_token=token)

    def remove(self, username: str) -> Account:
        """Delete an account with its sessions and everything it owns, in one transaction."""
        account = self.get(username)
        owner = account.owner
        with Session(self.engine) as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.account_id == account.id))
            # What the account's offers shared leaves the pool with them: the tokens as the
            # delete finds them (a share committing meanwhile has written a new one).
            tokens = session.scalars(
                delete(SavedOfferRow)
                .where(SavedOfferRow.owner == owner)
                .returning(SavedOfferRow.pool_token)
                .execution_options(synchronize_session=False)
            ).all()
            withdraw_tokens(session, tokens)
            for table in (PrepPlan, PrepPractice, PrepMock):
                # Plan weeks, review cards and mock scores go with them (ON DELETE CASCADE).
                session.execute(delete(table).where(table.owner == owner))
            session.execute(delete(AccountRow).where(AccountRow.id == account.id))
        return account

    # --- signing in and out ------------------------------------------------------------------

    def sign_in(self, username: str, password: str, client: str) -> SignedIn:
        """Check the password and open a session.

        :class:`TooManyAttemptsError` when the account name or the client has failed too
        often lately (checked first, so guessing stops even at the right password);
        :class:`AuthenticationError` for a wrong name or password (the same message and
        about the same time either way, so the answer does not tell which names exist).
        Each attempt is counted before its password is checked (:meth:`_claim_attempt`), so
        the limits hold however many attempts arrive at once.
        """
        name = username.strip().lower()[:64]
        # A name that cannot be an account (a NUL, a space) is counted under one stand-in:
        # it names no one, and text that the database cannot store never reaches it.
        valid = _USERNAME.fullmatch(name) is not None
        if not valid:
            name = _NO_SUCH_NAME
        client = _storable(client)
        now = self.clock()
        attempt = self._claim_attempt(name, client, now)
        row = None
        if valid:
            with Session(self.engine) as session:
                query = select(AccountRow).where(AccountRow.username == name)
                row = session.scalars(query).first()
        stored = row.password_hash if row is not None else _dummy_hash(self.hasher)
        if not self._verified(stored, password) or row is None:
            raise AuthenticationError("wrong account name or password")  # the attempt stays
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        with Session(self.engine) as session, session.begin():
            if self.hasher.check_needs_rehash(stored):
                fresh = session.get(AccountRow, row.id)
                if fresh is not None:
                    fresh.password_hash = self.hasher.hash(password)
            # The account's failures (this attempt among them) no longer count.
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.username == name))
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.id == attempt))
            session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            session.add(
                SessionRow(
                    token_digest=_digest(token),
                    account_id=row.id,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=expires,
                )
            )
        return SignedIn(_account(row), token, csrf, expires)

    def _claim_attempt(self, name: str, client: str, now: datetime) -> int:
        """Count a sign-in attempt for ``name`` and ``client`` as a failure before its
        password is checked, and return its id (a right password then forgets it); refuse
        it with :class:`TooManyAttemptsError` if either has failed too often lately.

        Counting and recording are one step in the database, so 40 attempts at once are
        counted one after another, not all against the same count: on PostgreSQL under an
        advisory lock per name and per client; on SQLite the insert comes first and holds
        the database's write lock until the count is done."""
        since = now - FAILURE_WINDOW
        with Session(self.engine) as session, session.begin():
            if self.engine.dialect.name == "postgresql":
                for key in sorted({f"name:{name}", f"client:{client}"}):
                    session.execute(select(func.pg_advisory_xact_lock(_lock_key(key))))
            attempt = LoginFailureRow(username=name, client=client, failed_at=now)
            session.add(attempt)
            session.flush()
            for column, key, limit in (
                (LoginFailureRow.username, name, MAX_FAILURES_PER_ACCOUNT),
                (LoginFailureRow.client, client, MAX_FAILURES_PER_CLIENT),
            ):
                count, oldest = session.execute(
                    select(func.count(), func.min(LoginFailureRow.failed_at)).where(
                        column == key, LoginFailureRow.failed_at >= since
                    )
                ).one()
                if count > limit:  # this attempt is one of them
                    wait = as_utc(oldest) + FAILURE_WINDOW - now
                    seconds = max(1, int(wait.total_seconds()) + 1)
                    raise TooManyAttemptsError(
                        f"too many failed sign-ins; try again in {seconds} seconds",
                        retry_after=seconds,
                    )
            # Failures older than the window no longer count: drop them as new ones come.
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.failed_at < since))
            return attempt.id

    def _forget_attempt(self, attempt: int) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.id == attempt))

    def _verified(self, stored: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def session(self, token: str) -> SignedIn | None:
        """The live session for a cookie's ``token``, or None (unknown or ended)."""
        if not token or len(token) > 100:
            return None
        with Session(self.engine) as session:
            found = session.execute(
                select(SessionRow, AccountRow)
                .join(AccountRow, AccountRow.id == SessionRow.account_id)
                .where(SessionRow.token_digest == _digest(token))
            ).first()
        if found is None:
            return None
        row, account = found
        expires = as_utc(row.expires_at)
        if expires <= self.clock():
            self.sign_out(token)
            return None
        return SignedIn(_account(account), "", row.csrf_token, expires)

    def sign_out(self, token: str) -> None:
        """End the session of ``token`` (nothing happens if it has already ended)."""
        with Session(self.engine) as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.token_digest == _digest(token)))


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when the account does not exist, so that answer takes as
    long as a wrong password does."""
    return hasher.hash(secrets.token_urlsafe(16))
