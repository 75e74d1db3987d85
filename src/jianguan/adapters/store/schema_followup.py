"""Tables of analysis meetings (业务数据分析研判会商) and upper-unit notices (上级院通报).

Each is kept whole as JSON (its topics, tasks, minutes, carried items; its problems, tasks and
report-backs), beside the columns a list filters by — as the inspections are.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, String, Table, Text

from jianguan.adapters.store.schema import metadata

analysis_meetings = Table(
    "analysis_meetings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("unit", String(16), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("body", Text, nullable=False),  # JSON: the whole meeting
    Index("ix_analysis_meetings_unit", "unit", "held_on"),
)

upper_notices = Table(
    "upper_notices",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("unit", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("body", Text, nullable=False),  # JSON: the whole notice
    Index("ix_upper_notices_unit", "unit", "received_on"),
)
