"""Administration in the browser: login accounts (``jianguan account set``) and the working-day
calendar's State Council notices (``jianguan calendar show | add``).

Accounts are kept by the case officers (案管人员, who run the platform in a procuratorate) for
the staff of their units and the units below; a person's unit comes from the staff list
(people.csv), their role too unless one was given here (``jianguan account roles``,
``services.accounts.change_roles``: a platform record that a re-import leaves standing, shown
as such). A reset password, and a role change, end every session of the person.
The calendar's notices are added by a case officer whose scope is the whole store (the
provincial office): a notice governs every unit's due dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from jianguan.bootstrap import add_calendar_notice
from jianguan.domain.calendar import YearSchedule
from jianguan.domain.errors import RulebookError
from jianguan.domain.gates import GateRefused, Missing
from jianguan.domain.model import Person, Role
from jianguan.services.access import NotAllowed, NotInScope
from jianguan.services.accounts import (
    MIN_PASSWORD,
    RoleRefused,
    StaffRole,
    UnknownPerson,
    change_roles,
    set_password,
    staff_roles,
)
from jianguan.web.auth import (
    User,
    api_csrf,
    api_user,
    check_csrf,
    forget_person,
    lang_of,
    page_user,
)
from jianguan.web.i18n import Words
from jianguan.web.render import render
from jianguan.web.state import Web, web_of

ADMIN_ROLES = frozenset({Role.CASE_OFFICER})
NOTICE_LIMIT = 64 * 1024  # bytes: a year's notice is a page of TOML
SHOWN = 300  # people listed at once (narrow by unit or name)


def _admin(user: User) -> None:
    if user.principal.person.role not in ADMIN_ROLES:
        raise NotAllowed(user.principal.person.role.value)


def staff(web: Web, user: User, unit: str = "", q: str = "") -> tuple[int, list[Person], set[str]]:
    """People of the user's units (narrowed by unit and name), and which of them have a login
    under their staff id."""
    _admin(user)
    needle = q.strip().lower()
    with web.uow() as uow:
        people = [
            p for p in uow.cases.people()
            if user.principal.may_read(p.unit) and (not unit or p.unit == unit)
            and (not needle or needle in p.name.lower() or needle in p.id.lower())
        ]  # fmt: skip
        people.sort(key=lambda p: (p.unit, p.id))
        shown = people[:SHOWN]
        with_login = {p.id for p in shown if uow.accounts.account(p.id) is not None}
    return len(people), shown, with_login


def set_account(web: Web, user: User, person_id: str, password: str) -> Person:
    """Create the person's login (user name = staff id) or reset its password."""
    _admin(user)
    with web.uow() as uow:
        person = uow.cases.person(person_id)
    if person is None or not user.principal.may_read(person.unit):
        raise NotInScope(person_id)
    try:
        set_password(web.uow(), web.hasher, person_id, person_id, password, web.now(),
                     user.person_id)  # fmt: skip
    except UnknownPerson:  # pragma: no cover - checked just above
        raise NotInScope(person_id) from None
    forget_person(person_id)
    return person


def roles_of(web: Web, people: list[Person]) -> dict[str, StaffRole]:
    """Each listed person's role with its source (a platform grant, or the staff list)."""
    return staff_roles(web.uow(), people)


def change_role(
    web: Web, user: User, person_id: str, grant: Role | None, withdraw: Role | None, reason: str
) -> Person:
    """The person's role changed by this user (``services.accounts.change_roles`` checks who
    may: a case officer of the person's unit or above, never for themselves)."""
    _admin(user)
    with web.uow() as uow:
        person = uow.cases.person(person_id)
    if person is None or not user.principal.may_read(person.unit):
        raise NotInScope(person_id)
    try:
        changed = change_roles(web.uow(), person_id, grant, withdraw, reason, user.person_id,
                               web.now())  # fmt: skip
    except RoleRefused as exc:
        raise GateRefused([Missing("role", exc.zh, exc.en)]) from None
    except UnknownPerson:  # pragma: no cover - checked just above
        raise NotInScope(person_id) from None
    forget_person(person_id)  # this process's resolved logins of the person end now too
    return changed.person


def _may_add_notice(user: User) -> bool:
    return user.principal.person.role in ADMIN_ROLES and user.principal.whole_store


