"""Case work through the platform: self-check, verification, consultation answers, decisions,
closing and archiving behind their gates, assignment and recusal.

Every action is one unit of work: it loads the case, checks it with the pure rules
(``domain.gates``, ``domain.powers``, ``domain.assignment``), writes the changed case and an
audit entry and commits — or refuses with the list of what is missing (``GateRefused``) and
commits nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Mapping, Sequence

from jianguan.domain.assignment import Candidate, candidates, draw, eligible
from jianguan.domain.gates import (
    ACCEPTED,
    DECLINED,
    GateRefused,
    Missing,
    SelfCheckRecord,
    archive_missing,
    blocking,
    close_missing,
    may_verify,
    unanswered_opinions,
)
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    Decision,
    DecisionType,
    Event,
    EventType,
    NonProsecutionGround,
    Person,
    decisions_allowed,
)
from jianguan.domain.powers import approval_problem
from jianguan.domain.rulebook import Rulebook
from jianguan.domain.supervision import meeting_on_record
from jianguan.services import consultation
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.casework import AssignmentRecord
from jianguan.services.selfcheck import checker_in


def _refuse(code: str, zh: str, en: str) -> GateRefused:
    return GateRefused([Missing(code, zh, en)])


def _load(uow: UnitOfWork, case_id: str) -> Case:
    case = uow.cases.load_case(case_id)
    if case is None:
        raise _refuse("case", f"案件 {case_id} 不存在", f"no case {case_id}")
    return case


def _person(people: Mapping[str, Person], pid: str, what_zh: str) -> Person:
    person = people.get(pid)
    if person is None:
        raise _refuse(
            "person", f"{what_zh} {pid} 不在人员名单中", f"{pid} is not in the staff list"
        )
    return person


def _with_events(case: Case, *events: Event, **changes: object) -> Case:
    merged = tuple(sorted((*case.events, *events), key=lambda e: e.on))
    return dataclasses.replace(case, events=merged, **changes)  # type: ignore[arg-type]


def _save(uow: UnitOfWork, case: Case, actor: str, action: str, detail: object) -> None:
    uow.cases.save_case(case)
    uow.audit.append(actor, action, case.case_id, detail)


def _people(uow: UnitOfWork) -> dict[str, Person]:
    return {p.id: p for p in uow.cases.people()}


def handler_of(uow: UnitOfWork, case_id: str) -> str:
    """The case's handler (the default actor of the handler's own steps)."""
    with uow:
        return _load(uow, case_id).handler


# --- self-check and verification ---------------------------------------------------------------


def record_self_check(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    by: str,
    now: dt.datetime,
    explanations: Mapping[str, str] | None = None,
) -> SelfCheckRecord:
    """The handler's self-check (承办人自检): run, recorded with its findings and explanations.

    The record is kept even when blocking findings remain, so the handler sees them; the gate
    then refuses to close until they are corrected (and checked again) or explained.
    """
    with uow:
        record = _self_check(uow, rules, case_id, by, now, explanations)
        uow.commit()
    return record


def _self_check(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    by: str,
    now: dt.datetime,
    explanations: Mapping[str, str] | None,
) -> SelfCheckRecord:
    case = _load(uow, case_id)
    if by != case.handler:
        raise _refuse(
            "handler", f"自检须由承办人 {case.handler} 进行", "only the handler self-checks"
        )
    check = checker_in(uow, rules)
    findings = tuple(check(case, _people(uow), now.date()))
    explained = {k: v.strip() for k, v in (explanations or {}).items() if v.strip()}
    unknown = sorted(set(explained) - {f.rule for f in findings})
    if unknown:
        raise _refuse(
            "explain",
            f"说明所指的问题不在本次自检结果中：{'、'.join(unknown)}",
            f"explanations name findings this check did not find: {', '.join(unknown)}",
        )
    record = SelfCheckRecord(case_id, by, now, findings, explained)
    left = blocking(findings, explained)
    uow.casework.add_self_check(record, len(left))
    note = f"{len(findings)} 项问题，{len(left)} 项待纠正或说明"
    _save(uow, _with_events(case, Event(EventType.SELF_CHECK, now.date(), by, None, note)),
          by, "self_check", {"findings": len(findings), "blocking": len(left),
                             "explained": sorted(explained)})  # fmt: skip
    return record


def verify(uow: UnitOfWork, case_id: str, by: str, now: dt.datetime) -> Case:
    """The verification (复核) of the handler's self-check by a department head or senior."""
    with uow:
        case = _load(uow, case_id)
        person = _person(_people(uow), by, "复核人")
        if not may_verify(person, case):
            raise _refuse(
                "verifier",
                f"{person.name} 不能复核本案：复核须由部门负责人或资深检察官进行，且不得为承办人",
                "the verifier must be a department head or a senior prosecutor, not the handler",
            )
        if uow.casework.last_self_check(case_id) is None:
            raise _refuse(
                "self_check", "承办人尚未自检，无从复核", "nothing to verify: no self-check"
            )
        updated = _with_events(case, Event(EventType.VERIFICATION, now.date(), by, None, None))
        _save(uow, updated, by, "verify", {})
        uow.commit()
    return updated


