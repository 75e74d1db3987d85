"""Import → export of generated data reproduces it exactly (ignoring record order and key order),
on every configured backend, through the JSONL and the .xlsx variants."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.formats.jsonl import JsonlWriter
from jianguan.adapters.formats.xlsx import XlsxWriter
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import import_dataset
from jianguan.synth import generate


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


def load(store: SqlStore, folder: Path) -> None:
    feed = FileFeed(folder)
    report = import_dataset(feed, store)
    feed.close()
    assert report.errors == [], report.errors[:5]


def test_jsonl_round_trip_is_exact(store_url: str, generated: Path, tmp_path: Path) -> None:
    store = SqlStore(store_url)
    load(store, generated)
    export_dataset(store, JsonlWriter(tmp_path / "out"))
    store.close()
    original, exported = read_set(generated), read_set(tmp_path / "out")
    assert len(exported["cases"]) == 3000
    assert exported["units"] == original["units"]
    assert exported["people"] == original["people"]
    different = [cid for cid, rec in original["cases"].items() if exported["cases"].get(cid) != rec]
    assert different == []


def test_xlsx_round_trip_is_exact(store_url: str, generated: Path, tmp_path: Path) -> None:
    store = SqlStore(store_url)
    load(store, generated)
    export_dataset(store, XlsxWriter(tmp_path / "xlsx"))
    store.close()
    again = SqlStore(f"sqlite:///{tmp_path / 'again.db'}")
    load(again, tmp_path / "xlsx")
    export_dataset(again, JsonlWriter(tmp_path / "out"))
    again.close()
    original, exported = read_set(generated), read_set(tmp_path / "out")
    assert exported == original
