"""Pages of supervision matters, the consultation and meetings on record (issue 15).

* 线索收件箱 ``/supervision``: leads pushed by supervision models — import a file, screen (初查),
  drop with a reason, register as a matter with a handler drawn by the assignment rules;
* 监督事项 ``/supervision/matters`` and the workbench ``/supervision/matters/{id}``: steps
  (三查融合), the decision, the reply, follow-up (跟进监督), self-check, verification and closing
  behind the 每案必检 gate, with the matter's findings (the ledger's);
* 会诊 ``/supervision/panel``: the panel member's queue (opinions to give) and
  ``/supervision/consult/{case}``: a case's panel, opinions and the handler's review form;
* 会议记录 ``/supervision/meetings/new``: record a joint meeting or committee discussion of a
  matter or a case; the case page shows a case's meetings (``_meetings.html``).

Every action goes through the use case the CLI calls (``services.supervision``,
``services.consultation``); scope is the user's units (a matter or lead outside them is 404,
a case through ``services.access``); forms carry the session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from jianguan.bootstrap import read_leads
from jianguan.domain.consultation import ConsultationFile
from jianguan.domain.gates import GateRefused, Missing
from jianguan.domain.model import DecisionType, Role
from jianguan.domain.supervision import (
    AWAITS_REPLY,
    Lead,
    LeadStatus,
    Matter,
    MatterDecision,
    MatterEventType,
    MeetingKind,
    ReplyOutcome,
    StepKind,
)
from jianguan.services import access, consultation
from jianguan.services import supervision as sv
from jianguan.services.casefile import CaseMeeting, case_meetings
from jianguan.services.ports.supervision import LeadQuery, MatterQuery
from jianguan.web.auth import User, check_csrf, page_user
from jianguan.web.render import TEMPLATES, render
from jianguan.web.state import Web, web_of

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]
INTAKE_ROLES = frozenset({Role.CASE_OFFICER, Role.DEPARTMENT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF})
LEAD_LIMIT = 200
MATTER_CODES = frozenset(d.value for d in MatterDecision)


def _refuse(code: str, zh: str, en: str) -> GateRefused:
    return GateRefused([Missing(code, zh, en)])


def _day(text: str, what_zh: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _refuse("date", f"{what_zh}不是有效日期（YYYY-MM-DD）", "not a date") from None


def _units(user: User) -> frozenset[str] | None:
    return None if user.principal.whole_store else user.principal.units


def _intake(user: User) -> None:
    if user.principal.person.role not in INTAKE_ROLES:
        raise access.NotAllowed(user.principal.person.role.value)


def _lead(web: Web, user: User, lead_id: str) -> Lead:
    try:
        x = sv.lead(web.uow(), lead_id)
    except GateRefused:
        raise access.NotInScope(lead_id) from None
    if not user.principal.may_read(x.unit):
        raise access.NotInScope(lead_id)
    return x


def _matter(web: Web, user: User, matter_id: str) -> Matter:
    try:
        m = sv.matter(web.uow(), matter_id)
    except GateRefused:
        raise access.NotInScope(matter_id) from None
    if not user.principal.may_read(m.unit):
        raise access.NotInScope(matter_id)
    return m


def _back(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


# -- the case page's meetings (templates/_meetings.html) ----------------------------------------


def _case_meetings(request: Request, case_id: str) -> list[CaseMeeting]:
    """For the case page, which has already checked the case is in the user's scope."""
    return case_meetings(web_of(request).uow(), case_id)


def _case_panel(request: Request, case_id: str) -> ConsultationFile | None:
    return consultation.file_of(web_of(request).uow(), case_id)


AMOUNT = re.compile(r"(-?)(\d+)(\.\d+)?")


def fact_value(key: str, value: object) -> str:
    """A lead's fact as a reader expects it: an amount (a key naming 金额 or 元) with thousands
    separators (815000 → 815,000); anything else as the model sent it."""
    text = str(value).strip()
    amount = AMOUNT.fullmatch(text)
    if amount is None or not ("金额" in key or "元" in key):
        return text
    sign, whole, fraction = amount.groups()
    return f"{sign}{int(whole):,}{fraction or ''}"


