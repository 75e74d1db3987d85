"""The platform's core entities: units, people and cases (format v1's meaning, not its layout).

Plain immutable values, standard library only: frozen dataclasses, and named tuples for the
many small parts of a case (suspects, victims, events, documents), which are five times cheaper
to build — the import builds millions of them. Lists are tuples so that a case is a value.
The names follow docs/glossary.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class UnitLevel(StrEnum):
    SUPREME = "supreme"  # 最高人民检察院
    PROVINCIAL = "provincial"  # 省级院
    MUNICIPAL = "municipal"  # 市级院 / 分院
    BASIC = "basic"  # 基层院


class Role(StrEnum):
    CHIEF = "chief"  # 检察长
    DEPUTY_CHIEF = "deputy_chief"  # 副检察长
    DEPARTMENT_HEAD = "department_head"  # 部门负责人
    PROSECUTOR = "prosecutor"  # 检察官
    ASSISTANT = "assistant"  # 检察官助理
    CLERK = "clerk"  # 书记员
    CASE_OFFICER = "case_officer"  # 案管人员
    INSPECTOR = "inspector"  # 检务督察


class CaseCategory(StrEnum):
    ARREST_REVIEW = "arrest_review"  # 审查逮捕
    PROSECUTION_REVIEW = "prosecution_review"  # 审查起诉
    CIVIL_SUPERVISION = "civil_supervision"  # 民事诉讼监督
    ADMIN_SUPERVISION = "admin_supervision"  # 行政诉讼监督
    PUBLIC_INTEREST = "public_interest"  # 公益诉讼
    CRIMINAL_SUPERVISION = "criminal_supervision"  # 刑事诉讼监督
    COMPLAINT = "complaint"  # 控告申诉


class CaseSource(StrEnum):
    TRANSFERRED = "transferred"  # 依程序移送
    APPLICATION = "application"  # 依申请
    SELF_DISCOVERED = "self_discovered"  # 主动发现


class AssignmentMode(StrEnum):
    RANDOM = "random"  # 随机分案
    DESIGNATED = "designated"  # 指定分案


class Disability(StrEnum):
    BLIND = "blind"
    DEAF = "deaf"
    MUTE = "mute"
    MENTAL = "mental"


class EventType(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    COUNSEL_NOTIFIED = "counsel_notified"  # 刑诉法 第34条
    VICTIM_NOTIFIED = "victim_notified"  # 刑诉法 第46条
    LEGAL_AID_REQUESTED = "legal_aid_requested"  # 刑诉法 第35条
    QUESTIONED = "questioned"
    RETURNED_FOR_INVESTIGATION = "returned_for_investigation"  # 退回补充侦查
    RETRANSFERRED = "retransferred"
    EXTENSION_APPROVED = "extension_approved"
    CUSTODY_CHANGED = "custody_changed"
    FAMILY_NOTIFIED = "family_notified"  # 刑诉法 第93条
    CONSULTATION_OPINION = "consultation_opinion"  # 线上会诊
    CONSULTATION_ANSWERED = "consultation_answered"
    SELF_CHECK = "self_check"
    VERIFICATION = "verification"
    APPROVAL = "approval"
    DECIDED = "decided"
    CLOSED = "closed"
    ARCHIVED = "archived"


class DecisionType(StrEnum):
    APPROVE_ARREST = "approve_arrest"  # 批准逮捕
    DENY_ARREST = "deny_arrest"  # 不批准逮捕
    PROSECUTE = "prosecute"  # 提起公诉
    NOT_PROSECUTE = "not_prosecute"  # 不起诉
    TRANSFER = "transfer"  # 移送
    PROTEST = "protest"  # 抗诉
    RECOMMENDATION = "recommendation"  # 检察建议
    NO_SUPERVISION = "no_supervision"  # 不支持监督申请
    FILE_SUIT = "file_suit"  # 提起诉讼


class NonProsecutionGround(StrEnum):
    STATUTORY = "statutory"  # 法定不起诉
    DISCRETIONARY = "discretionary"  # 酌定不起诉
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"  # 存疑不起诉


class OutcomeType(StrEnum):
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"  # 无罪判决
    EXEMPTED = "exempted"  # 免予刑事处罚
    WITHDRAWN = "withdrawn"  # 撤回起诉
    RETURNED_BY_COURT = "returned_by_court"


# Which decisions belong to which category (case-records-v1, "decision").
DECISIONS_BY_CATEGORY: dict[CaseCategory, frozenset[DecisionType]] = {
    CaseCategory.ARREST_REVIEW: frozenset({DecisionType.APPROVE_ARREST, DecisionType.DENY_ARREST}),
    CaseCategory.PROSECUTION_REVIEW: frozenset(
        {DecisionType.PROSECUTE, DecisionType.NOT_PROSECUTE, DecisionType.TRANSFER}
    ),
}
SUPERVISION_DECISIONS = frozenset(
    {
        DecisionType.PROTEST,
        DecisionType.RECOMMENDATION,
        DecisionType.NO_SUPERVISION,
        DecisionType.FILE_SUIT,
    }
)


def decisions_allowed(category: CaseCategory) -> frozenset[DecisionType]:
    """The decision types a case of this category may conclude with."""
    return DECISIONS_BY_CATEGORY.get(category, SUPERVISION_DECISIONS)


@dataclass(frozen=True, slots=True)
class Unit:
    """A procuratorate (人民检察院); units form a tree through ``parent``."""

    code: str
    name: str
    level: UnitLevel
    parent: str | None


@dataclass(frozen=True, slots=True)
class Person:
    """A member of staff."""

    id: str
    name: str
    unit: str
    department: str
    role: Role
    in_quota: bool  # 员额检察官
    senior: bool  # 资深检察官


class Suspect(NamedTuple):
    id: str
    name: str
    birth_date: dt.date
    in_custody: bool  # at receipt
    minor: bool
    disability: Disability | None
    has_counsel: bool
    plea_leniency: bool  # 认罪认罚
    fast_track: bool  # 速裁
    likely_sentence_months: int | None


class Victim(NamedTuple):
    id: str
    name: str


class Event(NamedTuple):
    type: EventType
    on: dt.date
    by: str | None  # staff id
    party: str | None  # suspect or victim id
    note: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    type: DecisionType
    on: dt.date
    by: str
    approved_by: str | None
    ground: NonProsecutionGround | None = None  # only for not_prosecute


@dataclass(frozen=True, slots=True)
class Outcome:
    type: OutcomeType
    on: dt.date
    sentence_months: int | None
    recommendation_months: int | None
    recommendation_accepted: bool | None
    appealed: bool
    charge_changed: bool


class Document(NamedTuple):
    type: str  # open vocabulary: indictment, non_prosecution_decision, … (see glossary)
    no: str | None
    issued_on: dt.date
    text: str | None


@dataclass(frozen=True, slots=True)
class Case:
    """One matter handled by one unit in one procedural stage (案件), with its case card (案卡)."""

    case_id: str
    unified_no: str
    unit: str
    department: str
    category: CaseCategory
    source: CaseSource
    received_on: dt.date
    handler: str
    assigned_on: dt.date
    assignment: AssignmentMode
    major_complex: bool
    charges: tuple[str, ...] = ()
    suspects: tuple[Suspect, ...] = ()
    victims: tuple[Victim, ...] = ()
    events: tuple[Event, ...] = ()
    decision: Decision | None = None
    outcome: Outcome | None = None
    documents: tuple[Document, ...] = ()
    closed_on: dt.date | None = None
    archived_on: dt.date | None = None

    def events_of(self, kind: EventType) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.type is kind)

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


@dataclass(frozen=True, slots=True)
class DataSet:
    """The organisation part of a data set: small enough to hold whole (cases are streamed)."""

    units: tuple[Unit, ...]
    people: tuple[Person, ...]
    unit_codes: frozenset[str] = field(init=False)
    person_ids: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_codes", frozenset(u.code for u in self.units))
        object.__setattr__(self, "person_ids", frozenset(p.id for p in self.people))
