"""Case work on the case page beyond the gates: the concluding decision with the approval the
powers list (职权清单) requires, assignment (分案: random by default, designated with a reason)
and recusal (回避) — the use cases of ``jianguan case decide``, ``jianguan assign`` and
``jianguan recuse`` (``services.casework``), behind the user's scope (``services.access``).

Who approves is never typed: an approver (部门负责人, 检察长, 副检察长 of the case's unit)
records the decision with their own approval; the handler records one the list does not
reserve. A designated prosecutor and a recused person are picked from the unit's staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from jianguan.domain.assignment import eligible
from jianguan.domain.gates import GateRefused, Missing
from jianguan.domain.model import (
    Case,
    Decision,
    DecisionType,
    NonProsecutionGround,
    Person,
    Role,
)
from jianguan.domain.supervision import MeetingKind
from jianguan.services import access, casework
from jianguan.services.ports.casework import AssignmentRecord
from jianguan.web.auth import User, api_csrf, api_user, check_csrf, page_user
from jianguan.web.state import Web, web_of

APPROVER_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.CHIEF, Role.DEPUTY_CHIEF})
ASSIGN_ROLES = APPROVER_ROLES | {Role.CASE_OFFICER}  # 案管 assigns; heads and chiefs designate


@dataclass(frozen=True)
class DecisionOption:
    type: DecisionType
    approver: str | None  # zh: whose approval the powers list requires (None: nobody's)
    approver_en: str | None
    meeting: MeetingKind | None = None  # the meeting it is reserved to (on record, or needed)


@dataclass(frozen=True)
class ReservedOption:
    """A decision the form does not offer this user, and who must take it instead."""

    type: DecisionType
    approver: str | None  # zh: the approver the powers list names (None: the meeting decides)
    approver_en: str | None
    meeting: MeetingKind | None  # the meeting whose record it needs first
    why: Missing  # the service's own refusal, word for word


@dataclass(frozen=True)
class AssignmentRow:
    mode: str
    person: str
    reason: str | None
    seed: str | None
    candidates: int
    redraw: str | None  # the draw repeated from its record (a random assignment)
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class CaseWork:
    """What the case page offers this user for the case's work (the use cases check again)."""

    may_decide: bool
    approves: bool  # the decision is recorded with this user's own approval
    decisions: list[DecisionOption]  # what ``casework.record_decision`` accepts from this user
    reserved: list[ReservedOption]  # what it would refuse: the chief's, the committee's
    grounds: list[NonProsecutionGround]
    may_assign: bool
    eligible: list[Person]  # whom a designation may name (the department's prosecutors)
    staff: list[Person]  # whom a recusal may name (the unit's staff)
    assignments: list[AssignmentRow]
    recused: dict[str, str]


def _approver_words(power_role: Role | None, delegable: bool) -> tuple[str | None, str | None]:
    if power_role is None:
        return None, None
    zh, en = power_role.zh, power_role.en
    if delegable and power_role is Role.CHIEF:
        zh, en = f"{zh}或{Role.DEPUTY_CHIEF.zh}", f"{en} or {Role.DEPUTY_CHIEF.en}"
    return zh, en


def case_work(web: Web, user: User, case_id: str) -> CaseWork | None:
    """None when the case is not in the user's scope (the page has said so already)."""
    with web.uow() as uow:
        found = uow.cases.load_case(case_id)
    if found is None or not user.principal.may_read(found.unit):
        return None
    case, p = found, user.principal.person
    is_open = case.decision is None and case.closed_on is None
    approves = p.role in APPROVER_ROLES and p.unit == case.unit and p.id != case.handler
    may_decide = is_open and (approves or p.id == case.handler)
    options, reserved = (
        decision_options(web, case, p.id if approves else None) if may_decide else ([], [])
    )
    may_assign = case.closed_on is None and p.role in ASSIGN_ROLES
    with web.uow() as uow:
        people = uow.cases.people()
        recused = uow.casework.recused(case.case_id)
        records = uow.casework.assignments(case.case_id)
    pool = eligible(case, people, set(recused), web.rules.assignment) if may_assign else []
    rows = [
        AssignmentRow(r.mode.value, r.person, r.reason, r.seed, len(r.candidates),
                      casework.redraw(r), r.by, r.at)
        for r in records
    ]  # fmt: skip
    return CaseWork(
        may_decide=may_decide,
        approves=approves,
        decisions=options,
        reserved=reserved,
        grounds=list(NonProsecutionGround),
        may_assign=may_assign,
        eligible=pool,
        staff=sorted((x for x in people if x.unit == case.unit), key=lambda x: x.id),
        assignments=rows,
        recused=recused,
    )


