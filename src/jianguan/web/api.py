"""The JSON API under /api: everything the pages show, for the user's scope only.

401 without a login; 404 for a case that does not exist or lies outside the user's units (the
same answer, so a probe learns nothing); 403 for a missing CSRF header on a change or a role that
may not make it; 422 for bad parameters, with a zh/en message.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BeforeValidator

from jianguan.domain.ledger import CannotEscalate, LedgerStatus, Level
from jianguan.domain.monitoring import Severity
from jianguan.services import access
from jianguan.services.accounts import LoginFailed, TooManyAttempts, log_in, log_out
from jianguan.services.ports.access import CaseQuery
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.web import views
from jianguan.web.auth import (
    SESSION_COOKIE,
    User,
    api_csrf,
    api_user,
    forget,
    lang_of,
    resolve,
    set_session_cookie,
    web_of,
)
from jianguan.web.models import (
    AnswerIn,
    CaseDetail,
    CasePage,
    DashboardOut,
    EntryAnswerIn,
    LedgerOut,
    LedgerPage,
    LoginIn,
    Me,
    ReadOut,
    SelfCheckOut,
)
from jianguan.web.state import login_keys
from jianguan.web.xlsx import XLSX, ledger_xlsx

router = APIRouter(prefix="/api", tags=["api"])
CurrentUser = Annotated[User, Depends(api_user)]
Limit = Annotated[int, Query(ge=1, le=access.PAGE_MAX)]
# A ledger status, or ``active`` for both that are still to be dealt with (open and notified).
Status = Literal["open", "notified", "corrected", "closed", "active"]
ACTIVE = "active"
Responses = dict[int | str, dict[str, Any]]
NOT_LOGGED_IN: Responses = {401: {"description": "未登录 / not logged in"}}
NOT_FOUND: Responses = {404: {"description": "无此案件或不在范围内 / no such case in your scope"}}


def _me(user: User) -> Me:
    p = user.principal
    return Me(
        username=p.username,
        person_id=p.person.id,
        name=p.person.name,
        role=p.person.role.value,
        unit=p.person.unit,
        units_in_scope=len(p.units),
        own_cases_by_default=p.own_cases_by_default,
        csrf=user.csrf,
    )


@router.post(
    "/login",
    responses={
        401: {"description": "登录失败 / login failed"},
        429: {"description": "登录失败次数过多 / too many failed logins"},
    },
)
def api_login(body: LoginIn, request: Request, response: Response) -> Me:
    web = web_of(request)
    keys, now = login_keys(request, body.username), web.now()
    try:
        web.throttle.check(keys, now)
        token, _ = log_in(web.uow(), web.hasher, body.username, body.password, now)
    except TooManyAttempts as exc:
        minutes = max(1, round(exc.wait.total_seconds() / 60))
        raise HTTPException(
            429, f"登录失败次数过多，请 {minutes} 分钟后再试 / too many failed logins; retry later"
        ) from None
    except LoginFailed:
        web.throttle.failed(keys, now)
        raise HTTPException(401, "用户名或密码错误 / wrong user name or password") from None
    web.throttle.succeeded(keys)
    set_session_cookie(request, response, token)
    request.cookies[SESSION_COOKIE] = token
    user = resolve(request)  # (this endpoint runs in a worker thread: the sync lookup)
    if user is None:
        raise HTTPException(401, "请先登录 / log in first")
    return _me(user)


@router.post("/logout", responses=NOT_LOGGED_IN)
def api_logout(request: Request, response: Response, user: CurrentUser) -> dict[str, bool]:
    api_csrf(request, user)
    log_out(web_of(request).uow(), request.cookies.get(SESSION_COOKIE))
    forget(request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"ok": True}


@router.get("/me", responses=NOT_LOGGED_IN)
def me(user: CurrentUser) -> Me:
    return _me(user)


@router.get("/dashboard", responses=NOT_LOGGED_IN)
def dashboard(request: Request, user: CurrentUser, mine: bool | None = None) -> DashboardOut:
    own = user.principal.own_cases_by_default if mine is None else mine
    return views.dashboard(web_of(request), user, own)


@router.get("/cases", responses=NOT_LOGGED_IN)
def cases(
    request: Request,
    user: CurrentUser,
    mine: bool | None = None,
    open_only: bool = False,
    category: Annotated[str | None, Query(max_length=32)] = None,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
) -> CasePage:
    """Cases in the user's scope by case number, 50 a page; ``next`` is the cursor."""
    own = user.principal.own_cases_by_default if mine is None else mine
    q = CaseQuery(own, open_only, category, after, limit)
    return views.case_page(web_of(request), user, q)


@router.get("/cases/{case_id:path}/reads", responses={**NOT_LOGGED_IN, **NOT_FOUND})
def case_reads(request: Request, user: CurrentUser, case_id: str) -> list[ReadOut]:
    return views.reads(web_of(request), user, case_id)


@router.get("/cases/{case_id:path}", responses={**NOT_LOGGED_IN, **NOT_FOUND})
def case(request: Request, user: CurrentUser, case_id: str) -> CaseDetail:
    """One case: card, timeline, periods with derivation, findings. The read is logged."""
    return views.case_detail(web_of(request), user, case_id, "api")


@router.post(
    "/cases/{case_id:path}/selfcheck",
    responses={**NOT_LOGGED_IN, **NOT_FOUND, 403: {"description": "CSRF"}},
)
def selfcheck(request: Request, user: CurrentUser, case_id: str) -> SelfCheckOut:
    """一键自检. Send the session's CSRF token (``/api/me``'s ``csrf``) as X-CSRF-Token."""
    api_csrf(request, user)
    return views.run_selfcheck(web_of(request), user, case_id)


