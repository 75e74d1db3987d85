"""Scoped reads of the responsibility records (lists, referrals, rectifications) for the web.

The same rule as for cases (``services.access``): a user sees the records of their own unit and
the units below it; prosecutors, assistants and clerks see only the entries about themselves.
Accountability referrals are confidential to those who handle them: besides the person
concerned, only chiefs, deputy chiefs, department heads and inspectors (检务督察) see them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from jianguan.domain import rectification as rect
from jianguan.domain.model import Role
from jianguan.domain.rectification import Rectification, Reminder, missing_reports, reminders
from jianguan.domain.referral import Referral, ReferralPolicy, due
from jianguan.domain.responsibility import ListEntry, Tolerance
from jianguan.services import responsibility as svc
from jianguan.services.access import OWN_CASE_ROLES, NotAllowed, NotInScope, Principal
from jianguan.services.ports import UnitOfWork

REFERRAL_ROLES = frozenset({Role.CHIEF, Role.DEPUTY_CHIEF, Role.DEPARTMENT_HEAD, Role.INSPECTOR})


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: ListEntry
    tolerance: Tolerance | None


@dataclass(frozen=True, slots=True)
class ReferralView:
    referral: Referral
    stage_title: str
    due: dt.date | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class RectificationView:
    rectification: Rectification
    reminders: tuple[Reminder, ...]
    missing_reports: tuple[dt.date, ...]


def _own_only(p: Principal) -> bool:
    return p.own_cases_by_default


def list_entries(uow: UnitOfWork, p: Principal) -> list[EntryView]:
    with uow:
        tolerances = uow.responsibility.tolerances()
        entries = uow.responsibility.entries()
    return [
        EntryView(e, tolerances.get(e.key))
        for e in entries
        if p.may_read(e.unit) and (not _own_only(p) or e.person == p.person.id)
    ]


def referrals(
    uow: UnitOfWork, p: Principal, policy: ReferralPolicy, today: dt.date
) -> list[ReferralView]:
    with uow:
        stored = uow.responsibility.referrals()
    out = []
    for r in stored:
        concerned = r.person == p.person.id
        if not (concerned or (p.may_read(r.unit) and p.person.role in REFERRAL_ROLES)):
            continue
        d = due(policy, r)
        out.append(ReferralView(r, policy.stage(r.stage).title, d, d is not None and d < today))
    return out


def rectifications(
    uow: UnitOfWork, p: Principal, lead: Sequence[int], today: dt.date
) -> list[RectificationView]:
    with uow:
        stored = uow.responsibility.rectifications()
    out = []
    for r in stored:
        if not p.may_read(r.unit):
            continue
        if _own_only(p) and all(t.responsible != p.person.id for t in r.tasks):
            continue
        out.append(RectificationView(r, tuple(reminders([r], today, lead)),
                                     tuple(missing_reports(r, today))))  # fmt: skip
    return out


# -- steps, within the same reach ---------------------------------------------------------------

RECTIFICATION_ACTIONS = ("task", "done", "verify", "report", "close")


def advance_referral(
    uow: UnitOfWork,
    policy: ReferralPolicy,
    p: Principal,
    rid: str,
    on: dt.date,
    note: str,
    finding: str | None = None,
    decision: str | None = None,
) -> Referral:
    """The next stage of a referral, by those who handle referrals in its unit (never the person
    concerned); the stages and their rules are ``domain.referral``'s."""
    with uow:
        r = uow.responsibility.load_referral(rid)
    if r is None or not (r.person == p.person.id or p.may_read(r.unit)):
        raise NotInScope(rid)
    if r.person == p.person.id or p.person.role not in REFERRAL_ROLES or not p.may_read(r.unit):
        raise NotAllowed(p.person.role.value)
    return svc.advance_referral(uow, policy, rid, p.person.id, on, note, finding, decision)


def change_rectification(
    uow: UnitOfWork,
    p: Principal,
    rid: str,
    action: str,
    on: dt.date,
    *,
    task: int = 0,
    problem: int = 0,
    responsible: str = "",
    measure: str = "",
    due_on: dt.date | None = None,
    text: str = "",
) -> Rectification:
    """One step of a rectification (``RECTIFICATION_ACTIONS``). The responsible person marks
    their task done and reports progress; tasks are added, verified and the whole closed (销号)
    by the unit's case officers, heads and chiefs. ``task`` and ``problem`` count from 1."""
    with uow:
        r = uow.responsibility.load_rectification(rid)
    if r is None or not p.may_read(r.unit):
        raise NotInScope(rid)
    manager = p.person.role not in OWN_CASE_ROLES
    mine = any(t.n == task and t.responsible == p.person.id for t in r.tasks)
    if action not in RECTIFICATION_ACTIONS:
        raise NotAllowed(action)
    if not (manager or (action in ("done", "report") and (mine or action == "report"))):
        raise NotAllowed(p.person.role.value)
    if action == "report" and not manager and all(t.responsible != p.person.id for t in r.tasks):
        raise NotAllowed(p.person.role.value)
    by = p.person.id

    def change(x: Rectification) -> Rectification:
        if action == "task":
            return rect.add_task(x, problem - 1, responsible, measure, due_on or on)
        if action == "done":
            return rect.complete_task(x, task, on, text)
        if action == "verify":
            return rect.verify_task(x, task, by, on)
        if action == "report":
            return rect.report(x, on, by, text)
        return rect.close(x, by, on)

    return svc.change_rectification(uow, rid, by, action, change)
