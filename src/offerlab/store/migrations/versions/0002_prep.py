"""Interview prep: saved plans and their weeks, practice log, SM-2 review cards, mocks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prep_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("pipeline", sa.String(200), nullable=False),
        sa.Column("template", sa.String(100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("interview_date", sa.Date(), nullable=False),
        sa.Column("hours_per_week", sa.Numeric(6, 2), nullable=False),
        sa.Column("weak", sa.String(1000), nullable=False),
        sa.Column("pipeline_doc", sa.Text(), nullable=False),
        sa.Column("plan_doc", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prep_plans"),
        sa.UniqueConstraint("name", name="uq_prep_plans_name"),
    )
    op.create_table(
        "prep_plan_weeks",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("coding_minutes", sa.Integer(), nullable=False),
        sa.Column("system_design_minutes", sa.Integer(), nullable=False),
        sa.Column("ml_minutes", sa.Integer(), nullable=False),
        sa.Column("behavioral_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "week", name="pk_prep_plan_weeks"),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["prep_plans.id"],
            name="fk_prep_plan_weeks_plan_id_prep_plans",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "prep_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("logged_on", sa.Date(), nullable=False),
        sa.Column("pipeline", sa.String(200), nullable=True),
        sa.Column("stage", sa.String(100), nullable=True),
        sa.Column("skill", sa.String(20), nullable=False),
        sa.Column("problem", sa.String(500), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("mistake", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prep_practice"),
    )
    op.create_index("ix_prep_practice_logged_on", "prep_practice", ["logged_on"])
    op.create_table(
        "prep_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("repetitions", sa.Integer(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("easiness", sa.Numeric(4, 2), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("repeat_today", sa.Boolean(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("last_grade", sa.Integer(), nullable=True),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_prep_reviews"),
        sa.UniqueConstraint("practice_id", name="uq_prep_reviews_practice_id"),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["prep_practice.id"],
            name="fk_prep_reviews_practice_id_prep_practice",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_prep_reviews_due_on", "prep_reviews", ["due_on"])
    op.create_table(
        "prep_mocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("pipeline", sa.String(200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prep_mocks"),
    )
    op.create_index("ix_prep_mocks_held_on", "prep_mocks", ["held_on"])
    op.create_table(
        "prep_mock_scores",
        sa.Column("mock_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(100), nullable=False),
        sa.Column("skill", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("mock_id", "stage", name="pk_prep_mock_scores"),
        sa.ForeignKeyConstraint(
            ["mock_id"],
            ["prep_mocks.id"],
            name="fk_prep_mock_scores_mock_id_prep_mocks",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("prep_mock_scores")
    op.drop_index("ix_prep_mocks_held_on", table_name="prep_mocks")
    op.drop_table("prep_mocks")
    op.drop_index("ix_prep_reviews_due_on", table_name="prep_reviews")
    op.drop_table("prep_reviews")
    op.drop_index("ix_prep_practice_logged_on", table_name="prep_practice")
    op.drop_table("prep_practice")
    op.drop_table("prep_plan_weeks")
    op.drop_table("prep_plans")
