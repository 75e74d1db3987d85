"""The judicial-responsibility loop (判、核、督、惩、制): lists, assessment, referral, rectification.

Findings and review grades become list entries with their evidence; an accountability lead
(from a 不合格 grade, an acquittal, a serious finding) goes through 检务督察 to a decision; a
基本合格 grade or a finding opens a rectification; the decisions feed the lists again, and the
lists feed unit evaluation and person assessment. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from jianguan.domain import rectification as rect
from jianguan.domain import referral as ref
from jianguan.domain.assessment import (
    CaseFact,
    PersonAssessment,
    UnitEvaluation,
    assess_people,
    evaluate_units,
)
from jianguan.domain.model import OutcomeType
from jianguan.domain.rectification import (
    Rectification,
    RectificationError,
    RectificationKind,
    RectificationSource,
)
from jianguan.domain.referral import Referral, ReferralError, ReferralPolicy, ReferralSource
from jianguan.domain.responsibility import (
    Evidence,
    EvidenceSource,
    Facts,
    ListEntry,
    ListKind,
    ListRule,
    ResponsibilityConfig,
    Source,
    Tolerance,
    build_entries,
    weight,
)
from jianguan.domain.review import OutcomeKind
from jianguan.services.ports import UnitOfWork

ADVERSE_OUTCOMES = frozenset({OutcomeType.ACQUITTED.value, OutcomeType.WITHDRAWN.value})


class ResponsibilityError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


# --- lists ------------------------------------------------------------------------------------


def build_lists(
    uow: UnitOfWork, cfg: ResponsibilityConfig, as_of: dt.date, by: str, now: dt.datetime
) -> list[ListEntry]:
    """Rebuild every entry that comes from the platform's own records (manual ones stay)."""
    with uow:
        rs = uow.responsibility
        facts = Facts(
            rs.grade_facts(), rs.finding_facts(), rs.pending_facts(as_of), rs.referral_facts()
        )
        entries = build_entries(cfg.lists, facts, as_of)
        rs.replace_built_entries(entries, now)
        counts = {k.value: sum(1 for e in entries if e.list is k) for k in ListKind}
        uow.audit.append(by, "build_lists", None, {"as_of": as_of.isoformat(), **counts})
        uow.commit()
    return entries


def list_entries(
    uow: UnitOfWork, unit: str | None = None, person: str | None = None
) -> tuple[list[ListEntry], dict[str, Tolerance]]:
    """The entries (of ``unit``, of ``person``) and every recorded tolerance (reads only)."""
    with uow:
        return uow.responsibility.entries(unit, person), uow.responsibility.tolerances()


def add_manual_entry(
    uow: UnitOfWork,
    rule: ListRule,
    unit: str,
    person: str | None,
    case_id: str | None,
    on: dt.date,
    evidence_ref: str,
    note: str,
    by: str,
    now: dt.datetime,
) -> ListEntry:
    """An entry only a person can know of (a guiding case, falsified data …), with its evidence."""
    if rule.source is not Source.MANUAL:
        raise ResponsibilityError(
            f"“{rule.title}”由系统依据记录生成，不能手工录入",
            f"{rule.id} entries are built from records, not entered",
        )
    if not evidence_ref.strip():
        raise ResponsibilityError(
            "清单条目须附证据（文号、链接或案号）", "an entry needs its evidence"
        )
    evidence = Evidence(
        EvidenceSource.MANUAL, evidence_ref.strip(), {"note": note.strip(), "by": by}
    )
    entry = ListEntry(
        rule.id, rule.list, rule.title, unit, person, case_id, on, evidence, rule.basis
    )
    with uow:
        uow.responsibility.add_manual_entry(entry, now)
        uow.audit.append(by, "list_entry", case_id, {"key": entry.key, "rule": rule.id})
        uow.commit()
    return entry


def tolerate(uow: UnitOfWork, entry_key: str, cause: str, by: str, on: dt.date) -> Tolerance:
    """容错免责: record the objective cause that excuses a negative entry."""
    with uow:
        entry = next((e for e in uow.responsibility.entries() if e.key == entry_key), None)
        if entry is None:
            raise ResponsibilityError(f"清单条目 {entry_key} 不存在", f"no list entry {entry_key}")
        if entry.list is not ListKind.NEGATIVE:
            raise ResponsibilityError(
                "只有负面清单条目适用容错免责", "only negative entries are tolerated"
            )
        if not cause.strip():
            raise ResponsibilityError(
                "容错免责须写明客观原因", "a tolerance needs its objective cause"
            )
        tolerance = Tolerance(entry_key, cause.strip(), by, on)
        uow.responsibility.add_tolerance(tolerance)
        uow.audit.append(
            by, "tolerate", entry.case_id, {"key": entry_key, "cause": tolerance.cause}
        )
        uow.commit()
    return tolerance


# --- referral ---------------------------------------------------------------------------------