def decision_options(
    web: Web, case: Case, approved_by: str | None
) -> tuple[list[DecisionOption], list[ReservedOption]]:
    """The decisions offered to a user who records them with ``approved_by``'s approval (their
    own as an approver, None as the handler), and those kept from them, split by the very check
    ``casework.record_decision`` refuses with (``casework.decision_choices``) as of today."""
    powers = web.rules.powers.for_unit(case.unit)
    offered: list[DecisionOption] = []
    kept: list[ReservedOption] = []
    choices = casework.decision_choices(web.uow(), web.rules, case.case_id, approved_by,
                                        web.today())  # fmt: skip
    for choice in choices:
        kind = choice.type
        power = powers.required(Decision(kind, case.received_on, case.handler, None, None),
                                case.major_complex)  # fmt: skip
        zh, en = _approver_words(power.approver if power else None,
                                 bool(power and power.delegable))  # fmt: skip
        res = web.rules.supervision.reserved("case", kind.value, case.major_complex)
        meeting = res.kind if res is not None else None
        if choice.refused is None:
            offered.append(DecisionOption(kind, zh, en, meeting))
        elif choice.refused.code == "meeting":  # the approval is this user's; the meeting is not
            kept.append(ReservedOption(kind, None, None, meeting, choice.refused))
        else:
            kept.append(ReservedOption(kind, zh, en, meeting, choice.refused))
    return offered, kept


def _in_scope(web: Web, user: User, case_id: str, via: str) -> Case:
    return access.read_case(web.uow(), user.principal, case_id, via, web.now())


def decide(
    web: Web, user: User, case_id: str, kind: DecisionType, on: dt.date,
    ground: NonProsecutionGround | None,
) -> Case:  # fmt: skip
    """The decision, approved by this user when they are an approver of the case's unit;
    ``GateRefused`` (in words) when the powers list needs an approval this lacks."""
    case = _in_scope(web, user, case_id, "decide")
    p = user.principal.person
    approves = p.role in APPROVER_ROLES and p.unit == case.unit and p.id != case.handler
    if not approves and p.id != case.handler:
        raise access.NotAllowed(p.role.value)
    return casework.record_decision(web.uow(), web.rules, case_id, kind, on,
                                    p.id if approves else None, ground)  # fmt: skip


def assign(
    web: Web, user: User, case_id: str, designate: str | None, reason: str | None
) -> AssignmentRecord:
    """Random (no person named) or designated (with a reason) assignment, by this user."""
    _in_scope(web, user, case_id, "assign")
    if user.principal.person.role not in ASSIGN_ROLES:
        raise access.NotAllowed(user.principal.person.role.value)
    return casework.assign(web.uow(), web.rules, case_id, user.person_id, web.now(),
                           designate or None, reason or None)  # fmt: skip


def recuse(web: Web, user: User, case_id: str, person: str, reason: str) -> None:
    case = _in_scope(web, user, case_id, "recuse")
    p = user.principal.person
    # 回避: declared by the person concerned, or recorded by those who assign
    if p.role not in ASSIGN_ROLES and p.id != person:
        raise access.NotAllowed(p.role.value)
    with web.uow() as uow:
        concerned = uow.cases.person(person)
    if concerned is None or concerned.unit != case.unit:
        why = Missing(
            "person", "回避人员须为本院人员", "the recused person must be of the case's unit"
        )
        raise GateRefused([why])
    casework.recuse(web.uow(), case_id, person, reason, user.person_id, web.now(), web.rules)


