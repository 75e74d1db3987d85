"""Supervision matters as cases (重大监督事项案件化办理): the use cases.

Each action is one unit of work: it loads the lead or matter, checks it with the pure rules
(``domain.supervision``, ``domain.assignment``), writes it and an audit entry and commits — or
refuses with what is missing (``GateRefused``) and commits nothing. The order is the state
machine's: 受理 (import) → 初查 (screen) → 立案 (register, with a handler drawn by the assignment
rules of cases) → 办理 (steps, meetings) → 决定 → 跟进监督 (when the reply is missing or
rejected) → 办结 behind the 每案必检 gate.

This module uses no other service module, so ``services.monitoring`` can take the matters'
findings from it into the one ledger without an import cycle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from jianguan.domain.assignment import Candidate, candidates, draw, eligible
from jianguan.domain.gates import GateRefused, Missing
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Person,
)
from jianguan.domain.monitoring import Finding
from jianguan.domain.rulebook import Rulebook
from jianguan.domain.supervision import (
    AWAITS_REPLY,
    NEEDS_STEPS,
    Lead,
    LeadStatus,
    Matter,
    MatterDecision,
    MatterEvent,
    MatterEventType,
    Meeting,
    MeetingKind,
    Opinion,
    ReplyOutcome,
    StepKind,
    check_matter,
    close_missing,
    may_verify_matter,
    meeting_on_record,
    meeting_problems,
    with_event,
)
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.casework import AssignmentRecord
from jianguan.services.ports.supervision import LeadQuery, MatterQuery


def _refuse(code: str, zh: str, en: str) -> GateRefused:
    return GateRefused([Missing(code, zh, en)])


def _people(uow: UnitOfWork) -> dict[str, Person]:
    return {p.id: p for p in uow.cases.people()}


def _lead(uow: UnitOfWork, lead_id: str) -> Lead:
    lead = uow.supervision.lead(lead_id)
    if lead is None:
        raise _refuse("lead", f"线索 {lead_id} 不存在", f"no lead {lead_id}")
    return lead


def _matter(uow: UnitOfWork, matter_id: str) -> Matter:
    m = uow.supervision.matter(matter_id)
    if m is None:
        raise _refuse("matter", f"监督事项 {matter_id} 不存在", f"no matter {matter_id}")
    return m


def _open(m: Matter) -> None:
    if m.closed_on is not None:
        raise _refuse("closed", "监督事项已办结", "the matter is closed")


def _handler(m: Matter, by: str, what_zh: str) -> None:
    if by != m.handler:
        raise _refuse("handler", f"{what_zh}须由承办人 {m.handler} 进行", "only the handler may")


def _save(uow: UnitOfWork, m: Matter, actor: str, action: str, detail: object) -> None:
    uow.supervision.save_matter(m)
    uow.audit.append(actor, action, m.matter_id, detail)


# -- intake: 受理 -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LeadImport:
    received: int
    new: int
    duplicates: Mapping[str, str] = field(default_factory=dict)  # lead id → the lead it repeats
    already: tuple[str, ...] = ()  # ids already stored (a re-import changes nothing)
    by_model: Mapping[str, int] = field(default_factory=dict)


def import_leads(uow: UnitOfWork, leads: Sequence[Lead], by: str, now: dt.datetime) -> LeadImport:
    """受理: store the leads a model pushed, in one transaction. The same model, rule, unit,
    body and facts as a lead already here (or earlier in the file) is kept as a duplicate of it
    (重复线索), never registered twice; an id already stored is left as it is."""
    with uow:
        known_units = {u.code for u in uow.cases.units()}
        unknown = sorted({x.unit for x in leads} - known_units)
        if unknown:
            raise _refuse("unit", f"院代码不在单位名单中：{'、'.join(unknown)}",
                          f"unknown units: {', '.join(unknown)}")  # fmt: skip
        stored = uow.supervision.lead_ids([x.lead_id for x in leads])
        fresh = [x for x in leads if x.lead_id not in stored]
        first = dict(uow.supervision.leads_by_key([x.key for x in fresh]))
        out: list[Lead] = []
        dupes: dict[str, str] = {}
        for x in fresh:
            key = x.key
            if key in first:
                dupes[x.lead_id] = first[key]
                out.append(
                    dataclasses.replace(x, status=LeadStatus.DUPLICATE, duplicate_of=first[key])
                )
            else:
                first[key] = x.lead_id
                out.append(x)
        uow.supervision.add_leads(out)
        by_model = Counter(x.model for x in out)
        report = LeadImport(len(leads), len(out) - len(dupes), dupes, tuple(sorted(stored)),
                            dict(sorted(by_model.items())))  # fmt: skip
        if out:
            uow.audit.append(by, "sv.leads_import", None,
                             {"received": len(leads), "new": report.new, "duplicates": len(dupes),
                              "at": now.isoformat()})  # fmt: skip
        uow.commit()
    return report


def leads(uow: UnitOfWork, query: LeadQuery) -> list[Lead]:
    with uow:
        return uow.supervision.leads(query)


def lead(uow: UnitOfWork, lead_id: str) -> Lead:
    with uow:
        return _lead(uow, lead_id)


# -- screening: 初查 --------------------------------------------------------------------------------


def screen(uow: UnitOfWork, lead_id: str, by: str, now: dt.datetime, note: str) -> Lead:
    """初查: a received lead is looked at; the note says what the first look found."""
    with uow:
        x = _lead(uow, lead_id)
        if x.status is not LeadStatus.RECEIVED:
            raise _refuse("status", f"线索状态为“{x.status.zh}”，不能初查",
                          f"the lead is {x.status.en}, not received")  # fmt: skip
        if not note.strip():
            raise _refuse("note", "初查须记录初查情况", "screening needs its note")
        updated = dataclasses.replace(x, status=LeadStatus.SCREENING, note=note.strip())
        uow.supervision.save_lead(updated)
        uow.audit.append(by, "sv.screen", lead_id, {"note": note.strip(), "on": str(now.date())})
        uow.commit()
    return updated


def drop(uow: UnitOfWork, lead_id: str, by: str, now: dt.datetime, reason: str) -> Lead:
    """初查后不予立案, with the reason."""
    with uow:
        x = _lead(uow, lead_id)
        if x.status not in (LeadStatus.RECEIVED, LeadStatus.SCREENING):
            raise _refuse("status", f"线索状态为“{x.status.zh}”，不能不予立案",
                          f"the lead is {x.status.en}")  # fmt: skip
        if not reason.strip():
            raise _refuse("reason", "不予立案须说明理由", "dropping a lead needs its reason")
        updated = dataclasses.replace(x, status=LeadStatus.DROPPED, note=reason.strip())
        uow.supervision.save_lead(updated)
        uow.audit.append(by, "sv.drop", lead_id, {"reason": reason.strip(), "on": str(now.date())})
        uow.commit()
    return updated


# -- registration: 立案, with a handler -----------------------------------------------------------


def _stand_in(m: Matter) -> Case:
    """The matter as the assignment rules see a case: its unit, department and majorness are
    all they read, so a matter is drawn for exactly as a case would be."""
    return Case(
        m.matter_id, m.matter_id, m.unit, m.department, CaseCategory.CRIMINAL_SUPERVISION,
        CaseSource.SELF_DISCOVERED, m.registered_on, m.handler, m.registered_on,
        AssignmentMode.RANDOM, m.major,
    )  # fmt: skip


def _draw(
    uow: UnitOfWork,
    rules: Rulebook,
    m: Matter,
    by: str,
    now: dt.datetime,
    designate: str | None,
    reason: str | None,
    seed: str | None,
) -> AssignmentRecord:
    people = uow.cases.people()
    recused = uow.casework.recused(m.matter_id)
    pool = eligible(_stand_in(m), people, set(recused), rules.assignment)
    ids = [p.id for p in pool]
    cases_open = uow.cases.open_workload(ids)
    matters_open = uow.supervision.open_matters(ids)
    load = {i: cases_open.get(i, 0) + matters_open.get(i, 0) for i in ids}
    cands: list[Candidate] = candidates(pool, load)
    if designate is not None:
        person = {p.id: p for p in people}.get(designate)
        if person is None:
            raise _refuse("person", f"指定的检察官 {designate} 不在人员名单中", "unknown person")
        if not (reason and reason.strip()):
            raise _refuse(
                "reason", "指定分案须说明理由", "a designated assignment needs its reason"
            )
        if designate in recused:
            raise _refuse("recused", f"{person.name} 已回避：{recused[designate]}",
                          "that person is recused")  # fmt: skip
        if designate not in ids:
            raise _refuse("eligible", f"{person.name} 不是本部门可承办的员额检察官",
                          "only an eligible prosecutor of the department may handle it")  # fmt: skip
        return AssignmentRecord(m.matter_id, AssignmentMode.DESIGNATED, designate,
                                reason.strip(), None, tuple(cands), by, now)  # fmt: skip
    if reason:
        raise _refuse("reason", "随机分案无需理由", "a reason is for designation only")
    if not cands:
        raise _refuse("candidates", f"{m.department} 没有可分案的检察官（已排除回避人员）",
                      "no eligible prosecutor in the department")  # fmt: skip
    seed = seed or secrets.token_hex(8)
    return AssignmentRecord(m.matter_id, AssignmentMode.RANDOM, draw(cands, seed), None, seed,
                            tuple(cands), by, now)  # fmt: skip


def register(
    uow: UnitOfWork,
    rules: Rulebook,
    lead_id: str,
    by: str,
    now: dt.datetime,
    *,
    title: str | None = None,
    major: bool = False,
    designate: str | None = None,
    reason: str | None = None,
    seed: str | None = None,
) -> Matter:
    """立案: a screened lead becomes a matter, its handler drawn (or designated with a reason)
    among the department's eligible prosecutors, weighted by open cases and matters."""
    with uow:
        x = _lead(uow, lead_id)
        if x.status is not LeadStatus.SCREENING:
            raise _refuse("status", f"线索状态为“{x.status.zh}”：须先初查，方可立案",
                          f"the lead is {x.status.en}: screen it before registering")  # fmt: skip
        dept = rules.supervision.department(x)
        if not dept:
            raise _refuse("department", "无法确定承办部门", "no department for the lead's line")
        day = now.date()
        n = uow.supervision.matter_count(x.unit, day.year) + 1
        mid = f"{x.unit}-{day.year}-JDSX-{n:06d}"
        while uow.supervision.matter(mid) is not None:  # a number taken out of order
            n += 1
            mid = f"{x.unit}-{day.year}-JDSX-{n:06d}"
        m = Matter(mid, x.lead_id, x.unit, dept, x.model, x.rule, x.line, x.target,
                   (title or x.summary or f"{x.model}：{x.rule}").strip(), day, "", major)  # fmt: skip
        record = _draw(uow, rules, m, by, now, designate, reason, seed)
        uow.casework.add_assignment(record)
        m = with_event(m, MatterEvent(MatterEventType.RECEIVED, x.received_on, None, None, x.model))
        m = with_event(m, MatterEvent(MatterEventType.SCREENED, day, None, None, x.note))
        m = with_event(m, MatterEvent(MatterEventType.REGISTERED, day, by, None, None))
        note = record.reason if record.mode is AssignmentMode.DESIGNATED else f"seed={record.seed}"
        m = with_event(
            m, MatterEvent(MatterEventType.ASSIGNED, day, by, record.mode.value, note),
            handler=record.person,
        )  # fmt: skip
        _save(uow, m, by, "sv.register", {"lead": lead_id, "handler": record.person,
                                          "mode": record.mode.value, "seed": record.seed})  # fmt: skip
        uow.supervision.save_lead(
            dataclasses.replace(x, status=LeadStatus.REGISTERED, matter_id=mid)
        )
        uow.commit()
    return m


