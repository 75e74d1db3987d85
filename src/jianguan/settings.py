"""The one settings object. Every setting can come from the environment (JIANGUAN_*).

| setting | env | default | meaning |
|---|---|---|---|
| data_dir | JIANGUAN_DATA_DIR | ./var | where the embedded store and generated demo data live |
| database_url | JIANGUAN_DATABASE_URL | sqlite:///<data_dir>/jianguan.db | the store (SQLite file or PostgreSQL URL) |
| lang | JIANGUAN_LANG | zh | language of messages for users: zh (Chinese, with English) or en |
| schedule_enabled | JIANGUAN_SCHEDULE_ENABLED | true | run the scheduled work inside `jianguan serve` (docs/schedule.md) |
| schedule_time | JIANGUAN_SCHEDULE_TIME | 02:00 | the time of day (China Standard Time) the due jobs run |
| schedule_jobs | JIANGUAN_SCHEDULE_JOBS | every job | the jobs to run, comma-separated |
| schedule_formats | JIANGUAN_SCHEDULE_FORMATS | docx,pdf,xlsx | the formats of the scheduled bulletin |
| schedule_catch_up | JIANGUAN_SCHEDULE_CATCH_UP | true | run what is due shortly after the server starts |
| session_idle_minutes | JIANGUAN_SESSION_IDLE_MINUTES | 30 | a web login ends after this long without a request |
| session_hours | JIANGUAN_SESSION_HOURS | 12 | and this long after it began, whatever the activity (at most 12) |
| upload_limit_kb | JIANGUAN_UPLOAD_LIMIT_KB | 1024 | the largest request body the web reads (413 above it) |
| web_threads | JIANGUAN_WEB_THREADS | 4 | requests one server process works on at once (the others wait their turn) |
| import_workers | JIANGUAN_IMPORT_WORKERS | 1 on ≤ 2 cores, else cores − 1 (at most 4) | processes that decode a large cases.jsonl (1: none) |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_import_workers(cores: int | None) -> int:
    """Decoding workers pay only with a core to spare: measured on 2 cores with the database
    server on the same machine, two workers took twice the CPU of one process (start-up, and
    rows sent between processes) and no less time. Beyond four the single writer (one
    transaction) is the limit, not decoding."""
    if not cores or cores <= 2:
        return 1
    return min(4, cores - 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIANGUAN_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    lang: Literal["zh", "en"] = "zh"
    # scheduled work (定时任务, docs/schedule.md)
    schedule_enabled: bool = True
    schedule_time: str = Field(default="02:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    schedule_jobs: str = "daily-monitoring,reminders,monthly-bulletin,quarterly-data-quality"
    schedule_formats: str = "docx,pdf,xlsx"
    schedule_catch_up: bool = True
    # web login sessions (web/auth.py): ended after this long without a request, and this long
    # after the login whatever happens (at most the 12 hours a session is stored for)
    session_idle_minutes: int = Field(default=30, ge=1)
    session_hours: float = Field(default=12.0, gt=0, le=12)
    upload_limit_kb: int = Field(default=1024, ge=1)  # the largest request body the web reads
    # Requests one server process works on at once (its thread pool). The pages are CPU-bound
    # Python: 16 threads at once cost each page 1.7× its CPU (the interpreter's lock passed to
    # and fro) and more than doubled the slowest answers; 4 leave room for a slow export or a
    # database wait (docs/benchmarks.md, issue 18).
    web_threads: int = Field(default=4, ge=1, le=64)
    import_workers: int = Field(default_factory=lambda: default_import_workers(os.cpu_count()))

    def store_url(self, override: str | None = None) -> str:
        """The database URL: `--db` wins, then JIANGUAN_DATABASE_URL, then the embedded file."""
        if override:
            return override
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'jianguan.db').resolve()}"
