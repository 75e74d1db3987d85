"""The .xlsx variant of format v1: units.xlsx, people.xlsx and a flat cases.xlsx.

cases.xlsx has a `cases` sheet (one row a case, decision_* and outcome_* flattened) and one
sheet per list (`charges`, `suspects`, `victims`, `events`, `documents`), keyed by `case_id`,
rows in list order. Each case is rebuilt as a JSON record and goes through exactly the checks of
cases.jsonl; errors point at the sheet and row. The list sheets are indexed in memory: the
variant is meant for spreadsheets a case-management office keeps, not for bulk exports.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from openpyxl import Workbook, load_workbook

from jianguan.adapters.formats.dataset import READ_ERRORS, DataSetSource, decode_rows, read_error
from jianguan.adapters.formats.jsonl import write_format_file
from jianguan.adapters.formats.limits import text_problem, too_expansive
from jianguan.adapters.formats.records import (
    PEOPLE_COLUMNS,
    UNIT_COLUMNS,
    case_to_record,
    decode_case_line,
    decode_person_row,
    decode_unit_row,
    tree_problems,
)
from jianguan.domain import cells
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
    "extra",  # 1.2: the JSON text of keys the format does not define (as the next two)
    "decision_extra",
    "outcome_extra",
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
        "likely_sentence",
        "extra",
    ),
    "victims": ("case_id", "id", "name", "extra"),
    "events": ("case_id", "type", "on", "by", "party", "note", "at", "extra"),
    "documents": ("case_id", "type", "no", "issued_on", "text", "extra"),
}
# Columns a 1.0 or 1.1 sheet may lack (docs/format.md): absent means empty.
OPTIONAL_COLUMNS = frozenset({"at", "likely_sentence", "extra", "decision_extra", "outcome_extra"})
# Columns whose cell is the JSON text of an object's unknown keys (format 1.2).
_EXTRA_OF = {"extra": None, "decision_extra": "decision", "outcome_extra": "outcome"}
MAX_XLSX_BYTES = 256 * 1024 * 1024  # a workbook file, compressed
MAX_XLSX_MEMBER_BYTES = 256 * 1024 * 1024  # one XML part of it, uncompressed
MAX_XLSX_RATIO = 500  # sheet XML compresses better than text; a zip bomb ~1000
_BOOLS = {"true": True, "false": False, "是": True, "否": False, "1": True, "0": False}
_LIST_FIELD = re.compile(r"^(suspects|victims|events|documents)\[(\d+)\]\.?(.*)$")


def _cell(value: Any) -> Any:
    """An xlsx cell as the JSON value format v1 expects (a text the writer escaped, unescaped)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        if stripped.lower() in ("true", "false"):
            return _BOOLS[stripped.lower()]
        return cells.unescape(value)
    return value


def book_problems(data: IO[bytes], label: str) -> list[RecordError]:
    """An .xlsx is a zip of XML parts: each part is size-checked before openpyxl reads any."""
    try:
        with zipfile.ZipFile(data) as book:
            infos = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [RecordError(label, 0, "-", f"无法读取 xlsx：{exc}", f"unreadable xlsx: {exc}")]
    finally:
        data.seek(0)
    out = []
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if too_expansive(info.file_size, info.compress_size, MAX_XLSX_MEMBER_BYTES, MAX_XLSX_RATIO):
            out.append(
                RecordError(
                    label,
                    0,
                    "-",
                    f"工作簿部件 {info.filename} 解压后 {info.file_size} 字节（压缩比 {ratio:.0f}:1），"
                    "超出合理范围，未读取",
                    f"workbook part {info.filename} expands to {info.file_size} bytes "
                    f"({ratio:.0f}:1), beyond reason; not read",
                )
            )
    return out


def _load(source: DataSetSource, book_name: str, label: str) -> tuple[Any, list[RecordError]]:
    """The workbook (read-only, formulas as written), or why it cannot be read."""
    if source.size(book_name) > MAX_XLSX_BYTES:
        return None, [
            RecordError(
                label,
                0,
                "-",
                f"文件过大（{source.size(book_name)} 字节，上限 {MAX_XLSX_BYTES}）",
                f"file too large ({source.size(book_name)} bytes, at most {MAX_XLSX_BYTES})",
            )
        ]
    try:
        with source.open(book_name) as fh:
            data = io.BytesIO(fh.read(MAX_XLSX_BYTES + 1))
    except READ_ERRORS as exc:
        return None, [read_error(label, exc)]
    problems = book_problems(data, label)
    if problems:
        return None, problems
    try:
        return load_workbook(data, read_only=True, data_only=False), []
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return None, [
            RecordError(label, 0, "-", f"无法读取 xlsx：{exc}", f"unreadable xlsx: {exc}")
        ]


