"""Throughput of the synthetic data generator, end to end (org, skeleton, cases, files).

    .venv/bin/python bench/bench_synth.py [--cases 100000] [--big] [--workers N] [--keep]

Prints cases/s for 100,000 cases (and for 1,000,000 with --big), the peak RSS of this process
(which writes the files) and of the largest worker process, and the size of cases.jsonl. Each size
runs in a fresh child process so that peak RSS is that run's own. The target is >= 20,000
cases/s on a 2-core machine; machines here are noisy, so run it twice.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(out: Path, cases: int, workers: int | None) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from jianguan.bootstrap import packaged_calendar
    from jianguan.synth import generate

    calendar = packaged_calendar()
    summary = generate(
        out, calendar=calendar, cases=cases, seed=1, defect_rate=0.05, workers=workers
    )
    print(
        json.dumps(
            {
                "seconds": summary.elapsed_seconds,
                "defects": summary.defects,
                "rss_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "rss_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "bytes": (out / "cases.jsonl").stat().st_size,
            }
        )
    )


def measure(cases: int, workers: int | None, keep: bool) -> None:
    out = Path(tempfile.mkdtemp(prefix=f"bench-synth-{cases}-"))
    cmd = [sys.executable, __file__, "--child", str(out), "--cases", str(cases)]
    if workers:
        cmd += ["--workers", str(workers)]
    try:
        line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        r = json.loads(line.strip().splitlines()[-1])
    finally:
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
    print(
        f"{cases:>9,} cases  {r['seconds']:7.2f} s  {cases / r['seconds']:9,.0f} cases/s  "
        f"peak RSS main {r['rss_main']:6.0f} MiB, worker {r['rss_worker']:6.0f} MiB  "
        f"cases.jsonl {r['bytes'] / 2**20:8.0f} MiB  defects {r['defects']:,}"
        + (f"  kept in {out}" if keep else "")
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--big", action="store_true", help="also 1,000,000 cases")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated folders")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.cases, args.workers)
        return
    measure(args.cases, args.workers, args.keep)
    if args.big:
        measure(1_000_000, args.workers, args.keep)


if __name__ == "__main__":
    main()
