"""Positive and negative lists (正负面清单) of units and people, each entry tied to its evidence.

The lists are built from what the platform already knows — review grades (评查), monitoring and
self-check findings (流程监控 / 自检), long-pending cases, accountability decisions — plus
entries recorded by hand with their evidence (guiding cases, adopted recommendations, falsified
data). Which source feeds which list is data (``rules/responsibility.toml``). An entry never
stands without its evidence: the source, a reference into it, and what it said.

Error tolerance (容错免责, 2024 意见): an entry with a recorded objective cause is excluded, or
softened to a smaller weight, and the cause is shown wherever the entry is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jianguan.domain.monitoring import SEVERITIES
from jianguan.domain.referral import ReferralPolicy
from jianguan.domain.vocabulary import Vocabulary


class ListKind(Vocabulary):
    POSITIVE = "positive", "正面", "positive"  # 正面清单
    NEGATIVE = "negative", "负面", "negative"  # 负面清单

    @property
    def positive(self) -> bool:
        return self is ListKind.POSITIVE


class Source(Vocabulary):
    """What a list rule builds its entries from (``rules/responsibility.toml``)."""

    REVIEW_GRADE = "review_grade", "评查等次", "review grade"
    FINDING = "finding", "监控与自检发现", "monitoring or self-check finding"
    LONG_PENDING = "long_pending", "长期未结", "long pending"
    REFERRAL = "referral", "问责决定", "accountability decision"
    MANUAL = "manual", "手工录入", "entered by hand"


class EvidenceSource(Vocabulary):
    """The record an entry's evidence points into."""

    REVIEW_OUTCOME = "review_outcome", "评查结论", "review outcome"
    MONITORING_LEDGER = "monitoring_ledger", "流程监控台账", "monitoring ledger"
    SELF_CHECK = "self_check", "承办人自检", "self-check"
    CASE = "case", "案件", "case"
    REFERRAL = "referral", "问题线索移送", "accountability referral"
    MANUAL = "manual", "手工录入", "entered by hand"


