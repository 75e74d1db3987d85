"""The JSON API's shapes (pydantic): the OpenAPI document and schemathesis are built on them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from jianguan.domain.ledger import LedgerAction, LedgerStatus, Level
from jianguan.domain.model import CaseCategory, CaseSource, DecisionType, EventType
from jianguan.domain.monitoring import FindingKind, Severity


class Me(BaseModel):
    username: str
    person_id: str
    name: str
    role: str
    unit: str
    units_in_scope: int
    own_cases_by_default: bool
    csrf: str


class LoginIn(BaseModel):
    username: str
    password: str


class CaseOut(BaseModel):
    case_id: str
    unified_no: str
    unit: str
    department: str
    category: CaseCategory
    received_on: dt.date
    handler: str
    decision_type: DecisionType | None
    closed_on: dt.date | None


class CasePage(BaseModel):
    items: list[CaseOut]
    next: str | None  # pass as ?after= for the next page


class EventOut(BaseModel):
    type: EventType
    on: dt.date
    by: str | None
    party: str | None
    note: str | None


class DocumentOut(BaseModel):
    type: str
    no: str | None
    issued_on: dt.date
    excerpt: str | None


class SuspectOut(BaseModel):
    id: str
    name: str
    in_custody: bool
    minor: bool
    has_counsel: bool
    plea_leniency: bool
    fast_track: bool


class PeriodOut(BaseModel):
    period: str
    title: str
    start: dt.date
    length: str
    conditions: list[str]
    raw_end: dt.date
    due: dt.date
    moved_from: dt.date | None
    in_custody: bool
    provisional: bool
    done_on: dt.date | None  # the decision or the last party told; None while open
    days_left: int | None  # while open: days to the due date (negative: overdue)
    days_late: int | None  # once done: days after the due date (0: in time)
    basis: list[str]
    steps: list[str]


class FindingOut(BaseModel):
    case_id: str
    rule: str
    title: str
    kind: FindingKind
    severity: Severity
    due: dt.date | None
    days_left: int | None
    basis: list[str]
    explanation: str
    unit: str


class StepOut(BaseModel):
    """A step taken on a ledger entry by hand (反馈 / 纠正 / 关闭 / 撤销 / 升级), with its reason."""

    action: LedgerAction
    by: str
    on: dt.date
    reason: str


class LedgerOut(FindingOut):
    days_late: int | None = None  # the case is decided/closed: days late on that day (0: in time)
    done_on: dt.date | None = None  # the case's decision (or closing); None while open
    status: LedgerStatus
    escalation: Level
    first_found: dt.date
    last_found: dt.date
    notified_on: dt.date | None
    resolved_on: dt.date | None
    may_escalate: bool  # a hand may raise it a level now (domain.ledger.may_escalate)
    may_answer: bool = False  # feedback / correction / closing by hand may be given now
    may_undo: bool = False  # the last step (a resolution by hand) may be undone
    steps: list[StepOut] = []  # the steps by hand with their reasons, oldest first
    resolved_by_monitor: bool = False  # the last resolution was the monitor's, not a hand's


class LedgerPage(BaseModel):
    items: list[LedgerOut]
    next: str | None  # pass as ?after= (case_id|rule) for the next page


class ReadOut(BaseModel):
    person: str
    via: str
    at: dt.datetime


class MissingOut(BaseModel):
    """One thing a gate still needs (每案必检, consultation answers, approvals)."""

    code: str
    zh: str
    en: str


class SelfCheckRecordOut(BaseModel):
    by: str
    at: dt.datetime
    findings: int
    explained: list[str]


class EntryAnswerIn(BaseModel):
    outcome: Literal["feedback", "corrected", "closed", "undo"]
    reason: str = Field("", max_length=2000)  # required except for undo


class AnswerIn(BaseModel):
    accept: bool
    reason: str | None = None  # required when declining


class CaseDetail(BaseModel):
    case: CaseOut
    source: CaseSource
    assigned_on: dt.date
    major_complex: bool
    charges: list[str]
    suspects: list[SuspectOut]
    parties: dict[str, str] = {}  # suspect and victim ids → names (the timeline's parties)
    events: list[EventOut]
    documents: list[DocumentOut]
    periods: list[PeriodOut]
    findings: list[LedgerOut]
    gate: str  # close | archive | done: which gate the case stands before
    gate_missing: list[MissingOut]  # empty: the case may pass it
    last_self_check: SelfCheckRecordOut | None
    unanswered_opinions: list[dt.date]  # 会诊意见 without an answer
    as_of: dt.date


class SelfCheckOut(BaseModel):
    case_id: str
    as_of: dt.date
    recorded: bool  # the handler's own check is recorded (每案必检); anyone else's is a preview
    findings: list[FindingOut]


class DashboardOut(BaseModel):
    as_of: dt.date
    mine: bool
    open_cases: int
    alerts_by_severity: dict[str, int]
    alerts_by_escalation: dict[str, int]
    due_soon: int