def recuse(
    uow: UnitOfWork, rules: Rulebook, matter_id: str, person: str, reason: str, by: str,
    now: dt.datetime, seed: str | None = None,
) -> Matter:  # fmt: skip
    """回避 on a matter; when the handler is recused, the matter is drawn again at once."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        if person not in _people(uow):
            raise _refuse("person", f"回避人员 {person} 不在人员名单中", "unknown person")
        if not reason.strip():
            raise _refuse("reason", "回避须说明理由", "a recusal needs its reason")
        uow.casework.add_recusal(matter_id, person, reason.strip(), by, now)
        uow.audit.append(by, "sv.recuse", matter_id, {"person": person, "reason": reason.strip()})
        if person == m.handler:
            record = _draw(uow, rules, m, by, now, None, None, seed)
            uow.casework.add_assignment(record)
            m = with_event(
                m, MatterEvent(MatterEventType.ASSIGNED, now.date(), by, "random",
                               f"seed={record.seed}"), handler=record.person,
            )  # fmt: skip
            _save(uow, m, by, "sv.reassign", {"handler": record.person, "seed": record.seed})
        uow.commit()
    return m


# -- handling: 办理 (三查融合) ---------------------------------------------------------------------


def record_step(
    uow: UnitOfWork, matter_id: str, kind: StepKind, by: str, on: dt.date, note: str
) -> Matter:
    """A review, investigation or inquiry step, with what it found."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        if by not in _people(uow):
            raise _refuse("person", f"{by} 不在人员名单中", "unknown person")
        if not note.strip():
            raise _refuse("note", f"{kind.zh}须记录所查明的情况", "a step needs what it found")
        if on < m.registered_on:
            raise _refuse("date", "步骤日期早于立案日期", "a step before registration")
        m = with_event(m, MatterEvent(MatterEventType.STEP, on, by, kind.value, note.strip()))
        _save(uow, m, by, "sv.step", {"kind": kind.value, "on": on.isoformat()})
        uow.commit()
    return m


