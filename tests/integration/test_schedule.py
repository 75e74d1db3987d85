"""Scheduled work (issue 16, item 4): `jianguan schedule run-due` runs the due jobs and records
each run (start, end, outcome, message); a job whose last successful run is older than its
interval is shown as missed — by `jianguan schedule status` and on the page /schedule — with
the application's clock pinned (`--as-of`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient
from sqlalchemy import select

from jianguan.adapters.store.schema_management import schedule_runs
from jianguan.entrypoints.cli import cli
from jianguan.web.app import create_app
from jianguan.web.state import WebConfig
from tests.integration.web_support import WebData, build, login
from tests.support import app_for

DAILY = {"daily-monitoring", "reminders"}
ALL = DAILY | {"monthly-bulletin", "quarterly-data-quality"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> WebData:
    return build(tmp_path_factory.mktemp("schedule"), cases=800)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIANGUAN_SCHEDULE_FORMATS", "docx,xlsx")  # the PDF is tested elsewhere
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def runs_json(url: str, day: dt.date, *extra: str) -> list[dict[str, Any]]:
    result = invoke("schedule", "run-due", "--as-of", day.isoformat(), "--json", "--db", url,
                    *extra)  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    return list(json.loads(result.output))


def stored(url: str) -> list[Any]:
    with app_for(url) as app, app.store.engine.connect() as conn:
        return list(conn.execute(select(schedule_runs).order_by(schedule_runs.c.id)))


def test_run_due_runs_and_records_the_due_jobs_and_a_missed_run_is_shown(
    data: WebData, env: Path
) -> None:
    # after the data's last monitoring run, early enough in its month that the next five days
    # stay in the same month and quarter
    day0 = (data.as_of.replace(day=1) + dt.timedelta(days=32)).replace(day=10)
    first = runs_json(data.url, day0)
    assert {r["job"] for r in first} == ALL  # never run: everything is due
    assert all(r["outcome"] == "success" for r in first), first
    rows = stored(data.url)
    assert len(rows) == 4
    assert all(r.ended_at is not None and r.ended_at >= r.started_at for r in rows)
    assert all(r.trigger == "cli" and r.message for r in rows)

    # the monitoring run is the ledger's: the problems it reports are the entries it last found
    mon = next(r for r in first if r["job"] == "daily-monitoring")
    found = int(re.search(r"发现问题(\d+)个", mon["message"]).group(1))  # type: ignore[union-attr]
    with app_for(data.url) as app, app.uow() as uow:
        entries = uow.ledger.entries().values()
        assert found == sum(1 for e in entries if e.last_found == day0 and e.status.active)
    # the monthly bulletin of the month before was written where the settings say
    last_month = day0.replace(day=1) - dt.timedelta(days=1)
    root = next(u.code for u in data.units if u.parent is None)
    stem = f"monthly-bulletin-{root}-{last_month:%Y-%m}"
    assert {p.name for p in (env / "reports" / "scheduled").iterdir()} == {
        f"{stem}.docx",
        f"{stem}.xlsx",
    }
    dq = next(r for r in first if r["job"] == "quarterly-data-quality")
    assert "数据质量核查" in dq["message"]

    # the same day again: nothing is due, nothing is recorded
    again = invoke("schedule", "run-due", "--as-of", day0.isoformat(), "--db", data.url)
    assert again.exit_code == 0
    assert "没有到期的定时任务" in again.output
    assert len(stored(data.url)) == 4

    # the next day only the daily jobs are due
    day1 = day0 + dt.timedelta(days=1)
    assert {r["job"] for r in runs_json(data.url, day1)} == DAILY
    assert len(stored(data.url)) == 6

    # four days later nothing ran: the daily jobs are missed, the others are not
    day5 = day1 + dt.timedelta(days=4)
    status = invoke("schedule", "status", "--as-of", day5.isoformat(), "--json", "--db", data.url)
    assert status.exit_code == 0, status.output
    states = {j["job"]: j["state"] for j in json.loads(status.output)["jobs"]}
    assert {j for j, s in states.items() if s == "missed"} == DAILY
    assert states["quarterly-data-quality"] in ("ok", "due")
    said = invoke("schedule", "status", "--as-of", day5.isoformat(), "--db", data.url)
    assert said.exit_code == 1  # a missed job is an exit status for a watchdog
    assert "漏跑" in said.output
    # …and the day after the last run, nothing is missed
    fine = invoke("schedule", "status", "--as-of", day1.isoformat(), "--json", "--db", data.url)
    assert "missed" not in {j["state"] for j in json.loads(fine.output)["jobs"]}

    # the page shows the missed jobs and every run, on the pinned clock
    site = create_app(app_for(data.url, as_of=day5), WebConfig(secure_cookies=False))
    officer = data.users["officer_a"]
    with TestClient(site) as client:
        login(client, officer.id)
        page = client.get("/schedule")
    assert page.status_code == 200
    assert 'href="/schedule"' in page.text  # the nav link
    assert 'id="schedule-missed"' in page.text
    missed = set(re.findall(r'data-job="([^"]+)" data-state="missed"', page.text))
    assert missed == DAILY
    assert page.text.count('<tr class="run-success">') == 6
    assert "每日流程监控" in page.text
    assert 'id="schedule-files"' not in page.text  # the province's report: not for a county
    assert client_get(site, officer.id, f"/schedule/files/{stem}.docx").status_code == 404
    province = data.users["officer_province"].id
    with TestClient(site) as client:
        login(client, province)
        page = client.get("/schedule")
        assert f'href="/schedule/files/{stem}.docx"' in page.text
        docx = client.get(f"/schedule/files/{stem}.docx")
        assert docx.status_code == 200
        assert docx.content.startswith(b"PK")
        assert client.get("/schedule/files/..%2F..%2Fweb.db").status_code == 404


def client_get(site: Any, person: str, path: str) -> Any:
    with TestClient(site) as client:
        login(client, person)
        return client.get(path)


def test_a_failing_job_is_recorded_as_failed_with_its_message(
    data: WebData, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_SCHEDULE_FORMATS", "docx,bogus")
    before = len(stored(data.url))
    result = invoke("schedule", "run-due", "--job", "monthly-bulletin", "--force", "--as-of",
                    data.as_of.isoformat(), "--db", data.url)  # fmt: skip
    assert result.exit_code == 1
    assert "失败" in result.output
    rows = stored(data.url)
    assert len(rows) == before + 1
    assert rows[-1].outcome == "failed"
    assert "bogus" in rows[-1].message
    assert rows[-1].ended_at is not None


def test_the_scheduler_can_be_switched_off_and_its_hour_is_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from jianguan.settings import Settings

    monkeypatch.setenv("JIANGUAN_SCHEDULE_ENABLED", "false")
    monkeypatch.setenv("JIANGUAN_SCHEDULE_TIME", "06:15")
    settings = Settings()
    assert settings.schedule_enabled is False
    assert settings.schedule_time == "06:15"
    monkeypatch.setenv("JIANGUAN_SCHEDULE_TIME", "25:00")
    with pytest.raises(ValidationError):
        Settings()


def test_serve_starts_the_scheduler_unless_it_is_switched_off(
    data: WebData, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jianguan.entrypoints.context import Context
    from jianguan.entrypoints.serve_cli import start_scheduler

    monkeypatch.setenv("JIANGUAN_SCHEDULE_CATCH_UP", "false")  # no run on the shared store
    monkeypatch.setenv("JIANGUAN_SCHEDULE_TIME", "03:45")
    with app_for(data.url) as app:
        scheduler = start_scheduler(Context(None), app)
        assert scheduler is not None
        try:
            nxt = scheduler.next_tick()
            assert nxt is not None
            assert nxt.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M") == "03:45"
        finally:
            scheduler.shutdown()
    monkeypatch.setenv("JIANGUAN_SCHEDULE_ENABLED", "false")
    with app_for(data.url) as app:
        assert start_scheduler(Context(None), app) is None
