"""Data-quality checks (数据质量): what the import lets in but a case-management office must fix.

The import already refuses impossible records (a decision or closing before receipt, a decision
after closing, an event before receipt, a suspect born after receipt, archiving before closing:
``adapters/formats/records.py`` and ``limits.py``), so on imported data the per-case date checks
below find only what a store filled another way holds. These checks cover the rest and the
checks that need more than one case: date order inside a case, card fields required for the
category, duplicates (重复录入) and one matter split into several cases (拆案). Every issue names
its case (and the other cases involved) and explains itself in Chinese and English.

Per-case checks run case by case; the two cross-case checks keep only a small key per case, so a
million cases fit in memory. Over a store, only the cases that could fail a check are read
(``adapters/store/quality_sql.py`` says which in SQL): a check added here needs its clause there,
and ``tests/integration/test_dataquality_store.py`` a case that fails it.

A decided case is closed some days after its decision (the decision served, the file completed,
the card filled in); the checks are told the day they run (``as_of``) and report a decided case
without a closing date only once its decision is older than ``DataQualityRules.closing_grace_days``
(``rules/dataquality.toml``: office practice, not law).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from jianguan.domain.model import Case, CaseCategory
from jianguan.domain.vocabulary import Vocabulary

CRIMINAL = frozenset({CaseCategory.ARREST_REVIEW, CaseCategory.PROSECUTION_REVIEW})
SPLIT_WINDOW_DAYS = 30  # stages of one matter received this close together look like one transfer


@dataclass(frozen=True, slots=True)
class DataQualityRules:
    """The settings of the checks (``rules/dataquality.toml``, a province's own in its data
    folder). ``closing_grace_days``: calendar days a decided case may go without a closing date
    before it is reported as missing one (practice, not a statutory period)."""

    closing_grace_days: int = 30
    note: str = ""

    def closing_overdue(self, decided_on: dt.date, as_of: dt.date | None) -> bool:
        """Whether a case decided on ``decided_on`` and still not closed on ``as_of`` should
        have its closing date by now: its decision more than the grace period old. Without a
        day to measure from (``as_of`` None: data read straight from files) it is reported at
        once, as a record in a finished export should carry it."""
        return as_of is None or (as_of - decided_on).days > self.closing_grace_days


DEFAULT_RULES = DataQualityRules()


class IssueKind(Vocabulary):
    """What sort of data-quality issue a case has."""

    DATE_ORDER = "date_order", "日期顺序不可能", "impossible date order"
    MISSING_FIELD = "missing_field", "案卡必填项缺失", "required card field missing"
    DUPLICATE = "duplicate", "重复案件", "duplicate case"
    SPLIT = "split", "疑似拆案", "possibly split matter"


@dataclass(frozen=True, slots=True)
class Issue:
    case_id: str
    kind: IssueKind
    check: str  # the precise check, e.g. closed_before_decided
    explanation: str  # zh
    explanation_en: str
    unit: str = ""
    related: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "case_id": self.case_id,
            "kind": self.kind.value,
            "rule": self.check,
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
            "unit": self.unit,
            "related": list(self.related),
        }


# ---------------------------------------------------------------- per case


def _order(case: Case, check: str, zh: str, en: str) -> Issue:
    return Issue(case.case_id, IssueKind.DATE_ORDER, check, zh, en, case.unit)


def date_order(case: Case) -> Iterator[Issue]:
    """Dates that cannot be in this order."""
    d = case.decision
    if d is not None and case.closed_on is not None and case.closed_on < d.on:
        yield _order(case, "closed_before_decided",
                     f"结案日期 {case.closed_on} 早于决定日期 {d.on}",
                     f"closed on {case.closed_on}, before the decision of {d.on}")  # fmt: skip
    early = [e for e in case.events if e.on < case.received_on]
    if early:
        e = min(early, key=lambda x: x.on)
        yield _order(case, "event_before_receipt",
                     f"{len(early)} 个事件早于受理日期 {case.received_on}（最早：{e.type.value} {e.on}）",
                     f"{len(early)} event(s) before receipt on {case.received_on} (first: {e.type.value} {e.on})")  # fmt: skip
    for s in case.suspects:
        if s.birth_date > case.received_on:
            yield _order(case, "birth_after_receipt",
                         f"犯罪嫌疑人 {s.id} 出生日期 {s.birth_date} 晚于受理日期 {case.received_on}",
                         f"suspect {s.id} born {s.birth_date}, after receipt on {case.received_on}")  # fmt: skip
    o = case.outcome
    if o is not None and d is not None and o.on < d.on:
        yield _order(case, "outcome_before_decision",
                     f"法院处理日期 {o.on} 早于检察机关决定日期 {d.on}",
                     f"court outcome on {o.on}, before the decision of {d.on}")  # fmt: skip
    if case.closed_on is not None and case.assigned_on > case.closed_on:
        yield _order(case, "assigned_after_closed",
                     f"分案日期 {case.assigned_on} 晚于结案日期 {case.closed_on}",
                     f"assigned on {case.assigned_on}, after closing on {case.closed_on}")  # fmt: skip


def missing_fields(
    case: Case, as_of: dt.date | None = None, rules: DataQualityRules = DEFAULT_RULES
) -> Iterator[Issue]:
    """Card fields a case of this category must have (案卡填录); a closing date only once the
    decision is older than the grace period (``rules.closing_overdue``) on ``as_of``."""
    missing: list[tuple[str, str, str]] = []  # the field, its name in both languages
    if case.category in CRIMINAL:
        if not case.charges:
            missing.append(("charges", "罪名", "charges"))
        if not case.suspects:
            missing.append(("suspects", "犯罪嫌疑人", "suspects"))
    if case.closed_on is not None and case.decision is None:
        missing.append(("decision", "结案决定", "a decision"))
    if not case.handler:
        missing.append(("handler", "承办检察官", "a handling prosecutor"))
    for name, zh, en in missing:
        yield Issue(case.case_id, IssueKind.MISSING_FIELD, f"missing_{name}",
                    f"{case.category.zh}案件缺少{zh}",
                    f"{case.category.en} case without {en}", case.unit)  # fmt: skip
    d = case.decision
    if d is not None and case.closed_on is None and rules.closing_overdue(d.on, as_of):
        if as_of is None:
            zh, en = (
                f"于 {d.on} 作出决定，缺少结案日期",
                f"decided on {d.on}, without a closing date",
            )
        else:
            days = (as_of - d.on).days
            zh = f"于 {d.on} 作出决定，已过 {days} 日（超过 {rules.closing_grace_days} 日）仍无结案日期"
            en = (f"decided on {d.on}, still without a closing date {days} days later "
                  f"(more than {rules.closing_grace_days})")  # fmt: skip
        yield Issue(case.case_id, IssueKind.MISSING_FIELD, "missing_closed_on",
                    f"{case.category.zh}案件{zh}", f"{case.category.en} case {en}",
                    case.unit)  # fmt: skip


def _zh(category: str) -> str:
    """A category code in the reader's words (the explanations are read by case officers)."""
    known = CaseCategory.parse(category)
    return known.zh if known is not None else category