# --- consultation answers ------------------------------------------------------------------------


def answer_consultation(
    uow: UnitOfWork, case_id: str, by: str, now: dt.datetime, decline_reason: str | None
) -> Case:
    """Accept (``decline_reason`` None) or decline, with a reason, the oldest open opinion."""
    with uow:
        case = _load(uow, case_id)
        if by != case.handler:
            raise _refuse(
                "handler", f"会诊意见须由承办人 {case.handler} 答复", "only the handler answers"
            )
        open_ = unanswered_opinions(case)
        if not open_:
            raise _refuse(
                "consultation", "没有待答复的会诊意见", "no consultation opinion to answer"
            )
        if decline_reason is not None and not decline_reason.strip():
            raise _refuse("reason", "不采纳会诊意见须说明理由", "a decline needs its reason")
        note = ACCEPTED if decline_reason is None else f"{DECLINED} {decline_reason.strip()}"
        day = max(now.date(), open_[0])
        updated = _with_events(case, Event(EventType.CONSULTATION_ANSWERED, day, by, None, note))
        detail = {"opinion": open_[0].isoformat(), "note": note}
        _save(uow, updated, by, "answer_consultation", detail)
        uow.commit()
    return updated


# --- decisions -----------------------------------------------------------------------------------


def record_decision(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    decision: DecisionType,
    on: dt.date,
    approved_by: str | None,
    ground: NonProsecutionGround | None = None,
) -> Case:
    """Record the concluding decision; refused when the powers list needs an approval it lacks."""
    with uow:
        updated = _decide(uow, rules, case_id, decision, on, approved_by, ground)
        uow.commit()
    return updated


def _decide(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    decision: DecisionType,
    on: dt.date,
    approved_by: str | None,
    ground: NonProsecutionGround | None,
) -> Case:
    case = _load(uow, case_id)
    if case.decision is not None:
        raise _refuse("decided", "本案已有审查结论", "the case already has a decision")
    if decision not in decisions_allowed(case.category):
        raise _refuse(
            "type", f"“{decision.zh}”不是{case.category.zh}案件的审查结论",
            f"{decision.en} is not a decision of {case.category.en}",
        )  # fmt: skip
    if (decision is DecisionType.NOT_PROSECUTE) != (ground is not None):
        raise _refuse(
            "ground",
            "不起诉决定须写明不起诉类型（仅限不起诉）",
            "ground goes with not_prosecute only",
        )
    if on < case.received_on:
        raise _refuse("date", "决定日期早于受理日期", "decision before receipt")
    people = _people(uow)
    if approved_by is not None:
        _person(people, approved_by, "审批人")
    made = Decision(decision, on, case.handler, approved_by, ground)
    refused = _reserved(uow, rules, case, decision, on, approved_by, people)
    if refused is not None:
        raise GateRefused([refused])
    events = [Event(EventType.DECIDED, on, case.handler, None, decision.value)]
    if approved_by is not None:
        events.insert(0, Event(EventType.APPROVAL, on, approved_by, None, decision.value))
    updated = _with_events(case, *events, decision=made)
    _save(uow, updated, case.handler, "decide",
          {"type": decision.value, "on": on.isoformat(), "approved_by": approved_by})  # fmt: skip
    return updated


def _reserved(
    uow: UnitOfWork,
    rules: Rulebook,
    case: Case,
    decision: DecisionType,
    on: dt.date,
    approved_by: str | None,
    people: Mapping[str, Person],
) -> Missing | None:
    """Why ``decision`` may not be recorded on ``on`` with ``approved_by``'s approval (the
    powers list's approver, then the meeting it is reserved to), or None when it may. The one
    check behind both refusing a decision and offering it (``decision_choices``)."""
    made = Decision(decision, on, case.handler, approved_by, None)
    why = approval_problem(
        made, approved_by, case.major_complex, rules.powers.for_unit(case.unit), people
    )
    if why is not None:
        return Missing("approval", why, "the powers list requires an approval this decision lacks")
    return _meeting_needed(uow, rules, case, decision, on)


