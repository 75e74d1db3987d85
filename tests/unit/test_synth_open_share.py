"""`jianguan synth --open-share`: a store with many open cases (issue 17), same seed same bytes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from jianguan.synth.skeleton import OPEN_DAYS, crowd_the_end
from tests.support import generate


def test_the_last_days_carry_the_share() -> None:
    weights = [1.0] * 100
    crowded = crowd_the_end(weights, 0.9)
    assert sum(crowded[-OPEN_DAYS:]) / sum(crowded) == pytest.approx(0.9)
    assert crowded[:-OPEN_DAYS] == weights[:-OPEN_DAYS]


def open_share(folder: Path) -> float:
    lines = (folder / "cases.jsonl").read_bytes().splitlines()
    return sum(orjson.loads(line)["closed_on"] is None for line in lines) / len(lines)


def test_most_cases_are_open_at_the_end_and_the_set_is_reproducible(tmp_path: Path) -> None:
    generate(tmp_path / "a", cases=3000, seed=4, open_share=0.9, workers=1)
    generate(tmp_path / "b", cases=3000, seed=4, open_share=0.9, workers=1)
    generate(tmp_path / "usual", cases=3000, seed=4, workers=1)
    a, b = (tmp_path / n / "cases.jsonl" for n in ("a", "b"))
    assert a.read_bytes() == b.read_bytes()
    assert open_share(tmp_path / "a") > 0.7  # a few close within the week they came in
    assert open_share(tmp_path / "usual") < 0.1
    manifest = orjson.loads((tmp_path / "a" / "manifest.json").read_bytes())
    assert manifest["open_share"] == 0.9
