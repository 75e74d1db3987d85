"""The scheduler inside the server (APScheduler): it ticks once at start to catch up, then at
the configured hour of China Standard Time; shutting down stops it."""

from __future__ import annotations

import datetime as dt
import threading

from jianguan.adapters.clock import CST
from jianguan.adapters.scheduler import InServerScheduler


def test_ticks_at_start_and_then_daily_at_the_set_time() -> None:
    ticked = threading.Event()
    scheduler = InServerScheduler(ticked.set, dt.time(2, 30), catch_up=True, start_delay=0.05)
    assert scheduler.next_tick() is None
    scheduler.start()
    try:
        assert ticked.wait(10), "the catch-up tick did not run"
        nxt = scheduler.next_tick()
        assert nxt is not None
        local = nxt.astimezone(CST)
        assert (local.hour, local.minute) == (2, 30)
        assert dt.timedelta(0) < local - dt.datetime.now(CST) <= dt.timedelta(days=1)
    finally:
        scheduler.shutdown()
    assert scheduler.next_tick() is None


def test_a_failing_tick_does_not_stop_the_scheduler() -> None:
    calls: list[int] = []

    def tick() -> None:
        calls.append(1)
        raise RuntimeError("boom")

    scheduler = InServerScheduler(tick, dt.time(3, 0), catch_up=True, start_delay=0.05)
    scheduler.start()
    try:
        for _ in range(200):
            if calls:
                break
            threading.Event().wait(0.05)
        assert calls == [1]
        assert scheduler.next_tick() is not None  # still scheduled
    finally:
        scheduler.shutdown()