def _meeting_missing(rules: Rulebook, m: Matter, meetings: Sequence[Meeting],
                     decision: MatterDecision, on: dt.date) -> Missing | None:  # fmt: skip
    """The domain's check (``meeting_on_record``, as the monitoring and the gate use it): a
    concluded meeting of the reserved kind held on or before ``on``. A meeting of another kind
    does not count (a joint meeting is not the committee 民事诉讼监督规则 第87条 asks for), and
    the refusal says so when one is on record."""
    res = rules.supervision.reserved("matter", decision.value, m.major)
    if res is None or meeting_on_record(meetings, m.matter_id, res, decision.value, on):
        return None
    other = sorted({x.kind for x in meetings if x.kind is not res.kind and x.held_on <= on
                    and x.decision in (None, decision.value)}, key=lambda k: k.value)  # fmt: skip
    zh_other = "".join(f"；已有的{k.zh}记录不能代替{res.kind.zh}" for k in other)
    en_other = "".join(f" (the {k.en} on record does not stand for it)" for k in other)
    return Missing("meeting", f"“{decision.zh}”须先经{res.kind.zh}讨论（{'、'.join(res.basis)}），未见会议记录{zh_other}",
                   f"{decision.en} needs a {res.kind.en} discussion on record first{en_other}")  # fmt: skip


