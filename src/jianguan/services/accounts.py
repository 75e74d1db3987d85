"""Local accounts and login sessions (web).

A session token is random (32 bytes, URL-safe); only its sha256 is stored, so a copy of the
store cannot be replayed as a login. Each session carries its own CSRF token, which forms and
htmx requests must echo back. Failed logins all get the same answer, whether the user name is
unknown, the password wrong or the account switched off, so an attacker learns nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.model import Person

SESSION_LIFETIME = dt.timedelta(hours=12)


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, hashed: str, password: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    person_id: str
    password_hash: str
    active: bool


@dataclass(frozen=True, slots=True)
class LoginSession:
    username: str
    csrf: str
    expires_at: dt.datetime


class AccountStore(Protocol):
    def account(self, username: str) -> Account | None: ...

    def person(self, person_id: str) -> Person | None: ...

    def save_account(self, account: Account, now: dt.datetime) -> None:
        """Insert or replace (by user name)."""
        ...

    def add_session(self, token_hash: str, session: LoginSession, now: dt.datetime) -> None: ...

    def login_session(self, token_hash: str) -> LoginSession | None: ...

    def drop_session(self, token_hash: str) -> None: ...


class LoginFailed(Exception):
    pass


class UnknownPerson(LookupError):
    pass


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def set_password(
    store: AccountStore, hasher: PasswordHasher, username: str, person_id: str, password: str
) -> Account:
    """Create the account of ``person_id`` (or reset its password); the person must exist."""
    if store.person(person_id) is None:
        raise UnknownPerson(person_id)
    if len(password) < 8:
        raise ValueError("密码至少 8 个字符 / a password needs at least 8 characters")
    account = Account(username, person_id, hasher.hash(password), True)
    store.save_account(account, dt.datetime.now(dt.UTC))
    return account


def log_in(
    store: AccountStore, hasher: PasswordHasher, username: str, password: str, now: dt.datetime
) -> tuple[str, LoginSession]:
    """A new session token and its session; LoginFailed for any wrong answer."""
    account = store.account(username)
    if account is None or not account.active or not hasher.verify(account.password_hash, password):
        raise LoginFailed(username)
    token = secrets.token_urlsafe(32)
    session = LoginSession(username, secrets.token_urlsafe(24), now + SESSION_LIFETIME)
    store.add_session(token_digest(token), session, now)
    return token, session


def current_session(
    store: AccountStore, token: str | None, now: dt.datetime
) -> tuple[LoginSession, Account] | None:
    """The live session and account of a cookie token, or None (expired, unknown, switched off)."""
    if not token:
        return None
    session = store.login_session(token_digest(token))
    if session is None or session.expires_at <= now:
        return None
    account = store.account(session.username)
    if account is None or not account.active:
        return None
    return session, account


def log_out(store: AccountStore, token: str | None) -> None:
    if token:
        store.drop_session(token_digest(token))
