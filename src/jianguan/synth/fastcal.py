"""Day-ordinal tables over the official working-day calendar, for generating at speed.

The generator works on ``date.toordinal()`` integers. ``FastCalendar`` precomputes, for a span of
days, which days are working days, ISO strings, and the rank of each working day, so that "next
working day" and "n-th working day after" are list look-ups. The answers come from
jianguan.domain.calendar (the project's official calendar); days in years the official calendar
does not cover (only ever after the data set's end, see ``FastCalendar.__init__``) fall back to
Monday–Friday. Such days are never written: everything after ``end`` is cut from the output.
"""

from __future__ import annotations

import datetime as dt
import random

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.periods import add_months

_CN_DIGITS = "〇一二三四五六七八九"


def cn_small(n: int) -> str:
    """1..99 in Chinese numerals (十二, 二十, 三十一)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def cn_date(day: dt.date) -> str:
    """The date as written at the foot of a legal document: 二〇二五年九月十二日."""
    year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{cn_small(day.month)}月{cn_small(day.day)}日"


class FastCalendar:
    """Working-day look-ups on ordinals in [first, last]."""

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date) -> None:
        covered = set(calendar.years)
        self.base = first.toordinal()
        self.top = last.toordinal()
        n = self.top - self.base + 1
        self.iso: list[str] = []
        self.years: list[int] = []
        self.working = bytearray(n)
        self.rank: list[int] = [0] * n  # working days on or before the day, within the span
        self.by_rank: list[int] = []  # the working days, in order
        count = 0
        for i in range(n):
            day = dt.date.fromordinal(self.base + i)
            self.iso.append(day.isoformat())
            self.years.append(day.year)
            wd = calendar.is_working_day(day) if day.year in covered else day.weekday() < 5
            if wd:
                self.working[i] = 1
                self.by_rank.append(self.base + i)
                count += 1
            self.rank[i] = count
        self._months: dict[tuple[int, int], int] = {}
        self._cn: dict[int, str] = {}
        self._ymd: dict[int, str] = {}

    def check(self, o: int) -> int:
        if not self.base <= o <= self.top:
            raise ValueError(f"day {dt.date.fromordinal(o)} outside the generator's calendar span")
        return o

    def is_working(self, o: int) -> bool:
        return bool(self.working[o - self.base])

    def next_working(self, o: int) -> int:
        """The first working day on or after ``o`` (第105条 第4款 roll-forward)."""
        if self.working[o - self.base]:
            return o
        return self.by_rank[self.rank[o - self.base]]

    def add_working(self, o: int, n: int) -> int:
        """The n-th working day after ``o`` (``o`` not counted), n >= 1."""
        return self.by_rank[self.rank[o - self.base] + n - 1]

    def working_between(self, lo: int, hi: int) -> int:
        """Number of working days in [lo, hi]."""
        if hi < lo:
            return 0
        below = self.rank[lo - 1 - self.base] if lo > self.base else 0
        return self.rank[hi - self.base] - below

    def months(self, o: int, m: int) -> int:
        """Raw end of an m-month period started on ``o`` (month rule, via domain.periods)."""
        key = (o, m)
        got = self._months.get(key)
        if got is None:
            got = add_months(dt.date.fromordinal(o), m).toordinal()
            self._months[key] = got
        return got

    def pick(self, rng: random.Random, lo: int, hi: int, *, late: bool = False) -> int:
        """A day in [lo, hi], a working day when there is one; ``late`` leans towards ``hi``."""
        if hi <= lo:
            return lo
        r = rng.random()
        if late:
            r = max(r, rng.random())
        below = self.rank[lo - 1 - self.base] if lo > self.base else 0
        count = self.rank[hi - self.base] - below
        if count > 0:
            return self.by_rank[below + int(r * count)]
        return lo + int(r * (hi - lo + 1))

    def cn(self, o: int) -> str:
        got = self._cn.get(o)
        if got is None:
            got = self._cn[o] = cn_date(dt.date.fromordinal(o))
        return got

    def ymd(self, o: int) -> str:
        """The date as written in the body of a document: 2025年9月12日."""
        got = self._ymd.get(o)
        if got is None:
            d = dt.date.fromordinal(o)
            got = self._ymd[o] = f"{d.year}年{d.month}月{d.day}日"
        return got

    def year(self, o: int) -> int:
        return self.years[o - self.base]
