"""An import killed with SIGKILL at any point leaves the store consistent (issue 14).

A 50,000-case data set (made once per module) is imported by ``python -m jianguan import`` into a
store that already holds a smaller, different data set (2,000 cases, some with the same case ids,
so the big import also replaces cases and writes ``case_changed`` audit entries). The import is
killed with SIGKILL

* 0.5 s after start (starting up, opening the store),
* 2 s after start (the import lock, units and people, the first batch of cases),
* once 40 % of ``cases.jsonl`` has been read (the middle of the import),
* PostgreSQL: once all of the input has been read (the last batch, the audit entry, the commit);
  SQLite: right after the commit, while SQLite copies the write-ahead log into the database file
  (in WAL mode the main file is written only then) — on a copy of the store made before the
  first kill, so that the normal import below still starts from the same store.

After every kill the store opens, its audit chain is intact and its row counts (every table) are
exactly those before the import (killed before the commit) or exactly those of the completed
import (killed after it) — nothing in between. Then a normal import completes (its units, people
and cases as the files have them, one audit entry per replaced case and one for the import) and
a re-import reports every case unchanged.

Where the import is is read from ``/proc/<pid>/fdinfo`` (how far it has read its input), so the
kill points do not depend on the machine's speed. Measured on a shared 2-core machine: about
70 s on SQLite; PostgreSQL (JIANGUAN_TEST_PG) adds about two minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from jianguan.services.importing import verify_audit
from tests.support import app_for, generate

CASES = 50_000
SMALL_CASES = 2_000
POLL = 0.005  # seconds between looks at the import
Trigger = Callable[[subprocess.Popen[bytes], float], bool]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("kill")
    big, small = root / "big", root / "small"
    generate(big, cases=CASES, seed=1, defect_rate=0.05, workers=2)
    generate(small, cases=SMALL_CASES, seed=7, defect_rate=0.05, workers=1)
    return big, small


def _state(url: str) -> tuple[dict[str, int], list[str]]:
    """(rows per table, audit-chain problems), through a fresh application on the store."""
    with app_for(url) as app:
        uow = app.uow()
        with uow:
            counts = uow.cases.counts()
        return counts, verify_audit(app.uow())


def _cli(folder: Path, url: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "jianguan", "--lang", "en", "import", str(folder), "--db", url]
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)


def _import(folder: Path, url: str, env: dict[str, str], log: Path) -> str:
    proc = _cli(folder, url, env, log)
    assert proc.wait(timeout=300) == 0, log.read_text()
    return log.read_text()


def _read_position(pid: int, path: Path) -> int | None:
    """How far process ``pid`` has read ``path`` (None while it does not have it open)."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        for fd in fds.iterdir():
            try:
                if Path(os.readlink(fd)) == path:
                    info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                    return int(info.split()[1])  # "pos:\t<offset>"
            except OSError:
                continue
    except OSError:
        return None
    return None


def after(seconds: float) -> Trigger:
    return lambda _proc, started: time.monotonic() - started >= seconds


def input_read(cases_file: Path, fraction: float) -> Trigger:
    """Once the import has read ``fraction`` of its cases (or, having read some, closed the file)."""
    cases_file = cases_file.resolve()  # as /proc shows it
    size, seen = cases_file.stat().st_size, [False]

    def fire(proc: subprocess.Popen[bytes], _started: float) -> bool:
        pos = _read_position(proc.pid, cases_file)
        if pos is None:
            return seen[0]
        seen[0] = True
        return pos >= size * fraction

    return fire


def db_file_written(db: Path) -> Trigger:
    """SQLite in WAL mode writes the main file only when it checkpoints, that is after a commit."""
    before = (db.stat().st_size, db.stat().st_mtime_ns)
    return lambda _proc, _started: (db.stat().st_size, db.stat().st_mtime_ns) != before


def _kill_when(proc: subprocess.Popen[bytes], fire: Trigger, log: Path) -> float:
    """SIGKILL ``proc`` when ``fire`` says so; the seconds it ran. It must not have ended first."""
    started = time.monotonic()
    while proc.poll() is None and not fire(proc, started):
        time.sleep(POLL)
    assert proc.poll() is None, f"the import ended before the kill point:\n{log.read_text()}"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    return time.monotonic() - started


