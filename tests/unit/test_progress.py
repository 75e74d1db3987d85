"""Issue 17, item 5: long commands say how far they are — off a terminal as plain lines."""

from __future__ import annotations

import re

import pytest

from jianguan.entrypoints.progress import stage, step


def test_off_a_terminal_a_stage_writes_its_start_quarters_and_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with stage("导入", 400, "件") as tick:
        for done in range(0, 401, 20):
            tick(done)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 5, lines  # start, 25 %, 50 %, 75 %, done
    assert "开始 / started, 400 件" in lines[0]
    assert [re.search(r"（(\d+)%）", x).group(1) for x in lines[1:4]] == ["25", "50", "75"]  # type: ignore[union-attr]
    assert "完成 / done, 400 件" in lines[4]
    assert "件/s" in lines[4]


def test_a_stage_counted_in_bytes_is_shown_in_mebibytes(capsys: pytest.CaptureFixture[str]) -> None:
    with stage("导入", 64 * 2**20, "MiB", scale=2**20) as tick:
        tick(64 * 2**20)
    err = capsys.readouterr().err
    assert "64 MiB" in err
    assert str(64 * 2**20) not in err


def test_a_short_stage_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with stage("导入", 10, "件", quiet_below=1000) as tick:
        tick(10)
    assert capsys.readouterr().err == ""


def test_a_step_of_unknown_size_writes_its_start_and_end(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with step("流程监控"):
        pass
    lines = capsys.readouterr().err.splitlines()
    assert [("开始" in lines[0]), ("完成" in lines[1])] == [True, True]
