"""Reads the project-owned working-day calendar file (src/jianguan/data/calendar.toml)."""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from jianguan.domain.calendar import Holiday, WorkCalendar, YearSchedule


class CalendarFileError(ValueError):
    pass


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CalendarFileError(f"{where}: 日期格式错误 / not an ISO date: {value!r}") from None


def parse_schedules(text: str, source: str = "calendar.toml") -> dict[int, YearSchedule]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(f"{source}: TOML 格式错误 / malformed TOML: {exc}") from None
    out: dict[int, YearSchedule] = {}
    for key, table in doc.get("years", {}).items():
        year = int(key)
        where = f"{source}: years.{key}"
        holidays = tuple(
            Holiday(
                name=str(h["name"]),
                first=_date(h["from"], where),
                last=_date(h["to"], where),
            )
            for h in table.get("holidays", [])
        )
        workdays = frozenset(_date(d, where) for d in table.get("workdays", []))
        for day in [*workdays, *(h.first for h in holidays), *(h.last for h in holidays)]:
            if day.year != year:
                raise CalendarFileError(f"{where}: {day} 不属于 {year} 年 / not in year {year}")
        out[year] = YearSchedule(
            year=year,
            notice=str(table["notice"]),
            notice_date=_date(table["notice_date"], where),
            holidays=holidays,
            workdays=workdays,
        )
    return out


@cache
def default_calendar() -> WorkCalendar:
    """The calendar shipped with the package."""
    text = resources.files("jianguan").joinpath("data/calendar.toml").read_text("utf-8")
    return WorkCalendar(parse_schedules(text))
