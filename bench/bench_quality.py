"""Data quality and anomalies over a store: what the pages compute, against reading every case.

    .venv/bin/python bench/bench_quality.py --db URL [--unit CODE ...] [--whole]

For each scope (``--unit``, repeatable; ``-`` is the whole store; default: the whole store) it
times, in this one run:

- ``check_store`` (the data-quality page): the store names the cases that could fail a check
  (``cases_to_check``, SQL) and only those are read whole;
- ``anomalies_in_store`` (the anomaly page): the cases' dates only (``case_dates``);

and, with ``--whole``, the same results computed as before the ninth session, from every case
of the store read whole (``iter_cases``), as the baseline: the script checks that both ways
find the same issues and anomalies and prints the ratio. The baseline takes minutes at 1 M
cases (about 300 s per scope on the 2-core machines here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from jianguan.bootstrap import App, bootstrap
from jianguan.domain.dataquality import check_all
from jianguan.domain.model import Unit
from jianguan.services.anomalies import anomalies_in_store, dates_of, find_anomalies
from jianguan.services.dataquality import check_store
from jianguan.services.monitoring import units_below


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = run()
    return time.perf_counter() - start, value


def measure(app: App, units: list[Unit], code: str, as_of: dt.date, whole: bool) -> None:
    """One scope's line per computation (``code`` ``-``: the whole store)."""
    rules, calendar = app.rules.dataquality, app.rules.calendar
    unit = None if code == "-" else code
    scope = units_below(units, unit) if unit else None
    ours_dq, dq = timed(lambda: check_store(app.uow(), unit, as_of=as_of, rules=rules))
    ours_an, an = timed(lambda: anomalies_in_store(app.uow(), calendar, unit=unit))
    rows = [("quality", ours_dq, dq), ("anomalies", ours_an, an)]
    if not whole:
        for what, ours, found in rows:
            print(f"{code:<10} {what:<12} {ours:>8.1f} {'':>9} {'':>7}  {len(found)}")
        return
    with app.uow() as uow:
        whole_dq, every = timed(lambda: check_all(uow.cases.iter_cases(), as_of, rules))
    every = [i for i in every if scope is None or i.unit in scope]
    with app.uow() as uow:
        whole_an, base = timed(lambda: find_anomalies(
            (dates_of(c) for c in uow.cases.iter_cases()), calendar, units=scope))  # fmt: skip
    assert every == dq, "the data-quality issues differ"
    assert base == an, "the anomalies differ"
    for (what, ours, found), taken in zip(rows, (whole_dq, whole_an), strict=True):
        print(f"{code:<10} {what:<12} {ours:>8.1f} {taken:>9.1f} {taken / ours:>6.0f}×"
              f"  {len(found)} (the same)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--unit", action="append", default=None)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 12, 31))
    parser.add_argument("--whole", action="store_true", help="also read every case whole")
    args = parser.parse_args()
    app = bootstrap(db_url=args.db)
    with app.uow() as uow:
        units = uow.cases.units()
    print(f"{'scope':<10} {'what':<12} {'ours s':>8} {'whole s':>9} {'ratio':>7}  found")
    for code in args.unit or ["-"]:
        measure(app, units, code, args.as_of, args.whole)


if __name__ == "__main__":
    main()