@dataclasses.dataclass(frozen=True, slots=True)
class DecisionChoice:
    """One decision of the case's category and what would refuse it (None: it may be taken)."""

    type: DecisionType
    refused: Missing | None


def decision_choices(
    uow: UnitOfWork, rules: Rulebook, case_id: str, approved_by: str | None, on: dt.date
) -> list[DecisionChoice]:
    """Each decision the case's category allows, with what ``record_decision`` would refuse it
    for when recorded on ``on`` with ``approved_by``'s approval — the same check, so a form
    offers exactly what the service accepts. Reads only."""
    with uow:
        case = _load(uow, case_id)
        people = _people(uow)
        kinds = sorted(decisions_allowed(case.category), key=lambda k: k.value)
        return [
            DecisionChoice(k, _reserved(uow, rules, case, k, on, approved_by, people))
            for k in kinds
        ]


def _meeting_needed(
    uow: UnitOfWork, rules: Rulebook, case: Case, decision: DecisionType, on: dt.date
) -> Missing | None:
    """A decision reserved to the procuratorial committee or the joint meeting
    (``[[meetings]] subject = "case"`` in rules/supervision.toml) is refused until a concluded
    meeting on this case, held on or before the decision day, is on record."""
    res = rules.supervision.reserved("case", decision.value, case.major_complex)
    if res is None:
        return None
    meetings = uow.supervision.meetings([case.case_id]).get(case.case_id, [])
    if meeting_on_record(meetings, case.case_id, res, decision.value, on):
        return None
    basis = "、".join(res.basis)
    return Missing(
        "meeting",
        f"“{decision.zh}”须先经{res.kind.zh}讨论（{basis}），本案未见{on.isoformat()}前的会议记录",
        f"{decision.en} needs a {res.kind.en} discussion of this case on record first",
    )


# --- closing and archiving -------------------------------------------------------------------------


def gate_status(
    uow: UnitOfWork, rules: Rulebook, case_id: str, now: dt.datetime, archive: bool = False
) -> list[Missing]:
    """What the case still needs to close (or to archive); empty when it may. Reads only."""
    with uow:
        return _missing(uow, rules, _load(uow, case_id), now, archive)


def _missing(
    uow: UnitOfWork, rules: Rulebook, case: Case, now: dt.datetime, archive: bool
) -> list[Missing]:
    people = _people(uow)
    check = uow.casework.last_self_check(case.case_id)
    current = checker_in(uow, rules)(case, people, now.date())
    if archive:
        return archive_missing(case, check, current, people)
    return close_missing(case, check, current, people)


def close(uow: UnitOfWork, rules: Rulebook, case_id: str, by: str, now: dt.datetime) -> Case:
    """审结 / 办结 behind the 每案必检 and consultation gates."""
    with uow:
        case = _load(uow, case_id)
        missing = _missing(uow, rules, case, now, archive=False)
        if missing:
            raise GateRefused(missing)
        day = max(now.date(), case.decision.on if case.decision else now.date())
        updated = _with_events(case, Event(EventType.CLOSED, day, by, None, None), closed_on=day)
        _save(uow, updated, by, "close", {"on": day.isoformat()})
        uow.commit()
    return updated


def archive(uow: UnitOfWork, rules: Rulebook, case_id: str, by: str, now: dt.datetime) -> Case:
    """归档, behind the same gates (an imported closed case may never have passed them)."""
    with uow:
        case = _load(uow, case_id)
        missing = _missing(uow, rules, case, now, archive=True)
        if missing:
            raise GateRefused(missing)
        day = max(now.date(), case.closed_on or now.date())
        updated = _with_events(
            case, Event(EventType.ARCHIVED, day, by, None, None), archived_on=day
        )
        _save(uow, updated, by, "archive", {"on": day.isoformat()})
        uow.commit()
    return updated


# --- assignment and recusal ----------------------------------------------------------------------


