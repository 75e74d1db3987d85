"""Import → export of generated data reproduces it exactly (ignoring record order and key order),
on every configured backend, through the JSONL and the .xlsx variants."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from jianguan.services.exporting import export_dataset
from tests.support import generate, imported


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(out, cases=3000, seed=7, defect_rate=0.1, workers=1)
    return out


def read_set(folder: Path) -> dict[str, Any]:
    def rows(name: str) -> list[tuple[str, ...]]:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            return sorted(tuple(sorted(r.items())) for r in csv.DictReader(fh))

    with (folder / "cases.jsonl").open(encoding="utf-8") as fh:
        cases = {rec["case_id"]: rec for rec in map(json.loads, fh)}
    return {"units": rows("units.csv"), "people": rows("people.csv"), "cases": cases}


def test_jsonl_round_trip_is_exact(store_url: str, generated: Path, tmp_path: Path) -> None:
    with imported(generated, store_url) as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "out"))
    original, exported = read_set(generated), read_set(tmp_path / "out")
    assert len(exported["cases"]) == 3000
    assert exported["units"] == original["units"]
    assert exported["people"] == original["people"]
    different = [cid for cid, rec in original["cases"].items() if exported["cases"].get(cid) != rec]
    assert different == []


def test_xlsx_round_trip_is_exact(store_url: str, generated: Path, tmp_path: Path) -> None:
    with imported(generated, store_url) as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "xlsx", "xlsx"))
    with imported(tmp_path / "xlsx", f"sqlite:///{tmp_path / 'again.db'}") as again:
        export_dataset(again.uow(), again.dataset_writer(tmp_path / "out"))
    original, exported = read_set(generated), read_set(tmp_path / "out")
    assert exported == original
