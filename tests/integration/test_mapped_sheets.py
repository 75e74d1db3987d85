"""Issue 14, item 3: spreadsheets as case officers have them, read through a column mapping
(docs/spreadsheets.md) — Chinese sheet names and headers, title rows above the header, merged
cells, dates as Excel serials, date cells or Chinese text, vocabularies by Chinese name — give
the very cases the JSONL data set of the same data gives; every bad cell is refused at its sheet,
row and header, in Chinese and English, and the store is left as it was. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jianguan.adapters.formats import sheetcells as sc
from jianguan.adapters.formats.mapped import (
    MappingError,
    load_mapping,
    mapping_names,
    open_mapped,
)
from jianguan.bootstrap import App
from jianguan.domain.model import (
    AssignmentMode,
    CaseCategory,
    CaseSource,
    DataSet,
    DecisionType,
    Disability,
    DocumentType,
    EventType,
    NonProsecutionGround,
    OutcomeType,
    Role,
    SentenceBand,
    UnitLevel,
)
from jianguan.domain.provenance import ExportScope
from jianguan.services.importing import ImportReport, import_dataset
from tests.support import app_for, generate, manifest_day

CASES = 40
SEED = 11
EPOCH = dt.date(1899, 12, 30)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mapped") / "set"
    generate(folder, cases=CASES, seed=SEED, workers=1)
    return folder


# ---------------------------------------------------------------- the national card, written


def _read(folder: Path) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, Any]]]:
    import csv

    with (folder / "units.csv").open(encoding="utf-8") as fh:
        units = list(csv.DictReader(fh))
    with (folder / "people.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    cases = [orjson.loads(line) for line in (folder / "cases.jsonl").read_bytes().splitlines()]
    return units, people, cases


def _zh(vocab: Any, code: str | None) -> str | None:
    return None if code is None else vocab(code).zh


def _yes(value: bool | None, yes: str = "是", no: str = "否") -> str | None:
    return None if value is None else (yes if value else no)


def _day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _serial(text: str) -> int:
    return (dt.date.fromisoformat(text) - EPOCH).days


def _chinese(text: str | None) -> str | None:
    if text is None:
        return None
    d = dt.date.fromisoformat(text)
    return f"{d.year}年{d.month}月{d.day}日"


def _dotted(text: str | None) -> str | None:
    if text is None:
        return None
    d = dt.date.fromisoformat(text)
    return f"{d.year}.{d.month}.{d.day}"


def _slashed(text: str | None) -> str | None:
    if text is None:
        return None
    d = dt.date.fromisoformat(text)
    return f"{d.year}/{d.month}/{d.day}"


def _titled(ws: Worksheet, title: str, headers: list[str]) -> None:
    """A title row merged over the columns and a blank row, then the header (row 3)."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append([])
    ws.append(headers)


def _merge_runs(ws: Worksheet, column: int, first_row: int) -> int:
    """Merge each run of equal values down ``column`` (as a case officer merges 单位): only the
    run's first cell keeps the value. Returns how many ranges were merged."""
    merged, row = 0, first_row
    last = ws.max_row
    while row <= last:
        value = ws.cell(row, column).value
        end = row
        while end + 1 <= last and ws.cell(end + 1, column).value == value and value is not None:
            end += 1
        if end > row:
            ws.merge_cells(start_row=row, start_column=column, end_row=end, end_column=column)
            merged += 1
        row = end + 1
    return merged


@dataclass
class Card:
    path: Path
    merged: int  # merged ranges written (so that the test knows it tested some)


