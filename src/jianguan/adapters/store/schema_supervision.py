"""Tables of supervision matters (重大监督事项案件化办理): leads, matters, their timelines, and
meetings on record (检察官联席会议, 检察委员会).

A matter's card is flattened into ``sv_matters`` (decision, reply, link to a case) so that the
indicators and monitoring are plain set-based SQL; its timeline is ``sv_matter_events``. A
meeting's subject is a matter id or a case id; members and opinions are JSON.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Table, Text

from jianguan.adapters.store.schema import metadata

sv_leads = Table(
    "sv_leads",
    metadata,
    Column("lead_id", String(64), primary_key=True),
    Column("dedupe_key", String(32), nullable=False),
    Column("model", String(200), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("line", String(16), nullable=False),
    Column("department", String(64)),
    Column("target", String(200), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("summary", Text, nullable=False),
    Column("facts", Text, nullable=False),  # JSON object
    Column("records", Text, nullable=False),  # JSON array
    Column("status", String(16), nullable=False),
    Column("note", Text),
    Column("matter_id", String(64)),
    Column("duplicate_of", String(64)),
    Index("ix_sv_leads_key", "dedupe_key"),
    Index("ix_sv_leads_unit", "unit", "received_on"),
)

sv_matters = Table(
    "sv_matters",
    metadata,
    Column("matter_id", String(64), primary_key=True),
    Column("lead_id", String(64), nullable=False),
    Column("unit", String(16), nullable=False),
    Column("department", String(64), nullable=False),
    Column("model", String(200), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("line", String(16), nullable=False),
    Column("target", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("handler", String(32), nullable=False),
    Column("major", Boolean, nullable=False),
    Column("decision", String(32)),
    Column("decided_on", Date),
    Column("decision_reason", Text),
    Column("document_no", String(120)),
    Column("reply_due", Date),
    Column("reply_on", Date),
    Column("reply_outcome", String(16)),
    Column("case_id", String(64)),
    Column("closed_on", Date),
    Index("ix_sv_matters_unit", "unit", "registered_on"),
    Index("ix_sv_matters_handler", "handler"),
    Index("ix_sv_matters_case", "case_id"),
)

sv_matter_events = Table(
    "sv_matter_events",
    metadata,
    Column("matter_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("type", String(32), nullable=False),
    Column("on_date", Date, nullable=False),
    Column("by_person", String(32)),
    Column("kind", String(32)),
    Column("note", Text),
)

sv_meetings = Table(
    "sv_meetings",
    metadata,
    Column("meeting_id", String(64), primary_key=True),
    Column("subject", String(64), nullable=False),
    Column("subject_kind", String(8), nullable=False),  # matter | case
    Column("kind", String(16), nullable=False),  # joint | committee
    Column("asked_by", String(32), nullable=False),
    Column("question", Text, nullable=False),
    Column("held_on", Date, nullable=False),
    Column("members", Text, nullable=False),  # JSON array of staff ids
    Column("opinions", Text, nullable=False),  # JSON array of [member, text]
    Column("conclusion", Text, nullable=False),
    Column("decision", String(32)),
    Column("recorded_by", String(32), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_sv_meetings_subject", "subject"),
)
