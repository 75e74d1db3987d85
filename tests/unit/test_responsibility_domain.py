"""Referral stages, rectification, lists and the assessment's statistics (pure domain)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianguan.domain import rectification as rect
from jianguan.domain import referral as ref
from jianguan.domain.assessment import CaseFact, assess_people, evaluate_units, poisson_interval
from jianguan.domain.rectification import RectificationKind, RectificationSource
from jianguan.domain.referral import ReferralSource
from jianguan.domain.responsibility import (
    EvidenceSource,
    Facts,
    FindingFact,
    GradeFact,
    ListKind,
    ReferralFact,
    Tolerance,
    build_entries,
    weight,
)
from tests.support import rules

D = dt.date(2026, 1, 5)
CFG = rules().responsibility
POLICY = CFG.referral


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


# --- referral ---------------------------------------------------------------------------------


def test_a_referral_goes_through_every_stage_in_order_to_its_decision() -> None:
    # 人民检察院司法责任追究条例; 检察官惩戒工作程序规定: lead → 检务督察 → investigation →
    # the disciplinary committee's finding → the procuratorate's decision.
    r = ref.open_referral(
        POLICY,
        "XS1",
        ReferralSource.REVIEW,
        "review:2025:C1",
        "P1",
        "440304",
        "C1",
        D,
        "P9",
        "不合格",
    )
    assert ref.due(POLICY, r) == day(10)  # the lead stage's days
    r = ref.advance(POLICY, r, day(3), "P9", "受理")
    r = ref.advance(POLICY, r, day(20), "P9", "调查")
    with pytest.raises(ref.ReferralError, match="finding"):
        ref.advance(POLICY, r, day(50), "P9", "审查")
    r = ref.advance(POLICY, r, day(50), "P9", "审查", finding="监督管理责任")
    with pytest.raises(ref.ReferralError, match="decision"):
        ref.advance(POLICY, r, day(60), "P9", "决定")
    r = ref.advance(POLICY, r, day(60), "P9", "决定", decision="通报批评")
    assert (r.closed_on, r.finding, r.decision) == (day(60), "监督管理责任", "通报批评")
    assert [s.stage for s in r.steps] == [s.id for s in POLICY.stages]
    assert ref.due(POLICY, r) is None
    with pytest.raises(ref.ReferralError):
        ref.advance(POLICY, r, day(61), "P9", "again")


def test_an_overdue_stage_is_found() -> None:
    r = ref.open_referral(
        POLICY, "XS1", ReferralSource.MANUAL, "m1", "P1", "440304", None, D, "P9", "线索"
    )
    assert ref.overdue(POLICY, [r], day(10)) == []
    assert ref.overdue(POLICY, [r], day(11)) == [r]


# --- rectification ------------------------------------------------------------------------------


def opened(
    kind: RectificationKind = RectificationKind.ORDINARY, months: int = 1
) -> rect.Rectification:
    return rect.Rectification("ZG1", kind, "整改", RectificationSource.REVIEW, "r1", "440304", D,
                              rect.add_months(D, months), ("文书不规范", "证据审查不细"))  # fmt: skip


def test_close_needs_every_problem_answered_and_every_task_verified() -> None:
    r = rect.add_task(opened(), 0, "P1", "补正文书", day(10))
    assert rect.close_missing(r) == ["问题 2 尚无整改任务", "任务 1 尚未验收"]
    r = rect.add_task(r, 1, "P2", "组织学习", day(20))
    r = rect.complete_task(r, 1, day(5), "已补正")
    with pytest.raises(rect.RectificationError):
        rect.verify_task(r, 1, "P1", day(6))  # the responsible person cannot verify
    r = rect.verify_task(r, 1, "P3", day(6))
    r = rect.verify_task(rect.complete_task(r, 2, day(8), "已学习"), 2, "P3", day(9))
    closed = rect.close(r, "P3", day(9))
    assert closed.closed_on == day(9)


def test_reminders_as_the_deadline_nears_and_after_it() -> None:
    r = rect.add_task(rect.add_task(opened(), 0, "P1", "补正", day(10)), 1, "P2", "学习", day(30))
    due = rect.reminders([r], day(3), CFG.remind_days)
    assert [(x.task, x.days_left) for x in due] == [(1, 7)]
    late = rect.reminders([r], day(12), CFG.remind_days)
    assert [(x.task, x.overdue) for x in late] == [(1, True)]


def test_an_inspection_rectification_reports_every_month() -> None:
    # 巡视整改: six months, a progress report each month.
    r = opened(RectificationKind.INSPECTION, 6)
    assert rect.report_days(r) == [rect.add_months(D, n) for n in range(1, 7)]
    r = rect.report(r, day(20), "P1", "第一月进展")
    assert rect.missing_reports(r, rect.add_months(D, 2)) == [rect.add_months(D, 2)]


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert rect.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rect.add_months(dt.date(2026, 11, 15), 2) == dt.date(2027, 1, 15)


# --- lists ------------------------------------------------------------------------------------


def test_lists_take_grades_serious_findings_and_decided_responsibility() -> None:
    facts = Facts(
        grades=[GradeFact("C1", "P1", "U", "excellent", D, "review:2025:C1"),
                GradeFact("C2", "P1", "U", "qualified", D, "review:2025:C2"),
                GradeFact("C3", "P2", "U", "unqualified", D, "review:2025:C3")],
        findings=[FindingFact("C4", "P2", "U", "r", "review_overdue", "情节较重", D, "超期",
                              EvidenceSource.MONITORING_LEDGER),
                  FindingFact("C5", "P2", "U", "r", "date_mismatch", "情节轻微", D, "日期",
                              EvidenceSource.MONITORING_LEDGER)],
        referrals=[ReferralFact("XS1", "P2", "U", "C3", "重大过失", "诫勉", D),
                   ReferralFact("XS2", "P1", "U", "C2", "不承担司法责任", "无", D)],
    )  # fmt: skip
    entries = build_entries(CFG.lists, facts, D)
    got = {(e.rule, e.case_id, e.list) for e in entries}
    assert got == {
        ("excellent_grade", "C1", ListKind.POSITIVE),
        ("poor_grade", "C3", ListKind.NEGATIVE),
        ("serious_finding", "C4", ListKind.NEGATIVE),
        ("accountability", "C3", ListKind.NEGATIVE),
    }
    assert all(e.evidence.ref and e.basis for e in entries)


def test_a_tolerated_entry_is_excluded_or_softened() -> None:
    facts = Facts(grades=[GradeFact("C3", "P2", "U", "unqualified", D, "review:2025:C3")])
    (entry,) = build_entries(CFG.lists, facts, D)
    excused = {entry.key: Tolerance(entry.key, "客观原因", "P9", D)}
    assert weight(entry, {}, "exclude", 0.5) == 1.0
    assert weight(entry, excused, "exclude", 0.5) == 0.0
    assert weight(entry, excused, "soften", 0.5) == 0.5


# --- assessment -----------------------------------------------------------------------------


def test_poisson_interval_matches_the_exact_values() -> None:
    # Exact 95 % Poisson limits for O = 10: 4.795 and 18.390; Byar's approximation is close.
    low, high = poisson_interval(10, 0.95)
    assert low == pytest.approx(4.795, abs=0.02)
    assert high == pytest.approx(18.390, abs=0.05)


@given(st.floats(min_value=0, max_value=500))
def test_the_interval_contains_the_observed_count(observed: float) -> None:
    low, high = poisson_interval(observed, 0.95)
    assert 0 <= low <= observed <= high


def facts(person: str, stratum: str, n: int, bad: int) -> list[CaseFact]:
    return [CaseFact(f"{person}-{i}", person, "U", (stratum,), float(i < bad), None, None)
            for i in range(n)]  # fmt: skip


def test_case_mix_is_taken_into_account() -> None:
    # A handles only hard cases (stratum rate 30 %) and has 30 % problems: as expected, not worse.
    rows = facts("A", "hard", 100, 30) + facts("B", "easy", 200, 10) + facts("C", "easy", 200, 12)
    rows += facts("D", "hard", 100, 30)
    by = {a.person: a.scores[0] for a in assess_people(rows, min_cases=20)}
    assert by["A"].verdict == "within"
    assert by["A"].expected == pytest.approx(30.0)


def test_clearly_worse_is_flagged_and_few_cases_are_not_judged() -> None:
    rows = facts("A", "s", 200, 60) + facts("B", "s", 200, 10) + facts("C", "s", 200, 10)
    rows += facts("D", "s", 5, 5)
    by = {a.person: a.scores[0] for a in assess_people(rows, min_cases=20)}
    assert by["A"].verdict == "worse"
    assert by["B"].verdict == "better"
    assert by["D"].verdict == "too_few"
    assert [a.person for a in assess_people(rows, 20)] == ["A", "B", "C", "D"]  # never ranked


def test_unit_evaluation_compares_with_the_province_in_code_order() -> None:
    closed = {"U2": 400, "U1": 400, "U3": 10}
    negative = [("U1", "poor_grade", 1.0)] * 80 + [("U2", "poor_grade", 1.0)] * 8
    rows = evaluate_units(closed, [("U2", "excellent_grade")], negative, min_cases=20)
    assert [r.unit for r in rows] == ["U1", "U2", "U3"]
    assert [r.verdict for r in rows] == ["worse", "better", "too_few"]
    assert rows[1].positive == {"excellent_grade": 1}


def test_no_negative_entry_anywhere_is_never_worse_than_the_province() -> None:
    # Issue 13: with no negative entry in the whole province, the Wilson lower bound of a unit's
    # 0 / n came out as 6.9e-18 > 0 and called it 明显差于全省水平.
    units = evaluate_units({"440304": 120, "440305": 80}, [], [], min_cases=30)
    assert [u.verdict for u in units] == ["within", "within"]
    assert all(u.low == 0.0 for u in units)


def test_every_case_negative_is_never_better_and_no_case_is_never_judged() -> None:
    # The other edges of the same kind: p = 1 (upper bound exactly 1), and a unit with positive
    # entries only and no closed case (n = 0 must not divide by zero, whatever min_cases says).
    negatives = [("440304", "r", 1.0)] * 40 + [("440305", "r", 1.0)] * 40
    units = {u.unit: u for u in evaluate_units(
        {"440304": 40, "440305": 40, "440306": 0}, [("440306", "p")], negatives, min_cases=0
    )}  # fmt: skip
    assert units["440304"].high == 100.0
    assert units["440304"].verdict == "within"  # the whole province is at 100 %
    assert units["440306"].verdict == "too_few"
