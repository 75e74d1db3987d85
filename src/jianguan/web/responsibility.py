"""Judicial responsibility (司法责任制): lists with their evidence, referrals, rectifications.

Pages and API over ``services.access_responsibility`` (scoped in the service layer): the lists
with their evidence, referrals advanced stage by stage by those who handle them, rectification
tasks added, done, verified, progress reported and the whole closed (销号) — the CLI's use cases."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from jianguan.domain.assessment import (
    UNIT_VERDICT_ZH,
    VERDICT_ZH,
    PersonAssessment,
    UnitEvaluation,
)
from jianguan.domain.model import Role
from jianguan.domain.rectification import RectificationKind, TaskStatus
from jianguan.domain.referral import ReferralSource
from jianguan.domain.responsibility import EvidenceSource, ListKind, Source
from jianguan.services import access_responsibility as access
from jianguan.services import responsibility as svc
from jianguan.services.access import NotAllowed, NotInScope
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
        "manages": not p.own_cases_by_default, "evidence_source": EvidenceSource,
        "manual_rules": [r for r in web_of(request).rules.responsibility.lists
                         if r.source is Source.MANUAL],
        "keeps_lists": p.person.role in LIST_KEEPERS, "tolerates": p.person.role in TOLERATE_ROLES,
        "rebuilds": p.person.role in LIST_KEEPERS and p.whole_store,
        "staff": staff_by_unit(request, user), "my_units": sorted(p.units)})  # fmt: skip


def staff_by_unit(request: Request, user: User) -> dict[str, list[tuple[str, str]]]:
    """The people a task or an entry may name, per unit of the user's scope (id, name)."""
    p = user.principal
    if p.own_cases_by_default:
        return {}
    with web_of(request).uow() as uow:
        people = uow.cases.people()
    out: dict[str, list[tuple[str, str]]] = {}
    for x in sorted(people, key=lambda x: x.id):
        if p.may_read(x.unit):
            out.setdefault(x.unit, []).append((x.id, x.name))
    return out


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


# -- lists by hand, 容错免责, evaluation and assessment (``jianguan lists | evaluate | assess``) ----

LIST_KEEPERS = frozenset({Role.CASE_OFFICER, Role.DEPARTMENT_HEAD, Role.CHIEF, Role.DEPUTY_CHIEF,
                          Role.INSPECTOR})  # fmt: skip
TOLERATE_ROLES = frozenset({Role.CHIEF, Role.DEPUTY_CHIEF, Role.INSPECTOR})
DIMENSION_WORDS = {"quality": ("质量", "quality"), "efficiency": ("效率", "efficiency"),
                   "effect": ("效果", "effect")}  # fmt: skip
VERDICT_EN = {"too_few": "too few cases to judge", "within": "as expected",
              "better": "clearly better than expected", "worse": "clearly worse than expected"}  # fmt: skip


def _keeps_lists(user: User) -> None:
    if user.principal.person.role not in LIST_KEEPERS:
        raise NotAllowed(user.principal.person.role.value)


def rebuild_lists(request: Request, user: User) -> int:
    """Every entry from the platform's records, rebuilt (the whole store: the provincial office)."""
    _keeps_lists(user)
    if not user.principal.whole_store:
        raise NotAllowed(user.principal.person.role.value)
    web = web_of(request)
    return len(svc.build_lists(web.uow(), web.rules.responsibility, web.today(), user.person_id,
                               web.now()))  # fmt: skip


def add_entry(
    request: Request, user: User, rule: str, unit: str, person: str | None,
    case_id: str | None, evidence: str, note: str,
) -> None:  # fmt: skip
    _keeps_lists(user)
    web = web_of(request)
    cfg = web.rules.responsibility
    if rule not in {r.id for r in cfg.lists}:
        raise svc.ResponsibilityError(f"未知的清单事项：{rule}", f"no list rule {rule}")
    if not user.principal.may_read(unit):
        raise NotInScope(unit)
    with web.uow() as uow:
        who = uow.cases.person(person) if person else None
        case = uow.cases.load_case(case_id) if case_id else None
    if (person and (who is None or not user.principal.may_read(who.unit))) or (
        case_id and (case is None or not user.principal.may_read(case.unit))
    ):
        raise NotInScope(person or case_id or "")
    svc.add_manual_entry(web.uow(), cfg.list_rule(rule), unit, person or None, case_id or None,
                         web.today(), evidence, note, user.person_id, web.now())  # fmt: skip


def tolerate_entry(request: Request, user: User, key: str, cause: str) -> None:
    if user.principal.person.role not in TOLERATE_ROLES:
        raise NotAllowed(user.principal.person.role.value)
    web = web_of(request)
    if key not in {e.key for e in entries(request, user)}:
        raise NotInScope(key)
    svc.tolerate(web.uow(), key, cause, user.person_id, web.today())


class ScoreOut(BaseModel):
    dimension: str
    cases: int
    observed: float
    expected: float
    ratio: float | None
    low: float | None
    high: float | None
    verdict: str


class AssessmentOut(BaseModel):
    person: str
    unit: str
    cases: int
    scores: list[ScoreOut]


class EvaluationOut(BaseModel):
    unit: str
    closed_cases: int
    positive: dict[str, int]
    negative: dict[str, float]
    negative_per_100: float | None
    low: float | None
    high: float | None
    province_per_100: float | None
    verdict: str


