"""Reports page (报告): generate the monthly bulletin or the quarterly analysis report of the
user's unit (and the units below it) and download its docx, PDF and xlsx annex.

The report is the one ``jianguan report`` writes (``services.reports`` + ``App.report_writer``);
its scope is the user's own unit, as on the indicators page. Files are kept under
``<data_dir>/reports/<person id>/`` so that a user downloads only what they generated.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from jianguan.domain.indicators import IndicatorError
from jianguan.domain.reports import ReportError, ReportKind, format_name, parse_period
from jianguan.services.ports.reports import FORMATS, RendererUnavailable
from jianguan.services.reporting import make_report
from jianguan.web.auth import User, check_csrf, lang_of, page_user
from jianguan.web.render import TEMPLATES, render
from jianguan.web.state import Web, web_of

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]
FILE_NAME = re.compile(r"^[a-z-]+-[0-9A-Za-z]+-\d{4}(-\d{2}|Q[1-4])?\.(docx|pdf|xlsx)$")
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


_PARTS = re.compile(r"^(?P<kind>[a-z-]+)-(?P<unit>[0-9A-Za-z]+)-"
                    r"(?P<period>\d{4}(?:-\d{2}|Q[1-4])?)\.(?P<ext>docx|pdf|xlsx)$")  # fmt: skip


def file_label(name: str, lang: str = "zh") -> str:
    """A generated file as its reader names it: the report, its period and the format
    (``monthly-bulletin-440100-2025-10.docx`` → 办案流程监控通报 · 2025年10月 · Word 文档); the
    file keeps its name when downloaded."""
    parts = _PARTS.match(name)
    kind = ReportKind.parse(parts.group("kind")) if parts else None
    if parts is None or kind is None:
        return name
    try:
        period = parse_period(parts.group("period"), kind.period_kind)
    except ReportError:
        return name
    shown = period.en if lang == "en" else period.zh
    return f"{kind.label(lang)} · {shown} · {format_name(parts.group('ext'), lang)}"


TEMPLATES.env.globals["report_file"] = file_label  # the reports and the schedule pages


def _folder(web: Web, user: User) -> Path:
    return web.app.settings.data_dir / "reports" / user.principal.person.id


def _files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if FILE_NAME.match(p.name))


def _page(request: Request, user: User, status: int = 200, **extra: object) -> Response:
    web = web_of(request)
    today = web.app.today()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    context = {
        "user": user,
        "kinds": list(ReportKind),
        "default_period": f"{last_month.year:04d}-{last_month.month:02d}",
        "files": _files(_folder(web, user)),
        "written": [],
        "error": None,
        "report": None,
        **extra,
    }
    return render(request, "reports.html", context, status)


@pages.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, user: PageUser) -> Response:
    return _page(request, user)


@pages.post("/reports", response_class=HTMLResponse)
def reports_generate(
    request: Request,
    user: PageUser,
    kind: Annotated[str, Form()],
    period: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Generate a report of the user's unit in all three formats (synchronously: a few seconds)."""
    check_csrf(user, csrf)
    web = web_of(request)
    lang = lang_of(request)
    report_kind = ReportKind.parse(kind)
    if report_kind is None:
        return _page(request, user, error=f"未知报告类型 / unknown report kind: {kind}", status=400)
    try:
        span = parse_period(period, report_kind.period_kind)
        report = make_report(
            report_kind, web.uow(), web.app.indicators(), web.rules, span, web.app.today(),
            user.principal.person.unit,
        )  # fmt: skip
        written = web.app.report_writer().write(report, _folder(web, user), FORMATS)
    except (ReportError, IndicatorError, RendererUnavailable) as exc:
        message = exc.en if lang == "en" else f"{exc.zh} / {exc.en}"
        return _page(request, user, error=message, status=422)
    return _page(request, user, written=[p.name for p in written], report=report)


@pages.get("/reports/files/{name}")
def reports_download(request: Request, user: PageUser, name: str) -> Response:
    """One of the user's own generated files; anything else is 404."""
    if not FILE_NAME.match(name):
        raise HTTPException(404)
    path = _folder(web_of(request), user) / name
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=MEDIA[name.rsplit(".", 1)[1]], filename=name)
