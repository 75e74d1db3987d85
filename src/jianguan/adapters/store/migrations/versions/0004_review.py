"""case quality review: plans, forms, review events and outcomes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_plans",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("by_person", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "review_plan_cases",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("handler", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("year", "case_id"),
    )
    op.create_table(
        "review_forms",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("reviewer", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("marks", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("suggested", sa.String(length=32), nullable=True),
        sa.Column("grade", sa.String(length=32), nullable=True),
        sa.Column("objection", sa.Text(), nullable=True),
        sa.Column("final_grade", sa.String(length=32), nullable=True),
        sa.Column("final_by", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", "case_id"),
    )
    op.create_index("ix_review_forms_reviewer", "review_forms", ["reviewer"])
    op.create_table(
        "review_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("by_person", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_review_events_case", "review_events", ["year", "case_id"])
    op.create_table(
        "review_outcomes",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_review_outcomes_kind", "review_outcomes", ["kind", "year"])


def downgrade() -> None:
    op.drop_index("ix_review_outcomes_kind", table_name="review_outcomes")
    op.drop_table("review_outcomes")
    op.drop_index("ix_review_events_case", table_name="review_events")
    op.drop_table("review_events")
    op.drop_index("ix_review_forms_reviewer", table_name="review_forms")
    op.drop_table("review_forms")
    op.drop_table("review_plan_cases")
    op.drop_table("review_plans")
