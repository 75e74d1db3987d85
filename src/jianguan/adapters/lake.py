"""The Parquet lake: the case tables partitioned by province and year, written incrementally.

The national level (issue 17) keeps every province's cases in one lake that Spark (or DuckDB)
reads with hive partitioning::

    <lake>/lake.json                                         the manifest (what was written, when)
    <lake>/units/part-0.parquet, <lake>/people/part-0.parquet the organisation, whole
    <lake>/<table>/province=440000/year=2024/part-0.parquet   cases and each child table

The province is the unit code's first two digits + ``0000`` (GB/T 2260 division codes: a unit
of 广东 is ``44….``), the year that of ``received_on`` (fixed once a case is received, so a case
stays in its partition while it is worked on). Child tables (charges, suspects, victims, events,
documents) are partitioned by their case's partition, so one partition holds whole cases. The
columns are the snapshot's (adapters/snapshot.py): the store's names, document texts left out.

Incremental: a write from the store fingerprints every case (its card row, the export's content
hash, the platform's own events and card fields: what the platform changes without changing the
export's hash), hashes them per partition in case-id order and rewrites only the partitions
whose digest differs from the manifest's, removing partitions that no longer hold any case.
A partition's files are written beside the old ones under a hidden name and renamed over them,
so a reader never sees half a partition of one table.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from sqlalchemy import Column, ColumnElement, Engine, Table, and_, func, or_, select

from jianguan.adapters.indicator_sql import _day
from jianguan.adapters.snapshot import (
    CASES_SELECT,
    CHILDREN,
    LAKE_MANIFEST,
    MANIFEST,
    NULL,
    TABLES,
    SnapshotError,
    _cell,
    _columns,
    _duck_type,
    _json_types,
    _path,
)
from jianguan.adapters.store import schema

FORMAT = "jianguan-lake"
VERSION = 1
FLAT = ("units", "people")  # small: written whole, never partitioned
PARTITIONED = tuple(t.name for t in TABLES if t.name not in FLAT)
HISTORY = 30  # writes kept in the manifest

Partition = tuple[str, int]  # (province code, year)


def province_of(unit: str) -> str:
    """The province of a unit code (GB/T 2260: the first two digits)."""
    return unit[:2] + "0000"


def partition_key(p: Partition) -> str:
    return f"province={p[0]}/year={p[1]}"


def partition_of(unit: str, received_on: dt.date) -> Partition:
    return (province_of(unit), received_on.year)


@dataclass
class LakeWrite:
    """What one write did: partitions rewritten, left as they were, removed; rows per table
    in the rewritten partitions (and the organisation tables when they were rewritten)."""

    rewritten: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    cases: int = 0  # cases in the whole lake after the write

    def as_json(self) -> dict[str, object]:
        return {
            "rewritten": self.rewritten,
            "unchanged": len(self.unchanged),
            "removed": self.removed,
            "rows": self.rows,
            "cases": self.cases,
        }


# -- the manifest ----------------------------------------------------------------------------


def read_manifest(lake: Path) -> dict[str, object]:
    path = lake / LAKE_MANIFEST
    if not path.is_file():
        return {}
    data = json.loads(path.read_text("utf-8"))
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise SnapshotError(f"{lake}: {LAKE_MANIFEST} is not a version-{VERSION} jianguan lake")
    return dict(data)


def _prepare(lake: Path) -> dict[str, object]:
    """The manifest of an existing lake, or an empty one for a new folder; refuses a folder
    that holds something else (a snapshot, unrelated files)."""
    if (lake / MANIFEST).is_file():
        raise SnapshotError(f"{lake} is a snapshot (`snapshot --out`), not a lake")
    old = read_manifest(lake)
    if not old and lake.exists() and any(lake.iterdir()):
        raise SnapshotError(f"{lake} is not empty and is not a lake; refusing to write there")
    lake.mkdir(parents=True, exist_ok=True)
    return old


def _save_manifest(
    lake: Path,
    old: dict[str, object],
    origin: str,
    partitions: dict[str, dict[str, object]],
    flat: dict[str, dict[str, object]],
    done: LakeWrite,
) -> None:
    now = dt.datetime.now(dt.UTC).isoformat()
    history = list(old.get("writes", []))  # type: ignore[call-overload]
    history.append({"at": now, "origin": origin, **done.as_json()})
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "layout": "<table>/province=<code>/year=<yyyy>/*.parquet; units, people whole",
        "written_at": now,
        "origin": origin,
        "cases": done.cases,
        "tables": flat,
        "partitions": dict(sorted(partitions.items())),
        "writes": history[-HISTORY:],
    }
    tmp = lake / f".{LAKE_MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, lake / LAKE_MANIFEST)


# -- writing files ---------------------------------------------------------------------------


def _replace(
    con: duckdb.DuckDBPyConnection, select_sql: str, folder: Path, name: str, alone: bool = True
) -> int:
    """Write ``select_sql`` as ``folder/name`` (hidden first, then renamed); ``alone``: other
    Parquet files of the folder are removed (one file per table and partition after a store
    write; a lake built from several generated sets keeps one per set)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.tmp"
    con.execute(f"COPY ({select_sql}) TO '{_path(tmp)}' (FORMAT parquet, COMPRESSION zstd)")
    row = con.execute(f"SELECT count(*) FROM read_parquet('{_path(tmp)}')").fetchone()
    for old in folder.glob("*.parquet") if alone else ():
        if old.name != name:
            old.unlink()
    os.replace(tmp, folder / name)
    return int(row[0]) if row else 0


