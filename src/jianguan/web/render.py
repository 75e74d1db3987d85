"""Jinja2 templates with the page's words, the user and the CSRF token at hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from jianguan.domain.monitoring import FindingKind, Severity
from jianguan.web import fragments
from jianguan.web.auth import lang_of
from jianguan.web.i18n import Words
from jianguan.web.state import Names, web_of

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# The templates ship with the package and do not change under a running server: without this,
# Jinja asks the file system for the modification time of every template it includes, once per
# row of a list (18 % of the ledger page's time at 1 M cases).
TEMPLATES.env.auto_reload = False


# Every spelling of a severity (its code, Chinese and English words) → its class, built once:
# a page of alerts asks for it on every row (looking it up through the enum was 8 % of the home
# page at 1 M cases).
_SEVERITY_CLASS = {
    word: f"sev-{member.rank}"
    for member in Severity
    for word in (member.value, member.zh, member.en)
}


def severity_class(severity: str) -> str:
    """sev-0 (情节轻微) … sev-3 (涉嫌违法违纪): the page colours by it."""
    return _SEVERITY_CLASS.get(str(severity).strip(), "sev-0")


# Ledger entries whose subject is not a case (domain.monitoring.FindingKind): a supervision
# matter, or a task of an analysis meeting or an upper-unit notice (id "<record>-T<n>").
_MATTER_KINDS = frozenset(k.value for k in FindingKind if k.value.startswith("supervision_")) | {
    FindingKind.MEETING_RECORD_MISSING.value
}
_TASK_PAGES = {
    FindingKind.MEETING_TASK_OVERDUE.value: "/management/meetings/",
    FindingKind.NOTICE_TASK_OVERDUE.value: "/management/notices/",
}


def subject_href(kind: str, subject: str) -> str:
    """The page of a ledger entry's subject: its case, matter, meeting or notice."""
    if kind in _MATTER_KINDS:
        return "/supervision/matters/" + quote(subject, safe="")
    if kind in _TASK_PAGES:
        record = subject.rsplit("-T", 1)[0]
        return _TASK_PAGES[kind] + quote(record, safe="")
    return "/cases/" + quote(subject, safe="")


TEMPLATES.env.globals["subject_href"] = subject_href  # every template, however it is rendered
TEMPLATES.env.globals.update(fragments.GLOBALS)  # the long lists' rows (web/fragments.py)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    words = Words(lang_of(request))
    base = {
        "t": words,
        "lang": words.lang,
        "sev": severity_class,
        "path": request.url.path,
        "names": _names(request),
    }
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status)


def render_error(request: Request, status: int, key: str) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "key": key, "user": None}, status)


def _names(request: Request) -> Names:
    try:
        return web_of(request).names()
    except Exception:  # an error page must render even when the store cannot be read
        return Names()
