"""Indicators on Spark (local mode) vs DuckDB over the same Parquet lake, in one run (issue 17).

    .venv/bin/python bench/bench_spark.py [--cases 2000000] [--unique 1000000]
        [--master local[2]] [--cache /tmp/jg_bench_spark] [--repeat 2] [--driver-memory 6g]

Workload: every indicator of rules/indicators.toml × every unit (rolled up the tree) × month,
the same statement on both engines (``services.indicators.compute``), outputs compared cell by
cell. Data: ``--unique`` cases generated once by jianguan.synth and written straight into a lake
partitioned by province and year (``bootstrap.lake_dataset``, no store import), then the same
set written again under new id prefixes until the lake holds ``--cases`` (every case id and
unified number unique; the work per row is the same). The lake is cached and reused.

Printed (and written as JSON to <cache>/result.json): bytes per case in Parquet, Spark's start,
each engine's time (first run, best of --repeat), the ratio, and the extrapolation to 40 M cases:
Spark's core-seconds scaled linearly in cases, and the executors of 4 cores each it takes to
finish in 10 minutes at an assumed 70 % parallel efficiency. The machine is shared: read the
ratios.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
from pathlib import Path

from jianguan.bootstrap import lake_dataset, rulebook, snapshot_indicators, spark_indicators
from jianguan.services.indicators import compute
from jianguan.synth import generate

RULES = rulebook()
BY = ("unit", "month")
NATIONAL = 40_000_000
DEADLINE_S = 600
EXECUTOR_CORES = 4
EFFICIENCY = 0.7


def lake(cache: Path, cases: int, unique: int) -> Path:
    out = cache / f"lake-{cases}-{unique}"
    if (out / "lake.json").is_file():
        return out
    folder = cache / f"set-{unique}"
    if not (folder / "cases.jsonl").is_file():
        t = time.perf_counter()
        generate(folder, calendar=RULES.calendar, cases=unique, seed=1)
        print(f"generated {unique} cases in {time.perf_counter() - t:.0f} s", flush=True)
    shutil.rmtree(out, ignore_errors=True)
    for i in range(math.ceil(cases / unique)):
        t = time.perf_counter()
        lake_dataset(folder, out, part=f"part-{i}", id_prefix=f"c{i}-", with_org=i == 0)
        print(f"lake part {i} in {time.perf_counter() - t:.0f} s", flush=True)
    shutil.rmtree(folder)  # gigabytes of JSON: the lake is what is kept
    return out


def parquet_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.parquet"))


def timed(fn: object, repeat: int) -> tuple[float, float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return times[0], min(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2_000_000)
    ap.add_argument("--unique", type=int, default=1_000_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/jg_bench_spark"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--driver-memory", default="6g")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    where = lake(args.cache, args.cases, min(args.unique, args.cases))
    manifest = json.loads((where / "lake.json").read_text("utf-8"))
    n = int(manifest["cases"])
    case_bytes = (
        parquet_bytes(where) - parquet_bytes(where / "units") - parquet_bytes(where / "people")
    )
    cat = RULES.indicators

    duck = snapshot_indicators(where, RULES)
    d_first, d_best, d_out = timed(lambda: compute(duck, cat, None, BY), args.repeat)
    duck.close()

    t = time.perf_counter()
    spark = spark_indicators(where, args.master, RULES, driver_memory=args.driver_memory)
    start = time.perf_counter() - t
    s_first, s_best, s_out = timed(lambda: compute(spark, cat, None, BY), args.repeat)
    spark.close()
    assert s_out == d_out, "Spark and DuckDB differ"

    inside = args.master[args.master.find("[") + 1 : -1] if "[" in args.master else "1"
    cores = (os.cpu_count() or 1) if inside == "*" else int(inside)
    core_s_40m = s_best * cores * NATIONAL / n
    executors = math.ceil(core_s_40m / (DEADLINE_S * EXECUTOR_CORES * EFFICIENCY))
    result = {
        "cases": n,
        "master": args.master,
        "cores": cores,
        "cells": len(d_out),  # type: ignore[arg-type]
        "parquet_bytes_cases_tables": case_bytes,
        "bytes_per_case": round(case_bytes / n, 1),
        "spark_start_s": round(start, 1),
        "duckdb_first_s": round(d_first, 2),
        "duckdb_best_s": round(d_best, 2),
        "spark_first_s": round(s_first, 2),
        "spark_best_s": round(s_best, 2),
        "spark_over_duckdb": round(s_best / d_best, 2),
        "spark_core_seconds_at_40m": round(core_s_40m),
        "lake_gb_at_40m": round(case_bytes / n * NATIONAL / 1e9, 1),
        "executors_4_cores_for_10_min_at_40m": executors,
        "assumptions": f"linear in cases; {EXECUTOR_CORES}-core executors at {EFFICIENCY:.0%} efficiency",
        "command": " ".join(sys.argv),
    }
    (args.cache / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
