"""Progress of long commands (issue 17, item 5), on stderr so that stdout stays the result.

On a terminal: a bar with the count, the total, the rate and the time left. Otherwise (a log,
CI, a pipe): a plain line when a stage starts, at each quarter, and when it ends, with its count,
rate and time, so that a log of a night's import says how far it got.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Tick = Callable[[int], None]  # the count done so far


def _on_terminal(stream: TextIO) -> bool:
    return stream.isatty()


@contextmanager
def stage(
    label: str, total: int, unit: str, *, quiet_below: int = 0, scale: int = 1
) -> Iterator[Tick]:
    """Report the progress of one stage of ``total`` ``unit``s; yields the tick to call with
    the count done. Below ``quiet_below`` the stage is too short to be worth a bar or lines.
    ``scale``: the count is in ``scale``ths of a unit (bytes shown as MiB: 2**20)."""
    stream = sys.stderr
    if total < quiet_below:
        yield lambda done: None
        return
    shown = _Scaled(scale)
    if _on_terminal(stream):
        with _bar(label, shown(total), unit) as tick:
            yield lambda done: tick(shown(done))
        return
    with _lines(label, shown(total), unit, stream) as tick:
        yield lambda done: tick(shown(done))


class _Scaled:
    def __init__(self, scale: int) -> None:
        self.scale = scale

    def __call__(self, count: int) -> int:
        return count // self.scale


@contextmanager
def _bar(label: str, total: int, unit: str) -> Iterator[Tick]:
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    start = time.perf_counter()
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, rate="")

        def tick(done: int) -> None:
            elapsed = max(time.perf_counter() - start, 1e-9)
            bar.update(task, completed=done, rate=f"{done / elapsed:,.0f} {unit}/s")

        yield tick


@contextmanager
def _lines(label: str, total: int, unit: str, stream: TextIO) -> Iterator[Tick]:
    start = time.perf_counter()
    state = {"done": 0, "next": 1}

    def say(text: str) -> None:
        click.echo(f"[{time.strftime('%H:%M:%S')}] {label}: {text}", file=stream)

    def tick(done: int) -> None:
        state["done"] = done
        if total and done * 4 >= state["next"] * total and state["next"] < 4:
            say(f"{done:,}/{total:,} {unit}（{state['next'] * 25}%），{_rate(done, start, unit)}")
            state["next"] += 1

    say(f"开始 / started, {total:,} {unit}")
    yield tick
    elapsed = time.perf_counter() - start
    done = state["done"] or total
    say(f"完成 / done, {done:,} {unit}，{elapsed:.1f} s，{_rate(done, start, unit)}")


def _rate(done: int, start: float, unit: str) -> str:
    elapsed = max(time.perf_counter() - start, 1e-9)
    return f"{done / elapsed:,.0f} {unit}/s"


@contextmanager
def step(label: str) -> Iterator[None]:
    """A stage whose size is not known beforehand (a snapshot, a monitoring run): a spinner with
    the elapsed time on a terminal, a line at its start and its end otherwise."""
    stream = sys.stderr
    start = time.perf_counter()
    if _on_terminal(stream):
        with Console(stderr=True).status(f"{label} …"):
            yield
        return
    click.echo(f"[{time.strftime('%H:%M:%S')}] {label}: 开始 / started", file=stream)
    yield
    elapsed = time.perf_counter() - start
    click.echo(f"[{time.strftime('%H:%M:%S')}] {label}: 完成 / done, {elapsed:.1f} s", file=stream)