def years(web: Web) -> list[YearSchedule]:
    cal = web.rules.calendar
    return [cal.schedule(y) for y in sorted(cal.years, reverse=True)]


class NoticeRefused(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The file's bytes, refused past ``limit`` (read in pieces: never more than the limit)."""
    data = b""
    while chunk := await upload.read(16 * 1024):
        data += chunk
        if len(data) > limit:
            kb = limit // 1024
            raise NoticeRefused(
                f"上传文件过大（上限 {kb} KB）", f"the upload is too large (at most {kb} KB)"
            )
    return data


def add_notice(web: Web, user: User, name: str, data: bytes) -> list[int]:
    if not _may_add_notice(user):
        raise NotAllowed(user.principal.person.role.value)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoticeRefused("文件须为 UTF-8 编码的 TOML", "the file must be UTF-8 TOML") from None
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-")[:64] or "notice.toml"
    try:
        return add_calendar_notice(web.app.settings.data_dir, text, safe)
    except RulebookError as exc:
        raise NoticeRefused(str(exc), str(exc)) from None
    except (KeyError, TypeError, ValueError) as exc:  # the parser's own words for a missing key
        raise NoticeRefused(
            f"通知文件缺少或写错了字段：{exc}", f"the notice lacks or misspells a field: {exc}"
        ) from None


# -- API ------------------------------------------------------------------------------------------

api = APIRouter(prefix="/api", tags=["administration"])
ApiUser = Annotated[User, Depends(api_user)]
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"description": "未登录 / not logged in"},
    403: {"description": "CSRF or role (案管人员)"},
    404: {"description": "不在范围内 / not in your units"},
}


class PersonOut(BaseModel):
    id: str
    name: str
    unit: str
    department: str
    role: Role
    has_login: bool
    listed_role: Role | None = None  # the staff list's role, where a platform grant overrides it


class RolesIn(BaseModel):
    grant: Role | None = None
    withdraw: Role | None = None
    reason: str = Field(min_length=1, max_length=2000)


class RoleOut(BaseModel):
    id: str
    role: Role
    listed_role: Role  # the staff list's (people.csv)
    granted: bool  # the role held is the platform's grant


class PasswordIn(BaseModel):
    password: str = Field(min_length=MIN_PASSWORD, max_length=256)


class HolidayOut(BaseModel):
    name: str
    first: dt.date
    last: dt.date


class YearOut(BaseModel):
    year: int
    notice: str
    notice_date: dt.date
    holidays: list[HolidayOut]
    workdays: list[dt.date]


@api.get("/accounts", responses=ERRORS)
def api_accounts(
    request: Request, user: ApiUser, unit: Annotated[str, Query(max_length=32)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
) -> list[PersonOut]:  # fmt: skip
    """Staff of the user's units with whether they have a login (案管人员 only)."""
    web = web_of(request)
    _, people, with_login = staff(web, user, unit, q)
    held = roles_of(web, people)
    return [PersonOut(id=p.id, name=p.name, unit=p.unit, department=p.department, role=p.role,
                      has_login=p.id in with_login,
                      listed_role=held[p.id].listed if held[p.id].grant else None)
            for p in people]  # fmt: skip


@api.post("/accounts/{person_id}/roles", responses={**ERRORS, 409: {"description": "refused"}})
def api_change_roles(request: Request, user: ApiUser, person_id: str, body: RolesIn) -> RoleOut:
    """Grant or withdraw a role (a platform record, kept over re-imports); sessions end."""
    api_csrf(request, user)
    web = web_of(request)
    person = change_role(web, user, person_id, body.grant, body.withdraw, body.reason)
    held = roles_of(web, [person])[person.id]
    return RoleOut(id=person.id, role=held.role, listed_role=held.listed,
                   granted=held.grant is not None)  # fmt: skip


@api.post("/accounts/{person_id}/password", responses=ERRORS)
def api_set_password(
    request: Request, user: ApiUser, person_id: str, body: PasswordIn
) -> dict[str, str]:
    """Create the login (user name = staff id) or reset its password; old sessions end."""
    api_csrf(request, user)
    set_account(web_of(request), user, person_id, body.password)
    return {"username": person_id}


@api.get("/calendar", responses={401: ERRORS[401]})
def api_calendar(request: Request, user: ApiUser) -> list[YearOut]:
    """The official holidays and make-up working days of every year the calendar covers."""
    return [
        YearOut(year=s.year, notice=s.notice, notice_date=s.notice_date,
                holidays=[HolidayOut(name=h.name, first=h.first, last=h.last) for h in s.holidays],
                workdays=sorted(s.workdays))
        for s in years(web_of(request))
    ]  # fmt: skip


# -- pages ----------------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _accounts_page(
    request: Request, user: User, unit: str, q: str, message: str = "", status: int = 200
) -> Response:
    web = web_of(request)
    total, people, with_login = staff(web, user, unit, q)
    names = web.names()
    units = sorted(c for c in names.units if user.principal.may_read(c))
    context = {"user": user, "people": people, "total": total, "with_login": with_login,
               "unit": unit, "q": q, "units": units, "message": message, "shown": SHOWN,
               "held": roles_of(web, people), "roles": list(Role)}  # fmt: skip
    return render(request, "accounts.html", context, status)


