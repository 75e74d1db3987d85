"""Tables of the web application: accounts, login sessions, and the log of case reads.

Passwords are stored only as argon2 hashes; a session row stores the sha256 of its cookie token,
so a copy of the database does not let anyone log in. ``case_reads`` answers "who looked at this
case, and when" (issue 7: every read of a case is logged); it is kept apart from the hash-chained
audit log because reads are many and must not serialise on the chain's lock.

The extra indexes on ``cases`` serve the web case list (keyset pagination by case_id within a
unit or a handler) and the dashboard's count of open cases, which must stay fast at 1M cases.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from jianguan.adapters.store.schema import cases, metadata, monitoring_ledger

accounts = Table(
    "accounts",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("person_id", String(32), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# A role given on the platform (``jianguan account roles``, the accounts page). The staff list
# (people.csv → ``people``) is the national system's; a grant is the platform's own record and
# lives apart from it, so a re-import of the staff list never overwrites it (issue 14: nothing
# the platform recorded is lost). The person's role is the grant's while it stands.
person_roles = Table(
    "person_roles",
    metadata,
    Column("person_id", String(32), primary_key=True),
    Column("role", String(24), nullable=False),
    Column("by", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
)

case_reads = Table(
    "case_reads",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), nullable=False),
    Column("person", String(32), nullable=False),
    Column("via", String(16), nullable=False),  # page | api | selfcheck
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_case_reads_case", "case_id"),
)

# The web's case list is keyset-paged by case_id at 1M cases (docs/benchmarks.md):
# - a unit's cases in case_id order, and a unit's open cases in case_id order;
# - a handler's cases, with closed_on so that counting their open cases stays in the index;
# - open cases in case_id order with their unit: the whole store's open list, and counts of open
#   cases over a set of units from the index alone.
Index("ix_cases_unit_case", cases.c.unit, cases.c.case_id)
Index("ix_cases_unit_open", cases.c.unit, cases.c.closed_on, cases.c.case_id)
Index("ix_cases_handler_case", cases.c.handler, cases.c.case_id, cases.c.closed_on)
Index("ix_cases_open", cases.c.closed_on, cases.c.case_id, cases.c.unit)
# - open cases only, ordered (migration 0033): PostgreSQL does not order by the column after an
#   IS NULL condition, so the two above made it read a unit's (or the store's) every open case and
#   sort them before the LIMIT.
_OPEN = cases.c.closed_on.is_(None)
Index("ix_cases_open_unit_page", cases.c.unit, cases.c.case_id, postgresql_where=_OPEN,
      sqlite_where=_OPEN)  # fmt: skip
Index("ix_cases_open_page", cases.c.case_id, postgresql_where=_OPEN, sqlite_where=_OPEN)
# - a handler's cases within the scope's unit, in case_id order (migration 0034): without it
#   PostgreSQL intersected the handler's and the whole unit's index entries (26 ms at 1 M).
Index("ix_cases_handler_unit_case", cases.c.handler, cases.c.unit, cases.c.case_id)
# - alerts soonest due first (the home page's, the ledger by due day; migration 0035): without it
#   a province's first 30 alerts sorted every active entry of the store (9 ms at 15,716 entries).
Index("ix_ledger_due", monitoring_ledger.c.due, monitoring_ledger.c.case_id,
      monitoring_ledger.c.rule)  # fmt: skip
# The dashboard counts active ledger entries by severity and escalation, and those due soon, in
# any set of units, from the index alone (with unit left out, a city's count read the table).
Index(
    "ix_ledger_status",
    monitoring_ledger.c.status,
    monitoring_ledger.c.severity,
    monitoring_ledger.c.escalation,
    monitoring_ledger.c.due,
    monitoring_ledger.c.unit,
)
