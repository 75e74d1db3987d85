"""two sources kept apart: an event's origin (export | platform) and the card fields set here

Existing events are the export's (server default); no card field was set here before.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("origin", sa.String(length=8), nullable=False, server_default="export")
        )
    op.create_table(
        "case_platform_fields",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("export_value", sa.Text(), nullable=False),
        sa.Column("platform_value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "field"),
    )


def downgrade() -> None:
    op.drop_table("case_platform_fields")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("origin")
