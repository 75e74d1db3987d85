"""Period arithmetic of 刑事诉讼法 第105条 (期间计算) — the building blocks.

- The start day is not counted: an N-day period starting on D ends on D + N.
- A month runs to the same day of the next month; from a month's last day to the next month's
  last day; where the same day does not exist, to the next month's last day (最高人民法院关于
  适用《中华人民共和国刑事诉讼法》的解释, 法释〔2021〕1号 第202条, which replaced 法释〔2012〕21号
  第165条 in the same words). Civil and administrative periods count months by the civil rule
  instead (民法典 第202条): the corresponding date of the last month, else that month's last day.
- A last day that is not a working day moves to the next working day (第105条 第4款), except for
  periods that run while the suspect is in custody, which never move.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from jianguan.domain.calendar import WorkCalendar


def last_day_of_month(year: int, month: int) -> int:
    return _stdlib_calendar.monthrange(year, month)[1]


def add_days(start: dt.date, days: int) -> dt.date:
    """Raw end of a day period: the start day is not counted (第105条 第2款)."""
    return start + dt.timedelta(days=days)


def add_months(start: dt.date, months: int) -> dt.date:
    """Raw end of a criminal month period (法释〔2021〕1号 第202条): from a month's last day to
    the last day of the target month."""
    year, month, target_last = _target_month(start, months)
    if start.day == last_day_of_month(start.year, start.month):
        return dt.date(year, month, target_last)
    return dt.date(year, month, min(start.day, target_last))


def add_months_civil(start: dt.date, months: int) -> dt.date:
    """Raw end of a civil month period (民法典 第202条): the corresponding date of the target
    month, or its last day when it has none (04-30 + 1 month = 05-30, not 05-31)."""
    year, month, target_last = _target_month(start, months)
    return dt.date(year, month, min(start.day, target_last))


def _target_month(start: dt.date, months: int) -> tuple[int, int, int]:
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    return year, month + 1, last_day_of_month(year, month + 1)


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


# ---------------------------------------------------------------- the period engine

ARTICLE_105_START = "刑事诉讼法第105条第2款"
ARTICLE_105_HOLIDAY = "刑事诉讼法第105条第4款"
MONTH_RULE = "法释〔2021〕1号第202条"
CIVIL_MONTH_RULE = "民法典第202条"
CONDITIONS = frozenset({"custody", "major", "fast_track", "over_one_year"})


class MonthRule(StrEnum):
    """How a month is counted: the criminal interpretation's rule, or the civil code's."""

    CRIMINAL = "criminal"
    CIVIL = "civil"

    @property
    def basis(self) -> str:
        return MONTH_RULE if self is MonthRule.CRIMINAL else CIVIL_MONTH_RULE


class LengthUnit(StrEnum):
    DAYS = "d"
    MONTHS = "m"
    HOURS = "h"


_UNIT_ZH = {LengthUnit.DAYS: "日", LengthUnit.MONTHS: "个月", LengthUnit.HOURS: "小时"}


@dataclass(frozen=True, slots=True)
class Length:
    amount: int
    unit: LengthUnit

    @classmethod
    def parse(cls, text: str) -> Length:
        """`7d`, `1m`, `24h`."""
        number, unit = text[:-1], text[-1:]
        if not number.isdigit() or unit not in {u.value for u in LengthUnit}:
            raise ValueError(f"period length must look like 7d, 1m or 24h, not {text!r}")
        return cls(int(number), LengthUnit(unit))

    def after(self, start: dt.date, months: MonthRule = MonthRule.CRIMINAL) -> dt.date:
        """The raw end: the start day (or hour) itself is not counted."""
        if self.unit is LengthUnit.MONTHS:
            add = add_months if months is MonthRule.CRIMINAL else add_months_civil
            return add(start, self.amount)
        if self.unit is LengthUnit.HOURS:  # dates only: 24 hours from an event on day D end on D+1
            return start + dt.timedelta(days=-(-self.amount // 24))
        return add_days(start, self.amount)

    def __str__(self) -> str:
        return f"{self.amount}{_UNIT_ZH[self.unit]}"


@dataclass(frozen=True, slots=True)
class Variant:
    when: frozenset[str]
    length: Length
    basis: tuple[str, ...]
    extension: Length | None = None


@dataclass(frozen=True, slots=True)
class ChainStep:
    length: Length
    basis: tuple[str, ...]
    approver: str


@dataclass(frozen=True, slots=True)
class PeriodDefinition:
    """One statutory period, as the rule pack describes it."""

    id: str
    title: str
    title_en: str
    variants: tuple[Variant, ...]
    chain: tuple[ChainStep, ...] = ()
    restart: str | None = None
    max_count: int | None = None
    months: MonthRule = MonthRule.CRIMINAL
    custody: bool = False  # a custody period by definition (羁押期限): never moved, whatever flag

    def variant_for(self, conditions: frozenset[str]) -> Variant:
        for variant in self.variants:
            if variant.when <= conditions:
                return variant
        raise LookupError(f"period {self.id} has no variant for {sorted(conditions)}")


@dataclass(frozen=True, slots=True)
class Derivation:
    """A due date and every step that led to it (start, raw end, extensions, moves, basis)."""

    period: str
    title: str
    start: dt.date
    length: str
    conditions: tuple[str, ...]
    raw_end: dt.date
    extensions: tuple[str, ...]
    unmoved_end: dt.date
    due: dt.date
    moved_from: dt.date | None
    in_custody: bool
    provisional: bool
    basis: tuple[str, ...]
    steps: tuple[str, ...]


def compute_due(
    period: PeriodDefinition,
    start: dt.date,
    calendar: WorkCalendar,
    *,
    conditions: frozenset[str] = frozenset(),
    extended: bool = False,
    chain_steps: int = 0,
    provisional: bool = False,
) -> Derivation:
    """The due date of `period` counted from `start`, with its derivation.

    `extended`: an approved extension exists (added to the unmoved end). `chain_steps`: how many
    steps of an extension chain were approved (each added to the previous expiry). `provisional`:
    allow a move to be computed in a year the calendar does not cover, by the weekday rule only;
    the result is then marked provisional. ``due_date`` gives the date alone by the same code.
    """
    steps: list[str] = []
    basis: list[str] = []
    variant, in_custody, raw_end, extensions, end = _reckon(
        period, start, conditions, extended, chain_steps, steps, basis
    )
    due, moved_from, guessed = _move(end, calendar, in_custody, variant, provisional, steps)
    if moved_from is not None or in_custody:
        basis.append(ARTICLE_105_HOLIDAY)
    return Derivation(
        period=period.id,
        title=period.title,
        start=start,
        length=str(variant.length),
        conditions=tuple(sorted(conditions)),
        raw_end=raw_end,
        extensions=tuple(extensions),
        unmoved_end=end,
        due=due,
        moved_from=moved_from,
        in_custody=in_custody,
        provisional=guessed,
        basis=tuple(dict.fromkeys(basis)),
        steps=tuple(steps),
    )


def due_date(
    period: PeriodDefinition,
    start: dt.date,
    calendar: WorkCalendar,
    *,
    conditions: frozenset[str] = frozenset(),
    extended: bool = False,
    provisional: bool = False,
) -> tuple[dt.date, bool]:
    """(due date, provisional) — ``compute_due`` without the derivation, for the monitoring run
    that asks for tens of thousands of dates; the same arithmetic (``_reckon``, ``_move``)."""
    variant, in_custody, _, _, end = _reckon(period, start, conditions, extended, 0, None, None)
    due, _, guessed = _move(end, calendar, in_custody, variant, provisional, None)
    return due, guessed


def _reckon(
    period: PeriodDefinition,
    start: dt.date,
    conditions: frozenset[str],
    extended: bool,
    chain_steps: int,
    steps: list[str] | None,
    basis: list[str] | None,
) -> tuple[Variant, bool, dt.date, list[str], dt.date]:
    """The variant, whether it runs in custody, the raw end, the extensions and the unmoved end
    (第105条 before the holiday rule)."""
    unknown = conditions - CONDITIONS
    if unknown:
        raise ValueError(f"unknown period conditions: {sorted(unknown)}")
    variant = period.variant_for(conditions)
    in_custody = period.custody or "custody" in conditions
    raw_end = variant.length.after(start, period.months)
    if steps is not None:
        steps += [
            f"起算日 {start}（不计入期间，{ARTICLE_105_START}）",
            f"期间 {variant.length} → 原始期满日 {raw_end}",
        ]
    if basis is not None:
        basis += variant.basis
    extensions, end = _extend(period, variant, start, raw_end, extended, chain_steps, steps, basis)
    if basis is not None and variant.length.unit is LengthUnit.MONTHS:
        basis.append(period.months.basis)
    return variant, in_custody, raw_end, extensions, end


def _extend(
    period: PeriodDefinition,
    variant: Variant,
    start: dt.date,
    end: dt.date,
    extended: bool,
    chain_steps: int,
    steps: list[str] | None,
    basis: list[str] | None,
) -> tuple[list[str], dt.date]:
    extensions: list[str] = []
    if extended:
        if variant.extension is None:
            raise ValueError(f"{period.id} ({variant.length}) cannot be extended")
        end = variant.extension.after(end, period.months)
        extensions.append(str(variant.extension))
        if steps is not None:
            steps.append(f"经批准延长 {variant.extension}，自未顺延的期满日起加算 → {end}")
    if chain_steps > len(period.chain):
        raise ValueError(f"{period.id} has only {len(period.chain)} extension steps")
    months = variant.length.amount if variant.length.unit is LengthUnit.MONTHS else None
    for step in period.chain[:chain_steps]:
        stepwise = step.length.after(end, period.months)
        end = stepwise
        note = ""
        if months is not None and step.length.unit is LengthUnit.MONTHS:
            # Adding each step to the previous expiry can drift past counting the months from the
            # start at once (12-29 + 2 months = 02-28, a month's last day, + 1 month = 03-31,
            # while 12-29 + 3 months = 03-29). The law gives the custody no more than its months:
            # the earlier of the two readings applies, for the person in custody.
            months += step.length.amount
            whole = Length(months, LengthUnit.MONTHS).after(start, period.months)
            if whole < stepwise:
                end = whole
                note = (
                    f"；逐次加算为 {stepwise}，自起算日连续计算 {months} 个月为 {whole}，取较早者"
                )
        extensions.append(str(step.length))
        if basis is not None:
            basis.extend(step.basis)
        if steps is not None:
            steps.append(
                f"经{step.approver}批准延长 {step.length}（{'、'.join(step.basis)}）→ {end}{note}"
            )
    return extensions, end


def _move(
    end: dt.date,
    calendar: WorkCalendar,
    in_custody: bool,
    variant: Variant,
    provisional: bool,
    steps: list[str] | None,
) -> tuple[dt.date, dt.date | None, bool]:
    """Apply 第105条第4款; returns (due, moved_from, provisional_used)."""
    if in_custody:
        if steps is not None:
            steps.append(
                f"犯罪嫌疑人在押，期满日不因节假日顺延（{ARTICLE_105_HOLIDAY}但书）→ {end}"
            )
        return end, None, False
    if variant.length.unit is LengthUnit.HOURS:
        if steps is not None:
            steps.append(f"以时计算的期间不因节假日顺延 → {end}")
        return end, None, False
    guessed = provisional and not calendar.covers(end)
    due = calendar.next_working_day(end, provisional=provisional)
    guessed = guessed or (provisional and not calendar.covers(due))
    if due == end:
        if steps is not None:
            steps.append(f"{end} 为工作日，期满日即 {end}")
        return end, None, guessed
    if steps is not None:
        name = calendar.holiday_name(end, provisional=provisional) or "休息日"
        steps.append(f"{end} 为{name}，顺延至节假日后第一个工作日 {due}（{ARTICLE_105_HOLIDAY}）")
    if guessed and steps is not None:
        steps.append("该年度国务院节假日安排尚未收录，仅按周末推算：结果为临时结果")
    return due, end, guessed
