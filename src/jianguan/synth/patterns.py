"""Planted patterns for business management (业务管理): anomalies and data-quality problems.

With ``generate(..., plant=True)`` (``jianguan synth --plant-anomalies``) the data set carries, and
``anomalies.jsonl`` lists, one line per planted pattern (kind, unit, period, case ids):

``level_shift``
    From a chosen month on, a large basic unit receives about 60 % more cases: cases drawn for
    other basic units of the province move to it (each with a small probability, so no donor
    shifts noticeably). ``case_ids``: the unit's cases received from that month on.
``sudden_drop`` (躺平)
    From a chosen month on, 75 % of a large basic unit's new cases go to other basic units.
    ``case_ids``: the unit's (few) cases received from that month on.
``padding`` (注水, end-of-period concentration)
    In a chosen unit and month (never December, which has the province-wide year-end rush
    already), clean criminal cases decided in the first 20 days of the next month are rushed to a
    decision in the last 3 working days of the month, when received (and not returned to the
    investigators) by then: the steps between that day and the decision move onto it, a family
    notice keeps its distance from the decision. ``case_ids``: every case of the unit decided in the window.
``duplicate``
    A clean criminal case entered twice under a new department case number; half of the copies
    keep the unified number, half get a new one (same day, same suspects). ``case_ids``: both.
``split`` (拆案)
    A clean criminal case with several suspects is split: each suspect after the first becomes a
    case of its own, same unified number, stage and day; each suspect's events go with them.
    ``case_ids``: the original and the new cases.

Only cases without a planted defect are touched, so ``defects.jsonl`` stays true. Skeleton
reassignments draw from their own stream, so with ``plant`` off nothing changes, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from jianguan.domain.calendar import WorkCalendar
from jianguan.synth.geo import Place
from jianguan.synth.skeleton import KIND_CODES, Skeleton

SHIFT_UP = 0.6
DROP_SHARE = 0.75
PAD_WINDOW = 3  # working days
PAD_PULL_DAYS = 20
PAD_PROB = 0.9
N_SHIFTS, N_DROPS, N_PADDING, N_DUPLICATES, N_SPLITS = 2, 2, 4, 10, 10
MIN_WEIGHT = 3.0  # only units with enough cases a month are planted with volume patterns
Json = dict[str, Any]


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(slots=True)
class Plan:
    """Which units and months get which pattern; drawn from the seed alone."""

    shifts: dict[int, int] = field(default_factory=dict)  # unit index → first ordinal
    drops: dict[int, int] = field(default_factory=dict)
    padding: list[tuple[str, int, int]] = field(default_factory=list)  # unit code, year, month
    donors: list[int] = field(default_factory=list)  # basic units that may give or take cases
    donor_cum: list[float] = field(default_factory=list)
    p_take: dict[int, float] = field(default_factory=dict)  # shift unit → P(a donor case moves)


def make_plan(seed: int, places: tuple[Place, ...], start: dt.date, end: dt.date) -> Plan:
    rng = random.Random(f"{seed}:patterns")
    months = _months(start, end)
    basic = [i for i, p in enumerate(places) if p.level == "basic"]
    big = [i for i in basic if places[i].weight >= MIN_WEIGHT]
    rng.shuffle(big)
    plan = Plan()
    volume = big[: N_SHIFTS + N_DROPS]
    # A change needs six months of history before it and three months after it to be seen.
    choices = months[6:-3] if len(months) >= 10 else []
    for j, unit in enumerate(volume if choices else []):
        y, m = choices[int(rng.random() * len(choices))]
        first = _month_start(y, m).toordinal()
        (plan.shifts if j < N_SHIFTS else plan.drops)[unit] = first
    pad_units = big[N_SHIFTS + N_DROPS : N_SHIFTS + N_DROPS + N_PADDING]
    pad_months = [ym for ym in months[1:-1] if ym[1] != 12]
    for unit in pad_units if pad_months else []:
        y, m = pad_months[int(rng.random() * len(pad_months))]
        plan.padding.append((places[unit].code, y, m))
    plan.donors = [i for i in basic if i not in plan.shifts and i not in plan.drops]
    total = 0.0
    for i in plan.donors:
        total += places[i].weight
        plan.donor_cum.append(total)
    for unit in plan.shifts:
        plan.p_take[unit] = SHIFT_UP * places[unit].weight / total
    return plan


def reassigner(plan: Plan, seed: int, places: tuple[Place, ...]) -> Callable[[int, int, int], int]:
    """The skeleton hook: the unit a case drawn for ``unit`` on day ``o`` really goes to."""
    rng = random.Random(f"{seed}:patterns:skeleton")
    donors = set(plan.donors)

    def other(rng: random.Random) -> int:
        x = rng.random() * plan.donor_cum[-1]
        lo, hi = 0, len(plan.donor_cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if plan.donor_cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return plan.donors[lo]

    def hook(o: int, unit: int, cat: int) -> int:
        first = plan.drops.get(unit)
        if first is not None and o >= first and rng.random() < DROP_SHARE:
            return other(rng)
        if unit in donors:
            for target, first in plan.shifts.items():
                if o >= first and rng.random() < plan.p_take[target]:
                    return target
        return unit

    return hook


def _case_id(places: tuple[Place, ...], sk: Skeleton, i: int) -> str:
    year = dt.date.fromordinal(sk.day[i]).year
    return f"{places[sk.unit[i]].code}-{year}-{KIND_CODES[sk.cat[i]]}-{sk.serial[i]:06d}"


def volume_truth(plan: Plan, sk: Skeleton, places: tuple[Place, ...]) -> list[Json]:
    """Truth lines for the level shifts and drops: the unit's cases from the change on."""
    out = []
    for kind, units in (("level_shift", plan.shifts), ("sudden_drop", plan.drops)):
        for unit, first in sorted(units.items()):
            ids = [
                _case_id(places, sk, i)
                for i in range(len(sk))
                if sk.unit[i] == unit and sk.day[i] >= first
            ]
            day = dt.date.fromordinal(first)
            out.append({"kind": kind, "unit": places[unit].code, "period": f"{day:%Y-%m}",
                        "direction": "up" if kind == "level_shift" else "down",
                        "case_ids": sorted(ids)})  # fmt: skip
    return out


