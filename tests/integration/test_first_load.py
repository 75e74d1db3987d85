"""A first load (an import into a store holding no case) builds the case tables' secondary
indexes once at the end instead of row by row (issue 17): afterwards the store has exactly the
indexes it had before, a refused first load leaves them too, and a second import, which is not a
first load, still finds its cases unchanged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text

from jianguan.bootstrap import App
from tests.factories import numbered_case, write_dataset
from tests.integration.test_import import run_import
from tests.support import app_for


def indexes(store: App) -> set[tuple[str, str]]:
    """(name, definition) of every index of the store's tables, as the database reports it."""
    with store.store.engine.connect() as conn:
        return _indexes(conn)


def _indexes(conn: Connection) -> set[tuple[str, str]]:
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        )
    else:
        rows = conn.execute(
            text("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index'")
        )
    return {(str(a), str(b)) for a, b in rows}


def test_first_load_leaves_every_index_as_it_was(store_url: str, tmp_path: Path) -> None:
    with app_for(store_url) as store:
        before = indexes(store)
        assert any("open" in name for name, _ in before), "the store should have its case indexes"
        report = run_import(store, write_dataset(tmp_path / "good"))
        assert report.errors == []
        assert report.cases_new == 3
        assert indexes(store) == before
        again = run_import(store, write_dataset(tmp_path / "good"))  # not a first load
        assert (again.cases_new, again.cases_unchanged) == (0, 3)
        assert indexes(store) == before


def test_refused_first_load_keeps_the_indexes_and_writes_nothing(
    store_url: str, tmp_path: Path
) -> None:
    bad = numbered_case(2)
    bad["unit"] = "999999"  # not in units.csv: the whole import is refused
    with app_for(store_url) as store:
        before = indexes(store)
        report = run_import(store, write_dataset(tmp_path / "bad", cases=[numbered_case(1), bad]))
        assert report.errors, "a case of an unknown unit must be refused"
        assert indexes(store) == before
        with store.uow() as uow:
            assert uow.cases.holds_cases() is False


def primary_keys(store: App) -> set[tuple[str, str]]:
    """(table, its primary key's columns) of every table, as the database reports it."""
    with store.store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                    " JOIN pg_class t ON t.oid = c.conrelid"
                    " WHERE t.relnamespace = current_schema()::regnamespace"
                    " AND c.contype = 'p'"
                )
            )
            return {(str(a), str(b)) for a, b in rows}
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        out = set()
        for (table,) in list(tables):
            info = conn.execute(text(f'PRAGMA table_info("{table}")')).all()
            key = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            if key:
                out.add((str(table), f"PRIMARY KEY ({', '.join(key)})"))
        return out


def test_first_load_gives_every_table_its_primary_key_back(store_url: str, tmp_path: Path) -> None:
    """On PostgreSQL a first load drops the keys of events, documents … and adds them back
    when the rows are in (SQLite cannot drop one and keeps them): after a load and after a
    refused one, every key is there, on the same columns."""
    with app_for(store_url) as store:
        before = primary_keys(store)
        assert ("events", "PRIMARY KEY (case_id, seq)") in before
        assert ("documents", "PRIMARY KEY (case_id, seq)") in before
        bad = numbered_case(2)
        bad["unit"] = "999999"
        refused = run_import(store, write_dataset(tmp_path / "bad", cases=[numbered_case(1), bad]))
        assert refused.errors
        assert primary_keys(store) == before
        report = run_import(store, write_dataset(tmp_path / "good"))
        assert report.cases_new == 3
        assert primary_keys(store) == before
