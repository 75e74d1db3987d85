"""Shared fixtures: a store on SQLite always, and on PostgreSQL too when JIANGUAN_TEST_PG is set.

JIANGUAN_TEST_PG is a PostgreSQL URL (or `1` for postgresql://postgres@127.0.0.1:5432/test).
Each PostgreSQL test gets a schema of its own, dropped afterwards, so tests never see each
other's rows and the database is left as it was.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from jianguan.adapters.store.engine import normalise_url
from tests.support import close_opened_apps

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def pg_url() -> str | None:
    value = os.environ.get("JIANGUAN_TEST_PG", "").strip()
    if not value or value.lower() in ("0", "false", "no"):
        return None
    return DEFAULT_PG if value.lower() in ("1", "true", "yes") else value


BACKENDS = ["sqlite", "postgresql"] if pg_url() else ["sqlite"]


@pytest.fixture(autouse=True)
def _close_applications() -> Iterator[None]:
    """After each test, the connections of the applications it opened are closed, not left to
    the garbage collector (see tests.support.close_opened_apps)."""
    yield
    close_opened_apps()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty store of each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = normalise_url(pg_url() or DEFAULT_PG)
    schema = f"jg_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