def referrals(uow: UnitOfWork) -> list[Referral]:
    with uow:
        return uow.responsibility.referrals()


def open_referral(
    uow: UnitOfWork,
    policy: ReferralPolicy,
    source: ReferralSource,
    source_ref: str,
    person: str,
    unit: str,
    case_id: str | None,
    note: str,
    by: str,
    on: dt.date,
) -> Referral:
    with uow:
        r = _open_referral(uow, policy, source, source_ref, person, unit, case_id, note, by, on)
        uow.commit()
    return r


def _open_referral(
    uow: UnitOfWork,
    policy: ReferralPolicy,
    source: ReferralSource,
    source_ref: str,
    person: str,
    unit: str,
    case_id: str | None,
    note: str,
    by: str,
    on: dt.date,
) -> Referral:
    rs = uow.responsibility
    if rs.has_source("referrals", source_ref):
        raise ResponsibilityError(
            f"线索 {source_ref} 已移送", f"lead {source_ref} already referred"
        )
    r = ref.open_referral(
        policy, rs.next_id("XS"), source, source_ref, person, unit, case_id, on, by, note
    )
    rs.save_referral(r)
    uow.audit.append(by, "referral_open", case_id, {"id": r.id, "source": source_ref})
    return r


def advance_referral(
    uow: UnitOfWork,
    policy: ReferralPolicy,
    rid: str,
    by: str,
    on: dt.date,
    note: str,
    finding: str | None = None,
    decision: str | None = None,
) -> Referral:
    with uow:
        r = uow.responsibility.load_referral(rid)
        if r is None:
            raise ResponsibilityError(f"线索 {rid} 不存在", f"no referral {rid}")
        try:
            r = ref.advance(policy, r, on, by, note, finding, decision)
        except ReferralError as exc:
            raise ResponsibilityError(exc.zh, exc.en) from None
        uow.responsibility.save_referral(r)
        uow.audit.append(
            by,
            "referral_step",
            r.case_id,
            {"id": rid, "stage": r.stage, "finding": r.finding, "decision": r.decision},
        )
        uow.commit()
    return r


def take_up_leads(
    uow: UnitOfWork, cfg: ResponsibilityConfig, by: str, on: dt.date
) -> tuple[list[Referral], list[Rectification]]:
    """Open a referral for each 不合格 outcome and acquittal, a rectification for each 基本合格.

    Idempotent: a lead already taken up (same source reference) is left alone.
    """
    with uow:
        found = _take_up_leads(uow, cfg, by, on)
        uow.commit()
    return found


def _take_up_leads(
    uow: UnitOfWork, cfg: ResponsibilityConfig, by: str, on: dt.date
) -> tuple[list[Referral], list[Rectification]]:
    rs = uow.responsibility
    referrals: list[Referral] = []
    rects: list[Rectification] = []
    for o in rs.review_outcomes():
        source_ref = f"review:{o.year}:{o.case_id}"
        if o.kind == OutcomeKind.ACCOUNTABILITY_REFERRAL and not rs.has_source(
            "referrals", source_ref
        ):
            referrals.append(
                _open_referral(
                    uow,
                    cfg.referral,
                    ReferralSource.REVIEW,
                    source_ref,
                    o.person,
                    o.unit,
                    o.case_id,
                    f"案件质量评查结论：{o.grade}",
                    by,
                    on,
                )
            )
        elif o.kind == OutcomeKind.RECTIFICATION and not rs.has_source(
            "rectifications", source_ref
        ):
            due = o.due_on or on + dt.timedelta(days=cfg.default_days)
            problems = tuple(str(p) for p in o.evidence.get("problems", ())) or (
                f"案件 {o.case_id} 评查结论为{o.grade}，须整改",
            )
            rects.append(
                _open_rectification(
                    uow,
                    RectificationKind.ORDINARY,
                    f"{o.case_id} 评查整改",
                    RectificationSource.REVIEW,
                    source_ref,
                    o.unit,
                    problems,
                    on,
                    due,
                    by,
                )
            )
    for case_id, person, unit, day in rs.acquitted():
        source_ref = f"acquittal:{case_id}"
        if not rs.has_source("referrals", source_ref):
            referrals.append(
                _open_referral(
                    uow,
                    cfg.referral,
                    ReferralSource.ACQUITTAL,
                    source_ref,
                    person,
                    unit,
                    case_id,
                    f"{day.isoformat()} 法院判决无罪",
                    by,
                    on,
                )
            )
    return referrals, rects


# --- rectification ------------------------------------------------------------------------------


def rectifications(uow: UnitOfWork) -> list[Rectification]:
    with uow:
        return uow.responsibility.rectifications()


