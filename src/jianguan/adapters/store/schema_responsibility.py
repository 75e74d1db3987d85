"""Tables of the responsibility system: list entries, tolerances, referrals, rectifications.

Referrals and rectifications are kept whole as JSON (their steps, tasks and reports), with the
columns one filters on beside them; every change is also an audit-log entry.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, String, Table, Text

from jianguan.adapters.store.schema import metadata

list_entries = Table(
    "list_entries",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("rule", String(48), nullable=False),
    Column("list", String(16), nullable=False),  # positive | negative
    Column("unit", String(16), nullable=False),
    Column("person", String(32)),
    Column("case_id", String(64)),
    Column("on_date", Date, nullable=False),
    Column("title", Text, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON: source, ref, detail
    Column("basis", Text, nullable=False),  # JSON array
    Column("manual", Boolean, nullable=False),
    Column("built_at", DateTime(timezone=True), nullable=False),
    Index("ix_list_entries_unit", "unit", "on_date"),
    Index("ix_list_entries_person", "person"),
)

tolerances = Table(
    "tolerances",
    metadata,
    Column("entry_key", String(400), primary_key=True),
    Column("cause", Text, nullable=False),
    Column("decided_by", String(32), nullable=False),
    Column("on_date", Date, nullable=False),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("source", String(24), nullable=False),
    Column("source_ref", String(128), nullable=False, unique=True),
    Column("unit", String(16), nullable=False),
    Column("person", String(32), nullable=False),
    Column("case_id", String(64)),
    Column("stage", String(24), nullable=False),
    Column("closed_on", Date),
    Column("body", Text, nullable=False),  # JSON: the whole referral
)

rectifications = Table(
    "rectifications",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("source", String(24), nullable=False),
    Column("source_ref", String(128), nullable=False, unique=True),
    Column("unit", String(16), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("body", Text, nullable=False),  # JSON: the whole rectification
)
