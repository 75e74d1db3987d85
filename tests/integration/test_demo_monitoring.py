"""`jianguan demo` ends with flow monitoring and the ledger summary; a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli


def test_demo_runs_monitoring_and_prints_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    first = CliRunner().invoke(cli, ["demo", "--cases", "600"])
    assert first.exit_code == 0, first.output
    assert "流程监控（截至" in first.output
    assert "台账变动：新增" in first.output
    assert "流程监控台账：" in first.output
    # issue 18: the review and responsibility pages have something to show after the demo
    assert "年度案件质量评查计划" in first.output
    assert "正面/负面清单" in first.output
    again = CliRunner().invoke(cli, ["demo", "--cases", "600"])
    assert again.exit_code == 0, again.output
    assert "台账变动：无" in again.output
    assert "评查计划：" in again.output  # the plan of the first run is kept
