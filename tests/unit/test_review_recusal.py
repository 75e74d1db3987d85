"""Reviewer assignment never breaches recusal (回避), over random organisation trees (hypothesis).

The rules, stated independently of the code under test (issue 5; law-and-practice.md §3.2):
a reviewer is never the handler, the decision maker, a verifier (核查) or an approver of the case;
in cross review (交叉) nobody from the handler's department; in escalated (提级) and remote (异地)
review nobody from the handler's unit — escalated reviewers sit in the upper unit, remote ones
in another unit at the same level; never anyone recorded as recused from the case (回避 in
case work). A case is left without a reviewer only when nobody at all qualifies.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    Event,
    EventType,
    Person,
    Role,
    Unit,
    UnitLevel,
)
from jianguan.domain.review import Org, ReviewMode, assign_reviewers

ROLES = frozenset({Role.PROSECUTOR, Role.DEPARTMENT_HEAD, Role.CASE_OFFICER})
DEPTS = ("第一检察部", "第二检察部", "案件管理部")
D = dt.date(2025, 5, 1)


@st.composite
def orgs(draw: st.DrawFn) -> tuple[list[Unit], list[Person]]:
    """A random tree (sometimes under a supreme unit) with a few staff in random places."""
    units = [Unit("P0", "省院", UnitLevel.PROVINCIAL, None)]
    if draw(st.booleans()):
        units = [
            Unit("S0", "最高检", UnitLevel.SUPREME, None),
            Unit("P0", "省院", UnitLevel.PROVINCIAL, "S0"),
        ]
        if draw(st.booleans()):
            units.append(Unit("P1", "另一省院", UnitLevel.PROVINCIAL, "S0"))
    for m in range(draw(st.integers(0, 3))):
        parent = draw(st.sampled_from([u.code for u in units if u.level is UnitLevel.PROVINCIAL]))
        units.append(Unit(f"M{m}", f"市院{m}", UnitLevel.MUNICIPAL, parent))
        for b in range(draw(st.integers(0, 3))):
            units.append(Unit(f"M{m}B{b}", f"区院{m}-{b}", UnitLevel.BASIC, f"M{m}"))
    people = []
    for n in range(draw(st.integers(1, 30))):
        people.append(
            Person(
                f"X{n:03d}",
                f"人{n}",
                draw(st.sampled_from([u.code for u in units])),
                draw(st.sampled_from(DEPTS)),
                draw(st.sampled_from(list(Role))),
                draw(st.booleans()),
                draw(st.booleans()),
            )
        )
    return units, people


@st.composite
def cases_in(draw: st.DrawFn, units: list[Unit], people: list[Person]) -> list[Case]:
    ids = [p.id for p in people] + ["GONE"]  # a handler may have left the staff list
    out = []
    for n in range(draw(st.integers(1, 12))):
        handler = draw(st.sampled_from(ids))
        events = tuple(
            Event(
                draw(st.sampled_from([EventType.VERIFICATION, EventType.APPROVAL])),
                D,
                who,
                None,
                None,
            )
            for who in draw(st.lists(st.sampled_from(ids), max_size=3))
        )
        decision = Decision(
            DecisionType.PROSECUTE,
            D,
            draw(st.sampled_from(ids)),
            draw(st.none() | st.sampled_from(ids)),
        )
        out.append(
            Case(
                f"C{n:03d}",
                f"U{n:03d}",
                draw(st.sampled_from([u.code for u in units])),
                draw(st.sampled_from(DEPTS)),
                CaseCategory.PROSECUTION_REVIEW,
                CaseSource.TRANSFERRED,
                D,
                handler,
                D,
                AssignmentMode.RANDOM,
                False,
                events=events,
                decision=decision,
                closed_on=D,
            )
        )
    return out


def allowed(
    case: Case,
    p: Person,
    mode: ReviewMode,
    units: dict[str, Unit],
    staff: dict[str, Person],
    declared: frozenset[str] = frozenset(),
) -> bool:
    """The recusal rules, written out again without the code under test."""
    took_part = {case.handler, case.decision.by if case.decision else None}
    if case.decision is not None:
        took_part.add(case.decision.approved_by)
    took_part |= {
        e.by for e in case.events if e.type in (EventType.VERIFICATION, EventType.APPROVAL)
    }
    if p.id in took_part or p.id in declared or p.role not in ROLES:
        return False
    h = staff.get(case.handler)
    handler_units = {case.unit} | ({h.unit} if h else set())
    handler_depts = {case.department} | ({h.department} if h else set())
    if mode is ReviewMode.CROSS:
        return p.unit in handler_units and p.department not in handler_depts
    if p.unit in handler_units:
        return False
    here = units[case.unit]
    if mode is ReviewMode.ESCALATED:
        return p.unit == here.parent
    return units[p.unit].level is here.level


@settings(max_examples=300, deadline=None)
@given(data=st.data(), mode=st.sampled_from(list(ReviewMode)))
def test_no_recusal_breach_and_nobody_left_out_needlessly(
    data: st.DataObject, mode: ReviewMode
) -> None:
    units, people = data.draw(orgs())
    cases = data.draw(cases_in(units, people))
    by_code, staff = {u.code: u for u in units}, {p.id: p for p in people}
    ids = sorted(staff)
    # people recorded as recused (回避) in case work, per case
    declared = {
        c.case_id: frozenset(data.draw(st.lists(st.sampled_from(ids), max_size=3))) for c in cases
    }
    choices = assign_reviewers(cases, mode, Org.of(units, people), ROLES, None, declared)
    by_id = {c.case_id: c for c in cases}

    def ok(case_id: str, p: Person) -> bool:
        return allowed(by_id[case_id], p, mode, by_code, staff, declared[case_id])

    breaches = [
        ch for ch in choices if ch.reviewer is not None and not ok(ch.case_id, staff[ch.reviewer])
    ]
    assert breaches == []
    for ch in choices:
        if ch.reviewer is None:  # only when really nobody qualifies
            assert not any(ok(ch.case_id, p) for p in people)
    assert len(choices) == len(cases)


def test_load_is_balanced_within_a_pool() -> None:
    units = [
        Unit("P0", "省院", UnitLevel.PROVINCIAL, None),
        Unit("M0", "市院", UnitLevel.MUNICIPAL, "P0"),
    ]
    reviewers = [
        Person(f"R{i}", "评查人", "P0", "案件管理部", Role.CASE_OFFICER, False, False)
        for i in range(4)
    ]
    handler = Person("H", "承办人", "M0", "第一检察部", Role.PROSECUTOR, True, False)
    cases = [
        Case(
            f"C{n:02d}",
            f"U{n}",
            "M0",
            "第一检察部",
            CaseCategory.PROSECUTION_REVIEW,
            CaseSource.TRANSFERRED,
            D,
            "H",
            D,
            AssignmentMode.RANDOM,
            False,
            closed_on=D,
        )
        for n in range(22)
    ]
    choices = assign_reviewers(
        cases, ReviewMode.ESCALATED, Org.of(units, [*reviewers, handler]), ROLES
    )
    load = Counter(ch.reviewer for ch in choices)
    assert sorted(load.values()) == [5, 5, 6, 6]
    # earlier assignments count: a reviewer who already has work gets less now
    again = assign_reviewers(
        cases[:3], ReviewMode.ESCALATED, Org.of(units, [*reviewers, handler]), ROLES, {"R0": 5}
    )
    assert "R0" not in {ch.reviewer for ch in again}
