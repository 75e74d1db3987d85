"""format 1.1: an event's `at` (ISO 8601 with offset) and a suspect's `likely_sentence` band

Both columns are nullable: a store filled from 1.0 files keeps its rows as they are.

Revision ID: 0011
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("at", sa.String(length=40), nullable=True))
    with op.batch_alter_table("suspects") as batch:
        batch.add_column(sa.Column("likely_sentence", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suspects") as batch:
        batch.drop_column("likely_sentence")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("at")
