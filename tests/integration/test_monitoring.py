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

from jianguan.bootstrap import App
from jianguan.domain.ledger import (
    Entry,
    LedgerAction,
    LedgerStatus,
    Level,
    RaisedByHand,
    transition,
)
from jianguan.domain.model import Document, DocumentType, EventType
from jianguan.domain.monitoring import Finding, FindingKind
from jianguan.entrypoints.cli import cli
from jianguan.services.importing import verify_audit
from jianguan.services.monitoring import (
    check_case,
    ledger_summary,
    monitor,
    monitor_and_record,
    units_below,
)
from jianguan.services.ports.monitoring import LedgerQuery
from tests.support import app_for, generate, imported


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    out = tmp_path_factory.mktemp("monitor") / "set"
    generate(out, cases=3000, seed=5, defect_rate=0.2, workers=1)
    as_of = dt.date.fromisoformat(orjson.loads((out / "manifest.json").read_bytes())["as_of"])
    return out, as_of


def load(store_url: str, folder: Path) -> App:
    return imported(folder, store_url)


def per_case(app: App, as_of: dt.date) -> list[Finding]:
    rules = app.rules
    with app.uow() as uow:
        units = uow.cases.units()
        out = [
            f
            for c in uow.cases.iter_cases()
            for f in check_case(c, units, rules.monitoring, rules.book, as_of)
        ]
    return sorted(out, key=lambda f: f.key)


@pytest.mark.parametrize("shift", [0, -200])
def test_batch_equals_per_case(store_url: str, generated: tuple[Path, dt.date], shift: int) -> None:
    folder, as_of = generated
    as_of += dt.timedelta(days=shift)  # also mid-way, with many open cases and warnings
    store = load(store_url, folder)
    batch = monitor(store.uow(), store.rules, as_of)
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
    whole = json.loads(runner.invoke(cli, args).stdout)
    assert {"case_id", "rule", "kind", "severity", "due", "basis", "explanation"} <= set(whole[0])
    assert all(f["explanation"] and f["basis"] for f in whole)
    with app_for(store_url) as app, app.uow() as uow:
        units = uow.cases.units()
    city = Counter(f["unit"][:4] + "00" for f in whole).most_common(1)[0][0]
    below = units_below(units, city)
    part = json.loads(runner.invoke(cli, [*args, "--unit", city]).stdout)
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

    def record(day: dt.date) -> tuple[list[Finding], Counter[LedgerAction]]:
        return monitor_and_record(store.uow(), store.rules, day)

    findings, changes = record(as_of)
    assert changes == Counter({LedgerAction.OPEN: len(findings)})
    assert record(as_of)[1] == Counter()  # 再次运行：台账不变
    later = as_of + dt.timedelta(days=30)
    _, changes = record(later)
    assert changes[LedgerAction.ESCALATE] >= len(findings) - changes[LedgerAction.CLOSE]
    # 规则第342条: add the missing outline to one case; its entry is then corrected.
    wrong = next(f for f in findings if f.rule == "return_outline_missing")
    with store.uow() as uow:
        case = uow.cases.load_case(wrong.case_id)
        assert case is not None
        days = [e.on for e in case.events_of(EventType.RETURNED_FOR_INVESTIGATION)]
        outlines = tuple(Document(DocumentType.INVESTIGATION_OUTLINE, None, d, None) for d in days)
        uow.cases.save_case(replace(case, documents=case.documents + outlines))
        uow.commit()
    _, changes = record(later)
    assert changes == Counter({LedgerAction.CORRECT: 1})
    summary = ledger_summary(store.uow())
    assert summary[(LedgerStatus.CORRECTED, Level.REPORT)] == 1
    assert verify_audit(store.uow()) == []
    with store.uow() as uow:
        assert uow.cases.counts()["audit_log"] >= len(findings) + 1
    store.close()


def test_a_manual_urge_is_not_reset_by_the_next_run(
    store_url: str, generated: tuple[Path, dt.date]
) -> None:
    # Issue 12's bug: after a manual 督促 the next monitoring run set the level back to 提醒 and
    # logged that as an escalation. The ledger moves only by domain.ledger.transition now.
    folder, as_of = generated
    store = load(store_url, folder)
    findings, _ = monitor_and_record(store.uow(), store.rules, as_of)
    overdue = next(f for f in findings if f.kind is FindingKind.REVIEW_OVERDUE)
    with store.uow() as uow:
        entry = uow.ledger.entry(overdue.case_id, overdue.rule)
        assert entry is not None
        assert entry.escalation is Level.REMIND
        raised = transition(entry, RaisedByHand(as_of, "P0090"))
        assert raised is not None
        uow.ledger.save([raised.entry])
        uow.commit()
    next_day = as_of + dt.timedelta(days=1)
    monitor_and_record(store.uow(), store.rules, next_day)
    with store.uow() as uow:
        after = uow.ledger.entry(overdue.case_id, overdue.rule)
    store.close()
    assert after is not None
    assert (after.escalation, after.status) == (Level.URGE, LedgerStatus.NOTIFIED)


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


def test_ledger_by_due_day_is_dated_first_then_undated(store_url: str) -> None:
    """The home page's alerts: soonest due first, entries without a due day after them, in a
    stable order, page by page as long as asked (read in two parts along their indexes)."""
    day = dt.date(2025, 6, 2)

    def entry(case_id: str, rule: str, due: dt.date | None, status: LedgerStatus) -> Entry:
        return Entry(case_id, rule, "review_overdue", "情节较重", "440304", due, "…", status,
                     Level.REMIND, day, day)  # fmt: skip

    entries = [
        entry("C3", "a", day + dt.timedelta(days=2), LedgerStatus.OPEN),
        entry("C1", "b", None, LedgerStatus.OPEN),
        entry("C2", "a", day, LedgerStatus.NOTIFIED),
        entry("C1", "a", day + dt.timedelta(days=2), LedgerStatus.OPEN),
        entry("C0", "a", None, LedgerStatus.OPEN),
        entry("C9", "a", day - dt.timedelta(days=9), LedgerStatus.CLOSED),  # not active
    ]
    with app_for(store_url) as app:
        with app.uow() as uow:
            uow.ledger.save(entries)
            uow.commit()
        for limit, expected in (
            (10, [("C2", "a"), ("C1", "a"), ("C3", "a"), ("C0", "a"), ("C1", "b")]),
            (3, [("C2", "a"), ("C1", "a"), ("C3", "a")]),
            (4, [("C2", "a"), ("C1", "a"), ("C3", "a"), ("C0", "a")]),
        ):
            query = LedgerQuery(active_only=True, by_due=True, limit=limit)
            with app.uow() as uow:
                got = [e.key for e in uow.ledger.page(None, None, query)]
            assert got == expected
