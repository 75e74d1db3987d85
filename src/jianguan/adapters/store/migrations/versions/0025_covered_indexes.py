"""drop the cases indexes on unit and on handler: the web's indexes lead with those columns

(unit, case_id), (unit, closed_on, case_id) and (handler, case_id, closed_on) serve every
query the single-column ones served, and each index is paid for on every bulk load.

Revision ID: 0025
Revises: 0005
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0005"  # after the web's indexes, on their branch
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cases_unit", table_name="cases")
    op.drop_index("ix_cases_handler", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_handler", "cases", ["handler"], unique=False)
    op.create_index("ix_cases_unit", "cases", ["unit"], unique=False)