def decide(
    uow: UnitOfWork,
    rules: Rulebook,
    matter_id: str,
    decision: MatterDecision,
    by: str,
    on: dt.date,
    *,
    reason: str | None = None,
    document_no: str | None = None,
) -> Matter:
    """决定: refused without a recorded step (不予监督 excepted, which needs its reason), or
    without the meeting the decision is reserved to. A decision that awaits a reply gets its
    reply due day from the rules."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        _handler(m, by, "监督决定")
        if m.decision is not None:
            raise _refuse("decided", "已作出监督决定", "the matter is already decided")
        if on < m.registered_on:
            raise _refuse("date", "决定日期早于立案日期", "a decision before registration")
        missing: list[Missing] = []
        if decision in NEEDS_STEPS and not any(e.on <= on for e in m.steps):
            missing.append(Missing("steps", "作出监督决定前须记录审查、调查或询问步骤（三查融合）",
                                   "record a review, investigation or inquiry step first"))  # fmt: skip
        if decision is MatterDecision.NO_SUPERVISION and not (reason and reason.strip()):
            missing.append(
                Missing("reason", "不予监督须说明理由", "no supervision needs its reason")
            )
        meetings = uow.supervision.meetings([matter_id]).get(matter_id, [])
        gap = _meeting_missing(rules, m, meetings, decision, on)
        if gap is not None:
            missing.append(gap)
        if missing:
            raise GateRefused(missing)
        due = rules.supervision.reply_due(decision, on) if decision in AWAITS_REPLY else None
        m = with_event(
            m, MatterEvent(MatterEventType.DECIDED, on, by, decision.value,
                           (reason or document_no or "").strip() or None),
            decision=decision, decided_on=on, decision_reason=(reason or "").strip() or None,
            document_no=(document_no or "").strip() or None, reply_due=due,
        )  # fmt: skip
        _save(uow, m, by, "sv.decide", {"decision": decision.value, "on": on.isoformat(),
                                        "reply_due": due.isoformat() if due else None})  # fmt: skip
        uow.commit()
    return m


def record_reply(
    uow: UnitOfWork, matter_id: str, on: dt.date, outcome: ReplyOutcome, note: str, by: str
) -> Matter:
    """The body's answer to the decision (回复): adopted (corrected) or rejected."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        if m.decision is None or m.decision not in AWAITS_REPLY or m.decided_on is None:
            raise _refuse("decision", "该监督决定无需回复", "this decision awaits no reply")
        if m.reply_on is not None:
            raise _refuse("replied", "已记录回复", "the reply is already recorded")
        if on < m.decided_on:
            raise _refuse("date", "回复日期早于决定日期", "a reply before the decision")
        m = with_event(m, MatterEvent(MatterEventType.REPLY, on, by, outcome.value, note.strip() or None),
                       reply_on=on, reply_outcome=outcome)  # fmt: skip
        _save(uow, m, by, "sv.reply", {"on": on.isoformat(), "outcome": outcome.value})
        uow.commit()
    return m


