"""Results kept for a short time per key (a scope), for the pages that count or scan.

Three promises, each for a reason measured under load (docs/benchmarks.md, issue 17 and 18):

- **computed once**: callers asking for the same key at the same moment wait for the first
  computation instead of running their own;
- **never a wait for a value kept a moment ago** (``stale_seconds``): once a value has expired,
  for a while it is still served, and one computation in the background replaces it — the
  dashboard counts of a busy user took 30–90 ms every 5 s, during which that user's requests
  waited;
- **a change shows at once**: ``clear`` (after a write through this process) drops every value,
  stale ones too, and a computation begun before it does not store what it found.

One process's memory; timed by a monotonic clock (the application's clock may be pinned), which
the tests replace."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MAX_KEYS = 256  # bounded: past it the value used longest ago makes room


class Cache:
    def __init__(
        self,
        seconds: float,
        *,
        stale_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.stale_seconds = stale_seconds  # how long past its time a value is still served
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[object, threading.Lock] = {}
        self._values: dict[object, tuple[float, Any]] = {}  # key: (expires at, value)
        self._running: set[object] = set()  # keys computed in the background just now
        self._generation = 0  # one more at every clear

    def get(self, key: object, compute: Callable[[], Any]) -> Any:
        """The value kept for ``key``; a stale one while a fresh one is computed in the
        background; else computed now (once, whoever else asks meanwhile)."""
        with self._lock:
            fresh, stale = self._lookup(key)
            if fresh is not None:
                return fresh[0]
            if stale is not None:
                self._start(key, compute)
                return stale[0]
        return self._compute(key, compute)

    def ready(self, key: object, compute: Callable[[], Any]) -> tuple[bool, Any]:
        """``(True, value)`` when a value is kept (a stale one while it is computed again);
        else the computation is started in the background (once) and ``(False, None)`` comes
        back at once: a page then says it is being computed and asks again, and no request
        waits for it."""
        with self._lock:
            fresh, stale = self._lookup(key)
            kept = fresh if fresh is not None else stale
            if fresh is None:
                self._start(key, compute)
        return (True, kept[0]) if kept is not None else (False, None)

    def peek(self, key: object) -> Any:
        """The fresh value kept for ``key``, or None (nothing is computed)."""
        with self._lock:
            fresh, _ = self._lookup(key)
            return fresh[0] if fresh is not None else None

    def generation(self) -> int:
        """How many times the cache was cleared: read it before computing a value to ``put``."""
        with self._lock:
            return self._generation

    def put(self, key: object, value: Any, generation: int) -> None:
        """Keep ``value`` for ``key`` (computed by the caller along with something else), unless
        the cache was cleared since ``generation`` was read: then a write came meanwhile and the
        value may be out of date."""
        with self._lock:
            if generation == self._generation:
                self._keep(key, value)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation += 1

    # One-element tuples: a kept value may itself be None.
    def _lookup(self, key: object) -> tuple[tuple[Any] | None, tuple[Any] | None]:
        """(fresh value, stale value still served) of ``key``; the caller holds the lock."""
        hit = self._values.get(key)
        if hit is None:
            return None, None
        expires, value = hit
        now = self._clock()
        if now < expires:
            self._values[key] = self._values.pop(key)  # the most recently used is kept longest
            return (value,), None
        if now < expires + self.stale_seconds:
            return None, (value,)
        return None, None

    def _keep(self, key: object, value: Any) -> None:
        """Keep ``value``; a full cache first lets go of the value used longest ago (dicts keep
        their order: a key read fresh moves to the end). Dropping every value when full, as
        this did before, threw a province's figures away with the many small ones that filled
        it, 13–18 s each to count again at 1 M cases."""
        self._values.pop(key, None)
        if len(self._values) >= MAX_KEYS:
            del self._values[next(iter(self._values))]
        self._values[key] = (self._clock() + self.seconds, value)

    def _compute(self, key: object, compute: Callable[[], Any]) -> Any:
        with self._lock:
            lock = self._keys.setdefault(key, threading.Lock())
        with lock:  # one computation per key; the others wait for it, then read it
            with self._lock:
                fresh, _ = self._lookup(key)
                if fresh is not None:
                    return fresh[0]
                generation = self._generation
            value = compute()
            with self._lock:
                if generation == self._generation:  # else a write came meanwhile: not kept
                    self._keep(key, value)
            return value

    def _start(self, key: object, compute: Callable[[], Any]) -> None:
        """Compute ``key`` in a background thread unless one already is; the caller holds
        the lock."""
        if key in self._running:
            return
        self._running.add(key)

        def run() -> None:
            try:
                self._compute(key, compute)
            except Exception:  # the page keeps its stale value or asks again; the log says why
                log.exception("background computation of %r failed", key)
            finally:
                with self._lock:
                    self._running.discard(key)

        threading.Thread(target=run, name=f"jianguan-cache-{key}", daemon=True).start()
