"""Review rules (domain.review) on hand-built cases: triggers with their basis, sampling, grades.

Triggers the generator never produces (state compensation has no field in format v1) are tested
here with hand-built cases.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jianguan.adapters.review_file import default_review_policy, parse_review_policy, review_text
from jianguan.adapters.rule_pack import RuleFileError
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    Document,
    Event,
    EventType,
    Outcome,
    OutcomeType,
)
from jianguan.domain.review import (
    ClosedCase,
    Mark,
    PlanBuilder,
    ReviewReason,
    Sampling,
    TriggerEnv,
    draw_routine,
    fired_triggers,
    grade_allowed,
    reverse_reason,
    routine_candidates,
)

POLICY = default_review_policy()
D = dt.date


def case(n: int = 1, **changes: object) -> Case:
    base = Case(
        case_id=f"C{n:04d}",
        unified_no=f"U{n:04d}",
        unit="440304",
        department="第一检察部",
        category=CaseCategory.PROSECUTION_REVIEW,
        source=CaseSource.TRANSFERRED,
        received_on=D(2025, 3, 1),
        handler="P0012",
        assigned_on=D(2025, 3, 1),
        assignment=AssignmentMode.RANDOM,
        major_complex=False,
        charges=("盗窃罪",),
        decision=Decision(DecisionType.PROSECUTE, D(2025, 3, 20), "P0012", None),
        closed_on=D(2025, 3, 20),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def outcome(kind: OutcomeType, on: dt.date, charge_changed: bool = False) -> Outcome:
    return Outcome(kind, on, None, None, None, False, charge_changed)


def fired(c: Case, year: int = 2025, env: TriggerEnv | None = None) -> list[str]:
    return fired_triggers(c, POLICY.triggers, env or TriggerEnv(), year)


def test_every_trigger_cites_its_basis() -> None:
    assert all(t.basis for t in POLICY.triggers)
    assert all(s.basis for s in POLICY.specials)
    assert all(i.basis for i in POLICY.standards.items().values())


def test_acquittal_is_a_key_review_in_the_year_of_the_judgment() -> None:
    # 2015 意见: an acquittal always starts an accountability check (无罪判决一律启动问责机制).
    c = case(outcome=outcome(OutcomeType.ACQUITTED, D(2026, 2, 3)))
    assert fired(c, 2026) == ["acquittal"]
    assert fired(c, 2025) == []  # closed in 2025, but the judgment came in 2026


@pytest.mark.parametrize(
    ("kind", "trigger"),
    [
        (OutcomeType.WITHDRAWN, "withdrawn_prosecution"),  # 撤回起诉 (玉门 每案必查)
        (OutcomeType.EXEMPTED, "exempted"),  # 免予刑事处罚 (刑法第37条)
    ],
)
def test_court_outcomes_trigger_key_review(kind: OutcomeType, trigger: str) -> None:
    assert fired(case(outcome=outcome(kind, D(2025, 6, 1)))) == [trigger]
    assert fired(case(outcome=outcome(OutcomeType.CONVICTED, D(2025, 6, 1)))) == []


def test_a_changed_charge_triggers_key_review() -> None:
    # 诉判不一: the court convicted of another offence.
    c = case(outcome=outcome(OutcomeType.CONVICTED, D(2025, 6, 1), charge_changed=True))
    assert fired(c) == ["charge_changed"]


def test_not_prosecuted_after_arrest_needs_the_matters_arrest() -> None:
    # 捕后不诉: the prosecution stage of a matter whose arrest was approved, then not prosecuted.
    np = Decision(DecisionType.NOT_PROSECUTE, D(2025, 5, 5), "P0012", "P0001")
    c = case(decision=np)
    assert fired(c, env=TriggerEnv(frozenset({"U0001"}))) == ["not_prosecuted_after_arrest"]
    assert fired(c, env=TriggerEnv(frozenset({"U9999"}))) == []  # never arrested
    # non-prosecution alone is a configured trigger, off by default
    assert POLICY.trigger("non_prosecution").enabled is False


def test_state_compensation_is_detected_from_its_document_or_an_event_note() -> None:
    # 2015 意见: state compensation always starts an accountability check. Format v1 has no
    # compensation field, so it is read from a 国家赔偿决定书 or an event noted state_compensation.
    doc = Document("state_compensation_decision", "粤检赔〔2025〕3号", D(2025, 9, 1), None)
    assert fired(case(documents=(doc,))) == ["state_compensation"]
    ev = Event(EventType.DECIDED, D(2025, 9, 2), None, None, "state_compensation")
    assert fired(case(events=(ev,))) == ["state_compensation_noted"]
    assert fired(case()) == []


def test_enabling_a_configured_trigger_is_a_change_of_data_not_code() -> None:
    text = review_text().replace(
        'title = "不批准逮捕"\nbasis = ["玉门 每案必查 [P]"]\nenabled = false',
        'title = "不批准逮捕"\nbasis = ["玉门 每案必查 [P]"]\nenabled = true',
    )
    policy = parse_review_policy(text)
    deny = case(
        category=CaseCategory.ARREST_REVIEW,
        decision=Decision(DecisionType.DENY_ARREST, D(2025, 4, 1), "P0012", "P0001"),
    )
    assert fired_triggers(deny, policy.triggers, TriggerEnv(), 2025) == ["non_arrest"]
    assert fired(deny) == []


def test_a_trigger_without_basis_is_refused() -> None:
    text = review_text().replace('basis = ["防城港 捕后不诉案件评查 [P]"]\n', "")
    with pytest.raises(RuleFileError, match="not_prosecuted_after_arrest"):
        parse_review_policy(text)


def test_routine_size_is_the_share_rounded_up_and_at_least_one() -> None:
    s = Sampling(share=0.05)
    assert [s.size(n) for n in (0, 1, 20, 21, 40)] == [0, 1, 1, 2, 2]
    assert Sampling(count=3).size(2) == 2  # never more than there are
    assert Sampling(count=3).size(10) == 3


def test_routine_draw_is_reproducible_per_prosecutor() -> None:
    cands = {"P1": [f"A{i}" for i in range(30)], "P2": [f"B{i}" for i in range(7)]}
    s = Sampling(share=0.1)
    first = draw_routine(cands, s, "seed-1")
    assert first == draw_routine(cands, s, "seed-1")
    assert [len(v) for v in first.values()] == [3, 1]
    # one prosecutor's draw does not depend on anyone else's candidates
    assert draw_routine({"P1": cands["P1"]}, s, "seed-1")["P1"] == first["P1"]


def test_plan_lists_each_case_once_with_its_strongest_reason() -> None:
    acquitted = case(1, outcome=outcome(OutcomeType.ACQUITTED, D(2025, 7, 1)))
    plain = case(2)
    b = PlanBuilder(2025, POLICY.triggers, (), TriggerEnv())
    for c in (acquitted, plain):
        b.add(c)
    cands = routine_candidates([acquitted, plain], 2025)
    entries = b.entries({"P0012": cands["P0012"]})  # both drawn routinely too
    assert [(e.case_id, e.reason, e.trigger) for e in entries] == [
        ("C0001", ReviewReason.KEY, "acquittal"),
        ("C0002", ReviewReason.ROUTINE, None),
    ]
    assert entries[0].reasons == (ReviewReason.KEY, ReviewReason.ROUTINE)
    # a plan keeps only the routine draw's three fields of each closed case: the same draw
    light = [ClosedCase(c.case_id, c.handler, c.closed_on) for c in (acquitted, plain)]
    assert routine_candidates(light, 2025) == cands
    assert routine_candidates(light, 2024) == {}


def test_special_review_by_charge_and_finding_kind() -> None:
    dui = POLICY.special("dangerous_driving")
    notices = POLICY.special("notice_defects")
    assert dui is not None
    assert notices is not None
    b = PlanBuilder(2025, (), (dui, notices), TriggerEnv())
    b.add(case(1, charges=("危险驾驶罪",)))
    b.add(case(2), lambda: {"counsel_notice_late"})
    b.add(case(3), lambda: {"date_mismatch"})
    got = {e.case_id: e.specials for e in b.entries({})}
    assert got == {"C0001": ("dangerous_driving",), "C0002": ("notice_defects",)}


def test_grade_scale_accepts_the_legacy_flawed_grade() -> None:
    # 2026 scale 优质/合格/基本合格/不合格; 瑕疵 (before 2026) is read as 基本合格.
    scale = POLICY.standards.scale
    assert [g.zh for g in scale.grades] == ["优质", "合格", "基本合格", "不合格"]
    basic = scale.parse("瑕疵")
    assert basic is not None
    assert basic.zh == "基本合格"
    assert scale.parse("qualified") is scale.parse("合格")
    assert scale.parse("优秀") is None


def test_deductions_and_caps_limit_the_grade() -> None:
    st = POLICY.standards
    clean = st.assess([])
    assert clean.score == 100
    assert clean.suggested.zh == "合格"
    assert clean.best.zh == "优质"
    card = st.assess([Mark("documents.card_error")])
    assert card.score == 98
    assert card.suggested.zh == "合格"
    overdue = st.assess([Mark("procedure.overdue")])  # caps at 基本合格
    assert overdue.best.zh == "基本合格"
    assert overdue.reasons == ("procedure.overdue",)
    wrong = st.assess([Mark("facts.wrong_facts")])
    assert wrong.suggested.zh == "不合格"
    qualified = st.scale.parse("合格")
    unqualified = st.scale.parse("不合格")
    assert qualified is not None
    assert unqualified is not None
    assert not grade_allowed(overdue, qualified, st.scale)
    assert grade_allowed(
        overdue, unqualified, st.scale
    )  # worse than allowed is the reviewer's call


def test_prefill_maps_findings_to_items() -> None:
    marks = POLICY.standards.prefill(
        [("review_overdue", "review_overdue", "超期"), ("x", "unknown_kind", "?")]
    )
    assert marks == [Mark("procedure.overdue", "超期", "finding:review_overdue")]


def test_reverse_review_queue_reasons() -> None:
    acq = case(outcome=outcome(OutcomeType.ACQUITTED, D(2025, 8, 1)))
    assert reverse_reason(acq, POLICY, 2025) == "acquitted"
    complaint = case(category=CaseCategory.COMPLAINT, decision=None)
    assert reverse_reason(complaint, POLICY, 2025) == "complaint"
    assert reverse_reason(case(), POLICY, 2025) is None
