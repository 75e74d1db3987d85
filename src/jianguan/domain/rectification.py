"""Rectification (整改): problem list, task list, responsibility list, reminders, verification.

From any finding, review or inspection a rectification opens with its problems; each task names
the problem it answers, the responsible person, the measure and the deadline (the three lists:
问题清单 / 任务清单 / 责任清单). Reminders go out as a deadline nears; a task done is verified by
someone other than the responsible person; the rectification closes when every task is
verified. An inspection-style rectification (巡视整改) runs six months with monthly progress
reports (中国共产党巡视工作条例: rectification after an inspection is reported on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jianguan.domain.vocabulary import Vocabulary


class RectificationKind(Vocabulary):
    ORDINARY = "ordinary", "一般整改", "ordinary"
    INSPECTION = "inspection", "巡视整改", "inspection"  # six months, monthly reports


class RectificationSource(Vocabulary):
    """What a rectification answers."""

    FINDING = "finding", "监控与自检发现", "finding"
    REVIEW = "review", "案件质量评查", "case quality review"
    INSPECTION = "inspection", "巡视", "inspection"
    MANUAL = "manual", "手工录入", "entered by hand"


class TaskStatus(Vocabulary):
    """Where a rectification task stands: open → done → verified (by someone else)."""

    OPEN = "open", "未完成", "open"
    DONE = "done", "已完成待验收", "done, to verify"
    VERIFIED = "verified", "已验收", "verified"


@dataclass(frozen=True, slots=True)
class Task:
    n: int
    problem: int  # index into the rectification's problems
    responsible: str
    measure: str
    due_on: dt.date
    done_on: dt.date | None = None
    done_note: str | None = None
    verified_by: str | None = None
    verified_on: dt.date | None = None

    @property
    def status(self) -> TaskStatus:
        if self.verified_on is not None:
            return TaskStatus.VERIFIED
        return TaskStatus.DONE if self.done_on is not None else TaskStatus.OPEN


@dataclass(frozen=True, slots=True)
class Report:
    on: dt.date
    by: str
    text: str


@dataclass(frozen=True, slots=True)
class Rectification:
    id: str
    kind: RectificationKind
    title: str
    source: RectificationSource
    source_ref: str
    unit: str
    opened_on: dt.date
    due_on: dt.date
    problems: tuple[str, ...]
    tasks: tuple[Task, ...] = ()
    reports: tuple[Report, ...] = ()
    closed_on: dt.date | None = None
    closed_by: str | None = None


class RectificationError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, or the month's last day when it has none."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _open(r: Rectification) -> None:
    if r.closed_on is not None:
        raise RectificationError("整改已销号", "the rectification is closed")


def add_task(
    r: Rectification, problem: int, responsible: str, measure: str, due_on: dt.date
) -> Rectification:
    _open(r)
    if not 0 <= problem < len(r.problems):
        raise RectificationError(f"问题序号 {problem + 1} 不存在", f"no problem {problem + 1}")
    if not measure.strip():
        raise RectificationError("整改措施不能为空", "the measure is empty")
    if due_on < r.opened_on:
        raise RectificationError("完成期限早于整改开始", "deadline before the rectification opened")
    task = Task(len(r.tasks) + 1, problem, responsible, measure.strip(), due_on)
    return replace(r, tasks=(*r.tasks, task))


def _task(r: Rectification, n: int) -> Task:
    if not 1 <= n <= len(r.tasks):
        raise RectificationError(f"任务 {n} 不存在", f"no task {n}")
    return r.tasks[n - 1]


def _with_task(r: Rectification, task: Task) -> Rectification:
    return replace(r, tasks=tuple(task if t.n == task.n else t for t in r.tasks))


def complete_task(r: Rectification, n: int, on: dt.date, note: str) -> Rectification:
    _open(r)
    task = _task(r, n)
    if task.done_on is not None:
        raise RectificationError(f"任务 {n} 已完成", f"task {n} is already done")
    return _with_task(r, replace(task, done_on=on, done_note=note.strip()))


def verify_task(r: Rectification, n: int, by: str, on: dt.date) -> Rectification:
    _open(r)
    task = _task(r, n)
    if task.done_on is None:
        raise RectificationError(f"任务 {n} 尚未完成，不能验收", f"task {n} is not done")
    if by == task.responsible:
        raise RectificationError("责任人不能验收自己的任务", "the responsible person cannot verify")
    return _with_task(r, replace(task, verified_by=by, verified_on=on))


def report(r: Rectification, on: dt.date, by: str, text: str) -> Rectification:
    _open(r)
    if not text.strip():
        raise RectificationError("进展报告不能为空", "the report is empty")
    return replace(r, reports=(*r.reports, Report(on, by, text.strip())))


def close_missing(r: Rectification) -> list[str]:
    """What stands between the rectification and closing (销号), in Chinese."""
    out = []
    uncovered = sorted(set(range(len(r.problems))) - {t.problem for t in r.tasks})
    out += [f"问题 {i + 1} 尚无整改任务" for i in uncovered]
    out += [f"任务 {t.n} 尚未验收" for t in r.tasks if t.status is not TaskStatus.VERIFIED]
    out += [f"缺少 {d.isoformat()} 的进展报告" for d in missing_reports(r, r.due_on)]
    return out


def close(r: Rectification, by: str, on: dt.date) -> Rectification:
    _open(r)
    missing = close_missing(r)
    if missing:
        raise RectificationError(
            "不能销号：" + "；".join(missing), "cannot close: " + "; ".join(missing)
        )
    return replace(r, closed_on=on, closed_by=by)


def report_days(r: Rectification) -> list[dt.date]:
    """Inspection-style: a progress report due at the end of each month of the six."""
    if r.kind is not RectificationKind.INSPECTION:
        return []
    out, n = [], 1
    while (day := add_months(r.opened_on, n)) <= r.due_on:
        out.append(day)
        n += 1
    return out


def missing_reports(r: Rectification, as_of: dt.date) -> list[dt.date]:
    """Report days passed (by ``as_of``) with no report in the month before them."""
    out = []
    for day in report_days(r):
        if day > as_of:
            break
        start = add_months(day, -1)
        if not any(start < rep.on <= day for rep in r.reports):
            out.append(day)
    return out


@dataclass(frozen=True, slots=True)
class Reminder:
    rectification: str
    task: int
    responsible: str
    due_on: dt.date
    days_left: int  # negative: overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def reminders(
    rects: Sequence[Rectification], as_of: dt.date, lead: Sequence[int]
) -> list[Reminder]:
    """Open tasks due within the largest lead time, or overdue."""
    horizon = max(lead, default=0)
    out = []
    for r in rects:
        if r.closed_on is not None:
            continue
        for t in r.tasks:
            left = (t.due_on - as_of).days
            if t.done_on is None and left <= horizon:
                out.append(Reminder(r.id, t.n, t.responsible, t.due_on, left))
    return sorted(out, key=lambda x: (x.due_on, x.rectification, x.task))
