"""Case quality review (services.review) on the in-memory unit of work: plan → assign → record →
object → decide, each step one commit, each refusal leaving the store exactly as it was.

tests/integration/test_review.py runs the same use cases on SQLite and PostgreSQL through the
command line; here what is asserted is the use case itself: the form's status moving through
``FormStatus``, the steps and audit entries it writes, and what a refused step leaves (nothing).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from jianguan.adapters.formats.feed import FileFeed
from jianguan.domain.review import (
    FormStatus,
    Mark,
    OutcomeKind,
    ReviewMode,
    ReviewReason,
    Sampling,
)
from jianguan.services import review
from jianguan.services.importing import import_dataset
from tests.factories import numbered_case, write_dataset
from tests.fakes import FakeUnitOfWork, State
from tests.support import rules

YEAR = 2025
FIRST, SECOND = "440304-2025-XSSC-000001", "440304-2025-XSSC-000002"
NOW = dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC)
HANDLER, REVIEWER, CHIEF = "P0012", "P0090", "P0001"  # tests/factories' staff list
POLICY = rules().review


def snapshot(uow: FakeUnitOfWork) -> State:
    """Everything in the store (to compare before and after a refusal)."""
    return copy.deepcopy(uow.state)


@pytest.fixture
def uow(tmp_path: Path) -> FakeUnitOfWork:
    """Two cases closed in 2025 by P0012 (第一检察部); in cross review only P0090 (案件管理部)
    of the same procuratorate may review them."""
    fake = FakeUnitOfWork()
    feed = FileFeed(write_dataset(tmp_path / "set", [numbered_case(1), numbered_case(2)]))
    try:
        assert import_dataset(feed, fake).errors == []
    finally:
        feed.close()
    return fake


def planned(uow: FakeUnitOfWork) -> None:
    plan = review.make_plan(
        uow, POLICY, YEAR, sampling=Sampling(count=2), seed="s", now=NOW, by=CHIEF
    )
    assert [(e.case_id, e.reason) for e in plan.entries] == [
        (FIRST, ReviewReason.ROUTINE),
        (SECOND, ReviewReason.ROUTINE),
    ]
    choices = review.assign(uow, POLICY, YEAR, ReviewMode.CROSS, now=NOW)
    assert {c.case_id: c.reviewer for c in choices} == {FIRST: REVIEWER, SECOND: REVIEWER}


def status(uow: FakeUnitOfWork, case_id: str) -> FormStatus:
    form = uow.state.forms[(YEAR, case_id)]
    assert isinstance(form.status, FormStatus)
    return form.status


def test_a_plan_is_one_commit_with_its_seed_and_a_second_is_refused(uow: FakeUnitOfWork) -> None:
    commits = uow.commits
    plan = review.make_plan(uow, POLICY, YEAR, sampling=Sampling(count=2), seed="s", now=NOW)
    assert uow.commits == commits + 1
    assert (uow.state.plans[YEAR].seed, uow.state.plans[YEAR].at) == ("s", NOW)
    assert review.verify_plan(uow, YEAR) == []
    before = snapshot(uow)
    with pytest.raises(review.ReviewError, match="exists already"):
        review.make_plan(uow, POLICY, YEAR, sampling=Sampling(count=1), seed="t", now=NOW)
    assert snapshot(uow) == before
    assert uow.state.plans[YEAR] == plan
    assert uow.commits == commits + 1


def test_assign_without_a_plan_is_refused_and_writes_nothing(uow: FakeUnitOfWork) -> None:
    before, commits = snapshot(uow), uow.commits
    with pytest.raises(review.ReviewError, match="no review plan for 2025"):
        review.assign(uow, POLICY, YEAR, ReviewMode.CROSS, now=NOW)
    assert (snapshot(uow), uow.commits) == (before, commits)


def test_the_form_moves_through_its_statuses_to_an_outcome(uow: FakeUnitOfWork) -> None:
    planned(uow)
    assert status(uow, FIRST) is FormStatus.ASSIGNED

    done = review.record(uow, POLICY, FIRST, "瑕疵", marks=[], now=NOW)  # the legacy name
    assert (done.status, done.grade, done.score) == (FormStatus.RECORDED, "basic", 100.0)
    assert status(uow, FIRST) is FormStatus.RECORDED

    later = NOW + dt.timedelta(days=1)
    objected = review.object_to(uow, POLICY, FIRST, " 超期系退补所致 ", now=later)
    assert (objected.status, objected.objection) == (FormStatus.OBJECTED, "超期系退补所致")

    decided, opened = review.decide(
        uow, POLICY, FIRST, by=CHIEF, note="维持", now=later, today=dt.date(2025, 11, 4)
    )
    assert (decided.status, decided.final_grade, decided.final_by) == (
        FormStatus.DECIDED,
        "basic",
        CHIEF,
    )
    (outcome,) = opened
    assert OutcomeKind(outcome.kind) is OutcomeKind.RECTIFICATION
    assert outcome.due_on == dt.date(2025, 12, 4)  # 基本合格: 30 days to rectify
    assert (outcome.person, outcome.evidence["form"]) == (HANDLER, f"review:{YEAR}:{FIRST}")
    assert review.outcomes(uow, YEAR, OutcomeKind.RECTIFICATION) == [outcome]
    assert review.outcomes(uow, YEAR, OutcomeKind.ACCOUNTABILITY_REFERRAL) == []

    form, steps = review.form_and_steps(uow, FIRST, None)
    assert form == decided
    assert [e["step"] for e in steps] == ["assigned", "recorded", "objected", "decided", "outcome"]
    assert [a for a in uow.audit.actions() if a.startswith("review.")] == [
        "review.plan",
        *(f"review.{s}" for s in ("assigned", "assigned", "recorded", "objected", "decided",
                                  "outcome")),
    ]  # fmt: skip

    data = review.commentary(uow, POLICY, YEAR)
    assert (data["planned"], data["assigned"], data["decided"]) == (2, 2, 1)
    assert (data["grades"], data["objections"], data["changed_on_objection"]) == (
        {"basic": 1},
        1,
        0,
    )


@pytest.mark.parametrize(
    ("grade", "by", "message"),
    [
        ("优秀", None, "unknown grade"),
        ("合格", HANDLER, "only the assigned reviewer"),
    ],
)
def test_a_refused_record_leaves_nothing_stored(
    uow: FakeUnitOfWork, grade: str, by: str | None, message: str
) -> None:
    planned(uow)
    before, commits = snapshot(uow), uow.commits
    with pytest.raises(review.ReviewError, match=message):
        review.record(uow, POLICY, FIRST, grade, marks=[], by=by, now=NOW)
    assert (snapshot(uow), uow.commits) == (before, commits)
    assert status(uow, FIRST) is FormStatus.ASSIGNED


def test_a_grade_better_than_the_marks_allow_is_refused(uow: FakeUnitOfWork) -> None:
    planned(uow)
    items = sorted(POLICY.standards.items())
    marks = [Mark(i) for i in items[:6]]  # enough deductions to fall below 合格
    assessed = POLICY.standards.assess(marks)
    assert assessed.best.code != "excellent"
    before = snapshot(uow)
    with pytest.raises(review.ReviewError, match="better than the items allow"):
        review.record(uow, POLICY, FIRST, "优质", marks=marks, now=NOW)
    assert snapshot(uow) == before


def test_objections_and_decisions_out_of_turn_are_refused(uow: FakeUnitOfWork) -> None:
    planned(uow)
    before = snapshot(uow)
    with pytest.raises(review.ReviewError, match="only a recorded grade can be objected to"):
        review.object_to(uow, POLICY, FIRST, "理由", now=NOW)
    with pytest.raises(review.ReviewError, match="it cannot be decided"):
        review.decide(uow, POLICY, FIRST, by=CHIEF, now=NOW)
    assert snapshot(uow) == before

    review.record(uow, POLICY, FIRST, "合格", marks=[], now=NOW)
    recorded = snapshot(uow)
    too_late = NOW + dt.timedelta(days=POLICY.objection_days, seconds=1)
    with pytest.raises(review.ReviewError, match="too late to object"):
        review.object_to(uow, POLICY, FIRST, "理由", now=too_late)
    with pytest.raises(review.ReviewError, match="only the handler"):
        review.object_to(uow, POLICY, FIRST, "理由", by=REVIEWER, now=NOW)
    with pytest.raises(review.ReviewError, match="must recuse"):  # the handler took part
        review.decide(uow, POLICY, FIRST, by=HANDLER, now=NOW)
    assert snapshot(uow) == recorded
    assert status(uow, FIRST) is FormStatus.RECORDED

    review.decide(uow, POLICY, FIRST, by=CHIEF, now=NOW)
    with pytest.raises(review.ReviewError, match="can no longer be recorded"):
        review.record(uow, POLICY, FIRST, "合格", marks=[], now=NOW)
    assert status(uow, FIRST) is FormStatus.DECIDED
    assert not uow.state.outcomes  # 合格 opens nothing


def test_a_person_recused_in_case_work_is_never_the_reviewer(uow: FakeUnitOfWork) -> None:
    with uow:
        uow.casework.add_recusal(FIRST, REVIEWER, "近亲属", CHIEF, NOW)
        uow.commit()
    review.make_plan(uow, POLICY, YEAR, sampling=Sampling(count=2), seed="s", now=NOW)
    choices = review.assign(uow, POLICY, YEAR, ReviewMode.CROSS, now=NOW)
    assert {c.case_id: c.reviewer for c in choices} == {FIRST: None, SECOND: REVIEWER}
    assert (YEAR, FIRST) not in uow.state.forms
    assert status(uow, SECOND) is FormStatus.ASSIGNED


def test_the_prefill_sees_the_open_unit_of_work(uow: FakeUnitOfWork) -> None:
    """The self-check that pre-fills forms reads the staff and units of the same transaction."""
    seen: list[bool] = []

    def prefill(inner: object) -> review.FindingsOf:
        assert inner is uow
        seen.append(uow._open)
        return lambda case: []

    review.make_plan(uow, POLICY, YEAR, sampling=Sampling(count=2), seed="s", now=NOW)
    review.assign(uow, POLICY, YEAR, ReviewMode.CROSS, now=NOW, prefill=prefill)
    assert seen == [True]
    real = review.self_check_prefill(rules(), NOW.date())
    with uow:
        findings_of = real(uow)
        case = uow.cases.load_case(FIRST)
        assert case is not None
        found = findings_of(case)
    assert all(f.case_id == FIRST for f in found)
