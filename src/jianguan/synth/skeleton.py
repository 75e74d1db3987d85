"""The skeleton of a data set: for every case, its receipt day, unit, category and numbers.

Drawn once, in the parent process, from the seed and the case count alone, in receipt order, so
that department serials (部门受案号) run in receipt order and unified numbers (统一受案号) are shared by
an arrest review and the prosecution review of the same matter. The chunks handed to workers are
slices of it; everything else about a case is drawn in the worker from the chunk's own stream.

Receipts fall on working days, except arrest-review requests, which also come in on rest days
(police detain at weekends too), at a lower rate. Fewer cases come in around the Spring Festival,
and 2025 is lighter than 2024 (national caseload −14 %, law-and-practice §5).
"""

from __future__ import annotations

import heapq
import random
from array import array
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from jianguan.domain.calendar import WorkCalendar
from jianguan.synth.fastcal import FastCalendar
from jianguan.synth.geo import Place

CATEGORIES = (
    "arrest_review",
    "prosecution_review",
    "criminal_supervision",
    "complaint",
    "civil_supervision",
    "admin_supervision",
    "public_interest",
)
AR, PR, CS, CP, CIV, ADM, PI = range(7)
KIND_CODES = ("XSDB", "XSSC", "XSJD", "KGSS", "MSJD", "XZJD", "GYSS")
# SPP 2024 four-line ratio 84:7:5:4; criminal split 30/55/10/5 (arrest, prosecution,
# criminal litigation supervision, complaints).
SHARES = (25.2, 46.2, 8.4, 4.2, 7.0, 5.0, 4.0)
# Share of a category's cases taken by (basic units per workload, all municipal, provincial).
_LEVEL_SHARE = {
    AR: (0.94, 0.06, 0.0),
    PR: (0.93, 0.07, 0.0),
    CS: (0.82, 0.15, 0.03),
    CP: (0.70, 0.25, 0.05),
    CIV: (0.35, 0.55, 0.10),
    ADM: (0.35, 0.55, 0.10),
    PI: (0.80, 0.19, 0.01),
}
OFF_DAY_AR = 0.15  # arrest requests on a rest day, relative to a working day
YEAR_LOAD = {2024: 1.0, 2025: 0.88}
P_APPROVE = 0.66  # 不捕率 ≈ 34 % (2024–25)
P_TRANSFER = (0.55, 0.93)  # P(a prosecution review follows) after deny / approve
P_PAIR = 0.6  # P(a prosecution-review slot takes a waiting arrest matter of its unit)
GAP = (40, 110)  # days from arrest review received to the matter being transferred
STALE = 90  # a waiting arrest matter older than ready + STALE is dropped


@dataclass(slots=True)
class Skeleton:
    day: array[int] = field(default_factory=lambda: array("i"))
    unit: array[int] = field(default_factory=lambda: array("B"))
    cat: array[int] = field(default_factory=lambda: array("B"))
    serial: array[int] = field(default_factory=lambda: array("i"))
    uni_year: array[int] = field(default_factory=lambda: array("H"))
    uni_serial: array[int] = field(default_factory=lambda: array("i"))
    link: array[int] = field(default_factory=lambda: array("i"))  # arrest slot of a paired PR
    link_day: array[int] = field(default_factory=lambda: array("i"))  # its receipt day, or 0
    arrested: array[int] = field(default_factory=lambda: array("b"))  # 1/0, -1 = n/a
    totals: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (unit, cat, year)

    def __len__(self) -> int:
        return len(self.day)

    def part(self, lo: int, hi: int) -> Skeleton:
        return Skeleton(
            self.day[lo:hi],
            self.unit[lo:hi],
            self.cat[lo:hi],
            self.serial[lo:hi],
            self.uni_year[lo:hi],
            self.uni_serial[lo:hi],
            self.link[lo:hi],
            self.link_day[lo:hi],
            self.arrested[lo:hi],
            {},
        )


def _spring_festivals(calendar: WorkCalendar) -> list[tuple[int, int]]:
    out = []
    for year in calendar.years:
        for h in calendar.schedule(year).holidays:
            if h.name == "春节":
                out.append((h.first.toordinal() - 10, h.last.toordinal() + 7))
    return out


def day_weights(
    fc: FastCalendar,
    calendar: WorkCalendar,
    start: int,
    end: int,
) -> tuple[list[float], float]:
    """Per-day receipt weights, and the arrest-review share to draw on working days."""
    festivals = _spring_festivals(calendar)
    base: list[float] = []
    w_work = w_off = 0.0
    for o in range(start, end + 1):
        w = YEAR_LOAD.get(fc.year(o), 0.85)
        if any(lo <= o <= hi for lo, hi in festivals):
            w *= 0.55
        base.append(w)
        if fc.is_working(o):
            w_work += w
        else:
            w_off += w
    f = SHARES[AR] / sum(SHARES)
    x = f * w_work / (w_work + OFF_DAY_AR * w_off * (1 - f)) if w_work else f
    weights = [
        w if fc.is_working(o) else w * OFF_DAY_AR * x
        for o, w in zip(range(start, end + 1), base, strict=True)
    ]
    return weights, x


OPEN_DAYS = 7  # shorter than the quickest review (7 days in custody): received, still open


