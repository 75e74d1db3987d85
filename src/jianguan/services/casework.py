"""Case work through the platform: self-check, verification, consultation answers, decisions,
closing and archiving behind their gates, assignment and recusal.

Every action loads the case, checks it with the pure rules (``domain.gates``, ``domain.powers``,
``domain.assignment``), writes the changed case and an audit entry in the same transaction, or
refuses with the list of what is missing (``GateRefused``) and changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.assignment import AssignmentPolicy, Candidate, candidates, draw, eligible
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
from jianguan.domain.monitoring import Finding
from jianguan.domain.powers import PowersBook, approval_problem


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    case_id: str
    mode: AssignmentMode
    person: str
    reason: str | None
    seed: str | None
    candidates: tuple[Candidate, ...]
    by: str
    at: dt.datetime


class CaseworkSession(Protocol):
    """What case work needs from one store transaction."""

    def load_case(self, case_id: str) -> Case | None: ...

    def save_case(self, case: Case) -> None:
        """Replace the stored case by this one (same case_id)."""
        ...

    def people(self) -> list[Person]: ...

    def append_audit(
        self, actor: str, action: str, subject: str | None, detail: object
    ) -> None: ...

    def add_self_check(self, record: SelfCheckRecord, blocking_count: int) -> None: ...

    def last_self_check(self, case_id: str) -> SelfCheckRecord | None: ...

    def add_assignment(self, record: AssignmentRecord) -> None: ...

    def assignments(self, case_id: str) -> list[AssignmentRecord]: ...

    def add_recusal(
        self, case_id: str, person: str, reason: str, by: str, at: dt.datetime
    ) -> None: ...

    def recused(self, case_id: str) -> dict[str, str]:
        """person → reason."""
        ...

    def open_workload(self, person_ids: Sequence[str]) -> dict[str, int]:
        """Open cases each person handles."""
        ...


# The case's current findings (self-check + monitoring) as of a day; given by the caller, who
# holds the rule packs and the calendar.
Checker = Callable[[Case, Mapping[str, Person], dt.date], list[Finding]]


def _refuse(code: str, zh: str, en: str) -> GateRefused:
    return GateRefused([Missing(code, zh, en)])


def _load(s: CaseworkSession, case_id: str) -> Case:
    case = s.load_case(case_id)
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


def _save(s: CaseworkSession, case: Case, actor: str, action: str, detail: object) -> None:
    s.save_case(case)
    s.append_audit(actor, action, case.case_id, detail)


# --- self-check and verification ---------------------------------------------------------------


def record_self_check(
    s: CaseworkSession,
    case_id: str,
    by: str,
    now: dt.datetime,
    checker: Checker,
    explanations: Mapping[str, str] | None = None,
) -> SelfCheckRecord:
    """The handler's self-check (承办人自检): run, recorded with its findings and explanations.

    The record is kept even when blocking findings remain, so the handler sees them; the gate
    then refuses to close until they are corrected (and checked again) or explained.
    """
    case = _load(s, case_id)
    if by != case.handler:
        raise _refuse(
            "handler", f"自检须由承办人 {case.handler} 进行", "only the handler self-checks"
        )
    people = {p.id: p for p in s.people()}
    findings = tuple(checker(case, people, now.date()))
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
    s.add_self_check(record, len(left))
    note = f"{len(findings)} 项问题，{len(left)} 项待纠正或说明"
    _save(s, _with_events(case, Event(EventType.SELF_CHECK, now.date(), by, None, note)),
          by, "self_check", {"findings": len(findings), "blocking": len(left),
                             "explained": sorted(explained)})  # fmt: skip
    return record


def verify(s: CaseworkSession, case_id: str, by: str, now: dt.datetime) -> Case:
    """The verification (复核) of the handler's self-check by a department head or senior."""
    case = _load(s, case_id)
    people = {p.id: p for p in s.people()}
    person = _person(people, by, "复核人")
    if not may_verify(person, case):
        raise _refuse(
            "verifier",
            f"{person.name} 不能复核本案：复核须由部门负责人或资深检察官进行，且不得为承办人",
            "the verifier must be a department head or a senior prosecutor, not the handler",
        )
    if s.last_self_check(case_id) is None:
        raise _refuse("self_check", "承办人尚未自检，无从复核", "nothing to verify: no self-check")
    event = Event(EventType.VERIFICATION, now.date(), by, None, None)
    updated = _with_events(case, event)
    _save(s, updated, by, "verify", {})
    return updated


# --- consultation answers ------------------------------------------------------------------------


def answer_consultation(
    s: CaseworkSession, case_id: str, by: str, now: dt.datetime, decline_reason: str | None
) -> Case:
    """Accept (``decline_reason`` None) or decline, with a reason, the oldest open opinion."""
    case = _load(s, case_id)
    if by != case.handler:
        raise _refuse(
            "handler", f"会诊意见须由承办人 {case.handler} 答复", "only the handler answers"
        )
    open_ = unanswered_opinions(case)
    if not open_:
        raise _refuse("consultation", "没有待答复的会诊意见", "no consultation opinion to answer")
    if decline_reason is not None and not decline_reason.strip():
        raise _refuse("reason", "不采纳会诊意见须说明理由", "a decline needs its reason")
    note = ACCEPTED if decline_reason is None else f"{DECLINED} {decline_reason.strip()}"
    day = max(now.date(), open_[0])
    updated = _with_events(case, Event(EventType.CONSULTATION_ANSWERED, day, by, None, note))
    _save(s, updated, by, "answer_consultation", {"opinion": open_[0].isoformat(), "note": note})
    return updated


