"""The .xlsx variant of format v1: units.xlsx, people.xlsx and a flat cases.xlsx.

cases.xlsx has a `cases` sheet (one row a case, decision_* and outcome_* flattened) and one
sheet per list (`charges`, `suspects`, `victims`, `events`, `documents`), keyed by `case_id`,
rows in list order. Each case is rebuilt as a JSON record and goes through exactly the checks of
cases.jsonl; errors point at the sheet and row. The list sheets are indexed in memory: the
variant is meant for spreadsheets a case-management office keeps, not for bulk exports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook, load_workbook

from jianguan.adapters.formats.dataset import DataSetSource, _decode_rows
from jianguan.adapters.formats.records import (
    PEOPLE_COLUMNS,
    UNIT_COLUMNS,
    case_to_record,
    decode_case_line,
    decode_person_row,
    decode_unit_row,
    tree_problems,
)
from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet, Person, Unit

CASE_COLUMNS = (
    "case_id",
    "unified_no",
    "unit",
    "department",
    "category",
    "source",
    "received_on",
    "handler",
    "assigned_on",
    "assignment",
    "major_complex",
    "decision_type",
    "decision_on",
    "decision_by",
    "decision_approved_by",
    "decision_ground",
    "outcome_type",
    "outcome_on",
    "outcome_sentence_months",
    "outcome_recommendation_months",
    "outcome_recommendation_accepted",
    "outcome_appealed",
    "outcome_charge_changed",
    "closed_on",
    "archived_on",
)
LIST_SHEETS: dict[str, tuple[str, ...]] = {
    "charges": ("case_id", "charge"),
    "suspects": (
        "case_id",
        "id",
        "name",
        "birth_date",
        "in_custody",
        "minor",
        "disability",
        "has_counsel",
        "plea_leniency",
        "fast_track",
        "likely_sentence_months",
    ),
    "victims": ("case_id", "id", "name"),
    "events": ("case_id", "type", "on", "by", "party", "note"),
    "documents": ("case_id", "type", "no", "issued_on", "text"),
}
_BOOLS = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}
_LIST_FIELD = re.compile(r"^(suspects|victims|events|documents)\[(\d+)\]\.?(.*)$")


def _cell(value: Any) -> Any:
    """An xlsx cell as the JSON value format v1 expects."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        return _BOOLS[stripped.lower()] if stripped.lower() in ("true", "false") else value
    return value


def _sheet_rows(
    source: DataSetSource, book_name: str, sheet: str | None, expected: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, Any]]], list[RecordError]]:
    label = f"{source.display(book_name)}[{sheet}]" if sheet else source.display(book_name)
    with source.open(book_name) as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            return [], [
                RecordError(label, 0, "-", f"无法读取 xlsx：{exc}", f"unreadable xlsx: {exc}")
            ]
        if sheet is not None and sheet not in book.sheetnames:
            return [], [RecordError(label, 0, "-", "缺少工作表", "sheet missing")]
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        book.close()
    if not rows:
        return [], [RecordError(label, 1, "-", "工作表为空", "sheet is empty")]
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    problems = [
        RecordError(label, 1, c, "表头缺少此列", "column missing from header")
        for c in expected
        if c not in header
    ]
    problems += [
        RecordError(label, 1, c or "(空)", "表头有未知列", "unknown column in header")
        for c in header
        if c not in expected
    ]
    if problems:
        return [], problems
    out = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False)}
        if any(v is not None for v in cells.values()):
            out.append((number, cells))
    return out, []


def read_organisation(source: DataSetSource) -> tuple[DataSet, list[RecordError]]:
    errors: list[RecordError] = []
    tables: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for stem, columns in (("units", UNIT_COLUMNS), ("people", PEOPLE_COLUMNS)):
        rows, errs = _sheet_rows(source, f"{stem}.xlsx", None, columns)
        errors += errs
        tables[stem] = [(n, {k: _text(r.get(k)) for k in columns}) for n, r in rows]
    units = _decode_rows(
        source.display("units.xlsx"), tables["units"], decode_unit_row, "code", errors
    )
    errors += [
        RecordError(source.display("units.xlsx"), n, f, zh, en)
        for n, f, zh, en in tree_problems(units)
    ]
    people = _decode_rows(
        source.display("people.xlsx"), tables["people"], decode_person_row, "id", errors
    )
    codes = {u.code for _, u in units}
    errors += [
        RecordError(
            source.display("people.xlsx"),
            n,
            "unit",
            f"单位 {p.unit} 不在 units.xlsx 中",
            f"unit {p.unit} not in units.xlsx",
        )
        for n, p in people
        if p.unit not in codes
    ]
    return DataSet(tuple(u for _, u in units), tuple(p for _, p in people)), errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def iter_cases(
    source: DataSetSource, org: DataSet
) -> Iterator[tuple[int, Case | list[RecordError]]]:
    rows, errors = _sheet_rows(source, "cases.xlsx", "cases", CASE_COLUMNS)
    lists: dict[str, dict[str, list[tuple[int, dict[str, Any]]]]] = {}
    for sheet, columns in LIST_SHEETS.items():
        sheet_rows, errs = _sheet_rows(source, "cases.xlsx", sheet, columns)
        errors += errs
        grouped: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for number, row in sheet_rows:
            grouped[str(row.pop("case_id"))].append((number, row))
        lists[sheet] = grouped
    if errors:
        yield 0, errors
        return
    label = source.display("cases.xlsx")
    seen: set[str] = set()
    for number, row in rows:
        case_id = str(row["case_id"])
        record = _record(row, {s: [r for _, r in g.get(case_id, [])] for s, g in lists.items()})
        result = decode_case_line(orjson.dumps(record), f"{label}[cases]", number, org)
        if isinstance(result, list):
            result = [_relocate(e, label, case_id, lists) for e in result]
        elif case_id in seen:
            result = [
                RecordError(
                    f"{label}[cases]",
                    number,
                    "case_id",
                    f"案件编号 {case_id} 重复",
                    f"duplicate case_id {case_id}",
                )
            ]
        seen.add(case_id)
        yield number, result


