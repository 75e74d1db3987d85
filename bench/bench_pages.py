"""Every page at the demo size (issue 18: "every page ≤ 1 s at the demo size").

    .venv/bin/python bench/bench_pages.py [--runs 5] [--lang zh|en] [--data-dir DIR] [--only ROLE]
        [--match REGEX] [--cases N --db URL]

Builds the demo store as `make demo` does (`jianguan demo`: 20,000 generated cases with planted
defects and anomalies, imported, supervision matters, monitoring, consultation panels, the
year's review plan with reviewers and some grades, the lists) in `DIR` (default
bench/out/demo-pages; built once, kept), makes accounts for the `jianguan serve --demo` people
(a prosecutor with alerts, the case officer and department head of that procuratorate, the
provincial case officer), and, as the word walk does, for the city chief above them and a
reviewer of the year's plan; also for the prosecutor with most open cases due in the ledger (the
demo prosecutor's alerts are all of closed cases, so their list of deadlines is empty). Then,
for every role, it requests every page that role reaches from the navigation: the word walk's
pages (`tests/integration/web_support.pages_of`: home, the workbench's `/due/{kind}` lists,
cases, a few case pages, ledger, indicators and their cases, review and review forms, quality,
responsibility, evaluation, calendar, accounts), and beside them the case list searched and
sorted, supervision (leads, matters, a matter, the panel queue), meetings and notices (one of
each), reports and the schedule.

``--cases N --db URL``: the same walk over a demo of N cases in the store URL names (e.g. a
PostgreSQL database, built by ``jianguan demo --cases N --db URL`` if it holds no cases yet, its
generated files in DIR): every page at 1 M cases, one request at a time.

The web application runs in this process (FastAPI's test client, as the tests drive it: no
network, the server's own code and middleware). Each page is requested `--runs` times; before
every request the dashboard's kept counts (`Web.counts`, 5 s: the home page's counts, the
workbench and its lists) are dropped, so that every request computes its page as a visitor
arriving after those seconds finds it. Data quality and anomalies are computed once per scope in
the background (the page says so and asks again, `Web.heavy`, 300 s): their first request is
timed until the page is ready ("first", not counted in "max"), the later ones read what was kept.
Per page it prints the first, median and max time in ms and flags (`> 1 s`) a page whose median
or max is over 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' helpers: the word walk's pages and its login

from fastapi.testclient import TestClient  # noqa: E402
from tests.integration.web_support import PASSWORD, login, pages_of  # noqa: E402

from jianguan.bootstrap import App, bootstrap  # noqa: E402
from jianguan.domain.model import Person, Role  # noqa: E402
from jianguan.entrypoints.messages import pad  # noqa: E402
from jianguan.entrypoints.serve_cli import demo_people  # noqa: E402
from jianguan.services.accounts import set_password  # noqa: E402
from jianguan.settings import Settings  # noqa: E402
from jianguan.web.app import create_app  # noqa: E402
from jianguan.web.state import Web, WebConfig  # noqa: E402

GOAL = 1.0  # seconds


def prepare(data_dir: Path, cases: int, db: str | None) -> tuple[str, dt.date]:
    """(store URL, as-of day) of the demo store in ``data_dir`` (or the one ``db`` names),
    built by ``jianguan demo`` if missing."""
    url = db or f"sqlite:///{data_dir / 'jianguan.db'}"
    manifest = data_dir / "demo-data" / "manifest.json"
    if not manifest.is_file() or not _holds_cases(url):
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "JIANGUAN_DATA_DIR": str(data_dir)}
        subprocess.run([sys.executable, "-m", "jianguan", "demo", "--cases", str(cases),
                        "--db", url], env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    as_of = dt.date.fromisoformat(json.loads(manifest.read_text("utf-8"))["as_of"])
    return url, as_of


def _holds_cases(url: str) -> bool:
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return False
    with bootstrap(db_url=url) as app, app.uow() as uow:
        return bool(uow.cases.counts()["cases"])


def accounts(app: App) -> dict[str, Person]:
    """The demo accounts (``jianguan serve --demo``), the chief of the city procuratorate above
    them and a reviewer with forms still to grade; each given the tests' password."""
    demo = demo_people(app)
    labels = {
        Role.PROSECUTOR: "prosecutor",
        Role.CASE_OFFICER: "officer",
        Role.DEPARTMENT_HEAD: "head",
    }
    users: dict[str, Person] = {}
    for person in demo:
        label = labels[person.role] if person.unit == demo[0].unit else "province officer"
        users[label] = person
    with app.uow() as uow:
        units = {u.code: u for u in uow.cases.units()}
        people = {p.id: p for p in uow.cases.people()}
        forms = uow.review.forms(app.today().year)
    city = units[demo[0].unit].parent
    users["city chief"] = next(
        p for p in people.values() if p.role is Role.CHIEF and p.unit == city
    )
    reviewer = next(f.reviewer for f in forms if f.reviewer and f.status.recordable)
    users["reviewer"] = people[reviewer]
    with app.uow() as uow:  # most dated alerts on open cases (as the demo picks)
        dated = [e for e in uow.ledger.entries().values() if e.status.active and e.due is not None]
        cases = uow.cases.load_cases(sorted({e.case_id for e in dated}))
    live = Counter(
        cases[e.case_id].handler
        for e in dated
        if e.case_id in cases and cases[e.case_id].decision is None
        and cases[e.case_id].closed_on is None
        and people[cases[e.case_id].handler].role is Role.PROSECUTOR
    )  # fmt: skip
    if live:
        users["prosecutor (deadlines)"] = people[max(live, key=lambda h: (live[h], h))]
    for person in users.values():
        set_password(app.uow(), app.hasher, person.id, person.id, PASSWORD, app.now(), "bench")
    return users


