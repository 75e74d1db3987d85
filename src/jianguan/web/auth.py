"""Who is asking: the session cookie, the user's scope, and CSRF checks.

The session cookie is HttpOnly and SameSite=Lax, Secure unless the server is told it runs on
plain http on localhost. Every state-changing request (forms and htmx posts) must carry the
session's CSRF token, as the form field ``csrf`` or the header ``X-CSRF-Token``; the login form,
which has no session yet, uses a double-submit cookie instead.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from jianguan.services.access import Principal, principal_for
from jianguan.services.accounts import SESSION_LIFETIME, log_out, signed_in
from jianguan.web.state import web_of

__all__ = [
    "CSRF_HEADER", "LANG_COOKIE", "PRELOGIN_COOKIE", "SESSION_COOKIE", "NeedLogin", "User",
    "api_csrf", "api_user", "check_csrf", "forget", "lang_of", "page_user", "resolve",
    "safe_next", "set_session_cookie", "web_of",
]  # fmt: skip

SESSION_COOKIE = "jg_session"
PRELOGIN_COOKIE = "jg_prelogin"
LANG_COOKIE = "jg_lang"
CSRF_HEADER = "X-CSRF-Token"


class NeedLogin(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True, slots=True)
class User:
    principal: Principal
    csrf: str

    @property
    def person_id(self) -> str:
        return self.principal.person.id

    @property
    def may_escalate(self) -> bool:
        """Whether the user's role keeps the ledger (each entry still says if it may rise)."""
        return self.principal.keeps_the_ledger


# Resolving a cookie costs four queries and the unit tree; a resolved user is kept this long
# (a timer, not the application's clock: the cache ages in real seconds even when the clock is
# pinned to an as-of day). Logging out drops it at once; an account switched off or a person
# moved to another unit takes effect within this time. One process's memory: several workers
# each keep their own.
RESOLVED_FOR = 5.0  # seconds
_resolved: dict[str, tuple[float, User]] = {}
# When each session was last used (a monotonic timer: the application's clock may be pinned to
# an as-of day). Past ``Web.idle_seconds`` without a request the session is ended in the store.
# One process's memory: after a restart a session counts as used at its first request.
_last_seen: dict[str, float] = {}


def forget(token: str | None) -> None:
    if token:
        _resolved.pop(token, None)
        _last_seen.pop(token, None)


def forget_person(person_id: str) -> None:
    """Drop every resolved session of the person at once (their sessions were ended: a role
    changed, a password reset), rather than letting them run for ``RESOLVED_FOR`` more."""
    for token, (_, user) in list(_resolved.items()):
        if user.person_id == person_id:
            forget(token)


def _idle(request: Request, token: str, moment: float) -> bool:
    """Whether the session has gone unused too long (then it is ended); marks it used."""
    web = web_of(request)
    last = _last_seen.get(token)
    if last is not None and moment - last > web.idle_seconds:
        log_out(web.uow(), token)
        forget(token)
        return True
    if len(_last_seen) > 100_000:  # bounded: forgotten sessions count as used now
        _last_seen.clear()
    _last_seen[token] = moment
    return False


def resolve(request: Request) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    moment = time.monotonic()
    if _idle(request, token, moment):
        return None
    hit = _resolved.get(token)
    if hit is not None and hit[0] > moment:
        return hit[1]
    user = _resolve(request, token)
    if len(_resolved) > 10_000:  # bounded: many stale entries are simply dropped together
        _resolved.clear()
    if user is not None:
        _resolved[token] = (moment + RESOLVED_FOR, user)
    return user


def _resolve(request: Request, token: str) -> User | None:
    web = web_of(request)
    found = signed_in(web.uow(), token, web.now())
    if found is None:
        return None
    # the absolute limit: a session is stored for SESSION_LIFETIME from its login; the
    # settings may end it sooner, however busy it is
    logged_in_at = found.session.expires_at - SESSION_LIFETIME
    if web.now() >= logged_in_at + web.session_lifetime:
        log_out(web.uow(), token)
        return None
    principal = principal_for(found.account.username, found.person, found.units)
    return User(principal, found.session.csrf)


def _kept(request: Request) -> User | None:
    """The user of a session resolved moments ago and used within its idle time, read from
    memory alone (None: ask ``resolve``, which may read or write the store)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    moment = time.monotonic()
    hit, last = _resolved.get(token), _last_seen.get(token)
    if hit is None or hit[0] <= moment or last is None:
        return None
    if moment - last > web_of(request).idle_seconds:
        return None
    _last_seen[token] = moment
    return hit[1]


async def _user(request: Request) -> User | None:
    """A dependency on the event loop: a kept user costs no trip to a worker thread (two of
    them a page otherwise, each a handover of the interpreter lock under load); a session to
    resolve from the store is read in the thread pool, off the loop."""
    kept = _kept(request)
    return kept if kept is not None else await run_in_threadpool(resolve, request)


async def api_user(request: Request) -> User:
    user = await _user(request)
    if user is None:
        raise HTTPException(401, "请先登录 / log in first")
    return user


async def page_user(request: Request) -> User:
    user = await _user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NeedLogin(quote(target, safe=""))
    return user


def check_csrf(user: User, supplied: str | None) -> None:
    if not supplied or not secrets.compare_digest(supplied, user.csrf):
        raise HTTPException(403, "表单已失效，请刷新页面后重试 / missing or wrong CSRF token")


def api_csrf(request: Request, user: User) -> None:
    check_csrf(user, request.headers.get(CSRF_HEADER))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(web_of(request).session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=web_of(request).config.secure_cookies,
        path="/",
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host): an open redirect is refused."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def lang_of(request: Request) -> str:
    value = request.cookies.get(LANG_COOKIE, "zh")
    return value if value in ("zh", "en") else "zh"
