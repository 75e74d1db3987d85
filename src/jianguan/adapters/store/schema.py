"""The relational layout of the store (SQLAlchemy Core; the migrations create exactly this).

Cases are normalised so that monitoring and indicators can be set-based SQL: one row per case
(card, decision and outcome flattened), and one row per charge, suspect, victim, event and
document, each with `seq` keeping the order of the record's list. Child tables carry no foreign
keys: the import validates every reference before writing, and foreign-key triggers would cost
a third of bulk-load speed on PostgreSQL (docs/architecture.md).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

units = Table(
    "units",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", Text, nullable=False),
    Column("level", String(16), nullable=False),
    Column("parent", String(16), nullable=True),
)

people = Table(
    "people",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("unit", String(16), nullable=False, index=True),
    Column("department", Text, nullable=False),
    Column("role", String(24), nullable=False),
    Column("in_quota", Boolean, nullable=False),
    Column("senior", Boolean, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("unified_no", String(64), nullable=False, index=True),
    # unit and handler have no single-column index: (unit, case_id), (unit, closed_on, case_id)
    # and (handler, case_id, closed_on) lead with them (schema_web.py), and each index costs
    # the bulk load (issue 17).
    Column("unit", String(16), nullable=False),
    Column("department", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("source", String(24), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("handler", String(32), nullable=False),
    Column("assigned_on", Date, nullable=False),
    Column("assignment", String(16), nullable=False),
    Column("major_complex", Boolean, nullable=False),
    Column("decision_type", String(32)),
    Column("decision_on", Date),
    Column("decision_by", String(32)),
    Column("decision_approved_by", String(32)),
    Column("decision_ground", String(32)),
    Column("outcome_type", String(32)),
    Column("outcome_on", Date),
    Column("sentence_months", Integer),
    Column("recommendation_months", Integer),
    Column("recommendation_accepted", Boolean),
    Column("appealed", Boolean),
    Column("charge_changed", Boolean),
    Column("closed_on", Date),
    Column("archived_on", Date),
    Column("content_hash", String(32), nullable=False),
    # format 1.2: keys the export carried that the format does not define, as JSON text, written
    # back on export (the case's own, its decision's, its outcome's).
    Column("extra", Text),
    Column("decision_extra", Text),
    Column("outcome_extra", Text),
)

case_charges = Table(
    "case_charges",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("charge", Text, nullable=False),
)

suspects = Table(
    "suspects",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("id", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("in_custody", Boolean, nullable=False),
    Column("minor", Boolean, nullable=False),
    Column("disability", String(16)),
    Column("has_counsel", Boolean, nullable=False),
    Column("plea_leniency", Boolean, nullable=False),
    Column("fast_track", Boolean, nullable=False),
    Column("likely_sentence_months", Integer),
    Column("likely_sentence", String(16)),  # format 1.1 band (may say life or death)
    Column("extra", Text),  # format 1.2: unknown keys, JSON
)

victims = Table(
    "victims",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("id", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("extra", Text),
)

events = Table(
    "events",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("type", String(32), nullable=False),
    Column("on_date", Date, nullable=False),  # `on` in format v1; a reserved word in SQL
    Column("by_person", String(32)),
    Column("party", String(32)),
    Column("note", Text),
    # format 1.1 `at`: kept as its ISO 8601 text with the offset it came with, so that export
    # writes it back exactly on every backend (a timestamptz would keep the instant only).
    Column("at", String(40)),
    # export | platform (domain.provenance.Origin): a re-import replaces the export's events
    # and keeps the platform's.
    Column("origin", String(8), nullable=False, server_default="export"),
    Column("extra", Text),
)

documents = Table(
    "documents",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("type", String(48), nullable=False),
    Column("no", Text),
    Column("issued_on", Date, nullable=False),
    Column("text", Text),
    Column("extra", Text),
)

# Case-card fields set on the platform (domain.provenance): the value set here and the export's
# value beside it (JSON), so that a re-import keeps the first and updates the second.
case_platform_fields = Table(
    "case_platform_fields",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("field", String(32), primary_key=True),
    Column("export_value", Text, nullable=False),
    Column("platform_value", Text, nullable=False),
)

# 全程留痕: every change the platform makes is one entry; each entry's hash covers the previous.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(48), nullable=False),
    Column("subject", String(64)),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)
# Pages read the log by subject (a case's trail, the ledger's marks, a matter's history); without
# this index each such read scans the whole chain (migration 0032).
Index("ix_audit_log_subject", audit_log.c.subject)

# 流程监控台账: one entry per (case, rule) found by monitoring (jianguan.domain.ledger).
monitoring_ledger = Table(
    "monitoring_ledger",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("rule", String(48), primary_key=True),
    Column("kind", String(48), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("unit", String(16), nullable=False, index=True),
    Column("due", Date),
    Column("explanation", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("escalation", String(8), nullable=False),
    Column("first_found", Date, nullable=False),
    Column("last_found", Date, nullable=False),
    Column("notified_on", Date),
    Column("resolved_on", Date),
)

# No (type, case_id) index on events: it halved PostgreSQL's bulk-load rate (measured: 215k vs
# 508k event rows/s), and monitoring reads events by type in bulk, where a scan is right anyway;
# per-case reads use the primary key.
Index("ix_cases_category_received", cases.c.category, cases.c.received_on)

CASE_CHILD_TABLES = (case_charges, suspects, victims, events, documents)
