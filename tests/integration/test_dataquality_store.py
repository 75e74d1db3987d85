"""The store hands the data-quality checks only the cases that could fail one
(``CaseRepository.cases_to_check``) and the anomaly series only the cases' dates
(``case_dates``): over cases carrying every defect the checks know, and near misses of each,
the issues are exactly those of every case read whole, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from jianguan.bootstrap import App
from jianguan.domain.dataquality import DataQualityRules, check_all
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    Event,
    EventType,
    Outcome,
    OutcomeType,
    Suspect,
    Unit,
    UnitLevel,
)
from jianguan.services.anomalies import dates_of
from jianguan.services.dataquality import check_store
from jianguan.services.monitoring import units_below
from tests.support import app_for

D = dt.date(2025, 3, 3)
AS_OF = dt.date(2025, 6, 30)
UNITS = [
    Unit("440300", "深圳市人民检察院", UnitLevel.MUNICIPAL, None),
    Unit("440304", "福田区人民检察院", UnitLevel.BASIC, "440300"),
    Unit("440305", "南山区人民检察院", UnitLevel.BASIC, "440300"),
]


def _suspect(n: int, born: dt.date = dt.date(1990, 1, 1)) -> Suspect:
    return Suspect(f"S{n}", f"嫌疑人{n}", born, False, False, None, False, False, False, None)


def _clean(i: int, unit: str) -> Case:
    received = D + dt.timedelta(days=i % 40)
    decided = received + dt.timedelta(days=10)
    return Case(
        case_id=f"C{i:04d}", unified_no=f"U-{i}", unit=unit, department="第一检察部",
        category=CaseCategory.PROSECUTION_REVIEW, source=CaseSource.TRANSFERRED,
        received_on=received, handler="P1", assigned_on=received,
        assignment=AssignmentMode.RANDOM, major_complex=False, charges=("盗窃罪",),
        suspects=(_suspect(i),), events=(Event(EventType.RECEIVED, received, None, None, None),),
        decision=Decision(DecisionType.PROSECUTE, decided, "P1", None), closed_on=decided,
    )  # fmt: skip


def _defective(i: int, unit: str, partner: Case) -> Case:
    """Case ``i`` with one defect, or a near miss of one (chosen by ``i``); ``partner`` is an
    earlier case the cross-case ones copy from."""
    c = _clean(i, unit)
    r, on = c.received_on, c.received_on + dt.timedelta(days=10)
    convicted = Outcome(OutcomeType.CONVICTED, on - dt.timedelta(days=1), None, None, None,
                        False, False)  # fmt: skip
    late_decision = Decision(DecisionType.PROSECUTE, AS_OF - dt.timedelta(days=5), "P1", None)
    same_day = {"unit": partner.unit, "received_on": partner.received_on,
                "assigned_on": partner.received_on}  # fmt: skip
    variants: list[dict[str, object]] = [
        {"closed_on": r + dt.timedelta(days=5)},  # closed before decided
        {"events": (Event(EventType.RECEIVED, r - dt.timedelta(days=2), None, None, None),)},
        {"suspects": (_suspect(i, r + dt.timedelta(days=1)),)},  # born after receipt
        {"outcome": convicted},  # the court before the decision
        {"assigned_on": on + dt.timedelta(days=3)},  # assigned after closing
        {"charges": ()},
        {"suspects": ()},
        {"decision": None},  # closed without a decision
        {"handler": ""},
        {"closed_on": None},  # decided long ago, never closed
        {"closed_on": None, "decision": late_decision},  # within the grace period: no issue
        {"decision": None, "closed_on": None},  # open, undecided: no issue
        {"category": CaseCategory.CIVIL_SUPERVISION, "charges": (), "suspects": ()},  # no issue
        {"unified_no": partner.unified_no, "unit": partner.unit, "suspects": partner.suspects},
        {
            "unified_no": partner.unified_no,
            "unit": partner.unit,
            "received_on": partner.received_on,
        },
        {"unified_no": partner.unified_no},  # the same number, perhaps in another unit
        {**same_day, "suspects": partner.suspects},  # the same people the same day
        {**same_day, "suspects": (*partner.suspects, _suspect(i))},  # one more suspect: no issue
        {"unit": partner.unit, "suspects": partner.suspects},  # the same people, another day
    ]
    return dataclasses.replace(c, **variants[i % len(variants)])  # type: ignore[arg-type]


def _cases() -> tuple[list[Case], set[str]]:
    """The cases, and the clean ones a defective case was copied from."""
    pick = random.Random(17)
    out: list[Case] = []
    partners: set[str] = set()
    for i in range(400):
        unit = pick.choice(["440304", "440305", "440300"])
        if i % 3 or not out:
            out.append(_clean(i, unit))
        else:
            partner = pick.choice(out)
            partners.add(partner.case_id)
            out.append(_defective(i, unit, partner))
    return out, partners


def _stored(store_url: str) -> tuple[App, list[Case], set[str]]:
    """An application on a store holding ``_cases()`` (saved as they are: the import would
    refuse the impossible dates), with those cases and their partners."""
    app = app_for(store_url, as_of=AS_OF)
    cases, partners = _cases()
    with app.uow() as uow:
        uow.cases.upsert_units(UNITS)
        for case in cases:
            uow.cases.save_case(case)
        uow.commit()
    return app, cases, partners


def test_the_checks_read_only_what_could_fail_and_find_the_same(store_url: str) -> None:
    app, cases, partners = _stored(store_url)
    rules = DataQualityRules()
    every = check_all(cases, AS_OF, rules)
    checks = {i.check for i in every}
    assert checks >= {
        "closed_before_decided", "event_before_receipt", "birth_after_receipt",
        "outcome_before_decision", "assigned_after_closed", "missing_charges",
        "missing_suspects", "missing_decision", "missing_handler", "missing_closed_on",
        "same_unified_no", "split_matter", "same_people_same_day",
    }  # fmt: skip
    for unit in (None, "440300", "440304", "440305"):
        scope = units_below(UNITS, unit) if unit else None
        expected = [i for i in every if scope is None or i.unit in scope]
        assert check_store(app.uow(), unit, as_of=AS_OF, rules=rules) == expected, unit
    with app.uow() as uow:
        candidates = uow.cases.cases_to_check(None)
    flagged = {i.case_id for i in every}
    assert flagged <= set(candidates)
    untouched = {c.case_id for c in cases if int(c.case_id[1:]) % 3} - partners
    assert len(untouched) > 200
    assert not untouched & set(candidates), "a case no check could flag is read"


def test_the_anomaly_series_read_the_same_dates_as_the_whole_cases(store_url: str) -> None:
    app, cases, _ = _stored(store_url)
    with app.uow() as uow:
        got = sorted(uow.cases.case_dates(), key=lambda d: d.case_id)
    assert got == sorted((dates_of(c) for c in cases), key=lambda d: d.case_id)
    assert any(d.decided_on is None for d in got)
    assert any(d.decided_on for d in got)