# ---------------------------------------------------------------- rewriting cases.jsonl


def _window(calendar: WorkCalendar, year: int, month: int) -> list[dt.date]:
    """The last PAD_WINDOW working days of the month."""
    day = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    out: list[dt.date] = []
    while len(out) < PAD_WINDOW:
        if calendar.is_working_day(day):
            out.append(day)
        day -= dt.timedelta(days=1)
    return sorted(out)


def _earlier_steps(case: Json, old: str) -> str:
    """The earliest day the case can be decided on when rushed: not before receipt and
    assignment, nor before a return for supplementary investigation or a retransfer (those
    are the investigators' doing, not the office's)."""
    dates = [case["received_on"], case["assigned_on"]]
    fixed = ("returned_for_investigation", "retransferred")
    dates += [e["on"] for e in case["events"] if e["type"] in fixed and e["on"] < old]
    return str(max(dates))


def _move(event: Json, day: str) -> None:
    """The event onto ``day``; its moment (format 1.1 ``at``) keeps its time of day, so the two
    still agree (an import refuses a moment off the event's day)."""
    event["on"] = day
    if event.get("at"):
        event["at"] = day + event["at"][10:]


def _pull(case: Json, new: dt.date) -> None:
    """Decide the case on ``new`` (earlier than its decision day); what hangs on it moves too:
    steps between ``new`` and the decision are rushed onto ``new``, a family notice keeps its
    distance from the decision."""
    old = case["decision"]["on"]
    shift = (new - dt.date.fromisoformat(old)).days
    iso = new.isoformat()
    case["decision"]["on"] = iso
    if case["closed_on"] == old:
        case["closed_on"] = iso
    for e in case["events"]:
        if iso < e["on"] <= old and e["type"] != "family_notified":
            _move(e, iso)
        elif e["type"] == "family_notified" and e["on"] >= old:
            _move(e, (dt.date.fromisoformat(e["on"]) + dt.timedelta(days=shift)).isoformat())
    for d in case["documents"]:
        if iso < d["issued_on"] <= old:
            d["issued_on"] = iso
    case["events"].sort(key=lambda e: e["on"])
    case["documents"].sort(key=lambda d: d["issued_on"])


def _read(path: Path) -> Iterator[Json]:
    with path.open("rb") as f:
        for line in f:
            yield orjson.loads(line)


