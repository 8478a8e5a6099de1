"""Market store: sources, records and the normalisation maps.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(14, 2)
YEARS = sa.Numeric(6, 2)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("location", sa.String(2000), nullable=False),
        sa.Column("licence", sa.String(500), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_duplicate", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("content_hash", name="uq_sources_content_hash"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "records",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("record_key", sa.BigInteger(), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("company_raw", sa.String(300), nullable=False),
        sa.Column("title_raw", sa.String(300), nullable=True),
        sa.Column("tag_raw", sa.String(300), nullable=True),
        sa.Column("level_raw", sa.String(300), nullable=True),
        sa.Column("location_raw", sa.String(300), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("base", MONEY, nullable=True),
        sa.Column("stock", MONEY, nullable=True),
        sa.Column("bonus", MONEY, nullable=True),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("years_experience", YEARS, nullable=True),
        sa.Column("years_at_company", YEARS, nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
    )
    op.create_index("ix_records_record_key", "records", ["record_key"])
    op.create_index("ix_records_company_level", "records", ["company_raw", "level_raw"])
    op.create_table(
        "company_norm",
        sa.Column("company_raw", sa.String(300), nullable=False),
        sa.Column("company", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("company_raw", name="pk_company_norm"),
    )
    op.create_index("ix_company_norm_company", "company_norm", ["company"])
    op.create_table(
        "level_norm",
        sa.Column("company_raw", sa.String(300), nullable=False),
        sa.Column("level_raw", sa.String(300), nullable=False),
        sa.Column("level", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("company_raw", "level_raw", name="pk_level_norm"),
    )
    op.create_table(
        "title_norm",
        sa.Column("title_raw", sa.String(300), nullable=False),
        sa.Column("title_family", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("title_raw", name="pk_title_norm"),
    )
    op.create_table(
        "specialty_norm",
        sa.Column("tag_raw", sa.String(300), nullable=False),
        sa.Column("title_raw", sa.String(300), nullable=False),
        sa.Column("specialty", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("tag_raw", "title_raw", name="pk_specialty_norm"),
    )
    op.create_table(
        "location_norm",
        sa.Column("location_raw", sa.String(300), nullable=False),
        sa.Column("city", sa.String(200), nullable=True),
        sa.Column("region", sa.String(200), nullable=True),
        sa.Column("country", sa.String(200), nullable=True),
        sa.Column("metro", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("location_raw", name="pk_location_norm"),
    )


def downgrade() -> None:
    for table in ("location_norm", "specialty_norm", "title_norm", "level_norm", "company_norm"):
        op.drop_table(table)
    op.drop_table("records")
    op.drop_table("sources")
