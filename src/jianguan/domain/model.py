"""The platform's core entities: units, people and cases (format v1's meaning, not its layout).

Plain immutable values, standard library only: frozen dataclasses, and named tuples for the
many small parts of a case (suspects, victims, events, documents), which are five times cheaper
to build — the import builds millions of them. Lists are tuples so that a case is a value.
The names follow docs/glossary.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from jianguan.domain.vocabulary import Vocabulary


class UnitLevel(Vocabulary):
    SUPREME = "supreme", "最高人民检察院", "supreme"
    PROVINCIAL = "provincial", "省级院", "provincial"
    MUNICIPAL = "municipal", "市级院", "municipal"
    BASIC = "basic", "基层院", "basic"


class Role(Vocabulary):
    CHIEF = "chief", "检察长", "chief prosecutor"
    DEPUTY_CHIEF = "deputy_chief", "副检察长", "deputy chief prosecutor"
    DEPARTMENT_HEAD = "department_head", "部门负责人", "department head"
    PROSECUTOR = "prosecutor", "检察官", "prosecutor"
    ASSISTANT = "assistant", "检察官助理", "prosecutor's assistant"
    CLERK = "clerk", "书记员", "clerk"
    CASE_OFFICER = "case_officer", "案管人员", "case officer"
    INSPECTOR = "inspector", "检务督察", "inspector"


class CaseCategory(Vocabulary):
    ARREST_REVIEW = "arrest_review", "审查逮捕", "arrest review"
    PROSECUTION_REVIEW = "prosecution_review", "审查起诉", "prosecution review"
    CIVIL_SUPERVISION = "civil_supervision", "民事诉讼监督", "civil supervision"
    ADMIN_SUPERVISION = "admin_supervision", "行政诉讼监督", "administrative supervision"
    PUBLIC_INTEREST = "public_interest", "公益诉讼", "public interest"
    CRIMINAL_SUPERVISION = "criminal_supervision", "刑事诉讼监督", "criminal supervision"
    COMPLAINT = "complaint", "控告申诉", "complaint"


class CaseSource(Vocabulary):
    TRANSFERRED = "transferred", "依程序移送", "transferred"
    APPLICATION = "application", "依申请", "on application"
    SELF_DISCOVERED = "self_discovered", "主动发现", "self-discovered"


class AssignmentMode(Vocabulary):
    RANDOM = "random", "随机分案", "random"
    DESIGNATED = "designated", "指定分案", "designated"


class Disability(Vocabulary):
    BLIND = "blind", "盲人", "blind"
    DEAF = "deaf", "聋人", "deaf"
    MUTE = "mute", "哑人", "mute"
    MENTAL = "mental", "精神病人", "mentally ill"


class EventType(Vocabulary):
    RECEIVED = "received", "受理", "received"
    ASSIGNED = "assigned", "分案", "assigned"
    COUNSEL_NOTIFIED = (
        "counsel_notified",
        "告知委托辩护人权利",
        "told of the right to a defender",
    )  # 刑诉法 第34条
    VICTIM_NOTIFIED = (
        "victim_notified",
        "告知被害人权利",
        "victim told of the right to an agent",
    )  # 第46条
    LEGAL_AID_REQUESTED = "legal_aid_requested", "通知法律援助", "legal aid requested"  # 第35条
    QUESTIONED = "questioned", "讯问", "questioned"
    RETURNED_FOR_INVESTIGATION = (
        "returned_for_investigation",
        "退回补充侦查",
        "returned for supplementary investigation",
    )
    RETRANSFERRED = "retransferred", "重新移送", "re-transferred"
    EXTENSION_APPROVED = "extension_approved", "批准延长", "extension approved"
    CUSTODY_CHANGED = "custody_changed", "变更强制措施", "coercive measure changed"
    FAMILY_NOTIFIED = "family_notified", "通知家属", "family notified"  # 刑诉法 第93条
    CONSULTATION_OPINION = "consultation_opinion", "会诊意见", "consultation opinion"  # 线上会诊
    CONSULTATION_ANSWERED = "consultation_answered", "答复会诊意见", "consultation answered"
    SELF_CHECK = "self_check", "自检", "self-check"
    VERIFICATION = "verification", "复核", "verification"
    APPROVAL = "approval", "审批", "approval"
    DECIDED = "decided", "作出决定", "decided"
    CLOSED = "closed", "办结", "closed"
    ARCHIVED = "archived", "归档", "archived"
    # format 1.1 (docs/format.md)
    ARREST_EXECUTED = "arrest_executed", "执行逮捕", "arrest executed"  # 刑诉法 第93条
    OPINION_HEARD = (
        "opinion_heard",
        "听取意见",
        "opinion heard",
    )  # 第173条; party = the suspect (its defender or duty lawyer heard) or the victim
    NECESSITY_APPLIED = (
        "necessity_applied",
        "申请羁押必要性审查",
        "custody-necessity review applied for",
    )  # 第95条
    NECESSITY_ANSWERED = (
        "necessity_answered",
        "答复羁押必要性审查申请",
        "custody-necessity application answered",
    )
    GUARDIAN_PRESENT = (
        "guardian_present",
        "法定代理人或合适成年人到场",
        "legal representative or appropriate adult present",
    )  # 第281条
    PUBLIC_INTEREST_NOTICE = (
        "public_interest_notice",
        "发出诉前检察建议或公告",
        "pre-litigation recommendation or notice issued",
    )
    PUBLIC_INTEREST_REPLY = (
        "public_interest_reply",
        "诉前检察建议回复",
        "pre-litigation reply received",
    )
    # format 1.2 (docs/format.md)
    PLEA_OBJECTION = (
        "plea_objection",
        "法定代理人、辩护人对未成年人认罪认罚有异议",
        "legal representative or defender objects to a minor's plea",
    )  # 刑诉法 第174条第2款第2项; party = the minor suspect


class SentenceBand(Vocabulary):
    """The likely sentence as a band (format 1.1 ``likely_sentence``): unlike a number of months
    it can say life imprisonment or death (刑法 第45、46、48条)."""

    UP_TO_1Y = "up_to_1y", "一年以下有期徒刑、拘役或管制", "up to one year"
    FROM_1Y_TO_3Y = "1y_to_3y", "一年以上三年以下有期徒刑", "one to three years"
    FROM_3Y_TO_10Y = "3y_to_10y", "三年以上十年以下有期徒刑", "three to ten years"
    OVER_10Y = "over_10y", "十年以上有期徒刑", "over ten years"
    LIFE = "life", "无期徒刑", "life imprisonment"
    DEATH = "death", "死刑", "death"

    @classmethod
    def of_months(cls, months: int | None) -> SentenceBand | None:
        """The band a number of months falls in (None for None); never life or death."""
        if months is None:
            return None
        if months <= 12:
            return cls.UP_TO_1Y
        if months <= 36:
            return cls.FROM_1Y_TO_3Y
        if months <= 120:
            return cls.FROM_3Y_TO_10Y
        return cls.OVER_10Y


class DecisionType(Vocabulary):
    APPROVE_ARREST = "approve_arrest", "批准逮捕", "arrest approved"
    DENY_ARREST = "deny_arrest", "不批准逮捕", "arrest denied"
    # format 1.2: the procuratorate's own arrest decision (决定逮捕) in a case it investigates or
    # that a supervisory commission transferred (刑诉法 第165条、第170条第2款; 监察法 第47条)
    ARREST_DECIDED = "arrest_decided", "决定逮捕", "arrest decided"
    PROSECUTE = "prosecute", "提起公诉", "prosecuted"
    NOT_PROSECUTE = "not_prosecute", "不起诉", "not prosecuted"
    TRANSFER = "transfer", "移送", "transferred"
    PROTEST = "protest", "抗诉", "protest"
    RECOMMENDATION = "recommendation", "检察建议", "procuratorial recommendation"
    NO_SUPERVISION = "no_supervision", "不支持监督申请", "supervision not supported"
    FILE_SUIT = "file_suit", "提起诉讼", "suit filed"


class NonProsecutionGround(Vocabulary):
    STATUTORY = "statutory", "法定不起诉", "statutory"
    DISCRETIONARY = "discretionary", "酌定不起诉", "discretionary"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", "存疑不起诉", "insufficient evidence"


class OutcomeType(Vocabulary):
    CONVICTED = "convicted", "有罪判决", "convicted"
    ACQUITTED = "acquitted", "无罪判决", "acquitted"
    EXEMPTED = "exempted", "免予刑事处罚", "exempted from punishment"
    WITHDRAWN = "withdrawn", "撤回起诉", "prosecution withdrawn"
    RETURNED_BY_COURT = "returned_by_court", "法院退回", "returned by the court"


class DocumentType(Vocabulary):
    """The legal documents the platform knows by name; ``Document.type`` stays open (a type not
    listed here is kept as it came and shown by its code)."""

    INDICTMENT = "indictment", "起诉书", "indictment"
    NON_PROSECUTION_DECISION = (
        "non_prosecution_decision",
        "不起诉决定书",
        "non-prosecution decision",
    )
    ARREST_APPROVAL = "arrest_approval", "批准逮捕决定书", "arrest approval"
    ARREST_DENIAL = "arrest_denial", "不批准逮捕决定书", "arrest denial"
    ARREST_DECISION = "arrest_decision", "逮捕决定书", "arrest decision"  # format 1.2, 决定逮捕
    COUNSEL_NOTICE = "counsel_notice", "权利义务告知书", "notice of the right to a defender"
    VICTIM_NOTICE = "victim_notice", "被害人诉讼权利告知书", "notice to the victim"
    LEGAL_AID_NOTICE = "legal_aid_notice", "提供法律援助通知书", "legal-aid notice"
    FAMILY_NOTICE = "family_notice", "逮捕通知书", "notice to the family"
    INVESTIGATION_OUTLINE = (
        "investigation_outline",
        "补充侦查提纲",
        "supplementary-investigation outline",
    )
    PLEA_STATEMENT = "plea_statement", "认罪认罚具结书", "plea statement"
    JUDGMENT = "judgment", "判决书", "judgment"
    REVIEW_REPORT = "review_report", "审查报告", "review report"
    CONSULTATION_OPINION = "consultation_opinion", "会诊意见书", "consultation opinion"
    NO_SUPERVISION_DECISION = (
        "no_supervision_decision",
        "不支持监督申请决定书",
        "decision not to support supervision",
    )
    STATE_COMPENSATION_DECISION = (
        "state_compensation_decision",
        "国家赔偿决定书",
        "state compensation decision",
    )


def document_label(doc_type: str, lang: str = "zh") -> str:
    """A document type's name (its code when the platform does not know the type)."""
    known = DocumentType.parse(doc_type)
    return known.label(lang) if known is not None else doc_type


