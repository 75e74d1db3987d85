"""The lists behind the workbench's counts (今日工作), one per thing that waits, at
``/due/{kind}``. Each list is built here from the very functions the rest of the platform
judges by, and the workbench's count is the length of the same list (one truth):

- ``deadlines``: the handler's open cases with an active ledger entry carrying a due date: the
  monitoring engine found the legal deadline due within its warning lead, due today or overdue
  (the ledger's ``due``, as the ledger page and the case page show it; no date computed here);
- ``answers``: the handler's open cases with a panel opinion not yet adopted or declined
  (``domain.gates.unanswered_opinions``, what the consultation gate counts);
- ``gate``: the handler's decided, not yet closed cases whose 每案必检 gate still misses the
  self-check or the verification (``domain.gates.close_missing``, as the case page's gate);
- ``verify``: for a department head, the decided cases of their unit and department that wait
  for a verification (复核) they may give. Approvals are recorded with the decision itself
  (``services.casework.record_decision``), so no decision waits for an approval: the decided
  cases waiting for the head's verification stand in their place;
- ``escalate``: for a case officer, the active ledger entries of their unit that time brings
  to the next level (提醒 → 督促 → 通报, ``domain.ledger.level_for``) by the next working day,
  or brought there already;
- ``gate_unit``: for a case officer, the decided, not yet closed cases of their unit that the
  gate would refuse to close, with what it misses.

There is no list of cases received and not yet assigned: a case is stored with its handler
and assignment day (format v1 requires ``assigned_on``; the store holds it NOT NULL), so none
waits for 分案 here; re-assignment and recusal are done on the case page.

A case officer's lists are of their own unit (the cases they assign and keep), not of the
units below, whose officers keep theirs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from jianguan.domain.gates import Missing, close_missing, may_verify, unanswered_opinions
from jianguan.domain.ledger import Entry, Level, level_for, may_escalate
from jianguan.domain.model import Case, Person, Role
from jianguan.domain.monitoring import working_day_after, working_days_between
from jianguan.services import access
from jianguan.services.access import Principal
from jianguan.services.ports.access import CaseSearch
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.services.selfcheck import checker_in
from jianguan.web.auth import User, page_user, web_of
from jianguan.web.render import render
from jianguan.web.state import Web

Kind = Literal["deadlines", "answers", "gate", "verify", "escalate", "gate_unit"]

# Which lists each role's workbench shows (a senior prosecutor verifies too, as the gate lets).
BY_ROLE: dict[Role, tuple[Kind, ...]] = {
    Role.PROSECUTOR: ("deadlines", "answers", "gate"),
    Role.ASSISTANT: ("deadlines", "answers", "gate"),
    Role.DEPARTMENT_HEAD: ("verify",),
    Role.CASE_OFFICER: ("escalate", "gate_unit"),
}
GATE_OF_HANDLER = ("self_check", "verification")  # and "finding:…": the self-check's findings


@dataclass(frozen=True, slots=True)
class DueRow:
    """One thing that waits: the case, its handler, the day it is due (if any) and what waits,
    in both languages."""

    case_id: str
    unit: str
    handler: str
    due: dt.date | None
    zh: str
    en: str


def kinds_for(user: User) -> tuple[Kind, ...]:
    person = user.principal.person
    kinds = BY_ROLE.get(person.role, ())
    if person.role is Role.PROSECUTOR and person.senior:
        kinds = (*kinds, "verify")
    return kinds


def _own_unit(p: Principal) -> Principal:
    """The scope narrowed to the person's own unit (never wider than it was)."""
    return replace(p, units=frozenset({p.person.unit}) & p.units, whole_store=False)


def _open_cases(web: Web, p: Principal, mine: bool) -> list[Case]:
    """Every open case of the scope (the case list's own search, page after page), loaded."""
    ids: list[str] = []
    page = 1
    while True:
        search = CaseSearch(mine=mine, open_only=True, page=page, per_page=access.PAGE_MAX)
        total, rows = access.search_cases(web.uow(), p, search)
        ids += [r.case_id for r in rows]
        if not rows or len(ids) >= total:
            break
        page += 1
    if not ids:
        return []
    with web.uow() as uow:
        cases = uow.cases.load_cases(ids)
    return [cases[i] for i in ids if i in cases]


def _active_entries(web: Web, p: Principal, mine: bool) -> list[Entry]:
    """Every active ledger entry of the scope (the ledger page's query, page after page)."""
    out: list[Entry] = []
    after: tuple[str, str] | None = None
    while True:
        q = LedgerQuery(mine=mine, active_only=True, after=after, limit=access.PAGE_MAX)
        rows = access.ledger(web.uow(), p, q)
        out += rows
        if not access.page_is_full(rows, q.limit):
            return out
        after = rows[-1].key


