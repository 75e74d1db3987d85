"""partial indexes for the open-case pages: open cases of a unit, and of the store, in case_id
order. PostgreSQL does not order by the column after an ``IS NULL`` condition, so with
``(unit, closed_on, case_id)`` a unit's open list read every open case of the unit and sorted it
(a city's open list at 1 M cases: 234 ms p50); an index that holds only open cases orders them.

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-03 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0031"  # on the web's branch of indexes (0005 → 0025 → 0031)
branch_labels = None
depends_on = None

OPEN = sa.text("closed_on IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_cases_open_unit_page", "cases", ["unit", "case_id"],
        postgresql_where=OPEN, sqlite_where=OPEN,
    )  # fmt: skip
    op.create_index(
        "ix_cases_open_page", "cases", ["case_id"], postgresql_where=OPEN, sqlite_where=OPEN
    )


def downgrade() -> None:
    op.drop_index("ix_cases_open_page", table_name="cases")
    op.drop_index("ix_cases_open_unit_page", table_name="cases")
