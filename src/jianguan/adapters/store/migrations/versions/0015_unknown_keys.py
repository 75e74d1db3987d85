"""format 1.2: keys an export carries that the format does not define, kept beside each object

Existing rows came through the strict 1.0/1.1 reader and have none (NULL).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_COLUMNS = {
    "cases": ("extra", "decision_extra", "outcome_extra"),
    "suspects": ("extra",),
    "victims": ("extra",),
    "events": ("extra",),
    "documents": ("extra",),
}


def upgrade() -> None:
    for table, names in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    for table, names in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.drop_column(name)
