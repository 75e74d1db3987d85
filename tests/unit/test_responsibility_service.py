"""The judicial-responsibility loop (services.responsibility) on the in-memory unit of work:
review outcomes taken up once as a referral and a rectification, the referral's stages, the
rectification's tasks, the lists built from grades and decisions, and refusals that leave nothing.

tests/integration/test_responsibility_loop.py runs the same loop on generated data through the
command line; here the use cases are asserted one by one.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from jianguan.adapters.formats.feed import FileFeed
from jianguan.domain import rectification as rect
from jianguan.domain.rectification import RectificationKind, RectificationSource, TaskStatus
from jianguan.domain.referral import ReferralSource
from jianguan.domain.responsibility import EvidenceSource, ListKind
from jianguan.domain.review import ReviewMode, Sampling
from jianguan.services import responsibility as svc
from jianguan.services import review
from jianguan.services.importing import import_dataset
from tests.factories import numbered_case, write_dataset
from tests.fakes import FakeUnitOfWork, State
from tests.support import rules

YEAR = 2025
FIRST, SECOND = "440304-2025-XSSC-000001", "440304-2025-XSSC-000002"
NOW = dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC)
ON = dt.date(2025, 11, 10)  # a week after the grades were decided
CFG = rules().responsibility


def snapshot(uow: FakeUnitOfWork) -> State:
    return copy.deepcopy(uow.state)


@pytest.fixture
def uow(tmp_path: Path) -> FakeUnitOfWork:
    """Two reviewed cases of P0012: FIRST decided 不合格, SECOND 基本合格 (reviewer P0090)."""
    fake = FakeUnitOfWork()
    feed = FileFeed(write_dataset(tmp_path / "set", [numbered_case(1), numbered_case(2)]))
    try:
        assert import_dataset(feed, fake).errors == []
    finally:
        feed.close()
    policy = rules().review
    review.make_plan(fake, policy, YEAR, sampling=Sampling(count=2), seed="s", now=NOW)
    review.assign(fake, policy, YEAR, ReviewMode.CROSS, now=NOW)
    for case_id, grade in ((FIRST, "不合格"), (SECOND, "基本合格")):
        review.record(fake, policy, case_id, grade, marks=[], now=NOW)
        review.decide(fake, policy, case_id, by="P0001", now=NOW)
    return fake


def test_leads_are_taken_up_once(uow: FakeUnitOfWork) -> None:
    refs, rects = svc.take_up_leads(uow, CFG, "P0090", ON)
    assert [(r.source, r.source_ref, r.person) for r in refs] == [
        (ReferralSource.REVIEW, f"review:{YEAR}:{FIRST}", "P0012")
    ]
    (opened,) = rects
    assert (opened.kind, opened.source, opened.source_ref) == (
        RectificationKind.ORDINARY,
        RectificationSource.REVIEW,
        f"review:{YEAR}:{SECOND}",
    )
    assert opened.due_on == NOW.date() + dt.timedelta(days=30)  # the grade's deadline
    commits = uow.commits
    assert svc.take_up_leads(uow, CFG, "P0090", ON) == ([], [])
    assert uow.commits == commits + 1  # committed, but nothing new
    assert len(svc.referrals(uow)) == len(svc.rectifications(uow)) == 1


def test_a_refused_step_leaves_nothing(uow: FakeUnitOfWork) -> None:
    (referral,), _ = svc.take_up_leads(uow, CFG, "P0090", ON)
    before, commits = snapshot(uow), uow.commits
    with pytest.raises(svc.ResponsibilityError, match="already referred"):
        svc.open_referral(uow, CFG.referral, ReferralSource.MANUAL, referral.source_ref,
                          "P0012", "440304", FIRST, "again", "P0090", ON)  # fmt: skip
    with pytest.raises(svc.ResponsibilityError, match="no referral"):
        svc.advance_referral(uow, CFG.referral, "XS999999", "P0090", ON, "受理")
    with pytest.raises(svc.ResponsibilityError, match="date before"):
        svc.advance_referral(uow, CFG.referral, referral.id, "P0090", ON - dt.timedelta(1), "x")
    with pytest.raises(svc.ResponsibilityError, match="deadline before the start"):
        svc.open_rectification(uow, RectificationKind.ORDINARY, "整改", RectificationSource.MANUAL,
                               "m-1", "440304", ["问题"], ON, ON - dt.timedelta(1), "P0090")  # fmt: skip
    assert (snapshot(uow), uow.commits) == (before, commits)


def test_a_referral_goes_to_its_decision_and_onto_the_negative_list(uow: FakeUnitOfWork) -> None:
    (referral,), _ = svc.take_up_leads(uow, CFG, "P0090", ON)
    for n, (note, finding, decision) in enumerate(
        (
            ("受理", None, None),
            ("调查", None, None),
            ("审查", "重大过失", None),
            ("决定", None, "诫勉谈话"),
        )
    ):
        r = svc.advance_referral(uow, CFG.referral, referral.id, "P0090", ON + dt.timedelta(n),
                                 note, finding, decision)  # fmt: skip
    assert (r.finding, r.decision, r.is_open) == ("重大过失", "诫勉谈话", False)
    entries = svc.build_lists(uow, CFG, ON + dt.timedelta(10), "P0090", NOW)
    got = {(e.rule, e.case_id, e.list, e.evidence.source) for e in entries}
    assert ("accountability", FIRST, ListKind.NEGATIVE, EvidenceSource.REFERRAL) in got
    assert ("poor_grade", FIRST, ListKind.NEGATIVE, EvidenceSource.REVIEW_OUTCOME) in got
    assert ("poor_grade", SECOND, ListKind.NEGATIVE, EvidenceSource.REVIEW_OUTCOME) in got
    listed, _ = svc.list_entries(uow)
    assert [e.key for e in listed] == [e.key for e in entries]
    positive = svc.add_manual_entry(uow, CFG.list_rule("guiding_case"), "440304", "P0012", None,
                                    ON, "典型案例1", "", "P0090", NOW)  # fmt: skip
    assert positive.list is ListKind.POSITIVE
    assert positive.evidence.source is EvidenceSource.MANUAL
    before = snapshot(uow)
    with pytest.raises(svc.ResponsibilityError, match="only negative"):
        svc.tolerate(uow, positive.key, "原因", "P0001", ON)
    with pytest.raises(svc.ResponsibilityError, match="built from records"):
        svc.add_manual_entry(uow, CFG.list_rule("poor_grade"), "440304", "P0012", FIRST, ON,
                             "x", "", "P0090", NOW)  # fmt: skip
    assert snapshot(uow) == before
    rebuilt = svc.build_lists(uow, CFG, ON + dt.timedelta(10), "P0090", NOW)
    assert positive.key in {e.key for e in svc.list_entries(uow)[0]}  # manual entries stay
    assert positive.key not in {e.key for e in rebuilt}
    key = next(e.key for e in entries if e.rule == "accountability")
    svc.tolerate(uow, key, "法律适用存在重大分歧", "P0001", ON)
    assert svc.list_entries(uow)[1][key].cause == "法律适用存在重大分歧"


def test_a_rectification_closes_only_once_every_task_is_verified(uow: FakeUnitOfWork) -> None:
    _, (opened,) = svc.take_up_leads(uow, CFG, "P0090", ON)
    rid = opened.id
    refused = snapshot(uow)
    with pytest.raises(svc.ResponsibilityError, match="cannot close"):
        svc.change_rectification(uow, rid, "P0090", "close", lambda r: rect.close(r, "P0090", ON))
    assert snapshot(uow) == refused
    due = ON + dt.timedelta(days=10)
    svc.change_rectification(uow, rid, "P0090", "task",
                             lambda r: rect.add_task(r, 0, "P0012", "补正", due))  # fmt: skip
    svc.change_rectification(uow, rid, "P0012", "done",
                             lambda r: rect.complete_task(r, 1, ON, "已补正"))  # fmt: skip
    with pytest.raises(svc.ResponsibilityError, match="cannot verify"):
        svc.change_rectification(uow, rid, "P0012", "verify",
                                 lambda r: rect.verify_task(r, 1, "P0012", ON))  # fmt: skip
    (task,) = svc.rectifications(uow)[0].tasks
    assert task.status is TaskStatus.DONE
    svc.change_rectification(uow, rid, "P0090", "verify",
                             lambda r: rect.verify_task(r, 1, "P0090", ON))  # fmt: skip
    closed = svc.change_rectification(uow, rid, "P0090", "close",
                                      lambda r: rect.close(r, "P0090", ON))  # fmt: skip
    assert closed.closed_on == ON
    assert closed.tasks[0].status is TaskStatus.VERIFIED
    assert [a for a in uow.audit.actions() if a.startswith("rectification_")] == [
        "rectification_open", "rectification_task", "rectification_done",
        "rectification_verify", "rectification_close",
    ]  # fmt: skip


def test_an_inspection_rectification_runs_its_months(uow: FakeUnitOfWork) -> None:
    r = svc.open_inspection(uow, "巡视整改", "440304", ["问题"], ON, CFG.inspection_months, "P1")
    assert (r.kind, r.source) == (RectificationKind.INSPECTION, RectificationSource.INSPECTION)
    assert r.due_on == rect.add_months(ON, CFG.inspection_months)
    assert len(rect.report_days(r)) == CFG.inspection_months
