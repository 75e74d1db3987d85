"""Recall and precision of every self-check kind against the generator's planted defects.

The definitions are those of ``jianguan.synth.defects``; each must reach 99 % both ways.
"""

from __future__ import annotations

from pathlib import Path

from bench.scoring import score, score_table

from jianguan.services.selfcheck import check_cases
from tests.support import generate, imported, manifest_day, planted, rules


def test_recall_and_precision_on_a_generated_set(tmp_path: Path) -> None:
    out = tmp_path / "set"
    generate(out, cases=20_000, seed=1, defect_rate=0.05, workers=2)
    as_of = manifest_day(out)
    with imported(out, f"sqlite:///{tmp_path / 'store.db'}", as_of=as_of) as app:
        found = {(f.case_id, f.kind) for f in check_cases(app.uow(), app.rules, None, as_of)}
    table = score(found, planted(out), [r.kind for r in rules().selfcheck.rules])
    print("\n" + score_table(table))
    for kind, (planted_n, _found, _both, recall, precision) in table.items():
        assert planted_n > 0, kind
        assert recall >= 0.99, (kind, recall)
        assert precision >= 0.99, (kind, precision)
