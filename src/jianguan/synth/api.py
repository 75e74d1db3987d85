"""``generate``: write a synthetic data set (format v1) with planted defects and their truth."""

from __future__ import annotations

import csv
import datetime as dt
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path

import orjson

from jianguan.domain.calendar import WorkCalendar
from jianguan.synth.chunk import ChunkResult, Setup, Worker, init_process, run_in_process
from jianguan.synth.fastcal import FastCalendar
from jianguan.synth.geo import places
from jianguan.synth.org import Org, build_org
from jianguan.synth.patterns import Plan, Rewriter, make_plan, reassigner, volume_truth
from jianguan.synth.skeleton import Skeleton, build_skeleton

CHUNK = 5000
SPAN_AFTER_END = 600  # days of calendar kept after ``end`` (returns, court, archiving)
VERSION = 1


@dataclass(frozen=True, slots=True)
class SynthSummary:
    units: int
    people: int
    cases: int
    defects: int
    by_category: Mapping[str, int]
    defects_by_kind: Mapping[str, int]
    elapsed_seconds: float
    anomalies: int = 0  # planted patterns (anomalies.jsonl), when asked for


def generate(
    out_dir: Path,
    *,
    calendar: WorkCalendar,
    cases: int,
    seed: int,
    start: dt.date = dt.date(2024, 1, 1),
    end: dt.date = dt.date(2025, 12, 31),
    defect_rate: float = 0.0,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    plant: bool = False,
    open_share: float | None = None,
) -> SynthSummary:
    """Write units.csv, people.csv, cases.jsonl, defects.jsonl and manifest.json into ``out_dir``.

    ``calendar`` is the official working-day calendar the dates are drawn on (the rulebook's).
    The files depend only on the arguments other than ``workers`` and ``progress``. ``progress``
    is called with the number of cases written so far, after each chunk. ``plant`` adds the
    patterns of ``synth.patterns`` and writes their truth to anomalies.jsonl. ``open_share``
    crowds that share of the cases into the last days before ``end``, so that about as many
    are still open at ``end`` (a store with many open cases, to measure monitoring on).
    """
    began = time.perf_counter()
    _check(calendar, cases, start, end, defect_rate)
    if open_share is not None and not 0.0 <= open_share <= 1.0:
        raise ValueError("open_share must be between 0 and 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    org = build_org(seed)
    _write_org(out_dir, org)
    plan = make_plan(seed, places(), start, end) if plant else None
    fc, sk, setup = _prepare(calendar, seed, cases, start, end, defect_rate, plan, open_share)
    n_workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    results = _results(setup, sk, n_workers, org, fc)
    cats, kinds = _write_cases(out_dir, results, progress)
    truth = volume_truth(plan, sk, places()) if plan is not None else []
    if plan is not None:
        Rewriter(plan, seed, calendar).run(out_dir, truth)
    manifest = {
        "generator": "jianguan.synth",
        "version": VERSION,
        "seed": seed,
        "cases": cases,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": end.isoformat(),
        "defect_rate": defect_rate,
    }
    if open_share is not None:
        manifest["open_share"] = open_share
    if plan is not None:
        manifest["plant_anomalies"] = True
    (out_dir / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return SynthSummary(
        len(org.units),
        len(org.people),
        cases,
        sum(kinds.values()),
        dict(sorted(cats.items())),
        dict(sorted(kinds.items())),
        time.perf_counter() - began,
        len(truth),
    )


def _prepare(
    calendar: WorkCalendar,
    seed: int,
    cases: int,
    start: dt.date,
    end: dt.date,
    rate: float,
    plan: Plan | None = None,
    open_share: float | None = None,
) -> tuple[FastCalendar, Skeleton, Setup]:
    """Calendar tables, the skeleton of all cases, and what workers need to fill it in."""
    first, last = start - dt.timedelta(days=7), end + dt.timedelta(days=SPAN_AFTER_END)
    fc = FastCalendar(calendar, first, last)
    hook = reassigner(plan, seed, places()) if plan is not None else None
    sk = build_skeleton(
        seed, cases, fc, calendar, places(), start.toordinal(), end.toordinal(), hook, open_share
    )
    setup = Setup(
        seed, first.toordinal(), last.toordinal(), end.toordinal(), rate, sk.totals, calendar
    )
    return fc, sk, setup


def _check(calendar: WorkCalendar, cases: int, start: dt.date, end: dt.date, rate: float) -> None:
    years = calendar.years
    if cases < 0:
        raise ValueError("cases must be >= 0")
    if end < start:
        raise ValueError("end must not be before start")
    if start.year not in years or end.year not in years:
        raise ValueError(f"start and end must lie in the calendar's years {years[0]}–{years[-1]}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError("defect_rate must be between 0 and 1")


def _write_org(out_dir: Path, org: Org) -> None:
    with (out_dir / "units.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent"])
        for u in org.units:
            w.writerow([u.place.code, u.place.name, u.place.level, u.place.parent])
    with (out_dir / "people.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "name", "unit", "department", "role", "in_quota", "senior"])
        for p in org.people:
            w.writerow(
                [
                    p.id,
                    p.name,
                    p.unit,
                    p.department,
                    p.role,
                    "true" if p.in_quota else "false",
                    "true" if p.senior else "false",
                ]
            )


def _write_cases(
    out_dir: Path, results: Iterator[ChunkResult], progress: Callable[[int], None] | None
) -> tuple[Counter[str], Counter[str]]:
    """Stream chunk results, in order, to cases.jsonl and defects.jsonl; count them."""
    cats: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    with (
        (out_dir / "cases.jsonl").open("wb") as fcases,
        (out_dir / "defects.jsonl").open("wb") as fdefects,
    ):
        for result in results:
            fcases.write(result.cases)
            fdefects.write(result.defects)
            cats.update(result.by_category)
            kinds.update(result.by_kind)
            if progress is not None:
                progress(sum(cats.values()))
    return cats, kinds


def _chunks(sk: Skeleton) -> Iterator[tuple[int, int, Skeleton]]:
    for k, lo in enumerate(range(0, len(sk), CHUNK)):
        yield k, lo, sk.part(lo, lo + CHUNK)


def _results(
    setup: Setup, sk: Skeleton, workers: int, org: Org, fc: FastCalendar, method: str | None = None
) -> Iterator[ChunkResult]:
    """Chunk results in chunk order; in this process or in a pool of ``workers``."""
    if workers == 1 or len(sk) <= CHUNK:
        worker = Worker(setup, org, fc)
        for k, lo, part in _chunks(sk):
            yield worker.run(k, lo, part)
        return
    context = multiprocessing.get_context(method)
    with context.Pool(workers, initializer=init_process, initargs=(setup,)) as pool:
        pending: deque[AsyncResult[ChunkResult]] = deque()
        for k, lo, part in _chunks(sk):
            pending.append(pool.apply_async(run_in_process, (k, lo, part)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