class Rewriter:
    """Plants padding, duplicates and splits in a written data set, and writes the truth."""

    def __init__(self, plan: Plan, seed: int, calendar: WorkCalendar) -> None:
        self.plan, self.calendar = plan, calendar
        self.rng = random.Random(f"{seed}:patterns:rewrite")
        self.windows = {(u, y, m): _window(calendar, y, m) for u, y, m in plan.padding}

    def run(self, out_dir: Path, truth: list[Json]) -> None:
        bad = {r["case_id"] for r in _read(out_dir / "defects.jsonl")}
        cases = list(_read(out_dir / "cases.jsonl"))
        clean = [c for c in cases if c["case_id"] not in bad]
        truth += self._padding(clean, cases)
        extra, more = self._duplicates_and_splits(clean)
        truth += more
        with (out_dir / "cases.jsonl").open("wb") as f:
            for c in [*cases, *extra]:
                f.write(orjson.dumps(c) + b"\n")
        with (out_dir / "anomalies.jsonl").open("wb") as f:
            for t in truth:
                f.write(orjson.dumps(t) + b"\n")

    def _padding(self, clean: list[Json], cases: list[Json]) -> list[Json]:
        out = []
        for (unit, y, m), window in self.windows.items():
            nxt = window[-1] + dt.timedelta(days=1)
            while nxt.day != 1:
                nxt += dt.timedelta(days=1)
            last_pull = (nxt + dt.timedelta(days=PAD_PULL_DAYS - 1)).isoformat()
            for c in clean:
                d = c["decision"]
                if (
                    c["unit"] != unit
                    or d is None
                    or c["category"] not in ("arrest_review", "prosecution_review")
                ):
                    continue
                if not nxt.isoformat() <= d["on"] <= last_pull or self.rng.random() >= PAD_PROB:
                    continue
                floor = _earlier_steps(c, d["on"])
                days = [w for w in window if w.isoformat() >= floor]
                if days:
                    _pull(c, days[int(self.rng.random() * len(days))])
            lo, hi = window[0].isoformat(), window[-1].isoformat()
            ids = sorted(c["case_id"] for c in cases if c["unit"] == unit and c["decision"]
                         and lo <= c["decision"]["on"] <= hi)  # fmt: skip
            out.append({"kind": "padding", "unit": unit, "period": f"{y}-{m:02d}",
                        "window": [w.isoformat() for w in window], "case_ids": ids})  # fmt: skip
        return out

    def _duplicates_and_splits(self, clean: list[Json]) -> tuple[list[Json], list[Json]]:
        rng = self.rng
        criminal = [c for c in clean if c["category"] in ("arrest_review", "prosecution_review")
                    and c["suspects"]]  # fmt: skip
        multi = [c for c in criminal if len(c["suspects"]) > 1]
        dups = rng.sample(criminal, min(N_DUPLICATES, len(criminal)))
        taken = {c["case_id"] for c in dups}
        splits = rng.sample(
            [c for c in multi if c["case_id"] not in taken], min(N_SPLITS, len(multi))
        )
        extra: list[Json] = []
        truth: list[Json] = []
        for j, c in enumerate(dups):
            copy = orjson.loads(orjson.dumps(c))
            copy["case_id"] = _new_id(c, 900000 + j)
            check = "same_unified_no"
            if j % 2:
                copy["unified_no"] = f"{c['unit']}-{c['received_on'][:4]}-{900000 + j:06d}"
                check = "same_people_same_day"
            extra.append(copy)
            truth.append({"kind": "duplicate", "unit": c["unit"], "period": c["received_on"][:7],
                          "check": check, "case_ids": sorted([c["case_id"], copy["case_id"]])})  # fmt: skip
        for j, c in enumerate(splits):
            parts = _split(c, 800000 + 10 * j)
            extra += parts
            truth.append({"kind": "split", "unit": c["unit"], "period": c["received_on"][:7],
                          "case_ids": sorted([c["case_id"], *(p["case_id"] for p in parts)])})  # fmt: skip
        return extra, truth


def _new_id(case: Json, serial: int) -> str:
    head = case["case_id"].rsplit("-", 1)[0]
    return f"{head}-{serial:06d}"


def _split(case: Json, serial: int) -> list[Json]:
    """Each suspect after the first becomes a case of its own; the original keeps the first."""
    suspects = case["suspects"]
    parts = []
    for k, s in enumerate(suspects[1:], start=1):
        part = orjson.loads(orjson.dumps(case))
        part["case_id"] = _new_id(case, serial + k)
        part["suspects"] = [s]
        gone = {o["id"] for o in suspects if o["id"] != s["id"]}
        part["events"] = [e for e in part["events"] if e["party"] not in gone]
        parts.append(part)
    others = {s["id"] for s in suspects[1:]}
    case["suspects"] = suspects[:1]
    case["events"] = [e for e in case["events"] if e["party"] not in others]
    return parts