def record_service(uow: UnitOfWork, rules: Rulebook, matter_id: str, on: dt.date, by: str,
                   note: str = "") -> Matter:  # fmt: skip
    """送达: the day the body received the decision's document. The reply period runs from it
    ("自收到检察建议书之日起两个月以内"), so the reply's due day is counted again from here."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        if m.decision is None or m.decision not in AWAITS_REPLY or m.decided_on is None:
            raise _refuse("decision", "该监督决定无需送达回复", "this decision awaits no reply")
        if m.reply_on is not None:
            raise _refuse("replied", "已记录回复", "the reply is already recorded")
        if m.of(MatterEventType.SERVED):
            raise _refuse("served", "已记录送达", "the service is already recorded")
        if on < m.decided_on:
            raise _refuse("date", "送达日期早于决定日期", "served before the decision")
        due = rules.supervision.reply_due(m.decision, on)
        m = with_event(m, MatterEvent(MatterEventType.SERVED, on, by, None, note.strip() or None),
                       reply_due=due)  # fmt: skip
        detail = {"on": on.isoformat(), "reply_due": due.isoformat() if due else None}
        _save(uow, m, by, "sv.served", detail)
        uow.commit()
    return m


def open_follow_up(uow: UnitOfWork, matter_id: str, by: str, on: dt.date, reason: str) -> Matter:
    """跟进监督: opened when the reply is missing after its due day or rejects the decision."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        _handler(m, by, "跟进监督")
        if m.follow_up_open:
            raise _refuse("open", "已有未完成的跟进监督", "a follow-up is already open")
        if m.decision is None:
            raise _refuse("decision", "尚未作出监督决定", "nothing to follow up")
        if not reason.strip():
            raise _refuse("reason", "跟进监督须说明原因", "a follow-up needs its reason")
        m = with_event(
            m, MatterEvent(MatterEventType.FOLLOW_UP_OPENED, on, by, None, reason.strip())
        )
        _save(uow, m, by, "sv.follow_up_open", {"on": on.isoformat(), "reason": reason.strip()})
        uow.commit()
    return m


def close_follow_up(uow: UnitOfWork, matter_id: str, by: str, on: dt.date, note: str) -> Matter:
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        _handler(m, by, "跟进监督")
        if not m.follow_up_open:
            raise _refuse("open", "没有进行中的跟进监督", "no follow-up is open")
        if not note.strip():
            raise _refuse("note", "须记录跟进监督结果", "a follow-up needs its result")
        m = with_event(m, MatterEvent(MatterEventType.FOLLOW_UP_CLOSED, on, by, None, note.strip()))
        _save(uow, m, by, "sv.follow_up_close", {"on": on.isoformat(), "note": note.strip()})
        uow.commit()
    return m