def write_card(folder: Path, path: Path, tweak: Callable[[Workbook], None] | None = None) -> Card:
    """The data set in ``folder`` laid out as the national case-card export: Chinese sheets and
    headers, title rows, merged unit cells, dates in four ways, names for vocabularies, names
    for units and (where unique in the unit) for the handler."""
    units, people, cases = _read(folder)
    unit_name = {u["code"]: u["name"] for u in units}
    by_name: dict[tuple[str, str], list[str]] = {}
    for p in people:
        by_name.setdefault((p["unit"], p["name"]), []).append(p["id"])
    person = {p["id"]: p for p in people}

    def staff(pid: str | None, unit: str) -> str | None:
        """A name where it names one person of the unit, else the id."""
        if pid is None:
            return None
        p = person[pid]
        return p["name"] if by_name[(unit, p["name"])] == [pid] and p["unit"] == unit else pid

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "单位"
    _titled(ws, "检察机关单位一览表", ["序号", "单位编码", "单位名称", "单位级别", "上级单位"])
    for i, u in enumerate(units, start=1):
        parent = unit_name.get(u["parent"]) if u["parent"] else None
        ws.append([i, u["code"], u["name"], UnitLevel(u["level"]).zh, parent])

    ws = book.create_sheet("人员")
    ws.append(
        ["人员编号", "姓名", "所在单位", "所在部门", "职务", "是否员额检察官", "是否资深检察官"]
    )
    for p in people:
        ws.append(
            [
                p["id"],
                p["name"],
                unit_name[p["unit"]],
                p["department"],
                Role(p["role"]).zh,
                _yes(p["in_quota"] == "true"),
                "√" if p["senior"] == "true" else "×",
            ]
        )
    merged = _merge_runs(ws, 3, 2)

    ws = book.create_sheet("案件")
    headers = [
        "序号",
        "部门受案号",
        "统一受案号",
        "承办单位",
        "承办部门",
        "案件类别",
        "案件来源",
        "受理日期",
        "承办检察官",
        "分案日期",
        "分案方式",
        "是否重大复杂",
        "罪名",
        "审查结论",
        "决定日期",
        "决定人",
        "审批人",
        "不起诉类型",
        "判决结果",
        "判决日期",
        "判处刑期（月）",
        "量刑建议（月）",
        "量刑建议是否采纳",
        "是否上诉",
        "是否改变罪名",
        "办结日期",
        "归档日期",
    ]
    _titled(ws, "案卡信息（导出）", headers)
    ordered = sorted(cases, key=lambda c: c["unit"])  # a unit's cases together, as exported
    for i, c in enumerate(ordered, start=1):
        d, o = c["decision"] or {}, c["outcome"] or {}
        ws.append(
            [
                i,
                c["case_id"],
                c["unified_no"],
                unit_name[c["unit"]],
                c["department"],
                CaseCategory(c["category"]).zh,
                CaseSource(c["source"]).zh,
                _serial(c["received_on"]),  # an Excel serial, as a sheet without formats shows
                staff(c["handler"], c["unit"]),
                dt.datetime.combine(_day(c["assigned_on"]) or EPOCH, dt.time()),
                AssignmentMode(c["assignment"]).zh,
                _yes(c["major_complex"]),
                "、".join(c["charges"]) or None,
                _zh(DecisionType, d.get("type")),
                _slashed(d.get("on")),
                d.get("by"),
                staff(d.get("approved_by"), c["unit"]),
                _zh(NonProsecutionGround, d.get("ground")),
                _zh(OutcomeType, o.get("type")),
                o.get("on"),
                o.get("sentence_months"),
                o.get("recommendation_months"),
                _yes(o.get("recommendation_accepted")),
                _yes(o.get("appealed")),
                _yes(o.get("charge_changed")),
                _chinese(c["closed_on"]),
                _dotted(c["archived_on"]),
            ]
        )
    merged += _merge_runs(ws, 4, 4)

    ws = book.create_sheet("犯罪嫌疑人")
    ws.append(
        [
            "部门受案号",
            "嫌疑人编号",
            "姓名",
            "出生日期",
            "受案时是否羁押",
            "是否未成年人",
            "残疾情况",
            "是否有辩护人",
            "是否认罪认罚",
            "是否适用速裁程序",
            "可能判处刑期（月）",
            "可能判处刑罚",
        ]
    )
    for c in reversed(cases):  # rows of the cases interleaved differently from 案件
        for s in c["suspects"]:
            ws.append(
                [
                    c["case_id"],
                    s["id"],
                    s["name"],
                    _day(s["birth_date"]),
                    _yes(s["in_custody"], "羁押", "未羁押"),
                    _yes(s["minor"]),
                    _zh(Disability, s["disability"]) or "无",
                    _yes(s["has_counsel"], "有", "无"),
                    _yes(s["plea_leniency"], "true", "false"),
                    _yes(s["fast_track"], "1", "0"),
                    s["likely_sentence_months"],
                    _zh(SentenceBand, s.get("likely_sentence")),
                ]
            )
    ws = book.create_sheet("被害人")
    ws.append(["部门受案号", "被害人编号", "姓名"])
    for c in cases:
        for v in c["victims"]:
            ws.append([c["case_id"], v["id"], v["name"]])
    ws = book.create_sheet("诉讼活动")
    ws.append(["部门受案号", "活动类型", "日期", "时间", "办理人", "涉及当事人编号", "备注"])
    for n, c in enumerate(cases):
        for e in c["events"]:
            at: Any = e.get("at")
            if at is not None and n % 2:  # a datetime cell, in China Standard Time
                at = dt.datetime.fromisoformat(at).replace(tzinfo=None)
            ws.append(
                [
                    c["case_id"],
                    EventType(e["type"]).zh,
                    _day(e["on"]),
                    at,
                    staff(e["by"], c["unit"]),
                    e["party"],
                    e["note"],
                ]
            )
    ws = book.create_sheet("文书")
    ws.append(["部门受案号", "文书类型", "文号", "签发日期", "文书内容"])
    for c in cases:
        for doc in c["documents"]:
            known = DocumentType.parse(doc["type"])
            ws.append(
                [
                    c["case_id"],
                    known.zh if known is not None else doc["type"],
                    doc["no"],
                    _day(doc["issued_on"]),
                    doc["text"],
                ]
            )
    book.create_sheet("说明").append(["本表由系统导出，仅供内部使用"])  # ignored by the mapping
    if tweak is not None:
        tweak(book)
    book.save(path)
    return Card(path, merged)


