"""Incremental flow monitoring (issue 17 item 3) agrees with a full run, run after run.

A sequence of recorded runs with as-of advancing (across the National Day holiday of 2025, where
due dates move), with re-imports of changed cases and platform writes between runs: after each
run the findings equal those of a full evaluation of the whole store, and the ledger equals the
ledger that full runs would have kept (the domain's ``sync`` applied to the full findings). The
runs are checked to be incremental indeed (fewer cases evaluated than stored). A run earlier
than the last, and ``--full``, fall back to / force the full run.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from jianguan.adapters.store import monitor_sql
from jianguan.bootstrap import App
from jianguan.domain.ledger import Entry, sync
from jianguan.domain.model import Document, DocumentType, EventType
from jianguan.domain.monitoring import working_days_between
from jianguan.entrypoints.cli import cli
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import due_span, monitor, monitor_and_record
from tests.support import generate, imported, rules

Ledger = dict[tuple[str, str], Entry]

# Sept–Dec 2025: the National Day and Mid-Autumn holiday (1–8 October) moves due dates that
# fall in it; one step goes back (a full run), the last goes past the data's end.
DAYS = [
    "2025-09-20", "2025-09-26", "2025-09-30", "2025-10-03", "2025-10-09", "2025-10-10",
    "2025-10-05", "2025-10-20", "2025-11-14", "2025-12-31", "2026-02-20",
]  # fmt: skip


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("incremental") / "set"
    generate(out, cases=1500, seed=11, defect_rate=0.25, workers=1)
    return out


@pytest.fixture
def exact_watermark(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """No safety margin on the watermark (so that a missed change marker would show), and
    the number of cases each incremental run evaluated."""
    monkeypatch.setattr(monitor_sql, "WRITE_MARGIN_US", 0)
    counts: list[int] = []
    choose = monitor_sql.SqlMonitor._choose

    def counting(self: monitor_sql.SqlMonitor, *args: Any) -> None:
        choose(self, *args)
        counts.append(int(self._conn.scalar(select(func.count()).select_from(monitor_sql.CANDS))))

    monkeypatch.setattr(monitor_sql.SqlMonitor, "_choose", counting)
    return counts


def full_ledger(app: App, before: Ledger, as_of: dt.date) -> Ledger:
    """The ledger a full run would leave: every case evaluated, the domain's sync applied."""
    cal = app.rules.book.calendar
    found = monitor(app.uow(), app.rules, as_of)
    after = dict(before)
    for change in sync(before, found, as_of, lambda first: working_days_between(cal, first, as_of)):
        after[change.entry.key] = change.entry
    return after


def ledger_of(app: App) -> Ledger:
    with app.uow() as uow:
        return uow.ledger.entries()


def reimport_changed(app: App, folder: Path, work: Path, rnd: random.Random) -> None:
    """The export again with some cases changed (old closed ones included): a flag that
    chooses the review period, a dropped last event, a dropped last document."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work)
    lines = (work / "cases.jsonl").read_bytes().splitlines()
    for i in rnd.sample(range(len(lines)), 12):
        case = orjson.loads(lines[i])
        how = rnd.choice(["major", "event", "document"])
        if how == "major":
            case["major_complex"] = not case["major_complex"]
        elif how == "event" and len(case["events"]) > 2:
            case["events"] = case["events"][:-1]
        elif case["documents"]:
            case["documents"] = case["documents"][:-1]
        lines[i] = orjson.dumps(case)
    (work / "cases.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    feed = app.open_dataset(work)
    try:
        assert import_dataset(feed, app.uow()).errors == []
    finally:
        feed.close()


def platform_writes(app: App, as_of: dt.date, rnd: random.Random) -> None:
    """What the platform does to cases between runs: the missing investigation outline added
    (规则 第342条), a case closed on the platform."""
    with app.uow() as uow:
        ids = sorted(uow.cases.case_ids_of_units([u.code for u in uow.cases.units()]))
        for cid in rnd.sample(ids, 6):
            case = uow.cases.load_case(cid)
            assert case is not None
            returns = [e.on for e in case.events_of(EventType.RETURNED_FOR_INVESTIGATION)]
            if returns:
                outline = Document(DocumentType.INVESTIGATION_OUTLINE, None, returns[0], None)
                uow.cases.save_case(replace(case, documents=(*case.documents, outline)))
            elif case.closed_on is None and case.received_on <= as_of:
                uow.cases.save_case(replace(case, closed_on=as_of))
        uow.commit()


def test_incremental_runs_equal_full_runs(
    store_url: str, generated: Path, tmp_path: Path, exact_watermark: list[int]
) -> None:
    app = imported(generated, store_url)
    rnd = random.Random(17)
    expected: Ledger = {}
    with app.uow() as uow:
        stored = uow.cases.counts()["cases"]
    for i, text in enumerate(DAYS):
        day = dt.date.fromisoformat(text)
        expected = full_ledger(app, expected, day)
        whole = monitor(app.uow(), app.rules, day)
        findings, _ = monitor_and_record(app.uow(), app.rules, day)
        assert findings == whole, text
        assert ledger_of(app) == expected, text
        if i % 2 == 0:
            reimport_changed(app, generated, tmp_path / "changed", rnd)
        else:
            platform_writes(app, day, rnd)
    assert len(expected) > 100  # the comparison has substance
    # Incremental indeed: the first run and the step back were full, the others were not and
    # evaluated a part of the store only.
    assert len(exact_watermark) == len(DAYS) - 2
    assert max(exact_watermark) < stored
    app.close()


def test_full_option_and_changed_rules_run_in_full(
    store_url: str, generated: Path, exact_watermark: list[int]
) -> None:
    app = imported(generated, store_url)
    day = dt.date(2025, 10, 9)
    monitor_and_record(app.uow(), app.rules, day)
    _, changes = monitor_and_record(app.uow(), app.rules, day)
    assert changes == Counter()  # incremental, same day: nothing moves
    assert len(exact_watermark) == 1
    # Other rules (one lead time a day longer): the fingerprint differs, the run is a full one.
    lead = app.rules.monitoring.lead
    longer = {k: v + 1 if k == "prosecution_review" else v for k, v in lead.default.items()}
    other = replace(
        app.rules, monitoring=replace(app.rules.monitoring, lead=replace(lead, default=longer))
    )
    monitor_and_record(app.uow(), other, day)
    assert len(exact_watermark) == 1
    monitor_and_record(app.uow(), other, day)
    assert len(exact_watermark) == 2  # and the next one incremental again
    result = CliRunner().invoke(
        cli, ["monitor", "--full", "--as-of", day.isoformat(), "--db", store_url]
    )
    assert result.exit_code == 0, result.output
    assert "台账变动" in result.output
    assert len(exact_watermark) == 2  # --full chose no cases: it evaluated them all
    result = CliRunner().invoke(cli, ["monitor", "--as-of", day.isoformat(), "--db", store_url])
    assert "台账变动：无" in result.output  # the packaged rules again, after a full run of them
    assert len(exact_watermark) == 3
    app.close()


def test_the_span_covers_every_due_date_of_the_rules() -> None:
    # 刑诉法 第172条: up to a month and a half for a prosecution review, moved past holidays
    # (第105条); the supervision periods of the rules are longer still (公益诉讼 two months).
    book = rules()
    span = due_span(book)
    assert 60 <= span <= 120
    for period in ("prosecution_review", "arrest_review"):
        for key in book.book.keys_for(period):
            start = dt.date(2025, 9, 20)
            assert (book.book.window(key, start) - start).days <= span
