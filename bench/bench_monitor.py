"""Flow-monitoring time on a large store, and the ratio to one hand-written DuckDB query.

    .venv/bin/python bench/bench_monitor.py [--cases 1000000] [--db URL]

Uses bench/out/synth-<cases> (made by bench_import.py, or generated here: seed 1, defect rate
0.05), imports it into bench/out/monitor-<cases>.db (SQLite) unless that store already holds
it (or uses --db), then times `monitor` (all rules, no ledger) as of the manifest's as-of.

Baseline: the review_overdue rule alone as one hand-written DuckDB query. DuckDB loads the
needed columns from cases.jsonl (read_json, built in) and the same period-engine due lookup our
run uses; only the query is timed. Its result must equal our review_overdue findings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import duckdb
from measure_monitoring import dataset

from jianguan.bootstrap import App, bootstrap, rulebook
from jianguan.services.importing import import_dataset, store_summary
from jianguan.services.monitoring import monitor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

LOAD = """
CREATE TABLE raw AS SELECT * FROM read_json('{path}', format='newline_delimited',
    maximum_object_size=16777216);
CREATE TABLE cases AS SELECT case_id, category, CAST(received_on AS DATE) AS received_on,
    CAST(decision."on" AS DATE) AS decision_on, CAST(major_complex AS INT) AS major FROM raw
    WHERE category IN ('arrest_review', 'prosecution_review');
CREATE TABLE suspects AS SELECT case_id, s.in_custody, s.fast_track, s.likely_sentence_months
    FROM (SELECT case_id, unnest(suspects) AS s FROM raw);
CREATE TABLE events AS SELECT case_id, e.type AS type, CAST(e."on" AS DATE) AS on_date
    FROM (SELECT case_id, unnest(events) AS e FROM raw);
DROP TABLE raw;
"""

QUERY = """
WITH sus AS (
    SELECT case_id, max(in_custody::INT) AS custody, min(fast_track::INT) AS fast,
           max((likely_sentence_months > 12)::INT) AS long
    FROM suspects GROUP BY case_id),
ev AS (
    SELECT case_id,
           max(CASE WHEN type = 'retransferred' THEN on_date END) AS back,
           max(CASE WHEN type = 'returned_for_investigation' THEN on_date END) AS ret,
           max(CASE WHEN type = 'extension_approved' THEN on_date END) AS ext
    FROM events WHERE type IN ('retransferred', 'returned_for_investigation', 'extension_approved')
    GROUP BY case_id),
f AS (
    SELECT c.*, coalesce(sus.custody, 0) AS custody, coalesce(sus.fast, 1) AS fast,
           coalesce(sus.long, 0) AS long, coalesce(ev.back, c.received_on) AS base, ev.ext,
           (c.decision_on IS NULL AND ev.ret IS NOT NULL
            AND (ev.back IS NULL OR ev.ret > ev.back)) AS away
    FROM cases c LEFT JOIN sus USING (case_id) LEFT JOIN ev USING (case_id)),
g AS (
    SELECT f.*, CASE WHEN f.category = 'arrest_review' THEN f.received_on ELSE f.base END AS start,
           (f.category = 'prosecution_review' AND f.ext IS NOT NULL AND f.ext >= f.base) AS extended
    FROM f)
SELECT g.case_id, CASE WHEN g.extended THEN d.extended_due ELSE d.due END AS legal FROM g JOIN due d
  ON d.period = g.category AND d.custody = g.custody AND d.start = g.start
 AND d.major = g.major
 AND d.fast = CASE WHEN g.category = 'arrest_review' THEN 0 ELSE g.fast END
 AND d.over1y = CASE WHEN g.category = 'arrest_review' OR g.fast = 0 THEN 0 ELSE g.long END
WHERE NOT g.away
  AND coalesce(g.decision_on, ?) > CASE WHEN g.extended THEN d.extended_due ELSE d.due END
"""


def store_for(folder: Path, cases: int, url: str | None) -> App:
    app = bootstrap(db_url=url or f"sqlite:///{OUT / f'monitor-{cases}.db'}")
    have = store_summary(app.uow())[0].get("cases", 0)
    if have != cases:
        start = time.perf_counter()
        feed = app.open_dataset(folder)
        if import_dataset(feed, app.uow()).errors:
            raise SystemExit("import refused")
        feed.close()
        print(f"import: {time.perf_counter() - start:.1f} s (not part of the timing)")
    return app


def duckdb_overdue(folder: Path, as_of: dt.date) -> tuple[float, set[str]]:
    con = duckdb.connect()
    con.execute(LOAD.format(path=folder / "cases.jsonl"))
    book = rulebook().book
    starts = [r[0] for r in con.execute(
        "SELECT DISTINCT received_on FROM cases UNION SELECT DISTINCT on_date FROM events "
        "WHERE type = 'retransferred'").fetchall()]  # fmt: skip
    keys = book.keys_for("arrest_review") + book.keys_for("prosecution_review")
    rows = [
        (k.period, s, int(k.custody), int(k.major), int(k.fast_track), int(k.over_one_year),
         book.due(k, s), book.window(k, s))
        for s in starts for k in keys
    ]  # fmt: skip
    con.execute(
        "CREATE TABLE due (period VARCHAR, start DATE, custody INT, major INT, fast INT, "
        "over1y INT, due DATE, extended_due DATE)"
    )
    con.executemany("INSERT INTO due VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    start = time.perf_counter()
    found = {r[0] for r in con.execute(QUERY, [as_of]).fetchall()}
    return time.perf_counter() - start, found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    folder = dataset(args.cases)
    as_of = dt.date.fromisoformat(json.loads((folder / "manifest.json").read_text())["as_of"])
    app = store_for(folder, args.cases, args.db)
    start = time.perf_counter()
    findings = monitor(app.uow(), app.rules, as_of)
    ours = time.perf_counter() - start
    app.close()
    base, duck = duckdb_overdue(folder, as_of)
    mine = {f.case_id for f in findings if f.rule == "review_overdue"}
    print(f"cases: {args.cases}; as of {as_of}; backend {app.url.split(':')[0]}")
    print(f"monitoring, all {len({f.rule for f in findings})} rules with findings: {ours:.1f} s")
    print(f"findings: {len(findings)}; review_overdue: {len(mine)} (DuckDB: {len(duck)})")
    print(f"DuckDB review_overdue query: {base:.2f} s; ratio ours/DuckDB: {ours / base:.0f}×")
    if mine != duck:
        raise SystemExit("DuckDB and monitor disagree on review_overdue")


if __name__ == "__main__":
    main()