def crowd_the_end(weights: list[float], share: float) -> list[float]:
    """Day weights rescaled so that the last ``OPEN_DAYS`` days carry ``share`` of the total
    (their shape, working days and weekends, kept) and the days before the rest."""
    tail = min(OPEN_DAYS, len(weights))
    head, last = weights[:-tail], weights[-tail:]
    if not head or share >= 1.0:
        return [0.0] * len(head) + last
    h, t = sum(head), sum(last)
    scale = share / (1.0 - share) * h / t if t else 0.0
    return head + [w * scale for w in last]


class _Drawer:
    def __init__(self, places: tuple[Place, ...], x_ar: float) -> None:
        rest = (1 - x_ar) / (1 - SHARES[AR] / sum(SHARES)) / sum(SHARES)
        shares = [s * rest for s in SHARES]
        shares[AR] = x_ar
        self.cat_cum = tuple(accumulate(shares))
        self.unit_cum = [self._unit_weights(places, c) for c in range(len(CATEGORIES))]

    @staticmethod
    def _unit_weights(places: tuple[Place, ...], cat: int) -> tuple[float, ...]:
        basic, municipal, provincial = _LEVEL_SHARE[cat]
        total_basic = sum(p.weight for p in places if p.level == "basic")
        n_muni = sum(1 for p in places if p.level == "municipal")
        out = []
        for p in places:
            if p.level == "basic":
                out.append(basic * p.weight / total_basic)
            elif p.level == "municipal":
                load = sum(q.weight for q in places if q.parent == p.code)
                out.append(municipal * (0.5 / n_muni + 0.5 * load / total_basic))
            else:
                out.append(provincial)
        return tuple(accumulate(out))

    def cat(self, rng: random.Random) -> int:
        cum = self.cat_cum
        return min(bisect(cum, rng.random() * cum[-1]), len(cum) - 1)

    def unit(self, rng: random.Random, cat: int) -> int:
        cum = self.unit_cum[cat]
        return min(bisect(cum, rng.random() * cum[-1]), len(cum) - 1)


def build_skeleton(
    seed: int,
    n: int,
    fc: FastCalendar,
    calendar: WorkCalendar,
    places: tuple[Place, ...],
    start: int,
    end: int,
    plant: Callable[[int, int, int], int] | None = None,
    open_share: float | None = None,
) -> Skeleton:
    """Exactly ``n`` case slots in receipt order over [start, end] (ordinals).

    ``plant`` (synth.patterns) may send a case to another unit; it draws from its own stream.
    ``open_share``: that share of the cases is received in the last ``OPEN_DAYS`` days, so
    that about as many are still open at ``end`` (a store under load: issue 17).
    """
    rng = random.Random(f"{seed}:skeleton")
    weights, x_ar = day_weights(fc, calendar, start, end)
    if open_share is not None:
        weights = crowd_the_end(weights, open_share)
    drawer = _Drawer(places, x_ar)
    total = sum(weights)
    sk = Skeleton()
    state = _Numbering()
    cum, done = 0.0, 0
    for i, w in enumerate(weights):
        cum += w
        upto = n if i == len(weights) - 1 else min(n, int(n * cum / total))
        o = start + i
        working = fc.is_working(o)
        year = fc.year(o)
        for _ in range(upto - done):
            cat = drawer.cat(rng) if working else AR
            unit = drawer.unit(rng, cat)
            if plant is not None:
                unit = plant(o, unit, cat)
            state.add(sk, rng, o, year, unit, cat)
        done = upto
    sk.totals = state.serials
    return sk


class _Numbering:
    """Serials, unified numbers and the pairing of arrest and prosecution stages."""

    def __init__(self) -> None:
        self.serials: dict[tuple[int, int, int], int] = {}
        self.matters: dict[tuple[int, int], int] = {}
        self.waiting: dict[int, list[tuple[int, int]]] = {}  # unit -> heap of (ready, slot)

    def add(self, sk: Skeleton, rng: random.Random, o: int, year: int, unit: int, cat: int) -> None:
        key = (unit, cat, year)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        idx = len(sk.day)
        link, arrested = -1, -1
        if cat == PR and rng.random() < P_PAIR:
            link = self._take(unit, o)
        if link >= 0:
            uni_year, uni_serial, arrested = (
                sk.uni_year[link],
                sk.uni_serial[link],
                sk.arrested[link],
            )
        else:
            uni_year = year
            uni_serial = self.matters.get((unit, year), 0) + 1
            self.matters[(unit, year)] = uni_serial
        if cat == AR:
            arrested = int(rng.random() < P_APPROVE)
            if rng.random() < P_TRANSFER[arrested]:
                ready = o + GAP[0] + int(rng.random() * (GAP[1] - GAP[0]))
                heapq.heappush(self.waiting.setdefault(unit, []), (ready, idx))
        sk.day.append(o)
        sk.unit.append(unit)
        sk.cat.append(cat)
        sk.serial.append(serial)
        sk.uni_year.append(uni_year)
        sk.uni_serial.append(uni_serial)
        sk.link.append(link)
        sk.link_day.append(sk.day[link] if link >= 0 else 0)
        sk.arrested.append(arrested)

    def _take(self, unit: int, o: int) -> int:
        heap = self.waiting.get(unit)
        while heap and heap[0][0] + STALE < o:
            heapq.heappop(heap)
        if heap and heap[0][0] <= o:
            return heapq.heappop(heap)[1]
        return -1
