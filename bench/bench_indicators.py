"""Indicator engine vs one hand-written DuckDB query vs plain pandas, side by side in one run.

    .venv/bin/python bench/bench_indicators.py [--cases 10000000] [--pandas-cases 1000000]
                                               [--cache /tmp/jg_bench_ind] [--repeat 3]

Workload: every indicator of rules/indicators.toml × every unit (rolled up the tree) × 36
months (2024-01 … 2026-12), from a Parquet snapshot (DuckDB).

Data: generated once with jianguan.synth in chunks of 1M cases (seed = chunk number, same
dates), each chunk written straight into the snapshot as one Parquet part (ids prefixed with the
chunk number so parts never collide) and its JSON deleted, so 10M cases never need 34 GB of
JSON on disk nor a store import. The snapshot is cached and reused.

Timings: the engine (`services.indicators.compute`) and the hand-written query run on the full
snapshot, best of --repeat; their outputs are compared cell by cell, so the hand-written query
is known to be equivalent. pandas runs on the first chunk (--pandas-cases) — all tables held in
memory at 10M would not fit — and is extrapolated linearly; the engine is timed on that same
chunk too, so the pandas ratio is also given measured at equal size. Peak RSS is sampled
(psutil, every 20 ms) during each phase. The machine is shared: read the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import psutil

from jianguan.adapters.indicator_sql import DUCKDB, DUE_STARTS_SQL, dues_sql
from jianguan.bootstrap import SNAPSHOT_MANIFEST, rulebook, snapshot_dataset, snapshot_indicators
from jianguan.domain.monitoring import review_due_rows
from jianguan.services.indicators import compute
from jianguan.synth import generate

RULES = rulebook()  # the packaged rules: the indicator catalogue and the calendar

CHUNK = 1_000_000
START, END = dt.date(2024, 1, 1), dt.date(2026, 12, 31)  # 36 months
BY = ("unit", "month")


# -- data ----------------------------------------------------------------------------------------


def snapshot(cache: Path, cases: int, unique: int, workers: int, chunk: int = CHUNK) -> Path:
    """The cached snapshot of ``cases`` cases; ``unique`` of them generated, the rest copies.

    Generating is ~30k cases/s on an idle 2-core machine but a tenth of that when the machine is
    shared, so a large snapshot may be filled by writing generated chunks again under new id
    prefixes (every case id and unified number stays unique; the work per row is the same).
    """
    snap = cache / f"snap-{cases}-{unique}"
    done = snap / "chunks.json"
    chunks = max(1, (cases + chunk - 1) // chunk)
    generated = max(1, (unique + chunk - 1) // chunk)
    have = json.loads(done.read_text()) if done.is_file() else []
    for k in range(chunks):
        if k in have:
            continue
        t = time.perf_counter()
        if k < generated:
            n = min(chunk, unique - k * chunk)
            folder = cache / f"chunk-{k}"
            generate(folder, calendar=RULES.calendar, cases=n, seed=k + 1, start=START,
                     end=END, workers=workers)  # fmt: skip
            snapshot_dataset(folder, snap, part=f"part-{k}", id_prefix=f"c{k}-", with_org=k == 0)
            shutil.rmtree(folder)
            how = "generated"
        else:
            _copy_part(snap, k % generated, k)
            how = f"copied from part {k % generated}"
        have.append(k)
        done.write_text(json.dumps(have))
        print(
            f"part {k + 1}/{chunks} {how} in {time.perf_counter() - t:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    return snap


def _copy_part(snap: Path, src: int, dst: int) -> None:
    con = duckdb.connect()
    for table in ("cases", "case_charges", "suspects", "victims", "events", "documents"):
        ids = f"'r{dst}-' || case_id AS case_id"
        if table == "cases":
            ids += f", 'r{dst}-' || unified_no AS unified_no"
        con.execute(
            f"COPY (SELECT * REPLACE ({ids}) FROM read_parquet('{snap / table / f'part-{src}.parquet'}')) "
            f"TO '{snap / table / f'part-{dst}.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
        )
    con.close()


# -- measuring ---------------------------------------------------------------------------------


class Peak:
    """Peak RSS of this process while the block runs, sampled every 20 ms."""

    def __enter__(self) -> Peak:
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def mib(self) -> float:
        return self.peak / 2**20


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best seconds, peak MiB over the runs, result of the last run)."""
    times, result = [], None
    with Peak() as peak:
        for _ in range(repeat):
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
    return min(times), peak.mib, result