def _gate_rows(web: Web, cases: list[Case], keep: Callable[[Case, Missing], bool]) -> list[DueRow]:
    """The decided, open cases whose close gate misses something ``keep`` picks, judged as
    the case page judges them (the last self-check, the current findings, the people)."""
    decided = [c for c in cases if c.decision is not None]
    if not decided:
        return []
    today = web.today()
    rows = []
    with web.uow() as uow:
        people = {x.id: x for x in uow.cases.people()}
        check = checker_in(uow, web.rules)
        for c in decided:
            last = uow.casework.last_self_check(c.case_id)
            missing = [m for m in close_missing(c, last, check(c, people, today), people)
                       if keep(c, m)]  # fmt: skip
            if missing:
                rows.append(DueRow(c.case_id, c.unit, c.handler, None,
                                   "；".join(m.zh for m in missing),
                                   "; ".join(m.en for m in missing)))  # fmt: skip
    return rows


def deadlines(web: Web, user: User) -> list[DueRow]:
    entries = [e for e in _active_entries(web, user.principal, True) if e.due is not None]
    with web.uow() as uow:
        cases = uow.cases.load_cases(sorted({e.case_id for e in entries}))
    soonest: dict[str, Entry] = {}
    for e in entries:
        case = cases.get(e.case_id)
        if case is None or case.decision is not None or case.closed_on is not None:
            continue  # the duty is done: the ledger judges it on that day, not as due now
        kept = soonest.get(e.case_id)
        if kept is None or (e.due, e.rule) < (kept.due, kept.rule):
            soonest[e.case_id] = e
    rows = []
    for e in soonest.values():
        title = web.rules.rule(e.rule).title
        rows.append(DueRow(e.case_id, e.unit, cases[e.case_id].handler, e.due, title, title))
    return sorted(rows, key=lambda r: (r.due or dt.date.max, r.case_id))


def answers(web: Web, user: User) -> list[DueRow]:
    rows = []
    for c in _open_cases(web, user.principal, True):
        days = unanswered_opinions(c)
        if days:
            on = "、".join(d.isoformat() for d in days)
            rows.append(DueRow(c.case_id, c.unit, c.handler, None,
                               f"{on} 的会诊意见待采纳或不采纳",
                               f"panel opinion of {on} to adopt or decline"))  # fmt: skip
    return rows


def gate(web: Web, user: User) -> list[DueRow]:
    def keep(_: Case, m: Missing) -> bool:
        return m.code in GATE_OF_HANDLER or m.code.startswith("finding:")

    return _gate_rows(web, _open_cases(web, user.principal, True), keep)


def verify(web: Web, user: User) -> list[DueRow]:
    me: Person = user.principal.person
    mine = [c for c in _open_cases(web, _own_unit(user.principal), False)
            if c.department == me.department]  # fmt: skip

    def keep(c: Case, m: Missing) -> bool:
        return m.code == "verification" and may_verify(me, c)

    return _gate_rows(web, mine, keep)


def escalate(web: Web, user: User) -> list[DueRow]:
    cal, today = web.rules.calendar, web.today()
    by = working_day_after(cal, today, 1)  # what is due by the next working day
    due: list[tuple[Entry, Level]] = []
    for e in _active_entries(web, _own_unit(user.principal), False):
        reached = level_for(working_days_between(cal, e.first_found, by))
        if may_escalate(e) and reached.rank > e.escalation.rank:
            due.append((e, reached))
    with web.uow() as uow:
        cases = uow.cases.load_cases(sorted({e.case_id for e, _ in due}))
    rows = []
    for e, reached in due:
        title = web.rules.rule(e.rule).title
        handler = cases[e.case_id].handler if e.case_id in cases else ""
        rows.append(DueRow(e.case_id, e.unit, handler, e.due,
                           f"{title}：{e.escalation.zh} → {reached.zh}",
                           f"{title}: {e.escalation.en} → {reached.en}"))  # fmt: skip
    return rows


def gate_unit(web: Web, user: User) -> list[DueRow]:
    return _gate_rows(web, _open_cases(web, _own_unit(user.principal), False), lambda c, m: True)


LISTS: dict[Kind, Callable[[Web, User], list[DueRow]]] = {
    "deadlines": deadlines,
    "answers": answers,
    "gate": gate,
    "verify": verify,
    "escalate": escalate,
    "gate_unit": gate_unit,
}


def due_list(web: Web, user: User, kind: Kind) -> list[DueRow]:
    """The list ``kind`` for this person, kept for the dashboard's few seconds (the workbench
    and the list page then read the very same rows)."""
    key = ("due", kind, user.person_id, web.today())
    rows: list[DueRow] = web.counts.get(key, lambda: LISTS[kind](web, user))
    return rows


# -- the pages ------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)


@pages.get("/due/{kind}", response_class=HTMLResponse)
def due_page(request: Request, user: Annotated[User, Depends(page_user)], kind: Kind) -> Response:
    """One list of the workbench: the rows its count counts, the soonest due first."""
    rows = due_list(web_of(request), user, kind)
    ordered = sorted(rows, key=lambda r: (r.due or dt.date.max, r.case_id))
    context = {"user": user, "kind": kind, "rows": ordered, "as_of": web_of(request).today()}
    return render(request, "due.html", context)