def link_case(uow: UnitOfWork, matter_id: str, case_id: str, by: str, now: dt.datetime) -> Matter:
    """The case the matter produced (e.g. a case filed after 立案监督), linked both ways: the
    matter names the case, and ``matter_of_case`` finds the matter from the case."""
    with uow:
        m = _matter(uow, matter_id)
        if uow.cases.load_case(case_id) is None:
            raise _refuse("case", f"案件 {case_id} 不存在", f"no case {case_id}")
        other = uow.supervision.matter_of_case(case_id)
        if other is not None and other != matter_id:
            raise _refuse("linked", f"案件 {case_id} 已关联监督事项 {other}",
                          f"case {case_id} is linked to {other}")  # fmt: skip
        m = with_event(m, MatterEvent(MatterEventType.CASE_LINKED, now.date(), by, None, case_id),
                       case_id=case_id)  # fmt: skip
        _save(uow, m, by, "sv.link_case", {"case": case_id})
        uow.audit.append(by, "sv.linked_from_matter", case_id, {"matter": matter_id})
        uow.commit()
    return m


# -- 每案必检 and 办结 ------------------------------------------------------------------------------


def findings_of(uow: UnitOfWork, rules: Rulebook, matter_id: str, as_of: dt.date) -> list[Finding]:
    with uow:
        m = _matter(uow, matter_id)
        meetings = uow.supervision.meetings([matter_id]).get(matter_id, [])
        return check_matter(m, meetings, rules.supervision, rules.calendar, as_of)


def self_check(
    uow: UnitOfWork, rules: Rulebook, matter_id: str, by: str, now: dt.datetime
) -> list[Finding]:
    """The handler's self-check of the matter (every matter rule), recorded on its timeline."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        _handler(m, by, "自检")
        meetings = uow.supervision.meetings([matter_id]).get(matter_id, [])
        found = check_matter(m, meetings, rules.supervision, rules.calendar, now.date())
        note = "；".join(f.explanation for f in found) or "未发现问题"
        m = with_event(m, MatterEvent(MatterEventType.SELF_CHECK, now.date(), by, None, note))
        _save(uow, m, by, "sv.self_check", {"findings": [f.rule for f in found]})
        uow.commit()
    return found


def verify(uow: UnitOfWork, rules: Rulebook, matter_id: str, by: str, now: dt.datetime) -> Matter:
    """复核 of the handler's self-check by a department head or a senior prosecutor."""
    with uow:
        m = _matter(uow, matter_id)
        _open(m)
        person = _people(uow).get(by)
        if person is None or not may_verify_matter(person, m, rules.supervision.verify_roles):
            raise _refuse("verifier", "复核须由部门负责人或资深检察官进行，且不得为承办人",
                          "the verifier must be a department head or senior prosecutor, not the handler")  # fmt: skip
        if not m.of(MatterEventType.SELF_CHECK):
            raise _refuse(
                "self_check", "承办人尚未自检，无从复核", "nothing to verify: no self-check"
            )
        m = with_event(m, MatterEvent(MatterEventType.VERIFICATION, now.date(), by, None, None))
        _save(uow, m, by, "sv.verify", {})
        uow.commit()
    return m


def gate_status(uow: UnitOfWork, rules: Rulebook, matter_id: str) -> list[Missing]:
    """What the matter still needs to close; empty when it may. Reads only."""
    with uow:
        m = _matter(uow, matter_id)
        meetings = uow.supervision.meetings([matter_id]).get(matter_id, [])
        return close_missing(m, meetings, _people(uow), rules.supervision)


def close(uow: UnitOfWork, rules: Rulebook, matter_id: str, by: str, now: dt.datetime) -> Matter:
    """办结, behind the gate: refused (nothing written) with the list of what is missing."""
    with uow:
        m = _matter(uow, matter_id)
        meetings = uow.supervision.meetings([matter_id]).get(matter_id, [])
        missing = close_missing(m, meetings, _people(uow), rules.supervision)
        if missing:
            raise GateRefused(missing)
        day = max(now.date(), m.decided_on or now.date())
        m = with_event(m, MatterEvent(MatterEventType.CLOSED, day, by, None, None), closed_on=day)
        _save(uow, m, by, "sv.close", {"on": day.isoformat()})
        uow.commit()
    return m


def matter(uow: UnitOfWork, matter_id: str) -> Matter:
    with uow:
        return _matter(uow, matter_id)


def matters(uow: UnitOfWork, query: MatterQuery) -> list[Matter]:
    with uow:
        return uow.supervision.matters(query)


# -- meetings on record ------------------------------------------------------------------------


