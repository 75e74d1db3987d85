"""The management cycle's follow-up on a generated province (issue 16 items 2 and 3), through the
CLI on each backend:

* an analysis meeting (业务数据分析研判会商): a topic set from the data (点题) → assigned and
  answered → a task → the task overdue in the monitoring ledger (and escalating) → the next
  meeting opens with it carried over → done → verified (not by the one who did it) → gone from
  the ledger, and a later meeting carries nothing (issue 16 "must show");
* an upper unit's notice (上级院通报): taken in from a JSON file naming stored cases, split into
  tasks, one overdue in the ledger, done, verified, reported back with a docx listing each
  task's outcome and an xlsx annex.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from jianguan.domain.ledger import Level
from jianguan.entrypoints.cli import cli
from tests.support import app_for, generate, imported

DAY = dt.date(2025, 9, 1)  # a Monday; the generated data run to the end of 2025


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def refused(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2, result.output
    return result.output


def iso(days: int) -> str:
    return (DAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("followup") / "data"
    generate(folder, cases=900, seed=11, defect_rate=0.05, plant=True)
    return folder


def _store(data: Path, url: str) -> tuple[str, list[str]]:
    """Import; the province's code and a few stored case ids."""
    with imported(data, url) as app, app.uow() as uow:
        root = next(u.code for u in uow.cases.units() if u.parent is None)
        ids = sorted(c.case_id for c in uow.cases.iter_cases())[:3]
    return root, ids


def _ledger(url: str, key: str, rule: str) -> tuple[str, Level, str] | None:
    with app_for(url) as app, app.uow() as uow:
        e = uow.ledger.entries().get((key, rule))
    return None if e is None else (e.status.value, e.escalation, e.explanation)


def test_a_meeting_topic_becomes_a_task_overdue_in_the_ledger_then_done_and_verified(
    data: Path, store_url: str
) -> None:
    root, _ids = _store(data, store_url)
    db = ("--db", store_url)
    out = run("meeting-analysis", "open", "--unit", root, "--title", "2025年第三季度业务数据分析研判会商",
              "--on", iso(0), *db)  # fmt: skip
    assert "YP000001" in out
    assert "遗留事项 0 项" in out

    listed = run("meeting-analysis", "propose", "YP000001", "--to", "2025-08-31", *db)
    assert listed.startswith("1. ["), listed  # the data suggests topics, numbered
    assert any(w in listed for w in ("数据异常", "对比偏离", "数据质量问题")), listed
    run("meeting-analysis", "propose", "YP000001", "--to", "2025-08-31", "--pick", "1", *db)
    refused("meeting-analysis", "propose", "YP000001", "--to", "2025-08-31", "--pick", "1", *db)
    shown = json.loads(run("meeting-analysis", "show", "YP000001", "--json", *db))
    topic = shown["topics"][0]
    assert topic["source"] in ("anomaly", "comparison", "data_quality")
    assert topic["cases"], "a topic from the data names its cases"
    assert topic["status"] == "proposed"

    refused("meeting-analysis", "answer", "YP000001", "1", "--text", "未交办", *db)
    run("meeting-analysis", "assign", "YP000001", "1", "--department", "第一检察部",
        "--due", iso(7), "--on", iso(0), *db)  # fmt: skip
    run("meeting-analysis", "answer", "YP000001", "1", "--text", "系季节性因素叠加积案清理所致",
        "--by", "dept_head", "--on", iso(5), *db)  # fmt: skip
    run("meeting-analysis", "minutes", "YP000001", "--text", "会议研究了本季度数据异常情况。",
        "--attendee", "检察长", "--attendee", "案管办主任", "--on", iso(5), *db)  # fmt: skip
    out = run("meeting-analysis", "task", "YP000001", "--topic", "1", "--text", "逐案核查并更正案卡",
              "--owner", "第一检察部", "--due", iso(10), "--on", iso(5), *db)  # fmt: skip
    assert "任务 1" in out

    key, rule = "YP000001-T1", "meeting_task_overdue"
    run("monitor", "--as-of", iso(10), *db)  # due that day: not overdue yet
    assert _ledger(store_url, key, rule) is None
    run("monitor", "--as-of", iso(11), *db)  # Friday 12 September: one day overdue
    entry = _ledger(store_url, key, rule)
    assert entry is not None
    status, level, explanation = entry
    assert status == "open"
    assert level is Level.REMIND
    assert "逐案核查并更正案卡" in explanation
    assert "已逾期 1 日" in explanation
    out = run("monitor", "--as-of", iso(16), *db)  # three working days later: 督促
    assert "会商研判确定的任务逾期未办结" in out  # the rule's title, not its code
    entry = _ledger(store_url, key, rule)
    assert entry is not None
    assert entry[0] == "notified"
    assert entry[1] is Level.URGE

    out = run("meeting-analysis", "open", "--unit", root, "--title", "2025年10月会商",
              "--on", iso(17), *db)  # fmt: skip
    assert "YP000002" in out
    assert "遗留事项 1 项" in out
    assert "逐案核查并更正案卡" in out
    carried = json.loads(run("meeting-analysis", "show", "YP000002", "--json", *db))["carried"]
    assert [(c["meeting"], c["kind"], c["n"], c["still_open"]) for c in carried] == [
        ("YP000001", "task", 1, True)
    ]

    run("meeting-analysis", "done", "YP000001", "1", "--by", "dept_head", "--note", "已更正 12 件",
        "--on", iso(18), *db)  # fmt: skip
    refused(
        "meeting-analysis", "verify", "YP000001", "1", "--by", "dept_head", "--on", iso(18), *db
    )
    run("meeting-analysis", "verify", "YP000001", "1", "--by", "case_office", "--note", "抽查属实",
        "--on", iso(19), *db)  # fmt: skip
    task = json.loads(run("meeting-analysis", "show", "YP000001", "--json", *db))["tasks"][0]
    assert task["status"] == "verified"
    assert task["verified_by"] == "case_office"
    run("monitor", "--as-of", iso(19), *db)
    entry = _ledger(store_url, key, rule)
    assert entry is not None
    assert entry[0] == "corrected"

    carried = json.loads(run("meeting-analysis", "show", "YP000002", "--json", *db))["carried"]
    assert carried[0]["still_open"] is False  # the carried task is settled where it lives
    out = run("meeting-analysis", "open", "--unit", root, "--title", "2025年11月会商",
              "--on", iso(60), *db)  # fmt: skip
    assert "遗留事项 0 项" in out