# ---------------------------------------------------------------- helpers


def _app(url: str, folder: Path) -> App:
    return app_for(url, as_of=manifest_day(folder))


def _import(app: App, path: Path, mapping: str | None = None, **kw: Any) -> ImportReport:
    if mapping is None:
        feed = app.open_dataset(path)
    else:
        with app.uow() as uow:
            known = DataSet(tuple(uow.cases.units()), tuple(uow.cases.people()))
        feed = open_mapped(
            path,
            mapping,
            today=app.today(),
            strict=kw.pop("strict", False),
            known=known,
        )
    try:
        return import_dataset(feed, app.uow(), **kw)
    finally:
        feed.close()


def _stored(app: App) -> dict[str, Any]:
    with app.uow() as uow:
        return {
            "cases": {c.case_id: c for c in uow.cases.iter_cases()},
            "units": sorted(uow.cases.units(), key=lambda u: u.code),
            "people": sorted(uow.cases.people(), key=lambda p: p.id),
            "counts": uow.cases.counts(),
        }


def _url(store_url: str, name: str) -> str:
    return store_url.replace("store.db", f"{name}.db") if store_url.startswith("sqlite") else ""


@pytest.fixture
def baseline(store_url: str, dataset: Path) -> Iterator[App]:
    """A store holding the JSONL data set, so that "unchanged" means something."""
    with _app(store_url, dataset) as app:
        report = _import(app, dataset)
        assert report.errors == [], report.errors[:3]
        yield app


# ---------------------------------------------------------------- the national card


def test_shipped_mappings_are_listed_and_load() -> None:
    assert mapping_names() == ["ledger_sheet", "national_card"]
    card = load_mapping("national_card")
    assert [s.role for s in card.sheets] == [
        "units",
        "people",
        "cases",
        "suspects",
        "victims",
        "events",
        "documents",
    ]
    assert card.sheet("cases") is not None
    assert load_mapping("ledger_sheet").has_organisation is False
    assert load_mapping("ledger_sheet").scope is ExportScope.DELTA


def test_a_feed_says_which_fields_its_layout_carries(dataset: Path, tmp_path: Path) -> None:
    card = write_card(dataset, tmp_path / "c.xlsx")
    _ledger(dataset, tmp_path / "l.xlsx")
    full = open_mapped(card.path, "national_card", today=None, strict=False, known=None)
    ledger = open_mapped(
        tmp_path / "l.xlsx", "ledger_sheet", today=None, strict=False, known=DataSet((), ())
    )
    assert {"suspects", "events", "documents", "decision", "outcome"} <= full.carries  # type: ignore[attr-defined]
    assert ledger.carries == {  # type: ignore[attr-defined]
        *("case_id", "unified_no", "unit", "department", "category", "source", "received_on"),
        *("handler", "assigned_on", "assignment", "major_complex", "charges"),
        *("closed_on", "archived_on"),
    }