@dataclass(frozen=True, slots=True)
class ListRule:
    id: str
    list: ListKind
    title: str
    source: Source
    basis: tuple[str, ...]
    grades: frozenset[str] = frozenset()
    min_severity: str | None = None
    days: int | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where an entry comes from: the source, a reference into it, and what it said."""

    source: EvidenceSource
    ref: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ListEntry:
    rule: str
    list: ListKind
    title: str
    unit: str
    person: str | None
    case_id: str | None
    on: dt.date
    evidence: Evidence
    basis: tuple[str, ...]

    @property
    def key(self) -> str:
        """Stable identity: rebuilding the lists finds the same entry again."""
        return (
            f"{self.rule}|{self.unit}|{self.person or ''}|{self.case_id or ''}|{self.evidence.ref}"
        )


@dataclass(frozen=True, slots=True)
class Tolerance:
    """容错免责: an objective cause recorded for one entry."""

    entry_key: str
    cause: str
    decided_by: str
    on: dt.date


# --- the facts the builders read (the service gathers them from the store) ------------------


@dataclass(frozen=True, slots=True)
class GradeFact:
    case_id: str
    person: str
    unit: str
    grade: str
    on: dt.date
    ref: str  # e.g. "review:2025:<case_id>"


@dataclass(frozen=True, slots=True)
class FindingFact:
    case_id: str
    person: str
    unit: str
    rule: str
    kind: str
    severity: str
    on: dt.date
    explanation: str
    source: EvidenceSource  # MONITORING_LEDGER | SELF_CHECK
    resolved: bool = False


@dataclass(frozen=True, slots=True)
class PendingFact:
    case_id: str
    person: str
    unit: str
    due: dt.date


@dataclass(frozen=True, slots=True)
class ReferralFact:
    referral_id: str
    person: str
    unit: str
    case_id: str | None
    finding: str
    decision: str
    on: dt.date


NO_RESPONSIBILITY = "不承担司法责任"


def _at_least(severity: str, minimum: str) -> bool:
    return SEVERITIES.index(severity) >= SEVERITIES.index(minimum)


def _entry(
    rule: ListRule,
    unit: str,
    person: str | None,
    case_id: str | None,
    on: dt.date,
    evidence: Evidence,
) -> ListEntry:
    return ListEntry(
        rule.id, rule.list, rule.title, unit, person, case_id, on, evidence, rule.basis
    )


def from_grades(rule: ListRule, facts: Iterable[GradeFact]) -> list[ListEntry]:
    return [
        _entry(
            rule,
            f.unit,
            f.person,
            f.case_id,
            f.on,
            Evidence(EvidenceSource.REVIEW_OUTCOME, f.ref, {"grade": f.grade}),
        )
        for f in facts
        if f.grade in rule.grades
    ]


def from_findings(rule: ListRule, facts: Iterable[FindingFact]) -> list[ListEntry]:
    minimum = rule.min_severity or SEVERITIES[1]
    return [
        _entry(
            rule,
            f.unit,
            f.person,
            f.case_id,
            f.on,
            Evidence(
                f.source,
                f"{f.case_id}:{f.rule}",
                {"kind": f.kind, "severity": f.severity, "explanation": f.explanation},
            ),
        )
        for f in facts
        if f.severity in SEVERITIES and _at_least(f.severity, minimum)
    ]


def from_pending(rule: ListRule, facts: Iterable[PendingFact], as_of: dt.date) -> list[ListEntry]:
    days = rule.days or 0
    return [
        _entry(
            rule,
            f.unit,
            f.person,
            f.case_id,
            f.due + dt.timedelta(days=days),
            Evidence(
                EvidenceSource.CASE,
                f.case_id,
                {"due": f.due.isoformat(), "days_past_due": (as_of - f.due).days},
            ),
        )
        for f in facts
        if (as_of - f.due).days > days
    ]


def from_referrals(rule: ListRule, facts: Iterable[ReferralFact]) -> list[ListEntry]:
    return [
        _entry(
            rule,
            f.unit,
            f.person,
            f.case_id,
            f.on,
            Evidence(
                EvidenceSource.REFERRAL,
                f.referral_id,
                {"finding": f.finding, "decision": f.decision},
            ),
        )
        for f in facts
        if f.finding != NO_RESPONSIBILITY
    ]


@dataclass(frozen=True, slots=True)
class Facts:
    grades: Sequence[GradeFact] = ()
    findings: Sequence[FindingFact] = ()
    pending: Sequence[PendingFact] = ()
    referrals: Sequence[ReferralFact] = ()


def build_entries(rules: Sequence[ListRule], facts: Facts, as_of: dt.date) -> list[ListEntry]:
    """Every entry the rules make from the facts (manual entries are recorded, not built)."""
    out: list[ListEntry] = []
    for rule in rules:
        if rule.source is Source.REVIEW_GRADE:
            out += from_grades(rule, facts.grades)
        elif rule.source is Source.FINDING:
            out += from_findings(rule, facts.findings)
        elif rule.source is Source.LONG_PENDING:
            out += from_pending(rule, facts.pending, as_of)
        elif rule.source is Source.REFERRAL:
            out += from_referrals(rule, facts.referrals)
    unique = {e.key: e for e in out}
    return sorted(unique.values(), key=lambda e: (e.unit, e.person or "", e.on, e.key))


def weight(
    entry: ListEntry, tolerances: Mapping[str, Tolerance], mode: str, soften: float
) -> float:
    """How much an entry counts: 1, or less (or nothing) when an objective cause excuses it."""
    if entry.list is ListKind.POSITIVE or entry.key not in tolerances:
        return 1.0
    return 0.0 if mode == "exclude" else soften


@dataclass(frozen=True, slots=True)
class ResponsibilityConfig:
    lists: tuple[ListRule, ...]
    referral: ReferralPolicy
    remind_days: tuple[int, ...]
    default_days: int
    inspection_months: int
    min_cases: int
    confidence: float
    tolerance: str  # exclude | soften
    soften_weight: float

    def list_rule(self, rule_id: str) -> ListRule:
        return next(r for r in self.lists if r.id == rule_id)
