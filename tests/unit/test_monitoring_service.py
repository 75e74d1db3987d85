"""Unit-tree helpers and warning limits of the monitoring service."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.monitoring_file import parse_rules, rules_text
from jianguan.adapters.period_file import default_periods
from jianguan.domain.model import Unit, UnitLevel
from jianguan.domain.monitoring import DueBook
from jianguan.services.monitoring import UnknownUnit, province_of, units_below, warn_limits

UNITS = [
    Unit("000000", "最高人民检察院", UnitLevel.SUPREME, None),
    Unit("440000", "广东省人民检察院", UnitLevel.PROVINCIAL, "000000"),
    Unit("440300", "深圳市人民检察院", UnitLevel.MUNICIPAL, "440000"),
    Unit("440304", "福田区人民检察院", UnitLevel.BASIC, "440300"),
    Unit("450000", "广西壮族自治区人民检察院", UnitLevel.PROVINCIAL, "000000"),
    Unit("450100", "南宁市人民检察院", UnitLevel.MUNICIPAL, "450000"),
]


def test_units_below_and_provinces() -> None:
    assert units_below(UNITS, "440300") == {"440300", "440304"}
    assert province_of(UNITS)["440304"] == "440000"
    assert province_of(UNITS)["000000"] is None
    with pytest.raises(UnknownUnit):
        units_below(UNITS, "999999")


def test_a_province_override_moves_the_warning_limit() -> None:
    text = rules_text().replace(
        '[lead_time.province."440000"]', '[lead_time.province."440000"]\nprosecution_review = 8'
    )
    book = DueBook(default_periods(), default_calendar())
    limits = warn_limits(UNITS, parse_rules(text), book, dt.date(2025, 9, 1))
    # 5 working days after Monday 2025-09-01 is 09-08; 8 working days is 09-11.
    assert limits[("450100", "prosecution_review")] == dt.date(2025, 9, 8)
    assert limits[("440304", "prosecution_review")] == dt.date(2025, 9, 11)
    assert limits[("440304", "arrest_review")] == dt.date(2025, 9, 3)