def first_link(client: TestClient, page: str, pattern: str) -> list[str]:
    found = re.search(rf'href="({pattern})"', client.get(page).text)
    return [found.group(1)] if found else []


def more_pages(client: TestClient) -> list[str]:
    """The navigation's other pages (beside the word walk's), and one item of each list."""
    paths = ["/cases?q=盗窃", "/cases?mine=false&q=盗窃", "/cases?mine=false&open_only=true",
             "/cases?mine=false&sort=received_desc&page=3", "/supervision", "/supervision/matters",
             "/supervision/matters?mine=true", "/supervision/panel", "/management", "/reports",
             "/schedule"]  # fmt: skip
    paths += first_link(client, "/supervision/matters", r"/supervision/matters/[^\"?#]+")
    paths += first_link(client, "/management", r"/management/meetings/[^\"?#]+")
    paths += first_link(client, "/management", r"/management/notices/[^\"?#]+")
    return paths


def timed(client: TestClient, web: Web, path: str) -> tuple[float, int, bool]:
    """Seconds until the page is there (a page computed in the background answers 202 until
    ready: asked again as the page itself does), the final status, and whether it was computed
    in the background."""
    web.counts.clear()
    started = time.perf_counter()
    r = client.get(path)
    background = r.status_code == 202
    while r.status_code == 202:
        time.sleep(0.05)
        r = client.get(path)
    return time.perf_counter() - started, r.status_code, background


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench" / "out" / "demo-pages")
    parser.add_argument("--only", help="one role's label (prosecutor, officer, head, …)")
    parser.add_argument("--match", help="only the pages whose path this regular expression finds")
    parser.add_argument("--cases", type=int, default=20_000, help="the demo's size, if built")
    parser.add_argument("--db", help="the store (default: DIR/jianguan.db, SQLite)")
    args = parser.parse_args()
    url, as_of = prepare(args.data_dir, args.cases, args.db)
    settings = Settings(data_dir=args.data_dir)
    with bootstrap(settings, db_url=url, as_of=as_of) as app:
        users = accounts(app)
        with app.uow() as uow:
            cases = uow.cases.counts()["cases"]
        site = create_app(app, WebConfig(secure_cookies=False))
        web: Web = site.state.web
        print(f"{cases:,} cases (demo, as of {as_of}), {args.runs} runs per page, lang {args.lang}")
        print(f"{'role':<24}{'page':<58}{'first':>8}{'median':>8}{'max':>8}")
        slow: list[tuple[str, str, float]] = []
        total = 0
        for label, person in users.items():
            if args.only and label != args.only:
                continue
            client = TestClient(site)
            if args.lang == "en":
                client.get("/lang/en", follow_redirects=False)
            login(client, person.id)
            paths = list(
                dict.fromkeys(pages_of(client, person.id, as_of.year) + more_pages(client))
            )
            for path in paths:
                if args.match and not re.search(args.match, path):
                    continue
                times, status, background = [], 0, False
                for run in range(args.runs):
                    took, status, bg = timed(client, web, path)
                    times.append(took)
                    background = background or (bg and run == 0)
                first, median = times[0], statistics.median(times)
                worst = max(times[1:] or times) if background else max(times)
                over = median > GOAL or worst > GOAL
                flag = "  > 1 s" if over else ""
                note = "" if status == 200 else f"  ({status})"
                note += "  (first: computed in the background)" if background else ""
                shown = path if len(path) <= 56 else path[:55] + "…"
                print(f"{label:<24}{pad(shown, 58)}{first * 1000:>8.0f}{median * 1000:>8.0f}"
                      f"{worst * 1000:>8.0f}{flag}{note}", flush=True)  # fmt: skip
                total += 1
                if over:
                    slow.append((label, path, max(median, worst)))
        print(f"{total} pages × roles; over {GOAL:.0f} s: "
              f"{len(slow)}")  # fmt: skip
        for label, path, took in slow:
            print(f"  {label}: {path} {took * 1000:.0f} ms")


if __name__ == "__main__":
    main()
