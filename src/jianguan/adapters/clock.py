"""Clocks: the system's, or one pinned to an as-of day (demo data, tests, `--as-of`)."""

from __future__ import annotations

import datetime as dt
import time


class SystemClock:
    """Today as the calendar on the wall says (China Standard Time), now in UTC."""

    def today(self) -> dt.date:
        return dt.datetime.now(CST).date()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class AsOfClock:
    """A clock that says it is ``day``: periods and countdowns count from it. Its moments are
    the real ones when the real date is ``day``; otherwise they start at noon of ``day`` (UTC)
    when the clock is made and advance in real time, so that sessions still expire and actions
    keep their order under a pinned day (the demo, tests, ``--as-of``)."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self._started = time.monotonic()

    def today(self) -> dt.date:
        return self.day

    def now(self) -> dt.datetime:
        current = dt.datetime.now(dt.UTC)
        if current.date() == self.day:
            return current
        noon = dt.datetime.combine(self.day, dt.time(12), dt.UTC)
        return noon + dt.timedelta(seconds=time.monotonic() - self._started)


CST = dt.timezone(dt.timedelta(hours=8), "CST")  # 北京时间: the case dates' calendar
