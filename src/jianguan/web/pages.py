"""The HTML pages (Jinja2, htmx for the interactions). Each page reads through web.views, so
what a page shows is what the API returns, under the same scope."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from jianguan.domain.ledger import CannotEscalate, LedgerStatus, Level
from jianguan.domain.monitoring import SEVERITIES
from jianguan.services.accounts import LoginFailed, TooManyAttempts, log_in, log_out
from jianguan.services.ports.access import SORTS, CaseQuery, CaseSearch
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.web import due, views, work, workbench
from jianguan.web.api import LedgerFilter
from jianguan.web.auth import (
    LANG_COOKIE,
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    User,
    check_csrf,
    forget,
    lang_of,
    page_user,
    safe_next,
    set_session_cookie,
    web_of,
)
from jianguan.web.models import CasePage
from jianguan.web.render import render
from jianguan.web.state import login_keys
from jianguan.web.xlsx import cases_xlsx, ledger_xlsx

router = APIRouter(include_in_schema=False)
router.include_router(due.pages)  # 今日工作's lists (/due/{kind})


def case_url(case_id: str) -> str:
    """The case page's path; an id may hold ``/`` (kept: the route takes a path) or ``?#%``."""
    return "/cases/" + quote(case_id, safe="/")


PageUser = Annotated[User, Depends(page_user)]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    page = render(request, "login.html", {"user": None, "next": safe_next(next), "pre": token})
    page.set_cookie(PRELOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return page


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    pre: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    cookie = request.cookies.get(PRELOGIN_COOKIE, "")
    if not pre or not secrets.compare_digest(pre, cookie):  # login CSRF: double submit
        return render(request, "login.html", _login_ctx(next, "csrf"), 403)
    web = web_of(request)
    keys, now = login_keys(request, username), web.now()
    try:
        web.throttle.check(keys, now)
        token, _ = log_in(web.uow(), web.hasher, username, password, now)
    except TooManyAttempts:
        return render(request, "login.html", _login_ctx(next, "too_many_logins"), 429)
    except LoginFailed:
        web.throttle.failed(keys, now)
        return render(request, "login.html", _login_ctx(next, "bad_login"), 401)
    web.throttle.succeeded(keys)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(PRELOGIN_COOKIE, path="/login")
    return response


def _login_ctx(next_path: str, error: str) -> dict[str, object]:
    return {"user": None, "next": safe_next(next_path), "pre": "", "error": error}


@router.post("/logout")
def logout(request: Request, user: PageUser, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(user, csrf)
    log_out(web_of(request).uow(), request.cookies.get(SESSION_COOKIE))
    forget(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in ("zh", "en"):
        response.set_cookie(LANG_COOKIE, code, samesite="lax", path="/", max_age=365 * 86400)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: PageUser, mine: bool | None = None) -> Response:
    """My cases and alerts: counts, alerts with countdowns coloured by severity, first cases."""
    web = web_of(request)
    own = user.principal.own_cases_by_default if mine is None else mine
    context = {
        "user": user,
        "mine": own,
        "board": views.dashboard(web, user, own),
        "alerts": views.alerts(web, user, own, 30, with_steps=False),  # (the list shows none)
        "page": views.case_page(web, user, CaseQuery(mine=own, open_only=True, limit=20)),
        "open_only": True,
        "work": workbench.workbench(web, user),  # 今日工作: what waits for this person
    }
    return render(request, "home.html", context)


Sort = Literal["case_id", "received_desc", "received"]
PER_PAGE = 50


def case_search(
    user: User,
    mine: bool | None = None,
    open_only: bool = False,
    q: Annotated[str, Query(max_length=64)] = "",
    sort: Sort = "case_id",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> CaseSearch:
    own = user.principal.own_cases_by_default if mine is None else mine
    return CaseSearch(own, open_only, q.strip(), sort, page, PER_PAGE)


@router.get("/cases", response_class=HTMLResponse)
def cases(
    request: Request,
    user: PageUser,
    mine: bool | None = None,
    open_only: bool = False,
    q: Annotated[str, Query(max_length=64)] = "",
    sort: Sort = "case_id",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The case list: search (case number, unified number, suspect, handler, charge), sorting,
    numbered pages with the count, and the same selection as an Excel download."""
    search = case_search(user, mine, open_only, q, sort, page)
    total, items = views.search_cases(web_of(request), user, search)
    pages = max(1, -(-total // PER_PAGE))
    params = {"mine": "true" if search.mine else "false",
              "open_only": "true" if open_only else "false", "q": search.text, "sort": sort}  # fmt: skip
    context = {
        "user": user, "mine": search.mine, "open_only": open_only, "q": search.text,
        "sort": sort, "page": CasePage(items=items, next=None), "total": total,
        "page_no": min(page, pages), "pages": pages, "qs": urlencode(params),
        "sorts": SORTS,
    }  # fmt: skip
    return render(request, "cases.html", context)


@router.get("/cases/export.xlsx")
def cases_export(
    request: Request,
    user: PageUser,
    mine: bool | None = None,
    open_only: bool = False,
    q: Annotated[str, Query(max_length=64)] = "",
    sort: Sort = "case_id",
) -> Response:
    """The case list as the page selects it (every page), formula-safe."""
    search = case_search(user, mine, open_only, q, sort, 1)
    return cases_xlsx(web_of(request), user, search, lang_of(request))


@router.get("/cases/{case_id:path}", response_class=HTMLResponse)
def case_page(request: Request, user: PageUser, case_id: str) -> Response:
    web = web_of(request)
    detail = views.case_detail(web, user, case_id, "page")
    actions = views.case_actions(user, detail.case, detail.gate, bool(detail.unanswered_opinions))
    context = {
        "user": user,
        "d": detail,
        "reads": views.reads(web, user, case_id),
        "actions": actions,
        "missing_codes": {m.code for m in detail.gate_missing},
        "party_names": detail.parties,
        "work": work.case_work(web, user, case_id),
    }
    return render(request, "case.html", context)


@router.post("/cases/{case_id:path}/selfcheck", response_class=HTMLResponse)
def case_selfcheck(
    request: Request,
    user: PageUser,
    case_id: str,
    csrf: Annotated[str, Form()] = "",
    rule: Annotated[list[str] | None, Form(max_length=48)] = None,
    explanation: Annotated[list[str] | None, Form(max_length=2000)] = None,
) -> Response:
    """一键自检; the handler may send explanations (``rule`` and ``explanation`` pairs) of
    findings that are right as they stand (每案必检 then counts them as explained)."""
    check_csrf(user, csrf or request.headers.get("X-CSRF-Token"))
    pairs = {r: x for r, x in zip(rule or [], explanation or [], strict=False) if x.strip()}
    result = views.run_selfcheck(web_of(request), user, case_id, pairs or None)
    return render(request, "selfcheck.html", {"user": user, "result": result})


@router.post("/cases/{case_id:path}/verify")
def case_verify(
    request: Request, user: PageUser, case_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    """复核 by a department head or senior prosecutor."""
    check_csrf(user, csrf)
    views.verify(web_of(request), user, case_id)
    return RedirectResponse(case_url(case_id) + "#gate", status_code=303)


@router.post("/cases/{case_id:path}/close")
def case_close(
    request: Request, user: PageUser, case_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    """办结 behind the gate: refused with what is missing, in words."""
    check_csrf(user, csrf)
    views.close_or_archive(web_of(request), user, case_id, archive=False)
    return RedirectResponse(case_url(case_id) + "#gate", status_code=303)


@router.post("/cases/{case_id:path}/archive")
def case_archive(
    request: Request, user: PageUser, case_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    """归档 behind the gate: refused with what is missing, in words."""
    check_csrf(user, csrf)
    views.close_or_archive(web_of(request), user, case_id, archive=True)
    return RedirectResponse(case_url(case_id) + "#gate", status_code=303)


@router.post("/cases/{case_id:path}/answer")
def case_answer(
    request: Request,
    user: PageUser,
    case_id: str,
    csrf: Annotated[str, Form()] = "",
    accept: Annotated[str, Form(max_length=8)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    check_csrf(user, csrf)
    views.answer(web_of(request), user, case_id, accept == "yes", reason)
    return RedirectResponse(case_url(case_id) + "#consultation", status_code=303)


@router.get("/ledger", response_class=HTMLResponse)
def ledger(request: Request, user: PageUser, query: LedgerFilter, rows: bool = False) -> Response:
    page = views.ledger_page(web_of(request), user, query)
    context = {
        "user": user,
        "page": page,
        "q": query,
        "query_string": request.url.query,
        "statuses": list(LedgerStatus),
        "levels": list(Level),
        "severities": SEVERITIES,
        "rule_titles": sorted({r.title for r in views.ledger_rules(web_of(request))}),
        "rule_title": _rule_title(request, query.rule),
    }
    return render(request, "ledger_rows.html" if rows else "ledger.html", context)


def _rule_title(request: Request, rule: str | None) -> str:
    """What the rule filter shows: the rule's title when a code came in the address."""
    if not rule:
        return ""
    known = {r.id: r.title for r in views.ledger_rules(web_of(request))}
    return known.get(rule, rule)


@router.get("/ledger/export.xlsx")
def ledger_export(request: Request, user: PageUser, query: LedgerFilter) -> Response:
    return ledger_xlsx(web_of(request), user, query, lang_of(request))


@router.post("/ledger/{case_id:path}/{rule}/escalate", response_class=HTMLResponse)
def ledger_escalate(
    request: Request, user: PageUser, case_id: str, rule: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(user, csrf or request.headers.get("X-CSRF-Token"))
    web = web_of(request)
    try:
        entry = views.escalate(web, user, case_id, rule)
    except CannotEscalate:  # raised meanwhile, or resolved: the row as it now stands
        entry = views.ledger_page(
            web, user, LedgerQuery(case_id=case_id, rule=rule, limit=1)
        ).items[0]
    return render(request, "ledger_row.html", {"user": user, "e": entry})


@router.get("/ledger/{case_id:path}/{rule}/answer", response_class=HTMLResponse)
def ledger_answer_form(request: Request, user: PageUser, case_id: str, rule: str) -> Response:
    """The answer form of one entry (反馈 / 纠正 / 关闭 with a reason), fetched when its row's
    link is clicked: a page of 50 entries renders a link each rather than 50 forms (at 1 M cases
    the forms were most of the ledger page's time). Without htmx, a page of its own."""
    found = views.ledger_page(
        web_of(request), user, LedgerQuery(case_id=case_id, rule=rule, limit=1)
    )
    if not found.items:
        raise HTTPException(status_code=404)
    context = {"user": user, "e": found.items[0]}
    if request.headers.get("HX-Request"):
        return render(request, "ledger_answer.html", context)
    return render(request, "ledger_answer_page.html", context)


@router.post("/ledger/{case_id:path}/{rule}/answer", response_class=HTMLResponse)
def ledger_answer(
    request: Request,
    user: PageUser,
    case_id: str,
    rule: str,
    csrf: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form(max_length=16)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """反馈 / 纠正 / 关闭 with a reason, or 撤销 (undo) of the last step; answers the row, or a
    page saying why the ledger refused (e.g. no reason given)."""
    check_csrf(user, csrf or request.headers.get("X-CSRF-Token"))
    web = web_of(request)
    try:
        entry = views.answer_entry(web, user, case_id, rule, outcome, reason)
    except CannotEscalate as exc:
        return render(request, "error.html", {"status": 409, "key": str(exc), "user": user}, 409)
    return render(request, "ledger_row.html", {"user": user, "e": entry})