def recuse(
    uow: UnitOfWork,
    case_id: str,
    person: str,
    reason: str,
    by: str,
    now: dt.datetime,
    rules: Rulebook | None = None,
) -> None:
    """Record that ``person`` may not handle the case (回避, 刑事诉讼法 第29条); a member of the
    case's review panel who has not yet given an opinion is replaced (given ``rules``)."""
    with uow:
        case = _load(uow, case_id)
        _person(_people(uow), person, "回避人员")
        if not reason.strip():
            raise _refuse("reason", "回避须说明理由", "a recusal needs its reason")
        uow.casework.add_recusal(case_id, person, reason.strip(), by, now)
        uow.audit.append(by, "recuse", case_id, {"person": person, "reason": reason.strip()})
        if rules is not None:
            consultation.recuse_in(uow, rules, case, person, reason.strip(), by)
        uow.commit()


def assignments(uow: UnitOfWork, case_id: str) -> list[AssignmentRecord]:
    """Every assignment of the case, oldest first (to show and re-draw them)."""
    with uow:
        _load(uow, case_id)
        return uow.casework.assignments(case_id)


def assign(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    by: str,
    now: dt.datetime,
    designate: str | None = None,
    reason: str | None = None,
    seed: str | None = None,
) -> AssignmentRecord:
    """Random (weighted by open workload) or designated (with a reason) assignment of a case."""
    with uow:
        record = _assign(uow, rules, case_id, by, now, designate, reason, seed)
        uow.commit()
    return record


def _assign(
    uow: UnitOfWork,
    rules: Rulebook,
    case_id: str,
    by: str,
    now: dt.datetime,
    designate: str | None,
    reason: str | None,
    seed: str | None,
) -> AssignmentRecord:
    case = _load(uow, case_id)
    if case.closed_on is not None:
        raise _refuse("closed", "案件已办结，不能分案", "the case is closed")
    people = uow.cases.people()
    recused = uow.casework.recused(case_id)
    pool = eligible(case, people, set(recused), rules.assignment)
    cands = candidates(pool, uow.cases.open_workload([p.id for p in pool]))
    if designate is not None:
        record = _designated(case, people, recused, cands, designate, reason, by, now)
    else:
        if reason:
            raise _refuse(
                "reason", "随机分案无需理由；指定分案请用 --designate", "reason is for designation"
            )
        if not cands:
            raise _refuse("candidates", "本部门没有可分案的检察官（已排除回避人员）",
                          "no eligible prosecutor in the department")  # fmt: skip
        seed = seed or secrets.token_hex(8)
        record = AssignmentRecord(case_id, AssignmentMode.RANDOM, draw(cands, seed), None, seed,
                                  tuple(cands), by, now)  # fmt: skip
    uow.casework.add_assignment(record)
    note = record.reason if record.mode is AssignmentMode.DESIGNATED else f"seed={record.seed}"
    event = Event(EventType.ASSIGNED, now.date(), by, None, note)
    updated = _with_events(case, event, handler=record.person, assigned_on=now.date(),
                           assignment=record.mode)  # fmt: skip
    _save(uow, updated, by, "assign", {"mode": record.mode.value, "person": record.person,
                                       "seed": record.seed, "reason": record.reason})  # fmt: skip
    # 线上会诊: the case goes to the initial-review panel at the same time (入口), when the
    # province's rules send it there (rules/consultation.toml).
    consultation.form_panel_in(uow, rules, updated, by, now, seed)
    return record


def _designated(
    case: Case,
    people: Sequence[Person],
    recused: Mapping[str, str],
    cands: Sequence[Candidate],
    designate: str,
    reason: str | None,
    by: str,
    now: dt.datetime,
) -> AssignmentRecord:
    person = _person({p.id: p for p in people}, designate, "指定的检察官")
    if not (reason and reason.strip()):
        raise _refuse("reason", "指定分案须说明理由", "a designated assignment needs its reason")
    if designate in recused:
        raise _refuse("recused", f"{person.name} 已回避本案：{recused[designate]}",
                      "that person is recused from this case")  # fmt: skip
    if person.unit != case.unit or not person.in_quota:
        raise _refuse("eligible", f"{person.name} 不是本院员额检察官，不能承办本案",
                      "only a quota prosecutor of the case's unit can handle it")  # fmt: skip
    return AssignmentRecord(case.case_id, AssignmentMode.DESIGNATED, designate, reason.strip(),
                            None, tuple(cands), by, now)  # fmt: skip


def redraw(record: AssignmentRecord) -> str | None:
    """Repeat a random assignment's draw from its record (None for a designated one)."""
    if record.seed is None:
        return None
    return draw(record.candidates, record.seed)
