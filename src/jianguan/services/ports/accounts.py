"""Local accounts and login sessions for the web application."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


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


class AccountRepository(Protocol):
    def account(self, username: str) -> Account | None: ...

    def save_account(self, account: Account, now: dt.datetime) -> None:
        """Insert or replace (by user name)."""
        ...

    def add_session(self, token_hash: str, session: LoginSession, now: dt.datetime) -> None: ...

    def login_session(self, token_hash: str) -> LoginSession | None: ...

    def drop_session(self, token_hash: str) -> None: ...

    def drop_sessions_of(self, username: str) -> None:
        """End every session of ``username`` (after a password reset)."""
        ...
