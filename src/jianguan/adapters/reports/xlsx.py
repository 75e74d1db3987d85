"""A report's annex as an Excel workbook (openpyxl, write-only): a contents sheet naming every
table of the report and the sheet behind it, then one sheet per annex table (the cases behind
each figure). Every text is written formula-safe (``domain.cells.escape``): a case id or an
explanation that begins with ``=`` is shown as text, never run (OWASP, CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from jianguan.domain import cells
from jianguan.domain.reports import Cell, Report

CONTENTS = "目录"


def _cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return cells.escape(value)
    if isinstance(value, dt.date):
        return value.isoformat()  # a date reads the same in every spreadsheet program
    return value


def write_xlsx(report: Report, path: Path) -> Path:
    wb = Workbook(write_only=True)
    toc = wb.create_sheet(CONTENTS)
    toc.append([_cell(f"{report.title}（{report.doc_number}）附件")])
    toc.append([_cell(f"{report.issuer}  {report.date_zh}")])
    toc.append([])
    toc.append([_cell(v) for v in ("表名", "行数", "说明")])
    for sheet in report.sheets:
        toc.append([_cell(sheet.name), len(sheet.rows), _cell(sheet.note)])
    toc.append([])
    toc.append([_cell("正文表格与附件表的对应：")])
    for caption, annex in [(b.caption, b.annex) for b in report.tables()] + [
        (b.caption, b.annex) for b in report.figures()
    ]:
        if annex:
            toc.append([_cell(caption), None, _cell(annex)])
    for sheet in report.sheets:
        ws = wb.create_sheet(sheet.name)
        ws.append([_cell(h) for h in sheet.header])
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
    wb.save(str(path))
    return path