def test_national_card_gives_the_cases_of_the_jsonl_set(
    store_url: str, dataset: Path, tmp_path: Path
) -> None:
    card = write_card(dataset, tmp_path / "案卡导出.xlsx")
    assert card.merged > 3  # merged unit cells were in the workbook
    with _app(store_url, dataset) as app:
        report = _import(app, card.path, "national_card")
        assert report.errors == [], report.errors[:5]
        assert report.cases_new == CASES
        from_card = _stored(app)
        # the JSONL data set of the same data, imported over it, finds every case unchanged
        again = _import(app, dataset)
        assert again.errors == []
        assert (again.cases_new, again.cases_changed, again.cases_unchanged) == (0, 0, CASES)
        jsonl = app.open_dataset(dataset)
        org, errors = jsonl.organisation()
        assert errors == []
        decoded = {c.case_id: c for _, c in jsonl.cases(org) if not isinstance(c, list)}
        jsonl.close()
    assert from_card["units"] == sorted(org.units, key=lambda u: u.code)
    assert from_card["people"] == sorted(org.people, key=lambda p: p.id)
    assert from_card["cases"].keys() == decoded.keys()
    for case_id, case in decoded.items():  # case by case, every field
        assert from_card["cases"][case_id] == case, case_id
    if not store_url.startswith("sqlite"):
        return
    with _app(_url(store_url, "jsonl"), dataset) as other:  # and as the JSONL set is stored
        assert _import(other, dataset).errors == []
        from_jsonl = _stored(other)
    assert from_card == from_jsonl


def test_reimporting_the_card_changes_nothing(baseline: App, dataset: Path, tmp_path: Path) -> None:
    card = write_card(dataset, tmp_path / "card.xlsx")
    before = _stored(baseline)
    report = _import(baseline, card.path, "national_card")
    assert report.errors == [], report.errors[:5]
    assert (report.cases_new, report.cases_changed, report.cases_unchanged) == (0, 0, CASES)
    assert _stored(baseline) == before


# ---------------------------------------------------------------- the ledger sheet


def _ledger(folder: Path, path: Path, extra_column: bool = False) -> list[dict[str, Any]]:
    """A 台账: one sheet under a title, a case a row, card columns only; units and handlers by
    name. Returns the cases as the ledger gives them (no lists, decision or outcome)."""
    units, people, cases = _read(folder)
    unit_name = {u["code"]: u["name"] for u in units}
    names: dict[str, list[str]] = {}
    for p in people:
        names.setdefault(p["name"], []).append(p["id"])
    pname = {p["id"]: p["name"] for p in people}
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "2025年受案台账"
    headers = ["序号", "案件编号", "统一受案号", "承办单位", "承办部门", "案件类别", "案件来源"]
    headers += ["受案日期", "承办人", "分案日期", "分案方式", "重大复杂", "案由", "审结日期"]
    headers += ["归档日期", *(["备注"] if extra_column else [])]
    _titled(ws, "某某市人民检察院案件管理台账", headers)
    for i, c in enumerate(cases, start=1):
        handler = pname[c["handler"]] if names[pname[c["handler"]]] == [c["handler"]] else None
        ws.append(
            [
                i,
                c["case_id"],
                c["unified_no"],
                unit_name[c["unit"]],
                c["department"],
                CaseCategory(c["category"]).zh,
                CaseSource(c["source"]).zh,
                _chinese(c["received_on"]),
                handler or c["handler"],
                c["assigned_on"],
                AssignmentMode(c["assignment"]).zh,
                "是" if c["major_complex"] else None,  # blank is 否 in this mapping
                "，".join(c["charges"]),
                _day(c["closed_on"]),
                _dotted(c["archived_on"]),
                *([f"第{i}号"] if extra_column else []),
            ]
        )
    book.save(path)
    lists = {k: [] for k in ("suspects", "victims", "events", "documents")}
    return [{**c, **lists, "decision": None, "outcome": None} for c in cases]


def _card_only(folder: Path, out: Path, cases: list[dict[str, Any]]) -> Path:
    out.mkdir()
    for name in ("units.csv", "people.csv"):
        shutil.copy(folder / name, out / name)
    (out / "cases.jsonl").write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in cases))
    return out


def test_ledger_sheet_is_read_against_the_stores_organisation(
    store_url: str, dataset: Path, tmp_path: Path
) -> None:
    expected = _ledger(dataset, tmp_path / "台账.xlsx")
    reference = _card_only(dataset, tmp_path / "card_only", expected)
    with _app(store_url, dataset) as app:
        seed = _card_only(dataset, tmp_path / "seed", expected[:1])
        assert _import(app, seed).errors == []  # the store's organisation, and one case
        report = _import(app, tmp_path / "台账.xlsx", "ledger_sheet")
        assert report.errors == [], report.errors[:5]
        assert (report.cases_new, report.cases_unchanged) == (CASES - 1, 1)
        assert report.scope is ExportScope.DELTA
        # the same cases from JSONL: every one unchanged
        again = _import(app, reference)
        assert (again.cases_new, again.cases_changed, again.cases_unchanged) == (0, 0, CASES)


