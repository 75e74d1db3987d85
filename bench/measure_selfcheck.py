"""Recall and precision of the one-click self-check (self-check rules + the case's monitoring
rules) on `jianguan synth --cases 100000 --defect-rate 0.05 --seed 1`, written into
docs/selfcheck.md (between the `measured` markers).

    .venv/bin/python bench/measure_selfcheck.py [--cases 100000] [--no-write] [--db URL]

The set is generated afresh into bench/out/selfcheck-<cases> (the generator's planted kinds
change with it), imported into a fresh SQLite file, and every case is checked as
`jianguan check --all` does, as of the manifest's `as_of`. ``--db``: an empty store to use
instead (PostgreSQL), the same set imported into it.
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
from scoring import score, score_table

from jianguan.bootstrap import bootstrap
from jianguan.services.importing import import_dataset
from jianguan.services.selfcheck import check_cases
from jianguan.synth import generate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DOC = ROOT / "docs" / "selfcheck.md"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--db", default=None, help="an empty store (default: a fresh SQLite file)")
    args = ap.parse_args()
    folder = OUT / f"selfcheck-{args.cases}"
    shutil.rmtree(folder, ignore_errors=True)
    db = OUT / f"selfcheck-{args.cases}.db"
    db.unlink(missing_ok=True)
    app = bootstrap(db_url=args.db or f"sqlite:///{db}")
    backend = "PostgreSQL" if app.store.url.startswith("postgresql") else "SQLite"
    generate(folder, calendar=app.rules.calendar, cases=args.cases, seed=1, defect_rate=0.05,
             workers=2)  # fmt: skip
    feed = app.open_dataset(folder)
    if import_dataset(feed, app.uow()).errors:
        raise SystemExit("import refused")
    feed.close()
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    start = time.perf_counter()
    found = {(f.case_id, f.kind) for f in check_cases(app.uow(), app.rules, None, as_of)}
    seconds = time.perf_counter() - start
    truth = {
        (r["case_id"], r["kind"])
        for r in map(orjson.loads, (folder / "defects.jsonl").read_bytes().splitlines())
    }
    kinds = [r.kind for r in app.rules.selfcheck.rules]
    kinds += [r.kind for r in app.rules.monitoring.rules if not r.warning and r.kind not in kinds]
    app.close()
    table = score_table(score(found, truth, kinds))
    head = (
        f"`jianguan synth --cases {args.cases} --defect-rate 0.05 --seed 1`, as of {as_of}, "
        f"{backend}; `jianguan check --all` took {seconds:.1f} s ({args.cases / seconds:,.0f} "
        f"cases/s) for {len(found)} (case, kind) pairs."
    )
    print(head + "\n\n" + table)
    if not args.no_write:
        write_measured(DOC, f"{head}\n\n{table}")


if __name__ == "__main__":
    main()
