"""Follow-up tasks, analysis meetings and upper-unit notices as pure rules; the notice file
formats with their located errors; the meeting and notice services on the fake unit of work;
both aggregates round-trip through the store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from jianguan.bootstrap import read_notice
from jianguan.domain import analysis_meeting as mdom
from jianguan.domain import followup
from jianguan.domain import notice as ndom
from jianguan.domain.analysis_meeting import CarriedKind, Proposal, TopicSource
from jianguan.domain.followup import FollowUpError, TaskStatus
from jianguan.domain.monitoring import FindingKind
from jianguan.services.followup import task_findings
from tests.fakes import FakeUnitOfWork
from tests.support import app_for, rules

D = dt.date


def _task() -> followup.Task:
    return followup.new_task(1, "核查", "第一检察部", D(2025, 9, 10), D(2025, 9, 1))


def test_a_task_is_done_then_verified_by_someone_else() -> None:
    t = _task()
    assert t.status is TaskStatus.OPEN
    assert not t.overdue(D(2025, 9, 10))
    assert t.overdue(D(2025, 9, 11))
    done = followup.complete(t, D(2025, 9, 12), "p1", "已核查")
    assert done.status is TaskStatus.DONE
    assert not done.overdue(D(2025, 9, 30))
    with pytest.raises(FollowUpError, match="cannot verify"):
        followup.verify(done, D(2025, 9, 13), "p1", True, "")
    ok = followup.verify(done, D(2025, 9, 13), "p2", True, "属实")
    assert ok.status is TaskStatus.VERIFIED
    assert ok.settled


def test_a_failed_verification_reopens_with_a_later_due_date() -> None:
    done = followup.complete(_task(), D(2025, 9, 12), "p1", "")
    with pytest.raises(FollowUpError, match="later due date"):
        followup.verify(done, D(2025, 9, 13), "p2", False, "未到位")  # the old date has passed
    with pytest.raises(FollowUpError, match="reason"):
        followup.verify(done, D(2025, 9, 13), "p2", False, "", D(2025, 9, 30))
    again = followup.verify(done, D(2025, 9, 13), "p2", False, "未到位", D(2025, 9, 30))
    assert again.status is TaskStatus.REOPENED
    assert again.due_on == D(2025, 9, 30)
    assert again.done_on is None
    assert not again.overdue(D(2025, 9, 30))


def test_the_overdue_finding_names_the_task_and_its_rule() -> None:
    meeting_rule = rules().followup.meeting  # rules/followup.toml
    f = followup.overdue_finding(meeting_rule, "YP000001", "440000", _task(), "会商",
                                 D(2025, 9, 13))  # fmt: skip
    assert f is not None
    assert f.key == ("YP000001-T1", "meeting_task_overdue")
    assert f.kind is FindingKind.MEETING_TASK_OVERDUE
    assert "已逾期 3 日" in f.explanation
    assert followup.overdue_finding(meeting_rule, "YP000001", "440000", _task(), "会商",
                                    D(2025, 9, 10)) is None  # fmt: skip
    assert rules().rule("meeting_task_overdue").title == "会商研判确定的任务逾期未办结"
    assert rules().rule("notice_task_overdue").title == "上级院通报督办任务逾期未办结"


def _meeting() -> mdom.Meeting:
    m = mdom.open_meeting("YP000001", "440000", "三季度会商", D(2025, 9, 1), "case_office")
    m = mdom.add_topic(m, Proposal(TopicSource.ANOMALY, "k1", "骤降", "说明", "440100",
                                   ("c1",)), D(2025, 9, 1))  # fmt: skip
    return mdom.add_task(m, 1, "核查", "第一检察部", D(2025, 9, 10), D(2025, 9, 1))


def test_a_topic_is_set_once_assigned_then_answered() -> None:
    m = _meeting()
    with pytest.raises(FollowUpError, match="already set"):
        mdom.add_topic(m, Proposal(TopicSource.ANOMALY, "k1", "骤降", "", "440100"), D(2025, 9, 1))
    with pytest.raises(FollowUpError, match="not assigned"):
        mdom.answer_topic(m, 1, "原因", "p1", D(2025, 9, 2))
    m = mdom.assign_topic(m, 1, "第一检察部", D(2025, 9, 8), D(2025, 9, 1))
    assert m.topics[0].overdue(D(2025, 9, 9))
    m = mdom.answer_topic(m, 1, "原因", "p1", D(2025, 9, 5))
    assert m.topics[0].status is mdom.TopicStatus.ANSWERED
    assert not m.topics[0].overdue(D(2026, 1, 1))


def test_the_next_meeting_carries_what_is_still_open_and_only_of_its_unit() -> None:
    m = _meeting()
    other = mdom.open_meeting("YP000002", "440100", "区院会商", D(2025, 9, 2), "x")
    nxt = mdom.open_meeting("YP000003", "440000", "十月会商", D(2025, 10, 1), "x", [m, other])
    assert [(c.meeting, c.kind, c.n) for c in nxt.carried] == [
        ("YP000001", CarriedKind.TOPIC, 1), ("YP000001", CarriedKind.TASK, 1),
    ]  # fmt: skip
    m = mdom.answer_topic(mdom.assign_topic(m, 1, "一部", D(2025, 9, 8), D(2025, 9, 1)), 1, "因",
                          "p", D(2025, 9, 2))  # fmt: skip
    m = mdom.verify_task(mdom.complete_task(m, 1, D(2025, 9, 5), "p1", ""), 1, D(2025, 9, 6),
                         "p2", True, "")  # fmt: skip
    assert mdom.open_meeting("YP000004", "440000", "十一月", D(2025, 11, 1), "x", [m]).carried == ()
    assert mdom.status(m, D(2025, 12, 1)).settled


def _draft_fields() -> dict[str, object]:
    return {"unit": "440000", "issuer": "最高人民检察院", "doc_no": "高检通〔2025〕1号",
            "title": "通报", "received_on": "2025-09-01", "reply_due": "2025-10-31",
            "problems": [{"text": "问题一", "cases": ["c1", "c2"], "due_on": "2025-09-30"},
                         {"text": "问题二", "cases": "c3、c4"}]}  # fmt: skip


def test_a_notice_json_is_read_and_its_errors_located() -> None:
    draft, errors = ndom.parse_json(json.dumps(_draft_fields(), ensure_ascii=False), "n.json")
    assert errors == []
    assert draft is not None
    assert [p.cases for p in draft.problems] == [("c1", "c2"), ("c3", "c4")]
    body = _draft_fields()
    body["reply_due"] = "2025-08-01"
    body["problems"] = [{"text": "好"}, {"text": "", "due_on": "九月"}, {"text": "x", "oops": 1}]
    body["extra"] = 1
    text = json.dumps(body, ensure_ascii=False, indent=1)
    _d, errors = ndom.parse_json(text, "n.json")
    where = {(e.line, e.field) for e in errors}
    lines = text.splitlines()
    line_of = {k: next(i for i, x in enumerate(lines, 1) if f'"{k}"' in x)
               for k in ("reply_due", "extra")}  # fmt: skip
    second = [i for i, x in enumerate(lines, 1) if x.strip() == "{"][2]  # the 2nd problem
    assert (line_of["reply_due"], "reply_due") in where  # before the receipt
    assert (line_of["extra"], "extra") in where
    assert (second, "problems[1].text") in where
    assert any(f == "problems[2].oops" for _l, f in where)
    _d, errors = ndom.parse_json('{"unit": "4400",\n "issuer": }', "bad.json")
    assert errors[0].line == 2
    assert "不是有效的 JSON" in errors[0].zh


def test_a_notice_workbook_is_read_with_rows_as_lines(tmp_path: Path) -> None:
    book = Workbook()
    meta = book.active
    assert meta is not None
    meta.title = "通报"
    meta.append(["项目", "内容"])
    for k in ("受文单位编码", "通报单位", "文号", "标题"):
        meta.append([k, "440000" if k == "受文单位编码" else k])
    meta.append(["收文日期", dt.datetime(2025, 9, 1)])
    meta.append(["反馈时限", "2025-10-31"])
    probs = book.create_sheet("问题")
    probs.append(["问题", "涉及案件", "整改期限"])
    probs.append(["问题一", "c1,c2", "2025-09-30"])
    probs.append(["问题二", None, "2025-13-01"])
    book.save(tmp_path / "n.xlsx")
    draft, errors = read_notice(tmp_path / "n.xlsx")
    assert draft is None
    assert [(e.line, e.field) for e in errors] == [(3, "problems[1].due_on")]
    probs.delete_rows(3)
    book.save(tmp_path / "n.xlsx")
    draft, errors = read_notice(tmp_path / "n.xlsx")
    assert errors == []
    assert draft is not None
    assert draft.received_on == D(2025, 9, 1)
    assert draft.problems[0].cases == ("c1", "c2")


def test_a_notice_is_split_followed_and_reported_back() -> None:
    draft, _e = ndom.parse_json(json.dumps(_draft_fields()), "n.json")
    assert draft is not None
    n = ndom.take_in("TB000001", draft)
    with pytest.raises(FollowUpError, match="no task"):
        ndom.report_back(n, D(2025, 9, 2), "p")
    n = ndom.split_each(n, "案管部", D(2025, 9, 2))
    assert [t.due_on for t in n.tasks] == [D(2025, 9, 30), D(2025, 10, 31)]
    assert ndom.status(n, D(2025, 10, 1)).tasks_overdue == (1,)
    assert [f.key for f in ndom.findings(n, rules().followup.notice, D(2025, 10, 1))] == [
        ("TB000001-T1", "notice_task_overdue")
    ]
    n = ndom.report_back(n, D(2025, 10, 1), "p")
    assert not n.reports[-1].complete
    assert n.state() is ndom.NoticeState.FOLLOWING
    for k in (1, 2):
        n = ndom.verify_task(ndom.complete_task(n, k, D(2025, 10, 2), "p1", ""), k,
                             D(2025, 10, 3), "p2", True, "")  # fmt: skip
    n = ndom.report_back(n, D(2025, 10, 4), "p")
    assert n.state() is ndom.NoticeState.REPORTED
    assert not ndom.status(n, D(2026, 1, 1)).reply_overdue


def test_task_findings_on_the_fake_unit_of_work() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.analysis_meetings.save(_meeting())
        uow.commit()
    with uow:
        found = task_findings(uow, rules(), D(2025, 9, 11), None)
        assert [f.case_id for f in found] == ["YP000001-T1"]
        assert task_findings(uow, rules(), D(2025, 9, 11), {"440100"}) == []  # another unit's scope


def test_both_aggregates_round_trip_through_the_store(store_url: str) -> None:
    m = mdom.record_minutes(_meeting(), "纪要", ["甲", "乙"], "p", D(2025, 9, 1))
    m = mdom.verify_task(mdom.complete_task(m, 1, D(2025, 9, 5), "p1", "好"), 1, D(2025, 9, 6),
                         "p2", False, "未到位", D(2025, 9, 30))  # fmt: skip
    draft, _e = ndom.parse_json(json.dumps(_draft_fields()), "n.json")
    assert draft is not None
    n = ndom.report_back(ndom.split_each(ndom.take_in("TB000001", draft), "部", D(2025, 9, 2)),
                         D(2025, 9, 3), "p")  # fmt: skip
    carried = mdom.open_meeting("YP000002", "440000", "下次", D(2025, 10, 1), "x", [m])
    with app_for(store_url) as app:
        with app.uow() as uow:
            assert uow.analysis_meetings.next_id() == "YP000001"
            for x in (m, carried):
                uow.analysis_meetings.save(x)
            uow.notices.save(n)
            uow.commit()
        with app.uow() as uow:
            assert uow.analysis_meetings.load("YP000001") == m
            assert uow.analysis_meetings.all({"440000"}) == [m, carried]
            assert uow.analysis_meetings.all({"440100"}) == []
            assert uow.notices.load("TB000001") == n
            assert uow.notices.next_id() == "TB000002"
            assert uow.notices.load("nope") is None
