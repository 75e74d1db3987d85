"""monitoring ledger (流程监控台账)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_ledger",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("escalation", sa.String(length=8), nullable=False),
        sa.Column("first_found", sa.Date(), nullable=False),
        sa.Column("last_found", sa.Date(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "rule"),
    )
    op.create_index(op.f("ix_monitoring_ledger_unit"), "monitoring_ledger", ["unit"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_monitoring_ledger_unit"), table_name="monitoring_ledger")
    op.drop_table("monitoring_ledger")
