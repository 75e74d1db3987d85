"""Recall and precision of every monitored kind against the generator's planted defects.

The definitions are those of ``jianguan.synth.defects``; each must reach 99 % both ways.
"""

from __future__ import annotations

from pathlib import Path

from bench.scoring import score, score_table

from jianguan.services.monitoring import monitor
from tests.support import generate, imported, manifest_day, planted, rules


def test_recall_and_precision_on_a_generated_set(tmp_path: Path) -> None:
    out = tmp_path / "set"
    generate(out, cases=20_000, seed=1, defect_rate=0.05, workers=1)
    as_of = manifest_day(out)
    with imported(out, f"sqlite:///{tmp_path / 'store.db'}", as_of=as_of) as app:
        findings = monitor(app.uow(), app.rules, as_of)
    kinds = [r.kind for r in rules().monitoring.rules if not r.warning]
    table = score({(f.case_id, f.kind) for f in findings}, planted(out), kinds)
    print("\n" + score_table(table))
    for kind, (planted_n, _found, _both, recall, precision) in table.items():
        assert planted_n > 0, kind
        assert recall >= 0.99, (kind, recall)
        assert precision >= 0.99, (kind, precision)
