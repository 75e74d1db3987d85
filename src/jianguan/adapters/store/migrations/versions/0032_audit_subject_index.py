"""an index on audit_log.subject: the case page's trail, the ledger's marks and the supervision
pages read the log by subject (``of_subjects``: subject IN … AND action IN …), which without it
scans the whole chain — the longest table after the cases' own.

Revision ID: 0032
Revises: 0001
Create Date: 2026-12-10 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0032"
down_revision = "0001"  # after the table it indexes (the initial schema), on a branch of its own
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
