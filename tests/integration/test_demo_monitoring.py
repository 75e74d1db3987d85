"""`jianguan demo` ends with flow monitoring and the ledger summary; a second run changes nothing;
the accounts `jianguan serve --demo` makes start with a prosecutor whose workbench has rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from jianguan.entrypoints.serve_cli import demo_people
from jianguan.web.state import WebConfig
from tests.integration.test_web_cli import demo_prosecutors_deadlines
from tests.support import app_for

# Cases of the demo set. A province of a few hundred cases may hold no open case whose deadline
# is near or past on the demo's day (600 cases, seed 2025: 17 open cases, none), so the demo
# prosecutor could not have one; from a few thousand on it does (the default is 20,000).
CASES = "4000"


def test_demo_runs_monitoring_and_prints_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    first = CliRunner().invoke(cli, ["demo", "--cases", CASES])
    assert first.exit_code == 0, first.output
    assert "流程监控（截至" in first.output
    assert "台账变动：新增" in first.output
    assert "流程监控台账：" in first.output
    # issue 18: the review and responsibility pages have something to show after the demo
    assert "年度案件质量评查计划" in first.output
    assert "正面/负面清单" in first.output
    # issue 18: the demo prosecutor has live work: deadlines near or past on open cases, on
    # the day `serve --demo` counts from (the demo data's), after the demo's panels were drawn
    manifest = json.loads((tmp_path / "demo-data" / "manifest.json").read_text("utf-8"))
    url = f"sqlite:///{tmp_path / 'jianguan.db'}"
    with app_for(url, as_of=dt.date.fromisoformat(manifest["as_of"])) as app:
        chosen = demo_people(app)[0]
        count, rows = demo_prosecutors_deadlines(app, WebConfig(secure_cookies=False))
    assert count is not None
    assert count >= 1
    assert count == len(rows)
    again = CliRunner().invoke(cli, ["demo", "--cases", CASES])
    assert again.exit_code == 0, again.output
    assert "台账变动：无" in again.output
    assert "评查计划：" in again.output  # the plan of the first run is kept
    with app_for(url, as_of=dt.date.fromisoformat(manifest["as_of"])) as app:
        assert demo_people(app)[0] == chosen  # a re-run keeps the same demo prosecutor
