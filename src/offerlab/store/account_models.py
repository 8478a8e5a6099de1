"""Accounts for hosted mode (SQLAlchemy 2 typed models; migration ``0004`` creates them).

``accounts`` holds each user's name and argon2 password hash (never the password).
``sessions`` holds the SHA-256 digest of each session token (the cookie carries the token,
so a copy of the database cannot be replayed as a login) with its CSRF token and expiry.
``login_failures`` records failed sign-ins, by account name and by client address, so
repeated guessing is slowed down across every server process sharing the database.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from offerlab.store.models import Base

__all__ = ["AccountRow", "LoginFailureRow", "SessionRow"]


class AccountRow(Base):
    """A user of a hosted instance."""

    __tablename__ = "accounts"
    # Ids are never reused (SQLite AUTOINCREMENT): an owner id always names the same person.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy reads a dict

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A signed-in session: the digest of its token, its CSRF token and when it ends."""

    __tablename__ = "sessions"

    token_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRow(Base):
    """One failed sign-in: the name tried, the client address and when."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
