"""Issue 14, "must show": import → platform work (monitoring with a hand escalation, a review
plan with reviewers and a recorded form) → re-import of the original export and of a changed one
→ every platform record still there; and the 1.2 additions on a generated store: a full export
that leaves cases out lists them, a delta export re-imports as unchanged, unknown keys survive
the round trip, the import report is written as JSON and xlsx. On every configured backend."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from jianguan.bootstrap import App
from jianguan.domain.ledger import Entry, Level
from jianguan.domain.provenance import ExportScope
from jianguan.domain.review import FormStatus, ReviewMode, Sampling
from jianguan.entrypoints.cli import cli
from jianguan.services import access, review
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import ImportReport, import_dataset, report_document
from jianguan.services.monitoring import monitor_and_record
from tests.support import app_for, generate, manifest_day

YEAR = 2025


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("keeps") / "set"
    generate(out, cases=1500, seed=5, defect_rate=0.2, workers=1)
    return out


def _lines(folder: Path) -> list[dict[str, Any]]:
    return [orjson.loads(x) for x in (folder / "cases.jsonl").read_bytes().splitlines()]


def _write(folder: Path, source: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True)
    for name in ("units.csv", "people.csv"):
        (folder / name).write_bytes((source / name).read_bytes())
    (folder / "cases.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return folder


def _import(app: App, folder: Path, **options: Any) -> ImportReport:
    feed = app.open_dataset(folder)
    try:
        return import_dataset(feed, app.uow(), rules=app.rules, **options)
    finally:
        feed.close()


@pytest.fixture
def worked(store_url: str, generated: Path) -> Iterator[App]:
    """The generated store after a day's platform work: monitoring, a hand escalation, a review
    plan, reviewers assigned and one form recorded."""
    as_of = manifest_day(generated)
    with app_for(store_url, as_of=as_of) as app:
        assert _import(app, generated).errors == []
        monitor_and_record(app.uow(), app.rules, as_of)
        entry = _open_entry(app)
        with app.uow() as uow:
            people = uow.cases.people()
            units = uow.cases.units()
        officer = next(p for p in people if p.unit == entry.unit and p.role == "case_officer")
        principal = access.principal_for("officer", officer, units)
        access.escalate(app.uow(), principal, entry.case_id, entry.rule, as_of)
        policy, now = app.rules.review, app.now()
        review.make_plan(app.uow(), policy, YEAR, sampling=Sampling(0.05), now=now, seed="k")
        review.assign(app.uow(), policy, YEAR, ReviewMode.CROSS, now=now)
        with app.uow() as uow:
            form = uow.review.forms(YEAR)[0]
        review.record(app.uow(), policy, form.case_id, "合格", marks=[], now=now)
        yield app


def _open_entry(app: App) -> Entry:
    with app.uow() as uow:
        entries = sorted(uow.ledger.entries().values(), key=lambda e: (e.case_id, e.rule))
    return next(e for e in entries if e.resolved_on is None and e.escalation is Level.REMIND)


def _platform_state(app: App) -> dict[str, Any]:
    """Everything done on the platform, as comparable values."""
    with app.uow() as uow:
        return {
            "ledger": sorted(
                (dataclasses.astuple(e) for e in uow.ledger.entries().values()), key=str
            ),
            "forms": sorted((dataclasses.astuple(f) for f in uow.review.forms(YEAR)), key=str),
            "plan": uow.review.plan(YEAR),
        }


def test_reimports_keep_the_ledger_escalation_and_the_reviews(
    worked: App, generated: Path, tmp_path: Path
) -> None:
    before = _platform_state(worked)
    escalated = [e for e in before["ledger"] if Level.URGE in e]
    assert escalated, "the hand escalation is in the ledger"
    assert any(FormStatus.RECORDED in f for f in before["forms"]), "a recorded form"
    same = _import(worked, generated)
    assert (same.errors, same.cases_changed, same.cases_new) == ([], 0, 0)
    assert _platform_state(worked) == before
    # A changed export: every case of the plan and the escalated case get another charge text.
    touched = {f[1] for f in before["forms"]} | {e[0] for e in escalated}
    records = _lines(generated)
    for r in records:
        if r["case_id"] in touched:
            r["charges"] = [*r["charges"], "妨害公务罪"]
    changed = _import(worked, _write(tmp_path / "changed", generated, records))
    assert changed.errors == []
    assert changed.cases_changed == len(touched & {r["case_id"] for r in records})
    assert _platform_state(worked) == before


def test_a_full_export_that_leaves_cases_out_lists_them_and_deletes_nothing(
    store_url: str, generated: Path, tmp_path: Path
) -> None:
    records = _lines(generated)
    with app_for(store_url, as_of=manifest_day(generated)) as app:
        assert _import(app, generated).errors == []
        left_out = sorted(r["case_id"] for r in records[:7])
        full = _import(app, _write(tmp_path / "full", generated, records[7:]))
        assert full.scope is ExportScope.FULL
        assert full.missing == left_out
        assert full.received == len(records) - 7
        delta = _import(
            app,
            _write(tmp_path / "delta", generated, records[7:20]),
            scope=ExportScope.DELTA,
            since=dt.date(2025, 1, 1),
        )
        assert (delta.missing, delta.cases_unchanged, delta.scope) == ([], 13, ExportScope.DELTA)
        with app.uow() as uow:
            assert uow.cases.counts()["cases"] == len(records)
        doc = report_document(full)
        assert doc["missing"] == left_out
        assert doc["received"] == len(records) - 7


def test_a_delta_export_holds_the_changed_cases_and_says_so(
    store_url: str, generated: Path, tmp_path: Path
) -> None:
    since = dt.date(2025, 12, 1)
    with app_for(store_url, as_of=manifest_day(generated)) as app:
        assert _import(app, generated).errors == []
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "delta", since=since), since=since)
        exported = _lines(tmp_path / "delta")
        note = json.loads((tmp_path / "delta" / "format.json").read_text("utf-8"))
        assert (note["scope"], note["since"]) == ("delta", "2025-12-01")
        again = _import(app, tmp_path / "delta")
    dated = [r for r in _lines(generated) if _last_day(r) >= since]
    assert sorted(r["case_id"] for r in exported) == sorted(r["case_id"] for r in dated)
    assert 0 < len(exported) < len(_lines(generated))
    assert (again.scope, again.since, again.missing) == (ExportScope.DELTA, since, [])
    assert again.cases_unchanged == len(exported)


def _last_day(r: dict[str, Any]) -> dt.date:
    """Independent of the code: the latest date anywhere in the record."""
    days = [r["received_on"], r["assigned_on"], r.get("closed_on"), r.get("archived_on")]
    days += [e["on"] for e in r["events"]] + [d["issued_on"] for d in r["documents"]]
    days += [(r.get("decision") or {}).get("on"), (r.get("outcome") or {}).get("on")]
    return max(dt.date.fromisoformat(d) for d in days if d)


def test_unknown_keys_survive_import_export_and_reimport(
    store_url: str, generated: Path, tmp_path: Path
) -> None:
    records = _lines(generated)[:50]
    records[0]["办案区"] = "一区"
    records[1]["suspects"][0]["nation"] = "汉族"
    records[2]["events"][0]["seal"] = {"no": 7}
    folder = _write(tmp_path / "extra", generated, records)
    with app_for(store_url, as_of=manifest_day(generated)) as app:
        assert _import(app, folder).errors == []
        for fmt in ("jsonl", "xlsx"):
            out = tmp_path / f"out-{fmt}"
            export_dataset(app.uow(), app.dataset_writer(out, fmt))
            again = _import(app, out)
            assert (again.errors, again.cases_changed, again.cases_new) == ([], 0, 0), fmt
    assert _lines(tmp_path / "out-jsonl") == sorted(records, key=lambda r: r["case_id"])


def test_the_cli_writes_the_report_as_json_and_xlsx(
    store_url: str, generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    records = _lines(generated)[:40]
    records[3]["received_on"] = "2031-01-01"  # refused: after the import's day
    bad = _write(tmp_path / "bad", generated, records)
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["import", str(bad), "--db", store_url, "--report", str(tmp_path / "r.json")]
    )
    assert refused.exit_code == 2, refused.output
    doc = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert doc["outcome"] == "refused"
    assert doc["received"] == 40
    assert {e["line"] for e in doc["refused"]} == {4}
    assert "received_on" in {e["field"] for e in doc["refused"]}
    assert all(e["zh"] and e["en"] and e["file"].endswith("cases.jsonl") for e in doc["refused"])
    good = runner.invoke(
        cli, ["import", str(generated), "--db", store_url, "--report", str(tmp_path / "r.xlsx")]
    )
    assert good.exit_code == 0, good.output
    assert "全量导出：收到案件记录" in good.output
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["概要", "拒绝原因", "冲突", "导出中缺少的案件"]
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["导入结果"] == "已导入"
    assert summary["新增案件"] == len(_lines(generated))
    wrong = runner.invoke(
        cli, ["import", str(generated), "--db", store_url, "--report", str(tmp_path / "r.txt")]
    )
    assert wrong.exit_code == 2
    assert ".json 或 .xlsx" in wrong.output
