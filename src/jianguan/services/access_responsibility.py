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

from jianguan.domain.model import Role
from jianguan.domain.rectification import Rectification, Reminder, missing_reports, reminders
from jianguan.domain.referral import Referral, ReferralPolicy, due
from jianguan.domain.responsibility import ListEntry, Tolerance
from jianguan.services.access import Principal
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