# Which decisions belong to which category (case-records-v1, "decision").
DECISIONS_BY_CATEGORY: dict[CaseCategory, frozenset[DecisionType]] = {
    CaseCategory.ARREST_REVIEW: frozenset(
        {DecisionType.APPROVE_ARREST, DecisionType.DENY_ARREST, DecisionType.ARREST_DECIDED}
    ),
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


# Keys a record carries that the format does not define (format 1.2): kept beside the object and
# written back on export, so that a round trip through the platform loses nothing. The text is
# the canonical JSON of an object (sorted keys); the domain never reads it.
Extra = str | None


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
    likely_sentence: SentenceBand | None = None  # format 1.1; may say life or death
    extra: Extra = None

    def sentence_band(self) -> SentenceBand | None:
        """The band given, else the band of ``likely_sentence_months`` (a 1.0 record)."""
        if self.likely_sentence is not None:
            return self.likely_sentence
        return SentenceBand.of_months(self.likely_sentence_months)


class Victim(NamedTuple):
    id: str
    name: str
    extra: Extra = None


class Event(NamedTuple):
    type: EventType
    on: dt.date
    by: str | None  # staff id
    party: str | None  # suspect or victim id
    note: str | None
    at: dt.datetime | None = None  # format 1.1: the time, with its UTC offset, where known
    extra: Extra = None


@dataclass(frozen=True, slots=True)
class Decision:
    type: DecisionType
    on: dt.date
    by: str
    approved_by: str | None
    ground: NonProsecutionGround | None = None  # only for not_prosecute
    extra: Extra = None


@dataclass(frozen=True, slots=True)
class Outcome:
    type: OutcomeType
    on: dt.date
    sentence_months: int | None
    recommendation_months: int | None
    recommendation_accepted: bool | None
    appealed: bool
    charge_changed: bool
    extra: Extra = None


class Document(NamedTuple):
    type: str  # open vocabulary: indictment, non_prosecution_decision, … (see glossary)
    no: str | None
    issued_on: dt.date
    text: str | None
    extra: Extra = None


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
    extra: Extra = None

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
