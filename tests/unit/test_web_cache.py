"""The pages' short-lived cache (web/cache.py): a value kept a moment ago is served at once
while one background computation replaces it; a write (``clear``) shows at once."""

from __future__ import annotations

import threading

from jianguan.web.cache import MAX_KEYS, Cache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Gated:
    """A computation that returns 1, 2, 3 … and, once ``hold`` is set, waits until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.hold = False
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> int:
        self.calls += 1
        if self.hold:
            self.entered.set()
            assert self.release.wait(5)
        return self.calls


def settle(cache: Cache) -> None:
    """Wait for the background computations the cache started."""
    for t in threading.enumerate():
        if t.name.startswith("jianguan-cache-"):
            t.join(5)


def test_a_fresh_value_is_kept_for_its_seconds() -> None:
    clock, compute = Clock(), Gated()
    cache = Cache(5, stale_seconds=60, clock=clock)
    assert cache.get("k", compute) == 1
    clock.now += 4.9
    assert cache.get("k", compute) == 1
    assert compute.calls == 1


def test_an_expired_value_is_served_while_one_background_computation_replaces_it() -> None:
    clock, compute = Clock(), Gated()
    cache = Cache(5, stale_seconds=60, clock=clock)
    assert cache.get("k", compute) == 1
    clock.now += 6
    compute.hold = True
    assert cache.get("k", compute) == 1  # at once: the stale value, not a wait
    assert compute.entered.wait(5)
    assert cache.get("k", compute) == 1  # still computing: no second computation
    assert cache.peek("k") is None  # nothing fresh yet
    compute.release.set()
    settle(cache)
    assert compute.calls == 2
    assert cache.get("k", compute) == 2  # the background's result, fresh
    assert cache.peek("k") == 2


def test_a_value_older_than_the_stale_window_is_computed_while_the_caller_waits() -> None:
    clock, compute = Clock(), Gated()
    cache = Cache(5, stale_seconds=60, clock=clock)
    cache.get("k", compute)
    clock.now += 5 + 60
    assert cache.get("k", compute) == 2
    assert not [t for t in threading.enumerate() if t.name.startswith("jianguan-cache-")]


def test_without_a_stale_window_an_expired_value_is_computed_again_at_once() -> None:
    clock, compute = Clock(), Gated()
    cache = Cache(5, clock=clock)
    cache.get("k", compute)
    clock.now += 5
    assert cache.get("k", compute) == 2


def test_clear_drops_stale_values_too() -> None:
    """A write through this process shows at once: nothing kept before it is served."""
    clock, compute = Clock(), Gated()
    cache = Cache(5, stale_seconds=60, clock=clock)
    cache.get("k", compute)
    clock.now += 6
    cache.clear()
    assert cache.get("k", compute) == 2
    assert compute.calls == 2


def test_a_computation_begun_before_a_clear_is_not_kept() -> None:
    clock, compute = Clock(), Gated()
    cache = Cache(5, stale_seconds=60, clock=clock)
    cache.get("k", compute)
    clock.now += 6
    compute.hold = True
    cache.get("k", compute)  # starts the background computation, which reads before the write
    assert compute.entered.wait(5)
    cache.clear()  # the write
    compute.release.set()
    settle(cache)
    compute.hold = False
    assert cache.peek("k") is None  # what it read before the write was not kept
    assert cache.get("k", compute) == 3


def test_ready_answers_at_once_with_the_stale_value_or_nothing() -> None:
    clock, compute = Clock(), Gated()
    cache = Cache(300, stale_seconds=3600, clock=clock)
    assert cache.ready("k", compute) == (False, None)  # started, not waited for
    settle(cache)
    assert cache.ready("k", compute) == (True, 1)
    clock.now += 301
    assert cache.ready("k", compute) == (True, 1)  # the page still shows it …
    settle(cache)
    assert cache.ready("k", compute) == (True, 2)  # … until the new one is in


def test_a_failing_background_computation_keeps_the_stale_value() -> None:
    clock = Clock()
    cache = Cache(5, stale_seconds=60, clock=clock)
    cache.get("k", lambda: "kept")

    def broken() -> str:
        raise RuntimeError("store unreachable")

    clock.now += 6
    assert cache.get("k", broken) == "kept"
    settle(cache)
    assert cache.get("k", lambda: "new") == "kept"  # still served, and computed again
    settle(cache)
    assert cache.peek("k") == "new"


def test_a_value_may_be_none() -> None:
    clock = Clock()
    cache = Cache(5, stale_seconds=60, clock=clock)
    calls: list[int] = []

    def nothing() -> None:
        calls.append(1)

    cache.get("k", nothing)
    cache.get("k", nothing)
    assert calls == [1]


def test_a_value_put_after_a_clear_it_was_computed_before_is_not_kept() -> None:
    # The case list's total is counted along with its page and put; a write between the
    # count and the put must not leave the old total for the cache's seconds.
    cache = Cache(5, clock=Clock())
    before = cache.generation()
    cache.clear()
    cache.put("total", 41, before)
    assert cache.peek("total") is None
    cache.put("total", 42, cache.generation())
    assert cache.peek("total") == 42


def test_a_full_cache_lets_go_of_the_value_used_longest_ago_only() -> None:
    # A province's figures (13–18 s to count at 1 M cases) must not go because many small
    # keys came after them: they are read often, so they stay.
    cache = Cache(300, clock=Clock())
    cache.put("province", "figures", cache.generation())
    for i in range(MAX_KEYS - 1):
        cache.put(("unit", i), i, cache.generation())
    assert cache.peek("province") == "figures"  # read: now the most recently used
    cache.put(("unit", "one more"), 0, cache.generation())
    assert cache.peek("province") == "figures"
    assert cache.peek(("unit", 0)) is None  # the one used longest ago made room
    assert cache.peek(("unit", 1)) == 1
    assert cache.peek(("unit", "one more")) == 0
