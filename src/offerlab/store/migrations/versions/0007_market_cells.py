"""Market cells: every band a bands query can ask for, computed when records are imported
(``offerlab.store.cell_models``), so that a query over ten million records on PostgreSQL reads
one row. Empty until the next import (or ``MarketRepository.refresh_cells``) fills them; until
then queries read the records as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COMPONENTS = ("base", "stock", "bonus", "total")
_POINTS = ("p10", "p25", "p50", "p75", "p90")


def upgrade() -> None:
    component_columns: list[sa.Column[object]] = []
    for name in _COMPONENTS:
        component_columns.append(sa.Column(f"{name}_n", sa.Integer(), nullable=False))
        component_columns += [
            sa.Column(f"{name}_{point}", sa.Double(), nullable=True) for point in _POINTS
        ]
    op.create_table(
        "market_cells",
        sa.Column("company", sa.String(300), nullable=False),
        sa.Column("level", sa.String(300), nullable=False),
        sa.Column("specialty", sa.String(300), nullable=False),
        sa.Column("place", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("n_dated", sa.Integer(), nullable=False),
        *component_columns,
        sa.Column("first_date", sa.Date(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
        sa.Column("median_date", sa.Date(), nullable=True),
        sa.Column("source_ids", sa.String(2000), nullable=False),
        sa.PrimaryKeyConstraint(
            "company", "level", "specialty", "place", "currency", name="pk_market_cells"
        ),
    )
    op.create_table(
        "market_places",
        sa.Column("place_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("label", sa.String(700), nullable=False),
        sa.Column("members_digest", sa.String(64), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("place_key", name="pk_market_places"),
    )
    op.create_index("ix_market_places_members_digest", "market_places", ["members_digest"])
    op.create_table(
        "market_cell_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_market_cell_state"),
    )


def downgrade() -> None:
    op.drop_table("market_cell_state")
    op.drop_index("ix_market_places_members_digest", table_name="market_places")
    op.drop_table("market_places")
    op.drop_table("market_cells")
