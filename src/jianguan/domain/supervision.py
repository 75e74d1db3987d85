"""Major supervision matters handled as cases (重大监督事项案件化办理).

A lead (监督线索) pushed by a big-data supervision model (大数据法律监督模型) is received (受理),
screened (初查) and, when it holds, registered as a matter (立案) with a handler drawn by the
assignment rules of cases. The matter is worked with recorded review, investigation and inquiry
steps (三查融合: 审查、调查、询问), decided (纠正违法通知, 检察建议, 立案监督, 抗诉, 再审检察建议,
移送线索, or 不予监督 with its reason), followed up when the reply of the body supervised is
missing or rejected (跟进监督), and closed (办结) behind the 每案必检 gate.

The stages: 受理 → 初查 → 立案 → 办理 → 决定 → 跟进监督 → 办结. A lead holds the first two; the
matter the rest. Periods (the reply a 检察建议 or a 纠正违法通知 asks for, the handling period) and
the monitoring rules over matters are data (``rules/supervision.toml``), each citing its basis;
an article this project could not verify says so in its basis. Pure: standard library only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.gates import VERIFIER_ROLES, Missing
from jianguan.domain.model import Person, Role
from jianguan.domain.monitoring import Finding, FindingKind, Severity, working_day_after
from jianguan.domain.periods import add_days, add_months_civil
from jianguan.domain.vocabulary import Vocabulary


class Line(Vocabulary):
    """The procuratorial line (四大检察) a lead belongs to; it chooses the department."""

    CRIMINAL = "criminal", "刑事检察", "criminal"
    CIVIL = "civil", "民事检察", "civil"
    ADMINISTRATIVE = "administrative", "行政检察", "administrative"
    PUBLIC_INTEREST = "public_interest", "公益诉讼检察", "public interest"


class LeadStatus(Vocabulary):
    RECEIVED = "received", "受理", "received"
    SCREENING = "screening", "初查", "under screening"
    REGISTERED = "registered", "已立案", "registered as a matter"
    DROPPED = "dropped", "初查后不予立案", "dropped after screening"
    DUPLICATE = "duplicate", "重复线索", "duplicate"


class Stage(Vocabulary):
    """Where a lead or matter stands (the state machine's states)."""

    RECEIVED = "received", "受理", "received"
    SCREENING = "screening", "初查", "screening"
    REGISTERED = "registered", "立案", "registered"
    HANDLING = "handling", "办理", "handling"
    DECIDED = "decided", "决定", "decided"
    FOLLOW_UP = "follow_up", "跟进监督", "follow-up supervision"
    CLOSED = "closed", "办结", "closed"


class StepKind(Vocabulary):
    """三查融合: the three ways a lead is verified, used together."""

    REVIEW = "review", "审查", "review"
    INVESTIGATION = "investigation", "调查", "investigation"
    INQUIRY = "inquiry", "询问", "inquiry"


class MatterDecision(Vocabulary):
    CORRECTION_NOTICE = "correction_notice", "纠正违法通知", "notice to correct a violation"
    RECOMMENDATION = "recommendation", "检察建议", "procuratorial recommendation"
    FILING_SUPERVISION = "filing_supervision", "立案监督", "case-filing supervision"
    PROTEST = "protest", "抗诉", "protest"
    RETRIAL_RECOMMENDATION = "retrial_recommendation", "再审检察建议", "retrial recommendation"
    REFER_CLUE = "refer_clue", "移送线索", "lead referred on"
    NO_SUPERVISION = "no_supervision", "不予监督", "no supervision"


class ReplyOutcome(Vocabulary):
    ADOPTED = "adopted", "采纳（已纠正）", "adopted (corrected)"
    REJECTED = "rejected", "不采纳", "rejected"


class MeetingKind(Vocabulary):
    JOINT = "joint", "检察官联席会议", "prosecutors' joint meeting"
    COMMITTEE = "committee", "检察委员会", "procuratorial committee"


class MatterEventType(Vocabulary):
    """What the timeline of a matter shows (each also an audit entry)."""

    RECEIVED = "received", "受理线索", "lead received"
    SCREENED = "screened", "初查", "screened"
    REGISTERED = "registered", "立案", "registered"
    ASSIGNED = "assigned", "分案", "assigned"
    STEP = "step", "办理步骤", "step"
    MEETING = "meeting", "会议讨论", "meeting"
    DECIDED = "decided", "作出监督决定", "decided"
    SERVED = "served", "送达", "document served"
    REPLY = "reply", "收到回复", "reply received"
    FOLLOW_UP_OPENED = "follow_up_opened", "启动跟进监督", "follow-up opened"
    FOLLOW_UP_CLOSED = "follow_up_closed", "跟进监督完成", "follow-up closed"
    CASE_LINKED = "case_linked", "关联案件", "case linked"
    SELF_CHECK = "self_check", "自检", "self-check"
    VERIFICATION = "verification", "复核", "verification"
    CLOSED = "closed", "办结", "closed"


# Decisions that send a document to a body and wait for its answer (回复).
AWAITS_REPLY = frozenset(
    {
        MatterDecision.CORRECTION_NOTICE,
        MatterDecision.RECOMMENDATION,
        MatterDecision.FILING_SUPERVISION,
        MatterDecision.RETRIAL_RECOMMENDATION,
    }
)
# Decisions that act on the lead: they need the facts verified by recorded steps first.
NEEDS_STEPS = frozenset(set(MatterDecision) - {MatterDecision.NO_SUPERVISION})
# Reasons a decision may give instead of steps (不予监督 still needs its reason, see ``decide``).


# -- leads --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lead:
    """A supervision lead as a model pushed it (docs/supervision.md, the lead format)."""

    lead_id: str
    model: str  # the supervision model's name (模型名称)
    rule: str  # the model's rule that fired (规则)
    unit: str  # the procuratorate the lead is pushed to (unit code)
    line: Line
    target: str  # the body concerned (被监督单位)
    received_on: dt.date
    summary: str
    facts: Mapping[str, str]  # the facts it rests on (名称 → 值)
    records: tuple[str, ...]  # the records it rests on (case ids, document numbers, …)
    department: str | None = None  # when the model names it; else by the line
    status: LeadStatus = LeadStatus.RECEIVED
    note: str | None = None  # the screening's note, or the reason it was dropped
    matter_id: str | None = None
    duplicate_of: str | None = None

    @property
    def key(self) -> str:
        return lead_key(self.model, self.rule, self.unit, self.target, self.facts)


def lead_key(model: str, rule: str, unit: str, target: str, facts: Mapping[str, str]) -> str:
    """The dedupe key: the same model, rule, unit, body and facts are the same lead, whatever
    the id or the order of the facts a model sends it with."""
    body = json.dumps(
        [model.strip(), rule.strip(), unit, target.strip(), sorted(facts.items())],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


# -- matters --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatterEvent:
    type: MatterEventType
    on: dt.date
    by: str | None
    kind: str | None = None  # a step's StepKind, a meeting's MeetingKind, a decision, a reply
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Matter:
    """A supervision matter (监督事项): registered from one lead, handled as a case."""

    matter_id: str
    lead_id: str
    unit: str
    department: str
    model: str
    rule: str
    line: Line
    target: str
    title: str
    registered_on: dt.date
    handler: str
    major: bool = False
    events: tuple[MatterEvent, ...] = ()
    decision: MatterDecision | None = None
    decided_on: dt.date | None = None
    decision_reason: str | None = None  # 不予监督's reason; the document's gist otherwise
    document_no: str | None = None
    reply_due: dt.date | None = None
    reply_on: dt.date | None = None
    reply_outcome: ReplyOutcome | None = None
    case_id: str | None = None  # the case the matter produced (linked both ways)
    closed_on: dt.date | None = None

    def of(self, kind: MatterEventType) -> list[MatterEvent]:
        return [e for e in self.events if e.type is kind]

    @property
    def steps(self) -> list[MatterEvent]:
        return self.of(MatterEventType.STEP)

    @property
    def follow_up_open(self) -> bool:
        """A follow-up was opened and not yet closed."""
        return len(self.of(MatterEventType.FOLLOW_UP_OPENED)) > len(
            self.of(MatterEventType.FOLLOW_UP_CLOSED)
        )

    @property
    def stage(self) -> Stage:
        return stage_of(self)


def stage_of(m: Matter) -> Stage:
    if m.closed_on is not None:
        return Stage.CLOSED
    if m.follow_up_open:
        return Stage.FOLLOW_UP
    if m.decision is not None:
        return Stage.DECIDED
    if m.steps or m.of(MatterEventType.MEETING):
        return Stage.HANDLING
    return Stage.REGISTERED


def with_event(m: Matter, event: MatterEvent, **changes: object) -> Matter:
    """The matter with ``event`` on its timeline (kept in the order things happened)."""
    events = tuple(sorted((*m.events, event), key=lambda e: e.on))
    return dataclasses.replace(m, events=events, **changes)  # type: ignore[arg-type]


# -- meetings --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opinion:
    member: str  # staff id
    text: str


@dataclass(frozen=True, slots=True)
class Meeting:
    """A joint meeting or committee discussion on record (who asked, the question, who was
    there, what each said, what was concluded). ``subject`` is a matter id or a case id."""

    meeting_id: str
    subject: str
    subject_kind: str  # matter | case
    kind: MeetingKind
    asked_by: str
    question: str
    held_on: dt.date
    members: tuple[str, ...]
    opinions: tuple[Opinion, ...]
    conclusion: str
    decision: str | None  # the decision it concluded on (a MatterDecision or DecisionType code)
    recorded_by: str


def meeting_problems(m: Meeting, people: Mapping[str, Person]) -> list[Missing]:
    """What a meeting record lacks to count as one (an empty list when it is complete)."""
    out: list[Missing] = []
    if not m.question.strip():
        out.append(Missing("question", "未写明讨论的问题", "the question is missing"))
    if not m.conclusion.strip():
        out.append(Missing("conclusion", "未写明会议结论", "the conclusion is missing"))
    if len(set(m.members)) < 2:
        out.append(Missing("members", "出席人员少于二人", "fewer than two members present"))
    unknown = sorted(p for p in {*m.members, m.asked_by} if p not in people)
    if unknown:
        out.append(
            Missing(
                "people",
                f"不在人员名单中：{'、'.join(unknown)}",
                f"not in the staff list: {', '.join(unknown)}",
            )
        )
    strangers = sorted({o.member for o in m.opinions} - set(m.members))
    if strangers:
        out.append(
            Missing(
                "opinions",
                f"发表意见者未列为出席人员：{'、'.join(strangers)}",
                f"opinions by people not listed present: {', '.join(strangers)}",
            )
        )
    silent = sorted(set(m.members) - {o.member for o in m.opinions if o.text.strip()})
    if silent:
        out.append(
            Missing(
                "opinions",
                f"出席人员未记录意见：{'、'.join(silent)}",
                f"no opinion recorded for: {', '.join(silent)}",
            )
        )
    return out


# -- the rules ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplyPeriod:
    """How long a decision's document gives the body to answer."""

    decision: MatterDecision
    months: int
    days: int
    basis: tuple[str, ...]
    note: str  # zh: what the period is, and how sure the citation is

    def due(self, start: dt.date) -> dt.date:
        # Counted from the day the body received the document (检察建议工作规定 2019 and 解释
        # 第21条: "自收到检察建议书之日起"); until a service is recorded, from the day it was
        # issued (never later than the law's day). Civil month rule; not moved off a holiday
        # (a warning is better early than late).
        end = add_months_civil(start, self.months) if self.months else start
        return add_days(end, self.days)


@dataclass(frozen=True, slots=True)
class MatterRule:
    """One monitoring rule over matters: ``check`` names the code that applies it."""

    id: str
    title: str
    kind: FindingKind
    severity: Severity
    basis: tuple[str, ...]
    check: str
    explain: str  # zh template; {due} is the due date


MATTER_CHECKS = frozenset(
    {
        "reply_overdue",
        "reply_due_soon",
        "follow_up_missing",
        "decision_without_steps",
        "closed_open_follow_up",
        "meeting_missing",
        "handling_overdue",
    }
)


@dataclass(frozen=True, slots=True)
class Reservation:
    """A decision that must be discussed by a meeting of ``kind`` first (``major_only``: only in
    a major matter or case); ``subject`` is ``matter`` (a MatterDecision) or ``case``."""

    subject: str
    decision: str
    kind: MeetingKind
    major_only: bool
    basis: tuple[str, ...]

    def applies(self, subject: str, decision: str, major: bool) -> bool:
        return (
            self.subject == subject
            and self.decision in ("*", decision)
            and (major or not self.major_only)
        )


@dataclass(frozen=True, slots=True)
class SupervisionRules:
    reply: Mapping[MatterDecision, ReplyPeriod] = field(default_factory=dict)
    handling_months: int = 3
    handling_basis: tuple[str, ...] = ()
    warn_days: int = 5  # working days before a reply is due
    departments: Mapping[Line, str] = field(default_factory=dict)
    rules: tuple[MatterRule, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    verify_roles: frozenset[Role] = VERIFIER_ROLES

    def reserved(self, subject: str, decision: str, major: bool) -> Reservation | None:
        """The meeting a decision needs first (a committee before a joint meeting)."""
        found = [r for r in self.reservations if r.applies(subject, decision, major)]
        if not found:
            return None
        return min(found, key=lambda r: r.kind is not MeetingKind.COMMITTEE)

    def department(self, lead: Lead) -> str:
        return lead.department or self.departments.get(lead.line, "")

    def reply_due(self, decision: MatterDecision, issued: dt.date) -> dt.date | None:
        period = self.reply.get(decision)
        return period.due(issued) if period is not None else None

    def rule(self, rule_id: str) -> MatterRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def meeting_on_record(
    meetings: Sequence[Meeting], subject: str, res: Reservation, decision: str, by: dt.date | None
) -> bool:
    """A meeting of the reserved kind on ``subject``, concluded, held on or before ``by`` (any
    day when None), on this decision or on none in particular."""
    return any(
        x.kind is res.kind
        and x.subject == subject
        and x.conclusion.strip()
        and x.decision in (None, decision)
        and (by is None or x.held_on <= by)
        for x in meetings
    )


# -- checking a matter ---------------------------------------------------------------------------


def _meeting_held(m: Matter, meetings: Sequence[Meeting], res: Reservation, decision: str) -> bool:
    return meeting_on_record(meetings, m.matter_id, res, decision, m.decided_on)


def _check(
    rule: MatterRule,
    m: Matter,
    meetings: Sequence[Meeting],
    book: SupervisionRules,
    cal: WorkCalendar,
    as_of: dt.date,
) -> tuple[bool, dt.date | None]:
    c = rule.check
    if c == "reply_overdue":
        due = m.reply_due
        if due is None or m.decided_on is None or m.decided_on > as_of:
            return False, due
        late = m.reply_on > due if m.reply_on is not None else as_of > due
        return late, due
    if c == "reply_due_soon":
        due = m.reply_due
        if due is None or m.reply_on is not None or m.closed_on is not None or as_of > due:
            return False, due
        return due <= working_day_after(cal, as_of, book.warn_days), due
    if c == "follow_up_missing":
        # 跟进监督: a reply rejected, or none by the due day, and no follow-up opened since.
        due = m.reply_due
        if due is None or m.decision is None:
            return False, due
        rejected = m.reply_outcome is ReplyOutcome.REJECTED
        missing = m.reply_on is None and as_of > due
        if not (rejected or missing):
            return False, due
        return not m.of(MatterEventType.FOLLOW_UP_OPENED), due
    if c == "decision_without_steps":
        if m.decision is None or m.decision not in NEEDS_STEPS or m.decided_on is None:
            return False, None
        return not any(e.on <= m.decided_on for e in m.steps), m.decided_on
    if c == "closed_open_follow_up":
        return m.closed_on is not None and m.follow_up_open, m.closed_on
    if c == "meeting_missing":
        if m.decision is None:
            return False, None
        res = book.reserved("matter", m.decision.value, m.major)
        if res is None:
            return False, None
        return not _meeting_held(m, meetings, res, m.decision.value), m.decided_on
    if c == "handling_overdue":
        due = add_months_civil(m.registered_on, book.handling_months)
        decided = m.decided_on
        return (decided > due if decided is not None else as_of > due), due
    raise ValueError(f"unknown matter check {c!r}")


def explanation(rule: MatterRule, due: dt.date | None) -> str:
    return rule.explain.format(due=due.isoformat() if due else "")


def check_matter(
    m: Matter,
    meetings: Sequence[Meeting],
    book: SupervisionRules,
    cal: WorkCalendar,
    as_of: dt.date,
) -> list[Finding]:
    """Every finding on one matter as of ``as_of``; ``case_id`` is the matter id (the ledger's
    key), so the findings go into the same ledger as the cases'."""
    out = []
    for rule in book.rules:
        hit, due = _check(rule, m, meetings, book, cal, as_of)
        if hit:
            out.append(
                Finding(
                    m.matter_id,
                    rule.id,
                    rule.kind,
                    rule.severity,
                    due,
                    rule.basis,
                    explanation(rule, due),
                    m.unit,
                )
            )
    return sorted(out, key=lambda f: f.key)


# -- the gate -------------------------------------------------------------------------------------


def may_verify_matter(person: Person, m: Matter, roles: frozenset[Role]) -> bool:
    """A department head (or chief) or a senior prosecutor, never the handler (复核)."""
    if person.id == m.handler:
        return False
    return person.role in roles or (person.role is Role.PROSECUTOR and person.senior)


def close_missing(
    m: Matter,
    meetings: Sequence[Meeting],
    people: Mapping[str, Person],
    book: SupervisionRules,
) -> list[Missing]:
    """What stands between the matter and 办结: the decision and its steps, a settled reply
    (or a follow-up finished), a meeting the decision needs, and 每案必检 — a self-check by the
    handler with no blocking finding left, verified afterwards by someone else who may."""
    if m.closed_on is not None:
        return [Missing("closed", "监督事项已办结", "the matter is already closed")]
    out: list[Missing] = []
    if m.decision is None:
        out.append(Missing("decision", "尚未作出监督决定", "no decision has been recorded"))
    else:
        if m.decision in NEEDS_STEPS and not m.steps:
            out.append(
                Missing(
                    "steps",
                    "未记录审查、调查或询问步骤（三查融合）",
                    "no review, investigation or inquiry step is recorded",
                )
            )
        if (
            m.decision in AWAITS_REPLY
            and m.reply_on is None
            and not m.of(MatterEventType.FOLLOW_UP_CLOSED)
        ):
            out.append(
                Missing("reply", "尚未收到被监督单位的回复", "no reply from the body supervised")
            )
        if m.reply_outcome is ReplyOutcome.REJECTED and not m.of(MatterEventType.FOLLOW_UP_OPENED):
            out.append(
                Missing(
                    "follow_up",
                    "回复不采纳，尚未跟进监督",
                    "the reply rejected the decision and no follow-up was made",
                )
            )
        res = book.reserved("matter", m.decision.value, m.major)
        if res is not None and not _meeting_held(m, meetings, res, m.decision.value):
            out.append(
                Missing(
                    "meeting",
                    f"该决定须经{res.kind.zh}讨论，未见会议记录",
                    f"the decision needs a {res.kind.en} discussion on record",
                )
            )
    if m.follow_up_open:
        out.append(Missing("follow_up_open", "跟进监督尚未完成", "a follow-up is still open"))
    out += _self_check_missing(m, people, book)
    return out


def _self_check_missing(
    m: Matter, people: Mapping[str, Person], book: SupervisionRules
) -> list[Missing]:
    """每案必检 on a matter: the handler's self-check (what it would find is listed above as
    what the matter lacks), then a verification after it by someone who may verify."""
    out: list[Missing] = []
    checks = [i for i, e in enumerate(m.events) if e.type is MatterEventType.SELF_CHECK]
    if not checks:
        out.append(
            Missing("self_check", "承办人尚未自检", "the handler has not run the self-check")
        )
        return [
            *out,
            Missing(
                "verification",
                "尚无部门负责人或资深检察官在自检后的复核",
                "no verification by a department head or senior prosecutor after the self-check",
            ),
        ]
    after = m.events[checks[-1] + 1 :]
    verified = any(
        e.type is MatterEventType.VERIFICATION
        and e.by is not None
        and e.by in people
        and may_verify_matter(people[e.by], m, book.verify_roles)
        for e in after
    )
    if not verified:
        out.append(
            Missing(
                "verification",
                "尚无部门负责人或资深检察官在自检后的复核",
                "no verification by a department head or senior prosecutor after the self-check",
            )
        )
    return out


# -- indicators over leads and matters ------------------------------------------------------------


class MatterSet(Vocabulary):
    """The sets of rows the matter indicators count, each with its cohort date (归期)."""

    LEADS = "leads", "受理线索（推送日期）", "leads received (day received)"
    LEADS_REGISTERED = (
        "leads_registered",
        "已立案线索（推送日期）",
        "leads registered (day received)",
    )
    RECOMMENDATIONS = (
        "recommendations",
        "制发的检察建议（决定日期）",
        "recommendations (day decided)",
    )
    RECOMMENDATIONS_ADOPTED = (
        "recommendations_adopted",
        "被采纳的检察建议（决定日期）",
        "recommendations adopted (day decided)",
    )
    REPLIES_DUE = "replies_due", "期满或已回复的监督文书（回复期限）", "replies due (due day)"
    REPLIES_ON_TIME = (
        "replies_on_time",
        "按期回复的监督文书（回复期限）",
        "replies on time (due day)",
    )


# The set's rows are leads (drill to lead ids) or matters (drill to matter ids).
LEAD_SETS = frozenset({MatterSet.LEADS, MatterSet.LEADS_REGISTERED})
MATTER_DIMS = ("unit", "model", "year", "month")


@dataclass(frozen=True, slots=True)
class MatterIndicator:
    id: str
    zh: str
    en: str
    definition: str
    kind: str  # count | share
    numerator: MatterSet
    denominator: MatterSet | None
    basis: tuple[str, ...]

    def value(self, num: int, den: int) -> float | None:
        if self.kind == "count":
            return float(num)
        return num / den if den else None
