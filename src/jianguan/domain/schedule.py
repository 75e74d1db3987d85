"""Scheduled work (定时任务): which jobs the office runs, when each is due, and when one is missed.

Each job has a cadence; a run covers one *slot* (the day for a daily job, the month's first day
for a monthly one, the quarter's first day for a quarterly one). A job is **due** when no run of
the current slot succeeded. A job is **missed** when its last successful run is older than its
interval (plus a grace for the run's own duration): the scheduler was down, or every run since
failed. Pure: the clock is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from jianguan.domain.vocabulary import Vocabulary


class Cadence(Vocabulary):
    DAILY = "daily", "每日", "daily"
    MONTHLY = "monthly", "每月", "monthly"
    QUARTERLY = "quarterly", "每季度", "quarterly"

    @property
    def interval(self) -> dt.timedelta:
        """The longest time between two slots' starts: a day, 31 days, 92 days."""
        return dt.timedelta(days={"daily": 1, "monthly": 31, "quarterly": 92}[self.value])


class Outcome(Vocabulary):
    RUNNING = "running", "运行中", "running"
    SUCCESS = "success", "成功", "succeeded"
    FAILED = "failed", "失败", "failed"


class JobState(Vocabulary):
    """What the schedule page says of a job."""

    OK = "ok", "正常", "on schedule"
    DUE = "due", "待运行", "due"
    MISSED = "missed", "漏跑", "missed"
    NEVER = "never", "从未运行", "never run"


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    zh: str
    en: str
    cadence: Cadence
    basis: str = ""  # what the job does, in the reader's words (the schedule page)
    basis_en: str = ""

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def basis_of(self, lang: str = "zh") -> str:
        return (self.basis_en or self.basis) if lang == "en" else self.basis


JOBS = (
    Job("daily-monitoring", "每日流程监控", "daily flow monitoring", Cadence.DAILY,
        "按流程监控规则逐案检查，发现的问题记入台账",
        "every case checked against the flow-monitoring rules, the findings put in the ledger"),
    Job("reminders", "整改与巡视整改提醒", "rectification and inspection reminders", Cadence.DAILY,
        "整改任务临期、超期；巡视整改事项、移交事项反馈与进展报告",
        "rectification tasks due soon or overdue; inspection items, transferred matters' "
        "feedback and progress reports"),
    Job("monthly-bulletin", "月度流程监控通报", "monthly flow-monitoring bulletin", Cadence.MONTHLY,
        "上月办案流程监控通报（Word 文档、PDF 文件及 Excel 附件）",
        "last month's flow-monitoring bulletin (Word document, PDF and Excel annex)"),
    Job("quarterly-data-quality", "季度数据质量核查", "quarterly data-quality check",
        Cadence.QUARTERLY, "检察业务数据质量每季度核查一次",
        "the case data's quality, checked once a quarter"),
)  # fmt: skip
GRACE = dt.timedelta(hours=6)  # a run may start a little late and take a while


def job(job_id: str) -> Job:
    found = next((j for j in JOBS if j.id == job_id), None)
    if found is None:
        raise KeyError(job_id)
    return found


def slot(cadence: Cadence, day: dt.date) -> dt.date:
    """The first day of the slot ``day`` falls in."""
    if cadence is Cadence.DAILY:
        return day
    if cadence is Cadence.MONTHLY:
        return day.replace(day=1)
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_slot(cadence: Cadence, day: dt.date) -> dt.date:
    """The slot before the one ``day`` falls in (a monthly bulletin is for last month)."""
    return slot(cadence, slot(cadence, day) - dt.timedelta(days=1))


def next_slot(cadence: Cadence, day: dt.date) -> dt.date:
    """The slot after the one ``day`` falls in."""
    return slot(cadence, slot(cadence, day) + cadence.interval)


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    job: str
    due: dt.date  # the slot it ran for
    started_at: dt.datetime
    ended_at: dt.datetime | None
    outcome: Outcome
    message: str
    trigger: str  # scheduler | cli

    @property
    def seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


def is_due(j: Job, last_success: Run | None, today: dt.date) -> bool:
    """No run of the current slot has succeeded."""
    return last_success is None or last_success.due < slot(j.cadence, today)


def is_missed(j: Job, last_success: Run | None, now: dt.datetime) -> bool:
    """The last successful run is older than the job's interval (and the grace)."""
    if last_success is None:
        return False
    return now - last_success.started_at > j.cadence.interval + GRACE


@dataclass(frozen=True, slots=True)
class JobView:
    job: Job
    state: JobState
    last: Run | None
    last_success: Run | None
    next_slot: dt.date


def job_views(
    jobs: Sequence[Job],
    last: dict[str, tuple[Run | None, Run | None]],
    now: dt.datetime,
    today: dt.date,
) -> list[JobView]:
    """Each job's state: missed first, then due, never run, on schedule."""
    out = []
    for j in jobs:
        latest, success = last.get(j.id, (None, None))
        if is_missed(j, success, now):
            state = JobState.MISSED
        elif success is None:
            state = JobState.NEVER
        elif is_due(j, success, today):
            state = JobState.DUE
        else:
            state = JobState.OK
        nxt = slot(j.cadence, today) if is_due(j, success, today) else next_slot(j.cadence, today)
        out.append(JobView(j, state, latest, success, nxt))
    return out
