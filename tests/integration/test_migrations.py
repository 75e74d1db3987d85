"""The Alembic migrations build exactly the schema the code declares, on each backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from jianguan.adapters.store.engine import current_revision, head_revision
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.adapters.store.tables import metadata


def test_migrated_schema_matches_the_code(store_url: str) -> None:
    store = SqlStore(store_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert current_revision(store.engine) == head_revision()
    store.close()
    assert diff == []


def test_opening_an_upgraded_store_again_is_harmless(store_url: str) -> None:
    SqlStore(store_url).close()
    store = SqlStore(store_url)
    with store.session() as s:
        assert s.counts()["cases"] == 0
    store.close()