# --- decisions -----------------------------------------------------------------------------------


def record_decision(
    s: CaseworkSession,
    case_id: str,
    decision: DecisionType,
    on: dt.date,
    approved_by: str | None,
    powers: PowersBook,
    ground: NonProsecutionGround | None = None,
) -> Case:
    """Record the concluding decision; refused when the powers list needs an approval it lacks."""
    case = _load(s, case_id)
    if case.decision is not None:
        raise _refuse("decided", "本案已有审查结论", "the case already has a decision")
    if decision not in decisions_allowed(case.category):
        raise _refuse(
            "type", f"{decision.value} 不是本类案件的审查结论", "not a decision of this category"
        )
    if (decision is DecisionType.NOT_PROSECUTE) != (ground is not None):
        raise _refuse(
            "ground",
            "不起诉决定须写明不起诉类型（仅限不起诉）",
            "ground goes with not_prosecute only",
        )
    if on < case.received_on:
        raise _refuse("date", "决定日期早于受理日期", "decision before receipt")
    people = {p.id: p for p in s.people()}
    if approved_by is not None:
        _person(people, approved_by, "审批人")
    made = Decision(decision, on, case.handler, approved_by, ground)
    why = approval_problem(
        made, approved_by, case.major_complex, powers.for_unit(case.unit), people
    )
    if why is not None:
        raise _refuse("approval", why, "the powers list requires an approval this decision lacks")
    events = [Event(EventType.DECIDED, on, case.handler, None, decision.value)]
    if approved_by is not None:
        events.insert(0, Event(EventType.APPROVAL, on, approved_by, None, decision.value))
    updated = _with_events(case, *events, decision=made)
    _save(s, updated, case.handler, "decide",
          {"type": decision.value, "on": on.isoformat(), "approved_by": approved_by})  # fmt: skip
    return updated


# --- closing and archiving -------------------------------------------------------------------------


def gate_status(
    s: CaseworkSession, case_id: str, now: dt.datetime, checker: Checker, archive: bool = False
) -> list[Missing]:
    """What the case still needs to close (or to archive); empty when it may."""
    case = _load(s, case_id)
    people = {p.id: p for p in s.people()}
    check = s.last_self_check(case_id)
    current = checker(case, people, now.date())
    if archive:
        return archive_missing(case, check, current, people)
    return close_missing(case, check, current, people)


def close(s: CaseworkSession, case_id: str, by: str, now: dt.datetime, checker: Checker) -> Case:
    """审结 / 办结 behind the 每案必检 and consultation gates."""
    missing = gate_status(s, case_id, now, checker)
    if missing:
        raise GateRefused(missing)
    case = _load(s, case_id)
    day = max(now.date(), case.decision.on if case.decision else now.date())
    updated = _with_events(case, Event(EventType.CLOSED, day, by, None, None), closed_on=day)
    _save(s, updated, by, "close", {"on": day.isoformat()})
    return updated


def archive(s: CaseworkSession, case_id: str, by: str, now: dt.datetime, checker: Checker) -> Case:
    """归档, behind the same gates (an imported closed case may never have passed them)."""
    missing = gate_status(s, case_id, now, checker, archive=True)
    if missing:
        raise GateRefused(missing)
    case = _load(s, case_id)
    day = max(now.date(), case.closed_on or now.date())
    updated = _with_events(case, Event(EventType.ARCHIVED, day, by, None, None), archived_on=day)
    _save(s, updated, by, "archive", {"on": day.isoformat()})
    return updated


# --- assignment and recusal ----------------------------------------------------------------------


def recuse(
    s: CaseworkSession, case_id: str, person: str, reason: str, by: str, now: dt.datetime
) -> None:
    """Record that ``person`` may not handle the case (回避, 刑事诉讼法 第29条)."""
    _load(s, case_id)
    _person({p.id: p for p in s.people()}, person, "回避人员")
    if not reason.strip():
        raise _refuse("reason", "回避须说明理由", "a recusal needs its reason")
    s.add_recusal(case_id, person, reason.strip(), by, now)
    s.append_audit(by, "recuse", case_id, {"person": person, "reason": reason.strip()})


def assign(
    s: CaseworkSession,
    case_id: str,
    by: str,
    now: dt.datetime,
    policy: AssignmentPolicy,
    designate: str | None = None,
    reason: str | None = None,
    seed: str | None = None,
) -> AssignmentRecord:
    """Random (weighted by open workload) or designated (with a reason) assignment of a case."""
    case = _load(s, case_id)
    if case.closed_on is not None:
        raise _refuse("closed", "案件已办结，不能分案", "the case is closed")
    people = s.people()
    recused = s.recused(case_id)
    pool = eligible(case, people, set(recused), policy)
    cands = candidates(pool, s.open_workload([p.id for p in pool]))
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
    s.add_assignment(record)
    note = record.reason if record.mode is AssignmentMode.DESIGNATED else f"seed={record.seed}"
    event = Event(EventType.ASSIGNED, now.date(), by, None, note)
    updated = _with_events(case, event, handler=record.person, assigned_on=now.date(),
                           assignment=record.mode)  # fmt: skip
    _save(s, updated, by, "assign", {"mode": record.mode.value, "person": record.person,
                                     "seed": record.seed, "reason": record.reason})  # fmt: skip
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