Cells = dict[tuple[str, str, str], tuple[int, int]]


def engine_cells(snap: Path) -> Callable[[], Cells]:
    cat = RULES.indicators

    def run() -> Cells:
        src = snapshot_indicators(snap)
        rows = compute(src, cat, None, BY)
        src.close()
        return {
            (r.indicator, str(r.dims["unit"]), str(r.dims["month"])): (r.numerator, r.denominator)
            for r in rows
        }

    return run


# -- one hand-written DuckDB query ---------------------------------------------------------------

HAND_SQL = """
WITH RECURSIVE ua(unit, anc) AS (
  SELECT code, code FROM units
  UNION ALL
  SELECT ua.unit, u.parent FROM ua JOIN units u ON u.code = ua.anc WHERE u.parent IS NOT NULL
),
ar AS (SELECT DISTINCT unified_no FROM cases
       WHERE category = 'arrest_review' AND decision_type IN ('approve_arrest', 'arrest_decided')),
ev AS (SELECT case_id,
         count(*) FILTER (WHERE type = 'returned_for_investigation') AS n_ret,
         count(*) FILTER (WHERE type = 'extension_approved') AS n_ext,
         max(on_date) FILTER (WHERE type = 'retransferred') AS retr,
         max(on_date) FILTER (WHERE type = 'extension_approved') AS last_ext
       FROM events WHERE type IN ('returned_for_investigation', 'extension_approved', 'retransferred')
       GROUP BY case_id),
cu AS (SELECT case_id, bool_or(in_custody) AS cust, bool_and(fast_track) AS fast,
         bool_or(likely_sentence_months > 12) AS over12 FROM suspects GROUP BY case_id),
c AS (
  SELECT c.case_id, c.unit, c.category AS cat, c.source, c.decision_type AS dt,
    c.decision_ground AS dg, c.outcome_type AS ot, c.recommendation_months AS rm,
    c.recommendation_accepted AS ra, c.appealed, c.charge_changed, c.received_on,
    c.decision_on, c.outcome_on, ar.unified_no IS NOT NULL AS arrested,
    coalesce(ev.n_ret, 0) > 0 AS returned, coalesce(ev.n_ext, 0) > 0 AS extended,
    c.decision_on <= CASE WHEN ev.last_ext >= coalesce(ev.retr, c.received_on)
                          THEN ld.extended_due ELSE ld.due END AS on_time
  FROM cases c LEFT JOIN ar ON ar.unified_no = c.unified_no
  LEFT JOIN ev ON ev.case_id = c.case_id LEFT JOIN cu ON cu.case_id = c.case_id
  LEFT JOIN ind_legal_dues ld ON ld.period = c.category
    AND ld.start_on = CASE WHEN c.category = 'prosecution_review'
                           THEN coalesce(ev.retr, c.received_on) ELSE c.received_on END
    AND ld.custody = coalesce(cu.cust, false)::INTEGER AND ld.major = c.major_complex::INTEGER
    AND ld.fast = (c.category = 'prosecution_review' AND coalesce(cu.fast, true))::INTEGER
    AND ld.over1y = (c.category = 'prosecution_review' AND coalesce(cu.fast, true)
                     AND coalesce(cu.over12, false))::INTEGER
),
p AS (SELECT c.*, s.minor, s.plea_leniency AS plea, s.fast_track AS fast
      FROM suspects s JOIN c ON c.case_id = s.case_id),
leaf AS (
  SELECT unit, year(decision_on) * 100 + month(decision_on) AS ym,
    count(*) FILTER (WHERE cat = 'arrest_review' AND dt IN ('approve_arrest', 'arrest_decided', 'deny_arrest')) AS arr_dec,
    count(*) FILTER (WHERE cat = 'arrest_review' AND dt = 'deny_arrest') AS arr_deny,
    count(*) FILTER (WHERE cat = 'arrest_review' AND dt IN ('approve_arrest', 'arrest_decided')) AS arr_appr,
    count(*) FILTER (WHERE cat = 'arrest_review' AND dt IN ('approve_arrest', 'arrest_decided', 'deny_arrest') AND minor) AS juv_arr_dec,
    count(*) FILTER (WHERE cat = 'arrest_review' AND dt = 'deny_arrest' AND minor) AS juv_arr_deny,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IN ('prosecute', 'not_prosecute')) AS pr_dec,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'not_prosecute') AS pr_np,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'not_prosecute' AND dg = 'discretionary') AS pr_np_disc,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'not_prosecute' AND dg = 'insufficient_evidence') AS pr_np_ins,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IN ('prosecute', 'not_prosecute') AND minor) AS juv_pr_dec,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'not_prosecute' AND minor) AS juv_pr_np,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IS NOT NULL AND arrested) AS npa_den,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'not_prosecute' AND arrested) AS npa_num,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IS NOT NULL) AS concluded,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IS NOT NULL AND plea) AS plea_num,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'prosecute') AS prosecuted,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'prosecute' AND fast) AS fast_num,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'prosecute' AND plea AND ot IS NOT NULL) AS fixed_den,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'prosecute' AND plea AND ot IS NOT NULL AND rm IS NOT NULL) AS fixed_num,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt = 'prosecute' AND ot = 'withdrawn') AS withdrawn
  FROM p WHERE decision_on IS NOT NULL GROUP BY ALL
  UNION ALL BY NAME
  SELECT unit, year(outcome_on) * 100 + month(outcome_on) AS ym,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ra IS NOT NULL) AS rec_den,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ra) AS rec_acc,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ot IN ('convicted', 'exempted', 'acquitted')) AS judged,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ot = 'acquitted') AS acquitted,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ot IN ('convicted', 'exempted')) AS guilty,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ot = 'exempted') AS exempted,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ot IN ('convicted', 'exempted', 'acquitted') AND appealed) AS appealed_p,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND ot IN ('convicted', 'exempted') AND charge_changed) AS changed
  FROM p WHERE outcome_on IS NOT NULL GROUP BY ALL
  UNION ALL BY NAME
  SELECT unit, year(decision_on) * 100 + month(decision_on) AS ym,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IS NOT NULL) AS pr_concluded_c,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IS NOT NULL AND returned) AS returned_c,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND dt IS NOT NULL AND extended) AS extended_c,
    count(*) FILTER (WHERE cat IN ('arrest_review', 'prosecution_review') AND dt IS NOT NULL) AS review_dec,
    count(*) FILTER (WHERE cat IN ('arrest_review', 'prosecution_review') AND dt IS NOT NULL AND on_time) AS on_time_c
  FROM c WHERE decision_on IS NOT NULL GROUP BY ALL
  UNION ALL BY NAME
  SELECT unit, year(received_on) * 100 + month(received_on) AS ym,
    count(*) AS received,
    count(*) FILTER (WHERE cat IN ('arrest_review', 'prosecution_review', 'criminal_supervision', 'complaint')) AS l_crim,
    count(*) FILTER (WHERE cat = 'civil_supervision') AS l_civil,
    count(*) FILTER (WHERE cat = 'admin_supervision') AS l_admin,
    count(*) FILTER (WHERE cat = 'public_interest') AS l_pi,
    count(*) FILTER (WHERE source IN ('transferred', 'application')) AS s_proc,
    count(*) FILTER (WHERE source = 'transferred') AS s_trans,
    count(*) FILTER (WHERE source = 'application') AS s_appl,
    count(*) FILTER (WHERE source = 'self_discovered') AS s_self,
    count(*) FILTER (WHERE cat = 'arrest_review') AS an_ar,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND NOT arrested) AS an_pr
  FROM c GROUP BY ALL
  UNION ALL BY NAME
  SELECT unit, year(outcome_on) * 100 + month(outcome_on) AS ym,
    count(*) FILTER (WHERE cat = 'prosecution_review' AND appealed) AS appealed_c
  FROM c WHERE outcome_on IS NOT NULL GROUP BY ALL
  UNION ALL BY NAME
  SELECT c.unit, year(e.on_date) * 100 + month(e.on_date) AS ym, count(*) AS steps
  FROM events e JOIN c ON c.case_id = e.case_id
  WHERE e.type IN ('returned_for_investigation', 'extension_approved')
    AND c.cat IN ('arrest_review', 'prosecution_review')
  GROUP BY ALL
)
SELECT anc AS unit, ym, sum(COLUMNS(* EXCLUDE (unit, ym, anc)))
FROM (SELECT leaf.*, ua.anc FROM leaf JOIN ua ON ua.unit = leaf.unit)
GROUP BY anc, ym
"""

