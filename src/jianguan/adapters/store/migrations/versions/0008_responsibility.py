"""responsibility: list entries, tolerances (容错免责), referrals (线索移送), rectifications (整改)

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-23 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_entries",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("rule", sa.String(length=48), nullable=False),
        sa.Column("list", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_list_entries_unit", "list_entries", ["unit", "on_date"])
    op.create_index("ix_list_entries_person", "list_entries", ["person"])
    op.create_table(
        "tolerances",
        sa.Column("entry_key", sa.String(length=400), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("entry_key"),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_ref"),
    )
    op.create_table(
        "rectifications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("source_ref", sa.String(length=128), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_ref"),
    )


def downgrade() -> None:
    op.drop_table("rectifications")
    op.drop_table("referrals")
    op.drop_table("tolerances")
    op.drop_index("ix_list_entries_person", table_name="list_entries")
    op.drop_index("ix_list_entries_unit", table_name="list_entries")
    op.drop_table("list_entries")
