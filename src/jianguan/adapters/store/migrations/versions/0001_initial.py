"""initial store: units, people, cases and their lists, audit log

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:26:00.205239
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("hash"),
    )
    op.create_table(
        "case_charges",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("charge", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("unified_no", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("handler", sa.String(length=32), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("assignment", sa.String(length=16), nullable=False),
        sa.Column("major_complex", sa.Boolean(), nullable=False),
        sa.Column("decision_type", sa.String(length=32), nullable=True),
        sa.Column("decision_on", sa.Date(), nullable=True),
        sa.Column("decision_by", sa.String(length=32), nullable=True),
        sa.Column("decision_approved_by", sa.String(length=32), nullable=True),
        sa.Column("decision_ground", sa.String(length=32), nullable=True),
        sa.Column("outcome_type", sa.String(length=32), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("sentence_months", sa.Integer(), nullable=True),
        sa.Column("recommendation_months", sa.Integer(), nullable=True),
        sa.Column("recommendation_accepted", sa.Boolean(), nullable=True),
        sa.Column("appealed", sa.Boolean(), nullable=True),
        sa.Column("charge_changed", sa.Boolean(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("archived_on", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index(
        "ix_cases_category_received", "cases", ["category", "received_on"], unique=False
    )
    op.create_index(op.f("ix_cases_handler"), "cases", ["handler"], unique=False)
    op.create_index(op.f("ix_cases_unified_no"), "cases", ["unified_no"], unique=False)
    op.create_index(op.f("ix_cases_unit"), "cases", ["unit"], unique=False)
    op.create_table(
        "documents",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=48), nullable=False),
        sa.Column("no", sa.Text(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )
    op.create_table(
        "events",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("by_person", sa.String(length=32), nullable=True),
        sa.Column("party", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("in_quota", sa.Boolean(), nullable=False),
        sa.Column("senior", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_people_unit"), "people", ["unit"], unique=False)
    op.create_table(
        "suspects",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("in_custody", sa.Boolean(), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("disability", sa.String(length=16), nullable=True),
        sa.Column("has_counsel", sa.Boolean(), nullable=False),
        sa.Column("plea_leniency", sa.Boolean(), nullable=False),
        sa.Column("fast_track", sa.Boolean(), nullable=False),
        sa.Column("likely_sentence_months", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )
    op.create_table(
        "units",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "victims",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("victims")
    op.drop_table("units")
    op.drop_table("suspects")
    op.drop_index(op.f("ix_people_unit"), table_name="people")
    op.drop_table("people")
    op.drop_table("events")
    op.drop_table("documents")
    op.drop_index(op.f("ix_cases_unit"), table_name="cases")
    op.drop_index(op.f("ix_cases_unified_no"), table_name="cases")
    op.drop_index(op.f("ix_cases_handler"), table_name="cases")
    op.drop_index("ix_cases_category_received", table_name="cases")
    op.drop_table("cases")
    op.drop_table("case_charges")
    op.drop_table("audit_log")
