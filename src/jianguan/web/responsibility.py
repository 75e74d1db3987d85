"""Judicial responsibility (司法责任制): lists with their evidence, referrals, rectifications.

Read-only pages and API over ``services.access_responsibility`` (scoped in the service layer);
the steps themselves (tolerate, advance a referral, verify a task) are the CLI's for now."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from jianguan.domain.rectification import RectificationKind, TaskStatus
from jianguan.domain.referral import ReferralSource
from jianguan.domain.responsibility import ListKind
from jianguan.services import access_responsibility as access
from jianguan.web.auth import User, api_user, page_user
from jianguan.web.render import render
from jianguan.web.state import web_of


class EntryOut(BaseModel):
    key: str
    rule: str
    list_kind: ListKind
    title: str
    unit: str
    person: str | None
    case_id: str | None
    on: dt.date
    evidence: dict[str, Any]
    basis: list[str]
    tolerance: str | None  # the objective cause, when excused (容错免责)


class ReferralOut(BaseModel):
    id: str
    source: ReferralSource
    person: str
    unit: str
    case_id: str | None
    stage: str
    stage_title: str
    due: dt.date | None
    overdue: bool
    finding: str | None
    decision: str | None
    steps: list[dict[str, Any]]


class TaskOut(BaseModel):
    n: int
    problem: int  # from 1
    responsible: str
    measure: str
    due_on: dt.date
    status: TaskStatus


class RectificationOut(BaseModel):
    id: str
    kind: RectificationKind
    title: str
    unit: str
    opened_on: dt.date
    due_on: dt.date
    closed_on: dt.date | None
    problems: list[str]
    tasks: list[TaskOut]
    reminders: list[dict[str, Any]]
    missing_reports: list[dt.date]


def entries(request: Request, user: User) -> list[EntryOut]:
    views = access.list_entries(web_of(request).uow(), user.principal)
    return [
        EntryOut(
            key=v.entry.key, rule=v.entry.rule, list_kind=v.entry.list, title=v.entry.title,
            unit=v.entry.unit, person=v.entry.person, case_id=v.entry.case_id, on=v.entry.on,
            evidence={"source": v.entry.evidence.source.value, "ref": v.entry.evidence.ref,
                      "detail": dict(v.entry.evidence.detail)},
            basis=list(v.entry.basis), tolerance=v.tolerance.cause if v.tolerance else None,
        )
        for v in views
    ]  # fmt: skip


def referrals(request: Request, user: User) -> list[ReferralOut]:
    web = web_of(request)
    views = access.referrals(web.uow(), user.principal, web.rules.responsibility.referral,
                             web.today())  # fmt: skip
    return [
        ReferralOut(
            id=v.referral.id, source=v.referral.source, person=v.referral.person,
            unit=v.referral.unit, case_id=v.referral.case_id, stage=v.referral.stage,
            stage_title=v.stage_title, due=v.due, overdue=v.overdue, finding=v.referral.finding,
            decision=v.referral.decision,
            steps=[{"stage": x.stage, "on": x.on, "by": x.by, "note": x.note} for x in v.referral.steps],
        )
        for v in views
    ]  # fmt: skip


def rectifications(request: Request, user: User) -> list[RectificationOut]:
    web = web_of(request)
    views = access.rectifications(web.uow(), user.principal,
                                  web.rules.responsibility.remind_days, web.today())  # fmt: skip
    return [
        RectificationOut(
            id=v.rectification.id, kind=v.rectification.kind, title=v.rectification.title,
            unit=v.rectification.unit, opened_on=v.rectification.opened_on,
            due_on=v.rectification.due_on, closed_on=v.rectification.closed_on,
            problems=list(v.rectification.problems),
            tasks=[TaskOut(n=t.n, problem=t.problem + 1, responsible=t.responsible,
                           measure=t.measure, due_on=t.due_on, status=t.status)
                   for t in v.rectification.tasks],
            reminders=[{"task": r.task, "due_on": r.due_on, "days_left": r.days_left}
                       for r in v.reminders],
            missing_reports=list(v.missing_reports),
        )
        for v in views
    ]  # fmt: skip


api = APIRouter(prefix="/api/responsibility", tags=["responsibility"])
ApiUser = Annotated[User, Depends(api_user)]
ERRORS: dict[int | str, dict[str, object]] = {401: {"description": "未登录 / not logged in"}}


@api.get("/lists", responses=ERRORS)
def api_lists(request: Request, user: ApiUser) -> list[EntryOut]:
    """Positive and negative list entries in the user's reach, each with its evidence."""
    return entries(request, user)


@api.get("/referrals", responses=ERRORS)
def api_referrals(request: Request, user: ApiUser) -> list[ReferralOut]:
    """Accountability referrals the user handles or is concerned by, with stage and deadline."""
    return referrals(request, user)


@api.get("/rectifications", responses=ERRORS)
def api_rectifications(request: Request, user: ApiUser) -> list[RectificationOut]:
    """Rectifications of the user's units (a prosecutor: those with a task of theirs)."""
    return rectifications(request, user)


pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


@pages.get("/responsibility", response_class=HTMLResponse)
def page_responsibility(request: Request, user: PageUser) -> Response:
    return render(request, "responsibility.html", {
        "user": user, "entries": entries(request, user), "referrals": referrals(request, user),
        "rectifications": rectifications(request, user)})  # fmt: skip
