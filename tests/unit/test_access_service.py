"""Scoped access and accounts as use cases, on the in-memory unit of work."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.domain.ledger import CannotEscalate, Entry, LedgerStatus, Level
from jianguan.domain.model import Person, Role, Unit, UnitLevel
from jianguan.domain.monitoring import FindingKind, Severity
from jianguan.services import access, accounts
from jianguan.services.ports.monitoring import LedgerQuery
from tests.fakes import FakeUnitOfWork, State

DAY = dt.date(2025, 6, 2)
NOW = dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC)
UNITS = [
    Unit("440000", "广东省人民检察院", UnitLevel.PROVINCIAL, None),
    Unit("440300", "深圳市人民检察院", UnitLevel.MUNICIPAL, "440000"),
    Unit("440304", "福田区人民检察院", UnitLevel.BASIC, "440300"),
    Unit("440305", "南山区人民检察院", UnitLevel.BASIC, "440300"),
]
OFFICER = Person("P1", "案管甲", "440304", "案管部", Role.CASE_OFFICER, False, False)
PROSECUTOR = Person("P2", "检察官乙", "440304", "第一检察部", Role.PROSECUTOR, True, False)
OUTSIDER = Person("P3", "案管丙", "440305", "案管部", Role.CASE_OFFICER, False, False)


def entry(level: Level = Level.REMIND, status: LedgerStatus = LedgerStatus.OPEN) -> Entry:
    return Entry(
        "C1", "R1", FindingKind.REVIEW_DUE_SOON, Severity.MINOR, "440304", DAY, "临期",
        status, level, DAY, DAY,
    )  # fmt: skip


def uow_with(*entries: Entry) -> FakeUnitOfWork:
    st = State()
    st.units = {u.code: u for u in UNITS}
    st.people = {p.id: p for p in (OFFICER, PROSECUTOR, OUTSIDER)}
    st.ledger = {e.key: e for e in entries}
    return FakeUnitOfWork(st)


def test_the_scope_is_the_unit_and_the_units_below() -> None:
    basic = access.principal_for("c", OFFICER, UNITS)
    assert basic.units == {"440304"}
    assert not basic.whole_store
    head = Person("P9", "省", "440000", "案管部", Role.CASE_OFFICER, False, False)
    assert access.principal_for("p", head, UNITS).whole_store
    assert access.principal_for("x", PROSECUTOR, UNITS).own_cases_by_default


def test_a_hand_raises_the_entry_through_the_ledgers_one_rule_and_is_audited() -> None:
    uow = uow_with(entry())
    me = access.principal_for("P1", OFFICER, UNITS)
    raised = access.escalate(uow, me, "C1", "R1", DAY)
    assert (raised.escalation, raised.status, raised.notified_on) == (
        Level.URGE, LedgerStatus.NOTIFIED, DAY,
    )  # fmt: skip
    assert uow.state.ledger[("C1", "R1")] == raised
    assert uow.state.audit[-1] == (
        "P1", "ledger.escalate.manual", "C1", {"rule": "R1", "from": "提醒", "to": "督促", "by": "P1"},
    )  # fmt: skip
    assert uow.commits == 1


def test_escalation_refusals_change_nothing() -> None:
    uow = uow_with(entry(Level.REPORT, LedgerStatus.NOTIFIED))
    with pytest.raises(CannotEscalate):
        access.escalate(uow, access.principal_for("P1", OFFICER, UNITS), "C1", "R1", DAY)
    with pytest.raises(access.NotAllowed):
        access.escalate(uow, access.principal_for("P2", PROSECUTOR, UNITS), "C1", "R1", DAY)
    with pytest.raises(access.NotInScope):  # another unit's entry: as if it were not there
        access.escalate(uow, access.principal_for("P3", OUTSIDER, UNITS), "C1", "R1", DAY)
    assert uow.state.ledger[("C1", "R1")].escalation is Level.REPORT
    assert uow.state.audit == []
    assert uow.commits == 0


def test_the_ledger_page_keeps_to_the_scope() -> None:
    uow = uow_with(entry())
    q = LedgerQuery(active_only=True)
    assert access.ledger(uow, access.principal_for("P1", OFFICER, UNITS), q) == [entry()]
    assert access.ledger(uow, access.principal_for("P3", OUTSIDER, UNITS), q) == []


class PlainHasher:
    def hash(self, password: str) -> str:
        return f"h:{password}"

    def verify(self, hashed: str, password: str) -> bool:
        return hashed == f"h:{password}"


def test_an_account_logs_in_resolves_and_logs_out() -> None:
    uow, hasher = uow_with(), PlainHasher()
    accounts.set_password(uow, hasher, "jia", "P1", "long-enough", NOW, "cli")
    assert uow.state.audit[-1] == ("cli", "account_set", None, {"username": "jia", "person": "P1"})
    with pytest.raises(accounts.LoginFailed):
        accounts.log_in(uow, hasher, "jia", "wrong-password", NOW)
    token, session = accounts.log_in(uow, hasher, "jia", "long-enough", NOW)
    who = accounts.signed_in(uow, token, NOW)
    assert who is not None
    assert who.person == OFFICER
    assert who.session.csrf == session.csrf
    assert accounts.signed_in(uow, token, NOW + accounts.SESSION_LIFETIME) is None  # expired
    accounts.log_out(uow, token)
    assert accounts.signed_in(uow, token, NOW) is None


def test_an_account_needs_a_person_and_a_long_password() -> None:
    uow, hasher = uow_with(), PlainHasher()
    with pytest.raises(accounts.UnknownPerson):
        accounts.set_password(uow, hasher, "x", "P404", "long-enough", NOW, "cli")
    with pytest.raises(ValueError, match="8"):
        accounts.set_password(uow, hasher, "x", "P1", "short", NOW, "cli")
    assert uow.state.accounts == {}
    assert uow.state.audit == []


class CountingHasher(PlainHasher):
    def __init__(self) -> None:
        self.verified = 0

    def verify(self, hashed: str, password: str) -> bool:
        self.verified += 1
        return super().verify(hashed, password)


def test_an_unknown_user_name_costs_a_password_check_like_a_wrong_password() -> None:
    # Issue 18: user names could be told apart by login timing (114 ms vs 3 ms): an unknown
    # name now pays the same password check as a known one with a wrong password.
    uow, hasher = uow_with(), CountingHasher()
    accounts.set_password(uow, hasher, "jia", "P1", "long-enough", NOW, "cli")
    for name in ("jia", "nobody"):
        before = hasher.verified
        with pytest.raises(accounts.LoginFailed):
            accounts.log_in(uow, hasher, name, "wrong-password", NOW)
        assert hasher.verified == before + 1, name


def test_a_password_reset_ends_the_old_sessions() -> None:
    uow, hasher = uow_with(), PlainHasher()
    accounts.set_password(uow, hasher, "jia", "P1", "long-enough", NOW, "cli")
    token, _ = accounts.log_in(uow, hasher, "jia", "long-enough", NOW)
    accounts.set_password(uow, hasher, "jia", "P1", "another-long-one", NOW, "cli")
    assert accounts.signed_in(uow, token, NOW) is None


def test_wrong_logins_lock_the_name_for_a_while_then_let_it_try_again() -> None:
    throttle = accounts.LoginThrottle(limit=5, window=dt.timedelta(minutes=15))
    keys = ["user:jia", "client:10.0.0.1"]
    for i in range(5):
        throttle.check(keys, NOW + dt.timedelta(seconds=i))
        throttle.failed(keys, NOW + dt.timedelta(seconds=i))
    with pytest.raises(accounts.TooManyAttempts) as locked:
        throttle.check(["user:jia"], NOW + dt.timedelta(seconds=10))
    assert locked.value.wait > dt.timedelta(minutes=14)
    throttle.check(["user:yi"], NOW + dt.timedelta(seconds=10))  # another name is not locked
    throttle.check(keys, NOW + dt.timedelta(minutes=16))  # the lock has passed
    throttle.succeeded(keys)
    throttle.check(keys, NOW + dt.timedelta(minutes=16))
