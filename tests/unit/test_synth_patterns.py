"""Planted business-management patterns: valid data, truth that matches it, default untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from jianguan.adapters.formats.feed import FileFeed
from tests.support import generate


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("planted")
    generate(out, cases=12000, seed=5, defect_rate=0.05, workers=1, plant=True)
    return out


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


def test_planted_set_passes_the_import_checks(planted: Path) -> None:
    feed = FileFeed(planted)
    org, errors = feed.organisation()
    assert errors == []
    bad = [r for _, r in feed.cases(org) if isinstance(r, list)]
    feed.close()
    assert bad == []


def test_truth_names_every_pattern_and_real_cases(planted: Path) -> None:
    truth = _lines(planted / "anomalies.jsonl")
    kinds = {str(t["kind"]) for t in truth}
    assert kinds == {"level_shift", "sudden_drop", "padding", "duplicate", "split"}
    ids = {str(c["case_id"]) for c in _lines(planted / "cases.jsonl")}
    for t in truth:
        assert t["case_ids"], t["kind"]
        assert set(t["case_ids"]) <= ids  # type: ignore[arg-type]


def test_padding_cases_are_decided_in_the_window(planted: Path) -> None:
    cases = {c["case_id"]: c for c in _lines(planted / "cases.jsonl")}
    for t in _lines(planted / "anomalies.jsonl"):
        if t["kind"] != "padding":
            continue
        window = t["window"]
        assert isinstance(window, list)
        for cid in t["case_ids"]:  # type: ignore[attr-defined]
            on = cases[cid]["decision"]["on"]  # type: ignore[index]
            assert window[0] <= on <= window[-1]
            assert dt.date.fromisoformat(on).month == int(str(t["period"])[5:])


def test_planted_cases_carry_no_planted_defect(planted: Path) -> None:
    defective = {str(d["case_id"]) for d in _lines(planted / "defects.jsonl")}
    for t in _lines(planted / "anomalies.jsonl"):
        if t["kind"] in ("duplicate", "split"):
            assert not defective & set(t["case_ids"])  # type: ignore[arg-type]


def test_without_the_switch_nothing_is_planted(tmp_path: Path) -> None:
    generate(tmp_path, cases=300, seed=5, workers=1)
    assert not (tmp_path / "anomalies.jsonl").exists()
    assert "plant_anomalies" not in orjson.loads((tmp_path / "manifest.json").read_bytes())


def test_a_pulled_decision_moves_each_moment_with_its_day() -> None:
    # Seen in the demo (seed 2025): an arrest decided on 05-06 pulled to 04-30 kept its
    # arrest_executed moment on 05-06, and the import refused the whole set.
    from jianguan.synth.patterns import _pull

    case: dict[str, object] = {
        "decision": {"type": "approve_arrest", "on": "2025-05-06"},
        "closed_on": "2025-05-06",
        "events": [
            {"type": "arrest_executed", "on": "2025-05-06", "at": "2025-05-06T20:33:00+08:00"},
            {"type": "family_notified", "on": "2025-05-07", "at": "2025-05-07T01:09:00+08:00"},
        ],
        "documents": [],
    }
    _pull(case, dt.date(2025, 4, 30))
    moved = {e["type"]: (e["on"], e["at"]) for e in case["events"]}  # type: ignore[attr-defined]
    assert moved == {
        "arrest_executed": ("2025-04-30", "2025-04-30T20:33:00+08:00"),
        "family_notified": ("2025-05-01", "2025-05-01T01:09:00+08:00"),
    }
