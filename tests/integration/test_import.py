"""`jianguan import`: every kind of bad input is refused with a located error and changes nothing;
re-importing is idempotent; a changed record is updated in place and the change is an event."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select, update

from jianguan.adapters.formats.records import case_to_record
from jianguan.adapters.store.schema import audit_log
from jianguan.bootstrap import App
from jianguan.services.exporting import export_dataset
from jianguan.services.importing import ImportReport, import_dataset, verify_audit
from tests.factories import PEOPLE_CSV, UNITS_CSV, numbered_case, write_dataset
from tests.support import app_for


def run_import(store: App, path: Path) -> ImportReport:
    feed = store.open_dataset(path)
    try:
        return import_dataset(feed, store.uow())
    finally:
        feed.close()


def snapshot(store: App) -> dict[str, Any]:
    with store.uow() as uow:
        return {
            "counts": uow.cases.counts(),
            "cases": [case_to_record(c) for c in uow.cases.iter_cases()],
            "units": uow.cases.units(),
            "people": uow.cases.people(),
        }


@pytest.fixture
def loaded_store(store_url: str, tmp_path: Path) -> Iterator[App]:
    """A store already holding a good data set, so that "unchanged" means something."""
    with app_for(store_url) as store:
        report = run_import(store, write_dataset(tmp_path / "good"))
        assert report.errors == []
        assert report.cases_new == 3
        yield store


def assert_refused(store: App, path: Path, expected: list[str]) -> ImportReport:
    before = snapshot(store)
    report = run_import(store, path)
    messages = [str(e) for e in report.errors]
    for fragment in expected:
        assert any(fragment in m for m in messages), f"{fragment!r} not in {messages}"
    assert snapshot(store) == before, "a refused import must leave the store exactly as it was"
    return report


def test_wrong_enum_is_located(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10, category="arrest")
    path = write_dataset(tmp_path / "d", [numbered_case(9), bad])
    report = assert_refused(loaded_store, path, ["cases.jsonl:2: category: 取值 'arrest' 无效"])
    assert "invalid value 'arrest'" in report.errors[0].en


def test_missing_field_is_located(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10)
    del bad["received_on"]
    path = write_dataset(tmp_path / "d", [bad])
    assert_refused(
        loaded_store, path, ["cases.jsonl:1: received_on: 缺少必填字段 (required field missing)"]
    )


def test_dangling_references_are_located(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10, unit="440399", handler="P9999")
    bad["events"][1]["party"] = "S9"
    path = write_dataset(tmp_path / "d", [bad])
    assert_refused(
        loaded_store,
        path,
        [
            "cases.jsonl:1: unit: 单位 440399 不在 units.csv 中",
            "cases.jsonl:1: handler: 人员 P9999 不在 people.csv 中",
            "cases.jsonl:1: events[1].party: 当事人 S9 不在本案 suspects/victims 中",
        ],
    )


def test_people_referencing_unknown_unit_is_located(loaded_store: App, tmp_path: Path) -> None:
    people = PEOPLE_CSV + "P0100,孙强,449999,第一检察部,prosecutor,true,false\n"
    path = write_dataset(tmp_path / "d", people=people)
    assert_refused(loaded_store, path, ["people.csv:7: unit: 单位 449999 不在 units.csv 中"])


def test_impossible_date_order_is_located(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10, closed_on="2025-09-01")  # received 2025-09-05
    path = write_dataset(tmp_path / "d", [bad])
    assert_refused(
        loaded_store, path, ["cases.jsonl:1: closed_on: 日期 2025-09-01 早于受理日期 2025-09-05"]
    )


def test_archived_before_closed_is_located(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10, archived_on="2025-09-10")  # closed 2025-09-12
    path = write_dataset(tmp_path / "d", [bad])
    assert_refused(loaded_store, path, ["cases.jsonl:1: archived_on: 日期 2025-09-10 早于结案日期"])


def test_duplicate_case_id_is_located(loaded_store: App, tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "d", [numbered_case(10), numbered_case(11), numbered_case(10)])
    assert_refused(
        loaded_store, path, ["cases.jsonl:3: case_id: 案件编号 440304-2025-XSSC-000010 重复"]
    )


def test_malformed_json_line_is_located(loaded_store: App, tmp_path: Path) -> None:
    good = json.dumps(numbered_case(10), ensure_ascii=False)
    path = write_dataset(tmp_path / "d", case_lines=[good, '{"case_id": "X", "unit": '])
    assert_refused(loaded_store, path, ["cases.jsonl:2: -: 不是合法的 JSON"])


def test_wrong_decision_for_category_is_located(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10)
    bad["decision"]["type"] = "approve_arrest"  # a prosecution-review case
    path = write_dataset(tmp_path / "d", [bad])
    assert_refused(
        loaded_store,
        path,
        [
            "cases.jsonl:1: decision.type: 审查起诉（prosecution_review）案件不能作出“批准逮捕”（approve_arrest）决定"
        ],
    )


def test_string_where_bool_expected_is_refused(loaded_store: App, tmp_path: Path) -> None:
    bad = numbered_case(10)
    bad["suspects"][0]["in_custody"] = "false"
    path = write_dataset(tmp_path / "d", [bad])
    assert_refused(
        loaded_store, path, ["cases.jsonl:1: suspects[0].in_custody: 应为 true 或 false"]
    )


def test_non_utf8_file_is_located(loaded_store: App, tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "d", [numbered_case(10)])
    with (path / "cases.jsonl").open("ab") as fh:
        fh.write('{"case_id": "深圳"}\n'.encode("gbk"))
    assert_refused(loaded_store, path, ["cases.jsonl:2: -: 不是 UTF-8 编码"])


def test_non_utf8_csv_is_located(loaded_store: App, tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "d", [numbered_case(10)])
    (path / "units.csv").write_bytes(UNITS_CSV.encode("gbk"))
    assert_refused(loaded_store, path, ["units.csv:2: -: 不是 UTF-8 编码"])


@pytest.mark.parametrize("name", ["cases.jsonl", "units.csv", "people.csv"])
def test_empty_file_is_located(loaded_store: App, tmp_path: Path, name: str) -> None:
    path = write_dataset(tmp_path / "d", [numbered_case(10)])
    (path / name).write_bytes(b"")
    assert_refused(loaded_store, path, [f"{name}:1: -: 文件为空 (file is empty)"])


def test_missing_file_is_named(loaded_store: App, tmp_path: Path) -> None:
    path = write_dataset(tmp_path / "d", [numbered_case(10)])
    (path / "people.csv").unlink()
    assert_refused(loaded_store, path, ["d/people.csv:0: -: 缺少必需文件"])


def test_wrong_csv_header_is_located(loaded_store: App, tmp_path: Path) -> None:
    path = write_dataset(
        tmp_path / "d", [numbered_case(10)], units=UNITS_CSV.replace("level", "grade")
    )
    assert_refused(
        loaded_store, path, ["units.csv:1: level: 表头缺少此列", "units.csv:1: grade: 表头有未知列"]
    )


def test_wrong_xlsx_header_is_located(loaded_store: App, tmp_path: Path) -> None:
    path = _xlsx_dataset(loaded_store, tmp_path)
    book = Workbook()
    ws = book.active
    ws.title = "units"
    ws.append(["code", "name", "tier", "parent"])
    ws.append(["440000", "广东省人民检察院", "provincial", None])
    book.save(path / "units.xlsx")
    assert_refused(
        loaded_store,
        path,
        ["units.xlsx:1: level: 表头缺少此列", "units.xlsx:1: tier: 表头有未知列"],
    )


def test_wrong_xlsx_case_sheet_value_points_at_its_sheet_row(
    loaded_store: App, tmp_path: Path
) -> None:
    path = _xlsx_dataset(loaded_store, tmp_path)
    from openpyxl import load_workbook

    book = load_workbook(path / "cases.xlsx")
    book["suspects"]["F2"] = "maybe"  # the `minor` column of the first suspect row
    book.save(path / "cases.xlsx")
    assert_refused(loaded_store, path, ["cases.xlsx[suspects]:2: minor: 应为 true 或 false"])


def _xlsx_dataset(store: App, tmp_path: Path) -> Path:
    out = tmp_path / "x"
    export_dataset(store.uow(), store.dataset_writer(out, "xlsx"))
    return out


def test_many_errors_are_all_reported(loaded_store: App, tmp_path: Path) -> None:
    lines = [
        json.dumps(numbered_case(i, category="bogus"), ensure_ascii=False) for i in range(10, 30)
    ]
    report = assert_refused(
        loaded_store, write_dataset(tmp_path / "d", case_lines=lines), ["cases.jsonl:20:"]
    )
    assert len(report.errors) == 20


def test_reimport_changes_nothing_and_says_so(loaded_store: App, tmp_path: Path) -> None:
    before = snapshot(loaded_store)
    report = run_import(loaded_store, write_dataset(tmp_path / "again"))
    assert (report.cases_new, report.cases_changed, report.cases_unchanged) == (0, 0, 3)
    assert not report.changed_anything
    assert snapshot(loaded_store) == before  # not even an audit entry


def test_key_order_and_layout_do_not_count_as_changes(loaded_store: App, tmp_path: Path) -> None:
    lines = [json.dumps(dict(reversed(numbered_case(i).items())), indent=None) for i in range(1, 4)]
    report = run_import(loaded_store, write_dataset(tmp_path / "again", case_lines=lines))
    assert (report.cases_new, report.cases_changed) == (0, 0)


def test_changed_record_is_updated_in_place_and_recorded(loaded_store: App, tmp_path: Path) -> None:
    changed = numbered_case(2, handler="P0013", charges=["危险驾驶罪", "妨害公务罪"])
    path = write_dataset(
        tmp_path / "d", [numbered_case(1), changed, numbered_case(3), numbered_case(4)]
    )
    report = run_import(loaded_store, path)
    assert (report.cases_new, report.cases_changed, report.cases_unchanged) == (1, 1, 2)
    with loaded_store.uow() as uow:
        stored = uow.cases.load_cases(["440304-2025-XSSC-000002"])["440304-2025-XSSC-000002"]
        assert stored.handler == "P0013"
        assert stored.charges == ("危险驾驶罪", "妨害公务罪")
        assert uow.cases.counts()["cases"] == 4
    with loaded_store.store.engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == "case_changed")).all()
    assert len(rows) == 1
    assert rows[0].subject == "440304-2025-XSSC-000002"
    assert json.loads(rows[0].detail)["fields"] == ["handler", "charges"]
    assert verify_audit(loaded_store.uow()) == []


def test_tampering_with_the_audit_log_is_detected(loaded_store: App, tmp_path: Path) -> None:
    assert verify_audit(loaded_store.uow()) == []
    with loaded_store.store.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 1).values(actor="someone else"))
    problems = verify_audit(loaded_store.uow())
    assert problems
    assert "audit #1" in problems[0]


def test_zip_of_a_folder_imports_like_the_folder(store_url: str, tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "set")
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"set/{f.name}")
    with app_for(store_url) as store:
        report = run_import(store, archive)
    assert report.errors == []
    assert report.cases_new == 3


def test_xlsx_variant_round_trips(loaded_store: App, store_url: str, tmp_path: Path) -> None:
    path = _xlsx_dataset(loaded_store, tmp_path)
    out = tmp_path / "jsonl"
    export_dataset(loaded_store.uow(), loaded_store.dataset_writer(out))
    other = (
        app_for(store_url.replace("store.db", "other.db"))
        if store_url.startswith("sqlite")
        else None
    )
    if other is None:  # PostgreSQL: re-import into the same schema must find everything unchanged
        report = run_import(loaded_store, path)
        assert (report.cases_new, report.cases_changed, report.cases_unchanged) == (0, 0, 3)
        return
    report = run_import(other, path)
    assert report.errors == []
    assert report.cases_new == 3
    assert snapshot(other)["cases"] == snapshot(loaded_store)["cases"]
    other.close()


def test_an_import_that_changes_cases_leaves_planner_statistics(
    store_url: str, tmp_path: Path
) -> None:
    """Issue 17, item 4: statistics kept after imports (without them SQLite scans a unit to
    count a prosecutor's open cases)."""
    from sqlalchemy import text

    with app_for(store_url) as app:
        run_import(app, write_dataset(tmp_path / "a"))
        with app.store.engine.connect() as conn:
            if store_url.startswith("sqlite"):
                rows = conn.execute(text("SELECT tbl FROM sqlite_stat1")).scalars().all()
                assert "cases" in rows
            else:  # the monitor's row per case and the staff too (autovacuum may be off)
                analyzed = set(
                    conn.execute(
                        text(
                            "SELECT DISTINCT tablename FROM pg_stats"
                            " WHERE schemaname = current_schema()"
                        )
                    ).scalars()
                )
                assert {"cases", "events", "case_marks", "people", "units"} <= analyzed
                # and vacuumed once committed: rows a COPY wrote are all-visible only after a
                # vacuum, and until then no index-only scan skips the heap (a prosecutor's
                # alerts: 16.6 ms, 0.97 ms after it, at 1 M cases)
                visible = dict(
                    conn.execute(
                        text(
                            "SELECT relname, relallvisible FROM pg_class"
                            " WHERE relnamespace = current_schema()::regnamespace"
                            " AND relname IN ('cases', 'events', 'monitoring_ledger')"
                        )
                    ).all()
                )
                assert visible["cases"] > 0
                assert visible["events"] > 0