@router.post(
    "/cases/{case_id:path}/consultation",
    responses={**NOT_LOGGED_IN, **NOT_FOUND, 403: {"description": "CSRF"}, 409: {}},
)
def consultation(request: Request, user: CurrentUser, case_id: str, body: AnswerIn) -> CaseDetail:
    """Answer the oldest open consultation opinion (accept, or decline with a reason)."""
    api_csrf(request, user)
    web = web_of(request)
    views.answer(web, user, case_id, body.accept, body.reason)
    return views.case_detail(web, user, case_id, "api")


CHANGE: Responses = {
    **NOT_LOGGED_IN, **NOT_FOUND, 403: {"description": "CSRF or role"},
    409: {"description": "被每案必检等拒绝，附所缺事项 / refused, with what is missing"},
}  # fmt: skip


@router.post("/cases/{case_id:path}/verify", responses=CHANGE)
def verify(request: Request, user: CurrentUser, case_id: str) -> CaseDetail:
    """复核 of the handler's last self-check (a department head or senior prosecutor)."""
    api_csrf(request, user)
    web = web_of(request)
    views.verify(web, user, case_id)
    return views.case_detail(web, user, case_id, "api")


@router.post("/cases/{case_id:path}/close", responses=CHANGE)
def close(request: Request, user: CurrentUser, case_id: str) -> CaseDetail:
    """办结 behind the 每案必检 and consultation gates (409 lists what is missing)."""
    api_csrf(request, user)
    web = web_of(request)
    views.close_or_archive(web, user, case_id, archive=False)
    return views.case_detail(web, user, case_id, "api")


@router.post("/cases/{case_id:path}/archive", responses=CHANGE)
def archive(request: Request, user: CurrentUser, case_id: str) -> CaseDetail:
    """归档 behind the same gates (409 lists what is missing)."""
    api_csrf(request, user)
    web = web_of(request)
    views.close_or_archive(web, user, case_id, archive=True)
    return views.case_detail(web, user, case_id, "api")


@router.get("/alerts", responses=NOT_LOGGED_IN)
def alerts(
    request: Request, user: CurrentUser, mine: bool | None = None, limit: Limit = 100
) -> list[LedgerOut]:
    own = user.principal.own_cases_by_default if mine is None else mine
    return views.alerts(web_of(request), user, own, limit)


def _blank_is_all(value: object) -> object:
    """A filter left at 全部 (an empty select) means no filter, not a bad value."""
    return None if value == "" else value


def ledger_query(
    mine: bool = False,
    status: Annotated[Status | None, BeforeValidator(_blank_is_all)] = None,
    escalation: Annotated[Level | None, BeforeValidator(_blank_is_all)] = None,
    severity: Annotated[Severity | None, BeforeValidator(_blank_is_all)] = None,
    rule: Annotated[str | None, Query(max_length=48), BeforeValidator(_blank_is_all)] = None,
    case_id: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[str | None, Query(max_length=120, pattern=r"^[^|]*\|[^|]*$")] = None,
    limit: Limit = 50,
) -> LedgerQuery:
    cursor = tuple(after.split("|", 1)) if after else None
    return LedgerQuery(
        mine=mine,
        status=LedgerStatus(status) if status and status != ACTIVE else None,
        active_only=status == ACTIVE,
        escalation=escalation,
        severity=severity,
        rule=rule,
        case_id=case_id,
        after=(cursor[0], cursor[1]) if cursor else None,
        limit=limit,
    )


LedgerFilter = Annotated[LedgerQuery, Depends(ledger_query)]


@router.get("/ledger", responses=NOT_LOGGED_IN)
def ledger(request: Request, user: CurrentUser, query: LedgerFilter) -> LedgerPage:
    return views.ledger_page(web_of(request), user, query)


@router.get(
    "/ledger.xlsx",
    responses={**NOT_LOGGED_IN, 200: {"content": {XLSX: {}}}},
    response_class=Response,
)
def ledger_export(request: Request, user: CurrentUser, query: LedgerFilter) -> Response:
    """The filtered ledger as an Excel workbook (at most 50,000 rows)."""
    return ledger_xlsx(web_of(request), user, query, lang_of(request))


@router.post(
    "/ledger/{case_id:path}/{rule}/escalate",
    responses={**NOT_LOGGED_IN, **NOT_FOUND, 403: {"description": "CSRF or role"}, 409: {}},
)
def escalate(request: Request, user: CurrentUser, case_id: str, rule: str) -> LedgerOut:
    api_csrf(request, user)
    try:
        return views.escalate(web_of(request), user, case_id, rule)
    except CannotEscalate as exc:
        raise HTTPException(409, str(exc)) from None


@router.post(
    "/ledger/{case_id:path}/{rule}/answer",
    responses={**NOT_LOGGED_IN, **NOT_FOUND, 403: {"description": "CSRF or role"}, 409: {}},
)
def answer_entry(
    request: Request, user: CurrentUser, case_id: str, rule: str, body: EntryAnswerIn
) -> LedgerOut:
    """反馈 / 纠正 / 关闭 with a reason, or ``undo`` of the last step (domain.ledger decides)."""
    api_csrf(request, user)
    try:
        return views.answer_entry(web_of(request), user, case_id, rule, body.outcome, body.reason)
    except CannotEscalate as exc:
        raise HTTPException(409, str(exc)) from None