def test_a_ledger_over_full_cases_keeps_what_it_does_not_carry(
    baseline: App, dataset: Path, tmp_path: Path
) -> None:
    """A 台账 holds the card only: over cases stored with their suspects, events, documents,
    decision and outcome it changes nothing it does not hold (issue 14: nothing lost)."""
    before = _stored(baseline)
    _ledger(dataset, tmp_path / "台账.xlsx")
    same = _import(baseline, tmp_path / "台账.xlsx", "ledger_sheet")
    assert same.errors == [], same.errors[:3]
    assert (same.cases_changed, same.cases_unchanged) == (0, CASES)
    assert _stored(baseline) == before
    # one card changed: only its department moves; its lists stay
    book = load_workbook(tmp_path / "台账.xlsx")
    ws = book.worksheets[0]
    row, col = _header_column(ws, "承办部门")
    ws.cell(row + 1, col).value = "第九检察部"
    book.save(tmp_path / "台账2.xlsx")
    changed = _import(baseline, tmp_path / "台账2.xlsx", "ledger_sheet")
    assert (changed.errors, changed.cases_changed) == ([], 1)
    after = _stored(baseline)
    rows = {k: v for k, v in after["counts"].items() if k != "audit_log"}
    assert rows == {k: v for k, v in before["counts"].items() if k != "audit_log"}
    moved = [k for k in before["cases"] if after["cases"][k] != before["cases"][k]]
    assert len(moved) == 1
    assert after["cases"][moved[0]].department == "第九检察部"
    assert after["cases"][moved[0]].events == before["cases"][moved[0]].events


def test_ledger_sheet_needs_the_stores_organisation(dataset: Path, tmp_path: Path) -> None:
    _ledger(dataset, tmp_path / "l.xlsx")
    with pytest.raises(MappingError, match="ledger_sheet"):
        open_mapped(tmp_path / "l.xlsx", "ledger_sheet", today=None, strict=False, known=None)


def test_unknown_columns_are_kept_as_extra(store_url: str, dataset: Path, tmp_path: Path) -> None:
    _ledger(dataset, tmp_path / "l.xlsx", extra_column=True)
    with _app(store_url, dataset) as app:
        seed = _card_only(dataset, tmp_path / "seed", _ledger(dataset, tmp_path / "x.xlsx")[:1])
        assert _import(app, seed).errors == []
        with app.uow() as uow:
            known = DataSet(tuple(uow.cases.units()), tuple(uow.cases.people()))
        feed = open_mapped(
            tmp_path / "l.xlsx", "ledger_sheet", today=None, strict=False, known=known
        )
        org, errors = feed.organisation()
        assert errors == []
        cases = [c for _, c in feed.cases(org)]
        assert all(not isinstance(c, list) for c in cases), cases[:2]
        assert (
            cases[0].extra == orjson.dumps({"备注": "第1号"}, option=orjson.OPT_SORT_KEYS).decode()
        )  # type: ignore[union-attr]
        assert cases[4].extra == '{"备注":"第5号"}'  # type: ignore[union-attr]
        feed.close()
        report = _import(app, tmp_path / "l.xlsx", "ledger_sheet")
        assert report.errors == [], report.errors[:3]
        stored = _stored(app)["cases"]
        first = sorted(stored)[0]
        assert stored[first].extra is not None
        assert "备注" in stored[first].extra


# ---------------------------------------------------------------- bad input


@dataclass(frozen=True)
class Bad:
    name: str
    sheet: str
    header: str
    zh: str
    en: str
    strict: bool = False