def evaluation(request: Request, user: User, year: int) -> tuple[list[EvaluationOut],
                                                                 list[AssessmentOut]]:  # fmt: skip
    """The year's unit evaluation and person assessment within the user's units (a prosecutor:
    their own assessment only), in code order — never a ranking."""
    web = web_of(request)
    cfg, p = web.rules.responsibility, user.principal

    def whole() -> tuple[list[UnitEvaluation], list[PersonAssessment]]:
        return svc.evaluate(web.uow(), cfg, year), svc.assess(web.uow(), cfg, year)

    # the province's whole year, computed once for every user and narrowed to each one's scope
    evaluated, assessed = web.yearly.get(("evaluation", year), whole)
    units = [
        EvaluationOut(unit=u.unit, closed_cases=u.closed_cases, positive=dict(u.positive),
                      negative=dict(u.negative), negative_per_100=u.negative_per_100, low=u.low,
                      high=u.high, province_per_100=u.province_per_100, verdict=u.verdict)
        for u in evaluated
        if p.may_read(u.unit) and not p.own_cases_by_default
    ]  # fmt: skip
    people = [
        AssessmentOut(person=a.person, unit=a.unit, cases=a.cases, scores=[
            ScoreOut(dimension=s.dimension, cases=s.cases, observed=s.observed,
                     expected=s.expected, ratio=s.ratio, low=s.low, high=s.high,
                     verdict=s.verdict) for s in a.scores])
        for a in assessed
        if p.may_read(a.unit) and (not p.own_cases_by_default or a.person == p.person.id)
    ]  # fmt: skip
    return sorted(units, key=lambda u: u.unit), sorted(people, key=lambda a: (a.unit, a.person))


EvalYear = Annotated[int | None, Query(ge=1949, le=2999)]


@api.get("/evaluation", responses=ERRORS)
def api_evaluation(request: Request, user: ApiUser, year: EvalYear = None) -> dict[str, Any]:
    """对院评价 and 对人考核 of the year (default: this year) within the user's units."""
    units, people = evaluation(request, user, year or web_of(request).today().year)
    return {"units": [u.model_dump() for u in units], "people": [a.model_dump() for a in people]}


class EntryIn(BaseModel):
    rule: str = Field(min_length=1, max_length=64)
    unit: str = Field(min_length=1, max_length=32)
    person: str | None = Field(None, max_length=64)
    case_id: str | None = Field(None, max_length=128)
    evidence: str = Field(min_length=1, max_length=500)
    note: str = Field("", max_length=2000)


class ToleranceIn(BaseModel):
    cause: str = Field(min_length=1, max_length=2000)


@api.post("/lists", responses=CHANGE)
def api_add_entry(request: Request, user: ApiUser, body: EntryIn) -> list[EntryOut]:
    """An entry only a person can know of (manual list rules), with its evidence."""
    api_csrf(request, user)
    add_entry(request, user, body.rule, body.unit, body.person, body.case_id, body.evidence,
              body.note)  # fmt: skip
    return entries(request, user)


@api.post("/lists/{key:path}/tolerate", responses=CHANGE)
def api_tolerate(request: Request, user: ApiUser, key: str, body: ToleranceIn) -> list[EntryOut]:
    """容错免责 of a negative entry, with its objective cause."""
    api_csrf(request, user)
    tolerate_entry(request, user, key, body.cause)
    return [e for e in entries(request, user) if e.key == key]


@pages.get("/responsibility/evaluation", response_class=HTMLResponse)
def page_evaluation(request: Request, user: PageUser, year: EvalYear = None) -> Response:
    y = year or web_of(request).today().year
    units, people = evaluation(request, user, y)
    titles = {r.id: r.title for r in web_of(request).rules.responsibility.lists}
    return render(request, "evaluation.html", {
        "user": user, "year": y, "units": units, "people": people, "titles": titles,
        "dimensions": DIMENSION_WORDS, "verdict_zh": VERDICT_ZH,
        "unit_verdict_zh": UNIT_VERDICT_ZH, "verdict_en": VERDICT_EN})  # fmt: skip


@pages.post("/responsibility/lists/build")
def page_build_lists(
    request: Request, user: PageUser, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(user, csrf)
    rebuild_lists(request, user)
    return RedirectResponse("/responsibility#list-entries", status_code=303)


@pages.post("/responsibility/lists")
def page_add_entry(
    request: Request,
    user: PageUser,
    csrf: Annotated[str, Form()] = "",
    rule: Annotated[str, Form(max_length=64)] = "",
    unit: Annotated[str, Form(max_length=32)] = "",
    person: Annotated[str, Form(max_length=64)] = "",
    case_id: Annotated[str, Form(max_length=128)] = "",
    evidence: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf)
    add_entry(request, user, rule, unit, person.strip() or None, case_id.strip() or None,
              evidence, note)  # fmt: skip
    return RedirectResponse("/responsibility#list-entries", status_code=303)


@pages.post("/responsibility/lists/{key:path}/tolerate")
def page_tolerate(
    request: Request, user: PageUser, key: str, csrf: Annotated[str, Form()] = "",
    cause: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    tolerate_entry(request, user, key, cause)
    return RedirectResponse("/responsibility#list-entries", status_code=303)
