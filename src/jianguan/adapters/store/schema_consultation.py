"""Tables of the consultation (线上会诊): the initial-review panel of a case, its members (each
with their opinion form, JSON), and the handler's review forms (审查表, JSON answers)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from jianguan.adapters.store.schema import metadata

cs_panels = Table(
    "cs_panels",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("formed_at", DateTime(timezone=True), nullable=False),
    Column("formed_by", String(32), nullable=False),
    Column("seed", String(64), nullable=False),
    Column("criterion", String(64), nullable=False),
    Column("unfilled", Text, nullable=False),  # JSON array of lines nobody could be drawn for
)

cs_members = Table(
    "cs_members",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("person", String(32), nullable=False),
    Column("line", String(16), nullable=False),
    Column("department", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("opinion", Text),  # JSON object: the opinion form's answers
    Column("opinion_at", DateTime(timezone=True)),
    Column("note", Text),
    Index("ix_cs_members_person", "person"),
)

cs_forms = Table(
    "cs_forms",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("form_id", String(48), primary_key=True),
    Column("answers", Text, nullable=False),  # JSON object
    Column("filled_by", String(32), nullable=False),
    Column("filled_at", DateTime(timezone=True), nullable=False),
)
