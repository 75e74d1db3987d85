"""Tables of the management cycle (issue 16): inspection rectifications and scheduled runs.

An inspection (巡视整改) is kept whole as JSON (its items, hand-overs, reports, leader changes and
re-checks), with the columns a list filters by. ``schedule_runs`` records every run of a
scheduled job: its start, end, outcome and message (the schedule page and ``run-due`` read it).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Table, Text

from jianguan.adapters.store.schema import metadata

inspections = Table(
    "inspections",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("unit", String(16), nullable=False),
    Column("feedback_on", Date, nullable=False),
    Column("body", Text, nullable=False),  # JSON: the whole inspection
    Index("ix_inspections_unit", "unit", "feedback_on"),
)

schedule_runs = Table(
    "schedule_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job", String(48), nullable=False),
    Column("due", Date, nullable=False),  # the slot (day, month, quarter) the run covers
    Column("trigger", String(16), nullable=False),  # scheduler | cli
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("outcome", String(16), nullable=False),  # running | success | failed
    Column("message", Text, nullable=False),
    Index("ix_schedule_runs_job", "job", "started_at"),
)
