"""The import of this working tree against the import of an earlier revision, in one run.

    .venv/bin/python bench/bench_import_vs.py REV [--cases 100000] [--runs 3] [--pg URL]

The issue-17 goal is stated against "today's import in the same run": this checks out REV
(a commit, e.g. the one before a change) into a temporary git worktree and imports the same
synthetic data set (`bench_import.dataset`) into a fresh PostgreSQL schema with each tree in
turn — A (this tree), B (REV), A, B … — so that the machine's drift hits both alike. Each
import is its own child process (decoding in one process, JIANGUAN_IMPORT_WORKERS=1, the
default on ≤ 2 cores), timed from outside with its CPU seconds (user + system) as the kernel
counts them. It prints every pair and the medians of wall, CPU and the ratio A/B per pair.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_import import DEFAULT_PG, ROOT, dataset, drop_schema, pg_schema


def timed_import(src: Path, data: Path, pg: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one import of ``data`` by the code under ``src``."""
    schema = pg_schema(pg)
    try:
        env = {**os.environ, "PYTHONPATH": str(src), "JIANGUAN_IMPORT_WORKERS": "1"}
        url = f"{pg}?options=-csearch_path%3D{schema}"
        cmd = [sys.executable, "-m", "jianguan", "import", str(data), "--db", url]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"import failed under {src}")
        return wall, usage.ru_utime + usage.ru_stime
    finally:
        drop_schema(pg, schema)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("rev", help="the revision to compare with (B)")
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pg", default=DEFAULT_PG)
    args = ap.parse_args()
    data = dataset(args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.rev],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        try:
            pairs = []
            for i in range(args.runs):
                a = timed_import(ROOT / "src", data, args.pg)
                b = timed_import(base / "src", data, args.pg)
                pairs.append((a, b))
                print(f"pair {i + 1}: A {a[0]:.1f} s wall {a[1]:.1f} s CPU | "
                      f"B {b[0]:.1f} s wall {b[1]:.1f} s CPU")  # fmt: skip
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           check=False)  # fmt: skip
    med = statistics.median
    print(f"{args.cases:,} cases, {args.runs} pairs, medians:")
    print(f"  A wall {med(a[0] for a, _ in pairs):.1f} s, B wall {med(b[0] for _, b in pairs):.1f} s,"
          f" A/B {med(a[0] / b[0] for a, b in pairs):.2f}")  # fmt: skip
    print(f"  A CPU {med(a[1] for a, _ in pairs):.1f} s, B CPU {med(b[1] for _, b in pairs):.1f} s,"
          f" A/B {med(a[1] / b[1] for a, b in pairs):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