# indicator → (numerator columns, denominator columns) of the hand-written query's output
HAND_MAP: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "non_arrest_rate": (("arr_deny",), ("arr_dec",)),
    "arrest_rate": (("arr_appr",), ("arr_dec",)),
    "juvenile_non_arrest_rate": (("juv_arr_deny",), ("juv_arr_dec",)),
    "pretrial_detention_rate": (("arr_appr",), ("pr_dec",)),
    "non_prosecution_rate": (("pr_np",), ("pr_dec",)),
    "discretionary_non_prosecution_rate": (("pr_np_disc",), ("pr_dec",)),
    "insufficient_evidence_non_prosecution_rate": (("pr_np_ins",), ("pr_dec",)),
    "juvenile_non_prosecution_rate": (("juv_pr_np",), ("juv_pr_dec",)),
    "non_prosecution_after_arrest_rate": (("npa_num",), ("npa_den",)),
    "plea_leniency_rate": (("plea_num",), ("concluded",)),
    "fast_track_rate": (("fast_num",), ("prosecuted",)),
    "fixed_sentence_recommendation_rate": (("fixed_num",), ("fixed_den",)),
    "recommendation_acceptance_rate": (("rec_acc",), ("rec_den",)),
    "withdrawal_rate": (("withdrawn",), ("prosecuted",)),
    "acquittal_rate": (("acquitted",), ("judged",)),
    "conviction_rate": (("guilty",), ("judged",)),
    "exemption_rate": (("exempted",), ("judged",)),
    "appeal_rate": (("appealed_p",), ("judged",)),
    "charge_change_rate": (("changed",), ("guilty",)),
    "return_rate": (("returned_c",), ("pr_concluded_c",)),
    "extension_rate": (("extended_c",), ("pr_concluded_c",)),
    "on_time_rate": (("on_time_c",), ("review_dec",)),
    "case_proceeding_ratio": (("an_ar", "an_pr", "steps", "appealed_c"), ("an_ar", "an_pr")),
    "line_structure.criminal": (("l_crim",), ("received",)),
    "line_structure.civil": (("l_civil",), ("received",)),
    "line_structure.administrative": (("l_admin",), ("received",)),
    "line_structure.public_interest": (("l_pi",), ("received",)),
    "initiative_structure.procedure": (("s_proc",), ("received",)),
    "initiative_structure.own_initiative": (("s_self",), ("received",)),
    "source_structure.transferred": (("s_trans",), ("received",)),
    "source_structure.application": (("s_appl",), ("received",)),
    "source_structure.self_discovered": (("s_self",), ("received",)),
}


