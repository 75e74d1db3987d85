"""Scoped access (issue 7): who may read which cases, and the log of every case read.

The rule, enforced here and not only in the pages: a user sees the cases of their own unit and of
every unit below it in the tree. Prosecutors, assistants and clerks see their own cases by default
(``mine``) and may widen the view to their unit; case officers, heads and chiefs see their
units'. A case outside the scope answers exactly as a case that does not exist (``NotInScope``),
so the answer does not even confirm that it exists. Every read of a case goes into ``case_reads``
(who, when, through what) in the same transaction as the read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from jianguan.domain.ledger import OPEN_STATUSES, REMIND, REPORT, URGE, Entry
from jianguan.domain.model import Case, Person, Role, Unit
from jianguan.services.monitoring import units_below

OWN_CASE_ROLES = frozenset({Role.PROSECUTOR, Role.ASSISTANT, Role.CLERK})
LEDGER_ROLES = frozenset(
    {Role.CASE_OFFICER, Role.DEPARTMENT_HEAD, Role.CHIEF, Role.DEPUTY_CHIEF, Role.INSPECTOR}
)
NEXT_LEVEL = {REMIND: URGE, URGE: REPORT}
PAGE_MAX = 200


class NotInScope(LookupError):
    """No such case for this user (absent, or outside their units: the same answer)."""


class NotAllowed(PermissionError):
    """The user's role may not do this."""


@dataclass(frozen=True, slots=True)
class Principal:
    """A logged-in user: their person and the units they may see."""

    username: str
    person: Person
    units: frozenset[str]
    whole_store: bool  # the scope covers every unit stored (a provincial user)

    @property
    def own_cases_by_default(self) -> bool:
        return self.person.role in OWN_CASE_ROLES

    def may_read(self, unit: str) -> bool:
        return unit in self.units


@dataclass(frozen=True, slots=True)
class CaseSummary:
    case_id: str
    unified_no: str
    unit: str
    department: str
    category: str
    received_on: dt.date
    handler: str
    decision_type: str | None
    closed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Which cases of the scope to list: ``mine`` (handled by me), open only, one category."""

    mine: bool = False
    open_only: bool = False
    category: str | None = None
    after: str | None = None  # keyset cursor: the last case_id of the previous page
    limit: int = 50


@dataclass(frozen=True, slots=True)
class LedgerQuery:
    mine: bool = False
    status: str | None = None  # open | notified | corrected | closed | active (open or notified)
    escalation: str | None = None
    severity: str | None = None
    rule: str | None = None
    case_id: str | None = None
    after: tuple[str, str] | None = None  # keyset cursor: (case_id, rule)
    by_due: bool = False  # soonest due first (alerts); then no cursor
    limit: int = 50


@dataclass(frozen=True, slots=True)
class Dashboard:
    open_cases: int
    alerts: dict[str, int] = field(default_factory=dict)  # severity → open ledger entries
    escalations: dict[str, int] = field(default_factory=dict)  # 提醒/督促/通报 → entries
    due_soon: int = 0  # open entries due within the next three days (or overdue)


class AccessStore(Protocol):
    """What scoped access needs from the store (one transaction)."""

    def units(self) -> list[Unit]: ...

    def case_page(
        self, units: Collection[str] | None, handler: str | None, query: CaseQuery
    ) -> list[CaseSummary]:
        """Cases of ``units`` (all when None), of ``handler`` when given, by case_id."""
        ...

    def load_case(self, case_id: str) -> Case | None: ...

    def log_read(self, case_id: str, person: str, via: str, at: dt.datetime) -> None: ...

    def case_reads(self, case_id: str, limit: int) -> list[tuple[str, str, dt.datetime]]: ...

    def ledger_page(
        self, units: Collection[str] | None, handler: str | None, query: LedgerQuery
    ) -> list[Entry]: ...

    def save_entry(self, entry: Entry) -> None: ...

    def dashboard(
        self, units: Collection[str] | None, handler: str | None, due_by: dt.date
    ) -> Dashboard: ...

    def append_audit(self, actor: str, action: str, subject: str | None, detail: Any) -> None: ...


def principal_for(username: str, person: Person, units: Sequence[Unit]) -> Principal:
    """The scope of ``person``: their unit and the units below it."""
    scope = frozenset(units_below(units, person.unit))
    return Principal(username, person, scope, scope >= {u.code for u in units})


def _filters(p: Principal, mine: bool) -> tuple[frozenset[str] | None, str | None]:
    # A provincial user's scope is the whole store: no unit filter at all, which keeps the
    # case list on the primary key's order instead of a union over a hundred units.
    units = None if p.whole_store else p.units
    return units, (p.person.id if mine else None)


def list_cases(store: AccessStore, p: Principal, query: CaseQuery) -> list[CaseSummary]:
    units, handler = _filters(p, query.mine)
    q = replace(query, limit=max(1, min(query.limit, PAGE_MAX)))
    rows = store.case_page(units, handler, q)
    # Belt and braces: the store filtered already; a row outside the scope would be a bug there.
    return [r for r in rows if p.may_read(r.unit)]


def read_case(store: AccessStore, p: Principal, case_id: str, via: str, now: dt.datetime) -> Case:
    """The case, if in scope; the read is logged (who, when, how)."""
    case = store.load_case(case_id)
    if case is None or not p.may_read(case.unit):
        raise NotInScope(case_id)
    store.log_read(case_id, p.person.id, via, now)
    return case


def case_reads(
    store: AccessStore, p: Principal, case_id: str, limit: int = 20
) -> list[tuple[str, str, dt.datetime]]:
    """Who read the case and when (only for those who may read the case themselves)."""
    case = store.load_case(case_id)
    if case is None or not p.may_read(case.unit):
        raise NotInScope(case_id)
    return store.case_reads(case_id, limit)


def ledger(store: AccessStore, p: Principal, query: LedgerQuery) -> list[Entry]:
    units, handler = _filters(p, query.mine)
    q = replace(query, limit=max(1, min(query.limit, PAGE_MAX)))
    return [e for e in store.ledger_page(units, handler, q) if p.may_read(e.unit)]


def dashboard(store: AccessStore, p: Principal, mine: bool, as_of: dt.date) -> Dashboard:
    units, handler = _filters(p, mine)
    return store.dashboard(units, handler, as_of + dt.timedelta(days=3))


def escalate(store: AccessStore, p: Principal, case_id: str, rule: str, as_of: dt.date) -> Entry:
    """Raise an open ledger entry one level by hand (提醒 → 督促 → 通报), audited."""
    if p.person.role not in LEDGER_ROLES:
        raise NotAllowed(p.person.role.value)
    found = store.ledger_page(
        None if p.whole_store else p.units, None, LedgerQuery(case_id=case_id, rule=rule, limit=1)
    )
    entry = found[0] if found else None
    if entry is None or not p.may_read(entry.unit):
        raise NotInScope(case_id)
    if entry.status not in OPEN_STATUSES or entry.escalation not in NEXT_LEVEL:
        raise ValueError("该条目不能再升级 / this entry cannot be escalated further")
    new = replace(
        entry,
        escalation=NEXT_LEVEL[entry.escalation],
        status="notified",
        notified_on=entry.notified_on or as_of,
    )
    store.save_entry(new)
    detail = {"rule": rule, "from": entry.escalation, "to": new.escalation, "by": p.person.id}
    store.append_audit(p.person.id, "ledger.escalate.manual", case_id, detail)
    return new
