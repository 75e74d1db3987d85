"""Anomalies over cases: a planted drop and a planted month-end pile-up are found, with their cases;
the steady units are not flagged."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from jianguan.domain.anomalies import AnomalyKind, Direction, Series
from jianguan.domain.model import (
    AssignmentMode,
    Case,
    CaseCategory,
    CaseSource,
    Decision,
    DecisionType,
    Unit,
    UnitLevel,
)
from jianguan.services.anomalies import anomalies_in_store, dates_of, find_anomalies, period_end
from jianguan.services.monitoring import UnknownUnit
from jianguan.services.ports.cases import CaseDates
from tests.fakes import FakeUnitOfWork
from tests.support import rules

CAL = rules().calendar
BASE = Case(
    case_id="",
    unified_no="",
    unit="",
    department="第一检察部",
    category=CaseCategory.ARREST_REVIEW,
    source=CaseSource.TRANSFERRED,
    received_on=dt.date(2024, 1, 1),
    handler="P1",
    assigned_on=dt.date(2024, 1, 1),
    assignment=AssignmentMode.RANDOM,
    major_complex=False,
)


def _working_days(y: int, m: int) -> list[dt.date]:
    day, out = dt.date(y, m, 1), []
    while day.month == m:
        if CAL.is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _cases(
    unit: str, y: int, m: int, n: int, decided_on: list[dt.date] | None = None
) -> list[Case]:
    days = _working_days(y, m)
    out = []
    for i in range(n):
        received = days[(i * 7) % len(days)]
        on = decided_on[i] if decided_on else received
        case_id = f"{unit}-{y}{m:02d}-{i:03d}"
        out.append(dataclasses.replace(
            BASE, case_id=case_id, unified_no=case_id, unit=unit, received_on=received,
            assigned_on=received, closed_on=on,
            decision=Decision(DecisionType.APPROVE_ARREST, on, "P1", None),
        ))  # fmt: skip
    return out


def _dates(cases: list[Case]) -> list[CaseDates]:
    return [dates_of(c) for c in cases]


def _province() -> list[Case]:
    cases: list[Case] = []
    for u in range(8):
        unit = f"U{u}"
        for k in range(24):
            y, m = 2024 + k // 12, k % 12 + 1
            n = 12 if (unit == "U5" and k >= 15) else 40
            decided = None
            if unit == "U2" and (y, m) == (2024, 6):
                window = period_end(CAL, (y, m), 3)
                decided = [
                    window[i % 3] if i < 24 else _working_days(y, m)[i % 5] for i in range(n)
                ]
            cases += _cases(unit, y, m, n, decided)
    return cases


def test_planted_drop_and_padding_are_found_and_nothing_else() -> None:
    found = find_anomalies(_dates(_province()), CAL)
    keys = {(a.kind, a.unit, a.series, a.period) for a in found}
    assert ("sudden_drop", "U5", "received", "2025-04") in keys
    assert ("level_shift", "U5", "received", "2025-04") in keys
    assert ("padding", "U2", "decided", "2024-06") in keys
    assert {a.unit for a in found} == {"U2", "U5"}


def test_each_anomaly_lists_its_cases() -> None:
    found = find_anomalies(_dates(_province()), CAL)
    pad = next(a for a in found if a.kind == "padding")
    assert len(pad.case_ids) == 24 + sum(
        1 for i in range(24, 40) if _working_days(2024, 6)[i % 5] in period_end(CAL, (2024, 6), 3)
    )
    drop = next(a for a in found if a.kind == "sudden_drop")
    assert len(drop.case_ids) == 12
    assert all(cid.startswith("U5-202504") for cid in drop.case_ids)


def test_units_filter_and_period_filter() -> None:
    assert {a.unit for a in find_anomalies(_dates(_province()), CAL, units={"U2"})} == {"U2"}
    late = find_anomalies(_dates(_province()), CAL, date_from=dt.date(2024, 9, 1))
    assert all(a.period >= "2024-09" for a in late)


def test_too_little_data_gives_nothing() -> None:
    assert find_anomalies([], CAL) == []
    assert find_anomalies(_dates(_cases("U1", 2024, 3, 5)), CAL) == []


def test_rate_shift_on_own_counts_not_on_the_rolled_up_city() -> None:
    from jianguan.domain.indicators import IndicatorRow
    from jianguan.domain.model import Unit, UnitLevel
    from jianguan.services.anomalies import rate_shifts

    units = [
        Unit("C", "市院", UnitLevel.MUNICIPAL, None),
        Unit("D1", "甲区院", UnitLevel.BASIC, "C"),
        Unit("D2", "乙区院", UnitLevel.BASIC, "C"),
    ]
    rows = []
    for k in range(18):
        month = f"2024-{k + 1:02d}" if k < 12 else f"2025-{k - 11:02d}"
        d1 = (12 if k < 9 else 30, 60)  # 20 % → 50 % from the tenth month
        d2 = (12, 60)
        city_own = (5, 25)
        for code, (num, den) in (("D1", d1), ("D2", d2)):
            rows.append(IndicatorRow("x_rate", {"unit": code, "month": month}, num, den, num / den))
        total = (d1[0] + d2[0] + city_own[0], d1[1] + d2[1] + city_own[1])
        rows.append(
            IndicatorRow("x_rate", {"unit": "C", "month": month}, *total, total[0] / total[1])
        )
    found = rate_shifts(rows, units)
    assert [(a.unit, a.period, a.direction) for a in found] == [("D1", "2024-10", "up")]


def _stored() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.state.units.update({"P": Unit("P", "省院", UnitLevel.PROVINCIAL, None)})
    uow.state.units.update(
        {f"U{u}": Unit(f"U{u}", f"{u}院", UnitLevel.BASIC, "P") for u in range(8)}
    )
    uow.state.cases.update({c.case_id: c for c in _province()})
    return uow


def test_anomalies_in_store_read_every_case_and_narrow_to_the_unit() -> None:
    uow = _stored()
    everywhere = anomalies_in_store(uow, CAL)
    assert everywhere == find_anomalies(_dates(_province()), CAL)
    assert {a.unit for a in anomalies_in_store(uow, CAL, unit="U2")} == {"U2"}
    assert {a.unit for a in anomalies_in_store(uow, CAL, unit="P")} == {"U2", "U5"}
    assert uow.commits == 0  # a read changes nothing
    with pytest.raises(UnknownUnit):
        anomalies_in_store(uow, CAL, unit="000000")


def test_kinds_series_and_directions_are_vocabularies_with_words() -> None:
    found = find_anomalies(_dates(_province()), CAL)
    pad = next(a for a in found if a.kind is AnomalyKind.PADDING)
    assert (pad.series, pad.direction) == (Series.DECIDED, Direction.UP)
    assert pad.kind.label("zh") == "期末集中结案（注水）"
    assert pad.as_json()["kind"] == "padding"
    assert type(pad.as_json()["kind"]) is str
    for shift in (a for a in found if a.kind is AnomalyKind.LEVEL_SHIFT):
        assert shift.explanation.startswith(f"{Series(shift.series).zh}自 {shift.period} 起下降")
