"""The project-owned working-day calendar and the period arithmetic of 刑事诉讼法 第105条."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import holidays
import pytest

from jianguan.adapters.calendar_file import CalendarFileError, default_calendar, parse_schedules
from jianguan.domain.calendar import YearNotCovered
from jianguan.domain.periods import add_days, add_months, settle

CAL = default_calendar()


def every_day(first: int, last: int) -> list[dt.date]:
    day, out = dt.date(first, 1, 1), []
    while day.year <= last:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


def test_calendar_covers_2024_to_2026() -> None:
    assert set(CAL.years) >= {2024, 2025, 2026}


def test_every_day_2024_2026_agrees_with_chinese_calendar() -> None:
    mismatches = [
        d for d in every_day(2024, 2026) if CAL.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert mismatches == []


def test_every_day_2024_2026_agrees_with_holidays_package() -> None:
    cn = holidays.country_holidays("CN", years=range(2024, 2027))
    mismatches = [d for d in every_day(2024, 2026) if CAL.is_working_day(d) != cn.is_working_day(d)]
    assert mismatches == []


def test_make_up_saturday_is_a_working_day() -> None:
    # 国务院办公厅关于2026年部分节假日安排的通知: 2月14日（周六）上班
    assert dt.date(2026, 2, 14).weekday() == 5
    assert CAL.is_working_day(dt.date(2026, 2, 14))
    assert CAL.holiday_name(dt.date(2026, 2, 16)) == "春节"


def test_year_not_covered_is_refused_not_guessed() -> None:
    with pytest.raises(YearNotCovered, match="2027"):
        CAL.is_working_day(dt.date(2027, 1, 4))


def test_calendar_file_rejects_a_date_outside_its_year() -> None:
    text = '[years.2030]\nnotice = "x"\nnotice_date = "2029-11-01"\nworkdays = ["2031-01-04"]\nholidays = []\n'
    with pytest.raises(CalendarFileError, match="2031-01-04"):
        parse_schedules(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[years.2030]\nnotice_date = "2029-11-01"\n', "缺少 notice"),
        (
            '[years.2030]\nnotice = "x"\nnotice_date = "2029-11-01"\nholidays = [{name = "元旦"}]\n',
            "缺少 from",
        ),
        ('[years.x]\nnotice = "x"\n', "格式错误"),
        ("years = 3\n", "years 应为表"),
    ],
)
def test_a_malformed_calendar_file_is_refused_with_the_year_and_the_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(CalendarFileError, match=reason):
        parse_schedules(text)


def test_day_period_does_not_count_the_start_day() -> None:
    # 刑事诉讼法 第105条 第2款: 期间开始的时和日不算在期间以内 — 7 days from 2026-02-10 end on 02-17.
    assert add_days(dt.date(2026, 2, 10), 7) == dt.date(2026, 2, 17)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2025-01-31", "2025-02-28"),  # month-end start → next month's end
        ("2025-01-30", "2025-02-28"),  # no 30 February → the month's end
        ("2025-02-28", "2025-03-31"),  # 28 February is a month end → 31 March
        ("2025-09-01", "2025-10-01"),
        ("2025-12-15", "2026-01-15"),
    ],
)
def test_month_rule(start: str, end: str) -> None:
    # 法释〔2021〕1号 第202条 (formerly 法释〔2012〕21号 第165条): 自本月某日至下月同日为一个月；
    # 起算日为本月最后一日的，至下月最后一日；
    # 下月同日不存在的，至下月最后一日。
    assert add_months(dt.date.fromisoformat(start), 1) == dt.date.fromisoformat(end)


@pytest.mark.parametrize(
    ("raw_end", "custody", "due"),
    [
        ("2025-10-01", False, "2025-10-09"),  # 审查起诉 from 09-01 ends in National Day → moves
        ("2025-10-01", True, "2025-10-01"),  # in custody: never moved (第105条 第4款 但书)
        ("2026-02-18", False, "2026-02-24"),  # 审查逮捕 15 days from 02-03, Spring Festival
        ("2025-05-18", False, "2025-05-19"),  # a Sunday
        ("2025-05-18", True, "2025-05-18"),
    ],
)
def test_holiday_at_the_end_moves_except_in_custody(raw_end: str, custody: bool, due: str) -> None:
    # 刑事诉讼法 第105条 第4款: 期间的最后一日为节假日的，以节假日后的第一日为期满日期，但犯罪嫌疑人、
    # 被告人或者罪犯在押期间，应当至期满之日为止，不得因节假日而延长。
    result = settle(dt.date.fromisoformat(raw_end), CAL, in_custody=custody)
    assert result.due == dt.date.fromisoformat(due)
    assert result.moved == (result.due != result.raw_end)


def test_working_day_arithmetic() -> None:
    # 2025-09-30 (Tue) + 1 working day skips the National Day block (10-01..10-08).
    assert CAL.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert CAL.working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9)) == 1
    assert CAL.working_days_between(dt.date(2025, 10, 9), dt.date(2025, 9, 30)) == -1
