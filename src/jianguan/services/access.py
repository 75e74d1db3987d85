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
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from jianguan.domain.gates import Missing, SelfCheckRecord, archive_missing, close_missing
from jianguan.domain.ledger import AnsweredByHand, Entry, RaisedByHand, Undone, transition
from jianguan.domain.model import Case, Person, Role, Unit
from jianguan.domain.rulebook import Rulebook
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.access import CaseQuery, CaseRead, CaseSearch, CaseSummary, Dashboard
from jianguan.services.ports.cases import AuditRecord
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.services.selfcheck import checker_in

OWN_CASE_ROLES = frozenset({Role.PROSECUTOR, Role.ASSISTANT, Role.CLERK})
LEDGER_ROLES = frozenset(
    {Role.CASE_OFFICER, Role.DEPARTMENT_HEAD, Role.CHIEF, Role.DEPUTY_CHIEF, Role.INSPECTOR}
)
PAGE_MAX = 200
CASE_LEDGER_MAX = 100  # ledger entries shown on one case's page

Gate = Literal["close", "archive", "done"]  # the gate a case stands before (done: archived)


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

    @property
    def keeps_the_ledger(self) -> bool:
        """Whether the user's role may raise ledger entries by hand (case officers and above)."""
        return self.person.role in LEDGER_ROLES

    def may_read(self, unit: str) -> bool:
        return unit in self.units


@dataclass(frozen=True, slots=True)
class CaseFile:
    """One case as its page shows it: the case, its ledger entries and the gate before it."""

    case: Case
    entries: list[Entry]
    gate: Gate
    missing: list[Missing]  # what the gate still needs (empty: the case may pass it)
    last_check: SelfCheckRecord | None


def principal_for(username: str, person: Person, units: Sequence[Unit]) -> Principal:
    """The scope of ``person``: their unit and the units below it."""
    scope = frozenset(units_below(units, person.unit))
    return Principal(username, person, scope, scope >= {u.code for u in units})


def _filters(p: Principal, mine: bool) -> tuple[frozenset[str] | None, str | None]:
    # A provincial user's scope is the whole store: no unit filter at all, which keeps the
    # case list on the primary key's order instead of a union over a hundred units.
    units = None if p.whole_store else p.units
    return units, (p.person.id if mine else None)


_Q = TypeVar("_Q", CaseQuery, LedgerQuery)


def _limited(query: _Q) -> _Q:
    return replace(query, limit=max(1, min(query.limit, PAGE_MAX)))


def page_is_full(rows: Sequence[object], limit: int) -> bool:
    """Whether a page came back as long as asked (so that a next page may follow)."""
    return len(rows) == max(1, min(limit, PAGE_MAX))


def list_cases(uow: UnitOfWork, p: Principal, query: CaseQuery) -> list[CaseSummary]:
    units, handler = _filters(p, query.mine)
    with uow:
        rows = uow.access.case_page(units, handler, _limited(query))
    # Belt and braces: the store filtered already; a row outside the scope would be a bug there.
    return [r for r in rows if p.may_read(r.unit)]


def search_cases(
    uow: UnitOfWork, p: Principal, search: CaseSearch, total: int | None = None
) -> tuple[int, list[CaseSummary]]:
    """The list page: the scope's cases matching ``search``, counted (unless ``total`` is
    known), one numbered page."""
    units, handler = _filters(p, search.mine)
    per_page = max(1, min(search.per_page, PAGE_MAX))
    with uow:
        page = replace(search, per_page=per_page)
        total, rows = uow.access.search_cases(units, handler, page, total)
    return total, [r for r in rows if p.may_read(r.unit)]


def _in_scope(uow: UnitOfWork, p: Principal, case_id: str) -> Case:
    case = uow.cases.load_case(case_id)
    if case is None or not p.may_read(case.unit):
        raise NotInScope(case_id)
    return case


def _read(uow: UnitOfWork, p: Principal, case_id: str, via: str, now: dt.datetime) -> Case:
    case = _in_scope(uow, p, case_id)
    uow.access.log_read(case_id, p.person.id, via, now)
    return case


def read_case(uow: UnitOfWork, p: Principal, case_id: str, via: str, now: dt.datetime) -> Case:
    """The case, if in scope; the read is logged (who, when, how)."""
    with uow:
        case = _read(uow, p, case_id, via, now)
        uow.commit()
    return case


def case_file(
    uow: UnitOfWork, rules: Rulebook, p: Principal, case_id: str, via: str, now: dt.datetime
) -> CaseFile:
    """The case page's case (the read logged), its ledger entries and what its gate needs."""
    with uow:
        case = _read(uow, p, case_id, via, now)
        entries = uow.ledger.page(None, None, LedgerQuery(case_id=case_id, limit=CASE_LEDGER_MAX))
        gate: Gate = "done" if case.archived_on else ("archive" if case.closed_on else "close")
        last = uow.casework.last_self_check(case_id)
        missing: list[Missing] = []
        if gate != "done":
            people = {x.id: x for x in uow.cases.people()}
            current = checker_in(uow, rules)(case, people, now.date())
            gate_needs = archive_missing if gate == "archive" else close_missing
            missing = gate_needs(case, last, current, people)
        uow.commit()
    return CaseFile(case, entries, gate, missing, last)


