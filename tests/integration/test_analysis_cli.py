"""`jianguan compare`, `anomalies`, `dq` and `synth --plant-anomalies` end to end on a small store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jianguan.entrypoints.cli import cli


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("analysis")
    runner = CliRunner()
    data = tmp / "data"
    args = ["synth", "--out", str(data), "--cases", "4000", "--seed", "11", "--workers", "1"]
    made = runner.invoke(cli, [*args, "--defect-rate", "0.05", "--plant-anomalies"])
    assert made.exit_code == 0, made.output
    assert (data / "anomalies.jsonl").exists()
    url = f"sqlite:///{tmp / 'a.db'}"
    done = runner.invoke(cli, ["import", str(data), "--db", url])
    assert done.exit_code == 0, done.output
    return url


def test_compare_json_is_sorted_by_code_with_limits(store: str) -> None:
    out = CliRunner().invoke(cli, ["compare", "non_arrest_rate", "--json", "--db", store])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    keys = [p["unit"] for p in doc["points"]]
    assert keys == sorted(keys)
    assert doc["curve"]
    for p in doc["points"]:
        assert {"numerator", "denominator", "value", "wilson_low", "limit998_high", "flag"} <= set(
            p
        )
        if p["denominator"] < 20:
            assert p["flag"] == "too_few"


def test_compare_a_ratio_as_a_poisson_rate_without_crashing(store: str) -> None:
    # 案-件比 counts more proceedings than matters (1:x, x >= 1): not a proportion, so its excess
    # over one is compared as a Poisson rate; values, intervals and limits never below 1:1.
    out = CliRunner().invoke(cli, ["compare", "case_proceeding_ratio", "--json", "--db", store])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["measure"] == "excess_over_one"
    assert "Poisson" in doc["method"]
    assert doc["overall"] > 1.0
    judged = [p for p in doc["points"] if p["flag"] != "too_few"]
    assert judged
    for p in judged:
        assert p["numerator"] >= p["denominator"] > 0
        assert 1.0 <= p["wilson_low"] <= p["value"] <= p["wilson_high"]
        assert 1.0 <= p["limit95_low"] < doc["overall"] < p["limit95_high"]
    text = CliRunner().invoke(cli, ["compare", "case_proceeding_ratio", "--db", store])
    assert text.exit_code == 0, text.output
    assert "Traceback" not in text.output
    assert "泊松" in text.output
    assert "总体 1:" in text.output
    assert "%" not in text.output.splitlines()[2]  # a unit's line: 1:x, not a percentage


def test_compare_unknown_indicator_is_a_clear_error(store: str) -> None:
    out = CliRunner().invoke(cli, ["--lang", "en", "compare", "nope", "--db", store])
    assert out.exit_code == 1
    assert "Traceback" not in out.output


def test_dq_finds_the_planted_duplicates_and_splits(store: str, tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["dq", "--json", "--db", store])
    assert out.exit_code == 0, out.output
    issues = json.loads(out.stdout)
    kinds = {i["kind"] for i in issues}
    assert {"duplicate", "split"} <= kinds
    assert all(i["case_id"] and i["explanation"] for i in issues)


def test_anomalies_json_and_text(store: str) -> None:
    out = CliRunner().invoke(cli, ["anomalies", "--json", "--db", store])
    assert out.exit_code == 0, out.output
    for a in json.loads(out.stdout):
        assert a["case_ids"]
    text = CliRunner().invoke(
        cli, ["--lang", "en", "anomalies", "--from", "2024-03", "--db", store]
    )
    assert text.exit_code == 0
    assert "anomalies" in text.output
    bad = CliRunner().invoke(cli, ["anomalies", "--unit", "000000", "--db", store])
    assert bad.exit_code == 1
    assert "未知单位" in bad.output