ARRESTS = ["approve_arrest", "arrest_decided"]  # 批准和决定逮捕


def legal_dues(con: duckdb.DuckDBPyConnection) -> None:
    """The review periods' legal due dates from the period engine (审限内办结率), as a table."""
    starts = [r[0] for r in con.execute(DUE_STARTS_SQL).fetchall() if r[0] is not None]
    for statement in dues_sql(DUCKDB, review_due_rows(RULES.book, starts)):
        con.execute(statement)


def views(con: duckdb.DuckDBPyConnection, snap: Path) -> None:
    con.execute("SET enable_progress_bar = false")
    for table in ("units", "cases", "suspects", "events"):
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{snap / table}/*.parquet')"
        )


def to_cells(columns: list[str], rows: list[tuple[Any, ...]]) -> Cells:
    """Wide rows (unit, ym, counts…) → cells (indicator, unit, month) → (num, den), non-zero only."""
    at = {c: i for i, c in enumerate(columns)}
    out: Cells = {}
    for row in rows:
        unit, ym = str(row[0]), int(row[1])
        month = f"{ym // 100:04d}-{ym % 100:02d}"
        for ind, (nums, dens) in HAND_MAP.items():
            num = sum(int(row[at[c]] or 0) for c in nums)
            den = sum(int(row[at[c]] or 0) for c in dens)
            if num or den:
                out[(ind, unit, month)] = (num, den)
    return out


def hand_cells(snap: Path) -> Callable[[], Cells]:
    def run() -> Cells:
        con = duckdb.connect()
        views(con, snap)
        legal_dues(con)
        cur = con.execute(HAND_SQL)
        rows = cur.fetchall()
        columns = [d[0] for d in cur.description]
        con.close()
        return to_cells(columns, rows)

    return run


# -- a straightforward pandas implementation -------------------------------------------------


def pandas_frames(snap: Path) -> dict[str, Any]:
    """The tables pandas needs, loaded into memory (not timed: pandas starts from DataFrames)."""
    con = duckdb.connect()
    views(con, snap)
    frames = {
        "units": con.sql("SELECT code, parent FROM units").df(),
        "cases": con.sql(
            "SELECT case_id, unified_no, unit, category, source, decision_type, decision_ground, "
            "outcome_type, recommendation_months, recommendation_accepted, appealed, charge_changed, "
            "major_complex, received_on, decision_on, outcome_on FROM cases"
        ).df(),
        "suspects": con.sql(
            "SELECT case_id, in_custody, minor, plea_leniency, fast_track, "
            "likely_sentence_months FROM suspects"
        ).df(),
        "events": con.sql("SELECT case_id, type, on_date FROM events").df(),
    }
    con.close()
    return frames


def pandas_cells(frames: dict[str, Any]) -> Cells:
    import pandas as pd

    cases, suspects, events, units = (
        frames["cases"],
        frames["suspects"],
        frames["events"],
        frames["units"],
    )
    c = cases.copy()
    approved = c.loc[(c.category == "arrest_review") & c.decision_type.isin(ARRESTS), "unified_no"]
    c["arrested"] = c.unified_no.isin(set(approved))
    ev = events[
        events.type.isin(["returned_for_investigation", "extension_approved", "retransferred"])
    ]
    per_case = (
        pd.DataFrame(
            {
                "case_id": ev.case_id,
                "n_ret": ev.type == "returned_for_investigation",
                "n_ext": ev.type == "extension_approved",
                "retr": ev.on_date.where(ev.type == "retransferred"),
                "last_ext": ev.on_date.where(ev.type == "extension_approved"),
            }
        )
        .groupby("case_id")
        .agg(
            n_ret=("n_ret", "sum"),
            n_ext=("n_ext", "sum"),
            retr=("retr", "max"),
            last_ext=("last_ext", "max"),
        )
    )
    sus = suspects.assign(over12=suspects.likely_sentence_months.fillna(0) > 12)
    per_sus = sus.groupby("case_id").agg(
        cust=("in_custody", "any"), fast=("fast_track", "all"), over12=("over12", "any")
    )
    c = c.merge(per_case, on="case_id", how="left").merge(per_sus, on="case_id", how="left")
    c["returned"] = c.n_ret.fillna(0) > 0
    c["extended"] = c.n_ext.fillna(0) > 0
    is_ar, is_pr = c.category == "arrest_review", c.category == "prosecution_review"
    # 审限: the legal due date of each case's review period, from the period engine
    fast = is_pr & c.fast.fillna(True).astype(bool)
    base = c.retr.fillna(c.received_on).where(is_pr, c.received_on)
    key = pd.DataFrame(
        {
            "period": c.category,
            "start_on": pd.to_datetime(base),
            "custody": c.cust.fillna(False).astype(bool).astype(int),
            "major": c.major_complex.astype(bool).astype(int),
            "fast": fast.astype(int),
            "over1y": (fast & c.over12.fillna(False).astype(bool)).astype(int),
        }
    )
    rows = review_due_rows(RULES.book, base[is_ar | is_pr].dropna().dt.date.unique())
    cols = ["period", "start_on", "custody", "major", "fast", "over1y", "due", "extended_due"]
    dues = pd.DataFrame(rows, columns=cols)
    for col in ("start_on", "due", "extended_due"):
        dues[col] = pd.to_datetime(dues[col])
    looked = key.merge(dues, on=cols[:6], how="left")
    approved = c.last_ext.notna() & (c.last_ext >= base)
    legal = looked.extended_due.where(approved.to_numpy(), looked.due).to_numpy()
    c["on_time"] = (is_ar | is_pr) & (pd.to_datetime(c.decision_on).to_numpy() <= legal)
    p = suspects[["case_id", "minor", "plea_leniency", "fast_track"]].merge(c, on="case_id")

    def ym(s: Any) -> Any:
        return s.dt.year * 100 + s.dt.month

    def grouped(frame: Any, date: str, cols: dict[str, Any]) -> Any:
        keep = frame[date].notna()
        data = pd.DataFrame({k: v[keep] for k, v in cols.items()})
        data["unit"], data["ym"] = frame.unit[keep], ym(frame[date][keep]).astype(int)
        return data.groupby(["unit", "ym"]).sum()

    pa, ppr = p.category == "arrest_review", p.category == "prosecution_review"
    dt_ = p.decision_type
    pdec = ppr & dt_.isin(["prosecute", "not_prosecute"])
    adec = pa & dt_.isin([*ARRESTS, "deny_arrest"])
    minor, plea = p.minor.astype(bool), p.plea_leniency.astype(bool)
    prosecuted = ppr & (dt_ == "prosecute")
    judged = ppr & p.outcome_type.isin(["convicted", "exempted", "acquitted"])
    guilty = ppr & p.outcome_type.isin(["convicted", "exempted"])
    parts = [
        grouped(
            p,
            "decision_on",
            {
                "arr_dec": adec,
                "arr_deny": pa & (dt_ == "deny_arrest"),
                "arr_appr": pa & dt_.isin(ARRESTS),
                "juv_arr_dec": adec & minor,
                "juv_arr_deny": pa & (dt_ == "deny_arrest") & minor,
                "pr_dec": pdec,
                "pr_np": ppr & (dt_ == "not_prosecute"),
                "pr_np_disc": ppr
                & (dt_ == "not_prosecute")
                & (p.decision_ground == "discretionary"),
                "pr_np_ins": ppr
                & (dt_ == "not_prosecute")
                & (p.decision_ground == "insufficient_evidence"),
                "juv_pr_dec": pdec & minor,
                "juv_pr_np": ppr & (dt_ == "not_prosecute") & minor,
                "npa_den": ppr & dt_.notna() & p.arrested,
                "npa_num": ppr & (dt_ == "not_prosecute") & p.arrested,
                "concluded": ppr & dt_.notna(),
                "plea_num": ppr & dt_.notna() & plea,
                "prosecuted": prosecuted,
                "fast_num": prosecuted & p.fast_track.astype(bool),
                "fixed_den": prosecuted & plea & p.outcome_type.notna(),
                "fixed_num": prosecuted
                & plea
                & p.outcome_type.notna()
                & p.recommendation_months.notna(),
                "withdrawn": prosecuted & (p.outcome_type == "withdrawn"),
            },
        ),
        grouped(
            p,
            "outcome_on",
            {
                "rec_den": ppr & p.recommendation_accepted.notna(),
                "rec_acc": ppr & p.recommendation_accepted.eq(True),
                "judged": judged,
                "acquitted": ppr & (p.outcome_type == "acquitted"),
                "guilty": guilty,
                "exempted": ppr & (p.outcome_type == "exempted"),
                "appealed_p": judged & p.appealed.eq(True),
                "changed": guilty & p.charge_changed.eq(True),
            },
        ),
        grouped(
            c,
            "decision_on",
            {
                "pr_concluded_c": is_pr & c.decision_type.notna(),
                "returned_c": is_pr & c.decision_type.notna() & c.returned,
                "extended_c": is_pr & c.decision_type.notna() & c.extended,
                "review_dec": (is_ar | is_pr) & c.decision_type.notna(),
                "on_time_c": (is_ar | is_pr) & c.decision_type.notna() & c.on_time,
            },
        ),
        grouped(
            c,
            "received_on",
            {
                "received": pd.Series(True, index=c.index),
                "l_crim": c.category.isin(
                    ["arrest_review", "prosecution_review", "criminal_supervision", "complaint"]
                ),
                "l_civil": c.category == "civil_supervision",
                "l_admin": c.category == "admin_supervision",
                "l_pi": c.category == "public_interest",
                "s_proc": c.source.isin(["transferred", "application"]),
                "s_trans": c.source == "transferred",
                "s_appl": c.source == "application",
                "s_self": c.source == "self_discovered",
                "an_ar": is_ar,
                "an_pr": is_pr & ~c.arrested,
            },
        ),
        grouped(c, "outcome_on", {"appealed_c": is_pr & c.appealed.eq(True)}),
    ]
    steps = events[events.type.isin(["returned_for_investigation", "extension_approved"])].merge(
        c.loc[is_ar | is_pr, ["case_id", "unit"]], on="case_id"
    )
    parts.append(
        pd.DataFrame({"unit": steps.unit, "ym": ym(steps.on_date), "steps": 1})
        .groupby(["unit", "ym"])
        .sum()
    )
    leaf = pd.concat(parts, axis=1).fillna(0).astype("int64").reset_index()
    # roll up: each unit with itself and every unit above it
    parent = dict(zip(units.code, units.parent, strict=True))
    pairs = []
    for code in parent:
        here = code
        while isinstance(here, str):
            pairs.append((code, here))
            here = parent.get(here)
    ua = pd.DataFrame(pairs, columns=["unit", "anc"])
    rolled = (
        leaf.merge(ua, on="unit").drop(columns="unit").groupby(["anc", "ym"]).sum().reset_index()
    )
    columns = ["anc", "ym", *rolled.columns[2:]]
    return to_cells(columns, list(rolled.itertuples(index=False, name=None)))


def first_part(snap: Path) -> Path:
    """A snapshot of the first generated part alone (links, no copy), for the pandas run."""
    sub = snap.parent / (snap.name + "-part0")
    for table in (
        "units",
        "people",
        "cases",
        "case_charges",
        "suspects",
        "victims",
        "events",
        "documents",
    ):
        (sub / table).mkdir(parents=True, exist_ok=True)
        link = sub / table / "part-0.parquet"
        if not link.exists():
            link.symlink_to(snap / table / "part-0.parquet")
    (sub / SNAPSHOT_MANIFEST).write_text(json.dumps({"origin": f"first part of {snap}"}))
    return sub


def rows_of(snap: Path, table: str) -> int:
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{snap / table}/*.parquet')").fetchone()
    con.close()
    return int(n[0]) if n else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000_000)
    ap.add_argument(
        "--unique", type=int, default=None, help="cases actually generated (default: all)"
    )
    ap.add_argument("--cache", type=Path, default=Path("/tmp/jg_bench_ind"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk", type=int, default=CHUNK, help="cases per generated part")
    ap.add_argument("--prepare-only", action="store_true")
    args = ap.parse_args()
    snap = snapshot(args.cache, args.cases, args.unique or args.cases, args.workers, args.chunk)
    if args.prepare_only:
        return
    cases, small = rows_of(snap, "cases"), first_part(snap)
    small_cases = rows_of(small, "cases")
    print(
        f"snapshot {snap}: {cases:,} cases, {rows_of(snap, 'suspects'):,} suspects, "
        f"{rows_of(snap, 'events'):,} events; 36 months, {rows_of(snap, 'units')} units, "
        f"{len(RULES.indicators.indicators)} indicators, by unit (rolled up) x month",
        flush=True,
    )

    t_eng, m_eng, eng = best(engine_cells(snap), args.repeat)
    print(
        f"engine (compute)        {t_eng:8.2f} s  peak {m_eng:7.0f} MiB  cells {len(eng):,}",
        flush=True,
    )
    t_hand, m_hand, hand = best(hand_cells(snap), args.repeat)
    print(
        f"hand-written DuckDB SQL {t_hand:8.2f} s  peak {m_hand:7.0f} MiB  same cells: {hand == eng}",
        flush=True,
    )
    if hand != eng:
        diff = {k for k in set(hand) | set(eng) if hand.get(k) != eng.get(k)}
        print(f"  differing cells: {len(diff)}, e.g. {sorted(diff)[:3]}", flush=True)

    t_eng_s, m_eng_s, eng_s = best(engine_cells(small), args.repeat)
    print(f"engine at {small_cases:,}     {t_eng_s:8.2f} s  peak {m_eng_s:7.0f} MiB", flush=True)
    t = time.perf_counter()
    with Peak() as load_peak:
        frames = pandas_frames(small)
    t_load = time.perf_counter() - t
    t_pd, m_pd, pd_cells = best(lambda: pandas_cells(frames), 1)
    print(
        f"pandas at {small_cases:,}     {t_pd:8.2f} s  peak {max(m_pd, load_peak.mib):7.0f} MiB "
        f"(+ {t_load:.1f} s loading, not counted)  same cells as engine: {pd_cells == eng_s}",
        flush=True,
    )
    scale = cases / small_cases
    print()
    print(f"engine / hand-written query:                 {t_eng / t_hand:5.2f}x  (goal <= 1.5x)")
    print(
        f"pandas / engine, both at {small_cases:,} cases:    {t_pd / t_eng_s:5.1f}x  (goal >= 10x)"
    )
    print(f"pandas extrapolated x{scale:.0f} / engine at {cases:,}: {t_pd * scale / t_eng:5.1f}x")


if __name__ == "__main__":
    main()