def _header_column(ws: Worksheet, header: str) -> tuple[int, int]:
    """(header row, column) of ``header`` within the sheet's first rows."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        for cell in row:
            if cell.value == header:
                return cell.row, cell.column
    raise AssertionError(f"{header} not in {ws.title}")


def _formula(book: Workbook) -> int:
    ws = book["案件"]
    row, col = _header_column(ws, "承办部门")
    ws.cell(row + 2, col).value = '=CONCATENATE("第一","检察部")'
    return row + 2


def _bad_enum(book: Workbook) -> int:
    ws = book["案件"]
    row, col = _header_column(ws, "案件类别")
    ws.cell(row + 3, col).value = "审查批捕"  # not a category, nor a word of the mapping
    return row + 3


def _bad_date(book: Workbook) -> int:
    ws = book["犯罪嫌疑人"]
    row, col = _header_column(ws, "出生日期")
    ws.cell(row + 1, col).value = "1990年2月30日"
    return row + 1


def _missing_column(book: Workbook) -> int:
    ws = book["案件"]
    row, col = _header_column(ws, "受理日期")
    ws.delete_cols(col)
    return row


def _orphan(book: Workbook) -> int:
    ws = book["被害人"]
    ws.append(["440000-2099-XSSC-999999", "V1", "王某"])
    return ws.max_row


def _unknown_column(book: Workbook) -> int:
    ws = book["诉讼活动"]
    ws.cell(1, ws.max_column + 1).value = "经办科室"
    return 1


def _bad_bool(book: Workbook) -> int:
    ws = book["犯罪嫌疑人"]
    row, col = _header_column(ws, "是否未成年人")
    ws.cell(row + 2, col).value = "不详"
    return row + 2


def _ambiguous_person(book: Workbook) -> int:
    ws = book["案件"]
    row, col = _header_column(ws, "承办检察官")
    people = book["人员"]
    people.append(["PX0001", "同名人", "广东省人民检察院", "院领导", "检察官", "是", "否"])
    people.append(["PX0002", "同名人", "广东省人民检察院", "院领导", "检察官", "是", "否"])
    ws.cell(row + 1, col).value = "同名人"
    return row + 1


def _event_before_receipt(book: Workbook) -> int:
    ws = book["诉讼活动"]
    row, col = _header_column(ws, "日期")
    ws.cell(row + 1, col).value = "2000-01-01"
    return row + 1


def _unknown_handler(book: Workbook) -> int:
    ws = book["案件"]
    row, col = _header_column(ws, "承办检察官")
    ws.cell(row + 1, col).value = "P999999"
    return row + 1


BAD: list[tuple[Bad, Callable[[Workbook], int]]] = [
    (Bad("formula", "案件", "承办部门", "公式", "formula"), _formula),
    (Bad("unknown enum name", "案件", "案件类别", "审查批捕", "invalid value"), _bad_enum),
    (Bad("impossible date", "犯罪嫌疑人", "出生日期", "不存在", "does not exist"), _bad_date),
    (Bad("missing column", "案件", "受理日期", "表头缺少此列", "column missing"), _missing_column),
    (Bad("orphan row", "被害人", "部门受案号", "不在「", "is not in the sheet"), _orphan),
    (
        Bad("unknown column, strict", "诉讼活动", "经办科室", "未知列", "unknown column", True),
        _unknown_column,
    ),
    (Bad("bad yes/no", "犯罪嫌疑人", "是否未成年人", "应为 是 或 否", "expected 是"), _bad_bool),
    (
        Bad("ambiguous name", "案件", "承办检察官", "对应多名人员", "fits several"),
        _ambiguous_person,
    ),
    # the checks of a cases.jsonl record, at the sheet, row and header of the cell
    (
        Bad("event before receipt", "诉讼活动", "日期", "早于受理日期", "before"),
        _event_before_receipt,
    ),
    (
        Bad("unknown staff", "案件", "承办检察官", "不在「人员」工作表中", "not in the sheet 人员"),
        _unknown_handler,
    ),
]


@pytest.mark.parametrize(("bad", "tweak"), BAD, ids=[b.name for b, _ in BAD])
def test_bad_cells_are_refused_where_they_are(
    baseline: App, dataset: Path, tmp_path: Path, bad: Bad, tweak: Callable[[Workbook], int]
) -> None:
    rows: list[int] = []
    card = write_card(dataset, tmp_path / "bad.xlsx", lambda book: rows.append(tweak(book)))
    before = _stored(baseline)
    report = _import(baseline, card.path, "national_card", strict=bad.strict)
    assert report.errors, bad.name
    hits = [
        e
        for e in report.errors
        if e.file == f"bad.xlsx/{bad.sheet}" and e.line == rows[0] and e.field == bad.header
    ]
    assert hits, report.errors[:5]
    assert bad.zh in hits[0].zh
    assert bad.en in hits[0].en
    assert _stored(baseline) == before


def test_an_unknown_column_is_no_error_without_strict(
    baseline: App, dataset: Path, tmp_path: Path
) -> None:
    card = write_card(dataset, tmp_path / "c.xlsx", _unknown_column)
    report = _import(baseline, card.path, "national_card")
    assert report.errors == [], report.errors[:3]


def test_unknown_sheets_are_refused_when_the_mapping_says(dataset: Path, tmp_path: Path) -> None:
    card = write_card(dataset, tmp_path / "c.xlsx")
    strict = load_mapping("national_card")
    text = (Path(__file__).parents[2] / "src/jianguan/data/mapping_national_card.toml").read_text(
        "utf-8"
    )
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace('unknown_sheets = "ignore"', 'unknown_sheets = "refuse"'), "utf-8")
    assert strict.ignore_unknown_sheets
    feed = open_mapped(card.path, str(mine), today=None, strict=False, known=None)
    _, errors = feed.organisation()
    assert [(e.file, e.zh[:5]) for e in errors] == [("c.xlsx/说明", "未知工作表")]
    assert "unknown sheet" in errors[0].en


def test_a_users_own_mapping_file(store_url: str, dataset: Path, tmp_path: Path) -> None:
    """Others addable: the ledger mapping with a province's own header for 承办检察官."""
    text = (Path(__file__).parents[2] / "src/jianguan/data/mapping_ledger_sheet.toml").read_text(
        "utf-8"
    )
    mine = tmp_path / "mapping_my_ledger.toml"
    mine.write_text(text.replace('aliases = ["承办人"]', 'aliases = ["办案检察官"]'), "utf-8")
    expected = _ledger(dataset, tmp_path / "l.xlsx")
    book = load_workbook(tmp_path / "l.xlsx")
    ws = book.active
    assert ws is not None
    row, col = _header_column(ws, "承办人")
    ws.cell(row, col).value = "办案检察官"
    book.save(tmp_path / "l.xlsx")
    with _app(store_url, dataset) as app:
        assert _import(app, _card_only(dataset, tmp_path / "seed", expected[:1])).errors == []
        refused = _import(app, tmp_path / "l.xlsx", "ledger_sheet")
        assert any(e.field == "承办检察官" and "缺少" in e.zh for e in refused.errors)
        report = _import(app, tmp_path / "l.xlsx", str(mine))
        assert report.errors == [], report.errors[:3]
        assert report.cases_new == CASES - 1


