"""The HTML pages (Jinja2, htmx for the interactions). Each page reads through web.views, so
what a page shows is what the API returns, under the same scope."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from jianguan.domain.ledger import CannotEscalate, LedgerStatus, Level
from jianguan.domain.monitoring import SEVERITIES
from jianguan.services.accounts import LoginFailed, TooManyAttempts, log_in, log_out
from jianguan.services.ports.access import CaseQuery
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.web import views
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
from jianguan.web.render import render
from jianguan.web.state import login_keys
from jianguan.web.xlsx import ledger_xlsx

router = APIRouter(include_in_schema=False)
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
        "alerts": views.alerts(web, user, own, 30),
        "page": views.case_page(web, user, CaseQuery(mine=own, open_only=True, limit=20)),
        "open_only": True,
    }
    return render(request, "home.html", context)


@router.get("/cases", response_class=HTMLResponse)
def cases(
    request: Request,
    user: PageUser,
    mine: bool | None = None,
    open_only: bool = False,
    after: Annotated[str | None, Query(max_length=64)] = None,
    rows: bool = False,
) -> Response:
    """The case list; ``rows=1`` answers only the next rows (htmx "more")."""
    own = user.principal.own_cases_by_default if mine is None else mine
    q = CaseQuery(mine=own, open_only=open_only, after=after, limit=50)
    page = views.case_page(web_of(request), user, q)
    context = {"user": user, "mine": own, "open_only": open_only, "page": page}
    return render(request, "case_rows.html" if rows else "cases.html", context)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, user: PageUser, case_id: str) -> Response:
    web = web_of(request)
    detail = views.case_detail(web, user, case_id, "page")
    context = {"user": user, "d": detail, "reads": views.reads(web, user, case_id)}
    return render(request, "case.html", context)


@router.post("/cases/{case_id}/selfcheck", response_class=HTMLResponse)
def case_selfcheck(
    request: Request, user: PageUser, case_id: str, csrf: Annotated[str, Form()] = ""
) -> Response:
    check_csrf(user, csrf or request.headers.get("X-CSRF-Token"))
    result = views.run_selfcheck(web_of(request), user, case_id)
    return render(request, "selfcheck.html", {"user": user, "result": result})


@router.post("/cases/{case_id}/answer")
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
    return RedirectResponse(f"/cases/{case_id}#consultation", status_code=303)


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
    }
    return render(request, "ledger_rows.html" if rows else "ledger.html", context)


@router.get("/ledger/export.xlsx")
def ledger_export(request: Request, user: PageUser, query: LedgerFilter) -> Response:
    return ledger_xlsx(web_of(request), user, query, lang_of(request))


@router.post("/ledger/{case_id}/{rule}/escalate", response_class=HTMLResponse)
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
