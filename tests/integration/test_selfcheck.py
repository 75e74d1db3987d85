"""`jianguan check` over a small generated store: one case, every case, JSON, refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli
from tests.support import generate, imported


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    out = tmp_path_factory.mktemp("selfcheck") / "set"
    generate(out, cases=1500, seed=7, defect_rate=0.3, workers=1)
    as_of = dt.date.fromisoformat(orjson.loads((out / "manifest.json").read_bytes())["as_of"])
    return out, as_of


def load(store_url: str, folder: Path) -> None:
    imported(folder, store_url).close()


def planted(folder: Path) -> dict[str, str]:
    rows = map(orjson.loads, (folder / "defects.jsonl").read_bytes().splitlines())
    return {r["case_id"]: r["kind"] for r in rows}


def test_check_all_json_finds_the_planted_defects(
    store_url: str, generated: tuple[Path, dt.date]
) -> None:
    folder, as_of = generated
    load(store_url, folder)
    args = ["check", "--all", "--as-of", as_of.isoformat(), "--json", "--db", store_url]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)
    assert findings
    assert set(findings[0]) == {
        "case_id",
        "rule",
        "kind",
        "severity",
        "due",
        "basis",
        "explanation",
        "unit",
    }
    found = {(f["case_id"], f["kind"]) for f in findings}
    truth = planted(folder)
    mine = {"charge_mismatch", "date_mismatch", "document_missing", "archived_unchecked"}
    assert {(c, k) for c, k in truth.items() if k in mine} <= found


def test_check_one_case_text_and_json(store_url: str, generated: tuple[Path, dt.date]) -> None:
    folder, as_of = generated
    load(store_url, folder)
    case_id = next(c for c, k in planted(folder).items() if k == "charge_mismatch")
    runner = CliRunner()
    base = ["check", case_id, "--as-of", as_of.isoformat(), "--db", store_url]
    text = runner.invoke(cli, base)
    assert text.exit_code == 0, text.output
    assert "charge_mismatch" in text.output
    assert "未见于" in text.output
    assert "案卡罪名与起诉书不一致 1" in text.output
    rows = json.loads(runner.invoke(cli, [*base, "--json"]).stdout)
    assert {r["case_id"] for r in rows} == {case_id}
    assert "charge_mismatch" in {r["kind"] for r in rows}
    en = runner.invoke(cli, ["--lang", "en", *base])
    assert "finding(s): " in en.output
    assert "charge_mismatch 1" in en.output


def test_check_refuses_an_unknown_case_and_a_bad_call(store_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "NO-SUCH-CASE", "--db", store_url])
    assert result.exit_code != 0
    assert "未找到案件：NO-SUCH-CASE" in result.output
    result = runner.invoke(cli, ["--lang", "en", "check", "NO-SUCH-CASE", "--db", store_url])
    assert "no such case: NO-SUCH-CASE" in result.output
    result = runner.invoke(cli, ["check", "--db", store_url])
    assert result.exit_code == 2
    assert "--all" in result.output
    result = runner.invoke(cli, ["check", "X", "--all", "--db", store_url])
    assert result.exit_code == 2