def record_meeting(
    uow: UnitOfWork,
    subject: str,
    kind: MeetingKind,
    asked_by: str,
    question: str,
    held_on: dt.date,
    members: Sequence[str],
    opinions: Mapping[str, str],
    conclusion: str,
    by: str,
    now: dt.datetime,
    decision: str | None = None,
) -> Meeting:
    """A joint meeting or committee discussion on a matter or a case, on record: who asked, the
    question, who was present, each one's opinion, the conclusion. Refused when incomplete.
    On a matter it joins the timeline; on either it is an entry of the audit chain."""
    with uow:
        m = uow.supervision.matter(subject)
        case = None if m is not None else uow.cases.load_case(subject)
        if m is None and case is None:
            raise _refuse(
                "subject", f"{subject} 既不是监督事项也不是案件", f"no matter or case {subject}"
            )
        people = _people(uow)
        existing = uow.supervision.meeting_count()
        meeting = Meeting(
            f"MT-{held_on:%Y%m%d}-{existing + 1:06d}", subject, "matter" if m else "case", kind,
            asked_by, question.strip(), held_on, tuple(dict.fromkeys(members)),
            tuple(Opinion(k, v.strip()) for k, v in opinions.items()), conclusion.strip(),
            decision, by,
        )  # fmt: skip
        problems = meeting_problems(meeting, people)
        if m is not None and m.closed_on is not None:
            problems.insert(0, Missing("closed", "监督事项已办结", "the matter is closed"))
        if problems:
            raise GateRefused(problems)
        uow.supervision.add_meeting(meeting)
        if m is not None:
            m = with_event(m, MatterEvent(MatterEventType.MEETING, held_on, asked_by, kind.value,
                                          conclusion.strip()))  # fmt: skip
            uow.supervision.save_matter(m)
        uow.audit.append(by, "meeting.record", subject, {
            "meeting": meeting.meeting_id, "kind": kind.value, "asked_by": asked_by,
            "question": meeting.question, "held_on": held_on.isoformat(),
            "members": list(meeting.members),
            "opinions": {o.member: o.text for o in meeting.opinions},
            "conclusion": meeting.conclusion, "decision": decision,
        })  # fmt: skip
        uow.commit()
    return meeting


def meetings_of(uow: UnitOfWork, subject: str) -> list[Meeting]:
    with uow:
        return uow.supervision.meetings([subject]).get(subject, [])


# -- generated matters (demo, measurements) -------------------------------------------------------


def load_generated(
    uow: UnitOfWork,
    leads: Sequence[Lead],
    matters: Sequence[Matter],
    meetings: Sequence[Meeting],
    by: str,
) -> int:
    """Store a generated province's leads, matters and meetings in one transaction (the demo
    and the measurements; real matters come through the use cases above). One audit entry."""
    with uow:
        stored = uow.supervision.lead_ids([x.lead_id for x in leads])
        if stored:
            raise _refuse("exists", f"已有 {len(stored)} 条同号线索，未载入",
                          f"{len(stored)} leads with these ids are already stored")  # fmt: skip
        uow.supervision.add_leads(leads)
        uow.supervision.add_matters(matters)
        for x in meetings:
            uow.supervision.add_meeting(x)
        uow.audit.append(by, "sv.load_generated", None,
                         {"leads": len(leads), "matters": len(matters), "meetings": len(meetings)})  # fmt: skip
        uow.commit()
    return len(matters)


# -- monitoring: the matters' findings, for the one ledger ---------------------------------------


def matter_findings(
    uow: UnitOfWork, rules: Rulebook, as_of: dt.date, scope: Collection[str] | None
) -> list[Finding]:
    """Every matter finding as of ``as_of`` (in the units of ``scope``, every unit when None),
    inside the caller's unit of work: ``services.monitoring`` adds them to the cases' findings
    so the ledger keeps one entry per (matter, rule) beside those of cases."""
    found: list[Finding] = []
    ms = list(uow.supervision.iter_matters(scope))
    if not ms:
        return found
    meetings = uow.supervision.meetings([m.matter_id for m in ms])
    for m in ms:
        if m.registered_on > as_of:
            continue
        found += check_matter(m, meetings.get(m.matter_id, []), rules.supervision,
                              rules.calendar, as_of)  # fmt: skip
    return found
