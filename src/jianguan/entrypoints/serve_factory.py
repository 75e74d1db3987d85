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
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.connection import wait
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


def balanced() -> bool:
    """Whether the kernel spreads connections over sockets bound to one port (Linux's
    SO_REUSEPORT); elsewhere the processes share one socket (uvicorn's own workers)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def serve_processes(host: str, port: int, workers: int) -> None:
    """``workers`` server processes, each listening on a socket of its own bound to the same
    port (SO_REUSEPORT), so that the kernel deals new connections out among them evenly.

    With one shared socket (uvicorn's workers) whichever process was waiting took the next
    connection, and a kept-alive connection stays with the process that took it: at 16 in
    flight on two processes one of them queued most of the requests (docs/benchmarks.md, fifth
    session: the worst p95 rose from 299 to 970 ms). A process that stops is started again;
    SIGTERM or SIGINT stops them all."""
    spawn = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start(i: int) -> multiprocessing.process.BaseProcess:
        process = spawn.Process(target=_serve_one, args=(host, port), name=f"jianguan-web-{i}")
        process.start()
        return process

    def stop(_signum: int, _frame: object) -> None:
        stopping.set()

    before = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    processes = [start(i) for i in range(workers)]
    try:
        while not stopping.is_set():
            wait([p.sentinel for p in processes], timeout=0.5)
            for i, p in enumerate(processes):
                if not p.is_alive() and not stopping.is_set():
                    time.sleep(0.5)  # a process failing at start is not restarted in a spin
                    processes[i] = start(i)
    finally:
        for p in processes:
            p.terminate()  # SIGTERM: uvicorn finishes the requests in hand, then exits
        for p in processes:
            p.join(timeout=15)
            if p.is_alive():
                p.kill()
        for s, handler in before.items():
            signal.signal(s, handler)


def _serve_one(host: str, port: int) -> None:
    """One server process on a socket of its own (SO_REUSEPORT with its siblings')."""
    import uvicorn

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(2048)
    config = uvicorn.Config(
        "jianguan.entrypoints.serve_factory:create_site",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[sock])
