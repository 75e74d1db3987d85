"""The reports of the management cycle (issue 16, items 1 and 5) on a generated province: the
review commentary, the rectification progress report and the inspection rectification report,
each in docx, PDF and xlsx, with the figures found again in each file and computed independently
through the CLI (`jianguan review commentary --json`, `jianguan rectify list --json`,
`jianguan inspection show --json`).

The inspection's deadlines are those of 《中国共产党巡视工作条例》: 第34条 "被巡视党组织应当自收到
巡视反馈意见之日起,组织开展为期6个月的集中整改" … "(六)向开展巡视工作的党组织的同级纪检监察机关、
组织部门、巡视工作领导小组办公室报送集中整改进展情况报告"; 第35条第1款第4项 / 第36条第4项 /
第37条: "自收到移交问题线索之日起6个月内" / "自收到移交问题之日起6个月内" / "自通报和移交之日起
6个月内" report back to the inspection office."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from jianguan.domain.review import FormStatus
from jianguan.entrypoints.cli import cli
from jianguan.services import review as review_svc
from tests.integration.test_reports import check_pdf, docx_text, flat
from tests.support import app_for, generate, imported, manifest_day

YEAR = 2025
REPORT_DAY = dt.date(2025, 10, 31)
GRADES = ("合格", "基本合格", "不合格", "优质", "合格", "基本合格")


@dataclass(frozen=True)
class Store:
    url: str
    root: str
    child: str
    people: list[str]


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def refused(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2, result.output
    return result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("cycle")
    generate(folder / "data", cases=2500, seed=7, defect_rate=0.08)
    url = f"sqlite:///{folder / 'store.db'}"
    with (
        imported(folder / "data", url, as_of=manifest_day(folder / "data")) as app,
        app.uow() as uow,
    ):
        units = uow.cases.units()
        root = next(u.code for u in units if u.parent is None)
        child = sorted(u.code for u in units if u.parent == root)[0]
        people = sorted(p.id for p in uow.cases.people())
    run("review", "plan", "--year", str(YEAR), "--seed", "c1", "--routine-share", "0.05",
        "--db", url)  # fmt: skip
    run("review", "assign", "--year", str(YEAR), "--mode", "cross", "--db", url)
    with app_for(url) as app:
        policy = app.rules.review
        with app.uow() as uow:
            forms = uow.review.forms(YEAR)
        # grade some forms (the pre-filled marks stand), decide most of them, one left recorded
        for n, f in enumerate(forms[:24]):
            review_svc.record(app.uow(), policy, f.case_id, GRADES[n % len(GRADES)],
                              now=app.now(), year=YEAR, by=f.reviewer)  # fmt: skip
            if n % 8 != 7:
                review_svc.decide(app.uow(), policy, f.case_id, now=app.now(), year=YEAR,
                                  by="case_office", today=REPORT_DAY)  # fmt: skip
    return Store(url, root, child, people)


def test_review_commentary_in_three_formats_has_the_commentary_figures(
    store: Store, tmp_path: Path
) -> None:
    data = json.loads(run("review", "commentary", "--year", str(YEAR), "--json", "--db", store.url))
    out = tmp_path / "out"
    said = run("report", "review-commentary", "--period", str(YEAR), "--unit", store.root,
               "--out", str(out), "--as-of", REPORT_DAY.isoformat(), "--db", store.url)  # fmt: skip
    assert "已生成案件质量评查通报" in said
    stem = f"review-commentary-{store.root}-{YEAR}"
    docx, pdf, xlsx = (out / f"{stem}.{ext}" for ext in ("docx", "pdf", "xlsx"))
    text, tables = docx_text(docx)
    assert "〔2025〕粤检案管评字第1号" in text
    assert "关于2025年度案件质量评查情况的通报" in text
    assert f"评查计划列入案件{data['planned']}件" in text
    assert f"已决定等次{data['decided']}件" in text
    assert f"提出异议{data['objections']}件" in text
    grade_table = tables[0]
    assert grade_table[0] == ["等次", "件数", "占比"]
    names = data["grade_names"]
    shown = {row[0]: int(row[1]) for row in grade_table[1:-1]}
    assert shown == {names[c]: data["grades"].get(c, 0) for c in names}
    assert int(grade_table[-1][1]) == data["decided"] == sum(data["grades"].values())
    problems = {row[1]: int(row[2]) for row in tables[1][1:]}
    assert problems == {p["title"]: p["cases"] for p in data["common_problems"]}

    wb = load_workbook(xlsx)
    forms = list(wb["评查案件"].iter_rows(min_row=2, values_only=True))
    assert len(forms) == data["assigned"]
    decided = Counter(r[11] for r in forms if r[8] == FormStatus.DECIDED.zh)
    assert decided == Counter({names[c]: n for c, n in data["grades"].items()})
    rows = list(wb["评查发现问题"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(p["cases"] for p in data["common_problems"])
    typical = list(wb["典型案例"].iter_rows(min_row=2, values_only=True))
    assert len(typical) == data["grades"].get("basic", 0) + data["grades"].get("unqualified", 0)
    # per unit: the table's rows add up to every assigned form
    unit_table = next(t for t in tables if t[0][0] == "单位")
    assert sum(int(r[1]) for r in unit_table[1:]) == data["assigned"]
    people = list(wb["各检察官评查情况"].iter_rows(min_row=2, values_only=True))
    assert sum(int(r[2]) for r in people) == data["assigned"]
    # in the text: only those with a case graded 基本合格 or 不合格 (columns 基本合格, 不合格)
    person_table = next(t for t in tables if t[0][0] == "检察官")
    want = sorted(r[0] for r in people if int(r[6]) + int(r[7]))
    assert sorted(r[0] for r in person_table[1:]) == want
    assert want

    check_pdf(pdf, ["〔2025〕粤检案管评字第1号", f"已决定等次{data['decided']}件",
                    "二〇二五年十月三十一日"])  # fmt: skip


def test_rectification_progress_counts_done_verified_and_overdue_tasks(
    store: Store, tmp_path: Path
) -> None:
    db = ("--db", store.url)
    p1, p2, p3 = store.people[:3]
    run("rectify", "open", "--unit", store.child, "--title", "文书说理不充分", "--problem",
        "不起诉决定书说理不充分", "--problem", "告知书未送达", "--ref", "cycle-1", "--due",
        "2025-11-30", "--on", "2025-09-01", *db)  # fmt: skip
    rid = json.loads(run("rectify", "list", "--json", *db))[-1]["id"]
    for problem, who, due in ((1, p1, "2025-09-30"), (2, p2, "2025-10-15"), (1, p3, "2025-12-31")):
        run("rectify", "task", rid, "--problem", str(problem), "--responsible", who, "--measure",
            "逐案复查并补正", "--due", due, *db)  # fmt: skip
    run("rectify", "done", rid, "--task", "1", "--note", "已补正", "--on", "2025-09-25", *db)
    run("rectify", "verify", rid, "--task", "1", "--by", p2, "--on", "2025-10-10", *db)
    # task 2 is overdue on 10-31 (due 10-15, not done); task 3 is not due yet
    out = tmp_path / "out"
    run("report", "rectification-progress", "--period", "2025-10", "--unit", store.root,
        "--out", str(out), "--as-of", REPORT_DAY.isoformat(), *db)  # fmt: skip
    rows = json.loads(run("rectify", "list", "--json", *db))
    tasks = [(r, t) for r in rows for t in r["tasks"] if r["opened_on"] <= "2025-10-31"]
    verified = sum(1 for _r, t in tasks if t["verified_on"] and t["verified_on"] <= "2025-10-31")
    overdue = [
        (r["id"], t["n"]) for r, t in tasks if not t["done_on"] and t["due_on"] < "2025-10-31"
    ]
    assert (rid, 2) in overdue
    assert (rid, 3) not in overdue

    stem = f"rectification-progress-{store.root}-2025-10"
    docx, pdf, xlsx = (out / f"{stem}.{ext}" for ext in ("docx", "pdf", "xlsx"))
    text, tables = docx_text(docx)
    assert "〔2025〕粤检案管改字第10号" in text
    assert f"整改任务{len(tasks)}项：已验收{verified}项" in text
    assert f"其中逾期{len(overdue)}项" in text
    late = next(t for t in tables if t[0][0] == "整改编号")
    assert [(r[0], int(r[1])) for r in late[1:]] == overdue
    assert next(r for r in late[1:] if r[0] == rid)[5] == "16"  # 10-15 → 10-31
    wb = load_workbook(xlsx)
    assert len(list(wb["整改任务"].iter_rows(min_row=2))) == len(tasks)
    assert [(r[0], r[3]) for r in wb["逾期任务"].iter_rows(min_row=2, values_only=True)] == overdue
    check_pdf(pdf, ["〔2025〕粤检案管改字第10号", f"其中逾期{len(overdue)}项"])


def test_inspection_rectification_six_months_report_backs_handover_and_recheck(
    store: Store, tmp_path: Path
) -> None:
    db = ("--db", store.url)
    p1, p2, p3 = store.people[3:6]
    said = run("inspection", "open", "--unit", store.root, "--title", "省委第三巡视组巡视反馈意见",
               "--inspector", "省委第三巡视组", "--feedback-on", "2025-04-15",
               "--recipient", "discipline=省纪委监委", "--recipient", "organisation=省委组织部",
               "--recipient", "office=省委巡视工作领导小组办公室", "--by", "party_office", *db)  # fmt: skip
    iid = re.findall(r"XZ\d{6}", said)[0]
    assert "集中整改至 2025-10-14" in said  # 6 months from 04-15: the last day is 10-14
    for problem, who, due in (("落实案件质量评查不到位", p1, "2025-06-30"),
                              ("业务数据审核把关不严", p1, "2025-08-31"),
                              ("案件流程监控问题整改不彻底", p2, "2025-09-30")):  # fmt: skip
        run("inspection", "item", iid, "--problem", problem, "--responsible", who,
            "--measure", "制定整改方案并逐项落实", "--due", due, *db)  # fmt: skip
    run("inspection", "done", iid, "1", "--note", "修订评查办法", "--on", "2025-06-20", *db)
    run("inspection", "done", iid, "3", "--note", "台账清零", "--on", "2025-09-10", *db)
    # 第33条: the leader changes; item 2 (open, p1's) passes to p3, item 1 (done) stays
    said = run("inspection", "handover", iid, "--role", "副检察长", "--predecessor", p1,
               "--successor", p3, "--on", "2025-07-01", *db)  # fmt: skip
    assert "[2]" in said
    # hand-overs: six months from each to report back
    run("inspection", "transfer", iid, "--kind", "lead", "--summary", "某干部违规干预案件线索",
        "--on", "2025-04-20", *db)  # fmt: skip
    run("inspection", "transfer", iid, "--kind", "proposal", "--summary", "完善案件管理制度的建议",
        "--to", "本院案件管理部门", "--on", "2025-05-10", *db)  # fmt: skip
    run(
        "inspection",
        "report-back",
        iid,
        "2",
        "--note",
        "已修订制度并反馈",
        "--on",
        "2025-09-01",
        *db,
    )
    # the progress report went to two of the three recipients before the six months ended
    run("inspection", "report", iid, "--to", "discipline,office", "--text", "集中整改进展情况",
        "--on", "2025-10-10", *db)  # fmt: skip
    # 回头看 on 10-20: item 3 was not fixed; it is reopened with a new deadline
    assert "无需回头看" in refused("inspection", "recheck", iid, "--checked", "2", "--not-fixed",
                                   "2", "--due", "2025-12-31", "--on", "2025-10-20", *db)  # fmt: skip
    run("inspection", "recheck", iid, "--checked", "1,3", "--not-fixed", "3", "--due",
        "2025-12-31", "--on", "2025-10-20", *db)  # fmt: skip

    shown = json.loads(run("inspection", "show", iid, "--as-of", "2025-10-31", "--json", *db))
    st = shown["status"]
    assert st["phase"] == "ongoing"  # the concentrated six months ended on 10-14
    assert st["done"] == [1]
    assert st["reopened"] == [3]
    assert st["overdue"] == [2]  # due 08-31, never done
    assert st["transfers_overdue"] == [1]  # handed 04-20, due 10-20, not reported back
    assert st["transfers_reported"] == [2]
    assert st["unreported"] == ["organisation"]
    assert st["report_overdue"] is True
    assert [t["due_on"] for t in shown["transfers"]] == ["2025-10-20", "2025-11-10"]
    assert shown["items"][1]["responsible"] == p3

    out = tmp_path / "out"
    run("report", "inspection-rectification", "--period", "2025-10", "--unit", store.root,
        "--out", str(out), "--as-of", REPORT_DAY.isoformat(), *db)  # fmt: skip
    stem = f"inspection-rectification-{store.root}-2025-10"
    docx, pdf, xlsx = (out / f"{stem}.{ext}" for ext in ("docx", "pdf", "xlsx"))
    text, tables = docx_text(docx)
    assert "省纪委监委、省委组织部、省委巡视工作领导小组办公室：" in text
    assert "粤检党组报〔2025〕10号" in text
    assert "集中整改期已于二〇二五年十月十四日结束，现转入常态化、长效化整改" in text
    assert "已完成1项，正在整改2项，其中超过整改时限1项" in text
    assert "重新整改1项" in text
    assert "已反馈1件，未到期0件，逾期未反馈1件" in text
    assert "尚未向省委组织部报送集中整改进展情况报告" in text
    transfers = next(t for t in tables if t[0][:2] == ["序号", "类别"])
    assert [r[5] for r in transfers[1:]] == ["2025-10-20", "2025-11-10"]
    reports = next(t for t in tables if t[0][0] == "报送对象")
    assert {r[0]: r[1] for r in reports[1:]} == {"省纪委监委": "1", "省委组织部": "0",
                                                 "省委巡视工作领导小组办公室": "1"}  # fmt: skip
    wb = load_workbook(xlsx)
    items = list(wb["巡视整改问题清单"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in items] == [1, 2, 3]
    assert items[2][9] == "2025-10-20"  # reopened by the 回头看
    assert len(list(wb["回头看"].iter_rows(min_row=2))) == 1
    pdf_text = check_pdf(pdf, ["粤检党组报〔2025〕10号", "逾期未反馈1件"])
    assert flat("尚未向省委组织部报送") in pdf_text


def test_an_inspection_report_without_feedback_and_bad_steps_are_refused(
    store: Store, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["report", "inspection-rectification", "--period", "2025-10",
                                      "--unit", store.child, "--out", str(tmp_path), "--db",
                                      store.url])  # fmt: skip
    assert result.exit_code == 1
    assert "没有登记巡视反馈意见" in result.output
    assert list(tmp_path.iterdir()) == []
    said = run("inspection", "open", "--unit", store.child, "--title", "巡察反馈", "--inspector",
               "市委第一巡察组", "--feedback-on", "2025-03-01", "--db", store.url)  # fmt: skip
    iid = re.findall(r"XZ\d{6}", said)[0]
    assert "整改事项 4 不存在" in refused("inspection", "done", iid, "4", "--db", store.url)
    assert "早于收到反馈意见" in refused("inspection", "item", iid, "--problem", "p", "--responsible",
                                         "x", "--measure", "m", "--due", "2025-01-01", "--db",
                                         store.url)  # fmt: skip
    assert "未知单位" in refused("inspection", "open", "--unit", "000000", "--title", "t",
                                 "--inspector", "i", "--feedback-on", "2025-03-01", "--db",
                                 store.url)  # fmt: skip
