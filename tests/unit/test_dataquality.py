"""Data-quality checks: impossible date order, missing card fields (a closing date only after the
grace period), duplicates, split cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from jianguan.adapters.dataquality_file import (
    default_dataquality,
    load_dataquality,
    parse_dataquality,
)
from jianguan.adapters.rule_pack import RuleFileError
from jianguan.domain.dataquality import (
    DataQualityRules,
    IssueKind,
    check_all,
    date_order,
    missing_fields,
)
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    Event,
    EventType,
    Suspect,
    Unit,
    UnitLevel,
)
from jianguan.services.dataquality import check_store
from jianguan.services.monitoring import UnknownUnit
from tests.fakes import FakeUnitOfWork

D = dt.date(2025, 3, 3)
AS_OF = dt.date(2025, 6, 30)


def _suspect(sid: str, name: str, born: dt.date = dt.date(1990, 1, 1)) -> Suspect:
    return Suspect(sid, name, born, False, False, None, False, False, False, None)


def make_case(case_id: str = "C1", **over: object) -> Case:
    base = Case(
        case_id=case_id,
        unified_no="U-1",
        unit="440304",
        department="第一检察部",
        category=CaseCategory.PROSECUTION_REVIEW,
        source=CaseSource.TRANSFERRED,
        received_on=D,
        handler="P1",
        assigned_on=D,
        assignment=AssignmentMode.RANDOM,
        major_complex=False,
        charges=("盗窃罪",),
        suspects=(_suspect("S1", "李某"),),
        events=(Event(EventType.RECEIVED, D, None, None, None),),
        decision=Decision(DecisionType.PROSECUTE, D + dt.timedelta(days=10), "P1", None),
        closed_on=D + dt.timedelta(days=10),
    )
    return dataclasses.replace(base, **over)  # type: ignore[arg-type]


def test_clean_case_has_no_issue() -> None:
    assert check_all([make_case()]) == []


def test_impossible_date_orders_are_named() -> None:
    case = make_case(
        closed_on=D + dt.timedelta(days=5),
        events=(Event(EventType.QUESTIONED, D - dt.timedelta(days=2), "P1", "S1", None),),
        suspects=(_suspect("S1", "李某", D + dt.timedelta(days=1)),),
    )
    checks = sorted(i.check for i in date_order(case))
    assert checks == ["birth_after_receipt", "closed_before_decided", "event_before_receipt"]
    assert all(i.case_id == "C1" and i.explanation for i in date_order(case))


def test_missing_card_fields_for_criminal_cases() -> None:
    case = make_case(charges=(), suspects=(), decision=None)
    checks = sorted(i.check for i in missing_fields(case))
    assert checks == ["missing_charges", "missing_decision", "missing_suspects"]
    civil = make_case(
        category=CaseCategory.CIVIL_SUPERVISION,
        charges=(),
        suspects=(),
        decision=None,
        closed_on=None,
    )
    assert list(missing_fields(civil)) == []


def test_a_decided_case_waits_the_grace_period_for_its_closing_date() -> None:
    """Deciding and closing a few days later is normal: a decided, open case is missing its
    closing date only once the decision is more than the grace period (30 days) old."""
    decided = make_case(closed_on=None)  # decided on D + 10
    on = D + dt.timedelta(days=10)
    rules = DataQualityRules(closing_grace_days=30)

    def checks(as_of: dt.date) -> list[str]:
        return [i.check for i in missing_fields(decided, as_of, rules)]

    assert checks(on) == []  # decided today
    assert checks(on + dt.timedelta(days=30)) == []  # the last day of the grace period
    late = on + dt.timedelta(days=31)
    assert checks(late) == ["missing_closed_on"]
    issue = next(iter(missing_fields(decided, late, rules)))
    assert issue.kind is IssueKind.MISSING_FIELD
    assert f"于 {on} 作出决定" in issue.explanation
    assert "31 日" in issue.explanation
    assert "31 days later" in issue.explanation_en
    assert check_all([decided], on + dt.timedelta(days=30), rules) == []
    assert [i.check for i in check_all([decided], late, rules)] == ["missing_closed_on"]
    # another province's setting moves the boundary; no day to measure from reports it at once
    assert [i.check for i in missing_fields(decided, on + dt.timedelta(days=8),
                                            DataQualityRules(closing_grace_days=7))] == [
        "missing_closed_on"
    ]  # fmt: skip
    assert [i.check for i in missing_fields(decided)] == ["missing_closed_on"]


def test_the_grace_period_is_a_setting_of_the_rules(tmp_path: Path) -> None:
    assert default_dataquality().closing_grace_days == 30
    assert "非法定期限" in default_dataquality().note  # practice, not law
    assert load_dataquality(None) == default_dataquality()
    (tmp_path / "dataquality.toml").write_text("[closing]\ngrace_days = 15\n", "utf-8")
    assert load_dataquality(tmp_path).closing_grace_days == 15
    for bad in ("[closing]\ngrace_days = -1\n", "[closing]\ngrace_days = 'x'\n", "[closing]\n"):
        with pytest.raises(RuleFileError, match="grace_days"):
            parse_dataquality(bad)


def test_duplicate_under_one_unified_number() -> None:
    issues = check_all([make_case("C1"), make_case("C2")])
    assert {(i.case_id, i.kind) for i in issues} == {("C1", "duplicate"), ("C2", "duplicate")}
    assert issues[0].related == ("C2",)


def test_duplicate_under_another_unified_number_same_day_same_people() -> None:
    issues = check_all([make_case("C1"), make_case("C2", unified_no="U-9")])
    assert {(i.case_id, i.check) for i in issues} == {
        ("C1", "same_people_same_day"),
        ("C2", "same_people_same_day"),
    }


def test_split_matter_is_told_from_a_duplicate() -> None:
    a = make_case("C1")
    b = make_case(
        "C2", suspects=(_suspect("S1", "王某"),), received_on=D + dt.timedelta(days=2), events=()
    )
    issues = check_all([a, b])
    assert {(i.case_id, i.kind) for i in issues} == {("C1", "split"), ("C2", "split")}
    far = make_case(
        "C3", suspects=(_suspect("S1", "王某"),), received_on=D + dt.timedelta(days=90), events=()
    )
    assert check_all([a, far]) == []


def test_other_stage_of_the_same_matter_is_no_duplicate() -> None:
    arrest = make_case("A1", category=CaseCategory.ARREST_REVIEW,
                       decision=Decision(DecisionType.APPROVE_ARREST, D, "P1", None), closed_on=D)  # fmt: skip
    assert check_all([arrest, make_case("C1")]) == []


def test_check_store_reads_every_case_and_narrows_to_the_unit() -> None:
    uow = FakeUnitOfWork()
    uow.state.units.update({
        "440300": Unit("440300", "市院", UnitLevel.MUNICIPAL, None),
        "440304": Unit("440304", "区院", UnitLevel.BASIC, "440300"),
        "440305": Unit("440305", "另一区院", UnitLevel.BASIC, "440300"),
    })  # fmt: skip
    mine, other = make_case("C1"), make_case("C2", unit="440305", unified_no="U-2", charges=())
    uow.state.cases.update({"C1": mine, "C2": other, "C3": make_case("C3")})
    issues = check_store(uow, "440304", as_of=AS_OF, rules=DataQualityRules())
    assert {(i.case_id, i.kind) for i in issues} == {
        ("C1", IssueKind.DUPLICATE),
        ("C3", IssueKind.DUPLICATE),
    }
    every = check_store(uow, as_of=AS_OF, rules=DataQualityRules())
    assert {i.kind for i in every} == {IssueKind.DUPLICATE, IssueKind.MISSING_FIELD}
    assert uow.commits == 0
    with pytest.raises(UnknownUnit):
        check_store(uow, "999999", as_of=AS_OF, rules=DataQualityRules())


def test_issue_kinds_have_words_and_travel_as_codes() -> None:
    issue = check_all([make_case("C1"), make_case("C2")])[0]
    assert issue.kind is IssueKind.DUPLICATE
    assert (issue.kind.label("zh"), issue.kind.label("en")) == ("重复案件", "duplicate case")
    assert issue.as_json()["kind"] == "duplicate"
    assert type(issue.as_json()["kind"]) is str
