"""Ready applications for tests: the same bootstrap as the CLI and the server, on a test store."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from jianguan.bootstrap import App, bootstrap, fast_hasher, rulebook
from jianguan.domain.rulebook import Rulebook
from jianguan.settings import Settings


@cache
def rules() -> Rulebook:
    """The packaged rulebook (no local additions), read once per test process."""
    return rulebook(None)


def app_for(url: str, *, as_of: dt.date | None = None, data_dir: Path | None = None) -> App:
    """An application on the store at ``url``; cheap password hashing; the packaged rulebook
    unless ``data_dir`` holds local additions."""
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    book = rulebook(data_dir) if data_dir is not None else rules()
    return bootstrap(settings, db_url=url, as_of=as_of, rules=book, hasher=fast_hasher())
