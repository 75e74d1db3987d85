"""The monitoring ledger as an Excel workbook (openpyxl, write-only: rows stream to the file).

Every text is written formula-safe (`domain.cells.escape`): a case id or an explanation that
begins with ``=`` is shown as text, never run (OWASP, CSV/formula injection)."""

from __future__ import annotations

import io
from dataclasses import replace

from fastapi import Response
from openpyxl import Workbook

from jianguan.domain import cells
from jianguan.services import access
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.web.auth import User
from jianguan.web.state import Web
from jianguan.web.views import ledger_page

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
                e.unit,
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
    buf = io.BytesIO()
    wb.save(buf)
    headers = {"Content-Disposition": 'attachment; filename="ledger.xlsx"'}
    return Response(buf.getvalue(), media_type=XLSX, headers=headers)