TEMPLATES.env.globals["sv_case_meetings"] = _case_meetings
TEMPLATES.env.globals["sv_case_panel"] = _case_panel
TEMPLATES.env.globals["sv_fact"] = fact_value


# -- 线索收件箱 ------------------------------------------------------------------------------------


@pages.get("/supervision", response_class=HTMLResponse)
def inbox(request: Request, user: PageUser, status: str = "") -> Response:
    web = web_of(request)
    wanted = LeadStatus.parse(status) if status else None
    rows = sv.leads(web.uow(), LeadQuery(_units(user), wanted, None, LEAD_LIMIT))
    rows = [x for x in rows if user.principal.may_read(x.unit)]
    context = {
        "user": user, "leads": rows, "statuses": list(LeadStatus), "status": wanted,
        "may_intake": user.principal.person.role in INTAKE_ROLES, "report": None,
    }  # fmt: skip
    return render(request, "sv_inbox.html", context)


@pages.post("/supervision/import", response_class=HTMLResponse)
async def import_leads(
    request: Request,
    user: PageUser,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """受理: a model's lead file (JSONL or xlsx, docs/supervision.md), all or nothing."""
    check_csrf(user, csrf)
    _intake(user)
    web = web_of(request)
    name = Path(file.filename or "leads.jsonl").name
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".jsonl"
    body = await file.read()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"leads{suffix}"
        path.write_bytes(body)
        with web.uow() as uow:
            units = {u.code for u in uow.cases.units()}
        found, errors = read_leads(path, units)
    if errors:
        raise GateRefused([Missing("record", f"{name}:{e.line}: {e.field}: {e.zh}",
                                   f"{name}:{e.line}: {e.field}: {e.en}") for e in errors[:50]])  # fmt: skip
    outside = sorted({x.unit for x in found if not user.principal.may_read(x.unit)})
    if outside:
        raise _refuse("unit", f"线索所属院不在您的范围内：{'、'.join(outside)}",
                      f"leads of units outside your scope: {', '.join(outside)}")  # fmt: skip
    report = sv.import_leads(web.uow(), found, user.person_id, web.now())
    rows = sv.leads(web.uow(), LeadQuery(_units(user), None, None, LEAD_LIMIT))
    context = {
        "user": user, "leads": [x for x in rows if user.principal.may_read(x.unit)],
        "statuses": list(LeadStatus), "status": None, "may_intake": True, "report": report,
    }  # fmt: skip
    return render(request, "sv_inbox.html", context)


@pages.post("/supervision/leads/{lead_id}/screen")
def screen(
    request: Request, user: PageUser, lead_id: str,
    note: Annotated[str, Form(max_length=2000)] = "", csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    _intake(user)
    web = web_of(request)
    _lead(web, user, lead_id)
    sv.screen(web.uow(), lead_id, user.person_id, web.now(), note)
    return _back(f"/supervision#lead-{lead_id}")


@pages.post("/supervision/leads/{lead_id}/drop")
def drop(
    request: Request, user: PageUser, lead_id: str,
    reason: Annotated[str, Form(max_length=2000)] = "", csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    check_csrf(user, csrf)
    _intake(user)
    web = web_of(request)
    _lead(web, user, lead_id)
    sv.drop(web.uow(), lead_id, user.person_id, web.now(), reason)
    return _back(f"/supervision#lead-{lead_id}")


@pages.post("/supervision/leads/{lead_id}/register")
def register(
    request: Request, user: PageUser, lead_id: str,
    major: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """立案, the handler drawn among the department's eligible prosecutors."""
    check_csrf(user, csrf)
    _intake(user)
    web = web_of(request)
    _lead(web, user, lead_id)
    m = sv.register(web.uow(), web.rules, lead_id, user.person_id, web.now(), major=bool(major))
    return _back(f"/supervision/matters/{m.matter_id}")


# -- 监督事项 ---------------------------------------------------------------------------------------


@pages.get("/supervision/matters", response_class=HTMLResponse)
def matters(
    request: Request, user: PageUser, mine: bool = False, open_only: bool = False
) -> Response:
    web = web_of(request)
    handler = user.person_id if mine else None
    rows = sv.matters(web.uow(), MatterQuery(_units(user), handler, open_only, LEAD_LIMIT))
    rows = [m for m in rows if user.principal.may_read(m.unit)]
    context = {"user": user, "matters": rows, "mine": mine, "open_only": open_only}
    return render(request, "sv_matters.html", context)


def _workbench(request: Request, user: User, matter_id: str) -> dict[str, Any]:
    web = web_of(request)
    m = _matter(web, user, matter_id)
    findings = sv.findings_of(web.uow(), web.rules, matter_id, web.today())
    return {
        "user": user, "m": m, "today": web.today(),
        "findings": [(f, web.rules.rule(f.rule)) for f in findings],
        "missing": sv.gate_status(web.uow(), web.rules, matter_id),
        "meetings": sv.meetings_of(web.uow(), matter_id),
        "handler": m.handler == user.person_id,
        "steps": list(StepKind), "decisions": list(MatterDecision),
        "outcomes": list(ReplyOutcome), "awaits_reply": m.decision in AWAITS_REPLY,
        "served": m.of(MatterEventType.SERVED),
        "needs": web.rules.supervision.reserved("matter", m.decision.value, m.major)
        if m.decision else None,
        "lead": sv.lead(web.uow(), m.lead_id),
    }  # fmt: skip


@pages.get("/supervision/matters/{matter_id}", response_class=HTMLResponse)
def workbench(request: Request, user: PageUser, matter_id: str) -> Response:
    return render(request, "sv_matter.html", _workbench(request, user, matter_id))


@pages.post("/supervision/matters/{matter_id}/{action}")
def matter_action(
    request: Request,
    user: PageUser,
    matter_id: str,
    action: str,
    csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
    on: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
    decision: Annotated[str, Form(max_length=32)] = "",
    document_no: Annotated[str, Form(max_length=120)] = "",
    outcome: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """One step of the workbench, through the use case the CLI calls."""
    check_csrf(user, csrf)
    web = web_of(request)
    _matter(web, user, matter_id)
    by, now, uow = user.person_id, web.now(), web.uow()
    day = _day(on, "日期") if on else web.today()
    if action == "step":
        step = StepKind.parse(kind)
        if step is None:
            raise _refuse("kind", "请选择办理步骤", "choose a step")
        sv.record_step(uow, matter_id, step, by, day, note)
    elif action == "decide":
        made = MatterDecision.parse(decision)
        if made is None:
            raise _refuse("decision", "请选择监督决定", "choose a decision")
        sv.decide(uow, web.rules, matter_id, made, by, day, reason=note or None,
                  document_no=document_no or None)  # fmt: skip
    elif action == "served":
        sv.record_service(uow, web.rules, matter_id, day, by, note)
    elif action == "reply":
        result = ReplyOutcome.parse(outcome)
        if result is None:
            raise _refuse("outcome", "请选择回复结果", "choose the reply's outcome")
        sv.record_reply(uow, matter_id, day, result, note, by)
    elif action == "follow-up-open":
        sv.open_follow_up(uow, matter_id, by, day, note)
    elif action == "follow-up-close":
        sv.close_follow_up(uow, matter_id, by, day, note)
    elif action == "self-check":
        sv.self_check(uow, web.rules, matter_id, by, now)
    elif action == "verify":
        sv.verify(uow, web.rules, matter_id, by, now)
    elif action == "close":
        sv.close(uow, web.rules, matter_id, by, now)
    else:
        raise access.NotInScope(action)
    return _back(f"/supervision/matters/{matter_id}")


# -- 会诊: the member's queue, a case's panel and review form ----------------------------------


@pages.get("/supervision/panel", response_class=HTMLResponse)
def panel_queue(request: Request, user: PageUser) -> Response:
    web = web_of(request)
    items = [
        q for q in consultation.queue(web.uow(), user.person_id)
        if user.principal.may_read(q.unit)
    ]  # fmt: skip
    context = {"user": user, "items": items, "fields": web.rules.consultation.opinion_fields}
    return render(request, "sv_panel.html", context)


async def _answers(request: Request, prefix: str) -> dict[str, str]:
    form = await request.form()
    return {
        k[len(prefix) :]: str(v)[:4000]
        for k, v in form.items()
        if k.startswith(prefix) and isinstance(v, str)
    }


@pages.post("/supervision/panel/{case_id}")
async def give_opinion(request: Request, user: PageUser, case_id: str) -> Response:
    """A member's opinion on the opinion form; it joins the case as a consultation opinion."""
    form = await request.form()
    check_csrf(user, str(form.get("csrf", "")))
    web = web_of(request)
    access.read_case(web.uow(), user.principal, case_id, "consultation", web.now())
    values = await _answers(request, "f_")
    consultation.give_opinion(web.uow(), web.rules, case_id, user.person_id, web.now(), values)
    return _back("/supervision/panel")


@pages.get("/supervision/consult/{case_id}", response_class=HTMLResponse)
def consult(request: Request, user: PageUser, case_id: str) -> Response:
    web = web_of(request)
    case = access.read_case(web.uow(), user.principal, case_id, "consultation", web.now())
    file = consultation.file_of(web.uow(), case_id)
    spec = consultation.form_spec(web.rules, case.category)
    form = file.form(spec.form_id) if file is not None and spec is not None else None
    context = {
        "user": user, "case": case, "file": file, "spec": spec, "form": form,
        "fields": web.rules.consultation.opinion_fields,
        "handler": case.handler == user.person_id,
        "seat": file.panel.member(user.person_id) if file and file.panel else None,
    }  # fmt: skip
    return render(request, "sv_consult.html", context)


@pages.post("/supervision/consult/{case_id}/form")
async def fill_form(request: Request, user: PageUser, case_id: str) -> Response:
    """The handler's review form (审查表); it may be saved incomplete."""
    form = await request.form()
    check_csrf(user, str(form.get("csrf", "")))
    web = web_of(request)
    access.read_case(web.uow(), user.principal, case_id, "consultation", web.now())
    values = await _answers(request, "f_")
    consultation.fill_review_form(web.uow(), web.rules, case_id, user.person_id, web.now(), values)
    return _back(f"/supervision/consult/{case_id}")


# -- 会议记录 ---------------------------------------------------------------------------------------


def _subject_unit(web: Web, user: User, subject: str) -> str:
    """The subject's unit, when the user may see it (a matter, else a case through access)."""
    try:
        return _matter(web, user, subject).unit
    except access.NotInScope:
        return access.read_case(web.uow(), user.principal, subject, "meeting", web.now()).unit


@pages.get("/supervision/meetings/new", response_class=HTMLResponse)
def meeting_form(request: Request, user: PageUser, subject: str = "") -> Response:
    web = web_of(request)
    people: list[Any] = []
    if subject:
        unit = _subject_unit(web, user, subject)
        with web.uow() as uow:
            people = sorted((p for p in uow.cases.people() if p.unit == unit), key=lambda p: p.id)
    context = {
        "user": user, "subject": subject, "kinds": list(MeetingKind), "people": people,
        "today": web.today(), "meetings": sv.meetings_of(web.uow(), subject) if subject else [],
        "decisions": [*MatterDecision, *(d for d in DecisionType if d.value not in MATTER_CODES)],
    }  # fmt: skip
    return render(request, "sv_meeting.html", context)


@pages.post("/supervision/meetings")
async def record_meeting(request: Request, user: PageUser) -> Response:
    """A joint meeting or committee discussion on record (refused when incomplete)."""
    form = await request.form()
    check_csrf(user, str(form.get("csrf", "")))
    web = web_of(request)
    subject = str(form.get("subject", "")).strip()
    _subject_unit(web, user, subject)
    kind = MeetingKind.parse(str(form.get("kind", "")))
    if kind is None:
        raise _refuse("kind", "请选择会议类型", "choose the kind of meeting")
    members = [str(v) for v in form.getlist("member") if str(v).strip()]
    opinions = {m: str(form.get(f"opinion_{m}", "")) for m in members}
    decision = str(form.get("decision", "")).strip() or None
    sv.record_meeting(
        web.uow(), subject, kind, str(form.get("asked_by", "")) or user.person_id,
        str(form.get("question", "")), _day(str(form.get("held_on", "")), "会议日期"), members,
        opinions, str(form.get("conclusion", "")), user.person_id, web.now(), decision,
    )  # fmt: skip
    with web.uow() as uow:
        is_matter = uow.supervision.matter(subject) is not None
    return _back(f"/supervision/matters/{subject}" if is_matter else f"/cases/{subject}")
