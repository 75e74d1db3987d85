"""The 每案必检 gate and the consultation gate: what a case needs before it may close or archive.

案件质量检查与评查工作规定 (2026): every case is self-checked by its handler and the check is
verified (复核) by the department head or a senior prosecutor before it is archived; a finding
that matters (情节较重 or worse) must be put right, or explained, first. Shenzhen's 线上会诊:
each consultation opinion is accepted or declined by the handler, a decline with its reason,
before the case closes. The gates answer with the list of what is missing, never just "no".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jianguan.domain.model import Case, Event, EventType, Person, Role
from jianguan.domain.monitoring import Finding

# Findings of these severities block closing until corrected or explained.
BLOCKING = frozenset({"情节较重", "情节严重", "涉嫌违法违纪"})
# These kinds judge the gate itself after the fact; they are not part of the check it requires.
GATE_KINDS = frozenset({"archived_unchecked", "consultation_unanswered"})
VERIFIER_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF})
ACCEPTED = "accepted"
DECLINED = "declined:"


@dataclass(frozen=True, slots=True)
class Missing:
    """One thing the gate needs, in both languages."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class SelfCheckRecord:
    """A self-check the handler ran through the platform, with the explanations they gave."""

    case_id: str
    by: str
    at: dt.datetime
    findings: tuple[Finding, ...]
    explained: Mapping[str, str]  # rule id → the handler's explanation (情况说明)

    @property
    def on(self) -> dt.date:
        return self.at.date()


class GateRefused(Exception):
    """The service refused an action; ``missing`` says what it needs."""

    def __init__(self, missing: Sequence[Missing]) -> None:
        super().__init__("; ".join(m.en for m in missing))
        self.missing = tuple(missing)


def blocking(findings: Sequence[Finding], explained: Mapping[str, str]) -> list[Finding]:
    """The findings that block closing: serious enough and not explained."""
    return [
        f
        for f in findings
        if f.severity in BLOCKING and f.kind not in GATE_KINDS and f.rule not in explained
    ]


def may_verify(person: Person, case: Case) -> bool:
    """A department head (or a chief) or a senior prosecutor, never the handler (复核)."""
    if person.id == case.handler:
        return False
    return person.role in VERIFIER_ROLES or (person.role is Role.PROSECUTOR and person.senior)


def answer_reason(event: Event) -> str | None:
    """The decline reason of an answer, "" for an acceptance, None when the note is neither."""
    note = (event.note or "").strip()
    if note == ACCEPTED:
        return ""
    if note.startswith(DECLINED) and note[len(DECLINED) :].strip():
        return note[len(DECLINED) :].strip()
    return None


def unanswered_opinions(case: Case) -> list[dt.date]:
    """Opinion days without a valid answer (accepted, or declined with a reason) on or after."""
    answers = sorted(
        e.on
        for e in case.events_of(EventType.CONSULTATION_ANSWERED)
        if answer_reason(e) is not None
    )
    open_: list[dt.date] = []
    for day in sorted(e.on for e in case.events_of(EventType.CONSULTATION_OPINION)):
        match = next((a for a in answers if a >= day), None)
        if match is None:
            open_.append(day)
        else:
            answers.remove(match)
    return open_


def _self_check_missing(
    case: Case, check: SelfCheckRecord | None, current: Sequence[Finding]
) -> list[Missing]:
    if check is None:
        return [Missing("self_check", "承办人尚未自检", "the handler has not run the self-check")]
    out = []
    for f in blocking(current, check.explained):
        out.append(
            Missing(
                f"finding:{f.rule}",
                f"自检问题未纠正或说明：{f.explanation}（{f.severity}）",
                f"unresolved finding {f.rule} ({f.kind}): correct it or explain it",
            )
        )
    return out


def _verification_missing(case: Case, people: Mapping[str, Person]) -> list[Missing]:
    """A verification recorded after the last self-check (events keep the order they happened)."""
    last_check = max(
        (i for i, e in enumerate(case.events) if e.type is EventType.SELF_CHECK), default=-1
    )
    for e in case.events[last_check + 1 :]:
        person = people.get(e.by or "")
        if e.type is EventType.VERIFICATION and person and may_verify(person, case):
            return []
    return [
        Missing(
            "verification",
            "尚无部门负责人或资深检察官在自检后的复核",
            "no verification by a department head or senior prosecutor after the self-check",
        )
    ]


def _consultation_missing(case: Case) -> list[Missing]:
    return [
        Missing(
            f"consultation:{day.isoformat()}",
            f"{day.isoformat()} 的会诊意见尚未采纳或不采纳（不采纳须说明理由）",
            f"the consultation opinion of {day.isoformat()} is neither accepted nor declined with a reason",
        )
        for day in unanswered_opinions(case)
    ]


def close_missing(
    case: Case,
    check: SelfCheckRecord | None,
    current: Sequence[Finding],
    people: Mapping[str, Person],
) -> list[Missing]:
    """Everything that stands between the case and closing (审结/办结)."""
    if case.closed_on is not None:
        return [Missing("closed", "案件已办结", "the case is already closed")]
    out = []
    if case.decision is None:
        out.append(Missing("decision", "尚未作出审查结论", "no decision has been recorded"))
    out += _self_check_missing(case, check, current)
    out += _verification_missing(case, people)
    out += _consultation_missing(case)
    return out


def archive_missing(
    case: Case,
    check: SelfCheckRecord | None,
    current: Sequence[Finding],
    people: Mapping[str, Person],
) -> list[Missing]:
    """Everything that stands between the case and archiving (归档): closed, and the gates."""
    if case.archived_on is not None:
        return [Missing("archived", "案件已归档", "the case is already archived")]
    out = []
    if case.closed_on is None:
        out.append(Missing("not_closed", "案件尚未办结", "the case is not closed"))
    out += _self_check_missing(case, check, current)
    out += _verification_missing(case, people)
    out += _consultation_missing(case)
    return out
