"""The web application as each server process builds it (`jianguan serve --workers N`).

uvicorn starts N processes that each import this module and call `create_site`; what the
command line decided (the store, the pinned day, secure cookies, the language) reaches them
through the environment the parent sets before it starts them. The scheduled work runs in the
parent only, once.

What each process keeps in memory is its own: the login throttle and the short caches of
heavy pages count per process (a store-backed throttle would share them).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from jianguan.bootstrap import bootstrap
from jianguan.settings import Settings

_DB, _AS_OF, _SECURE, _LANG = (
    "JIANGUAN_SERVE_DB",
    "JIANGUAN_SERVE_AS_OF",
    "JIANGUAN_SERVE_SECURE_COOKIES",
    "JIANGUAN_LANG",
)


def environment(db_url: str, as_of: dt.date | None, secure: bool, lang: str) -> dict[str, str]:
    """What the parent passes to its server processes."""
    return {
        _DB: db_url,
        _AS_OF: "" if as_of is None else as_of.isoformat(),
        _SECURE: "1" if secure else "0",
        _LANG: lang,
    }


def create_site() -> Any:
    """One process's web application (an ASGI app), on the store the parent named."""
    from jianguan.web.app import create_app
    from jianguan.web.state import WebConfig

    day = os.environ.get(_AS_OF) or None
    app = bootstrap(
        Settings(),
        db_url=os.environ[_DB],
        as_of=None if day is None else dt.date.fromisoformat(day),
    )
    return create_app(app, WebConfig(secure_cookies=os.environ.get(_SECURE) == "1"))
