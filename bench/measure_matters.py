"""Recall and precision of the supervision-matter rules on 20,000 generated matters with planted
defects, written into docs/supervision.md (between the `measured` markers).

    .venv/bin/python bench/measure_matters.py [--matters 20000] [--defect-rate 0.1] [--no-write]

Generates a province (`jianguan synth --cases 2000 --seed 1`, for its units and staff), imports
it into a fresh SQLite file, generates the matters (synth/matters.py) and stores them, runs the
monitoring (cases and matters, one ledger) as of the manifest's day, and compares every
(matter, kind) found with the planted truth. Every kind found counts: a clean matter must have
no finding at all.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson
from measured import write_measured
from scoring import score, score_table

from jianguan import synth
from jianguan.bootstrap import bootstrap, rulebook
from jianguan.services import supervision as sv
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import monitor_and_record
from jianguan.settings import Settings
from jianguan.synth.matters import generate_matters

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "supervision.md"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--matters", type=int, default=20000)
    ap.add_argument("--defect-rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    rules = rulebook(None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "set"
        synth.generate(folder, calendar=rules.calendar, cases=2000, seed=args.seed)
        as_of = __import__("datetime").date.fromisoformat(
            orjson.loads((folder / "manifest.json").read_bytes())["as_of"]
        )
        app = bootstrap(Settings(), db_url=f"sqlite:///{tmp}/store.db", as_of=as_of, rules=rules)
        feed = app.open_dataset(folder)
        try:
            assert import_dataset(feed, app.uow()).errors == []
        finally:
            feed.close()
        with app.uow() as uow:
            units, people = uow.cases.units(), uow.cases.people()
        t0 = time.perf_counter()
        gen = generate_matters(units, people, rules=rules.supervision, calendar=rules.calendar,
                               matters=args.matters, seed=args.seed, as_of=as_of,
                               defect_rate=args.defect_rate)  # fmt: skip
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        sv.load_generated(app.uow(), gen.leads, gen.matters, gen.meetings, "bench")
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        findings, _ = monitor_and_record(app.uow(), rules, as_of)
        t_mon = time.perf_counter() - t0
        app.close()
    ids = {m.matter_id for m in gen.matters}
    found = {(f.case_id, f.kind.value) for f in findings if f.case_id in ids}
    truth = {(t.matter_id, t.kind) for t in gen.truth}
    kinds = sorted({k for _, k in found | truth})
    table = score(found, truth, kinds)
    both = len(found & truth)
    recall, precision = both / max(1, len(truth)), both / max(1, len(found))
    decisions = Counter(m.decision.value if m.decision else "-" for m in gen.matters)
    text = "\n".join([
        f"Measured by `bench/measure_matters.py --matters {args.matters} --defect-rate "
        f"{args.defect_rate} --seed {args.seed}` (as of {as_of}): {len(gen.leads)} leads, "
        f"{len(gen.matters)} matters, {len(gen.meetings)} meetings, {len(gen.truth)} planted "
        f"defects; decisions {dict(sorted(decisions.items()))}.",
        "",
        score_table(table),
        "",
        f"Overall: recall **{recall:.2%}**, precision **{precision:.2%}** "
        f"({both} of {len(truth)} planted found; {len(found)} found in all).",
        "",
        f"Time: generating {t_gen:.1f} s, storing {t_load:.1f} s, monitoring (cases and matters, "
        f"into the ledger) {t_mon:.1f} s on SQLite.",
    ])  # fmt: skip
    print(text)
    if not args.no_write:
        write_measured(DOC, text)
    return 0 if recall >= 0.99 and precision >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
