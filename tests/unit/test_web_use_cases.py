"""The use cases added for the web's lists and steps, on the in-memory unit of work: the case
search (count, numbered pages, text, order) and the scoped steps of rectifications and
referrals (who may take which)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianguan.domain.model import Person, Role
from jianguan.domain.rectification import RectificationKind, RectificationSource, TaskStatus
from jianguan.domain.referral import ReferralSource
from jianguan.services import access, access_responsibility
from jianguan.services import responsibility as svc
from jianguan.services.access import NotAllowed, NotInScope, Principal
from jianguan.services.ports.access import CaseSearch
from tests.factories import numbered_case
from tests.support import rules
from tests.unit.test_usecases_on_fakes import loaded

DAY = dt.date(2025, 10, 1)


def who(pid: str, role: Role, units: frozenset[str] = frozenset({"440304"})) -> Principal:
    person = Person(pid, "某", "440304", "第一检察部", role, role is Role.PROSECUTOR, False)
    return Principal(pid, person, units, False)


def test_search_counts_pages_and_orders(tmp_path: Path) -> None:
    uow = loaded(tmp_path, [numbered_case(n) for n in range(1, 8)])
    officer = who("P0090", Role.CASE_OFFICER)
    total, rows = access.search_cases(uow, officer, CaseSearch(per_page=3, page=3))
    assert total == 7
    assert [r.case_id[-1] for r in rows] == ["7"]
    total, rows = access.search_cases(uow, officer, CaseSearch(text="000004"))
    assert (total, [r.case_id for r in rows]) == (1, ["440304-2025-XSSC-000004"])
    case = uow.state.cases["440304-2025-XSSC-000001"]
    total, _ = access.search_cases(uow, officer, CaseSearch(text=case.suspects[0].name))
    assert total == 7  # the factory's cases share their suspect
    _, newest = access.search_cases(uow, officer, CaseSearch(sort="received_desc"))
    days = [r.received_on for r in newest]
    assert days == sorted(days, reverse=True)
    outside = who("P0090", Role.CASE_OFFICER, frozenset({"440305"}))
    assert access.search_cases(uow, outside, CaseSearch())[1] == []


def test_rectification_steps_by_who_may_take_them(tmp_path: Path) -> None:
    uow = loaded(tmp_path, [numbered_case(1)])
    r = svc.open_rectification(uow, RectificationKind.ORDINARY, "整改", RectificationSource.MANUAL,
                               "r1", "440304", ["文书不规范"], DAY, DAY + dt.timedelta(days=30),
                               "test")  # fmt: skip
    officer, handler = who("P0090", Role.CASE_OFFICER), who("P0012", Role.PROSECUTOR)
    step = access_responsibility.change_rectification
    with pytest.raises(NotAllowed):  # a prosecutor does not add tasks
        step(uow, handler, r.id, "task", DAY, problem=1, responsible="P0012", measure="补正")
    step(uow, officer, r.id, "task", DAY, problem=1, responsible="P0012", measure="补正",
         due_on=DAY + dt.timedelta(days=5))  # fmt: skip
    step(uow, handler, r.id, "done", DAY, task=1, text="已补正")  # the responsible person
    with pytest.raises(svc.ResponsibilityError):  # nobody verifies their own task
        step(uow, who("P0012", Role.DEPARTMENT_HEAD), r.id, "verify", DAY, task=1)
    done = step(uow, officer, r.id, "verify", DAY, task=1)
    assert done.tasks[0].status is TaskStatus.VERIFIED
    with pytest.raises(NotInScope):
        step(uow, who("P0090", Role.CASE_OFFICER, frozenset({"440305"})), r.id, "close", DAY)
    assert step(uow, officer, r.id, "close", DAY).closed_on == DAY


def test_a_referral_is_advanced_by_its_handlers_never_by_the_person_concerned(
    tmp_path: Path,
) -> None:
    uow = loaded(tmp_path, [numbered_case(1)])
    policy = rules().responsibility.referral
    r = svc.open_referral(uow, policy, ReferralSource.MANUAL, "lead", "P0012", "440304", None,
                          "线索", "test", DAY)  # fmt: skip
    advance = access_responsibility.advance_referral
    for p in (who("P0012", Role.DEPARTMENT_HEAD), who("P0090", Role.CASE_OFFICER)):
        with pytest.raises(NotAllowed):
            advance(uow, policy, p, r.id, DAY, "受理")
    moved = advance(uow, policy, who("P0091", Role.INSPECTOR), r.id, DAY, "受理")
    assert moved.stage == policy.stages[1].id
    assert len(moved.steps) == 2
