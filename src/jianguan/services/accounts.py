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

from jianguan.domain.model import Person, Unit
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.accounts import Account, LoginSession, PasswordHasher

SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD = 8


class LoginFailed(Exception):
    pass


class UnknownPerson(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session with the person behind it and the unit tree their scope is taken from."""

    session: LoginSession
    account: Account
    person: Person
    units: list[Unit]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def set_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    username: str,
    person_id: str,
    password: str,
    now: dt.datetime,
    actor: str,
) -> Account:
    """Create the account of ``person_id`` (or reset its password); the person must exist.
    Audited as ``account_set`` by ``actor``."""
    with uow:
        if uow.cases.person(person_id) is None:
            raise UnknownPerson(person_id)
        if len(password) < MIN_PASSWORD:
            raise ValueError("密码至少 8 个字符 / a password needs at least 8 characters")
        account = Account(username, person_id, hasher.hash(password), True)
        uow.accounts.save_account(account, now)
        uow.audit.append(actor, "account_set", None, {"username": username, "person": person_id})
        uow.commit()
    return account


def log_in(
    uow: UnitOfWork, hasher: PasswordHasher, username: str, password: str, now: dt.datetime
) -> tuple[str, LoginSession]:
    """A new session token and its session; LoginFailed for any wrong answer."""
    with uow:
        account = uow.accounts.account(username)
        if (
            account is None
            or not account.active
            or not hasher.verify(account.password_hash, password)
        ):
            raise LoginFailed(username)
        token = secrets.token_urlsafe(32)
        session = LoginSession(username, secrets.token_urlsafe(24), now + SESSION_LIFETIME)
        uow.accounts.add_session(token_digest(token), session, now)
        uow.commit()
    return token, session


def _current(
    uow: UnitOfWork, token: str | None, now: dt.datetime
) -> tuple[LoginSession, Account] | None:
    if not token:
        return None
    session = uow.accounts.login_session(token_digest(token))
    if session is None or session.expires_at <= now:
        return None
    account = uow.accounts.account(session.username)
    if account is None or not account.active:
        return None
    return session, account


def current_session(
    uow: UnitOfWork, token: str | None, now: dt.datetime
) -> tuple[LoginSession, Account] | None:
    """The live session and account of a cookie token, or None (expired, unknown, switched off)."""
    with uow:
        return _current(uow, token, now)


def signed_in(uow: UnitOfWork, token: str | None, now: dt.datetime) -> SignedIn | None:
    """Who a cookie token belongs to, or None (no live session, or the person has left the
    staff list since the account was made)."""
    with uow:
        found = _current(uow, token, now)
        if found is None:
            return None
        session, account = found
        person = uow.cases.person(account.person_id)
        if person is None:
            return None
        return SignedIn(session, account, person, uow.cases.units())


def log_out(uow: UnitOfWork, token: str | None) -> None:
    if not token:
        return
    with uow:
        uow.accounts.drop_session(token_digest(token))
        uow.commit()