def _expected_totals(*folders: Path) -> dict[str, int]:
    """Units, people and cases the store holds once every folder is imported (from the files)."""
    case_id = re.compile(rb'^\{"case_id":"([^"]+)"')
    units, people, cases = set(), set(), set()
    for folder in folders:
        units |= {
            line.split(",")[0] for line in (folder / "units.csv").read_text().splitlines()[1:]
        }
        people |= {
            line.split(",")[0] for line in (folder / "people.csv").read_text().splitlines()[1:]
        }
        with (folder / "cases.jsonl").open("rb") as fh:
            for line in fh:
                match = case_id.match(line)
                assert match is not None, line[:80]
                cases.add(match.group(1))
    return {"units": len(units), "people": len(people), "cases": len(cases)}


REPORT = re.compile(r"cases: (\d+) new, (\d+) changed, (\d+) unchanged")


def _copy_sqlite(url: str, to: Path) -> str:
    """A copy of a closed SQLite store (with its write-ahead log, if one is left)."""
    db = Path(str(make_url(url).database))
    for suffix in ("", "-wal"):
        if (db.parent / f"{db.name}{suffix}").exists():
            shutil.copyfile(db.parent / f"{db.name}{suffix}", to.parent / f"{to.name}{suffix}")
    return f"sqlite:///{to}"


def test_import_killed_anywhere_leaves_the_store_consistent(
    store_url: str, sets: tuple[Path, Path], tmp_path: Path
) -> None:
    big, small = sets
    cases_file = big / "cases.jsonl"
    env = {**os.environ, "JIANGUAN_DATA_DIR": str(tmp_path / "var")}
    env.pop("JIANGUAN_DATABASE_URL", None)
    sqlite = make_url(store_url).get_backend_name() == "sqlite"

    _import(small, store_url, env, tmp_path / "small.log")
    before, problems = _state(store_url)
    assert problems == []
    assert before["cases"] == SMALL_CASES
    twin = _copy_sqlite(store_url, tmp_path / "twin.db") if sqlite else None

    points: dict[str, Callable[[], Trigger]] = {  # each trigger made as its import starts
        "0.5 s": lambda: after(0.5),
        "2 s": lambda: after(2.0),
        "40 % read": lambda: input_read(cases_file, 0.4),
    }
    if not sqlite:
        points["all input read"] = lambda: input_read(cases_file, 1.0)
    seen: dict[str, tuple[float, dict[str, int]]] = {}
    for name, trigger in points.items():
        log = tmp_path / f"kill-{len(seen)}.log"
        ran = _kill_when(_cli(big, store_url, env, log), trigger(), log)
        counts, problems = _state(store_url)  # the store opens (and is migrated) as usual
        assert problems == [], (name, problems[:5])
        seen[name] = (ran, counts)

    out = _import(big, store_url, env, tmp_path / "import.log")
    after_import, problems = _state(store_url)
    assert problems == []
    report = REPORT.search(out)
    assert report is not None, out
    new, changed, unchanged = map(int, report.groups())
    assert (new + changed, unchanged) == (CASES, 0)
    assert changed > 0  # the small set's cases with the same ids were replaced
    totals = _expected_totals(small, big)
    assert {k: after_import[k] for k in totals} == totals
    assert after_import["audit_log"] == before["audit_log"] + changed + 1  # + the import's entry
    for name, (ran, counts) in seen.items():  # every kill so far came before the commit
        assert counts == before, (name, ran, counts, before, after_import)

    again = _import(big, store_url, env, tmp_path / "again.log")
    match = REPORT.search(again)
    assert match is not None, again
    assert match.groups() == ("0", "0", str(CASES))
    assert _state(store_url) == (after_import, [])

    if twin is not None:  # SQLite: killed after the commit, on a copy of the store as it was
        db = Path(str(make_url(twin).database))
        log = tmp_path / "kill-committed.log"
        ran = _kill_when(_cli(big, twin, env, log), db_file_written(db), log)
        assert _state(twin) == (after_import, []), ran
