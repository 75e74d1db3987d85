"""Flow monitoring over a store: batch (SQL) == per-case (Python), the CLI, unit scope."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.formats.records import content_hash
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.period_file import default_periods
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.domain.model import Document
from jianguan.domain.monitoring import DueBook, Finding
from jianguan.entrypoints.cli import cli
from jianguan.entrypoints.monitor_cli import ledger_summary, monitor_and_record, run_monitor
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import check_case, units_below
from jianguan.synth import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    out = tmp_path_factory.mktemp("monitor") / "set"
    generate(out, cases=3000, seed=5, defect_rate=0.2, workers=1)
    as_of = dt.date.fromisoformat(orjson.loads((out / "manifest.json").read_bytes())["as_of"])
    return out, as_of


def load(store_url: str, folder: Path) -> SqlStore:
    store = SqlStore(store_url)
    feed = FileFeed(folder)
    report = import_dataset(feed, store)
    feed.close()
    assert report.errors == []
    return store


def per_case(store: SqlStore, as_of: dt.date) -> list[Finding]:
    book = DueBook(default_periods(), default_calendar())
    with store.session() as s:
        units = s.units()
        out = [
            f for c in s.iter_cases() for f in check_case(c, units, default_rules(), book, as_of)
        ]
    return sorted(out, key=lambda f: f.key)


@pytest.mark.parametrize("shift", [0, -200])
def test_batch_equals_per_case(store_url: str, generated: tuple[Path, dt.date], shift: int) -> None:
    folder, as_of = generated
    as_of += dt.timedelta(days=shift)  # also mid-way, with many open cases and warnings
    store = load(store_url, folder)
    batch = run_monitor(store, as_of)
    single = per_case(store, as_of)
    store.close()
    assert len(batch) > 60  # enough to compare; the generator spreads 18 kinds
    assert batch == single
    assert {"review_overdue", "counsel_notice_late", "family_notice_late"} <= {
        f.kind for f in batch
    }


def test_monitor_json_and_unit_scope(store_url: str, generated: tuple[Path, dt.date]) -> None:
    folder, as_of = generated
    load(store_url, folder).close()
    runner = CliRunner()
    args = ["monitor", "--as-of", as_of.isoformat(), "--json", "--db", store_url]
    whole = json.loads(runner.invoke(cli, args).output)
    assert {"case_id", "rule", "kind", "severity", "due", "basis", "explanation"} <= set(whole[0])
    assert all(f["explanation"] and f["basis"] for f in whole)
    store = SqlStore(store_url)
    with store.session() as s:
        units = s.units()
    store.close()
    city = Counter(f["unit"][:4] + "00" for f in whole).most_common(1)[0][0]
    below = units_below(units, city)
    part = json.loads(runner.invoke(cli, [*args, "--unit", city]).output)
    assert part
    assert len(part) < len(whole)
    assert part == [f for f in whole if f["unit"] in below]


def test_monitor_refuses_an_unknown_unit(store_url: str) -> None:
    result = CliRunner().invoke(cli, ["monitor", "--unit", "999999", "--db", store_url])
    assert result.exit_code != 0
    assert "未知单位" in result.output


def test_ledger_is_idempotent_escalates_and_closes_what_is_put_right(
    store_url: str, generated: tuple[Path, dt.date]
) -> None:
    folder, as_of = generated
    store = load(store_url, folder)
    findings, changes = monitor_and_record(store, as_of)
    assert changes == Counter({"ledger.open": len(findings)})
    assert monitor_and_record(store, as_of)[1] == Counter()  # 再次运行：台账不变
    later = as_of + dt.timedelta(days=30)
    _, changes = monitor_and_record(store, later)
    assert changes["ledger.escalate"] >= len(findings) - changes["ledger.close"]
    # 规则第257条: add the missing outline to one case; its entry is then corrected.
    wrong = next(f for f in findings if f.rule == "return_outline_missing")
    with store.session() as s:
        case = s.load_cases([wrong.case_id])[wrong.case_id]
        days = [e.on for e in case.events if e.type == "returned_for_investigation"]
        outlines = tuple(Document("investigation_outline", None, d, None) for d in days)
        fixed = replace(case, documents=case.documents + outlines)
        s.delete_cases([case.case_id])
        s.insert_cases([(fixed, content_hash(fixed))])
    _, changes = monitor_and_record(store, later)
    assert changes == Counter({"ledger.correct": 1})
    summary = ledger_summary(store)
    assert summary[("corrected", "通报")] == 1
    assert store.verify_audit_chain() == []
    with store.session() as s:
        assert s.counts()["audit_log"] >= len(findings) + 1
    store.close()


def test_monitor_text_then_ledger_in_english(
    store_url: str, generated: tuple[Path, dt.date]
) -> None:
    folder, as_of = generated
    load(store_url, folder).close()
    runner = CliRunner()
    args = ["monitor", "--as-of", as_of.isoformat(), "--db", store_url]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "条监控结果" in first.output
    assert "台账变动：新增" in first.output
    assert "审查期限超期" in first.output
    ledger = runner.invoke(cli, ["--lang", "en", "ledger", "--db", store_url])
    assert "monitoring ledger:" in ledger.output
    assert "open / reminder" in ledger.output
