"""Detection rate of each planted pattern, and false alarms with and without plants.

    .venv/bin/python bench/measure_anomalies.py [--cases 100000] [--seeds 1 2 3] [--workers 2]

For each seed, two data sets are generated with the same seed: one with ``plant=True``
(``jianguan synth --plant-anomalies``) and one without. Anomalies (``services.anomalies``) and
data-quality issues (``domain.dataquality``) are found in both, straight from the files.

* A planted level shift counts as found when a ``level_shift`` of the received series, same unit
  and direction, starts within one month of the planted month; a sudden drop when a
  ``sudden_drop`` or a downward ``level_shift`` of the received series names the unit within one
  month; padding when a ``padding`` anomaly names the unit and month; a duplicate or a split when
  every case it names carries an issue of that kind.
* False alarms: every anomaly of the clean set (per unit-month tested), and every anomaly of the
  planted set that matches no plant. Data-quality issues on the clean set are false alarms too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jianguan.bootstrap import open_dataset, packaged_calendar  # noqa: E402
from jianguan.domain.anomalies import AnomalyKind, Direction, Series  # noqa: E402
from jianguan.domain.dataquality import Issue, IssueKind, check_all  # noqa: E402
from jianguan.domain.model import Case  # noqa: E402
from jianguan.services.anomalies import Anomaly, find_anomalies  # noqa: E402
from jianguan.synth import generate  # noqa: E402

SHIFT, DROP, PADDING = AnomalyKind.LEVEL_SHIFT, AnomalyKind.SUDDEN_DROP, AnomalyKind.PADDING


def load(folder: Path) -> list[Case]:
    feed = open_dataset(folder)
    org, errors = feed.organisation()
    assert not errors, errors
    out = []
    for _, r in feed.cases(org):
        assert not isinstance(r, list), r
        out.append(r)
    feed.close()
    return out


def _month_gap(a: str, b: str) -> int:
    return abs((int(a[:4]) * 12 + int(a[5:7])) - (int(b[:4]) * 12 + int(b[5:7])))


def matches(t: dict[str, object], a: Anomaly) -> bool:
    if a.unit != t["unit"]:
        return False
    near = _month_gap(a.period, str(t["period"])) <= 1
    received = a.series == Series.RECEIVED
    if t["kind"] == SHIFT:
        return a.kind is SHIFT and received and a.direction is Direction.UP and near
    if t["kind"] == DROP:
        down = a.kind is DROP or (a.kind is SHIFT and a.direction is Direction.DOWN)
        return down and received and near
    if t["kind"] == PADDING:
        return a.kind is PADDING and a.period == t["period"]
    return False


def found_issue(t: dict[str, object], issues: list[Issue]) -> bool:
    kinds = {(i.case_id, i.kind) for i in issues}
    ids = t["case_ids"]
    assert isinstance(ids, list)
    return all((cid, t["kind"]) in kinds for cid in ids)


def side_effect(a: Anomaly, truth: list[dict[str, object]]) -> bool:
    """An anomaly a plant causes elsewhere in its own unit (e.g. the month after padding has fewer
    decisions, a drop shows in the decided series too): not a false alarm, not counted as found."""
    return any(t["unit"] == a.unit and t["kind"] in (SHIFT, DROP, PADDING)
               and _month_gap(a.period, str(t["period"])) <= 2 for t in truth)  # fmt: skip


def tests_made(cases: list[Case]) -> tuple[int, int]:
    """(unit series judged for shifts and drops, unit-months judged for padding) — the
    denominators of the false-alarm rates."""
    received: Counter[tuple[str, tuple[int, int]]] = Counter()
    decided: Counter[tuple[str, tuple[int, int]]] = Counter()
    for c in cases:
        received[(c.unit, (c.received_on.year, c.received_on.month))] += 1
        if c.decision is not None:
            decided[(c.unit, (c.decision.on.year, c.decision.on.month))] += 1
    months = len({m for _, m in received})
    per_unit: Counter[str] = Counter()
    for (unit, _), n in received.items():
        per_unit[unit] += n
    series = sum(1 for n in per_unit.values() if n / months >= 5)
    return 2 * series, sum(1 for n in decided.values() if n >= 20)


def _card(folder: Path) -> set[str]:
    """Cases planted with an incomplete card (defects.jsonl): real issues, not false alarms."""
    rows = [orjson.loads(x) for x in (folder / "defects.jsonl").read_bytes().splitlines()]
    return {r["case_id"] for r in rows if r["kind"] == "card_incomplete"}


@dataclass
class Found:
    anomalies: list[Anomaly]
    issues: list[Issue]
    seconds: float
    cases: int


@dataclass
class Result:
    plants: Counter[str]
    hits: Counter[str]
    stray: list[Anomaly]
    stray_dq: list[Issue]
    clean: list[Anomaly]
    clean_dq: list[Issue]
    seconds: float
    cases: int


def run(seed: int, n: int, workers: int, tmp: Path) -> Result:
    cal = packaged_calendar()
    planted, clean = tmp / f"p{seed}", tmp / f"c{seed}"
    generate(planted, calendar=cal, cases=n, seed=seed, defect_rate=0.05, workers=workers,
             plant=True)  # fmt: skip
    generate(clean, calendar=cal, cases=n, seed=seed, defect_rate=0.05, workers=workers)
    truth = [orjson.loads(x) for x in (planted / "anomalies.jsonl").read_bytes().splitlines()]
    out: dict[str, Found] = {}
    for name, folder in (("planted", planted), ("clean", clean)):
        cases = load(folder)
        began = time.perf_counter()
        anomalies = find_anomalies(cases, cal)
        issues = check_all(cases)
        out[name] = Found(anomalies, issues, time.perf_counter() - began, len(cases))
        if name == "clean":
            series, unit_months = tests_made(cases)
            print(f"  seed {seed}: clean set judged {series} unit series (shifts, drops), "
                  f"{unit_months} unit-months (padding)")  # fmt: skip
    p_anoms, p_issues = out["planted"].anomalies, out["planted"].issues
    hits: Counter[str] = Counter()
    plants: Counter[str] = Counter()
    for t in truth:
        plants[t["kind"]] += 1
        if t["kind"] in (IssueKind.DUPLICATE, IssueKind.SPLIT):
            hits[t["kind"]] += found_issue(t, p_issues)
        else:
            hits[t["kind"]] += any(matches(t, a) for a in p_anoms)
    stray = [
        a for a in p_anoms if not any(matches(t, a) for t in truth) and not side_effect(a, truth)
    ]
    planted_ids = {
        c
        for t in truth
        if t["kind"] in (IssueKind.DUPLICATE, IssueKind.SPLIT)
        for c in t["case_ids"]
    }
    stray_dq = [i for i in p_issues if i.case_id not in planted_ids | _card(planted)]
    found = out["clean"]
    card = _card(clean)
    missing = {i.case_id for i in found.issues if i.kind is IssueKind.MISSING_FIELD}
    print(f"  seed {seed}: missing card fields found {len(missing & card)} of {len(card)} planted "
          f"card_incomplete defects; {len(missing - card)} other")  # fmt: skip
    c_issues = [i for i in found.issues if i.case_id not in card]
    return Result(plants, hits, stray, stray_dq, found.anomalies, c_issues, found.seconds,
                  found.cases)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    plants: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            r = run(seed, args.cases, args.workers, Path(tmp))
            plants.update(r.plants)
            hits.update(r.hits)
            print(f"seed {seed}: {r.cases} cases, detection + checks {r.seconds:.1f} s; "
                  f"false alarms: clean set {len(r.clean)} anomalies, {len(r.clean_dq)} (dq); "
                  f"planted set {len(r.stray)} stray anomalies, {len(r.stray_dq)} stray dq")  # fmt: skip
            if args.verbose:
                for a in [*r.clean, *r.stray]:
                    print("   ", a.kind, a.unit, a.series, a.period, a.direction, a.explanation)
    print("detection (found / planted):")
    for kind in sorted(plants):
        print(
            f"  {kind:12s} {hits[kind]:3d} / {plants[kind]:3d}  ({hits[kind] / plants[kind]:.0%})"
        )


if __name__ == "__main__":
    main()
