"""Ready applications for tests: the same bootstrap as the CLI and the server, on a test store."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from jianguan import synth
from jianguan.bootstrap import App, bootstrap, fast_hasher, rulebook
from jianguan.domain.rulebook import Rulebook
from jianguan.settings import Settings
from jianguan.synth import SynthSummary


@cache
def rules() -> Rulebook:
    """The packaged rulebook (no local additions), read once per test process."""
    return rulebook(None)


# Every application a test opened, held until the test ends and its pooled connections are
# closed (conftest.py): an application dropped by its test is collected with its pool, and a
# PostgreSQL connection left to the garbage collector warns (ResourceWarning) inside whichever
# later test the collection happens to run in.
_opened: list[App] = []


def app_for(url: str, *, as_of: dt.date | None = None, data_dir: Path | None = None) -> App:
    """An application on the store at ``url``; cheap password hashing; the packaged rulebook
    unless ``data_dir`` holds local additions."""
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    book = rulebook(data_dir) if data_dir is not None else rules()
    app = bootstrap(settings, db_url=url, as_of=as_of, rules=book, hasher=fast_hasher())
    _opened.append(app)
    return app


def close_opened_apps() -> None:
    """Close the pooled connections of every application ``app_for`` opened. An application
    kept by a longer-lived fixture stays usable: its engine opens new connections on demand."""
    while _opened:
        _opened.pop().close()


def generate(out_dir: Path, **options: Any) -> SynthSummary:
    """``jianguan.synth.generate`` on the packaged calendar (what ``jianguan synth`` uses)."""
    return synth.generate(out_dir, calendar=rules().calendar, **options)


def imported(folder: Path, url: str, *, as_of: dt.date | None = None) -> App:
    """An application on ``url`` holding the data set in ``folder`` (refused imports fail)."""
    from jianguan.services.importing import import_dataset

    app = app_for(url, as_of=as_of)
    feed = app.open_dataset(folder)
    try:
        report = import_dataset(feed, app.uow())
    finally:
        feed.close()
    assert report.errors == [], report.errors[:5]
    return app


def manifest_day(folder: Path) -> dt.date:
    """The as-of day a generated data set was made for."""
    import orjson

    return dt.date.fromisoformat(orjson.loads((folder / "manifest.json").read_bytes())["as_of"])


def planted(folder: Path) -> set[tuple[str, str]]:
    """(case_id, kind) of every defect the generator planted."""
    import orjson

    rows = (folder / "defects.jsonl").read_bytes().splitlines()
    return {(r["case_id"], r["kind"]) for r in map(orjson.loads, rows)}
