"""Tables of case quality review (案件质量评查): plans, forms, their events and outcomes.

A plan keeps its seed and candidate lists so that anyone can redraw the routine sample and get
the same cases; a form keeps the automatic findings it was pre-filled with next to the marks the
reviewer kept, so a grade always shows what it rests on. Every step is a row of
``review_events`` as well as an entry of the audit log.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, Index, Integer, String, Table, Text

from jianguan.adapters.store.schema import metadata

review_plans = Table(
    "review_plans",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("seed", String(64), nullable=False),
    Column("params", Text, nullable=False),  # JSON: sampling, specials, triggers in force
    Column("candidates", Text, nullable=False),  # JSON: {handler: [case_id, …]} (sorted)
    Column("by_person", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

review_plan_cases = Table(
    "review_plan_cases",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("reason", String(16), nullable=False),  # routine | key | special (the strongest)
    Column("trigger", String(64)),
    Column("detail", Text, nullable=False),  # JSON: reasons, triggers, specials
    Column("handler", String(32), nullable=False),
    Column("unit", String(16), nullable=False),
)

review_forms = Table(
    "review_forms",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("mode", String(16), nullable=False),  # cross | escalated | remote
    Column("reviewer", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # assigned | recorded | objected | decided
    Column("findings", Text, nullable=False),  # JSON: the automatic findings it was pre-filled with
    Column("marks", Text, nullable=False),  # JSON: the items marked, with notes and sources
    Column("score", Float),
    Column("suggested", String(32)),
    Column("grade", String(32)),  # the reviewer's grade
    Column("objection", Text),  # the handler's objection (异议)
    Column("final_grade", String(32)),
    Column("final_by", String(32)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_forms_reviewer", "reviewer"),
)

review_events = Table(
    "review_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("case_id", String(64), nullable=False),
    Column(
        "step", String(16), nullable=False
    ),  # planned | assigned | recorded | objected | decided
    Column("by_person", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("detail", Text, nullable=False),  # JSON
    Index("ix_review_events_case", "year", "case_id"),
)

review_outcomes = Table(
    "review_outcomes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("case_id", String(64), nullable=False),
    # accountability_referral (问责线索) | rectification (整改) | positive_candidate (正面清单候选)
    Column("kind", String(32), nullable=False),
    Column("person", String(32), nullable=False),  # the handler the outcome concerns
    Column("unit", String(16), nullable=False),
    Column("grade", String(32), nullable=False),
    Column("due_on", Date),  # rectification deadline
    Column("status", String(16), nullable=False),  # open
    Column("evidence", Text, nullable=False),  # JSON: link to the form, its marks and findings
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_review_outcomes_kind", "kind", "year"),
)
