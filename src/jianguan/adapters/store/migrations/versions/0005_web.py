"""web application: accounts, login sessions, case reads; case-list indexes

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-23 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username"),
        sa.UniqueConstraint("person_id"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "case_reads",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_case_reads_case", "case_reads", ["case_id"])
    op.create_index("ix_cases_unit_case", "cases", ["unit", "case_id"])
    op.create_index("ix_cases_unit_open", "cases", ["unit", "closed_on", "case_id"])
    op.create_index("ix_cases_handler_case", "cases", ["handler", "case_id", "closed_on"])
    op.create_index("ix_cases_open", "cases", ["closed_on", "case_id", "unit"])
    op.create_index(
        "ix_ledger_status", "monitoring_ledger", ["status", "severity", "escalation", "due", "unit"]
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_status", table_name="monitoring_ledger")
    op.drop_index("ix_cases_open", table_name="cases")
    op.drop_index("ix_cases_handler_case", table_name="cases")
    op.drop_index("ix_cases_unit_open", table_name="cases")
    op.drop_index("ix_cases_unit_case", table_name="cases")
    op.drop_index("ix_case_reads_case", table_name="case_reads")
    op.drop_table("case_reads")
    op.drop_table("web_sessions")
    op.drop_table("accounts")
