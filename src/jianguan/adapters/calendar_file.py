"""Reads the project-owned working-day calendar file (src/jianguan/data/calendar.toml)."""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jianguan.domain.calendar import Holiday, WorkCalendar, YearSchedule
from jianguan.domain.errors import RulebookError


class CalendarFileError(RulebookError):
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
    years = doc.get("years", {})
    if not isinstance(years, dict):
        raise CalendarFileError(f"{source}: years 应为表 / years must be a table")
    for key, table in years.items():
        where = f"{source}: years.{key}"
        try:
            out[int(key)] = _year(int(key), table, where)
        except KeyError as exc:
            raise CalendarFileError(
                f"{where}: 缺少 {exc.args[0]} / {exc.args[0]} missing"
            ) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise CalendarFileError(f"{where}: 格式错误 / malformed: {exc}") from None
    return out


def _year(year: int, table: Any, where: str) -> YearSchedule:
    """One year's table, as a State Council notice gives it."""
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
    return YearSchedule(
        year=year,
        notice=str(table["notice"]),
        notice_date=_date(table["notice_date"], where),
        holidays=holidays,
        workdays=workdays,
    )


def _packaged_schedules() -> dict[int, YearSchedule]:
    text = resources.files("jianguan").joinpath("data/calendar.toml").read_text("utf-8")
    return parse_schedules(text)


@cache
def default_calendar() -> WorkCalendar:
    """The calendar shipped with the package."""
    return WorkCalendar(_packaged_schedules())


def added_dir(data_dir: Path) -> Path:
    """Where `jianguan calendar add` keeps the notices a case officer has added."""
    return data_dir / "calendar.d"


def load_calendar(data_dir: Path | None) -> WorkCalendar:
    """The packaged calendar plus every year added under `data_dir`."""
    schedules = _packaged_schedules()
    if data_dir is not None and added_dir(data_dir).is_dir():
        for path in sorted(added_dir(data_dir).glob("*.toml")):
            schedules.update(parse_schedules(path.read_text("utf-8"), path.name))
    return WorkCalendar(schedules)


def check_schedule(schedule: YearSchedule, source: str) -> list[str]:
    """What is wrong with a year's schedule as a State Council notice would give it."""
    problems = []
    for h in schedule.holidays:
        if h.last < h.first:
            problems.append(
                f"{source}: {h.name} 的结束日 {h.last} 早于开始日 {h.first} / ends before it starts"
            )
    for day in sorted(schedule.workdays):
        if day.weekday() < 5:
            problems.append(
                f"{source}: 调休上班日 {day} 不是周末 / a make-up working day must fall on a weekend"
            )
    off = schedule.days_off()
    for day in sorted(schedule.workdays & off):
        problems.append(f"{source}: {day} 既是放假日又是上班日 / both a day off and a working day")
    if not schedule.holidays:
        problems.append(f"{source}: 没有任何节假日 / no holidays listed")
    return problems


def add_notice(data_dir: Path, text: str, source: str) -> list[int]:
    """Validate a notice file and keep it under `data_dir`; returns the years it adds."""
    schedules = parse_schedules(text, source)
    if not schedules:
        raise CalendarFileError(f"{source}: 没有 [years.YYYY] 表 / no [years.YYYY] table")
    present = load_calendar(data_dir).years
    problems = [
        f"{source}: {y} 年已收录 / year {y} is already in the calendar"
        for y in schedules
        if y in present
    ]
    for schedule in schedules.values():
        problems += check_schedule(schedule, source)
    if problems:
        raise CalendarFileError("\n".join(problems))
    target = added_dir(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    years = sorted(schedules)
    (target / f"{years[0]}.toml").write_text(text, encoding="utf-8")
    return years
