"""Issue 13's sources: records that state a base but no total, and official statistics tables.

Community reports (offers in India) and H-1B wage filings state a base without a total, so
``records.total`` may be null (a band of totals counts only the records that state one, as it
always did for base, stock and bonus). ``official_tables`` holds an imported official
statistics table (BLS OEWS) as its derived JSON document, one row per imported file.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch:
        batch.alter_column("total", existing_type=sa.Numeric(14, 2), nullable=True)
    op.create_table(
        "official_tables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("release_label", sa.String(100), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_official_tables"),
    )
    op.create_index("ix_official_tables_source_id", "official_tables", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_official_tables_source_id", table_name="official_tables")
    op.drop_table("official_tables")
    op.execute("DELETE FROM records WHERE total IS NULL")
    with op.batch_alter_table("records") as batch:
        batch.alter_column("total", existing_type=sa.Numeric(14, 2), nullable=False)
