"""Scheduled work (定时任务): run the jobs that are due and record every run.

The jobs are those of ``domain.schedule.JOBS``: daily monitoring (``monitor_and_record``, the
ledger), reminders (rectification tasks due or overdue, inspection items, hand-overs and the
progress report of 巡视整改), the monthly flow-monitoring bulletin of the month before
(``make_report`` + the report writer), and the quarterly data-quality check
(``services.dataquality.check_store``). ``run_due`` is what the in-server scheduler calls at
its hour and what ``jianguan schedule run-due`` calls once; both record each run (start, end,
outcome, message) in ``uow.schedule`` — the start in its own transaction first, so that a run
that dies half-way still shows as begun and never finished.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jianguan.domain import inspection as insp
from jianguan.domain import rectification as rect
from jianguan.domain.ledger import LedgerAction
from jianguan.domain.reports import Period, ReportKind, format_name
from jianguan.domain.rulebook import Rulebook
from jianguan.domain.schedule import (
    JOBS,
    Cadence,
    Job,
    JobView,
    Outcome,
    Run,
    is_due,
    job_views,
    previous_slot,
    slot,
)
from jianguan.services.dataquality import check_store
from jianguan.services.monitoring import monitor_and_record
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.indicators import IndicatorSource
from jianguan.services.ports.reports import ReportWriter
from jianguan.services.reporting import make_report


@dataclass(frozen=True)
class Deps:
    """What the jobs need; ``jianguan.bootstrap.App.schedule_deps`` builds it."""

    uow: Callable[[], UnitOfWork]
    rules: Rulebook
    indicators: Callable[[], IndicatorSource]
    writer: Callable[[], ReportWriter]
    today: Callable[[], dt.date]
    now: Callable[[], dt.datetime]
    out_dir: Path  # where the scheduled reports go
    formats: tuple[str, ...]
    jobs: tuple[str, ...]  # the jobs switched on


LOG = logging.getLogger(__name__)


def _monitoring(d: Deps, day: dt.date) -> str:
    findings, changes = monitor_and_record(d.uow(), d.rules, day)
    shown = "，".join(f"{a.zh}{n}" for a in LedgerAction if (n := changes.get(a, 0)))
    return f"{day.isoformat()} 流程监控：发现问题{len(findings)}个；台账{shown or '无变化'}"


def _reminders(d: Deps, day: dt.date) -> str:
    uow = d.uow()
    with uow:
        rects = uow.responsibility.rectifications()
        inspections = uow.inspection.all()
    tasks = rect.reminders(rects, day, d.rules.responsibility.remind_days)
    overdue = sum(1 for t in tasks if t.overdue)
    missing = sum(len(rect.missing_reports(r, day)) for r in rects if r.closed_on is None)
    items = transfers = reports = 0
    for i in inspections:
        s = insp.status(i, day)
        items += len(s.overdue)
        transfers += len(s.transfers_overdue)
        reports += int(s.report_overdue)
    return (
        f"整改任务临期{len(tasks) - overdue}项、逾期{overdue}项，缺少巡视整改月度进展报告{missing}份；"
        f"巡视整改事项逾期{items}项，移交事项逾期未反馈{transfers}件，"
        f"集中整改进展情况报告逾期未报送{reports}起"
    )


def _bulletin(d: Deps, day: dt.date) -> str:
    month = previous_slot(Cadence.MONTHLY, day)
    period = Period("month", month.year, month.month)
    report = make_report(ReportKind.MONTHLY_BULLETIN, d.uow(), d.indicators(), d.rules, period, day)
    paths = d.writer().write(report, d.out_dir, d.formats)
    made = "、".join(format_name(p.suffix) for p in paths)  # the files are listed on the page
    return f"{period.zh}办案流程监控通报（{report.doc_number}）已生成：{made}"


def _data_quality(d: Deps, day: dt.date) -> str:
    quarter = previous_slot(Cadence.QUARTERLY, day)
    issues = check_store(d.uow(), as_of=day, rules=d.rules.dataquality)
    kinds = Counter(i.kind for i in issues)
    shown = "，".join(f"{k.zh}{n}件" for k, n in sorted(kinds.items()))
    period = Period("quarter", quarter.year, (quarter.month - 1) // 3 + 1)
    return (
        f"{period.zh}数据质量核查：问题{len(issues)}个，涉及案件{len({i.case_id for i in issues})}件"
        + (f"（{shown}）" if shown else "")
    )


RUNNERS: dict[str, Callable[[Deps, dt.date], str]] = {
    "daily-monitoring": _monitoring,
    "reminders": _reminders,
    "monthly-bulletin": _bulletin,
    "quarterly-data-quality": _data_quality,
}


def enabled_jobs(d: Deps) -> list[Job]:
    return [j for j in JOBS if j.id in d.jobs]


def run_job(d: Deps, job: Job, trigger: str) -> Run:
    """Run ``job`` for the current slot and record it: started, then succeeded or failed."""
    day = d.today()
    due = slot(job.cadence, day)
    uow = d.uow()
    with uow:
        run_id = uow.schedule.start(job.id, due, d.now(), trigger)
        uow.commit()
    try:
        message, outcome = RUNNERS[job.id](d, day), Outcome.SUCCESS
    except Exception as exc:  # every failure is recorded and shown, none stops the others
        zh = getattr(exc, "zh", None)
        message = f"{type(exc).__name__}: {zh or exc}"
        outcome = Outcome.FAILED
        LOG.exception("scheduled job %s failed", job.id)
    uow = d.uow()
    with uow:
        uow.schedule.finish(run_id, d.now(), outcome.value, message)
        uow.commit()
        return next(r for r in uow.schedule.runs(50, job.id) if r.id == run_id)


def due_jobs(d: Deps, only: Sequence[str] = ()) -> list[Job]:
    """The enabled jobs (or ``only`` of them) with no successful run in the current slot."""
    jobs = [j for j in enabled_jobs(d) if not only or j.id in only]
    uow = d.uow()
    with uow:
        last = uow.schedule.last_runs([j.id for j in jobs])
    day = d.today()
    return [j for j in jobs if is_due(j, last[j.id][1], day)]


def run_due(
    d: Deps, *, trigger: str = "cli", only: Sequence[str] = (), force: bool = False
) -> list[Run]:
    """Run every due job (every enabled one, or ``only`` of them, when ``force``), in order."""
    jobs = [j for j in enabled_jobs(d) if not only or j.id in only] if force else due_jobs(d, only)
    return [run_job(d, j, trigger) for j in jobs]


def overview(d: Deps, limit: int = 100) -> tuple[list[JobView], list[Run]]:
    """Each enabled job's state (missed, due, never run, on schedule) and the latest runs."""
    jobs = enabled_jobs(d)
    uow = d.uow()
    with uow:
        last = uow.schedule.last_runs([j.id for j in jobs])
        runs = uow.schedule.runs(limit)
    return job_views(jobs, last, d.now(), d.today()), runs
