"""Clocks: the system's, or one pinned to an as-of day (demo data, tests, `--as-of`)."""

from __future__ import annotations

import datetime as dt


class SystemClock:
    """Today as the calendar on the wall says (China Standard Time), now in UTC."""

    def today(self) -> dt.date:
        return dt.datetime.now(CST).date()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class AsOfClock:
    """A clock that says it is ``day``: periods and countdowns count from it, and an action is
    dated at the real moment when that is on ``day``, else at noon of ``day`` (UTC)."""

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def today(self) -> dt.date:
        return self.day

    def now(self) -> dt.datetime:
        current = dt.datetime.now(dt.UTC)
        if current.date() == self.day:
            return current
        return dt.datetime.combine(self.day, dt.time(12), dt.UTC)


CST = dt.timezone(dt.timedelta(hours=8), "CST")  # 北京时间: the case dates' calendar
