"""Pooled offers (hosted mode): the offers members chose to share, with no link to who shared
them but the withdrawal token their saved offer holds.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pooled_offers",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("company", sa.String(300), nullable=False),
        sa.Column("level", sa.String(100), nullable=False),
        sa.Column("metro", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("years", sa.String(8), nullable=True),
        sa.Column("base", sa.Numeric(20, 2), nullable=False),
        sa.Column("bonus", sa.Numeric(20, 2), nullable=False),
        sa.Column("stock_per_year", sa.Numeric(20, 2), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pooled_offers"),
        sa.UniqueConstraint("token_digest", name="uq_pooled_offers_token_digest"),
    )
    op.create_index("ix_pooled_offers_place", "pooled_offers", ["company", "level", "metro"])
    with op.batch_alter_table("saved_offers") as batch:
        batch.add_column(sa.Column("pool_token", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("saved_offers") as batch:
        batch.drop_column("pool_token")
    op.drop_index("ix_pooled_offers_place", table_name="pooled_offers")
    op.drop_table("pooled_offers")