def test_mapping_errors(tmp_path: Path, dataset: Path) -> None:
    card = write_card(dataset, tmp_path / "c.xlsx")
    with pytest.raises(MappingError, match="unknown column mapping"):
        open_mapped(card.path, "provincial_card", today=None, strict=False, known=None)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'format = "jianguan.sheet-mapping"\nversion = 1\n[[sheet]]\nrole = "cases"\n'
        'names = ["案件"]\ncolour = "red"\n',
        "utf-8",
    )
    with pytest.raises(MappingError, match=r"sheet\[0\]\.colour: 未知的键.* / unknown key"):
        open_mapped(card.path, str(bad), today=None, strict=False, known=None)
    bad.write_text(
        'format = "jianguan.sheet-mapping"\nversion = 1\n[[sheet]]\nrole = "cases"\n'
        '[[sheet.column]]\nheader = "部门受案号"\nfield = "case_id"\n',
        "utf-8",
    )
    with pytest.raises(MappingError, match="required field unified_no of cases has no column"):
        load_mapping(str(bad))
    with pytest.raises(MappingError, match="not found"):
        load_mapping(str(tmp_path / "absent.toml"))
    with pytest.raises(FileNotFoundError):
        open_mapped(tmp_path / "absent.xlsx", "national_card", today=None, strict=False, known=None)


def test_a_zip_bomb_workbook_is_not_read(dataset: Path, tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (300 * 1024 * 1024) + b">")
    feed = open_mapped(path, "national_card", today=None, strict=False, known=None)
    _, errors = feed.organisation()
    assert errors
    assert "解压后" in errors[0].zh
    assert list(feed.cases(DataSet((), ()))) == []


# ---------------------------------------------------------------- cells, one by one


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (45905, dt.date(2025, 9, 5)),
        (45905.75, dt.date(2025, 9, 5)),
        (dt.datetime(2025, 9, 5, 10, 30), dt.date(2025, 9, 5)),
        ("2025-09-05", dt.date(2025, 9, 5)),
        ("2025年9月5日", dt.date(2025, 9, 5)),
        ("2025 年 9 月 5 日", dt.date(2025, 9, 5)),
        ("2025.9.5", dt.date(2025, 9, 5)),
        ("2025/9/5", dt.date(2025, 9, 5)),
        ("2025/09/05 10:30:00", dt.date(2025, 9, 5)),
        ("20250905", dt.date(2025, 9, 5)),
        (20250905, dt.date(2025, 9, 5)),
        ("二〇二五年九月五日", dt.date(2025, 9, 5)),
        ("２０２５年９月５日", dt.date(2025, 9, 5)),
    ],
)
def test_dates_as_people_write_them(value: Any, day: dt.date) -> None:
    assert sc.read_date(value, 1900) == day


