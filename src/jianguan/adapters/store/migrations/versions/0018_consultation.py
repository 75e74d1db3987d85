"""the consultation (issue 15): initial-review panels, members' opinions, review forms

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cs_panels",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("formed_by", sa.String(length=32), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("criterion", sa.String(length=64), nullable=False),
        sa.Column("unfilled", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "cs_members",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("line", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("opinion_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )
    op.create_index("ix_cs_members_person", "cs_members", ["person"])
    op.create_table(
        "cs_forms",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("form_id", sa.String(length=48), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("filled_by", sa.String(length=32), nullable=False),
        sa.Column("filled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "form_id"),
    )


def downgrade() -> None:
    op.drop_table("cs_forms")
    op.drop_index("ix_cs_members_person", table_name="cs_members")
    op.drop_table("cs_members")
    op.drop_table("cs_panels")
