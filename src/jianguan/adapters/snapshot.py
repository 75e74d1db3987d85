"""A project-owned Parquet snapshot of the store, and DuckDB indicators over it.

DuckDB cannot read SQLite or PostgreSQL here: its scanner extensions would be downloaded at run
time, and the platform runs offline. So the store (or a generated data set folder) is written
out as Parquet, one folder per table (``<dir>/<table>/*.parquet``) with the store's own table
and column names, and the indicator SQL runs on it unchanged. A folder per table lets a large
snapshot be written in parts (bench/bench_indicators.py appends one part per generated chunk).
Document texts are left out: indicators never read them and they are most of the bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb
from sqlalchemy import Boolean, Column, Date, DateTime, Engine, Integer, Table, select

from jianguan.adapters.indicator_sql import (
    DUCKDB,
    DUE_STARTS_SQL,
    UNITS_SQL,
    _day,
    _unit,
    compile_count,
    compile_drill,
    drill_rows,
    dues_sql,
    needs_dues,
    unpack,
)
from jianguan.adapters.store import schema
from jianguan.domain.indicators import DrillRow, Term
from jianguan.domain.model import Unit
from jianguan.domain.monitoring import DueBook, review_due_rows
from jianguan.services.ports.indicators import CountQuery, CountRow, Scope, SnapshotUnavailable

TABLES: tuple[Table, ...] = (
    schema.units,
    schema.people,
    schema.cases,
    schema.case_charges,
    schema.suspects,
    schema.victims,
    schema.events,
    schema.documents,
)
LEFT_OUT = {"documents": {"text"}, "cases": {"content_hash"}}
MANIFEST = "snapshot.json"
LAKE_MANIFEST = "lake.json"  # a lake partitioned by province and year (adapters/lake.py)
NULL = "\\N"


class SnapshotError(SnapshotUnavailable):
    pass


def _columns(table: Table) -> list[Column[object]]:
    return [c for c in table.columns if c.name not in LEFT_OUT.get(table.name, set())]


def _duck_type(col: Column[object]) -> str:
    t = col.type
    if isinstance(t, Boolean):
        return "BOOLEAN"
    if isinstance(t, DateTime):
        return "TIMESTAMPTZ"
    if isinstance(t, Date):
        return "DATE"
    if isinstance(t, Integer):
        return "BIGINT"
    return "VARCHAR"


def _cell(value: object) -> object:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _copy(con: duckdb.DuckDBPyConnection, select_sql: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({select_sql}) TO '{_path(out)}' (FORMAT parquet, COMPRESSION zstd)")


def _path(p: Path) -> str:
    return str(p).replace("'", "''")


def _write_manifest(out_dir: Path, origin: str, counts: dict[str, int]) -> None:
    manifest = {"written_at": dt.datetime.now(dt.UTC).isoformat(), "origin": origin, "rows": counts}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")


def snapshot_from_store(engine: Engine, out_dir: Path, origin: str) -> dict[str, int]:
    """Write every snapshot table of the store as Parquet; returns rows per table.

    Each table is streamed to a temporary CSV and typed by DuckDB on the way to Parquet, so
    memory stays flat however large the store is.
    """
    _fresh(out_dir)
    counts: dict[str, int] = {}
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp, engine.connect() as conn:
        for table in TABLES:
            cols = _columns(table)
            path = Path(tmp) / f"{table.name}.csv"
            n = 0
            with path.open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([c.name for c in cols])
                result = conn.execution_options(stream_results=True).execute(select(*cols))
                for row in result:
                    w.writerow([_cell(v) for v in row])
                    n += 1
            types = ", ".join(f"'{c.name}': '{_duck_type(c)}'" for c in cols)
            _copy(
                con,
                f"SELECT * FROM read_csv('{_path(path)}', header = true, nullstr = '{NULL}', "
                f"quote = '\"', escape = '\"', columns = {{{types}}})",
                out_dir / table.name / "part-0.parquet",
            )
            counts[table.name] = n
    con.close()
    _write_manifest(out_dir, origin, counts)
    return counts


def _fresh(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MANIFEST).is_file():
        raise SnapshotError(
            f"{out_dir} is not empty and is not a snapshot; refusing to write there"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*/*.parquet"):
        old.unlink()


# Format v1 (spec/case-records-v1.md) as DuckDB reads cases.jsonl; documents' text left out.
JSON_COLUMNS = {
    "case_id": "VARCHAR",
    "unified_no": "VARCHAR",
    "unit": "VARCHAR",
    "department": "VARCHAR",
    "category": "VARCHAR",
    "source": "VARCHAR",
    "received_on": "DATE",
    "handler": "VARCHAR",
    "assigned_on": "DATE",
    "assignment": "VARCHAR",
    "major_complex": "BOOLEAN",
    "charges": "VARCHAR[]",
    "suspects": "STRUCT(id VARCHAR, name VARCHAR, birth_date DATE, in_custody BOOLEAN, "
    "minor BOOLEAN, disability VARCHAR, has_counsel BOOLEAN, plea_leniency BOOLEAN, "
    "fast_track BOOLEAN, likely_sentence_months BIGINT, likely_sentence VARCHAR)[]",
    "victims": "STRUCT(id VARCHAR, name VARCHAR)[]",
    "events": 'STRUCT(type VARCHAR, "on" DATE, "by" VARCHAR, party VARCHAR, note VARCHAR, '
    '"at" VARCHAR)[]',
    "decision": 'STRUCT(type VARCHAR, "on" DATE, "by" VARCHAR, approved_by VARCHAR, ground VARCHAR)',
    "outcome": 'STRUCT(type VARCHAR, "on" DATE, sentence_months BIGINT, '
    "recommendation_months BIGINT, recommendation_accepted BOOLEAN, appealed BOOLEAN, "
    "charge_changed BOOLEAN)",
    "documents": 'STRUCT(type VARCHAR, "no" VARCHAR, issued_on DATE)[]',
    "closed_on": "DATE",
    "archived_on": "DATE",
}

CASES_SELECT = """SELECT p || case_id AS case_id, p || unified_no AS unified_no, unit, department,
  category, source, received_on, handler, assigned_on, assignment, major_complex,
  decision.type AS decision_type, decision.on AS decision_on, decision.by AS decision_by,
  decision.approved_by AS decision_approved_by, decision.ground AS decision_ground,
  outcome.type AS outcome_type, outcome.on AS outcome_on, outcome.sentence_months AS sentence_months,
  outcome.recommendation_months AS recommendation_months,
  outcome.recommendation_accepted AS recommendation_accepted, outcome.appealed AS appealed,
  outcome.charge_changed AS charge_changed, closed_on, archived_on
