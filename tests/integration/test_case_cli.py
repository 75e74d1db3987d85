"""`jianguan case …`, `jianguan assign`, `jianguan recuse` as a case officer uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from tests.factories import write_dataset
from tests.integration.test_casework import CONSULTED, MAJOR, OPEN, PEOPLE, _open_case, cid


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("JIANGUAN_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIANGUAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIANGUAN_LANG", raising=False)
    cases = [_open_case(n) for n in (OPEN, CONSULTED, MAJOR)]
    data = write_dataset(tmp_path / "d", cases, people=PEOPLE)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert CliRunner().invoke(cli, ["import", str(data), "--db", url]).exit_code == 0
    return url


def jg(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", db])
    return result.exit_code, result.output


def test_a_refusal_names_what_is_missing_in_chinese_and_exits_2(db: str) -> None:
    code, out = jg(db, "case", "close", cid(OPEN), "--as-of", "2025-09-20")
    assert code == 2
    assert "操作被拒绝" in out
    assert "尚未作出审查结论" in out
    assert "承办人尚未自检" in out
    assert "复核" in out


def test_a_decision_without_the_approval_its_list_requires_is_refused(db: str) -> None:
    # 规则 第4条; default powers list: non-prosecution needs the chief or a deputy chief.
    args = ("case", "decide", cid(OPEN), "--type", "not_prosecute", "--on", "2025-09-20",
            "--ground", "discretionary")  # fmt: skip
    code, out = jg(db, *args)
    assert code == 2
    assert "须经检察长或副检察长批准" in out
    code, out = jg(db, *args, "--approved-by", "P0002")
    assert code == 0, out


def test_the_gate_from_the_command_line(db: str) -> None:
    c = cid(OPEN)
    assert jg(db, "case", "decide", c, "--type", "prosecute", "--on", "2025-09-20")[0] == 0
    code, out = jg(db, "case", "self-check", c, "--as-of", "2025-09-20", "--json")
    assert code == 0
    assert json.loads(out)["blocking"] == ["document_missing"]
    code, out = jg(db, "case", "self-check", c, "--as-of", "2025-09-20",
                   "--explain", "document_missing=起诉书已送达，待补录")  # fmt: skip
    assert code == 0
    assert "0 项须纠正或说明" in out
    assert jg(db, "case", "verify", c, "--by", "P0011", "--as-of", "2025-09-20")[0] == 0
    assert jg(db, "case", "gate", c, "--as-of", "2025-09-20")[0] == 0
    code, out = jg(db, "case", "close", c, "--as-of", "2025-09-20")
    assert code == 0
    assert "已办结（2025-09-20）" in out
    assert jg(db, "case", "archive", c, "--as-of", "2025-09-21")[0] == 0


def test_assign_random_then_show_redraws_from_the_record(db: str) -> None:
    code, out = jg(db, "assign", cid(OPEN), "--seed", "abc", "--json")
    assert code == 0
    first = json.loads(out)
    assert first["mode"] == "random"
    assert first["seed"] == "abc"
    assert first["redraw"] == first["person"]
    code, out = jg(db, "recuse", cid(OPEN), "--person", "P0012", "--reason", "与犯罪嫌疑人系同学")
    assert code == 0
    code, out = jg(db, "assign", cid(OPEN), "--designate", "P0012", "--reason", "熟悉案情")
    assert code == 2
    assert "已回避本案" in out
    code, out = jg(db, "assign", cid(OPEN), "--show")
    assert code == 0
    assert "seed=abc" in out
    assert f"按记录复核抽取结果：{first['person']}" in out
