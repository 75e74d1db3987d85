"""management cycle (issue 16): inspection rectifications and the record of scheduled runs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("feedback_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inspections_unit", "inspections", ["unit", "feedback_on"], unique=False)
    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job", sa.String(length=48), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_schedule_runs_job", "schedule_runs", ["job", "started_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_schedule_runs_job", table_name="schedule_runs")
    op.drop_table("schedule_runs")
    op.drop_index("ix_inspections_unit", table_name="inspections")
    op.drop_table("inspections")
