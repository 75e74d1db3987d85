"""The official working-day calendar: holidays and make-up working days (调休), by year.

Pure: the schedule comes in as data (see jianguan.adapters.calendar_file). A date in a year the
schedule does not cover raises ``YearNotCovered`` rather than being guessed, because a guessed
holiday moves a statutory deadline (刑事诉讼法 第105条 第4款).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


class YearNotCovered(LookupError):
    """The calendar has no official schedule for this year."""

    def __init__(self, year: int, covered: Iterable[int]) -> None:
        self.year = year
        self.covered = tuple(sorted(covered))
        span = f"{self.covered[0]}–{self.covered[-1]}" if self.covered else "无"
        super().__init__(
            f"工作日历未收录 {year} 年的国务院节假日安排（已收录：{span}）；"
            f"请用 `jianguan calendar add` 添加该年通知。"
            f" / The working-day calendar has no official schedule for {year} (covered: {span})."
        )


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's official schedule and the notice it comes from."""

    year: int
    notice: str
    notice_date: dt.date
    holidays: tuple[Holiday, ...]
    workdays: frozenset[dt.date]  # make-up working days on a weekend

    def days_off(self) -> frozenset[dt.date]:
        out: set[dt.date] = set()
        for h in self.holidays:
            day = h.first
            while day <= h.last:
                out.add(day)
                day += ONE_DAY
        return frozenset(out)


class WorkCalendar:
    """Answers "is this a working day?" for the years it has official schedules for."""

    def __init__(self, schedules: Mapping[int, YearSchedule]) -> None:
        self._schedules = dict(schedules)
        self._off = {y: s.days_off() for y, s in self._schedules.items()}

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self._schedules))

    def schedule(self, year: int) -> YearSchedule:
        try:
            return self._schedules[year]
        except KeyError:
            raise YearNotCovered(year, self._schedules) from None

    def covers(self, day: dt.date) -> bool:
        return day.year in self._schedules

    def is_working_day(self, day: dt.date, *, provisional: bool = False) -> bool:
        """Whether `day` is a working day; `provisional` lets an uncovered year fall back to the
        weekday rule (Monday–Friday) instead of raising — callers must then mark the result."""
        if provisional and day.year not in self._schedules:
            return day.weekday() < 5
        schedule = self.schedule(day.year)
        if day in schedule.workdays:
            return True
        return day.weekday() < 5 and day not in self._off[day.year]

    def holiday_name(self, day: dt.date, *, provisional: bool = False) -> str | None:
        if provisional and day.year not in self._schedules:
            return None
        for h in self.schedule(day.year).holidays:
            if h.first <= day <= h.last:
                return h.name
        return None

    def next_working_day(self, day: dt.date, *, provisional: bool = False) -> dt.date:
        """The first working day on or after ``day``."""
        while not self.is_working_day(day, provisional=provisional):
            day += ONE_DAY
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself not counted)."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative if end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count
