"""Generating one chunk of cases, in a worker process or in the calling one.

A worker is set up once (organisation, calendar tables) from picklable arguments, so it works
with any multiprocessing start method (fork, spawn, forkserver). Each chunk draws from its own
stream, ``random.Random(f"{seed}:{chunk}")``, so a chunk's bytes do not depend on which process
made them or in what order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

import orjson

from jianguan.domain.calendar import WorkCalendar
from jianguan.synth.arrest import arrest_review
from jianguan.synth.charges import ChargeDraw
from jianguan.synth.common import Ctx, Json, Slot
from jianguan.synth.defects import IMPLIES
from jianguan.synth.fastcal import FastCalendar
from jianguan.synth.org import Org, build_org
from jianguan.synth.prosecution import prosecution_review
from jianguan.synth.skeleton import AR, CATEGORIES, PR, Skeleton
from jianguan.synth.supervision import supervision_case


@dataclass(frozen=True, slots=True)
class Setup:
    """Everything a worker needs besides its chunks (small and picklable)."""

    seed: int
    first: int  # calendar span (ordinals)
    last: int
    end: int  # the data set's end (ordinal)
    rate: float
    totals: dict[tuple[int, int, int], int]
    calendar: WorkCalendar  # the official working-day calendar (picklable, a few KB)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    cases: bytes
    defects: bytes
    by_category: dict[str, int]
    by_kind: dict[str, int]


class Worker:
    def __init__(
        self, setup: Setup, org: Org | None = None, fc: FastCalendar | None = None
    ) -> None:
        self.setup = setup
        self.org = org if org is not None else build_org(setup.seed)
        self.fc = (
            fc
            if fc is not None
            else FastCalendar(
                setup.calendar,
                dt.date.fromordinal(setup.first),
                dt.date.fromordinal(setup.last),
            )
        )
        self.draw = ChargeDraw()

    def run(self, chunk: int, first_index: int, part: Skeleton) -> ChunkResult:
        s = self.setup
        ctx = Ctx(
            fc=self.fc,
            org=self.org,
            rng=random.Random(f"{s.seed}:{chunk}"),
            seed=s.seed,
            end=s.end,
            rate=s.rate,
            totals=s.totals,
            draw=self.draw,
        )
        out, bad = bytearray(), bytearray()
        cats: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        dumps = orjson.dumps
        for i in range(len(part)):
            slot = Slot(
                first_index + i,
                part.day[i],
                part.unit[i],
                part.cat[i],
                part.serial[i],
                part.uni_year[i],
                part.uni_serial[i],
                part.link[i],
                part.link_day[i],
                part.arrested[i],
            )
            case, kind = _one(ctx, slot)
            out += dumps(case)
            out += b"\n"
            cats[CATEGORIES[slot.cat]] += 1
            for planted in (kind, *IMPLIES.get(kind, ())) if kind else ():
                bad += dumps({"case_id": case["case_id"], "kind": planted})
                bad += b"\n"
                kinds[planted] += 1
        return ChunkResult(bytes(out), bytes(bad), dict(cats), dict(kinds))


def _one(ctx: Ctx, slot: Slot) -> tuple[Json, str]:
    if slot.cat == AR:
        return arrest_review(ctx, slot)
    if slot.cat == PR:
        return prosecution_review(ctx, slot)
    return supervision_case(ctx, slot)


_WORKER: Worker | None = None


def init_process(setup: Setup) -> None:
    global _WORKER
    _WORKER = Worker(setup)


def run_in_process(chunk: int, first_index: int, part: Skeleton) -> ChunkResult:
    assert _WORKER is not None, "init_process was not called"
    return _WORKER.run(chunk, first_index, part)
