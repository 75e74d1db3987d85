"""Local accounts and login sessions for the web application."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.model import Role


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


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """A role given on the platform, overriding the staff list's (people.csv) until withdrawn;
    a re-import of the staff list leaves it standing. ``listed`` is the staff list's role as
    it stands now (read with the grant, so a re-import that changed it shows)."""

    person_id: str
    role: Role
    listed: Role
    by: str
    at: dt.datetime
    reason: str


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

    def role_grants(self, person_ids: Collection[str] | None = None) -> dict[str, RoleGrant]:
        """The standing grants (of these people; of everyone when None)."""
        ...

    def save_role_grant(self, person_id: str, role: Role, by: str, at: dt.datetime,
                        reason: str) -> None:  # fmt: skip
        """Insert or replace the person's grant."""
        ...

    def drop_role_grant(self, person_id: str) -> None: ...

    def drop_sessions_of_person(self, person_id: str) -> None:
        """End every session of the person's account, whatever its user name."""
        ...