def _record(row: dict[str, Any], lists: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    rec: dict[str, Any] = {k: row.get(k) for k in CASE_COLUMNS[:11]}
    rec["charges"] = [r["charge"] for r in lists["charges"]]
    rec.update({name: lists[name] for name in ("suspects", "victims", "events")})
    rec["decision"] = None
    if row.get("decision_type") is not None:
        decision = {
            "type": row["decision_type"],
            "on": row.get("decision_on"),
            "by": row.get("decision_by"),
            "approved_by": row.get("decision_approved_by"),
        }
        if row.get("decision_ground") is not None:
            decision["ground"] = row["decision_ground"]
        rec["decision"] = decision
    rec["outcome"] = None
    if row.get("outcome_type") is not None:
        rec["outcome"] = {
            k.removeprefix("outcome_"): row.get(k) for k in CASE_COLUMNS if k.startswith("outcome_")
        }
    rec["documents"] = lists["documents"]
    rec["closed_on"], rec["archived_on"] = row.get("closed_on"), row.get("archived_on")
    return rec


def _relocate(
    error: RecordError,
    label: str,
    case_id: str,
    lists: dict[str, dict[str, list[tuple[int, dict[str, Any]]]]],
) -> RecordError:
    """Point an error in a list element at its own sheet and row."""
    match = _LIST_FIELD.match(error.field)
    if not match:
        return error
    sheet, index, rest = match.group(1), int(match.group(2)), match.group(3)
    rows = lists[sheet].get(case_id, [])
    if index >= len(rows):
        return error
    return RecordError(f"{label}[{sheet}]", rows[index][0], rest or "-", error.zh, error.en)


class XlsxWriter:
    """Implements services.exporting.DataSetWriter for the .xlsx variant."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)

    def write_units(self, units: Iterable[Unit]) -> None:
        self._simple(
            "units.xlsx", UNIT_COLUMNS, ([u.code, u.name, u.level.value, u.parent] for u in units)
        )

    def write_people(self, people: Iterable[Person]) -> None:
        rows = (
            [p.id, p.name, p.unit, p.department, p.role.value, p.in_quota, p.senior] for p in people
        )
        self._simple("people.xlsx", PEOPLE_COLUMNS, rows)

    def _simple(self, name: str, columns: tuple[str, ...], rows: Iterable[list[Any]]) -> None:
        book = Workbook(write_only=True)
        ws = book.create_sheet(name.removesuffix(".xlsx"))
        ws.append(list(columns))
        for row in rows:
            ws.append(row)
        book.save(self.out_dir / name)

    def write_cases(self, cases: Iterable[Case]) -> int:
        book = Workbook(write_only=True)
        sheets = {"cases": book.create_sheet("cases")}
        sheets["cases"].append(list(CASE_COLUMNS))
        for name, columns in LIST_SHEETS.items():
            sheets[name] = book.create_sheet(name)
            sheets[name].append(list(columns))
        count = 0
        for case in cases:
            _append_case(sheets, case_to_record(case))
            count += 1
        book.save(self.out_dir / "cases.xlsx")
        return count


def _append_case(sheets: dict[str, Any], rec: dict[str, Any]) -> None:
    d, o = rec["decision"] or {}, rec["outcome"] or {}
    flat = dict(rec)
    flat.update({f"decision_{k}": v for k, v in d.items()})
    flat.update({f"outcome_{k}": v for k, v in o.items()})
    sheets["cases"].append([_out(flat.get(c)) for c in CASE_COLUMNS])
    for charge in rec["charges"]:
        sheets["charges"].append([rec["case_id"], charge])
    for name in ("suspects", "victims", "events", "documents"):
        for item in rec[name]:
            sheets[name].append(
                [rec["case_id"], *(_out(item.get(c)) for c in LIST_SHEETS[name][1:])]
            )


def _out(value: Any) -> Any:
    # ISO dates are written as real dates so that Excel sorts and filters them.
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