@pages.get("/accounts", response_class=HTMLResponse)
def page_accounts(
    request: Request, user: PageUser, unit: Annotated[str, Query(max_length=32)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
) -> Response:  # fmt: skip
    return _accounts_page(request, user, unit, q)


@pages.post("/accounts/{person_id}/password", response_class=HTMLResponse)
def page_set_password(
    request: Request,
    user: PageUser,
    person_id: str,
    csrf: Annotated[str, Form()] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    unit: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    check_csrf(user, csrf)
    web = web_of(request)
    if len(password) < MIN_PASSWORD:
        words = "密码至少 8 个字符 / a password needs at least 8 characters"
        return _accounts_page(request, user, unit, "", words, 422)
    person = set_account(web, user, person_id, password)
    # the person by name in the page's language (issue 18: the staff id is no word for them)
    done = Words(lang_of(request)).fmt("account_saved", name=person.name)
    return _accounts_page(request, user, unit, "", done)


@pages.post("/accounts/{person_id}/roles", response_class=HTMLResponse)
def page_change_roles(
    request: Request,
    user: PageUser,
    person_id: str,
    csrf: Annotated[str, Form()] = "",
    grant: Annotated[Role | Literal[""], Form()] = "",
    withdraw: Annotated[Role | Literal[""], Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    unit: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """The role form: the role chosen replaces the one held (choosing the staff list's role
    withdraws the platform's grant)."""
    check_csrf(user, csrf)
    web = web_of(request)
    person = change_role(web, user, person_id, grant or None, withdraw or None, reason)
    done = Words(lang_of(request)).fmt(
        "role_saved", name=person.name, role=person.role.label(lang_of(request))
    )
    return _accounts_page(request, user, unit, "", done)


@pages.get("/calendar", response_class=HTMLResponse)
def page_calendar(request: Request, user: PageUser) -> Response:
    return _calendar_page(request, user)


def _calendar_page(request: Request, user: User, message: str = "", status: int = 200) -> Response:
    context = {"user": user, "years": years(web_of(request)), "may_add": _may_add_notice(user),
               "message": message, "limit_kb": NOTICE_LIMIT // 1024}  # fmt: skip
    return render(request, "calendar.html", context, status)


@pages.post("/calendar", response_class=HTMLResponse)
async def page_add_notice(
    request: Request,
    user: PageUser,
    notice: UploadFile,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A year's notice uploaded (at most ``NOTICE_LIMIT`` bytes), checked as ``jianguan
    calendar add`` checks it, and kept under the data folder."""
    check_csrf(user, csrf)
    web = web_of(request)
    try:
        data = await read_upload(notice, NOTICE_LIMIT)
        added = add_notice(web, user, notice.filename or "notice.toml", data)
    except NoticeRefused as exc:
        status = 413 if "too large" in exc.en else 422
        words = exc.zh if exc.zh == exc.en else f"{exc.zh} / {exc.en}"
        return _calendar_page(request, user, words, status)
    shown = "、".join(map(str, added))
    return _calendar_page(
        request,
        user,
        f"已添加 {shown} 年的节假日安排（重启服务后生效）"
        f" / added {shown} (takes effect after a restart)",
    )