def case_reads(uow: UnitOfWork, p: Principal, case_id: str, limit: int = 20) -> list[CaseRead]:
    """Who read the case and when (only for those who may read the case themselves)."""
    with uow:
        _in_scope(uow, p, case_id)
        return uow.access.case_reads(case_id, limit)


def ledger(uow: UnitOfWork, p: Principal, query: LedgerQuery) -> list[Entry]:
    units, handler = _filters(p, query.mine)
    with uow:
        rows = uow.ledger.page(units, handler, _limited(query))
    return [e for e in rows if p.may_read(e.unit)]


@dataclass(frozen=True, slots=True)
class LedgerRows:
    """A page of the ledger with what a page shows of each entry's case: the day it was
    decided and closed (an alert on a decided case is judged on that day), and the ledger's
    steps from the audit log (the reasons given by hand, who resolved it last)."""

    entries: list[Entry]
    done: dict[str, tuple[dt.date | None, dt.date | None]]  # case id → (decided, closed)
    steps: list[AuditRecord]  # oldest first


def ledger_rows(
    uow: UnitOfWork, p: Principal, query: LedgerQuery, step_actions: Collection[str] = ()
) -> LedgerRows:
    """``ledger`` and the entries' cases' days and steps (of ``step_actions``; none read when
    empty), in one unit of work: on PostgreSQL each unit costs a connection check and a
    transaction, a third of a ledger page's reads when it took three (measured at 1 M cases,
    docs/benchmarks.md)."""
    units, handler = _filters(p, query.mine)
    with uow:
        rows = [e for e in uow.ledger.page(units, handler, _limited(query)) if p.may_read(e.unit)]
        ids = sorted({e.case_id for e in rows})
        done = uow.cases.decided_and_closed(ids) if ids else {}
        steps = uow.audit.of_subjects(ids, step_actions) if ids and step_actions else []
    return LedgerRows(rows, done, steps)


def dashboard(uow: UnitOfWork, p: Principal, mine: bool, as_of: dt.date) -> Dashboard:
    units, handler = _filters(p, mine)
    with uow:
        return uow.access.dashboard(units, handler, as_of + dt.timedelta(days=3))


def escalate(uow: UnitOfWork, p: Principal, case_id: str, rule: str, as_of: dt.date) -> Entry:
    """Raise an open ledger entry one level by hand (提醒 → 督促 → 通报), audited.

    ``NotAllowed`` for a role that does not keep the ledger, ``NotInScope`` for an entry that is
    not there for this user, ``CannotEscalate`` for one resolved or already at 通报."""
    if not p.keeps_the_ledger:
        raise NotAllowed(p.person.role.value)
    with uow:
        entry = uow.ledger.entry(case_id, rule)
        if entry is None or not p.may_read(entry.unit):
            raise NotInScope(case_id)
        change = transition(entry, RaisedByHand(as_of, p.person.id))
        if change is None:  # pragma: no cover - a hand always moves an entry (or is refused)
            return entry
        new = change.entry
        uow.ledger.save([new])
        detail = {
            "rule": rule,
            "from": entry.escalation.value,
            "to": new.escalation.value,
            "by": p.person.id,
        }
        uow.audit.append(p.person.id, change.action.value, case_id, detail)
        uow.commit()
    return new


def answer_entry(
    uow: UnitOfWork,
    p: Principal,
    case_id: str,
    rule: str,
    outcome: str,
    reason: str,
    as_of: dt.date,
) -> Entry:
    """反馈 / 纠正 / 关闭 of a ledger entry by hand, with the reason (audited), or undo
    (``outcome`` ``undo``) of the last step taken by hand; every move is ``domain.ledger``'s.

    Feedback is the handler's (or a ledger keeper's); correcting, closing and undoing are the
    ledger keepers'. ``CannotEscalate`` when the entry refuses the step."""
    with uow:
        entry = uow.ledger.entry(case_id, rule)
        if entry is None or not p.may_read(entry.unit):
            raise NotInScope(case_id)
        if not p.keeps_the_ledger:
            case = uow.cases.load_case(case_id)
            if outcome != "feedback" or case is None or case.handler != p.person.id:
                raise NotAllowed(p.person.role.value)
        event = (
            Undone(as_of, p.person.id)
            if outcome == "undo"
            else AnsweredByHand(as_of, p.person.id, outcome, reason)
        )
        change = transition(entry, event)
        if change is None:  # pragma: no cover - a hand always moves an entry (or is refused)
            return entry
        new = change.entry
        if new != entry:
            uow.ledger.save([new])
        detail = {"rule": rule, "from": entry.status.value, "to": new.status.value,
                  "by": p.person.id, "reason": reason.strip()}  # fmt: skip
        uow.audit.append(p.person.id, change.action.value, case_id, detail)
        uow.commit()
    return new