def test_a_notice_is_taken_in_split_followed_verified_and_reported_back(
    data: Path, store_url: str, tmp_path: Path
) -> None:
    root, ids = _store(data, store_url)
    db = ("--db", store_url)
    notice = {
        "unit": root,
        "issuer": "最高人民检察院案件管理办公室",
        "doc_no": "高检案管通〔2025〕7号",
        "title": "关于部分地区捕后不诉案件质量问题的通报",
        "received_on": iso(0),
        "reply_due": iso(30),
        "problems": [
            {"text": "捕后不诉案件未说明理由", "cases": ids[:2], "due_on": iso(10)},
            {"text": "案卡填录不规范", "cases": [ids[2]]},
        ],
    }
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**notice, "problems": [{"text": "x", "cases": ["nope-1"]}]},
                              ensure_ascii=False, indent=1), encoding="utf-8")  # fmt: skip
    err = refused("notice", "take", str(bad), *db)
    assert "bad.json:" in err
    assert "problems[0].cases" in err
    assert "nope-1" in err
    good = tmp_path / "notice.json"
    good.write_text(json.dumps(notice, ensure_ascii=False, indent=1), encoding="utf-8")
    assert "TB000001" in run("notice", "take", str(good), *db)

    refused("notice", "report-back", "TB000001", "--out", str(tmp_path / "out"), *db)  # not split
    run("notice", "split", "TB000001", "--problem", "1", "--text", "逐案补充不起诉理由说明",
        "--owner", "第二检察部", "--on", iso(1), *db)  # fmt: skip
    run("notice", "split", "TB000001", "--each", "--owner", "案件管理部", "--on", iso(1), *db)
    shown = json.loads(run("notice", "show", "TB000001", "--json", *db))
    assert [(t["source"], t["due_on"]) for t in shown["tasks"]] == [(1, iso(10)), (2, iso(30))]

    run("monitor", "--as-of", iso(12), *db)
    entry = _ledger(store_url, "TB000001-T1", "notice_task_overdue")
    assert entry is not None
    assert entry[0] == "open"
    assert "高检案管通〔2025〕7号" in entry[2]
    assert _ledger(store_url, "TB000001-T2", "notice_task_overdue") is None  # not yet due

    run(
        "notice",
        "done",
        "TB000001",
        "1",
        "--by",
        "p2",
        "--note",
        "已补充说明",
        "--on",
        iso(12),
        *db,
    )
    run("notice", "verify", "TB000001", "1", "--by", "case_office", "--on", iso(13), *db)
    run("notice", "done", "TB000001", "2", "--by", "p3", "--on", iso(13), *db)
    run("notice", "verify", "TB000001", "2", "--by", "case_office", "--not-done", "--note",
        "仍有两件未更正", "--due", iso(20), "--on", iso(14), *db)  # fmt: skip
    run("monitor", "--as-of", iso(14), *db)
    entry = _ledger(store_url, "TB000001-T1", "notice_task_overdue")
    assert entry is not None
    assert entry[0] == "closed"

    out = run("notice", "report-back", "TB000001", "--out", str(tmp_path / "out"), "--on", iso(15),
              *db)  # fmt: skip
    assert "阶段性" in out  # task 2 is reopened: an interim report
    docx = tmp_path / "out" / f"notice-report-back-TB000001-{iso(15)}.docx"
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "关于《关于部分地区捕后不诉案件质量问题的通报》所通报问题整改情况的报告" in text
    assert "逐案补充不起诉理由说明" in text
    assert "经 case_office 核验" in text
    assert "核验未通过，重新整改" in text
    sheet = load_workbook(docx.with_suffix(".xlsx")).worksheets[-1]
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "逐案补充不起诉理由说明" in values

    run("notice", "done", "TB000001", "2", "--by", "p3", "--on", iso(16), *db)
    run("notice", "verify", "TB000001", "2", "--by", "case_office", "--on", iso(17), *db)
    out = run("notice", "report-back", "TB000001", "--out", str(tmp_path / "out"), "--on", iso(17),
              *db)  # fmt: skip
    assert "整改完成" in out
    assert json.loads(run("notice", "show", "TB000001", "--json", *db))["status"]["state"] == (
        "reported"
    )
    refused("notice", "report-back", "TB000001", "--out", str(tmp_path / "out"), *db)
