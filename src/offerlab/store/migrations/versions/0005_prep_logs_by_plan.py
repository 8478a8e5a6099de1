"""Practice and mocks belong to the saved plan (the interview loop) they were logged for.

Before this, every log counted toward every plan ("8.0 of 1.7 planned"). Existing logs are
given to a plan where that is unambiguous: the one plan of the same owner whose dates (start
to interview) hold the log's day (for a mock, of its pipeline when several do), else the
owner's only plan; the others stay without a plan (null) and count toward none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, the column with the log's day).
_LOGS = (("prep_practice", "logged_on"), ("prep_mocks", "held_on"))


def upgrade() -> None:
    for table, _ in _LOGS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
            batch.create_index(f"ix_{table}_plan_id", ["plan_id"])
            batch.create_foreign_key(
                f"fk_{table}_plan_id_prep_plans",
                "prep_plans",
                ["plan_id"],
                ["id"],
                ondelete="SET NULL",
            )
    for table, day in _LOGS:
        covering = (
            f"FROM prep_plans p WHERE p.owner = {table}.owner "
            f"AND {table}.{day} BETWEEN p.start_date AND p.interview_date"
        )
        op.execute(
            f"UPDATE {table} SET plan_id = (SELECT MIN(p.id) {covering}) "
            f"WHERE (SELECT COUNT(*) {covering}) = 1"
        )
        only = f"FROM prep_plans p WHERE p.owner = {table}.owner"
        op.execute(
            f"UPDATE {table} SET plan_id = (SELECT MIN(p.id) {only}) "
            f"WHERE plan_id IS NULL AND (SELECT COUNT(*) {only}) = 1"
        )
    same_pipeline = (
        "FROM prep_plans p WHERE p.owner = prep_mocks.owner "
        "AND p.pipeline = prep_mocks.pipeline "
        "AND prep_mocks.held_on BETWEEN p.start_date AND p.interview_date"
    )
    op.execute(
        f"UPDATE prep_mocks SET plan_id = (SELECT MIN(p.id) {same_pipeline}) "
        f"WHERE plan_id IS NULL AND (SELECT COUNT(*) {same_pipeline}) = 1"
    )


def downgrade() -> None:
    for table, _ in reversed(_LOGS):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_plan_id_prep_plans", type_="foreignkey")
            batch.drop_index(f"ix_{table}_plan_id")
            batch.drop_column("plan_id")