def _en(category: str) -> str:
    known = CaseCategory.parse(category)
    return known.en if known is not None else category


def per_case(
    case: Case, as_of: dt.date | None = None, rules: DataQualityRules = DEFAULT_RULES
) -> list[Issue]:
    return [*date_order(case), *missing_fields(case, as_of, rules)]


# ---------------------------------------------------------------- across cases


@dataclass(frozen=True, slots=True)
class _Key:
    """The little of a case the cross-case checks need."""

    case_id: str
    unit: str
    received_on: dt.date
    people: frozenset[tuple[str, dt.date]]  # suspects by name and birth date


def _key(case: Case) -> _Key:
    people = frozenset((s.name, s.birth_date) for s in case.suspects)
    return _Key(case.case_id, case.unit, case.received_on, people)


class CrossCase:
    """Feed every case once; then ``issues()`` gives duplicates and splits."""

    def __init__(self) -> None:
        self.by_matter: dict[tuple[str, str, str], list[_Key]] = {}
        self.by_people: dict[
            tuple[str, str, dt.date, frozenset[tuple[str, dt.date]]], list[str]
        ] = {}

    def add(self, case: Case) -> None:
        k = _key(case)
        self.by_matter.setdefault((case.unified_no, case.unit, case.category.value), []).append(k)
        if k.people:
            self.by_people.setdefault(
                (case.unit, case.category.value, case.received_on, k.people), []
            ).append(case.case_id)

    def issues(self) -> list[Issue]:
        out: list[Issue] = []
        flagged: set[str] = set()
        for (uni, _unit, category), keys in self.by_matter.items():
            if len(keys) > 1:
                out += _same_matter(uni, category, sorted(keys, key=lambda k: k.case_id), flagged)
        for (unit, category, received, _people), ids in self.by_people.items():
            if len(ids) > 1 and not flagged.issuperset(ids):
                out += _same_people(unit, category, received, sorted(ids))
        return sorted(out, key=lambda i: (i.case_id, i.check))


