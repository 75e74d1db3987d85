"""Recall and precision of every self-check kind against the generator's planted defects.

The definitions are those of ``jianguan.synth.defects``; each must reach 99 % both ways.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson

from jianguan.adapters.calendar_file import default_calendar
from jianguan.adapters.formats.feed import FileFeed
from jianguan.adapters.monitoring_file import default_rules
from jianguan.adapters.period_file import default_periods
from jianguan.adapters.powers_file import default_powers
from jianguan.adapters.selfcheck_file import default_selfcheck_rules
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.domain.monitoring import DueBook
from jianguan.domain.selfcheck import CheckEnv
from jianguan.services.importing import import_dataset
from jianguan.services.monitoring import score, score_table
from jianguan.services.selfcheck import self_check
from jianguan.synth import generate


def test_recall_and_precision_on_a_generated_set(tmp_path: Path) -> None:
    out = tmp_path / "set"
    generate(out, cases=20_000, seed=1, defect_rate=0.05, workers=2)
    store = SqlStore(f"sqlite:///{tmp_path / 'store.db'}")
    feed = FileFeed(out)
    assert import_dataset(feed, store).errors == []
    feed.close()
    as_of = dt.date.fromisoformat(orjson.loads((out / "manifest.json").read_bytes())["as_of"])
    book = DueBook(default_periods(), default_calendar())
    checks, monitoring = default_selfcheck_rules(), default_rules()
    with store.session() as s:
        units = s.units()
        env = CheckEnv({p.id: p for p in s.people()}, default_powers())
        found = {
            (f.case_id, f.kind)
            for case in s.iter_cases()
            for f in self_check(case, units, checks, monitoring, book, as_of, env)
        }
    store.close()
    truth = {
        (r["case_id"], r["kind"])
        for r in map(orjson.loads, (out / "defects.jsonl").read_bytes().splitlines())
    }
    table = score(found, truth, [r.kind for r in checks.rules])
    print("\n" + score_table(table))
    for kind, (planted, _found, _both, recall, precision) in table.items():
        assert planted > 0, kind
        assert recall >= 0.99, (kind, recall)
        assert precision >= 0.99, (kind, precision)