def _remove_partition(lake: Path, key: str) -> None:
    for table in PARTITIONED:
        shutil.rmtree(lake / table / key, ignore_errors=True)
        parent = (lake / table / key).parent
        if parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()


def _where(p: Partition) -> str:
    return f"_province = '{p[0]}' AND _year = {int(p[1])}"


def _write_partitions(
    con: duckdb.DuckDBPyConnection,
    lake: Path,
    parts: Iterable[Partition],
    name: str,
    alone: bool = True,
) -> dict[str, dict[str, int]]:
    """Each table's rows of each partition, from the temp tables ``t_<table>``."""
    out: dict[str, dict[str, int]] = {}
    for p in parts:
        key = partition_key(p)
        out[key] = {
            table: _replace(
                con,
                f"SELECT * EXCLUDE (_province, _year) FROM t_{table} WHERE {_where(p)}",
                lake / table / key,
                name,
                alone,
            )
            for table in PARTITIONED
        }
    return out


# -- from the store --------------------------------------------------------------------------


def _org_digest(rows: Iterable[Sequence[object]]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _fingerprints(engine: Engine) -> tuple[dict[Partition, str], dict[Partition, int]]:
    """Per partition: the digest of its cases (in case-id order) and how many there are."""
    c = schema.cases
    e = schema.events
    f = schema.case_platform_fields
    card = [*_columns(c), c.c.content_hash]
    platform: dict[str, list[str]] = {}
    hashes: dict[Partition, hashlib._Hash] = {}
    counts: dict[Partition, int] = {}
    with engine.connect() as conn:
        # what the platform did here (few rows): its events and card fields
        for row in conn.execute(
            select(e).where(e.c.origin != "export").order_by(e.c.case_id, e.c.seq)
        ):
            platform.setdefault(row.case_id, []).append(repr(tuple(row)))
        for row in conn.execute(select(f).order_by(f.c.case_id, f.c.field)):
            platform.setdefault(row.case_id, []).append(repr(tuple(row)))
        result = conn.execution_options(stream_results=True).execute(
            select(*card).order_by(c.c.case_id)
        )
        for row in result:
            p = partition_of(row.unit, row.received_on)
            h = hashes.get(p)
            if h is None:
                h = hashes[p] = hashlib.sha256()
                counts[p] = 0
            h.update(repr(tuple(row)).encode())
            for extra in platform.get(row.case_id, ()):
                h.update(extra.encode())
            counts[p] += 1
    return {p: h.hexdigest() for p, h in hashes.items()}, counts


def _in_partitions(c: Table, parts: Sequence[Partition]) -> ColumnElement[bool]:
    return or_(
        *(
            and_(
                func.substr(c.c.unit, 1, 2) == p[0][:2],
                c.c.received_on >= dt.date(p[1], 1, 1),
                c.c.received_on < dt.date(p[1] + 1, 1, 1),
            )
            for p in parts
        )
    )


def _stream_csv(
    engine: Engine, table: Table, cols: list[Column[object]], parts: Sequence[Partition], out: Path
) -> None:
    """The rows of ``table`` in ``parts`` as CSV with their partition (``_province``, ``_year``)."""
    c = schema.cases
    if table is c:
        query = select(*cols, c.c.unit.label("_u"), c.c.received_on.label("_r"))
    else:
        query = select(*cols, c.c.unit.label("_u"), c.c.received_on.label("_r")).select_from(
            table.join(c, table.c.case_id == c.c.case_id)
        )
    query = query.where(_in_partitions(c, parts))
    with engine.connect() as conn, out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*(col.name for col in cols), "_province", "_year"])
        for row in conn.execution_options(stream_results=True).execute(query):
            p = partition_of(str(row[-2]), _day(row[-1]))
            w.writerow([*(_cell(v) for v in row[:-2]), p[0], p[1]])