def _same_matter(uni: str, category: str, keys: list[_Key], flagged: set[str]) -> list[Issue]:
    """Several cases of one stage under one unified number: the same people → duplicate;
    different people received close together → split (拆案)."""
    out: list[Issue] = []
    for k in keys:
        others = [o for o in keys if o is not k]
        same = [o.case_id for o in others if not o.people or not k.people or o.people & k.people]
        near = [o.case_id for o in others if o.case_id not in same
                and abs((o.received_on - k.received_on).days) <= SPLIT_WINDOW_DAYS]  # fmt: skip
        if same:
            out.append(Issue(k.case_id, IssueKind.DUPLICATE, "same_unified_no",
                             f"统一受案号 {uni} 下同一{_zh(category)}阶段还有相同当事人的案件 {'、'.join(same)}",
                             f"unified no. {uni} has another {_en(category)} case with the same people: {', '.join(same)}",
                             k.unit, tuple(same)))  # fmt: skip
            flagged.add(k.case_id)
        if near:
            out.append(Issue(k.case_id, IssueKind.SPLIT, "split_matter",
                             f"统一受案号 {uni} 的同一{_zh(category)}阶段被拆为多个案件（{'、'.join(near)}），"
                             f"受理相隔不超过 {SPLIT_WINDOW_DAYS} 日，犯罪嫌疑人各不相同",
                             f"unified no. {uni} split into several {_en(category)} cases ({', '.join(near)}) "
                             f"received within {SPLIT_WINDOW_DAYS} days, with different suspects",
                             k.unit, tuple(near)))  # fmt: skip
    return out


def _same_people(unit: str, category: str, received: dt.date, ids: list[str]) -> list[Issue]:
    """Same unit, stage, day of receipt and suspects under different unified numbers."""
    return [
        Issue(
            cid,
            IssueKind.DUPLICATE,
            "same_people_same_day",
            f"同日（{received}）同一{_zh(category)}阶段还有犯罪嫌疑人完全相同的案件 "
            f"{'、'.join(o for o in ids if o != cid)}，疑似重复录入",
            f"another {_en(category)} case received the same day ({received}) with the same suspects: "
            f"{', '.join(o for o in ids if o != cid)}",
            unit,
            tuple(o for o in ids if o != cid),
        )
        for cid in ids
    ]


def check_all(
    cases: Iterable[Case], as_of: dt.date | None = None, rules: DataQualityRules = DEFAULT_RULES
) -> list[Issue]:
    """Every issue in ``cases`` as of ``as_of`` (the day the check runs), per-case ones first,
    each list sorted by case id."""
    cross = CrossCase()
    single: list[Issue] = []
    for case in cases:
        single += per_case(case, as_of, rules)
        cross.add(case)
    return sorted(single, key=lambda i: (i.case_id, i.check)) + cross.issues()
