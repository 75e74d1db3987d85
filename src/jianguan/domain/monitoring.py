"""Flow monitoring (流程监控): rules as data, and their evaluation on one case (pure).

A rule names a generic *check* with parameters (``condition`` in ``rules/monitoring.toml``); the
same check types are compiled to set-based SQL for batch runs (``adapters.store.monitor_sql``),
and both read due dates from one ``DueBook`` built on the period engine, so the two agree.

Definitions (the same as ``jianguan.synth.defects``, which plants the defects we are measured on):

* A case is *in custody* when any suspect has ``in_custody``; *fast track* when all suspects
  are ``fast_track``; *over one year* when fast track and any ``likely_sentence_months`` > 12.
* The prosecution-review *base* is ``received_on`` or the last ``retransferred`` date; an
  ``extension_approved`` counts only if dated on or after the base. An undecided prosecution
  review whose last return has no later retransfer is with the investigators: its period is not
  running.
* ``when`` of a review is its decision date, or ``as_of`` while undecided.
* A notice duty is judged once ``as_of`` is past its due date: each party needs the event on or
  before the due date.
* An answered duty (``answered_within``: a return and its re-transfer, a custody-necessity
  application and its answer, a public-interest recommendation and its reply) runs from each
  asking event; the first answer for the same party on or after it counts, and with none the
  duty is broken once ``as_of`` is past the due date.
* ``notified_after_arrest`` (刑诉法 第93条): per suspect from its first arrest_executed (else the
  decision day), within 24 hours by the hour when the arrest and the notice both carry ``at``,
  else by the day; a notice noted 无法通知 excuses the suspect.
* ``heard_before_decision``: every party of a decided case needs the event (party = them) on or
  before the decision day; ``companion_same_day``: each event of one of the parties needs its
  companion event for the same party on the same day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.model import Case, EventType, SentenceBand
from jianguan.domain.periods import Derivation, PeriodDefinition, compute_due, due_date
from jianguan.domain.vocabulary import Vocabulary


class Severity(Vocabulary):
    """How grave a finding is (the codes are the Chinese words the rule packs use), in order."""

    MINOR = "情节轻微", "情节轻微", "minor"
    SERIOUS = "情节较重", "情节较重", "serious"
    GRAVE = "情节严重", "情节严重", "grave"
    VIOLATION = "涉嫌违法违纪", "涉嫌违法违纪", "suspected violation of law or discipline"

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self)


SEVERITIES: tuple[Severity, ...] = tuple(Severity)


class FindingKind(Vocabulary):
    """What can be wrong with a case (docs/format.md's defect vocabulary): the kind a rule finds,
    the kind the generator plants, the kind recall and precision are measured by."""

    REVIEW_OVERDUE = "review_overdue", "审查期限超期", "review period overdue"
    REVIEW_DUE_SOON = "review_due_soon", "审查期限临期", "review period ending soon"
    COUNSEL_NOTICE_LATE = "counsel_notice_late", "未按期告知委托辩护人权利", "counsel notice late"
    VICTIM_NOTICE_LATE = "victim_notice_late", "未按期告知被害人权利", "victim notice late"
    LEGAL_AID_MISSING = "legal_aid_missing", "应当通知法律援助而未通知", "legal aid not requested"
    RETURN_LIMIT_EXCEEDED = (
        "return_limit_exceeded",
        "退回补充侦查超过两次",
        "returned more than twice",
    )
    RETURN_OUTLINE_MISSING = (
        "return_outline_missing",
        "退回补充侦查未附提纲",
        "return without an outline",
    )
    EXTENSION_UNAPPROVED = "extension_unapproved", "延长审查期限未经批准", "extension not approved"
    APPROVAL_MISSING = "approval_missing", "应报请审批而未审批", "approval missing"
    PLEA_STATEMENT_MISSING = (
        "plea_statement_missing",
        "认罪认罚案件缺少具结书",
        "plea statement missing",
    )
    CHARGE_MISMATCH = (
        "charge_mismatch",
        "案卡罪名与起诉书不一致",
        "charges differ from the indictment",
    )
    DATE_MISMATCH = (
        "date_mismatch",
        "案卡决定日期与文书不一致",
        "decision date differs from the document",
    )
    NAME_MISMATCH = (
        "name_mismatch",
        "案卡犯罪嫌疑人与文书不一致",
        "suspect names differ from the document",
    )
    DOCUMENT_MISSING = "document_missing", "缺少决定所需文书", "document missing"
    DOCUMENT_NO_INVALID = "document_no_invalid", "文书编号不规范", "document number malformed"
    CARD_INCOMPLETE = "card_incomplete", "案卡填录不全", "case card incomplete"
    ARCHIVED_UNCHECKED = "archived_unchecked", "未经自检、复核即归档", "archived without the checks"
    CONSULTATION_UNANSWERED = (
        "consultation_unanswered",
        "会诊意见未答复即办结",
        "consultation opinion unanswered",
    )
    FAMILY_NOTICE_LATE = "family_notice_late", "未在二十四小时内通知家属", "family notice late"
    RETURN_OVERDUE = (
        "return_overdue",
        "补充侦查超过一个月未重新移送",
        "supplementary investigation not completed within one month",
    )
    OPINIONS_UNHEARD = (
        "opinions_unheard",
        "未听取辩护人、值班律师或被害人意见",
        "defender, duty lawyer or victim not heard",
    )
    CUSTODY_NECESSITY_LATE = (
        "custody_necessity_late",
        "羁押必要性审查申请未在十日内答复",
        "custody-necessity application not answered within ten days",
    )
    MINOR_GUARDIAN_ABSENT = (
        "minor_guardian_absent",
        "讯问未成年犯罪嫌疑人时法定代理人或合适成年人未到场",
        "minor questioned without a legal representative or appropriate adult",
    )
    PUBLIC_INTEREST_REPLY_OVERDUE = (
        "public_interest_reply_overdue",
        "诉前检察建议回复期满未回复",
        "pre-litigation reply period passed without a reply",
    )
    # Supervision matters (domain/supervision.py, rules/supervision.toml); case_id = matter id.
    SUPERVISION_REPLY_OVERDUE = (
        "supervision_reply_overdue",
        "监督文书回复期满未回复",
        "supervision document not answered within its period",
    )
    SUPERVISION_REPLY_DUE_SOON = (
        "supervision_reply_due_soon",
        "监督文书回复期限临期",
        "supervision reply period ending soon",
    )
    SUPERVISION_FOLLOW_UP_MISSING = (
        "supervision_follow_up_missing",
        "回复逾期或不采纳而未跟进监督",
        "reply missing or rejected and no follow-up",
    )
    SUPERVISION_DECISION_WITHOUT_STEPS = (
        "supervision_decision_without_steps",
        "未经审查、调查、询问即作出监督决定",
        "supervision decision without recorded steps",
    )
    SUPERVISION_CLOSED_OPEN_FOLLOW_UP = (
        "supervision_closed_open_follow_up",
        "跟进监督未完成即办结",
        "matter closed with a follow-up open",
    )
    SUPERVISION_HANDLING_OVERDUE = (
        "supervision_handling_overdue",
        "监督事项办理期限超期",
        "supervision matter handling period overdue",
    )
    MEETING_RECORD_MISSING = (
        "meeting_record_missing",
        "应经检察委员会或联席会议讨论而无会议记录",
        "decision reserved to a meeting without its record",
    )
    # Follow-up tasks of analysis meetings and upper-unit notices (domain/followup.py);
    # case_id = the meeting's or notice's id and the task number.
    MEETING_TASK_OVERDUE = (
        "meeting_task_overdue",
        "会商研判任务逾期未办结",
        "analysis-meeting task overdue",
    )
    NOTICE_TASK_OVERDUE = (
        "notice_task_overdue",
        "上级院通报督办任务逾期未办结",
        "upper-unit notice task overdue",
    )
    # 线上会诊 (issue 15): the handler's review form, the panel members' opinions
    REVIEW_FORM_INCOMPLETE = (
        "review_form_incomplete",
        "审查表未填写或未填写完整",
        "review form missing or incomplete",
    )
    PANEL_OPINION_MISSING = (
        "panel_opinion_missing",
        "初评小组成员尚未提出初评意见（漏评）",
        "a panel member has not given an opinion",
    )


CHECKS = frozenset(
    {
        "period_overdue",
        "period_due_soon",
        "extension_unapproved",
        "notice_within",
        "event_count_max",
        "event_with_document",
        "answered_within",
        "heard_before_decision",
        "companion_same_day",
        "notified_after_arrest",
    }
)
# Which case facts choose a period's variant; other facts are fixed false for it.
PERIOD_FACTS: dict[str, tuple[str, ...]] = {
    "arrest_review": ("custody", "major"),
    # major: only a major or complex case may be extended by 15 days (刑事诉讼法 第172条第1款)
    "prosecution_review": ("custody", "major", "fast_track", "over_one_year"),
}
Param = str | int | list[str]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    kind: FindingKind
    severity: Severity
    basis: tuple[str, ...]
    scope: frozenset[str]
    check: str
    params: Mapping[str, Param]
    explain: str  # zh template; {due} is the due date
    warning: bool = False

    def param(self, name: str) -> str:
        return str(self.params[name])

    def values(self, name: str) -> tuple[str, ...]:
        """A parameter that may list several values (``decision = ["approve_arrest", …]``)."""
        value = self.params[name]
        return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)

    def explanation(self, due: dt.date | None) -> str:
        return self.explain.format(due=due.isoformat() if due else "")


@dataclass(frozen=True, slots=True)
class LeadTimes:
    """Warning lead times in working days: per category, overridable per province."""

    default: Mapping[str, int]
    province: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def days(self, category: str, province: str | None) -> int:
        local = self.province.get(province or "", {})
        return int(local.get(category, self.default.get(category, 0)))


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]
    lead: LeadTimes

    def by_id(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


@dataclass(frozen=True, slots=True)
class Finding:
    case_id: str
    rule: str
    kind: FindingKind
    severity: Severity
    due: dt.date | None
    basis: tuple[str, ...]
    explanation: str
    unit: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.case_id, self.rule)

    def as_json(self) -> dict[str, object]:
        return {
            "case_id": self.case_id,
            "rule": self.rule,
            "kind": self.kind,
            "severity": self.severity,
            "due": self.due.isoformat() if self.due else None,
            "basis": list(self.basis),
            "explanation": self.explanation,
            "unit": self.unit,
        }


def finding(rule: Rule, case_id: str, unit: str, due: dt.date | None) -> Finding:
    return Finding(
        case_id, rule.id, rule.kind, rule.severity, due, rule.basis, rule.explanation(due), unit
    )


@dataclass(frozen=True, slots=True)
class DueKey:
    """One period variant as the lookup table stores it (irrelevant facts are False)."""

    period: str
    custody: bool = False
    major: bool = False
    fast_track: bool = False
    over_one_year: bool = False
    extended: bool = False


class DueBook:
    """Due dates from the period engine (刑事诉讼法 第105条), memoised: the one truth for both
    the per-case evaluation and the SQL lookup table."""

    def __init__(self, periods: Mapping[str, PeriodDefinition], calendar: WorkCalendar) -> None:
        self.periods, self.calendar = periods, calendar
        self.provisional = False
        self._due = cache(self._compute)
        self._extendable = cache(self._may_extend)

    def key(self, period: str, facts: Mapping[str, bool], extended: bool = False) -> DueKey:
        used = PERIOD_FACTS.get(period, ("custody",))
        flags = {name: bool(facts.get(name, False)) for name in used}
        return DueKey(period, extended=extended, **flags)

    def due(self, key: DueKey, start: dt.date) -> dt.date:
        return self._due(key, start)

    def derivation(self, key: DueKey, start: dt.date) -> Derivation:
        """The whole derivation of a due date (the case page shows it)."""
        return compute_due(
            self.periods[key.period],
            start,
            self.calendar,
            conditions=_conditions(key),
            extended=key.extended,
            provisional=True,  # a page must show an answer; a guessed move is marked as such
        )

    def extendable(self, key: DueKey) -> bool:
        """Whether the law lets this variant be extended (memoised)."""
        return self._extendable(key)

    def _may_extend(self, key: DueKey) -> bool:
        """Whether the law lets this variant be extended (第172条: a major or complex case by
        15 days; a fast-track case likely to be sentenced over one year from 10 to 15 days)."""
        return self.periods[key.period].variant_for(_conditions(key)).extension is not None

    def legal_due(self, key: DueKey, start: dt.date, approved: bool) -> dt.date:
        """The due date the law sets: extended only when an extension was approved AND the
        variant may be extended — an approval recorded for a case that cannot be extended
        changes nothing."""
        wanted = approved and self.extendable(key)
        return self.due(key if key.extended is wanted else replace(key, extended=wanted), start)

    def window(self, key: DueKey, start: dt.date) -> dt.date:
        """The end an approved extension would have given (the legal due when there is none)."""
        wanted = self.extendable(key)
        return self.due(key if key.extended is wanted else replace(key, extended=wanted), start)

    def _compute(self, key: DueKey, start: dt.date) -> dt.date:
        due, guessed = due_date(
            self.periods[key.period],
            start,
            self.calendar,
            conditions=_conditions(key),
            extended=key.extended,
            provisional=True,
        )
        self.provisional = self.provisional or guessed
        return due

    def keys_for(self, period: str) -> list[DueKey]:
        """Every unextended variant key of a period the rules may ask for."""
        used = PERIOD_FACTS.get(period, ("custody",))
        out = []
        for bits in range(1 << len(used)):
            flags = {n: bool(bits >> i & 1) for i, n in enumerate(used)}
            if flags.get("over_one_year") and not flags.get("fast_track"):
                continue
            out.append(DueKey(period, **flags))
        return out


# The review periods a decided case is judged by (审限), by category; their due dates in a table.
REVIEW_PERIODS = ("arrest_review", "prosecution_review")
# (period, start, custody, major, fast_track, over_one_year, due, due with an approved extension)
DueRow = tuple[str, dt.date, int, int, int, int, dt.date, dt.date]


def review_due_rows(book: DueBook, starts: Iterable[dt.date]) -> list[DueRow]:
    """The legal due date of every review-period variant from every start date, unextended and
    with an approved extension (the latter equal to the former where the law allows none): what a
    set-based engine looks a case's due date up in, so that it is ``book.legal_due`` exactly."""
    keys = [k for period in REVIEW_PERIODS for k in book.keys_for(period)]
    return [
        (
            k.period,
            start,
            int(k.custody),
            int(k.major),
            int(k.fast_track),
            int(k.over_one_year),
            book.due(k, start),
            book.window(k, start),
        )
        for start in sorted(set(starts))
        for k in keys
    ]


def _conditions(key: DueKey) -> frozenset[str]:
    names = ("custody", "major", "fast_track", "over_one_year")
    return frozenset(n for n in names if getattr(key, n))


# ---------------------------------------------------------------- per-case facts


@dataclass(frozen=True, slots=True)
class Facts:
    custody: bool
    major: bool
    fast_track: bool
    over_one_year: bool
    base: dt.date
    extended: bool
    with_investigators: bool
    when: dt.date

    def flags(self) -> dict[str, bool]:
        return {
            "custody": self.custody,
            "major": self.major,
            "fast_track": self.fast_track,
            "over_one_year": self.over_one_year,
        }


def _dates(case: Case, kind: EventType) -> list[dt.date]:
    return [e.on for e in case.events if e.type is kind]


def facts_of(case: Case, as_of: dt.date) -> Facts:
    fast = all(s.fast_track for s in case.suspects)
    over = fast and any((s.likely_sentence_months or 0) > 12 for s in case.suspects)
    back = _dates(case, EventType.RETRANSFERRED)
    returns = _dates(case, EventType.RETURNED_FOR_INVESTIGATION)
    base = max(back) if back else case.received_on
    away = bool(returns) and (not back or max(returns) > max(back))
    return Facts(
        custody=any(s.in_custody for s in case.suspects),
        major=case.major_complex,
        fast_track=fast,
        over_one_year=over,
        base=base,
        extended=any(d >= base for d in _dates(case, EventType.EXTENSION_APPROVED)),
        with_investigators=case.decision is None and away,
        when=case.decision.on if case.decision else as_of,
    )


# ---------------------------------------------------------------- evaluation of one case


@dataclass(frozen=True, slots=True)
class Run:
    """What one monitoring run needs besides the rules: the date, due dates, and lead limits."""

    as_of: dt.date
    book: DueBook
    warn_until: Callable[[str, str], dt.date]  # (unit, category) -> last day inside lead time


Check = Callable[[Rule, Case, Facts, Run], tuple[bool, dt.date | None]]


def review_key(case: Case, f: Facts, book: DueBook, period: str) -> tuple[DueKey, dt.date]:
    """The variant key and start date of a case's review period (the base after a re-transfer
    for prosecution review, 第175条第3款), as monitoring, the ledger and the case page use it."""
    start = f.base if period == "prosecution_review" else case.received_on
    return book.key(period, f.flags()), start


def review_dues(rule: Rule, f: Facts, run: Run, case: Case) -> tuple[dt.date, dt.date, bool]:
    """(the legal due date, the end an extension would give, whether one is possible)."""
    period = str(rule.params.get("period", case.category.value))  # the category's own period
    book = run.book
    key, start = review_key(case, f, book, period)
    return book.legal_due(key, start, f.extended), book.window(key, start), book.extendable(key)


def check_overdue(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """Decided after, or open past, the legal due date: always 超期, approved or not."""
    if f.with_investigators:
        return False, None
    due, _, _ = review_dues(rule, f, run, case)
    return f.when > due, due


def check_due_soon(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """Open, inside the warning lead time, and the legal due date not yet passed (once it has,
    the case is overdue, and a warning never names a date in the past)."""
    if case.decision is not None or case.closed_on is not None or f.with_investigators:
        return False, None
    due, _, _ = review_dues(rule, f, run, case)
    inside = due <= run.warn_until(case.unit, case.category.value)
    return run.as_of <= due and inside, due


def check_extension(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """A case that could have been extended, decided inside the extension window without an
    approved extension (it is overdue as well). A case that cannot be extended never is."""
    if case.decision is None or f.extended:
        return False, None
    due, window, extendable = review_dues(rule, f, run, case)
    return extendable and due < case.decision.on <= window, due


# 刑诉法 第35条第3款 "可能被判处无期徒刑、死刑，没有委托辩护人的" (规则 第42条): legal aid.
GRAVE = frozenset({SentenceBand.LIFE, SentenceBand.DEATH})


def _parties(case: Case, which: str) -> list[str]:
    if which == "victims":
        return [v.id for v in case.victims]
    if which == "needy_suspects":
        return [
            s.id
            for s in case.suspects
            if (s.minor or s.disability is not None or s.sentence_band() in GRAVE)
            and not s.has_counsel
        ]
    if which == "minors":
        return [s.id for s in case.suspects if s.minor]
    if which == "suspects_and_victims":
        return [s.id for s in case.suspects] + [v.id for v in case.victims]
    return [s.id for s in case.suspects]


def check_notice(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    if "decision" in rule.params:
        if case.decision is None or case.decision.type.value not in rule.values("decision"):
            return False, None
        start = case.decision.on
    else:
        start = case.received_on
    book = run.book
    due = book.due(book.key(rule.param("period"), f.flags()), start)
    if run.as_of <= due:
        return False, due
    kind = EventType(rule.param("event"))
    told = {e.party for e in case.events if e.type is kind and e.on <= due}
    return any(p not in told for p in _parties(case, rule.param("parties"))), due


def _arrest_time(
    case: Case, kind: EventType, party: str
) -> tuple[dt.date, dt.datetime | None] | None:
    """The suspect's arrest as (day, time): the first ``kind`` event's day and the earliest
    ``at`` recorded that day (None without one), or None when no such event is recorded."""
    days = [e.on for e in case.events if e.type is kind and e.party == party]
    if not days:
        return None
    first = min(days)
    times = [e.at for e in case.events if e.type is kind and e.party == party and e.on == first]
    return first, min((t for t in times if t is not None), default=None)


def epoch_seconds(at: dt.datetime) -> int:
    """Whole seconds since 1970 of an aware time: the resolution both engines judge hours at."""
    return math.floor(at.timestamp())


def check_after_arrest(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """刑事诉讼法 第93条 "除无法通知的以外，应当在逮捕后二十四小时以内，通知被逮捕人的家属".

    After a ``decision`` (approve_arrest or arrest_decided), each suspect's duty runs from its ``start`` event
    (arrest_executed), else from the decision day. With both the arrest and a notice timed
    (``at``) the notice is in time when at most ``hours`` after it; otherwise by the day, on or
    before the due date of ``period``. A ``event`` whose note begins with ``unable`` (无法通知)
    records that the family could not be told: no duty for that suspect. A suspect is judged
    once ``as_of`` is past the due day; the finding's due is the earliest of those late."""
    if case.decision is None or case.decision.type.value not in rule.values("decision"):
        return False, None
    start, kind = EventType(rule.param("start")), EventType(rule.param("event"))
    unable, limit = rule.param("unable"), int(rule.param("hours")) * 3600
    book = run.book
    key = book.key(rule.param("period"), f.flags())
    late: list[dt.date] = []
    for party in _parties(case, rule.param("parties")):
        notes = [e for e in case.events if e.type is kind and e.party == party]
        if any((e.note or "").startswith(unable) for e in notes):
            continue
        arrest = _arrest_time(case, start, party)
        day, at = arrest if arrest is not None else (case.decision.on, None)
        due = book.due(key, day)
        if run.as_of <= due:
            continue
        told = any(
            epoch_seconds(e.at) <= epoch_seconds(at) + limit
            if at is not None and e.at is not None
            else e.on <= due
            for e in notes
        )
        if not told:
            late.append(due)
    return bool(late), min(late, default=None)


def check_count(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    kind = EventType(rule.param("event"))
    return sum(e.type is kind for e in case.events) > int(rule.param("max")), None


def check_with_document(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    kind, doc = EventType(rule.param("event")), rule.param("document")
    events = Counter(e.on for e in case.events if e.type is kind)
    docs = Counter(d.issued_on for d in case.documents if d.type == doc)
    return any(docs[day] < n for day, n in events.items()), None


def check_answered(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """Each ``event`` needs an ``answer`` (same party, or both none) on or before the due date
    of ``period`` counted from it: the first answer on or after the event is the one that
    counts; with none, the duty is broken once ``as_of`` is past the due date. The finding's due
    date is that of the first event not answered in time."""
    ask, answer = EventType(rule.param("event")), EventType(rule.param("answer"))
    book = run.book
    key = book.key(rule.param("period"), f.flags())
    answers = [e for e in case.events if e.type is answer]
    late: list[dt.date] = []
    for e in case.events:
        if e.type is not ask:
            continue
        due = book.due(key, e.on)
        done = min((a.on for a in answers if a.party == e.party and a.on >= e.on), default=None)
        if (run.as_of > due) if done is None else (done > due):
            late.append(due)
    return bool(late), min(late, default=None)


def check_heard(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """A decided case where some party has no ``event`` (party = them) on or before the
    decision day."""
    if case.decision is None:
        return False, None
    kind, on = EventType(rule.param("event")), case.decision.on
    heard = {e.party for e in case.events if e.type is kind and e.on <= on}
    return any(p not in heard for p in _parties(case, rule.param("parties"))), None


def check_companion(rule: Rule, case: Case, f: Facts, run: Run) -> tuple[bool, dt.date | None]:
    """Each ``event`` concerning one of ``parties`` needs a ``companion`` event for the same
    party on the same day."""
    kind, companion = EventType(rule.param("event")), EventType(rule.param("companion"))
    who = set(_parties(case, rule.param("parties")))
    present = {(e.party, e.on) for e in case.events if e.type is companion}
    return any(
        e.type is kind and e.party in who and (e.party, e.on) not in present for e in case.events
    ), None


CHECK_FUNCTIONS: dict[str, Check] = {
    "period_overdue": check_overdue,
    "period_due_soon": check_due_soon,
    "extension_unapproved": check_extension,
    "notice_within": check_notice,
    "event_count_max": check_count,
    "event_with_document": check_with_document,
    "answered_within": check_answered,
    "heard_before_decision": check_heard,
    "companion_same_day": check_companion,
    "notified_after_arrest": check_after_arrest,
}


def as_of_view(case: Case, as_of: dt.date) -> Case:
    """The case as it stood at the end of ``as_of``: later events, documents and dates left out."""
    dates = [e.on for e in case.events] + [d.issued_on for d in case.documents]
    dates += [d for d in (case.decision and case.decision.on, case.closed_on) if d]
    if max(dates, default=as_of) <= as_of:
        return case
    decided = case.decision is not None and case.decision.on <= as_of
    closed = case.closed_on is not None and case.closed_on <= as_of
    return replace(
        case,
        events=tuple(e for e in case.events if e.on <= as_of),
        documents=tuple(d for d in case.documents if d.issued_on <= as_of),
        decision=case.decision if decided else None,
        closed_on=case.closed_on if closed else None,
    )


def evaluate_case(case: Case, rules: RuleSet, run: Run) -> list[Finding]:
    """Every finding of every rule on one case (the one-click self-check uses this)."""
    case = as_of_view(case, run.as_of)
    f = facts_of(case, run.as_of)
    out = []
    for rule in rules.rules:
        if case.category.value not in rule.scope:
            continue
        hit, due = CHECK_FUNCTIONS[rule.check](rule, case, f, run)
        if hit:
            out.append(finding(rule, case.case_id, case.unit, due))
    return out


# ---------------------------------------------------------------- working days (lead, ledger)


def working_day_after(cal: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The n-th working day after ``day``; a year the calendar lacks falls back to weekdays
    (a warning limit near a year's end must not fail for want of next year's notice)."""
    while n > 0:
        day += dt.timedelta(days=1)
        n -= cal.is_working_day(day, provisional=True)
    return day


def working_days_between(cal: WorkCalendar, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end], weekday rule for uncovered years; 0 if end ≤ start."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += cal.is_working_day(day, provisional=True)
    return count
