"""analysis meetings and upper-unit notices (issue 16 items 2 and 3)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_meetings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_analysis_meetings_unit", "analysis_meetings", ["unit", "held_on"], unique=False
    )
    op.create_table(
        "upper_notices",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_upper_notices_unit", "upper_notices", ["unit", "received_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_upper_notices_unit", table_name="upper_notices")
    op.drop_table("upper_notices")
    op.drop_index("ix_analysis_meetings_unit", table_name="analysis_meetings")
    op.drop_table("analysis_meetings")
