"""Period arithmetic of 刑事诉讼法 第105条 (期间计算) — the building blocks.

- The start day is not counted: an N-day period starting on D ends on D + N.
- A month runs to the same day of the next month; from a month's last day to the next month's
  last day; where the same day does not exist, to the next month's last day (最高人民法院
  法释〔2012〕21号 第165条, kept in the 2021 interpretation).
- A last day that is not a working day moves to the next working day (第105条 第4款), except for
  periods that run while the suspect is in custody, which never move.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from jianguan.domain.calendar import WorkCalendar


def last_day_of_month(year: int, month: int) -> int:
    return _stdlib_calendar.monthrange(year, month)[1]


def add_days(start: dt.date, days: int) -> dt.date:
    """Raw end of a day period: the start day is not counted (第105条 第2款)."""
    return start + dt.timedelta(days=days)


def add_months(start: dt.date, months: int) -> dt.date:
    """Raw end of a month period under the month rule (法释〔2012〕21号 第165条)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    target_last = last_day_of_month(year, month)
    if start.day == last_day_of_month(start.year, start.month):
        return dt.date(year, month, target_last)
    return dt.date(year, month, min(start.day, target_last))


@dataclass(frozen=True, slots=True)
class DueDate:
    """A due date with how it was reached."""

    raw_end: dt.date
    due: dt.date
    moved_from: dt.date | None  # the raw end when a holiday moved it

    @property
    def moved(self) -> bool:
        return self.moved_from is not None


def settle(raw_end: dt.date, calendar: WorkCalendar, *, in_custody: bool) -> DueDate:
    """Apply 第105条 第4款 to a raw end: move past rest days unless the suspect is in custody."""
    if in_custody:
        return DueDate(raw_end, raw_end, None)
    due = calendar.next_working_day(raw_end)
    return DueDate(raw_end, due, raw_end if due != raw_end else None)
