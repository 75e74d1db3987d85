"""Format 1.1 (docs/format.md): a 1.0 file imports unchanged and is written back as it came; a 1.1
file with every new field round-trips exactly, on every configured backend and through .xlsx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jianguan.adapters.formats.records import case_to_record
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import import_dataset
from tests.factories import example_case, numbered_case, write_dataset
from tests.support import app_for, imported

NEW_EVENTS = [
    {"type": "arrest_executed", "on": "2025-09-05", "by": None, "party": "S1", "note": None,
     "at": "2025-09-05T21:40:00+08:00"},
    {"type": "family_notified", "on": "2025-09-06", "by": "P0012", "party": "S1", "note": None,
     "at": "2025-09-06T09:15:00+08:00"},
    {"type": "necessity_applied", "on": "2025-09-07", "by": None, "party": "S1",
     "note": "辩护人申请"},
    {"type": "necessity_answered", "on": "2025-09-10", "by": "P0012", "party": "S1",
     "note": "继续羁押"},
    {"type": "questioned", "on": "2025-09-08", "by": "P0012", "party": "S1", "note": None,
     "at": "2025-09-08T10:00:00+08:00"},
    {"type": "guardian_present", "on": "2025-09-08", "by": None, "party": "S1",
     "note": "法定代理人"},
    {"type": "opinion_heard", "on": "2025-09-09", "by": "P0012", "party": "S1",
     "note": "duty_lawyer"},
    {"type": "opinion_heard", "on": "2025-09-09", "by": "P0012", "party": "V1", "note": "victim"},
    {"type": "public_interest_notice", "on": "2025-09-10", "by": "P0012", "party": None,
     "note": None, "at": "2025-09-10T16:05:30+00:00"},
    {"type": "public_interest_reply", "on": "2025-10-10", "by": None, "party": None, "note": None},
]  # fmt: skip


def case_1_1(n: int, band: str) -> dict[str, Any]:
    rec = numbered_case(n)
    rec["suspects"][0].update(likely_sentence=band, likely_sentence_months=None, minor=True)
    rec["victims"] = [{"id": "V1", "name": "王某"}]
    rec["events"] = rec["events"][:2] + NEW_EVENTS + rec["events"][2:]
    return rec


def exported_cases(folder: Path) -> dict[str, Any]:
    lines = (folder / "cases.jsonl").read_text("utf-8").splitlines()
    return {r["case_id"]: r for r in map(json.loads, lines)}


def test_a_1_0_file_imports_unchanged_and_is_written_back_as_it_came(
    store_url: str, tmp_path: Path
) -> None:
    source = write_dataset(tmp_path / "v10")
    original = exported_cases(source)
    assert all("at" not in e for r in original.values() for e in r["events"])
    with imported(source, store_url) as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "out"))
        with app.uow() as uow:
            cases = list(uow.cases.iter_cases())
    assert exported_cases(tmp_path / "out") == original
    assert all(e.at is None for c in cases for e in c.events)
    # a 1.0 suspect's band is read from its months; none is stored or written
    assert [s.likely_sentence for c in cases for s in c.suspects] == [None] * 3
    assert {s.sentence_band() for c in cases for s in c.suspects} == {"up_to_1y"}
    note = json.loads((tmp_path / "out" / "format.json").read_text("utf-8"))
    assert note["version"] == "1.2"
    assert note["scope"] == "full"


@pytest.mark.parametrize("band", ["life", "death", "over_10y", "1y_to_3y"])
def test_a_1_1_file_round_trips_exactly(store_url: str, tmp_path: Path, band: str) -> None:
    records = [case_1_1(1, band), numbered_case(2)]
    source = write_dataset(tmp_path / "v11", records)
    with imported(source, store_url) as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "out"))
        with app.uow() as uow:
            case = next(c for c in uow.cases.iter_cases() if c.case_id == records[0]["case_id"])
    assert exported_cases(tmp_path / "out") == exported_cases(source)
    assert case.suspects[0].sentence_band() == band
    arrest = case.events[2]
    assert arrest.type == "arrest_executed"
    assert arrest.at is not None
    assert arrest.at.utcoffset() is not None
    assert arrest.at.isoformat() == "2025-09-05T21:40:00+08:00"


def test_a_1_1_file_round_trips_through_xlsx(store_url: str, tmp_path: Path) -> None:
    source = write_dataset(tmp_path / "v11", [case_1_1(1, "life"), numbered_case(2)])
    with imported(source, store_url) as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "xlsx", "xlsx"))
    with imported(tmp_path / "xlsx", f"sqlite:///{tmp_path / 'again.db'}") as again:
        export_dataset(again.uow(), again.dataset_writer(tmp_path / "out"))
    assert exported_cases(tmp_path / "out") == exported_cases(source)


def test_a_1_0_spreadsheet_without_the_new_columns_imports(tmp_path: Path) -> None:
    source = write_dataset(tmp_path / "v10")
    with imported(source, f"sqlite:///{tmp_path / 'a.db'}") as app:
        export_dataset(app.uow(), app.dataset_writer(tmp_path / "xlsx", "xlsx"))
    book = load_workbook(tmp_path / "xlsx" / "cases.xlsx")
    for sheet, column in (("events", "at"), ("suspects", "likely_sentence")):
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        ws.delete_cols(header.index(column) + 1)
    book.save(tmp_path / "xlsx" / "cases.xlsx")
    with imported(tmp_path / "xlsx", f"sqlite:///{tmp_path / 'b.db'}") as again:
        export_dataset(again.uow(), again.dataset_writer(tmp_path / "out"))
    assert exported_cases(tmp_path / "out") == exported_cases(source)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"at": "2025-09-05T21:40:00"}, "缺少时区"),
        ({"at": "yesterday"}, "ISO 8601"),
        ({"at": 1757000000}, "带时区"),
        # example_case's events[1] is on 2025-09-08: a moment on another day contradicts it
        ({"at": "2025-09-09T08:00:00+08:00"}, "不在事件日期 2025-09-08 当天"),
    ],
)
def test_a_bad_at_is_refused_with_its_place(
    tmp_path: Path, change: dict[str, Any], fragment: str
) -> None:
    rec = example_case()
    rec["events"][1].update(change)
    with app_for(f"sqlite:///{tmp_path / 's.db'}") as app:
        feed = app.open_dataset(write_dataset(tmp_path / "bad", [rec]))
        try:
            report = import_dataset(feed, app.uow())
        finally:
            feed.close()
    messages = [str(e) for e in report.errors]
    assert any("events[1].at" in m and fragment in m for m in messages), messages


def test_an_unknown_band_is_refused(tmp_path: Path) -> None:
    rec = example_case()
    rec["suspects"][0]["likely_sentence"] = "forever"
    with app_for(f"sqlite:///{tmp_path / 's.db'}") as app:
        feed = app.open_dataset(write_dataset(tmp_path / "bad", [rec]))
        try:
            report = import_dataset(feed, app.uow())
        finally:
            feed.close()
    messages = [str(e) for e in report.errors]
    assert any("suspects[0].likely_sentence" in m and "death" in m for m in messages), messages


def test_export_omits_what_a_record_does_not_say() -> None:
    from jianguan.adapters.formats.records import decode_case_line
    from jianguan.domain.model import DataSet, Person, Role, Unit, UnitLevel

    org = DataSet(
        (Unit("440304", "福田", UnitLevel.BASIC, None),),
        (Person("P0012", "李华", "440304", "第一检察部", Role.PROSECUTOR, True, False),),
    )
    rec = example_case()
    case = decode_case_line(json.dumps(rec), "cases.jsonl", 1, org)
    assert not isinstance(case, list)
    assert case_to_record(case) == rec
