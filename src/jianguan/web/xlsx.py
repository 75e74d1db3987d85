"""The monitoring ledger and the case list as Excel workbooks (openpyxl, write-only: rows
stream to the file).

Every text is written formula-safe (`domain.cells.escape`): a case id or an explanation that
begins with ``=`` is shown as text, never run (OWASP, CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fastapi import Response
from openpyxl import Workbook

from jianguan.domain import cells
from jianguan.services import access
from jianguan.services.ports.access import CaseSearch
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.web.auth import User
from jianguan.web.state import Web
from jianguan.web.views import ledger_page, search_cases

MAX_ROWS = 50_000
HEADER = (
    "案件编号 case",
    "规则 rule",
    "规则名称 title",
    "严重程度 severity",
    "单位 unit",
    "期满日 due",
    "状态 status",
    "处置级别 escalation",
    "首次发现 first found",
    "最近发现 last found",
    "说明 explanation",
    "法律依据 basis",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger_xlsx(web: Web, user: User, query: LedgerQuery, lang: str = "zh") -> Response:
    """The ledger rows ``query`` selects, the vocabularies in the reader's words."""
    names = web.names()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(HEADER)
    q, written = replace(query, limit=access.PAGE_MAX, by_due=False), 0
    while written < MAX_ROWS:
        page = ledger_page(web, user, q)
        for e in page.items:
            row = (
                e.case_id,
                e.rule,
                e.title,
                e.severity.label(lang),
                names.unit(e.unit),
                e.due,
                e.status.label(lang),
                e.escalation.label(lang),
                e.first_found,
                e.last_found,
                e.explanation,
                "；".join(e.basis),
            )
            ws.append([cells.escape(v) if isinstance(v, str) else v for v in row])
        written += len(page.items)
        if page.next is None:
            break
        case_id, rule = page.next.split("|", 1)
        q = replace(q, after=(case_id, rule))
    return _download(wb, "ledger.xlsx")


def _download(wb: Workbook, filename: str) -> Response:
    buf = io.BytesIO()
    wb.save(buf)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(buf.getvalue(), media_type=XLSX, headers=headers)


CASE_HEADER = (
    "案件编号 case",
    "统一受案号 unified no.",
    "案件类别 category",
    "单位 unit",
    "部门 department",
    "承办人 handler",
    "受理日期 received",
    "决定 decision",
    "办结日期 closed",
)


def cases_xlsx(web: Web, user: User, search: CaseSearch, lang: str = "zh") -> Response:
    """The cases the list page selects (search, scope, order), every page, names for codes."""
    names = web.names()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("案件")
    ws.append(CASE_HEADER)
    q, written = replace(search, page=1, per_page=access.PAGE_MAX), 0
    while written < MAX_ROWS:
        total, items = search_cases(web, user, q)
        for c in items:
            row = (
                c.case_id,
                c.unified_no,
                c.category.label(lang),
                names.unit(c.unit),
                c.department,
                names.person(c.handler),
                c.received_on,
                c.decision_type.label(lang) if c.decision_type else "",
                c.closed_on,
            )
            ws.append([cells.escape(v) if isinstance(v, str) else v for v in row])
        written += len(items)
        if not items or written >= total:
            break
        q = replace(q, page=q.page + 1)
    return _download(wb, "cases.xlsx")


def figures_xlsx(rows: Sequence[Any], unit: str, months: str, as_of: dt.date) -> Response:
    """The indicators table: which unit and months, then one row per indicator."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("业务指标")
    ws.append([cells.escape(f"单位 unit：{unit}（含下级院）"), cells.escape(f"期间 months：{months}"),
               f"截至 as of：{as_of.isoformat()}"])  # fmt: skip
    ws.append(
        ["指标 indicator", "数值 value", "分子 numerator", "分母 denominator", "法律依据 basis"]
    )
    for r in rows:
        ws.append([cells.escape(r.zh), r.value, r.numerator, r.denominator,
                   cells.escape("；".join(r.basis))])  # fmt: skip
    return _download(wb, "indicators.xlsx")


def drill_xlsx(title: str, part: str, counted: int, cases: Sequence[Any]) -> Response:
    """The cases behind one side of an indicator: number, unified number, unit, handler, dates."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("下钻")
    ws.append([cells.escape(f"{title} · {part}"), f"计数 rows：{counted}"])
    ws.append(["案件编号 case", "统一受案号 unified no.", "单位 unit", "承办人 handler",
               "受理日期 received", "决定日期 decided", "办结日期 closed"])  # fmt: skip
    for c in cases:
        ws.append([cells.escape(c.case_id), cells.escape(c.unified_no), cells.escape(c.unit),
                   cells.escape(c.handler), c.received_on, c.decided_on, c.closed_on])  # fmt: skip
    return _download(wb, "drill.xlsx")
