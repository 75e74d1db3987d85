"""The home page while its kept counts expire: waiting for a recount vs serving the kept value.

    .venv/bin/python bench/bench_counts_cache.py [--seconds 20] [--clients 4] [--rounds 2]
        [--counts-seconds 1] [--data-dir DIR] [--user LABEL]

The dashboard's counts, the workbench and its lists are kept per scope for
``WebConfig.counts_seconds`` (5 s). When they expire, the request that finds them expired used
to compute them while the user's other requests waited for it (web/cache.py: computed once);
now, for ``counts_stale_seconds`` more, the kept value is served and one background computation
replaces it. Two applications on the same demo store in this process (bench_pages.py builds it),
A with the stale window (the default, 60 s) and B without it (0 s, the behaviour before), both
with ``--counts-seconds`` (1 s here, not 5, so that a short run sees many expiries); ``--clients``
threads, each its own logged-in client of the busiest prosecutor (bench_pages.accounts: most
dated alerts on open cases), request the home page (今日工作) back to back for ``--seconds``,
A then B, then B then A, and so on for ``--rounds`` rounds. Printed per round: requests, p50 / p95 / p99 / max in ms for A and
B, and B ÷ A of each (above 1: the kept value served made requests faster).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import accounts, prepare  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from tests.integration.web_support import login  # noqa: E402

from jianguan.bootstrap import bootstrap  # noqa: E402
from jianguan.settings import Settings  # noqa: E402
from jianguan.web.app import create_app  # noqa: E402
from jianguan.web.state import WebConfig  # noqa: E402


def drive(site: FastAPI, user_id: str, clients: int, seconds: float) -> list[float]:
    """Seconds of every home-page request ``clients`` threads made in ``seconds``."""
    times: list[float] = []
    lock = threading.Lock()
    sessions = []
    for _ in range(clients):
        client = TestClient(site)
        login(client, user_id)
        client.get("/")  # warm: the first count is computed before the clock starts
        sessions.append(client)
    stop = time.perf_counter() + seconds

    def run(client: TestClient) -> None:
        mine: list[float] = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            r = client.get("/")
            mine.append(time.perf_counter() - started)
            assert r.status_code == 200, r.status_code
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in sessions:
        c.close()
    return times


def figures(times: list[float]) -> tuple[float, float, float, float]:
    ordered = sorted(times)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49] * 1e3, cuts[94] * 1e3, cuts[98] * 1e3, ordered[-1] * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--counts-seconds", type=float, default=1.0)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "demo-pages")
    parser.add_argument("--user", default="prosecutor (deadlines)")
    args = parser.parse_args()

    url, as_of = prepare(args.data_dir)
    app = bootstrap(Settings(data_dir=args.data_dir), db_url=url, as_of=as_of)
    users = accounts(app)
    user = users.get(args.user) or users["prosecutor"]
    sites = {
        label: create_app(
            app,
            WebConfig(
                secure_cookies=False,
                counts_seconds=args.counts_seconds,
                counts_stale_seconds=stale,
            ),
        )
        for label, stale in (("A (kept value served)", 60.0), ("B (recount waited for)", 0.0))
    }
    print(f"home page of {user.id} ({args.user}), {args.clients} clients, {args.seconds:.0f} s "
          f"each, counts kept {args.counts_seconds:g} s; ms")  # fmt: skip
    print(
        f"{'round':>5}  {'series':<24} {'requests':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"
    )
    ratios: list[list[float]] = []
    for round_ in range(1, args.rounds + 1):
        got = {}
        order = list(sites.items())
        if round_ % 2 == 0:  # alternated: neither series always runs on a warmer machine
            order.reverse()
        for label, site in order:
            times = drive(site, user.id, args.clients, args.seconds)
            got[label] = figures(times)
            p50, p95, p99, top = got[label]
            print(f"{round_:>5}  {label:<24} {len(times):>8} {p50:>7.1f} {p95:>7.1f} "
                  f"{p99:>7.1f} {top:>7.1f}")  # fmt: skip
        a, b = (got[label] for label in sites)
        ratio = "  ".join(
            f"{n} {y / x:.2f}×" for n, x, y in zip(("p50", "p95", "p99", "max"), a, b, strict=True)
        )
        print(f"{round_:>5}  B ÷ A: {ratio}")
        ratios.append([y / x for x, y in zip(a, b, strict=True)])
    medians = [statistics.median(col) for col in zip(*ratios, strict=True)]
    print(
        "median B ÷ A over the rounds: "
        + "  ".join(
            f"{n} {m:.2f}×" for n, m in zip(("p50", "p95", "p99", "max"), medians, strict=True)
        )
    )
    app.close()


if __name__ == "__main__":
    main()
