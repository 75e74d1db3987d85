"""The `jianguan` command line as a case officer uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from tests.factories import numbered_case, write_dataset


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    return CliRunner()


def test_import_then_reimport_says_nothing_changed(
    runner: CliRunner, tmp_path: Path, store_url: str
) -> None:
    data = write_dataset(tmp_path / "d")
    first = runner.invoke(cli, ["import", str(data), "--db", store_url])
    assert first.exit_code == 0, first.output
    assert "案件：新增 3，变更 0，未变 0" in first.output
    second = runner.invoke(cli, ["import", str(data), "--db", store_url])
    assert second.exit_code == 0
    assert "新增 0，变更 0，未变 3" in second.output
    assert "未作改动" in second.output


def test_refused_import_exits_non_zero_and_lists_errors(runner: CliRunner, tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d", [numbered_case(1, source="police")])
    result = runner.invoke(cli, ["import", str(data)])
    assert result.exit_code == 2  # refused input (issue 14)
    assert "cases.jsonl:1: source: 取值 'police' 无效" in result.output
    assert "导入被拒绝：1 处错误，数据库未作任何改动" in result.output


def test_english_messages_on_request(runner: CliRunner, tmp_path: Path) -> None:
    data = write_dataset(tmp_path / "d", [numbered_case(1, source="police")])
    result = runner.invoke(cli, ["--lang", "en", "import", str(data)])
    assert result.exit_code == 2  # refused input (issue 14)
    assert "cases.jsonl:1: source: invalid value 'police'" in result.output
    assert "import refused: 1 error(s)" in result.output


def test_database_url_from_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("JIANGUAN_DATABASE_URL", f"sqlite:///{db}")
    result = runner.invoke(cli, ["import", str(write_dataset(tmp_path / "d"))])
    assert result.exit_code == 0, result.output
    assert db.is_file()


def test_export_writes_format_v1(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(cli, ["import", str(write_dataset(tmp_path / "d"))])
    result = runner.invoke(cli, ["export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "cases.jsonl").read_text("utf-8").count("\n") == 3
    assert "案件 3" in result.output


def test_unreachable_database_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    url = "postgresql://nobody@127.0.0.1:1/nowhere"
    result = runner.invoke(cli, ["import", str(write_dataset(tmp_path / "d")), "--db", url])
    assert result.exit_code == 1
    assert "无法打开数据库" in result.output
    assert "Traceback" not in result.output


def test_not_a_dataset_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    result = runner.invoke(cli, ["import", str(tmp_path / "x.txt")])
    assert result.exit_code == 2  # refused input (issue 14)
    assert "不是数据集文件夹或 .zip 文件" in result.output


def test_audit_chain_verifies(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(cli, ["import", str(write_dataset(tmp_path / "d"))])
    result = runner.invoke(cli, ["db", "verify"])
    assert result.exit_code == 0
    assert "留痕日志完整" in result.output
