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
from collections.abc import Sequence
from dataclasses import dataclass, field

from jianguan.domain.model import Person, Unit
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.accounts import Account, LoginSession, PasswordHasher

SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD = 8


class LoginFailed(Exception):
    pass


class TooManyAttempts(LoginFailed):
    """Too many wrong logins for this user name (or from this address) lately."""

    def __init__(self, username: str, wait: dt.timedelta) -> None:
        super().__init__(username)
        self.wait = wait


@dataclass
class LoginThrottle:
    """Wrong logins counted per key (user name, client address) in a sliding window; past
    ``limit`` of them the key is locked for ``lock`` (OWASP's account lockout with a delay,
    not a permanent lock an attacker could use to shut a colleague out). In memory, per
    server process."""

    limit: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    lock: dt.timedelta = dt.timedelta(minutes=15)
    _failures: dict[str, list[dt.datetime]] = field(default_factory=dict)

    def check(self, keys: Sequence[str], now: dt.datetime) -> None:
        """``TooManyAttempts`` when any key is locked."""
        for key in keys:
            recent = [t for t in self._failures.get(key, ()) if now - t < self.window]
            if len(recent) >= self.limit:
                wait = recent[-self.limit] + self.lock - now
                if wait > dt.timedelta(0):
                    raise TooManyAttempts(key, wait)

    def failed(self, keys: Sequence[str], now: dt.datetime) -> None:
        for key in keys:
            kept = [t for t in self._failures.get(key, ()) if now - t < self.window]
            self._failures[key] = [*kept, now][-4 * self.limit :]

    def succeeded(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._failures.pop(key, None)


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
        uow.accounts.drop_sessions_of(username)  # a reset ends every session of the old one
        uow.audit.append(actor, "account_set", None, {"username": username, "person": person_id})
        uow.commit()
    return account


_DECOYS: dict[int, str] = {}


def _decoy(hasher: PasswordHasher) -> str:
    """A hash of a random password by this hasher, made once: what an unknown name is checked
    against."""
    if id(hasher) not in _DECOYS:
        _DECOYS[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    return _DECOYS[id(hasher)]


def log_in(
    uow: UnitOfWork, hasher: PasswordHasher, username: str, password: str, now: dt.datetime
) -> tuple[str, LoginSession]:
    """A new session token and its session; LoginFailed for any wrong answer.

    An unknown or switched-off user name costs one password check all the same, so the answer
    takes as long as for a wrong password (user names cannot be told apart by timing)."""
    with uow:
        account = uow.accounts.account(username)
        usable = account is not None and account.active
        stored = account.password_hash if account is not None and usable else _decoy(hasher)
        if not hasher.verify(stored, password) or not usable:
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