@pytest.mark.parametrize(
    ("value", "zh"),
    [
        ("2025年2月30日", "不存在"),
        ("2025.13.1", "不存在"),
        ("下周一", "无法识别的日期"),
        (0, "不是 Excel 日期序号"),
        (True, "应为日期"),
    ],
)
def test_impossible_dates_say_why(value: Any, zh: str) -> None:
    with pytest.raises(sc.CellProblem) as caught:
        sc.read_date(value, 1900)
    assert zh in caught.value.zh
    assert caught.value.en


def test_the_1904_date_system() -> None:
    assert sc.read_date(44443, 1904) == dt.date(2025, 9, 5)


def test_times_take_china_standard_time_unless_they_say() -> None:
    cst = dt.timezone(dt.timedelta(hours=8))
    assert sc.read_datetime(dt.datetime(2025, 9, 5, 21, 40), 1900, cst) == dt.datetime(
        2025, 9, 5, 21, 40, tzinfo=cst
    )
    assert sc.read_datetime("2025年9月5日 21:40", 1900, cst).utcoffset() == dt.timedelta(hours=8)
    utc = sc.read_datetime("2025-09-05T13:40:00+00:00", 1900, cst)
    assert utc.utcoffset() == dt.timedelta(0)
    with pytest.raises(sc.CellProblem):
        sc.read_datetime("2025-09-05", 1900, cst)


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        *[("是", True), ("否", False), ("√", True), ("×", False), ("TRUE", True)],
        *[("false", False), (1, True), (0, False), (True, True), ("1", True), ("0", False)],
    ],
)
def test_yes_and_no(value: Any, meant: bool) -> None:
    assert sc.read_bool(value, {}) is meant


def test_vocabularies_by_code_name_or_the_mappings_word() -> None:
    assert sc.read_enum("审查起诉", CaseCategory, {}) == "prosecution_review"
    assert sc.read_enum("prosecution_review", CaseCategory, {}) == "prosecution_review"
    assert sc.read_enum(" 审查 起诉 ", CaseCategory, {}) == "prosecution_review"
    assert sc.read_enum("起诉书", DocumentType, {}, open_set=True) == "indictment"
    assert sc.read_enum("检察意见书", DocumentType, {}, open_set=True) == "检察意见书"
    with pytest.raises(sc.CellProblem) as caught:
        sc.read_enum("审查批捕", CaseCategory, {})
    assert "审查逮捕" in caught.value.zh  # the names it could have been


def test_lists_in_one_cell() -> None:
    separators = ("、", "，", ",", "；", ";")
    assert sc.read_list("盗窃罪、诈骗罪；危险驾驶罪, 故意伤害罪\n抢劫罪", separators) == [
        "盗窃罪",
        "诈骗罪",
        "危险驾驶罪",
        "故意伤害罪",
        "抢劫罪",
    ]


def test_merged_cells_and_title_rows(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "表"
    ws.append(["标题"])
    ws.merge_cells("A1:C1")
    ws.append(["单位", "案件编号", "日期"])
    ws.append(["福田区院", "A1", 45905])
    ws.append([None, "A2", 45906])
    ws.append([None, "A3", "=TODAY()"])
    ws.merge_cells("A3:A5")
    book.save(tmp_path / "m.xlsx")
    sheets, epoch, errors = sc.load_sheets(tmp_path / "m.xlsx", "m.xlsx")
    assert errors == []
    assert epoch == 1900
    rows = sheets[0].rows
    assert [r[0].value for r in rows[2:5]] == ["福田区院"] * 3
    assert [r[0].merged for r in rows[2:5]] == [False, True, True]
    assert rows[4][2].problem is not None
    assert "公式" in rows[4][2].problem[0]


def test_the_docs_list_every_column_of_the_shipped_mappings() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "spreadsheets.md").read_text("utf-8")
    for name in mapping_names():
        assert f"### `{name}`" in doc
        for spec in load_mapping(name).sheets:
            for col in spec.columns:
                also = f" ({'、'.join(col.aliases)})" if col.aliases else ""
                assert f"| {col.header}{also} | `{col.field}` |" in doc, (name, col.header)
