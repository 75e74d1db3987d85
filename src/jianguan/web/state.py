"""What every request shares: the application (store, rulebook, clock) and the web's settings.

Kept apart from ``app.py`` so that routers can reach the state without importing the module that
imports them (no cycle inside the web package)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import cast

from fastapi import Request

from jianguan.bootstrap import App
from jianguan.domain.rulebook import Rulebook
from jianguan.services.accounts import LoginThrottle
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.accounts import PasswordHasher
from jianguan.web.cache import Cache


@dataclass(frozen=True)
class WebConfig:
    secure_cookies: bool = True  # off only for plain http on localhost (jianguan serve says so)
    heavy_seconds: float = 300.0  # how long a scope's data quality and anomalies are kept
    heavy_stale_seconds: float = 3600.0  # then still shown while computed again (web/cache.py)
    # how long a scope's dashboard counts are kept (issue 17: the home page under load); a
    # change made through this process clears them at once (app.py ForgetCounts)
    counts_seconds: float = 5.0
    # past that, still served while one computation in the background replaces them, so no
    # request waits for a count kept a moment ago; older than this they are computed at once
    counts_stale_seconds: float = 60.0
    # None: from the settings (JIANGUAN_SESSION_IDLE_MINUTES, _SESSION_HOURS, _UPLOAD_LIMIT_KB)
    idle_minutes: float | None = None
    session_hours: float | None = None
    upload_limit_kb: int | None = None
    threads: int | None = None  # None: JIANGUAN_WEB_THREADS


STAFF_ID = re.compile(r"[A-Z]+\d+")  # P000657: the staff list's ids


@dataclass(frozen=True)
class Names:
    """People and units by name (a page shows 张三 and 天河区院, not P000657 and 440111)."""

    people: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)

    def person(self, pid: str | None) -> str:
        if not pid:
            return "—"
        return self.people.get(pid, pid)

    def actor(self, by: str | None, lang: str = "zh") -> str:
        """Who did something: a person by name; the platform's own work (the demo, an import,
        a scheduled run: an actor that is no staff id) as 系统; the id of a person no longer on
        the staff list as it is."""
        if not by:
            return "—"
        if by in self.people or STAFF_ID.fullmatch(by):
            return self.people.get(by, by)
        return "system" if lang == "en" else "系统"

    def unit(self, code: str | None) -> str:
        if not code:
            return "—"
        return self.units.get(code, code)


class Web:
    """``app.state.web``: one per application."""

    def __init__(self, app: App, config: WebConfig) -> None:
        self.app = app
        self.config = config
        self.throttle = LoginThrottle()  # wrong logins per user name and per client address
        # data quality, anomalies: per scope
        self.heavy = Cache(config.heavy_seconds, stale_seconds=config.heavy_stale_seconds)
        # dashboard counts, workbench lists: per scope, a few seconds
        self.counts = Cache(config.counts_seconds, stale_seconds=config.counts_stale_seconds)
        # figures over a scope: the indicators (a province's catalogue 18 s at 1 M cases) and
        # the year's unit evaluation and person assessment (the whole province's: its rates
        # are the baseline; 13–14 s); kept like data quality, but cleared with the counts by
        # any change made through the web (a decision or a list entry changes them). Two
        # caches: past its bound of keys a cache drops every value, and the indicators' keys
        # (unit × indicator × period) must not drop the few years' evaluations with them
        self.figures = Cache(config.heavy_seconds, stale_seconds=config.heavy_stale_seconds)
        self.yearly = Cache(config.heavy_seconds, stale_seconds=config.heavy_stale_seconds)
        st = app.settings
        idle = config.idle_minutes if config.idle_minutes is not None else st.session_idle_minutes
        hours = config.session_hours if config.session_hours is not None else st.session_hours
        limit = config.upload_limit_kb if config.upload_limit_kb is not None else st.upload_limit_kb
        self.idle_seconds = float(idle) * 60.0
        self.session_lifetime = dt.timedelta(hours=float(hours))
        self.body_limit = int(limit) * 1024  # bytes of a request body (BodyLimit in app.py)
        self.threads = config.threads if config.threads is not None else st.web_threads
        self._names = Cache(60.0)

    def names(self) -> Names:
        """Names of people and units, read once a minute (the staff list changes by import)."""

        def read() -> Names:
            with self.uow() as uow:
                people = {p.id: p.name for p in uow.cases.people()}
                units = {u.code: u.name for u in uow.cases.units()}
            return Names(people, units)

        return cast(Names, self._names.get("names", read))

    @property
    def rules(self) -> Rulebook:
        return self.app.rules

    @property
    def hasher(self) -> PasswordHasher:
        return self.app.hasher

    def uow(self) -> UnitOfWork:
        return self.app.uow()

    def today(self) -> dt.date:
        """The day countdowns count from (the demo's as-of day, or today)."""
        return self.app.today()

    def now(self) -> dt.datetime:
        return self.app.now()


def login_keys(request: Request, username: str) -> list[str]:
    """What wrong logins are counted against: the user name, and the client's address."""
    client = request.client.host if request.client else "-"
    return [f"user:{username}", f"client:{client}"]


def web_of(request: Request) -> Web:
    return cast(Web, request.app.state.web)
