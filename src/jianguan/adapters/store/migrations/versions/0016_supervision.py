"""supervision matters: leads, matters, their timelines, meetings on record

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sv_leads",
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("dedupe_key", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("line", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("matter_id", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("lead_id"),
    )
    op.create_index("ix_sv_leads_key", "sv_leads", ["dedupe_key"])
    op.create_index("ix_sv_leads_unit", "sv_leads", ["unit", "received_on"])
    op.create_table(
        "sv_matters",
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("lead_id", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("line", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("handler", sa.String(length=32), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("document_no", sa.String(length=120), nullable=True),
        sa.Column("reply_due", sa.Date(), nullable=True),
        sa.Column("reply_on", sa.Date(), nullable=True),
        sa.Column("reply_outcome", sa.String(length=16), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("matter_id"),
    )
    op.create_index("ix_sv_matters_unit", "sv_matters", ["unit", "registered_on"])
    op.create_index("ix_sv_matters_handler", "sv_matters", ["handler"])
    op.create_index("ix_sv_matters_case", "sv_matters", ["case_id"])
    op.create_table(
        "sv_matter_events",
        sa.Column("matter_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("by_person", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("matter_id", "seq"),
    )
    op.create_table(
        "sv_meetings",
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("asked_by", sa.String(length=32), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("opinions", sa.Text(), nullable=False),
        sa.Column("conclusion", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id"),
    )
    op.create_index("ix_sv_meetings_subject", "sv_meetings", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_sv_meetings_subject", table_name="sv_meetings")
    op.drop_table("sv_meetings")
    op.drop_table("sv_matter_events")
    op.drop_index("ix_sv_matters_case", table_name="sv_matters")
    op.drop_index("ix_sv_matters_handler", table_name="sv_matters")
    op.drop_index("ix_sv_matters_unit", table_name="sv_matters")
    op.drop_table("sv_matters")
    op.drop_index("ix_sv_leads_unit", table_name="sv_leads")
    op.drop_index("ix_sv_leads_key", table_name="sv_leads")
    op.drop_table("sv_leads")