# -- API ------------------------------------------------------------------------------------------

api = APIRouter(prefix="/api/cases", tags=["case work"])
ApiUser = Annotated[User, Depends(api_user)]
CHANGE: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录 / not logged in"},
    403: {"description": "CSRF or role"},
    404: {"description": "无此案件或不在范围内 / no such case in your scope"},
    409: {"description": "被拒绝，附原因 / refused, with what is missing"},
}


class DecisionIn(BaseModel):
    type: DecisionType
    on: dt.date
    ground: NonProsecutionGround | None = None  # 不起诉 only


class AssignIn(BaseModel):
    designate: str | None = Field(None, max_length=64)  # None: random among the eligible
    reason: str | None = Field(None, max_length=2000)


class RecuseIn(BaseModel):
    person: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2000)


class AssignmentOut(BaseModel):
    case_id: str
    mode: str
    person: str
    reason: str | None
    seed: str | None
    candidates: int


class DoneOut(BaseModel):
    case_id: str
    ok: bool = True


@api.post("/{case_id:path}/decide", responses=CHANGE)
def api_decide(request: Request, user: ApiUser, case_id: str, body: DecisionIn) -> DoneOut:
    """The concluding decision (an approver's own approval where the powers list needs one)."""
    api_csrf(request, user)
    decide(web_of(request), user, case_id, body.type, body.on, body.ground)
    return DoneOut(case_id=case_id)


@api.post("/{case_id:path}/assign", responses=CHANGE)
def api_assign(request: Request, user: ApiUser, case_id: str, body: AssignIn) -> AssignmentOut:
    """分案: random (weighted by open workload) or designated with a reason."""
    api_csrf(request, user)
    r = assign(web_of(request), user, case_id, body.designate, body.reason)
    return AssignmentOut(case_id=r.case_id, mode=r.mode.value, person=r.person, reason=r.reason,
                         seed=r.seed, candidates=len(r.candidates))  # fmt: skip


@api.post("/{case_id:path}/recuse", responses=CHANGE)
def api_recuse(request: Request, user: ApiUser, case_id: str, body: RecuseIn) -> DoneOut:
    """回避 of a person of the case's unit, with the reason."""
    api_csrf(request, user)
    recuse(web_of(request), user, case_id, body.person, body.reason)
    return DoneOut(case_id=case_id)


# -- pages ----------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _back(case_id: str, anchor: str) -> Response:
    return RedirectResponse(f"/cases/{quote(case_id, safe='/')}#{anchor}", status_code=303)


@pages.post("/cases/{case_id:path}/decide")
def page_decide(
    request: Request,
    user: PageUser,
    case_id: str,
    type: Annotated[DecisionType, Form()],
    on: Annotated[dt.date, Form()],
    csrf: Annotated[str, Form()] = "",
    ground: Annotated[NonProsecutionGround | Literal[""], Form()] = "",
) -> Response:
    check_csrf(user, csrf)
    decide(web_of(request), user, case_id, type, on, ground or None)
    return _back(case_id, "work")


@pages.post("/cases/{case_id:path}/assign")
def page_assign(
    request: Request,
    user: PageUser,
    case_id: str,
    csrf: Annotated[str, Form()] = "",
    designate: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf)
    assign(web_of(request), user, case_id, designate.strip() or None, reason.strip() or None)
    return _back(case_id, "work")


@pages.post("/cases/{case_id:path}/recuse")
def page_recuse(
    request: Request,
    user: PageUser,
    case_id: str,
    csrf: Annotated[str, Form()] = "",
    person: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf)
    recuse(web_of(request), user, case_id, person, reason)
    return _back(case_id, "work")
