"""Tables that let flow monitoring run incrementally (issue 17 item 3).

``case_marks``: one row per stored case, written with the case's rows by every write that goes
through ``SqlSession.insert_cases``/``insert_prepared`` (the import and every platform change):
when it was written (microseconds since 1970, the writing process's clock), the last day any of
its dated facts falls on, and its closing day. A monitoring run reads it instead of the case
tables to choose the cases it must look at again.

``monitor_state``: the last recorded run (its as-of, the fingerprint of the rules, calendar and
periods it ran with, the span its due dates can reach, its watermark). ``monitor_findings``:
that run's findings of the stored cases, so that a case not looked at again keeps them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Integer, String, Table

from jianguan.adapters.store.schema import metadata

case_marks = Table(
    "case_marks",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("changed_us", BigInteger, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("closed_on", Date),
)

monitor_state = Table(
    "monitor_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("as_of", Date, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("span_days", Integer, nullable=False),
    Column("watermark_us", BigInteger, nullable=False),
)

monitor_findings = Table(
    "monitor_findings",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("rule", String(48), primary_key=True),
    Column("unit", String(16), nullable=False),
    Column("due", Date),
)
