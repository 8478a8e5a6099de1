"""Hosted mode: accounts, sessions, failed sign-ins; an owner on every prep table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OWNED = ("prep_plans", "prep_practice", "prep_mocks")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("username", name="uq_accounts_username"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sessions",
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_digest", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_sessions_account_id_accounts",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_sessions_account_id", "sessions", ["account_id"])
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_username", "login_failures", ["username"])
    op.create_index("ix_login_failures_client", "login_failures", ["client"])
    op.create_index("ix_login_failures_failed_at", "login_failures", ["failed_at"])

    # Existing prep data belongs to the local user (owner "").
    for table in _OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner", sa.String(100), nullable=False, server_default=""))
            batch.create_index(f"ix_{table}_owner", ["owner"])
    with op.batch_alter_table("prep_plans") as batch:
        batch.drop_constraint("uq_prep_plans_name", type_="unique")
        batch.create_unique_constraint("uq_prep_plans_owner_name", ["owner", "name"])


def downgrade() -> None:
    with op.batch_alter_table("prep_plans") as batch:
        batch.drop_constraint("uq_prep_plans_owner_name", type_="unique")
        batch.create_unique_constraint("uq_prep_plans_name", ["name"])
    for table in reversed(_OWNED):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_owner")
            batch.drop_column("owner")
    op.drop_table("login_failures")
    op.drop_table("sessions")
    op.drop_table("accounts")
