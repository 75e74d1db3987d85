"""A recorded monitoring run that changes many ledger entries refreshes the planner's statistics
of the ledger and the audit log (issue 18, lists at 1 M cases): SQLite still planning the log as
the one row it held after the import walked the whole log for a page of alerts instead of using
its subject index."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from jianguan.services import monitoring
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import monitor_and_record
from tests.support import app_for, generate


def audit_rows_planned(conn: Connection) -> float:
    """How many rows the planner believes the audit log holds."""
    if conn.dialect.name == "postgresql":
        return float(
            conn.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'audit_log'::regclass"))
        )
    stat = conn.scalar(text("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_audit_log_subject'"))
    return float(str(stat).split()[0]) if stat is not None else -1.0


@pytest.mark.parametrize("threshold", [1, 10**9])
def test_a_large_recorded_run_refreshes_the_logs_statistics(
    store_url: str, tmp_path: Path, threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "data"
    generate(out, cases=200, seed=3, defect_rate=0.3, workers=1)
    monkeypatch.setattr(monitoring, "STATISTICS_AFTER", threshold)
    with app_for(store_url) as app:
        feed = app.open_dataset(out)
        try:
            assert import_dataset(feed, app.uow()).errors == []
        finally:
            feed.close()
        with app.store.engine.connect() as conn:
            before = audit_rows_planned(conn)
        _, changes = monitor_and_record(app.uow(), app.rules, dt.date(2025, 12, 31))
        assert sum(changes.values()) > 10, "the run should open ledger entries"
        with app.store.engine.connect() as conn:
            after = audit_rows_planned(conn)
            rows = conn.scalar(text("SELECT count(*) FROM audit_log"))
    assert before < rows
    if threshold == 1:
        assert after == rows  # counted again, after the run's own entries
    else:
        assert after == before  # a run below the threshold leaves the statistics alone
