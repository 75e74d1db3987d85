"""Granting and withdrawing a person's role on the platform (services.accounts.change_roles), on
the in-memory unit of work: who may (a case officer of the person's unit or above, never for
themselves), the one role a person holds, the audit entry, the sessions ended, and the grant
standing over the staff list when it is imported again."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.domain.model import Person, Role, Unit, UnitLevel
from jianguan.services.accounts import RoleRefused, change_roles, staff_roles
from jianguan.services.ports.accounts import Account, LoginSession
from tests.fakes import FakeUnitOfWork, State

NOW = dt.datetime(2025, 10, 1, 9, tzinfo=dt.UTC)


def _person(pid: str, unit: str, role: Role) -> Person:
    return Person(pid, f"人员{pid}", unit, "第一检察部", role, role is Role.PROSECUTOR, False)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    st = State()
    st.units = {
        "440000": Unit("440000", "广东省院", UnitLevel.PROVINCIAL, None),
        "440300": Unit("440300", "深圳市院", UnitLevel.MUNICIPAL, "440000"),
        "440304": Unit("440304", "福田区院", UnitLevel.BASIC, "440300"),
        "440305": Unit("440305", "南山区院", UnitLevel.BASIC, "440300"),
    }
    for p in (
        _person("P1", "440304", Role.PROSECUTOR),
        _person("O1", "440304", Role.CASE_OFFICER),
        _person("O2", "440305", Role.CASE_OFFICER),
        _person("OC", "440300", Role.CASE_OFFICER),
        _person("H1", "440304", Role.DEPARTMENT_HEAD),
    ):
        st.people[p.id] = p
    st.accounts["P1"] = Account("P1", "P1", "x", True)
    st.sessions["t1"] = LoginSession("P1", "c", NOW + dt.timedelta(hours=1))
    return FakeUnitOfWork(st)


def test_a_grant_makes_the_role_held_audited_and_ends_the_sessions(uow: FakeUnitOfWork) -> None:
    change = change_roles(uow, "P1", Role.DEPARTMENT_HEAD, Role.PROSECUTOR, "任命为部门负责人",
                          "O1", NOW)  # fmt: skip
    assert (change.before, change.after, change.listed, change.granted) == (
        Role.PROSECUTOR, Role.DEPARTMENT_HEAD, Role.PROSECUTOR, True)  # fmt: skip
    assert uow.cases.person("P1").role is Role.DEPARTMENT_HEAD  # type: ignore[union-attr]
    assert uow.state.sessions == {}  # the prosecutor's login no longer runs with old powers
    actor, action, subject, detail = uow.state.audit[-1]
    assert (actor, action, subject) == ("O1", "role_change", "P1")
    assert detail["before"] == "prosecutor"
    assert detail["after"] == "department_head"
    assert detail["reason"] == "任命为部门负责人"
    shown = staff_roles(uow, uow.cases.people())["P1"]
    assert shown.grant is not None
    assert shown.listed is Role.PROSECUTOR


def test_withdrawing_the_grant_returns_to_the_staff_list(uow: FakeUnitOfWork) -> None:
    change_roles(uow, "P1", Role.DEPARTMENT_HEAD, None, "任命", "O1", NOW)
    back = change_roles(uow, "P1", None, Role.DEPARTMENT_HEAD, "免去", "OC", NOW)
    assert (back.after, back.granted) == (Role.PROSECUTOR, False)
    assert uow.state.role_grants == {}
    assert uow.state.audit[-1][3]["before"] == "department_head"


def test_the_staff_lists_role_is_replaced_not_left_empty(uow: FakeUnitOfWork) -> None:
    with pytest.raises(RoleRefused) as refused:
        change_roles(uow, "P1", None, Role.PROSECUTOR, "调离", "O1", NOW)
    assert "须同时授予另一角色" in refused.value.zh
    with pytest.raises(RoleRefused, match="not department head"):
        change_roles(uow, "P1", Role.CLERK, Role.DEPARTMENT_HEAD, "x", "O1", NOW)
    with pytest.raises(RoleRefused, match="already holds"):
        change_roles(uow, "P1", Role.PROSECUTOR, None, "x", "O1", NOW)
    with pytest.raises(RoleRefused, match="reason"):
        change_roles(uow, "P1", Role.CLERK, None, "  ", "O1", NOW)
    assert uow.state.audit == []
    assert uow.commits == 0


@pytest.mark.parametrize(
    ("by", "whose"),
    [
        ("O2", "P1"),  # a case officer of a sibling unit
        ("H1", "P1"),  # a department head is no keeper of roles
        ("O1", "O1"),  # one's own roles
        ("P1", "H1"),  # a prosecutor
        ("O1", "OC"),  # the upper unit's officer is not in a basic unit's scope
    ],
)
def test_who_may_not_change_roles(uow: FakeUnitOfWork, by: str, whose: str) -> None:
    with pytest.raises(RoleRefused):
        change_roles(uow, whose, Role.CLERK, None, "理由", by, NOW)
    assert uow.state.role_grants == {}
    assert uow.state.sessions  # nothing ended


def test_the_upper_units_case_officer_and_the_operator_may(uow: FakeUnitOfWork) -> None:
    change_roles(uow, "H1", Role.DEPUTY_CHIEF, None, "任命", "OC", NOW)
    change_roles(uow, "O2", Role.INSPECTOR, None, "调整", "cli", NOW)
    assert {p: g[0] for p, g in uow.state.role_grants.items()} == {
        "H1": Role.DEPUTY_CHIEF, "O2": Role.INSPECTOR}  # fmt: skip


def test_a_grant_stands_over_a_staff_list_imported_again(uow: FakeUnitOfWork) -> None:
    change_roles(uow, "P1", Role.DEPARTMENT_HEAD, None, "任命", "O1", NOW)
    with uow:  # the next staff list says another role: the platform's grant still stands
        uow.cases.upsert_people([_person("P1", "440304", Role.ASSISTANT)])
        uow.commit()
    assert uow.cases.person("P1").role is Role.DEPARTMENT_HEAD  # type: ignore[union-attr]
    shown = staff_roles(uow, uow.cases.people())["P1"]
    assert (shown.role, shown.listed) == (Role.DEPARTMENT_HEAD, Role.ASSISTANT)