def _sheet_rows(
    source: DataSetSource,
    book_name: str,
    sheet: str | None,
    expected: tuple[str, ...],
    sheets: tuple[str, ...] | None = None,
    keep_unknown: bool = False,
) -> tuple[list[tuple[int, dict[str, Any]]], list[RecordError]]:
    """The rows of one sheet by header; ``sheets``: the only sheets the book may have.
    ``keep_unknown``: a column the sheet should not have is read as the record's unknown key
    (kept or refused by the record's decoder) instead of refusing the sheet."""
    label = f"{source.display(book_name)}[{sheet}]" if sheet else source.display(book_name)
    book, errors = _load(source, book_name, label)
    if book is None:
        return [], errors
    try:
        if sheets is not None:
            errors += [
                RecordError(
                    f"{source.display(book_name)}[{name}]",
                    0,
                    "-",
                    f"未知工作表（应为 {'、'.join(sheets)}）",
                    f"unknown sheet (expected {', '.join(sheets)})",
                )
                for name in book.sheetnames
                if name not in sheets
            ]
        if sheet is not None and sheet not in book.sheetnames:
            return [], [*errors, RecordError(label, 0, "-", "缺少工作表", "sheet missing")]
        ws = book[sheet] if sheet else book.worksheets[0]
        rows = [tuple(row) for row in ws.iter_rows()]
    except Exception as exc:  # a part openpyxl cannot parse, a damaged zip member
        return [], [*errors, read_error(label, exc)]
    finally:
        book.close()
    if errors:
        return [], errors
    if not rows:
        return [], [RecordError(label, 1, "-", "工作表为空", "sheet is empty")]
    header = [str(h.value).strip() if h.value is not None else "" for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    problems = [
        RecordError(label, 1, c, "表头缺少此列", "column missing from header")
        for c in expected
        if c not in header and c not in OPTIONAL_COLUMNS
    ]
    problems += [
        RecordError(label, 1, c or "(空)", "表头有未知列", "unknown column in header")
        for c in header
        if c not in expected and not (keep_unknown and c)
    ]
    if problems:
        return [], problems
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values: dict[str, Any] = {}
        for i, cell in enumerate(row):
            column = header[i] if i < len(header) else None
            problem = _cell_problem(cell, column)
            if problem is not None:
                problems.append(RecordError(label, number, column or f"#{i + 1}", *problem))
            elif column is not None:
                values[column] = _cell(cell.value)
        if any(v is not None for v in values.values()):
            out.append((number, values))
    return (out, []) if not problems else ([], problems)


def _cell_problem(cell: Any, column: str | None) -> tuple[str, str] | None:
    """Why a cell's value cannot be taken as data: a formula, an error, data with no header."""
    if cell.value is None:
        return None
    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
        return (
            "单元格是公式，请改为其计算结果（选择性粘贴为数值）",
            "the cell is a formula; paste its value instead",
        )
    if not isinstance(cell.value, str | int | float | bool | dt.date | dt.datetime):
        kind = type(cell.value).__name__
        return (f"单元格的值类型 {kind} 无法读取", f"a cell value of type {kind} cannot be read")
    if cell.data_type == "e":
        return (f"单元格是错误值 {cell.value}", f"the cell holds the error {cell.value}")
    if column is None:
        return ("表头之外的列有数据", "a value in a column without a header")
    if isinstance(cell.value, str):
        return _storable(cell.value)
    return None


def _storable(text: str) -> tuple[str, str] | None:
    problem = text_problem("-", text)
    return None if problem is None else (problem[1], problem[2])


def read_organisation(source: DataSetSource) -> tuple[DataSet, list[RecordError]]:
    errors: list[RecordError] = []
    tables: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for stem, columns in (("units", UNIT_COLUMNS), ("people", PEOPLE_COLUMNS)):
        rows, errs = _sheet_rows(source, f"{stem}.xlsx", None, columns)
        errors += errs
        tables[stem] = [(n, {k: _text(r.get(k)) for k in columns}) for n, r in rows]
    units = decode_rows(
        source.display("units.xlsx"), tables["units"], decode_unit_row, "code", errors
    )
    errors += [
        RecordError(source.display("units.xlsx"), n, f, zh, en)
        for n, f, zh, en in tree_problems(units)
    ]
    people = decode_rows(
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
    source: DataSetSource, org: DataSet, today: dt.date | None = None, *, strict: bool = False
) -> Iterator[tuple[int, Case | list[RecordError]]]:
    """Cases of the flat workbook; a column it does not define is a key the format does not
    define, of the case or of the list element of its row: kept, or refused with ``strict``."""
    book_sheets = ("cases", *LIST_SHEETS)
    rows, errors = _sheet_rows(
        source, "cases.xlsx", "cases", CASE_COLUMNS, book_sheets, keep_unknown=True
    )
    label = source.display("cases.xlsx")
    lists: dict[str, dict[str, list[tuple[int, dict[str, Any]]]]] = {}
    if not errors:
        case_ids = {_text(row.get("case_id")) for _, row in rows}
        for sheet, columns in LIST_SHEETS.items():
            sheet_rows, errs = _sheet_rows(source, "cases.xlsx", sheet, columns, keep_unknown=True)
            errors += errs
            grouped: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
            for number, row in sheet_rows:
                case_id = _text(row.pop("case_id", None))
                if case_id not in case_ids:  # a row of no case would be dropped silently
                    errors.append(_orphan(f"{label}[{sheet}]", number, case_id))
                grouped[case_id].append((number, row))
            lists[sheet] = grouped
    if errors:
        yield 0, errors
        return
    seen: set[str] = set()
    for number, row in rows:
        case_id = _text(row["case_id"])
        if case_id in seen:  # its list rows cannot be told from the first one's
            yield (
                number,
                [
                    RecordError(
                        f"{label}[cases]",
                        number,
                        "case_id",
                        f"案件编号 {case_id} 重复",
                        f"duplicate case_id {case_id}",
                    )
                ],
            )
            continue
        seen.add(case_id)
        record = _record(row, {s: [r for _, r in g.get(case_id, [])] for s, g in lists.items()})
        result = decode_case_line(
            orjson.dumps(record), f"{label}[cases]", number, org, today, strict=strict
        )
        if isinstance(result, list):
            result = [_relocate(e, label, case_id, lists) for e in result]
        yield number, result


def _orphan(label: str, number: int, case_id: str) -> RecordError:
    if not case_id:
        return RecordError(label, number, "case_id", "必填字段为空", "required field is empty")
    return RecordError(
        label,
        number,
        "case_id",
        f"案件 {case_id} 不在 cases 工作表中",
        f"case {case_id} is not in the cases sheet",
    )


def _record(row: dict[str, Any], lists: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    rec: dict[str, Any] = {k: row.get(k) for k in CASE_COLUMNS[:11]}
    rec.update({k: v for k, v in row.items() if k not in CASE_COLUMNS})  # unknown columns
    rec["charges"] = [r["charge"] for r in lists["charges"]]
    lists = {name: [_unpack_extra(r) for r in items] for name, items in lists.items()}
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
            k.removeprefix("outcome_"): row.get(k)
            for k in CASE_COLUMNS
            if k.startswith("outcome_") and k not in _EXTRA_OF
        }
    rec["documents"] = lists["documents"]
    rec["closed_on"], rec["archived_on"] = row.get("closed_on"), row.get("archived_on")
    for column, holder in _EXTRA_OF.items():
        target = rec if holder is None else rec[holder]
        if row.get(column) is not None and isinstance(target, dict):
            target.update(_extra_keys(row[column]))
    return rec


def _unpack_extra(row: dict[str, Any]) -> dict[str, Any]:
    """A list sheet's row with its ``extra`` cell spread back into the element's keys."""
    out = {k: v for k, v in row.items() if k != "extra"}
    if row.get("extra") is not None:
        out.update(_extra_keys(row["extra"]))
    return out


def _extra_keys(cell: Any) -> dict[str, Any]:
    """The keys an ``extra`` cell holds; a cell that is not a JSON object is kept under the
    key ``extra`` itself (so it is not lost, and strict mode refuses it like any unknown key)."""
    try:
        value = orjson.loads(cell) if isinstance(cell, str) else None
    except orjson.JSONDecodeError:
        value = None
    return value if isinstance(value, dict) else {"extra": cell}


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

    def __init__(self, out_dir: Path, since: dt.date | None = None) -> None:
        self.out_dir = out_dir
        self.since = since  # a delta export: the cases changed since that day
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
            ws.append([_out(v) for v in row])
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
            _append_case(sheets, case)
            count += 1
        book.save(self.out_dir / "cases.xlsx")
        write_format_file(self.out_dir, self.since)
        return count


def _append_case(sheets: dict[str, Any], case: Case) -> None:
    """One case's rows; an object's unknown keys go to its ``extra`` cell (not to columns of
    their own), so that the sheets keep the format's columns."""
    rec = case_to_record(case)
    d, o = rec["decision"] or {}, rec["outcome"] or {}
    flat = dict(rec)
    flat.update({f"decision_{k}": v for k, v in d.items()})
    flat.update({f"outcome_{k}": v for k, v in o.items()})
    flat["extra"] = case.extra
    flat["decision_extra"] = case.decision.extra if case.decision else None
    flat["outcome_extra"] = case.outcome.extra if case.outcome else None
    sheets["cases"].append([_out(flat.get(c)) for c in CASE_COLUMNS])
    for charge in rec["charges"]:
        sheets["charges"].append([_out(rec["case_id"]), _out(charge)])
    for name in ("suspects", "victims", "events", "documents"):
        for item, obj in zip(rec[name], getattr(case, name), strict=True):
            item["extra"] = obj.extra
            sheets[name].append(
                [_out(rec["case_id"]), *(_out(item.get(c)) for c in LIST_SHEETS[name][1:])]
            )


def _out(value: Any) -> Any:
    """A value as its cell: ISO dates as real dates (so that Excel sorts and filters them), a
    text a spreadsheet would run as a formula escaped (`domain.cells`; `_cell` undoes it)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return cells.escape(value)
    return cells.escape(value) if isinstance(value, str) else value
