"""The use cases of import, monitoring and case work on the in-memory unit of work.

The same services run on SQLite and PostgreSQL in tests/integration; here they run without a
database, so what is asserted is the use case itself: what it commits, what a refusal leaves
behind (nothing), and what the ledger does between two monitoring runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jianguan.adapters.formats.feed import FileFeed
from jianguan.domain.gates import GateRefused
from jianguan.domain.ledger import LedgerAction, LedgerStatus, Level, RaisedByHand, transition
from jianguan.domain.monitoring import FindingKind
from jianguan.services import casework
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import monitor_and_record
from tests.factories import numbered_case, write_dataset
from tests.fakes import FakeUnitOfWork
from tests.support import rules

CASE = "440304-2025-XSSC-000001"
NOW = dt.datetime(2025, 9, 20, 10, tzinfo=dt.UTC)


def open_prosecution_review(n: int = 1) -> dict[str, Any]:
    """Received 2025-09-05, counsel notified the next day, nothing decided yet."""
    rec = numbered_case(n, decision=None, outcome=None, closed_on=None, archived_on=None,
                        documents=[], events=[
        {"type": "received", "on": "2025-09-05", "by": None, "party": None, "note": None},
        {"type": "counsel_notified", "on": "2025-09-06", "by": "P0012", "party": "S1",
         "note": None},
    ])  # fmt: skip
    rec["suspects"][0]["plea_leniency"] = False
    rec["suspects"][0]["fast_track"] = False
    return rec


def loaded(tmp_path: Path, cases: list[dict[str, Any]]) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    feed = FileFeed(write_dataset(tmp_path / "set", cases))
    try:
        report = import_dataset(feed, uow)
    finally:
        feed.close()
    assert report.errors == []
    return uow


def test_an_import_commits_once_and_a_refused_one_leaves_nothing(tmp_path: Path) -> None:
    uow = loaded(tmp_path, [numbered_case(1), numbered_case(2)])
    assert (uow.commits, sorted(uow.state.cases)) == (1, [CASE, "440304-2025-XSSC-000002"])
    bad = write_dataset(tmp_path / "bad", [numbered_case(3), numbered_case(4, category="x")])
    feed = FileFeed(bad)
    report = import_dataset(feed, uow)
    feed.close()
    assert len(report.errors) == 1
    assert report.errors[0].line == 2
    assert uow.commits == 1
    assert "440304-2025-XSSC-000003" not in uow.state.cases  # the good line 1 is not kept either


def test_a_manual_urge_survives_the_next_monitoring_run(tmp_path: Path) -> None:
    # 刑事诉讼法 第172条: one month for 审查起诉 (no extension recorded) — received 2025-09-05,
    # so on 2025-11-20 the case is overdue and the ledger opens an entry at 提醒.
    uow = loaded(tmp_path, [open_prosecution_review()])
    day = dt.date(2025, 11, 20)
    findings, changes = monitor_and_record(uow, rules(), day)
    assert FindingKind.REVIEW_OVERDUE in {f.kind for f in findings if f.case_id == CASE}
    assert changes[LedgerAction.OPEN] >= 1
    key = next(k for k in uow.state.ledger if k[0] == CASE and k[1] == "review_overdue")
    assert uow.state.ledger[key].escalation is Level.REMIND
    # A case officer raises it by hand to 督促 (what the web page's 升级 does) …
    raised = transition(uow.state.ledger[key], RaisedByHand(day, "P0090"))
    uow.state.ledger[key] = raised.entry
    # … and the next day's run keeps 督促: the level is never lowered (the bug of issue 12).
    _, changes = monitor_and_record(uow, rules(), day + dt.timedelta(days=1))
    entry = uow.state.ledger[key]
    assert (entry.status, entry.escalation) == (LedgerStatus.NOTIFIED, Level.URGE)
    assert changes[LedgerAction.ESCALATE] == 0


def test_closing_is_refused_with_every_missing_step_and_nothing_written(tmp_path: Path) -> None:
    # 每案必检: a decision, the handler's self-check and a verification before closing.
    uow = loaded(tmp_path, [open_prosecution_review()])
    before = (uow.commits, dict(uow.state.cases), list(uow.state.audit))
    with pytest.raises(GateRefused) as info:
        casework.close(uow, rules(), CASE, "P0012", NOW)
    assert [m.code for m in info.value.missing] == ["decision", "self_check", "verification"]
    assert (uow.commits, dict(uow.state.cases), list(uow.state.audit)) == before


def test_a_self_check_is_recorded_even_with_findings(tmp_path: Path) -> None:
    uow = loaded(tmp_path, [open_prosecution_review()])
    record = casework.record_self_check(uow, rules(), CASE, "P0012", NOW)
    assert uow.commits == 2
    assert [r for r, _ in uow.state.self_checks] == [record]
    with pytest.raises(GateRefused):
        casework.record_self_check(uow, rules(), CASE, "P0013", NOW)  # not the handler
    assert uow.commits == 2
