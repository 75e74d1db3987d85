"""Supervision matters (重大监督事项案件化办理): the rules, the state machine and the use cases,
on the in-memory unit of work. Each law rule's test quotes what it rests on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import orjson
import pytest

from jianguan.adapters.formats.leads import read_leads
from jianguan.domain.gates import GateRefused
from jianguan.domain.ledger import LedgerStatus
from jianguan.domain.model import Person, Role, Unit, UnitLevel
from jianguan.domain.monitoring import FindingKind
from jianguan.domain.supervision import (
    Lead,
    LeadStatus,
    Line,
    MatterDecision,
    MeetingKind,
    ReplyOutcome,
    Stage,
    StepKind,
    check_matter,
    lead_key,
)
from jianguan.services import supervision as sv
from jianguan.services.monitoring import monitor_and_record
from tests.fakes import FakeUnitOfWork
from tests.support import rules

NOW = dt.datetime(2025, 9, 1, 9, tzinfo=dt.UTC)
UNIT = "440304"
PEOPLE = (
    Person("P0001", "王建国", UNIT, "院领导", Role.CHIEF, True, True),
    Person("P0021", "郑新", UNIT, "第二检察部", Role.DEPARTMENT_HEAD, True, True),
    Person("P0022", "孙立", UNIT, "第二检察部", Role.PROSECUTOR, True, False),
    Person("P0023", "钱程", UNIT, "第二检察部", Role.PROSECUTOR, True, False),
    Person("P0024", "冯远", UNIT, "第二检察部", Role.PROSECUTOR, True, True),
)


def lead(n: int = 1, **changes: object) -> Lead:
    base = Lead(
        f"L{n:04d}", "非羁押人员脱管监督模型", "取保候审期满未解除", UNIT, Line.CRIMINAL,
        "深圳市公安局福田分局", dt.date(2025, 8, 30), "取保候审期满未依法解除",
        {"犯罪嫌疑人": f"甲{n}", "期满日": "2025-08-01"}, (f"440304-2025-XSSC-{n:06d}",),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def fake() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.state.units[UNIT] = Unit(UNIT, "深圳市福田区人民检察院", UnitLevel.BASIC, None)
    uow.state.people.update({p.id: p for p in PEOPLE})
    return uow


def registered(uow: FakeUnitOfWork, n: int = 1, **kw: object) -> str:
    sv.import_leads(uow, [lead(n)], "P0021", NOW)
    sv.screen(uow, f"L{n:04d}", "P0021", NOW, "初查属实")
    return sv.register(uow, rules(), f"L{n:04d}", "P0021", NOW, seed="s", **kw).matter_id  # type: ignore[arg-type]


def test_the_same_model_rule_and_facts_are_one_lead_whatever_the_order() -> None:
    a = lead_key("m", "r", UNIT, "t", {"x": "1", "y": "2"})
    assert a == lead_key("m", "r", UNIT, "t", {"y": "2", "x": "1"})
    assert a != lead_key("m", "r", UNIT, "t", {"x": "1", "y": "3"})
    uow = fake()
    report = sv.import_leads(uow, [lead(1), lead(2, facts=lead(1).facts)], "P0021", NOW)
    assert (report.new, dict(report.duplicates)) == (1, {"L0002": "L0001"})
    assert uow.state.supervision.leads["L0002"].status is LeadStatus.DUPLICATE
    again = sv.import_leads(uow, [lead(1), lead(3, facts=lead(1).facts)], "P0021", NOW)
    assert (again.new, again.already, dict(again.duplicates)) == (0, ("L0001",), {"L0003": "L0001"})


def test_a_lead_is_screened_before_it_is_registered_and_a_handler_is_drawn() -> None:
    uow = fake()
    sv.import_leads(uow, [lead(1)], "P0021", NOW)
    with pytest.raises(GateRefused) as refused:
        sv.register(uow, rules(), "L0001", "P0021", NOW)
    assert refused.value.missing[0].code == "status"
    sv.screen(uow, "L0001", "P0021", NOW, "初查属实")
    m = sv.register(uow, rules(), "L0001", "P0021", NOW, seed="abc")
    # the assignment rules of cases: a quota prosecutor or head of 第二检察部 (the criminal line)
    assert m.department == "第二检察部"
    assert m.handler in {"P0021", "P0022", "P0023", "P0024"}
    assert m.stage is Stage.REGISTERED
    assert m.matter_id == f"{UNIT}-2025-JDSX-000001"
    assert uow.state.supervision.leads["L0001"].status is LeadStatus.REGISTERED
    assert uow.state.assignments[-1].case_id == m.matter_id  # the draw is on record, re-drawable
    again = sv.recuse(uow, rules(), m.matter_id, m.handler, "近亲属", "P0021", NOW, seed="x")
    assert again.handler != m.handler


def test_a_decision_needs_its_steps_and_no_supervision_its_reason() -> None:
    uow = fake()
    mid = registered(uow)
    h = uow.state.supervision.matters[mid].handler
    day = dt.date(2025, 9, 5)
    with pytest.raises(GateRefused) as refused:
        sv.decide(uow, rules(), mid, MatterDecision.RECOMMENDATION, h, day)
    assert [m.code for m in refused.value.missing] == ["steps"]
    assert uow.state.supervision.matters[mid].decision is None  # a refusal changes nothing
    with pytest.raises(GateRefused):
        sv.decide(uow, rules(), mid, MatterDecision.NO_SUPERVISION, h, day)
    sv.record_step(uow, mid, StepKind.REVIEW, h, dt.date(2025, 9, 2), "调取案卡，期满未解除属实")
    sv.record_step(uow, mid, StepKind.INQUIRY, h, dt.date(2025, 9, 3), "询问办案民警")
    m = sv.decide(
        uow, rules(), mid, MatterDecision.RECOMMENDATION, h, day, document_no="深福检建〔2025〕1号"
    )
    # 解释 第21条: "行政机关应当在收到检察建议书之日起两个月内依法履行职责，并书面回复人民检察院"
    assert (m.stage, m.reply_due) == (Stage.DECIDED, dt.date(2025, 11, 5))


def test_a_protest_needs_the_committee_on_record_first() -> None:
    uow = fake()
    mid = registered(uow)
    h = uow.state.supervision.matters[mid].handler
    sv.record_step(uow, mid, StepKind.REVIEW, h, dt.date(2025, 9, 2), "审查判决")
    with pytest.raises(GateRefused) as refused:
        sv.decide(uow, rules(), mid, MatterDecision.PROTEST, h, dt.date(2025, 9, 10))
    assert [m.code for m in refused.value.missing] == ["meeting"]
    with pytest.raises(GateRefused) as incomplete:  # one member, no opinion: not a record
        sv.record_meeting(uow, mid, MeetingKind.COMMITTEE, h, "是否抗诉", dt.date(2025, 9, 8),
                          ["P0001"], {}, "同意抗诉", "P0021", NOW, "protest")  # fmt: skip
    assert {m.code for m in incomplete.value.missing} == {"members", "opinions"}
    sv.record_meeting(uow, mid, MeetingKind.COMMITTEE, h, "是否抗诉", dt.date(2025, 9, 8),
                      ["P0001", "P0021"], {"P0001": "同意", "P0021": "同意"}, "同意抗诉",
                      "P0021", NOW, "protest")  # fmt: skip
    m = sv.decide(uow, rules(), mid, MatterDecision.PROTEST, h, dt.date(2025, 9, 10))
    assert m.decision is MatterDecision.PROTEST
    assert [e.type.value for e in m.events].count("meeting") == 1  # on the timeline
    assert any(a[1] == "meeting.record" and a[2] == mid for a in uow.state.audit)


CIVIL_STAFF = (
    Person("P0031", "韩明", UNIT, "第三检察部", Role.DEPARTMENT_HEAD, True, True),
    Person("P0032", "许静", UNIT, "第三检察部", Role.PROSECUTOR, True, False),
)


def _civil(uow: FakeUnitOfWork) -> tuple[str, str]:
    """A registered civil matter (虚假诉讼监督模型, 第三检察部) with a review step on record."""
    uow.state.people.update({p.id: p for p in CIVIL_STAFF})
    civil = lead(7, model="虚假诉讼监督模型", rule="同一原告短期内多次以相同事由起诉",
                 line=Line.CIVIL, target="深圳市福田区人民法院")  # fmt: skip
    sv.import_leads(uow, [civil], "P0031", NOW)
    sv.screen(uow, civil.lead_id, "P0031", NOW, "初查属实")
    mid = sv.register(uow, rules(), civil.lead_id, "P0031", NOW, seed="s").matter_id
    h = uow.state.supervision.matters[mid].handler
    sv.record_step(uow, mid, StepKind.REVIEW, h, dt.date(2025, 9, 2), "审查原审卷宗，虚假诉讼属实")
    return mid, h


def test_a_retrial_recommendation_needs_the_committee_and_a_joint_meeting_is_not_it() -> None:
    # 人民检察院民事诉讼监督规则（2021）第87条: "人民检察院提出再审检察建议，应当经本院检察委员会
    # 决定，并将《再审检察建议书》报上一级人民检察院备案" (行政诉讼监督规则（2021）第92条 likewise).
    uow = fake()
    mid, h = _civil(uow)
    day = dt.date(2025, 9, 10)
    with pytest.raises(GateRefused) as refused:
        sv.decide(uow, rules(), mid, MatterDecision.RETRIAL_RECOMMENDATION, h, day)
    [gap] = refused.value.missing
    assert gap.code == "meeting"
    assert "检察委员会" in gap.zh
    assert "民事诉讼监督规则（2021）第87条" in gap.zh
    members = ["P0031", "P0032"]
    opinions = dict.fromkeys(members, "同意提出再审检察建议")
    sv.record_meeting(uow, mid, MeetingKind.JOINT, h, "是否提出再审检察建议", dt.date(2025, 9, 5),
                      members, opinions, "同意提出再审检察建议", "P0031", NOW,
                      "retrial_recommendation")  # fmt: skip
    with pytest.raises(GateRefused) as joint_only:
        sv.decide(uow, rules(), mid, MatterDecision.RETRIAL_RECOMMENDATION, h, day)
    [gap] = joint_only.value.missing
    assert gap.code == "meeting"
    assert "已有的检察官联席会议记录不能代替检察委员会" in gap.zh
    assert uow.state.supervision.matters[mid].decision is None
    committee = ["P0001", "P0031"]
    sv.record_meeting(uow, mid, MeetingKind.COMMITTEE, "P0001", "是否提出再审检察建议",
                      dt.date(2025, 9, 9), committee, dict.fromkeys(committee, "同意"),
                      "决定提出再审检察建议", "P0031", NOW, "retrial_recommendation")  # fmt: skip
    m = sv.decide(uow, rules(), mid, MatterDecision.RETRIAL_RECOMMENDATION, h, day)
    assert m.decision is MatterDecision.RETRIAL_RECOMMENDATION
    kinds = {f.kind for f in sv.findings_of(uow, rules(), mid, dt.date(2025, 9, 11))}
    assert FindingKind.MEETING_RECORD_MISSING not in kinds


def test_a_retrial_recommendation_on_record_with_a_joint_meeting_only_is_found() -> None:
    # 民事诉讼监督规则（2021）第87条: "人民检察院提出再审检察建议，应当经本院检察委员会决定" — a
    # matter decided (or imported) with only a joint meeting on record is a finding, and its
    # basis cites the article.
    uow = fake()
    mid, h = _civil(uow)
    members = ["P0031", "P0032"]
    joint = sv.record_meeting(uow, mid, MeetingKind.JOINT, h, "是否提出再审检察建议",
                              dt.date(2025, 9, 5), members, dict.fromkeys(members, "同意"),
                              "同意提出再审检察建议", "P0031", NOW)  # fmt: skip
    m = uow.state.supervision.matters[mid]
    decided = dataclasses.replace(m, decision=MatterDecision.RETRIAL_RECOMMENDATION,
                                  decided_on=dt.date(2025, 9, 10))  # fmt: skip
    book = rules()
    found = [f for f in check_matter(decided, [joint], book.supervision, book.calendar,
                                     dt.date(2025, 9, 11))
             if f.kind is FindingKind.MEETING_RECORD_MISSING]  # fmt: skip
    assert len(found) == 1
    assert any("民事诉讼监督规则（2021）第87条" in b for b in found[0].basis)
    committee = dataclasses.replace(joint, meeting_id="MT-2", kind=MeetingKind.COMMITTEE)
    assert not [f for f in check_matter(decided, [joint, committee], book.supervision,
                                        book.calendar, dt.date(2025, 9, 11))
                if f.kind is FindingKind.MEETING_RECORD_MISSING]  # fmt: skip


def test_a_protest_stays_reserved_to_the_committee_as_provincial_configuration() -> None:
    # 民事诉讼监督规则（2021）第92条: "人民检察院提出抗诉，应当制作《抗诉书》，在决定抗诉之日起十五日
    # 内……移送同级人民法院" and 第88条 (提请抗诉) name no committee: the reservation of a protest to
    # the committee is the province's (本省职权清单), not the 规则's.
    res = rules().supervision.reserved("matter", MatterDecision.PROTEST.value, False)
    assert res is not None
    assert res.kind is MeetingKind.COMMITTEE
    assert any("本省配置" in b for b in res.basis)
    assert not any("第87条" in b for b in res.basis)


def test_the_reply_indicators_cite_article_19_of_the_recommendation_rules() -> None:
    # 人民检察院检察建议工作规定（2019）第19条: "人民检察院提出检察建议，除另有规定外，应当要求被建议
    # 单位自收到检察建议书之日起两个月以内作出相应处理，并书面回复人民检察院".
    from jianguan.bootstrap import matter_catalogue

    cat = {i.id: i for i in matter_catalogue()}
    for iid in ("recommendation_adoption", "reply_on_time"):
        basis = cat[iid].basis
        assert "人民检察院检察建议工作规定（2019）第19条" in "".join(basis), iid
        assert not any("未经核实" in b and "检察建议工作规定" in b for b in basis), iid


def _decided(uow: FakeUnitOfWork) -> tuple[str, str]:
    mid = registered(uow)
    h = uow.state.supervision.matters[mid].handler
    sv.record_step(uow, mid, StepKind.INVESTIGATION, h, dt.date(2025, 9, 2), "调查核实")
    sv.decide(uow, rules(), mid, MatterDecision.RECOMMENDATION, h, dt.date(2025, 9, 5))
    return mid, h


def test_an_overdue_reply_is_a_ledger_finding_with_the_follow_up_owed() -> None:
    uow = fake()
    mid, h = _decided(uow)
    before = {f.kind for f in sv.findings_of(uow, rules(), mid, dt.date(2025, 10, 31))}
    assert FindingKind.SUPERVISION_REPLY_DUE_SOON in before  # 5 working days before 11-05
    assert FindingKind.SUPERVISION_REPLY_OVERDUE not in before
    findings, _ = monitor_and_record(uow, rules(), dt.date(2025, 11, 10))
    kinds = {f.kind for f in findings if f.case_id == mid}
    assert kinds == {
        FindingKind.SUPERVISION_REPLY_OVERDUE,
        FindingKind.SUPERVISION_FOLLOW_UP_MISSING,
    }
    entry = uow.state.ledger[(mid, "supervision_reply_overdue")]
    assert (entry.status, entry.due, entry.unit) == (LedgerStatus.OPEN, dt.date(2025, 11, 5), UNIT)
    sv.open_follow_up(uow, mid, h, dt.date(2025, 11, 11), "逾期未回复，上门督促")
    findings, _ = monitor_and_record(uow, rules(), dt.date(2025, 11, 12))
    assert {f.kind for f in findings if f.case_id == mid} == {FindingKind.SUPERVISION_REPLY_OVERDUE}
    assert uow.state.ledger[(mid, "supervision_follow_up_missing")].status is LedgerStatus.CLOSED


def test_a_matter_closes_only_behind_the_gate() -> None:
    uow = fake()
    mid, h = _decided(uow)
    with pytest.raises(GateRefused) as refused:
        sv.close(uow, rules(), mid, h, NOW)
    assert {m.code for m in refused.value.missing} == {"reply", "self_check", "verification"}
    sv.record_reply(uow, mid, dt.date(2025, 10, 20), ReplyOutcome.REJECTED, "不予整改", "P0021")
    sv.self_check(uow, rules(), mid, h, NOW)
    assert {m.code for m in sv.gate_status(uow, rules(), mid)} == {"follow_up", "verification"}
    sv.open_follow_up(uow, mid, h, dt.date(2025, 10, 21), "回复不采纳，提请上级院跟进")
    assert "follow_up_open" in {m.code for m in sv.gate_status(uow, rules(), mid)}
    sv.close_follow_up(uow, mid, h, dt.date(2025, 11, 1), "已整改")
    with pytest.raises(GateRefused):
        sv.verify(uow, rules(), mid, h, NOW)  # never the handler
    sv.verify(uow, rules(), mid, "P0024" if h != "P0024" else "P0021", NOW)
    m = sv.close(uow, rules(), mid, h, NOW)
    assert m.stage is Stage.CLOSED
    assert m.closed_on == dt.date(2025, 9, 5)


def test_closing_with_an_open_follow_up_and_a_decision_without_steps_are_found() -> None:
    uow = fake()
    mid, h = _decided(uow)
    m = uow.state.supervision.matters[mid]
    no_steps = dataclasses.replace(m, events=tuple(e for e in m.events if e.type.value != "step"))
    kinds = {f.kind for f in check_matter(no_steps, [], rules().supervision, rules().calendar,
                                          dt.date(2025, 9, 6))}  # fmt: skip
    assert FindingKind.SUPERVISION_DECISION_WITHOUT_STEPS in kinds
    sv.open_follow_up(uow, mid, h, dt.date(2025, 9, 6), "督促")
    closed = dataclasses.replace(uow.state.supervision.matters[mid], closed_on=dt.date(2025, 9, 7))
    kinds = {f.kind for f in check_matter(closed, [], rules().supervision, rules().calendar,
                                          dt.date(2025, 9, 8))}  # fmt: skip
    assert FindingKind.SUPERVISION_CLOSED_OPEN_FOLLOW_UP in kinds


def test_lead_files_report_every_error_with_its_place(tmp_path: Path) -> None:
    good = {"lead_id": "L1", "model": "m", "rule": "r", "unit": UNIT, "line": "civil",
            "target": "某法院", "received_on": "2025-09-01", "facts": {"a": "1"}}  # fmt: skip
    lines = [
        orjson.dumps(good),
        b"{not json",
        orjson.dumps({**good, "lead_id": "L2", "line": "x", "received_on": "2025-13-01"}),
        orjson.dumps({**good, "lead_id": "L1"}),
        orjson.dumps({k: v for k, v in good.items() if k != "facts"} | {"lead_id": "L3"}),
    ]
    path = tmp_path / "leads.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    found, errors = read_leads(path, {UNIT})
    assert [x.lead_id for x in found] == ["L1"]
    assert [(e.line, e.field) for e in errors] == [
        (2, "-"), (3, "line"), (3, "received_on"), (4, "lead_id"), (5, "facts"),
    ]  # fmt: skip
    assert str(errors[1]).startswith("leads.jsonl:3: line: 条线应为")


def test_an_xlsx_sheet_with_chinese_headers_reads_as_the_jsonl(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "leads"
    ws.append(
        [
            "线索编号",
            "监督模型",
            "模型规则",
            "承办院",
            "条线",
            "被监督单位",
            "推送日期",
            "线索事实",
            "依据记录",
        ]
    )
    ws.append(
        ["L9", "m", "r", UNIT, "public_interest", "某局", "2025-09-01", "地块=A1; 面积=3亩", "a; b"]
    )
    ws.append(["L10", "m", "r", "999999", "civil", "某院", "2025-09-01", "x=1", None])
    wb.save(tmp_path / "leads.xlsx")
    found, errors = read_leads(tmp_path / "leads.xlsx", {UNIT})
    assert [(x.lead_id, dict(x.facts), x.records) for x in found] == [
        ("L9", {"地块": "A1", "面积": "3亩"}, ("a", "b"))
    ]
    assert [(e.file, e.line, e.field) for e in errors] == [("leads.xlsx", 3, "unit")]


def test_the_reply_period_runs_from_the_day_the_body_received_the_document() -> None:
    # 检察建议工作规定（2019）第19条: "应当要求被建议单位自收到检察建议书之日起两个月以内作出相应处理，
    # 并书面回复人民检察院"; 解释 第21条 likewise counts "自收到检察建议书之日起两个月内".
    uow = fake()
    mid, h = _decided(uow)  # decided 2025-09-05: until served, due two months from issue
    assert uow.state.supervision.matters[mid].reply_due == dt.date(2025, 11, 5)
    with pytest.raises(GateRefused) as early:
        sv.record_service(uow, rules(), mid, dt.date(2025, 9, 4), h)
    assert early.value.missing[0].code == "date"
    m = sv.record_service(uow, rules(), mid, dt.date(2025, 9, 12), h, "直接送达")
    assert m.reply_due == dt.date(2025, 11, 12)
    assert [e.type.value for e in m.events][-1] == "served"
    assert any(a[1] == "sv.served" and a[2] == mid for a in uow.state.audit)
    with pytest.raises(GateRefused) as twice:
        sv.record_service(uow, rules(), mid, dt.date(2025, 9, 13), h)
    assert twice.value.missing[0].code == "served"
    overdue = {f.kind for f in sv.findings_of(uow, rules(), mid, dt.date(2025, 11, 10))}
    assert FindingKind.SUPERVISION_REPLY_OVERDUE not in overdue  # 11-05 no longer the day
    assert FindingKind.SUPERVISION_REPLY_OVERDUE in {
        f.kind for f in sv.findings_of(uow, rules(), mid, dt.date(2025, 11, 13))
    }


def test_a_decision_that_awaits_no_reply_has_nothing_to_serve() -> None:
    uow = fake()
    mid = registered(uow)
    h = uow.state.supervision.matters[mid].handler
    sv.decide(uow, rules(), mid, MatterDecision.NO_SUPERVISION, h, dt.date(2025, 9, 5),
              reason="线索不实")  # fmt: skip
    with pytest.raises(GateRefused) as refused:
        sv.record_service(uow, rules(), mid, dt.date(2025, 9, 6), h)
    assert refused.value.missing[0].code == "decision"
