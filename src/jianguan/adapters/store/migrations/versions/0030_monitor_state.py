"""incremental flow monitoring: case marks, the last run's state and findings (issue 17 item 3)

Existing cases get their marks here (last dated fact, closing day; written at 0, before any
run), so that the first run — a full one, there is no state yet — can be followed by
incremental ones.

Revision ID: 0030
Revises: 0002
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0002"  # after the monitoring ledger, on a branch of its own
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_marks",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("changed_us", sa.BigInteger(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date()),
    )
    op.create_table(
        "monitor_state",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("span_days", sa.Integer(), nullable=False),
        sa.Column("watermark_us", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "monitor_findings",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(48), primary_key=True),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("due", sa.Date()),
    )
    greatest = "greatest" if op.get_bind().dialect.name == "postgresql" else "max"
    op.execute(
        f"""
        INSERT INTO case_marks (case_id, changed_us, last_day, closed_on)
        SELECT c.case_id, 0,
               {greatest}(c.received_on, coalesce(c.decision_on, c.received_on),
                          coalesce(c.closed_on, c.received_on),
                          coalesce(e.last, c.received_on), coalesce(d.last, c.received_on)),
               c.closed_on
          FROM cases c
          LEFT JOIN (SELECT case_id, max(on_date) AS last FROM events GROUP BY case_id) e
            ON e.case_id = c.case_id
          LEFT JOIN (SELECT case_id, max(issued_on) AS last FROM documents GROUP BY case_id) d
            ON d.case_id = c.case_id
        """
    )


def downgrade() -> None:
    op.drop_table("monitor_findings")
    op.drop_table("monitor_state")
    op.drop_table("case_marks")