def _load_csv(
    con: duckdb.DuckDBPyConnection, name: str, cols: list[Column[object]], path: Path, extra: str
) -> None:
    types = ", ".join(f"'{c.name}': '{_duck_type(c)}'" for c in cols) + extra
    con.execute(
        f"CREATE TEMP TABLE t_{name} AS SELECT * FROM read_csv('{_path(path)}', header = true, "
        f"nullstr = '{NULL}', quote = '\"', escape = '\"', columns = {{{types}}})"
    )


def lake_from_store(engine: Engine, lake: Path, origin: str) -> LakeWrite:
    """Bring the lake up to date with the store: only partitions whose cases changed are
    rewritten (see the module's docstring); returns what was done."""
    old = _prepare(lake)
    old_parts: dict[str, dict[str, object]] = dict(old.get("partitions", {}))  # type: ignore[call-overload]
    old_flat: dict[str, dict[str, object]] = dict(old.get("tables", {}))  # type: ignore[call-overload]
    digests, counts = _fingerprints(engine)
    done = LakeWrite(cases=sum(counts.values()))
    changed = sorted(
        p for p, d in digests.items() if old_parts.get(partition_key(p), {}).get("digest") != d
    )
    keys = {partition_key(p) for p in digests}
    done.unchanged = sorted(keys - {partition_key(p) for p in changed})
    done.removed = sorted(set(old_parts) - keys)
    now = dt.datetime.now(dt.UTC).isoformat()
    parts = {k: v for k, v in old_parts.items() if k in keys}
    flat = dict(old_flat)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    with tempfile.TemporaryDirectory() as tmp:
        with engine.connect() as conn:
            for table in (schema.units, schema.people):
                cols = _columns(table)
                rows = list(conn.execute(select(*cols).order_by(*table.primary_key.columns)))
                digest = _org_digest(rows)
                if old_flat.get(table.name, {}).get("digest") == digest and any(
                    (lake / table.name).glob("*.parquet")
                ):
                    continue
                path = Path(tmp) / f"{table.name}.csv"
                with path.open("w", encoding="utf-8", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow([c.name for c in cols])
                    w.writerows([_cell(v) for v in row] for row in rows)
                types = ", ".join(f"'{c.name}': '{_duck_type(c)}'" for c in cols)
                n = _replace(
                    con,
                    f"SELECT * FROM read_csv('{_path(path)}', header = true, nullstr = '{NULL}', "
                    f"quote = '\"', escape = '\"', columns = {{{types}}})",
                    lake / table.name,
                    "part-0.parquet",
                )
                flat[table.name] = {"rows": n, "digest": digest, "written_at": now}
                done.rows[table.name] = n
        if changed:
            for table in TABLES:
                if table.name in FLAT:
                    continue
                cols = _columns(table)
                path = Path(tmp) / f"{table.name}.csv"
                _stream_csv(engine, table, cols, changed, path)
                _load_csv(
                    con, table.name, cols, path, ", '_province': 'VARCHAR', '_year': 'BIGINT'"
                )
                path.unlink()
            written = _write_partitions(con, lake, changed, "part-0.parquet")
            for p in changed:
                key = partition_key(p)
                got = written[key]
                parts[key] = {
                    "province": p[0],
                    "year": p[1],
                    "cases": counts[p],
                    "digest": digests[p],
                    "rows": got,
                    "written_at": now,
                }
                for name, n in got.items():
                    done.rows[name] = done.rows.get(name, 0) + n
    con.close()
    for key in done.removed:
        _remove_partition(lake, key)
    done.rewritten = [partition_key(p) for p in changed]
    _save_manifest(lake, old, origin, parts, flat, done)
    return done


# -- from a generated data set ---------------------------------------------------------------


def lake_from_dataset(
    folder: Path, lake: Path, *, part: str = "part-0", id_prefix: str = "", with_org: bool = True
) -> LakeWrite:
    """A generated (format v1, JSONL) data set folder written into the lake without a store
    import. ``part`` names the files, so several data sets go into one lake (``part-0`` starts
    a new lake: the case partitions there are emptied first); ``id_prefix`` goes before case ids
    and unified numbers so such parts never collide. Partitions written this way carry no
    digest: the next write from a store rewrites them."""
    cases = folder / "cases.jsonl"
    if not cases.is_file():
        raise SnapshotError(f"{folder}: no cases.jsonl (a JSONL data set folder is expected)")
    old = _prepare(lake)
    old_parts: dict[str, dict[str, object]] = dict(old.get("partitions", {}))  # type: ignore[call-overload]
    flat: dict[str, dict[str, object]] = dict(old.get("tables", {}))  # type: ignore[call-overload]
    if part == "part-0":
        for key in old_parts:
            _remove_partition(lake, key)
        old_parts = {}
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        "CREATE TEMP TABLE raw AS SELECT ? AS p, * FROM read_json(?, format = 'newline_delimited', "
        f"columns = {{{_json_types()}}})",
        [id_prefix, str(cases)],
    )
    now = dt.datetime.now(dt.UTC).isoformat()
    done = LakeWrite()
    if with_org:
        for table in (schema.units, schema.people):
            cols = _columns(table)
            spec = ", ".join(f"'{c.name}': '{_duck_type(c)}'" for c in cols)
            n = _replace(
                con,
                f"SELECT * FROM read_csv('{_path(folder / f'{table.name}.csv')}', header = true, "
                f"columns = {{{spec}}})",
                lake / table.name,
                "part-0.parquet",
            )
            flat[table.name] = {"rows": n, "digest": None, "written_at": now}
            done.rows[table.name] = n
    con.execute(
        "CREATE TEMP TABLE t_cases AS SELECT *, substr(unit, 1, 2) || '0000' AS _province, "
        f"year(received_on) AS _year FROM ({CASES_SELECT})"
    )
    for name, sql in CHILDREN.items():
        con.execute(
            f"CREATE TEMP TABLE t_{name} AS SELECT x.*, k._province, k._year FROM ({sql}) x "
            "JOIN (SELECT case_id, _province, _year FROM t_cases) k ON k.case_id = x.case_id"
        )
    con.execute("DROP TABLE raw")
    found = con.execute(
        "SELECT _province, _year, count(*) FROM t_cases GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    parts: list[Partition] = [(str(r[0]), int(r[1])) for r in found]
    written = _write_partitions(con, lake, parts, f"{part}.parquet", alone=part == "part-0")
    con.close()
    merged = dict(old_parts)
    for (prov, year, n), p in zip(found, parts, strict=True):
        key = partition_key(p)
        before = merged.get(key, {})
        rows_before: dict[str, int] = dict(before.get("rows", {}))  # type: ignore[call-overload]
        rows = {t: rows_before.get(t, 0) + written[key][t] for t in PARTITIONED}
        merged[key] = {
            "province": prov,
            "year": int(year),
            "cases": int(before.get("cases", 0)) + int(n),  # type: ignore[call-overload]
            "digest": None,
            "rows": rows,
            "written_at": now,
        }
        for name, k in written[key].items():
            done.rows[name] = done.rows.get(name, 0) + k
    done.rewritten = [partition_key(p) for p in parts]
    done.unchanged = sorted(set(merged) - set(done.rewritten))
    done.cases = sum(int(v.get("cases", 0)) for v in merged.values())  # type: ignore[call-overload]
    _save_manifest(lake, old, f"dataset {folder}", merged, flat, done)
    return done
