"""The judicial-responsibility loop on generated data (判、核、督、惩、制):
a finding or a grade → referral and rectification → decision → lists → assessment.

Each step goes through the command line a case officer uses; every list entry must trace to
the record it came from.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from tests.support import app_for, generate

YEAR = "2025"


class Jg:
    def __init__(self, db: str) -> None:
        self.db = db

    def __call__(self, *args: str, ok: bool = True) -> str:
        result = CliRunner().invoke(cli, [*args, "--db", self.db])
        if ok:
            assert result.exit_code == 0, (args, result.output)
        else:
            assert result.exit_code == 2, (args, result.output)
        return result.output

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json"))


@pytest.fixture(scope="module")
def jg(tmp_path_factory: pytest.TempPathFactory) -> Jg:
    root = tmp_path_factory.mktemp("loop")
    generate(root / "set", cases=2500, seed=21, defect_rate=0.1, workers=1)
    db = f"sqlite:///{root / 'store.db'}"
    run = Jg(db)
    run("import", str(root / "set"))
    run("monitor", "--as-of", "2025-12-31")
    return run


@pytest.fixture(scope="module")
def graded(jg: Jg) -> dict[str, str]:
    """Three reviewed cases: 不合格, 基本合格, 优质 (the review issue's outcomes)."""
    plan = jg.json("review", "plan", "--year", YEAR, "--routine-share", "0.05", "--seed", "1")
    jg("review", "assign", "--year", YEAR, "--mode", "cross")
    picked = [p["case_id"] for p in plan[:3]]
    for case_id, grade in zip(picked, ("不合格", "基本合格", "优质"), strict=True):
        jg("review", "record", case_id, "--grade", grade, "--year", YEAR)
        jg("review", "decide", case_id, "--year", YEAR)
    return dict(zip(("unqualified", "basic", "excellent"), picked, strict=True))


def acquittals(db: str, by: dt.date) -> int:
    """Acquittals judged by ``by`` in the generated data: each opens a referral lead of its own
    (无罪判决)."""
    with app_for(db) as app, app.uow() as uow:
        return sum(on <= by for *_, on in uow.responsibility.acquitted())


def test_the_whole_loop(jg: Jg, graded: dict[str, str]) -> None:
    # Leads are taken up once: a referral for the 不合格 case (and one per acquittal in the
    # data), a rectification for 基本合格.
    expected = f"新移送线索 {1 + acquittals(jg.db, dt.date(2026, 1, 5))} 条，新开整改 1 项"
    assert expected in jg("referral", "leads", "--on", "2026-01-05")
    assert "新移送线索 0 条，新开整改 0 项" in jg("referral", "leads", "--on", "2026-01-06")
    (referral,) = [r for r in jg.json("referral", "list") if r["source"] == "review"]
    assert referral["case_id"] == graded["unqualified"]

    # 检务督察 → investigation → the disciplinary committee's finding → the decision.
    rid = referral["id"]
    jg("referral", "step", rid, "--note", "检务督察受理", "--on", "2026-01-08")
    jg("referral", "step", rid, "--note", "调查核实", "--on", "2026-02-01")
    jg(
        "referral",
        "step",
        rid,
        "--note",
        "审查",
        "--finding",
        "无责任",
        "--on",
        "2026-03-01",
        ok=False,
    )
    jg("referral", "step", rid, "--note", "审查", "--finding", "重大过失", "--on", "2026-03-01")
    jg("referral", "step", rid, "--note", "决定", "--decision", "诫勉谈话", "--on", "2026-03-20")

    # The rectification: a task with its responsible person, done, verified by someone else.
    (rect,) = jg.json("rectify", "list")
    assert rect["source_ref"] == f"review:{YEAR}:{graded['basic']}"
    rect_id = rect["id"]
    jg("rectify", "close", rect_id, ok=False)  # no task answers its problem yet
    jg("rectify", "task", rect_id, "--problem", "1", "--responsible", "P000001",
       "--measure", "补正法律文书，组织案例学习", "--due", "2026-02-01")  # fmt: skip
    reminders = jg.json("rectify", "remind", "--as-of", "2026-01-29")["tasks"]
    assert [(t["rectification"], t["days_left"]) for t in reminders] == [(rect_id, 3)]
    jg("rectify", "done", rect_id, "--task", "1", "--note", "已补正", "--on", "2026-01-30")
    jg("rectify", "verify", rect_id, "--task", "1", "--by", "P000001", ok=False)
    jg("rectify", "verify", rect_id, "--task", "1", "--by", "P000002", "--on", "2026-01-31")
    jg("rectify", "close", rect_id, "--on", "2026-01-31")

    # The lists: grades, serious findings and the accountability decision, each with evidence.
    jg("lists", "build", "--as-of", "2026-04-01")
    entries = jg.json("lists", "show")
    by_rule = {(e["rule"], e["case_id"]) for e in entries}
    assert ("poor_grade", graded["unqualified"]) in by_rule
    assert ("poor_grade", graded["basic"]) in by_rule
    assert ("excellent_grade", graded["excellent"]) in by_rule
    assert ("accountability", graded["unqualified"]) in by_rule
    assert any(e["rule"] == "serious_finding" for e in entries)
    assert_every_entry_traces_to_its_evidence(jg.db, entries)

    # Error tolerance: an excused entry counts for nothing, and the cause is shown with it.
    person = graded_person(entries, graded["basic"])
    before = person_quality(jg.json("assess", "--year", YEAR), person)
    key = next(e["key"] for e in entries if e["case_id"] == graded["basic"])
    jg("lists", "tolerate", key, "--cause", "法律适用存在重大分歧，已按当时通行理解办理")
    after = person_quality(jg.json("assess", "--year", YEAR), person)
    assert after == before - 1
    shown = next(e for e in jg.json("lists", "show") if e["key"] == key)
    assert shown["tolerance"]["cause"].startswith("法律适用存在重大分歧")

    # Unit evaluation never ranks: one row per unit, in code order, with honest verdicts.
    units = jg.json("evaluate", "--year", YEAR)
    assert [u["unit"] for u in units] == sorted(u["unit"] for u in units)
    assert {u["verdict"] for u in units} <= {"too_few", "within", "better", "worse"}


def graded_person(entries: list[dict[str, Any]], case_id: str) -> str:
    return next(e["person"] for e in entries if e["case_id"] == case_id)


def person_quality(rows: list[dict[str, Any]], person: str) -> float:
    row = next(r for r in rows if r["person"] == person)
    return float(next(s["observed"] for s in row["scores"] if s["dimension"] == "quality"))


def assert_every_entry_traces_to_its_evidence(db: str, entries: list[dict[str, Any]]) -> None:
    with app_for(db) as app, app.store.engine.connect() as conn:
        ledger = {
            f"{r[0]}:{r[1]}"
            for r in conn.exec_driver_sql("select case_id, rule from monitoring_ledger")
        }
        forms = {f"review:{r[0]}:{r[1]}" for r in conn.exec_driver_sql(
            "select year, case_id from review_forms where final_grade is not null")}  # fmt: skip
        referrals = {r[0] for r in conn.exec_driver_sql("select id from referrals")}
        cases = {r[0] for r in conn.exec_driver_sql("select case_id from cases")}
    known = {
        "monitoring_ledger": ledger,
        "review_outcome": forms,
        "referral": referrals,
        "case": cases,
    }
    for e in entries:
        assert e["evidence"]["ref"] in known[e["evidence"]["source"]], e
        assert e["basis"], e
        assert e["case_id"] is None or e["case_id"] in cases
