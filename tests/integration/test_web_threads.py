"""Issue 18: one server process works on at most ``JIANGUAN_WEB_THREADS`` requests at once
(under load, many threads made every page slower: docs/benchmarks.md)."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from jianguan.web import views
from jianguan.web.app import create_app
from tests.integration.web_support import WebData, login, web_data

__all__ = ["web_data"]


def _tokens(client: TestClient) -> float:
    """The thread pool's size in the application's own event loop."""
    assert client.portal is not None

    async def read() -> float:
        return to_thread.current_default_thread_limiter().total_tokens

    return client.portal.call(read)


def test_the_setting_sizes_the_thread_pool(
    web_data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANGUAN_WEB_THREADS", "3")
    with TestClient(create_app(web_data.application(), web_data.config())) as client:
        assert _tokens(client) == 3
    config = dataclasses.replace(web_data.config(), threads=2)  # WebConfig wins over the env
    with TestClient(create_app(web_data.application(), config)) as client:
        assert _tokens(client) == 2


def _peak(web_data: WebData, monkeypatch: pytest.MonkeyPatch, threads: int) -> int:
    """How many home pages were in the works at once when six were asked together."""
    running, peak, lock = 0, 0, threading.Lock()
    real = views.dashboard

    def slow(*args: Any, **kwargs: Any) -> Any:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "dashboard", slow)
    config = dataclasses.replace(web_data.config(), threads=threads)
    answers: list[int] = []
    with TestClient(create_app(web_data.application(), config)) as client:
        login(client, web_data.users["officer_a"].id)
        asking = [
            threading.Thread(target=lambda: answers.append(client.get("/").status_code))
            for _ in range(6)
        ]
        for t in asking:
            t.start()
        for t in asking:
            t.join()
    assert answers == [200] * 6
    return peak


def test_no_more_pages_than_threads_run_at_once(
    web_data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _peak(web_data, monkeypatch, threads=6) > 2  # the six do overlap when allowed to
    assert _peak(web_data, monkeypatch, threads=2) == 2
