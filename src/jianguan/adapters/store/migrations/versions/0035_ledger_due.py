"""an index for alerts soonest due first: the home page's alert list and the ledger by due day
(``ORDER BY due, case_id, rule LIMIT n``, the entries without a due day after them). Without it a
provincial user's first 30 alerts sorted every active entry of the store (9 ms of a 16 ms page at
1 M cases on SQLite, docs/benchmarks.md); along ``(due, case_id, rule)`` the page reads its
entries in order.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 17:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_due", "monitoring_ledger", ["due", "case_id", "rule"])


def downgrade() -> None:
    op.drop_index("ix_ledger_due", table_name="monitoring_ledger")
