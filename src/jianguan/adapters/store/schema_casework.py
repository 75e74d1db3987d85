"""Tables of case work done through the platform: assignment (分案), recusal, recorded self-checks.

Each row keeps what is needed to re-check it later: an assignment stores its seed and the
candidates with their weights, so anyone can redraw and get the same prosecutor; a self-check
stores the findings the handler saw when the 每案必检 gate was passed.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from jianguan.adapters.store.schema import metadata

assignments = Table(
    "assignments",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False),
    Column("mode", String(16), nullable=False),  # random | designated
    Column("person", String(32), nullable=False),
    Column("reason", Text),  # required for designated
    Column("seed", String(64)),  # random only
    Column("candidates", Text, nullable=False),  # JSON: [[person, open_cases, weight], …]
    Column("by_person", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_assignments_case", "case_id"),
)

recusals = Table(
    "recusals",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("person", String(32), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("by_person", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

self_checks = Table(
    "self_checks",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False),
    Column("by_person", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("blocking", Integer, nullable=False),  # unresolved blocking findings at the time
    Column("findings", Text, nullable=False),  # JSON array, the shape of `jianguan check --json`
    Index("ix_self_checks_case", "case_id"),
)
