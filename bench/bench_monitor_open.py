"""Flow monitoring on stores with many open cases, on PostgreSQL (issue 17 item 3).

    .venv/bin/jianguan synth --out var/bench-open/open-126000 --cases 126000 --seed 1 \\
        --defect-rate 0.05 --open-share 0.9
    .venv/bin/python bench/bench_monitor_open.py var/bench-open/open-126000 [var/bench-open/...] \\
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432] [--change 0.01]

For each data set (made with ``--open-share``): imports it into its own database
``bench_monitor_<cases>`` (created when missing; reused when it already holds the set), then,
as of the manifest's as-of:

1. ``monitor`` — the full evaluation, read-only (what bench_monitor.py times);
2. ``monitor_and_record`` once to fill the ledger (not timed: its first run opens every entry),
   then ``monitor_and_record(full=True)`` — the full recorded run;
3. a delta import changing ``--change`` of the cases (the major-case flag toggled, which moves
   their review due dates), then ``monitor_and_record`` — the incremental run, checked equal
   to a full evaluation;
4. the hand-written DuckDB review_overdue query of bench_monitor.py on the same file, as peer.

With two or more sets, the growth exponent log(t_large / t_small) / log(n_large / n_small) of
the full evaluation and of the full recorded run, over the open cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import shutil
import time
from pathlib import Path

import orjson
from bench_monitor import duckdb_overdue
from sqlalchemy import create_engine, text

from jianguan.adapters.store import monitor_sql
from jianguan.bootstrap import App, bootstrap
from jianguan.domain.monitoring import Finding
from jianguan.domain.provenance import ExportScope
from jianguan.services.importing import import_dataset, store_summary
from jianguan.services.monitoring import _kept_findings, monitor, monitor_and_record

# Nothing else writes to the bench's store while it runs, so the watermark needs no margin for
# concurrent platform writes; with it, every case imported in the last ten minutes would count
# as changed (the store was just loaded).
monitor_sql.WRITE_MARGIN_US = 0


def database(base: str, name: str) -> str:
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{base}/{name}"


def load(app: App, folder: Path, cases: int) -> None:
    if store_summary(app.uow())[0].get("cases", 0) == cases:
        return
    start = time.perf_counter()
    feed = app.open_dataset(folder)
    if import_dataset(feed, app.uow()).errors:
        raise SystemExit("import refused")
    feed.close()
    print(f"  import: {time.perf_counter() - start:.1f} s (not part of the timings)")


def open_cases(folder: Path, as_of: dt.date) -> int:
    n = 0
    for line in (folder / "cases.jsonl").open("rb"):
        closed = orjson.loads(line)["closed_on"]
        n += closed is None or dt.date.fromisoformat(closed) > as_of
    return n


def changed_delta(folder: Path, share: float, work: Path, seed: int, toggle: bool = True) -> int:
    """A delta data set holding ``share`` of the cases, each with its major-case flag toggled
    (a re-import of it changes exactly those cases)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in ("units.csv", "people.csv"):
        shutil.copy(folder / name, work / name)
    rnd, n = random.Random(seed), 0
    with (work / "cases.jsonl").open("wb") as out:
        for line in (folder / "cases.jsonl").open("rb"):
            if rnd.random() < share:
                case = orjson.loads(line)
                case["major_complex"] = case["major_complex"] is not toggle
                out.write(orjson.dumps(case) + b"\n")
                n += 1
    return n


def timed(what: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn()
    took = time.perf_counter() - start
    print(f"  {what}: {took:.1f} s")
    return took, out


def kept(app: App, as_of: dt.date, full: bool) -> list[Finding]:
    """What ``monitor_and_record`` evaluates, without the ledger: the kept findings of the
    whole store (incremental unless ``full``), committed for the next run, plus the others."""
    with app.uow() as uow:
        found = _kept_findings(uow, app.rules, as_of, full)
        uow.commit()
    return found


def bench(folder: Path, base: str, share: float, ledger: bool) -> dict[str, float]:
    manifest = json.loads((folder / "manifest.json").read_text())
    cases, as_of = int(manifest["cases"]), dt.date.fromisoformat(manifest["as_of"])
    url = database(base, f"bench_monitor_{cases}")
    n_open = open_cases(folder, as_of)
    print(f"{folder.name}: {cases} cases, {n_open} open as of {as_of}; {url}")
    app = bootstrap(db_url=url)
    load(app, folder, cases)
    t_eval, whole = timed("full evaluation (monitor, read-only)", lambda: monitor(
        app.uow(), app.rules, as_of))  # fmt: skip
    print(f"  findings: {len(whole)}")
    if ledger:
        timed("first recorded run (fills the ledger)", lambda: monitor_and_record(
            app.uow(), app.rules, as_of, full=True))  # fmt: skip
        t_full, _ = timed("full recorded run (--full)", lambda: monitor_and_record(
            app.uow(), app.rules, as_of, full=True))  # fmt: skip
    else:
        t_full, _ = timed("full kept evaluation (no ledger)", lambda: kept(app, as_of, True))
    work = folder.parent / f"{folder.name}-delta"
    changed = changed_delta(folder, share, work, seed=cases)
    feed = app.open_dataset(work)
    _, report = timed(f"delta import of {changed} changed cases", lambda: import_dataset(
        feed, app.uow(), scope=ExportScope.DELTA, since=as_of))  # fmt: skip
    feed.close()
    assert not report.errors
    if ledger:
        t_inc, (found, changes) = timed("incremental recorded run", lambda: monitor_and_record(
            app.uow(), app.rules, as_of))  # fmt: skip
    else:
        t_inc, found = timed("incremental kept evaluation (no ledger)", lambda: kept(
            app, as_of, False))  # fmt: skip
        changes = {}
    check = monitor(app.uow(), app.rules, as_of)
    toggle_back = changed_delta(folder, share, work, seed=cases, toggle=False)
    feed = app.open_dataset(work)  # the store as the file again, for the DuckDB peer and reruns
    assert toggle_back == changed
    assert not import_dataset(feed, app.uow()).errors
    feed.close()
    app.close()
    if found != check:
        raise SystemExit("the incremental run disagrees with a full evaluation")
    print(f"  incremental == full evaluation ({len(found)} findings); ledger {dict(changes)}")
    t_duck, duck = duckdb_overdue(folder, as_of)
    mine = {f.case_id for f in whole if f.rule == "review_overdue"}  # before the change
    print(f"  DuckDB review_overdue query: {t_duck:.2f} s ({len(duck)} cases; ours {len(mine)})")
    if mine != duck:
        raise SystemExit("DuckDB and monitor disagree on review_overdue")
    return {"open": n_open, "eval": t_eval, "full": t_full, "inc": t_inc, "duck": t_duck}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    ap.add_argument("--change", type=float, default=0.01)
    ap.add_argument("--no-ledger", action="store_true", help="time the evaluations only")
    args = ap.parse_args()
    rows = [bench(f, args.pg, args.change, not args.no_ledger) for f in args.folders]
    print("open cases | full evaluation | full run | incremental after change | DuckDB")
    for r in rows:
        print(f"{r['open']:>10} | {r['eval']:.1f} s | {r['full']:.1f} s | {r['inc']:.1f} s | "
              f"{r['duck']:.2f} s")  # fmt: skip
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        scale = math.log(large["open"] / small["open"])
        for key in ("eval", "full"):
            print(f"growth exponent ({key}): {math.log(large[key] / small[key]) / scale:.2f}")


if __name__ == "__main__":
    main()
