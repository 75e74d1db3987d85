"""The scheduler inside the server (APScheduler's ``BackgroundScheduler``, one thread).

Each day at the configured time (China Standard Time) it calls its tick — the services'
``run_due`` — which runs the jobs that are due and records every run; once at start it ticks
too (when asked), so that work missed while the server was down is caught up. A tick that
finds the previous one still running is skipped (``max_instances=1``); ticks missed while the
process slept are coalesced into one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from jianguan.adapters.clock import CST

LOG = logging.getLogger(__name__)
JOB_ID = "jianguan-run-due"


class InServerScheduler:
    def __init__(
        self,
        tick: Callable[[], object],
        at: dt.time,
        *,
        catch_up: bool = True,
        start_delay: float = 5.0,
    ) -> None:
        self._tick = tick
        self._at = at
        self._catch_up = catch_up
        self._delay = start_delay  # the catch-up waits for the server to be up
        self._scheduler: BackgroundScheduler | None = None

    def _run(self) -> None:
        try:
            self._tick()
        except Exception:  # the runs record their own failures; this is the scheduler's own
            LOG.exception("the scheduled tick failed")

    def start(self) -> None:
        if self._scheduler is not None:
            return
        scheduler = BackgroundScheduler(timezone=CST, daemon=True)
        trigger = CronTrigger(hour=self._at.hour, minute=self._at.minute, timezone=CST)
        scheduler.add_job(self._run, trigger, id=JOB_ID, coalesce=True, max_instances=1,
                          misfire_grace_time=6 * 3600)  # fmt: skip
        if self._catch_up:
            scheduler.add_job(self._run, "date", id=JOB_ID + "-start",
                              run_date=dt.datetime.now(CST) + dt.timedelta(seconds=self._delay))  # fmt: skip
        scheduler.start()
        self._scheduler = scheduler

    def next_tick(self) -> dt.datetime | None:
        if self._scheduler is None:
            return None
        job = self._scheduler.get_job(JOB_ID)
        return None if job is None else job.next_run_time

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
