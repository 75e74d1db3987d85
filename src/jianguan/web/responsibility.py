"""Judicial responsibility (司法责任制): lists with their evidence, referrals, rectifications.

Pages and API over ``services.access_responsibility`` (scoped in the service layer): the lists
with their evidence, referrals advanced stage by stage by those who handle them, rectification
tasks added, done, verified, progress reported and the whole closed (销号) — the CLI's use cases."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from jianguan.domain.rectification import RectificationKind, TaskStatus
from jianguan.domain.referral import ReferralSource
from jianguan.domain.responsibility import EvidenceSource, ListKind
from jianguan.services import access_responsibility as access
from jianguan.web.auth import User, api_csrf, api_user, check_csrf, page_user
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
    next_stage: str | None  # the title of the stage an advance leads to
    needs_finding: bool  # the next stage records the committee's finding
    needs_decision: bool  # the next stage is the decision
    findings_allowed: list[str]
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
    policy = web.rules.responsibility.referral
    views = access.referrals(web.uow(), user.principal, policy, web.today())

    def following(stage: str, is_open: bool) -> str | None:
        n = policy.index(stage) + 1
        return policy.stages[n].id if is_open and n < len(policy.stages) else None

    return [
        ReferralOut(
            id=v.referral.id, source=v.referral.source, person=v.referral.person,
            unit=v.referral.unit, case_id=v.referral.case_id, stage=v.referral.stage,
            stage_title=v.stage_title,
            next_stage=policy.stage(nxt).title if nxt else None,
            needs_finding=nxt == "committee",
            needs_decision=nxt is not None and policy.index(nxt) == len(policy.stages) - 1,
            findings_allowed=list(policy.findings),
            due=v.due, overdue=v.overdue, finding=v.referral.finding,
            decision=v.referral.decision,
            steps=[{"stage": policy.stage(x.stage).title, "on": x.on, "by": x.by, "note": x.note}
                   for x in v.referral.steps],
        )
        for v in views
        for nxt in (following(v.referral.stage, v.referral.is_open),)
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


class AdvanceIn(BaseModel):
    note: str = Field(min_length=1, max_length=2000)
    finding: str | None = Field(None, max_length=64)  # the committee stage's finding
    decision: str | None = Field(None, max_length=2000)  # the last stage's decision


class RectificationStepIn(BaseModel):
    task: int = Field(0, ge=0, le=10_000)  # from 1 (done, verify)
    problem: int = Field(0, ge=0, le=10_000)  # from 1 (task)
    responsible: str = Field("", max_length=64)
    measure: str = Field("", max_length=2000)
    due_on: dt.date | None = None
    text: str = Field("", max_length=4000)  # the progress report, or what was done


Action = Annotated[str, Path(pattern="^(task|done|verify|report|close)$")]


def advance(request: Request, user: User, rid: str, body: AdvanceIn) -> None:
    web = web_of(request)
    access.advance_referral(
        web.uow(), web.rules.responsibility.referral, user.principal, rid, web.today(),
        body.note, body.finding or None, body.decision or None,
    )  # fmt: skip


def step(request: Request, user: User, rid: str, action: str, body: RectificationStepIn) -> None:
    web = web_of(request)
    access.change_rectification(
        web.uow(), user.principal, rid, action, web.today(), task=body.task,
        problem=body.problem, responsible=body.responsible, measure=body.measure,
        due_on=body.due_on, text=body.text,
    )  # fmt: skip


CHANGE: dict[int | str, dict[str, object]] = {
    **ERRORS, 403: {"description": "CSRF or role"}, 404: {"description": "不在范围内 / not in reach"},
    409: {"description": "流程拒绝 / refused, with the reason"},
}  # fmt: skip


@api.post("/referrals/{rid}/advance", responses=CHANGE)
def api_advance(request: Request, user: ApiUser, rid: str, body: AdvanceIn) -> list[ReferralOut]:
    """The referral's next stage (its committee finding, or the decision at the last stage)."""
    api_csrf(request, user)
    advance(request, user, rid, body)
    return [r for r in referrals(request, user) if r.id == rid]


@api.post("/rectifications/{rid}/{action}", responses=CHANGE)
def api_step(
    request: Request, user: ApiUser, rid: str, action: Action, body: RectificationStepIn
) -> list[RectificationOut]:
    """task (add), done, verify, report (progress) or close (销号) of a rectification."""
    api_csrf(request, user)
    step(request, user, rid, action, body)
    return [r for r in rectifications(request, user) if r.id == rid]


pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


@pages.get("/responsibility", response_class=HTMLResponse)
def page_responsibility(request: Request, user: PageUser) -> Response:
    p = user.principal
    return render(request, "responsibility.html", {
        "user": user, "entries": entries(request, user), "referrals": referrals(request, user),
        "rectifications": rectifications(request, user),
        "handles_referrals": p.person.role in access.REFERRAL_ROLES,
        "manages": not p.own_cases_by_default, "evidence_source": EvidenceSource})  # fmt: skip


@pages.post("/responsibility/referrals/{rid}/advance")
def page_advance(
    request: Request,
    user: PageUser,
    rid: str,
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    finding: Annotated[str, Form(max_length=64)] = "",
    decision: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf)
    if not note.strip():
        raise HTTPException(422, "须填写说明 / a note is required")
    advance(request, user, rid, AdvanceIn(note=note, finding=finding or None,
                                          decision=decision or None))  # fmt: skip
    return RedirectResponse(f"/responsibility#ref-{rid}", status_code=303)


@pages.post("/responsibility/rectifications/{rid}/{action}")
def page_step(
    request: Request,
    user: PageUser,
    rid: str,
    action: Action,
    csrf: Annotated[str, Form()] = "",
    task: Annotated[int, Form(ge=0, le=10_000)] = 0,
    problem: Annotated[int, Form(ge=0, le=10_000)] = 0,
    responsible: Annotated[str, Form(max_length=64)] = "",
    measure: Annotated[str, Form(max_length=2000)] = "",
    due_on: Annotated[dt.date | None, Form()] = None,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    check_csrf(user, csrf)
    body = RectificationStepIn(task=task, problem=problem, responsible=responsible,
                               measure=measure, due_on=due_on, text=text)  # fmt: skip
    step(request, user, rid, action, body)
    return RedirectResponse(f"/responsibility#rect-{rid}", status_code=303)
