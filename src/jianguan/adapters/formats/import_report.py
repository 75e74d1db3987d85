"""The import report written to a file: JSON (for other systems) or a workbook (for the case
officer who has to fix the refused records), from `services.importing.report_document`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson
from openpyxl import Workbook

from jianguan.domain import cells

REPORT_SUFFIXES = (".json", ".xlsx")

# (key, 中文, English) of the summary sheet's rows.
_SUMMARY = (
    ("source", "数据来源", "source"),
    ("outcome", "导入结果", "outcome"),
    ("scope", "导出范围", "scope"),
    ("since", "增量起始日期", "delta since"),
    ("received", "收到案件记录", "case records received"),
    ("cases.new", "新增案件", "cases new"),
    ("cases.changed", "变更案件", "cases changed"),
    ("cases.unchanged", "未变案件", "cases unchanged"),
    ("units.new", "新增单位", "units new"),
    ("units.changed", "变更单位", "units changed"),
    ("people.new", "新增人员", "people new"),
    ("people.changed", "变更人员", "people changed"),
    (
        "people.roles_granted",
        "角色由本平台授予（与人员名单不同）",
        "roles granted on the platform (unlike the staff list)",
    ),
    ("platform_kept", "保留本平台记录的案件", "cases whose platform records were kept"),
    ("refused", "被拒绝的记录错误", "errors refused"),
    ("conflicts", "冲突", "conflicts"),
    ("missing", "全量导出中缺少的案件", "cases missing from the full export"),
)
_WORDS = {
    "refused": "拒绝导入（数据库未改动）",
    "imported": "已导入",
    "full": "全量导出",
    "delta": "增量导出",
}


def write_import_report(doc: Mapping[str, Any], path: Path) -> None:
    """Write ``doc`` to ``path`` by its suffix (.json or .xlsx); ``ValueError`` for another."""
    if path.suffix == ".json":
        path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    elif path.suffix == ".xlsx":
        _workbook(doc).save(path)
    else:
        raise ValueError(
            f"{path}: 导入报告应为 .json 或 .xlsx / an import report is .json or .xlsx"
        )


def _workbook(doc: Mapping[str, Any]) -> Workbook:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "概要"
    summary.append(["项目", "值", "item"])
    for key, zh, en in _SUMMARY:
        value = _lookup(doc, key)
        if isinstance(value, list):
            value = len(value)
        summary.append(
            [zh, _cell(_WORDS.get(value, value) if isinstance(value, str) else value), en]
        )
    _sheet(
        book,
        "拒绝原因",
        ("文件", "行", "字段", "原因", "reason"),
        [(e["file"], e["line"], e["field"], e["zh"], e["en"]) for e in doc["refused"]],
    )
    _sheet(
        book,
        "冲突",
        ("案件编号", "类型", "字段", "说明", "explanation"),
        [(c["case_id"], c["kind"], c["field"], c["zh"], c["en"]) for c in doc["conflicts"]],
    )
    _sheet(book, "导出中缺少的案件", ("案件编号",), [(m,) for m in doc["missing"]])
    return book


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    ws = book.create_sheet(title)
    ws.append(list(header))
    for row in rows:
        ws.append([_cell(v) for v in row])


def _lookup(doc: Mapping[str, Any], dotted: str) -> Any:
    value: Any = doc
    for part in dotted.split("."):
        value = value[part]
    return value


def _cell(value: Any) -> Any:
    """A text a spreadsheet would run as a formula escaped (record ids and reasons quote input)."""
    return cells.escape(value) if isinstance(value, str) else value
