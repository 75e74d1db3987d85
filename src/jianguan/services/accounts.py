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

from jianguan.domain.model import Person, Role, Unit
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.accounts import Account, LoginSession, PasswordHasher, RoleGrant

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


# -- roles --------------------------------------------------------------------------------------

# Who keeps the roles of a unit's staff: its case-management office (the platform's
# administrators), and those of the units above it.
ROLE_KEEPERS = frozenset({Role.CASE_OFFICER})


class RoleRefused(Exception):
    """A role change the rules do not allow, in words (zh, en)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True, slots=True)
class RoleChange:
    person: Person  # as they stand after the change
    before: Role
    after: Role
    listed: Role  # the staff list's role (people.csv)
    granted: bool  # the role now held is the platform's grant, not the list's


@dataclass(frozen=True, slots=True)
class StaffRole:
    """A person's role as the pages show it: the one held and where it comes from."""

    role: Role
    listed: Role
    grant: RoleGrant | None  # the platform's grant it comes from; None: the staff list


def staff_roles(uow: UnitOfWork, people: Sequence[Person]) -> dict[str, StaffRole]:
    """The role each person holds with its source (a platform grant, or the staff list)."""
    with uow:
        grants = uow.accounts.role_grants([p.id for p in people])
    return {
        p.id: StaffRole(p.role, grants[p.id].listed if p.id in grants else p.role, grants.get(p.id))
        for p in people
    }


def may_keep_roles(keeper: Person, person: Person, units: Sequence[Unit]) -> bool:
    """Whether ``keeper`` may change ``person``'s roles: a case officer of the person's unit or
    of a unit above it, and never for themselves (no one raises or keeps their own powers)."""
    if keeper.id == person.id or keeper.role not in ROLE_KEEPERS:
        return False
    return person.unit in units_below(units, keeper.unit)


def change_roles(
    uow: UnitOfWork,
    person_id: str,
    grant: Role | None,
    withdraw: Role | None,
    reason: str,
    by: str,
    now: dt.datetime,
) -> RoleChange:
    """Grant a role, withdraw one, or both (the person's one role replaced), as a platform
    record that a re-import of the staff list leaves standing.

    A person holds one role (the powers list, the gates and the scope read one). A grant
    makes it the person's role; withdrawing a granted role returns the person to the staff
    list's; withdrawing the list's role needs a grant in its place. ``by`` is a staff id,
    checked with ``may_keep_roles``, or ``cli`` (the operator of the server, as for
    ``jianguan account set``). Every session of the person ends, so no page goes on with
    the old powers. Audited as ``role_change`` (who, whose, before, after, reason)."""
    text = reason.strip()
    if not text:
        raise RoleRefused("变更角色须说明理由", "a role change needs a reason")
    if grant is None and withdraw is None:
        raise RoleRefused("请指定授予或撤销的角色", "name a role to grant or withdraw")
    with uow:
        person = uow.cases.person(person_id)
        if person is None:
            raise UnknownPerson(person_id)
        _check_keeper(uow, by, person)
        held = uow.accounts.role_grants([person_id]).get(person_id)
        listed = held.listed if held is not None else person.role
        after = _role_after(person, listed, grant, withdraw)
        if after == listed:
            uow.accounts.drop_role_grant(person_id)
        else:
            uow.accounts.save_role_grant(person_id, after, by, now, text)
        uow.accounts.drop_sessions_of_person(person_id)
        detail = {"person": person_id, "before": person.role.value, "after": after.value,
                  "listed": listed.value, "grant": grant.value if grant else None,
                  "withdraw": withdraw.value if withdraw else None, "reason": text}  # fmt: skip
        uow.audit.append(by, "role_change", person_id, detail)
        uow.commit()
    changed = Person(person.id, person.name, person.unit, person.department, after,
                     person.in_quota, person.senior)  # fmt: skip
    return RoleChange(changed, person.role, after, listed, after != listed)


def _check_keeper(uow: UnitOfWork, by: str, person: Person) -> None:
    if by == "cli":
        return
    keeper = uow.cases.person(by)
    if keeper is not None and keeper.id == person.id:
        raise RoleRefused("不能变更本人的角色", "no one may change their own roles")
    if keeper is None or not may_keep_roles(keeper, person, uow.cases.units()):
        raise RoleRefused(
            "只有本院或上级院的案管人员可以变更人员角色",
            "only a case officer of the person's unit or a unit above may change roles",
        )


def _role_after(person: Person, listed: Role, grant: Role | None, withdraw: Role | None) -> Role:
    """The one role the person holds after the change, or ``RoleRefused`` saying why not."""
    if withdraw is not None and withdraw is not person.role:
        raise RoleRefused(
            f"{person.name}现为{person.role.zh}，没有“{withdraw.zh}”角色可撤销",
            f"{person.id} holds {person.role.en}, not {withdraw.en}",
        )
    if grant is not None:
        if grant is person.role:
            raise RoleRefused(
                f"{person.name}已是{grant.zh}", f"{person.id} already holds {grant.en}"
            )
        return grant
    assert withdraw is not None
    if withdraw is listed:  # the staff list's own role: something must take its place
        raise RoleRefused(
            f"“{withdraw.zh}”是人员名单中的角色，撤销时须同时授予另一角色（每人须有一个角色）",
            f"{withdraw.en} is the staff list's role: grant another in its place",
        )
    return listed