def open_rectification(
    uow: UnitOfWork,
    kind: RectificationKind,
    title: str,
    source: RectificationSource,
    source_ref: str,
    unit: str,
    problems: Sequence[str],
    on: dt.date,
    due_on: dt.date,
    by: str,
) -> Rectification:
    with uow:
        r = _open_rectification(
            uow, kind, title, source, source_ref, unit, problems, on, due_on, by
        )
        uow.commit()
    return r


def _open_rectification(
    uow: UnitOfWork,
    kind: RectificationKind,
    title: str,
    source: RectificationSource,
    source_ref: str,
    unit: str,
    problems: Sequence[str],
    on: dt.date,
    due_on: dt.date,
    by: str,
) -> Rectification:
    rs = uow.responsibility
    if rs.has_source("rectifications", source_ref):
        raise ResponsibilityError(
            f"{source_ref} 已有整改", f"{source_ref} already has a rectification"
        )
    if not [p for p in problems if p.strip()]:
        raise ResponsibilityError("整改须列明问题", "a rectification needs its problems")
    if due_on < on:
        raise ResponsibilityError("整改期限早于开始日期", "deadline before the start")
    r = Rectification(
        rs.next_id("ZG"),
        kind,
        title,
        source,
        source_ref,
        unit,
        on,
        due_on,
        tuple(p.strip() for p in problems if p.strip()),
    )
    rs.save_rectification(r)
    uow.audit.append(by, "rectification_open", None, {"id": r.id, "source": source_ref})
    return r


def open_inspection(
    uow: UnitOfWork,
    title: str,
    unit: str,
    problems: Sequence[str],
    on: dt.date,
    months: int,
    by: str,
) -> Rectification:
    """巡视整改: a concentrated rectification of ``months`` months with monthly reports."""
    due = rect.add_months(on, months)
    return open_rectification(
        uow,
        RectificationKind.INSPECTION,
        title,
        RectificationSource.INSPECTION,
        f"inspection:{unit}:{on}",
        unit,
        problems,
        on,
        due,
        by,
    )


def change_rectification(
    uow: UnitOfWork,
    rid: str,
    by: str,
    action: str,
    change: Callable[[Rectification], Rectification],
) -> Rectification:
    """Apply one domain change (add a task, complete, verify, report, close) and record it."""
    with uow:
        r = uow.responsibility.load_rectification(rid)
        if r is None:
            raise ResponsibilityError(f"整改 {rid} 不存在", f"no rectification {rid}")
        try:
            r = change(r)
        except RectificationError as exc:
            raise ResponsibilityError(exc.zh, exc.en) from None
        uow.responsibility.save_rectification(r)
        uow.audit.append(by, f"rectification_{action}", None, {"id": rid})
        uow.commit()
    return r


# --- assessment and evaluation --------------------------------------------------------------


def _case_weights(
    entries: Sequence[ListEntry], tolerances: Mapping[str, Tolerance], mode: str, soften: float
) -> dict[str, float]:
    out: dict[str, float] = {}
    for e in entries:
        if e.list is ListKind.NEGATIVE and e.case_id:
            out[e.case_id] = min(1.0, out.get(e.case_id, 0.0) + weight(e, tolerances, mode, soften))
    return out


def assess(uow: UnitOfWork, cfg: ResponsibilityConfig, year: int) -> list[PersonAssessment]:
    """对人考核 over the year's closed cases (see domain.assessment)."""
    with uow:
        rs = uow.responsibility
        weights = _case_weights(rs.entries(), rs.tolerances(), cfg.tolerance, cfg.soften_weight)
        late = rs.case_kinds("review_overdue")
        closed = rs.closed_cases(year)
    facts = [
        CaseFact(
            c.case_id,
            c.handler,
            c.unit,
            (c.category, c.charge, str(c.major)),
            weights.get(c.case_id, 0.0),
            (1.0 if c.case_id in late else 0.0) if c.decided else None,
            None if c.outcome is None else float(c.outcome in ADVERSE_OUTCOMES),
        )
        for c in closed
    ]
    return assess_people(facts, cfg.min_cases, cfg.confidence)


def evaluate(uow: UnitOfWork, cfg: ResponsibilityConfig, year: int) -> list[UnitEvaluation]:
    """对院评价: each unit's lists for the year against its closed cases; never a ranking."""
    with uow:
        rs = uow.responsibility
        closed = rs.closed_per_unit(year)  # counted in the store: 5.2 → 0.3 s at 1 M cases
        tolerances = rs.tolerances()
        entries = [e for e in rs.entries() if e.on.year == year]
    mode, soften = cfg.tolerance, cfg.soften_weight
    positive = [(e.unit, e.rule) for e in entries if e.list is ListKind.POSITIVE]
    negative = [
        (e.unit, e.rule, weight(e, tolerances, mode, soften))
        for e in entries
        if e.list is ListKind.NEGATIVE
    ]
    return evaluate_units(closed, positive, negative, min_cases=cfg.min_cases,
                          confidence=cfg.confidence)  # fmt: skip
