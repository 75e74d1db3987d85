"""`jianguan deadline` and `jianguan calendar` as a case officer uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli

NOTICE_2027 = """
[years.2027]
notice = "国务院办公厅关于2027年部分节假日安排的通知"
notice_date = "2026-11-01"
workdays = ["2027-02-14"]
holidays = [{ name = "元旦", from = "2027-01-01", to = "2027-01-03" }, { name = "春节", from = "2027-02-05", to = "2027-02-12" }]
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    return CliRunner()


def test_deadline_json_has_due_and_basis(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["deadline", "prosecution_review", "2025-09-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["due"] == "2025-10-09"
    assert "刑事诉讼法第172条第1款" in data["basis"]


def test_deadline_in_custody_is_not_moved(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["deadline", "arrest_review", "2026-02-10", "--custody", "--json"])
    assert json.loads(result.stdout)["due"] == "2026-02-17"


def test_deadline_in_uncovered_year_is_refused_with_a_hint(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["deadline", "counsel_notice", "2026-12-30"])
    assert result.exit_code == 1
    assert "未收录 2027 年" in result.output
    assert "--provisional" in result.output


def test_provisional_deadline_is_marked(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["deadline", "counsel_notice", "2026-12-30", "--provisional"])
    assert result.exit_code == 0
    assert "（临时结果）" in result.output


def test_calendar_show_lists_holidays_and_make_up_days(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["calendar", "show", "2025"])
    assert result.exit_code == 0
    assert "国庆节、中秋节" in result.output
    assert "2025-10-01 – 2025-10-08  放假 8 天" in result.output
    assert "2025-09-28" in result.output


def test_calendar_add_makes_the_year_computable(runner: CliRunner, tmp_path: Path) -> None:
    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    assert runner.invoke(cli, ["deadline", "counsel_notice", "2026-12-30"]).exit_code == 1
    added = runner.invoke(cli, ["calendar", "add", str(notice)])
    assert added.exit_code == 0, added.output
    assert "已添加 2027 年" in added.output
    result = runner.invoke(cli, ["deadline", "counsel_notice", "2026-12-30", "--json"])
    assert json.loads(result.stdout)["due"] == "2027-01-04"  # 元旦 01-01..03 off
    again = runner.invoke(cli, ["calendar", "add", str(notice)])
    assert again.exit_code == 1
    assert "2027 年已收录" in again.output


def test_calendar_add_refuses_a_weekday_make_up_day(runner: CliRunner, tmp_path: Path) -> None:
    notice = tmp_path / "bad.toml"
    notice.write_text(NOTICE_2027.replace("2027-02-14", "2027-02-15"), encoding="utf-8")
    result = runner.invoke(cli, ["calendar", "add", str(notice)])
    assert result.exit_code == 1
    assert "调休上班日 2027-02-15 不是周末" in result.output
