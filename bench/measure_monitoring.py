"""Recall and precision of flow monitoring on `jianguan synth --cases 100000 --defect-rate 0.05
--seed 1`, written into docs/monitoring.md (between the `measured` markers).

    .venv/bin/python bench/measure_monitoring.py [--cases 100000] [--no-write] [--db URL]

Reuses bench/out/synth-<cases> when its manifest matches (bench_import.py makes the same set),
imports it into a fresh SQLite file (or the empty store `--db` names), runs `monitor` as of the manifest's `as_of`, and compares the
(case, kind) pairs found with defects.jsonl.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import orjson
from measured import write_measured
from scoring import score, score_table

from jianguan.bootstrap import App, bootstrap
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import monitor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "monitoring.md"


def dataset(cases: int) -> Path:
    folder = OUT / f"synth-{cases}"
    manifest = folder / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text())["cases"] == cases:
        return folder
    args = ["--out", str(folder), "--cases", str(cases), "--seed", "1", "--defect-rate", "0.05"]
    subprocess.run([sys.executable, "-m", "jianguan", "synth", *args], check=True)
    return folder


def fresh_store(cases: int, url: str | None) -> App:
    """A fresh SQLite file, or the empty store at ``url`` (e.g. a new PostgreSQL schema)."""
    if url:
        return bootstrap(db_url=url)
    db = OUT / f"monitor-{cases}.db"
    db.unlink(missing_ok=True)
    return bootstrap(db_url=f"sqlite:///{db}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--db", default=None, help="an EMPTY store to use instead of a fresh SQLite file"
    )
    args = ap.parse_args()
    folder = dataset(args.cases)
    app = fresh_store(args.cases, args.db)
    feed = app.open_dataset(folder)
    if import_dataset(feed, app.uow()).errors:
        raise SystemExit("import refused")
    feed.close()
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    start = time.perf_counter()
    findings = monitor(app.uow(), app.rules, as_of)
    seconds = time.perf_counter() - start
    kinds = [r.kind for r in app.rules.monitoring.rules if not r.warning]
    app.close()
    truth = {
        (r["case_id"], r["kind"])
        for r in map(orjson.loads, (folder / "defects.jsonl").read_bytes().splitlines())
    }
    table = score_table(score({(f.case_id, f.kind) for f in findings}, truth, kinds))
    head = (
        f"`jianguan synth --cases {args.cases} --defect-rate 0.05 --seed 1`, as of {as_of}, "
        f"{app.url.split(':')[0].split('+')[0]}; monitoring took {seconds:.1f} s for {len(findings)} findings."
    )
    print(head + "\n\n" + table)
    if not args.no_write:
        write_measured(DOC, f"{head}\n\n{table}")


if __name__ == "__main__":
    main()
