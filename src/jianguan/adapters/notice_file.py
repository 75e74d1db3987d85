"""Reading an upper unit's notice from a file (docs/notices.md): ``.json`` or ``.xlsx``.

The JSON is read by ``domain.notice.parse_json``. The workbook has two sheets: ``通报`` with one
field per row (the field's name in column A — 受文单位编码, 通报单位, 文号, 标题, 收文日期,
反馈时限 — and its value in column B) and ``问题`` with a header row (问题, 涉及案件, 整改期限)
and one problem per row. Rows are the lines errors name.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from jianguan.domain.errors import RecordError
from jianguan.domain.notice import (
    META_FIELDS,
    PROBLEM_FIELDS,
    NoticeDraft,
    Raw,
    draft_from_fields,
    field_key,
    parse_json,
)

META_SHEET, PROBLEM_SHEET = "通报", "问题"


def read_notice(path: Path) -> tuple[NoticeDraft | None, list[RecordError]]:
    name = path.name
    if path.suffix.lower() == ".json":
        try:
            source = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return None, [RecordError(name, 0, "-", "文件不是 UTF-8 编码", "the file is not UTF-8")]
        return parse_json(source, name)
    if path.suffix.lower() != ".xlsx":
        return None, [RecordError(name, 0, "-", "只接受 .json 或 .xlsx 文件",
                                  "only .json or .xlsx files are read")]  # fmt: skip
    return _read_xlsx(path)


def _read_xlsx(path: Path) -> tuple[NoticeDraft | None, list[RecordError]]:
    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file: openpyxl raises many kinds
        return None, [RecordError(name, 0, "-", f"无法读取工作簿：{exc}", f"unreadable: {exc}")]
    try:
        missing = [s for s in (META_SHEET, PROBLEM_SHEET) if s not in book.sheetnames]
        if missing:
            return None, [RecordError(name, 0, "-", f"缺少工作表：{'、'.join(missing)}",
                                      f"missing sheets: {missing}")]  # fmt: skip
        errors: list[RecordError] = []
        meta: dict[str, tuple[int, Raw]] = {}
        for row_no, row in enumerate(book[META_SHEET].iter_rows(values_only=True), 1):
            if not row or row[0] is None or not str(row[0]).strip():
                continue
            key = field_key(str(row[0]), META_FIELDS)
            if key is None:
                if row_no > 1 or str(row[0]).strip() not in ("项目", "字段", "field"):
                    errors.append(RecordError(f"{name}[{META_SHEET}]", row_no, str(row[0]),
                                              f"未知字段 {row[0]}", f"unknown field {row[0]!r}"))  # fmt: skip
                continue
            meta[key] = (row_no, row[1] if len(row) > 1 else None)
        problems: list[tuple[int, dict[str, Raw]]] = []
        rows = book[PROBLEM_SHEET].iter_rows(values_only=True)
        header = next(rows, None) or ()
        keys = [field_key(str(h), PROBLEM_FIELDS) if h is not None else None for h in header]
        for col, (h, k) in enumerate(zip(header, keys, strict=True), 1):
            if h is not None and k is None:
                errors.append(RecordError(f"{name}[{PROBLEM_SHEET}]", 1, str(h),
                                          f"第 {col} 列的列名未知", f"unknown column {h!r}"))  # fmt: skip
        if "text" not in keys:
            errors.append(RecordError(f"{name}[{PROBLEM_SHEET}]", 1, "text",
                                      "缺少“问题”列", "the 问题 column is missing"))  # fmt: skip
        for row_no, row in enumerate(rows, 2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            problems.append((row_no, {k: v for k, v in zip(keys, row, strict=False) if k}))
    finally:
        book.close()
    if errors:
        return None, errors
    draft, found = draft_from_fields(name, meta, problems)
    return draft, found
