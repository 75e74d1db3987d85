"""The consultation, whole (线上会诊) and case decisions reserved to a meeting, on the in-memory
unit of work.

Shenzhen's practice (seed 003): "将案件分配给承办人的同时，提交由刑事、民事、行政、公益诉讼等多部门资深
检察官组成的初评小组“把脉问诊”，提出参考意见。在中间环节，承办检察官除了根据案件类型和办理进度逐一对照
填写相关审查表，还需对资深检察官初评意见作出是否采纳决定。在出口环节，系统自动检查“线上会诊”落实情况，
如出现漏评，则无法结案。" 人民检察院组织法 第29条 / 规则 第4条: major matters go to the chief, who may
refer them to the procuratorial committee (rules/supervision.toml ``[[meetings]] subject = "case"``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jianguan.domain.consultation import MemberStatus
from jianguan.domain.gates import GateRefused
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    EventType,
    Person,
    Role,
    Unit,
    UnitLevel,
)
from jianguan.domain.supervision import Line, MeetingKind
from jianguan.services import casework, consultation
from jianguan.services import supervision as sv
from jianguan.services.selfcheck import check_case
from tests.fakes import FakeUnitOfWork
from tests.support import rules

NOW = dt.datetime(2025, 9, 10, 9, tzinfo=dt.UTC)
UNIT = "440304"
CASE = "440304-2025-XSSC-000001"
SUIT = "440304-2025-MSJD-000001"
PEOPLE = (
    Person("P0001", "王建国", UNIT, "院领导", Role.CHIEF, True, True),
    Person("P0011", "陈敏", UNIT, "第一检察部", Role.DEPARTMENT_HEAD, True, True),
    Person("P0012", "李华", UNIT, "第一检察部", Role.PROSECUTOR, True, False),
    Person("P0014", "周正", UNIT, "第一检察部", Role.PROSECUTOR, True, True),
    Person("P0021", "郑新", UNIT, "第二检察部", Role.PROSECUTOR, True, True),
    Person("P0031", "吴洁", UNIT, "第三检察部", Role.PROSECUTOR, True, True),
    Person("P0032", "何平", UNIT, "第三检察部", Role.PROSECUTOR, True, True),
    Person("P0033", "黄静", UNIT, "第三检察部", Role.PROSECUTOR, True, False),
    Person("P0034", "罗文", UNIT, "第三检察部", Role.PROSECUTOR, True, True),
    Person("P0041", "林峰", UNIT, "第四检察部", Role.PROSECUTOR, True, True),
    Person("P0042", "马丽", UNIT, "第四检察部", Role.PROSECUTOR, True, True),
)
SENIOR = {p.id for p in PEOPLE if p.senior}


def review_case(case_id: str = CASE, **changes: object) -> Case:
    base = Case(
        case_id, case_id[:12] + case_id[-6:], UNIT, "第一检察部", CaseCategory.PROSECUTION_REVIEW,
        CaseSource.TRANSFERRED, dt.date(2025, 9, 5), "P0012", dt.date(2025, 9, 5),
        AssignmentMode.RANDOM, False, ("盗窃罪",),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def fake(*cases: Case) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.state.units[UNIT] = Unit(UNIT, "深圳市福田区人民检察院", UnitLevel.BASIC, None)
    uow.state.people.update({p.id: p for p in PEOPLE})
    for c in cases:
        uow.state.cases[c.case_id] = c
    return uow


def panel_of(uow: FakeUnitOfWork, case_id: str = CASE) -> consultation.Panel:
    file = consultation.file_of(uow, case_id)
    assert file is not None
    assert file.panel is not None
    return file.panel


OPINION = {"opinion": "事实清楚，建议重点审查证据链", "focus": "被害人陈述与监控的印证"}
FORM = {"facts": "李某盗窃手机一部", "evidence": "监控、证人证言", "charge": "盗窃罪",
        "sentencing": "有期徒刑八个月", "procedure": "已告知诉讼权利"}  # fmt: skip


# -- meetings before a reserved case decision --------------------------------------------------


def test_a_reserved_case_decision_waits_for_the_committee_on_record() -> None:
    # rules/supervision.toml: a protest in a major case goes to the committee first (组织法 第29条,
    # 规则 第4条: the chief may refer a major matter to the procuratorial committee).
    suit = review_case(SUIT, category=CaseCategory.CIVIL_SUPERVISION, department="第三检察部",
                       major_complex=True, handler="P0031", charges=())  # fmt: skip
    uow = fake(suit)
    with pytest.raises(GateRefused) as info:
        casework.record_decision(uow, rules(), SUIT, DecisionType.PROTEST, dt.date(2025, 9, 20),
                                 "P0001")  # fmt: skip
    (m,) = info.value.missing
    assert m.code == "meeting"
    assert "须先经检察委员会讨论" in m.zh
    assert "人民检察院组织法第29条" in m.zh
    assert "procuratorial committee" in m.en
    assert uow.state.cases[SUIT].decision is None
    # A meeting held after the decision day does not count; one before it does.
    sv.record_meeting(uow, SUIT, MeetingKind.COMMITTEE, "P0001", "是否提出抗诉",
                      dt.date(2025, 9, 25), ["P0001", "P0011"], {"P0001": "同意", "P0011": "同意"},
                      "同意提出抗诉", "P0001", NOW, "protest")  # fmt: skip
    with pytest.raises(GateRefused):
        casework.record_decision(uow, rules(), SUIT, DecisionType.PROTEST, dt.date(2025, 9, 20),
                                 "P0001")  # fmt: skip
    sv.record_meeting(uow, SUIT, MeetingKind.COMMITTEE, "P0001", "是否提出抗诉",
                      dt.date(2025, 9, 18), ["P0001", "P0011"], {"P0001": "同意", "P0011": "同意"},
                      "同意提出抗诉", "P0001", NOW, "protest")  # fmt: skip
    casework.record_decision(uow, rules(), SUIT, DecisionType.PROTEST, dt.date(2025, 9, 20),
                             "P0001")  # fmt: skip
    decision = uow.state.cases[SUIT].decision
    assert decision is not None
    assert decision.type is DecisionType.PROTEST
    # The meetings are the case's, for the case page's timeline.
    assert [x.held_on for x in sv.meetings_of(uow, SUIT)] == [
        dt.date(2025, 9, 18),
        dt.date(2025, 9, 25),
    ]


def test_a_decision_no_meeting_is_reserved_for_needs_none() -> None:
    # The same protest in a case that is not major: the reservation is major_only.
    suit = review_case(SUIT, category=CaseCategory.CIVIL_SUPERVISION, department="第三检察部",
                       handler="P0031", charges=())  # fmt: skip
    uow = fake(suit)
    casework.record_decision(uow, rules(), SUIT, DecisionType.PROTEST, dt.date(2025, 9, 20),
                             "P0001")  # fmt: skip
    assert uow.state.cases[SUIT].decision is not None


# -- the panel, formed at assignment --------------------------------------------------------------


def test_the_panel_is_drawn_at_assignment_one_senior_per_line() -> None:
    # rules/consultation.toml: a prosecution review whose handler is not senior goes to the panel
    # (传帮带); one senior prosecutor each of the criminal, civil, administrative and public
    # interest departments, never the handler, none twice.
    uow = fake(review_case(handler="", assigned_on=dt.date(2025, 9, 5)))
    record = casework.assign(uow, rules(), CASE, "P0011", NOW, "P0012", "熟悉此类案件")
    assert record.person == "P0012"
    panel = panel_of(uow)
    assert [m.line for m in panel.members] == [
        Line.CRIMINAL,
        Line.CIVIL,
        Line.ADMINISTRATIVE,
        Line.PUBLIC_INTEREST,
    ]
    people = {p.id: p for p in PEOPLE}
    assert all(m.person in SENIOR and m.person != "P0012" for m in panel.members)
    assert len({m.person for m in panel.members}) == 4
    assert people[panel.members[0].person].department in ("第一检察部", "第二检察部")
    assert {people[m.person].department for m in panel.members[1:3]} == {"第三检察部"}
    assert people[panel.members[3].person].department == "第四检察部"
    assert panel.criterion == "junior_handler"
    assert panel.unfilled == ()
    assert ("P0011", "consultation.panel", CASE) in [a[:3] for a in uow.state.audit]
    # The same seed draws the same panel (the draw can be repeated from its record).
    again = fake(review_case(handler=""))
    casework.assign(again, rules(), CASE, "P0011", NOW, "P0012", "熟悉此类案件", panel.seed)
    assert [m.person for m in panel_of(again).members] == [m.person for m in panel.members]


def test_a_case_the_rules_do_not_send_goes_to_no_panel() -> None:
    # A senior handler and a case that is not major: neither criterion applies.
    uow = fake(review_case())
    casework.assign(uow, rules(), CASE, "P0011", NOW, "P0014", "熟悉此类案件")
    assert consultation.file_of(uow, CASE) is None


def test_the_recused_are_never_drawn_and_a_recused_member_is_replaced() -> None:
    # 回避 (刑事诉讼法 第29条): a recused person is not drawn; a member recused later, before
    # giving an opinion, is replaced by another senior prosecutor of the same line.
    uow = fake(review_case())
    casework.recuse(uow, CASE, "P0041", "系被害人近亲属", "P0011", NOW, rules())
    casework.assign(uow, rules(), CASE, "P0011", NOW, "P0012", "熟悉此类案件")
    panel = panel_of(uow)
    public = next(m for m in panel.members if m.line is Line.PUBLIC_INTEREST)
    assert public.person == "P0042"
    civil = next(m for m in panel.members if m.line is Line.CIVIL)
    casework.recuse(uow, CASE, civil.person, "曾参与本案侦查监督", "P0011", NOW, rules())
    after = panel_of(uow)
    old = next(m for m in after.members if m.person == civil.person)
    assert old.status is MemberStatus.RECUSED
    assert old.note == "曾参与本案侦查监督"
    new = [m for m in after.active if m.line is Line.CIVIL]
    assert len(new) == 1
    assert new[0].person not in (civil.person, "P0033")
    assert new[0].person in SENIOR
    assert new[0].person not in {m.person for m in panel.members}


# -- opinions, the answer, the exit gate ---------------------------------------------------------


def test_a_case_does_not_close_until_every_opinion_is_given_and_answered() -> None:
    uow = fake(review_case())
    casework.assign(uow, rules(), CASE, "P0011", NOW, "P0012", "熟悉此类案件")
    members = [m.person for m in panel_of(uow).members]
    with pytest.raises(GateRefused) as info:
        consultation.give_opinion(uow, rules(), CASE, "P0012", NOW, OPINION)
    assert info.value.missing[0].code == "member"
    with pytest.raises(GateRefused) as info:
        consultation.give_opinion(uow, rules(), CASE, members[0], NOW, {"opinion": "同意"})
    assert [m.code for m in info.value.missing] == ["field:focus"]
    consultation.give_opinion(uow, rules(), CASE, members[0], NOW, OPINION)
    with pytest.raises(GateRefused):
        consultation.give_opinion(uow, rules(), CASE, members[0], NOW, OPINION)
    case = uow.state.cases[CASE]
    (event,) = case.events_of(EventType.CONSULTATION_OPINION)
    assert event.by == members[0]
    assert "初评意见：事实清楚" in (event.note or "")
    assert [q.case_id for q in consultation.queue(uow, members[1])] == [CASE]
    assert consultation.queue(uow, members[0]) == []
    gate = {m.code for m in casework.gate_status(uow, rules(), CASE, NOW)}
    assert "self_check" in gate
    casework.record_self_check(uow, rules(), CASE, "P0012", NOW)  # the gate lists its findings
    gate = {m.code for m in casework.gate_status(uow, rules(), CASE, NOW)}
    assert "finding:panel_opinion_missing" in gate  # 漏评: three members still owe theirs
    assert "consultation:2025-09-10" in gate  # the opinion given is not yet answered
    for pid in members[1:]:
        consultation.give_opinion(uow, rules(), CASE, pid, NOW, OPINION)
    for _ in members[:-1]:
        casework.answer_consultation(uow, CASE, "P0012", NOW, None)
    gate = {m.code for m in casework.gate_status(uow, rules(), CASE, NOW)}
    assert "finding:panel_opinion_missing" not in gate
    assert [c for c in gate if c.startswith("consultation:")] == ["consultation:2025-09-10"]
    casework.answer_consultation(uow, CASE, "P0012", NOW, "证据已补强，无需再查")
    gate = {m.code for m in casework.gate_status(uow, rules(), CASE, NOW)}
    assert not [c for c in gate if c.startswith("consultation")]


def test_the_review_form_is_owed_by_the_decision_and_checked_by_self_check() -> None:
    uow = fake(review_case())
    casework.assign(uow, rules(), CASE, "P0011", NOW, "P0012", "熟悉此类案件")
    with pytest.raises(GateRefused) as info:
        consultation.fill_review_form(uow, rules(), CASE, "P0014", NOW, FORM)
    assert info.value.missing[0].code == "handler"
    with pytest.raises(GateRefused) as info:
        consultation.fill_review_form(uow, rules(), CASE, "P0012", NOW, {"nonsense": "x"})
    assert info.value.missing[0].code == "fields"
    consultation.fill_review_form(uow, rules(), CASE, "P0012", NOW, {"facts": FORM["facts"]})
    decided = dataclasses.replace(uow.state.cases[CASE])
    uow.state.cases[CASE] = dataclasses.replace(
        decided, decision=Decision(DecisionType.TRANSFER, dt.date(2025, 9, 12), "P0012", None)
    )

    def form_finding() -> str | None:
        with uow:
            case = uow.cases.load_case(CASE)
            assert case is not None
            found = check_case(case, rules(), list(uow.state.units.values()),
                               uow.state.people, NOW.date(), uow.consultation.file(CASE))  # fmt: skip
        return next((f.explanation for f in found if f.rule == "review_form_incomplete"), None)

    why = form_finding()
    assert why is not None
    assert why.startswith("审查起诉案件审查表未填写完整")
    assert "量刑建议及依据" in why
    assert "认定的犯罪事实" not in why
    casework.record_self_check(uow, rules(), CASE, "P0012", NOW)
    gate = {m.code for m in casework.gate_status(uow, rules(), CASE, NOW)}
    assert "finding:review_form_incomplete" in gate
    consultation.fill_review_form(uow, rules(), CASE, "P0012", NOW, FORM)
    assert form_finding() is None
    file = consultation.file_of(uow, CASE)
    assert file is not None
    assert dict(file.forms[0].values) == FORM
