"""Scheduled work (定时任务): the record of every run of a job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from jianguan.domain.schedule import Run


class ScheduleRepository(Protocol):
    def start(self, job: str, due: dt.date, started_at: dt.datetime, trigger: str) -> int:
        """Record that a run of ``job`` (for the day ``due``) began; the run's id."""
        ...

    def finish(self, run_id: int, ended_at: dt.datetime, outcome: str, message: str) -> None: ...

    def runs(self, limit: int = 200, job: str | None = None) -> list[Run]:
        """The latest runs, newest first."""
        ...

    def last_runs(self, jobs: Sequence[str]) -> dict[str, tuple[Run | None, Run | None]]:
        """job → (its last run, its last successful run)."""
        ...


class Scheduler(Protocol):
    """A scheduler inside the server: calls its tick at the configured time each day."""

    def start(self) -> None: ...

    def shutdown(self) -> None: ...

    def next_tick(self) -> dt.datetime | None:
        """When the tick runs next (None when stopped)."""
        ...
