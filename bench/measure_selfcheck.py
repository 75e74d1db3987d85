"""Recall and precision of the one-click self-check (self-check rules + the case's monitoring
rules) on `jianguan synth --cases 100000 --defect-rate 0.05 --seed 1`, written into
docs/selfcheck.md (between the `measured` markers).

    .venv/bin/python bench/measure_selfcheck.py [--cases 100000] [--no-write]

The set is generated afresh into bench/out/selfcheck-<cases> (the generator's planted kinds
change with it), imported into a fresh SQLite file, and every case is checked as
`jianguan check --all` does, as of the manifest's `as_of`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import time
from pathlib import Path

import orjson
from measured import write_measured

from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.powers_file import default_powers
from jianguan.adapters.selfcheck_file import default_selfcheck_rules
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.entrypoints.check_cli import check_cases
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import score, score_table
from jianguan.synth import generate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "selfcheck.md"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    folder = OUT / f"selfcheck-{args.cases}"
    shutil.rmtree(folder, ignore_errors=True)
    generate(folder, cases=args.cases, seed=1, defect_rate=0.05, workers=2)
    db = OUT / f"selfcheck-{args.cases}.db"
    db.unlink(missing_ok=True)
    store = SqlStore(f"sqlite:///{db}")
    feed = FileFeed(folder)
    if import_dataset(feed, store).errors:
        raise SystemExit("import refused")
    feed.close()
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    start = time.perf_counter()
    found = {(f.case_id, f.kind) for f in check_cases(store, None, as_of, default_powers())}
    seconds = time.perf_counter() - start
    store.close()
    truth = {
        (r["case_id"], r["kind"])
        for r in map(orjson.loads, (folder / "defects.jsonl").read_bytes().splitlines())
    }
    kinds = [r.kind for r in default_selfcheck_rules().rules]
    kinds += [r.kind for r in default_rules().rules if not r.warning and r.kind not in kinds]
    table = score_table(score(found, truth, kinds))
    head = (
        f"`jianguan synth --cases {args.cases} --defect-rate 0.05 --seed 1`, as of {as_of}, "
        f"SQLite; `jianguan check --all` took {seconds:.1f} s ({args.cases / seconds:,.0f} "
        f"cases/s) for {len(found)} (case, kind) pairs."
    )
    print(head + "\n\n" + table)
    if not args.no_write:
        write_measured(DOC, f"{head}\n\n{table}")


if __name__ == "__main__":
    main()
