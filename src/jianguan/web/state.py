"""What every request shares: the application (store, rulebook, clock) and the web's settings.

Kept apart from ``app.py`` so that routers can reach the state without importing the module that
imports them (no cycle inside the web package)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from fastapi import Request

from jianguan.bootstrap import App
from jianguan.domain.rulebook import Rulebook
from jianguan.services.accounts import LoginThrottle
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.accounts import PasswordHasher


@dataclass(frozen=True)
class WebConfig:
    secure_cookies: bool = True  # off only for plain http on localhost (jianguan serve says so)


class Web:
    """``app.state.web``: one per application."""

    def __init__(self, app: App, config: WebConfig) -> None:
        self.app = app
        self.config = config
        self.throttle = LoginThrottle()  # wrong logins per user name and per client address

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
