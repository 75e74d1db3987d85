"""What every request shares: the application (store, rulebook, clock) and the web's settings.

Kept apart from ``app.py`` so that routers can reach the state without importing the module that
imports them (no cycle inside the web package)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from fastapi import Request

from jianguan.bootstrap import App
from jianguan.domain.rulebook import Rulebook
from jianguan.services.accounts import LoginThrottle
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.accounts import PasswordHasher


@dataclass(frozen=True)
class WebConfig:
    secure_cookies: bool = True  # off only for plain http on localhost (jianguan serve says so)
    heavy_seconds: float = 300.0  # how long a scope's data quality and anomalies are kept
    # how long a scope's dashboard counts are kept (issue 17: the home page under load); a
    # change made through this process clears them at once (app.py ForgetCounts)
    counts_seconds: float = 5.0
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


class Cache:
    """Results kept for a short time per key (a scope), computed once even when several
    requests ask at the same moment: the others wait for the first instead of computing again.

    One process's memory; timed by a monotonic clock (the application's clock may be pinned)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._keys: dict[object, threading.Lock] = {}
        self._values: dict[object, tuple[float, Any]] = {}
        self._running: set[object] = set()

    def get(self, key: object, compute: Callable[[], Any]) -> Any:
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] > time.monotonic():
                return hit[1]
            lock = self._keys.setdefault(key, threading.Lock())
        with lock:  # one computation per key; the others wait for it, then read it
            with self._lock:
                hit = self._values.get(key)
                if hit is not None and hit[0] > time.monotonic():
                    return hit[1]
            value = compute()
            self.put(key, value)
            return value

    def peek(self, key: object) -> Any:
        """The fresh value kept for ``key``, or None (nothing is computed)."""
        with self._lock:
            hit = self._values.get(key)
            return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def put(self, key: object, value: Any) -> None:
        """Keep ``value`` for ``key`` (computed by the caller along with something else)."""
        with self._lock:
            if len(self._values) > 256:  # bounded: stale scopes are dropped together
                self._values.clear()
            self._values[key] = (time.monotonic() + self.seconds, value)

    def ready(self, key: object, compute: Callable[[], Any]) -> tuple[bool, Any]:
        """``(True, value)`` when a fresh value is kept; else the computation is started in the
        background (once) and ``(False, None)`` comes back at once: a page then says it is
        being computed and asks again, and no request waits for it."""
        with self._lock:
            hit = self._values.get(key)
            if hit is not None and hit[0] > time.monotonic():
                return True, hit[1]
            if key in self._running:
                return False, None
            self._running.add(key)

        def run() -> None:
            try:
                self.get(key, compute)
            finally:
                with self._lock:
                    self._running.discard(key)

        threading.Thread(target=run, name=f"jianguan-cache-{key}", daemon=True).start()
        return False, None

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class Web:
    """``app.state.web``: one per application."""

    def __init__(self, app: App, config: WebConfig) -> None:
        self.app = app
        self.config = config
        self.throttle = LoginThrottle()  # wrong logins per user name and per client address
        self.heavy = Cache(config.heavy_seconds)  # data quality, anomalies: per scope
        self.counts = Cache(config.counts_seconds)  # dashboard counts: per scope, a few seconds
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