FROM raw"""


def _child(list_col: str, fields: str) -> str:
    """One row per element of ``list_col`` with ``seq`` (0-based, as in the store)."""
    return (
        f"SELECT p || case_id AS case_id, seq, {fields} FROM (SELECT p, case_id, "
        f"unnest(generate_series(0, len({list_col}) - 1)) AS seq, unnest({list_col}) AS x FROM raw)"
    )


CHILDREN = {
    "case_charges": _child("charges", "x AS charge"),
    "suspects": _child(
        "suspects",
        "x.id AS id, x.name AS name, x.birth_date AS birth_date, x.in_custody AS in_custody, "
        "x.minor AS minor, x.disability AS disability, x.has_counsel AS has_counsel, "
        "x.plea_leniency AS plea_leniency, x.fast_track AS fast_track, "
        "x.likely_sentence_months AS likely_sentence_months, x.likely_sentence AS likely_sentence",
    ),
    "victims": _child("victims", "x.id AS id, x.name AS name"),
    "events": _child(
        "events",
        'x.type AS type, x."on" AS on_date, x."by" AS by_person, x.party AS party, x.note AS note, '
        "x.at AS at",
    ),
    "documents": _child("documents", 'x.type AS type, x."no" AS "no", x.issued_on AS issued_on'),
}


def snapshot_from_dataset(
    folder: Path, out_dir: Path, *, part: str = "part-0", id_prefix: str = "", with_org: bool = True
) -> dict[str, int]:
    """Write a generated (format v1, JSONL) data set folder as Parquet, without a store import.

    ``part`` names the files, so several data sets can be written into one snapshot;
    ``id_prefix`` is put before case ids and unified numbers so such parts never collide.
    The data set is trusted as generated: run ``jianguan import`` to validate a foreign one.
    """
    cases = folder / "cases.jsonl"
    if not cases.is_file():
        raise SnapshotError(f"{folder}: no cases.jsonl (a JSONL data set folder is expected)")
    if part == "part-0":
        _fresh(out_dir)
    counts: dict[str, int] = {}
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT ? AS p, * FROM read_json(?, format = 'newline_delimited', "
        f"columns = {{{_json_types()}}})",
        [id_prefix, str(cases)],
    )
    if with_org:
        for table in (schema.units, schema.people):
            cols = _columns(table)
            spec = ", ".join(f"'{c.name}': '{_duck_type(c)}'" for c in cols)
            src = folder / f"{table.name}.csv"
            _copy(
                con,
                f"SELECT * FROM read_csv('{_path(src)}', header = true, columns = {{{spec}}})",
                out_dir / table.name / f"{part}.parquet",
            )
    _copy(con, CASES_SELECT, out_dir / "cases" / f"{part}.parquet")
    for name, sql in CHILDREN.items():
        _copy(con, sql, out_dir / name / f"{part}.parquet")
    for name in ("cases", *CHILDREN, *(("units", "people") if with_org else ())):
        counts[name] = _count(con, out_dir / name / f"{part}.parquet")
    con.close()
    _write_manifest(out_dir, f"dataset {folder}", _merged_counts(out_dir, counts, part))
    return counts


def _json_types() -> str:
    # DuckDB's struct syntax inside a string literal: double quotes stay, single quotes doubled
    return ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items())


def _count(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    row = con.execute(f"SELECT count(*) FROM read_parquet('{_path(path)}')").fetchone()
    return int(row[0]) if row else 0


def _merged_counts(out_dir: Path, counts: dict[str, int], part: str) -> dict[str, int]:
    if part == "part-0" or not (out_dir / MANIFEST).is_file():
        return counts
    old = json.loads((out_dir / MANIFEST).read_text("utf-8")).get("rows", {})
    return {k: int(old.get(k, 0)) + counts.get(k, 0) for k in {*old, *counts}}


class SnapshotIndicators:
    """Indicators counted by DuckDB over a Parquet snapshot; the review periods' legal due dates
    come from ``book`` (the period engine), as in the store's engine."""

    def __init__(self, snapshot_dir: Path, book: DueBook, *, threads: int | None = None) -> None:
        self.book = book
        self._dues = False
        lake = (snapshot_dir / LAKE_MANIFEST).is_file()
        if not lake and not (snapshot_dir / MANIFEST).is_file():
            raise SnapshotError(
                f"{snapshot_dir}: not a snapshot (no {MANIFEST}) nor a lake (no {LAKE_MANIFEST}); "
                "see `jianguan snapshot`"
            )
        self.con = duckdb.connect()
        self.con.execute("SET enable_progress_bar = false")  # it would write into our output
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        for table in TABLES:
            files = snapshot_dir / table.name
            if lake and any(files.glob("province=*/year=*/*.parquet")):
                # the lake's case tables: partitioned by province and year (hive layout)
                glob = _path(files / "province=*" / "year=*" / "*.parquet")
                self.con.execute(
                    f"CREATE VIEW {table.name} AS SELECT * FROM read_parquet('{glob}', "
                    "hive_partitioning = true, hive_types = {'province': VARCHAR, 'year': BIGINT})"
                )
            elif any(files.glob("*.parquet")):
                glob = _path(files / "*.parquet")
                self.con.execute(
                    f"CREATE VIEW {table.name} AS SELECT * FROM read_parquet('{glob}')"
                )
        self._units: list[Unit] | None = None

    def units(self) -> Sequence[Unit]:
        if self._units is None:
            self._units = [_unit(r) for r in self.con.execute(UNITS_SQL).fetchall()]
        return self._units

    def _run(self, sql: str) -> list[tuple[object, ...]]:
        if needs_dues(sql) and not self._dues:
            # a snapshot does not change: its due-date table is filled once, on first need
            starts = [_day(r[0]) for r in self.con.execute(DUE_STARTS_SQL).fetchall() if r[0]]
            for statement in dues_sql(DUCKDB, review_due_rows(self.book, starts)):
                self.con.execute(statement)
            self._dues = True
        return self.con.execute(sql).fetchall()

    def count(self, query: CountQuery) -> list[CountRow]:
        if not query.terms:
            return []
        return unpack(self._run(compile_count(DUCKDB, query)), len(query.group_by))

    def drill(self, terms: Sequence[Term], scope: Scope) -> list[DrillRow]:
        if not terms:
            return []
        return drill_rows(self._run(compile_drill(DUCKDB, terms, scope)))

    def close(self) -> None:
        self.con.close()
