"""Indicators on Apache Spark: the catalogue's compiled SQL run as Spark SQL over the lake.

The national level (issue 17, docs/deployment.md). The lake's Parquet tables (or a snapshot's)
become temporary views with the store's table names, and the statement
``adapters/indicator_sql.py`` compiles for the store and DuckDB runs here in the Spark dialect
(``SPARK``: ``datediff``, ``STRING`` NULLs, NULLs sorted last as DuckDB does). Two relations the
other engines build inside SQL come from Python instead, once per engine:

- ``ua`` (unit, ancestor): a few thousand units, walked up the tree here as the recursive CTE
  does (same depth guard), so Spark versions without ``WITH RECURSIVE`` run the same statement;
- ``ind_legal_dues``: the review periods' legal due dates from the period engine
  (``domain.monitoring.review_due_rows``) for the start dates the lake holds, as the store's and
  DuckDB's engines fill their temporary table, so 审限内 is the date monitoring names.

Local mode for tests and one machine (``local[2]``); a standalone (``spark://host:7077``) or
YARN (``yarn``) master in production, where the lake must be at a path every executor reads
(HDFS, S3-compatible storage, or a shared mount).
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jianguan.adapters.indicator_sql import (
    DUE_STARTS_SQL,
    DUE_TABLE,
    SPARK,
    UNITS_SQL,
    _day,
    _unit,
    compile_count,
    compile_drill,
    drill_rows,
    needs_dues,
    unpack,
)
from jianguan.adapters.snapshot import LAKE_MANIFEST, MANIFEST, TABLES, SnapshotError
from jianguan.domain.indicators import DrillRow, Term
from jianguan.domain.model import Unit
from jianguan.domain.monitoring import DueBook, review_due_rows
from jianguan.services.ports.indicators import CountQuery, CountRow, Scope

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEPTH = 16  # = indicator_sql.ancestors_sql's guard against a cycle in ``parent``


def spark_session(
    master: str = "local[*]",
    *,
    shuffle_partitions: int | None = None,
    driver_memory: str | None = None,
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """A Spark session on ``master`` (local[N], spark://host:port, yarn), UI off.

    ``shuffle_partitions``: Spark's default of 200 is for a cluster; a few per core suits local
    mode (default: 4 × the local core count, else Spark's). ``driver_memory`` only takes effect
    when this call starts the JVM (local mode)."""
    with warnings.catch_warnings():
        # pyspark warns at import about pandas versions it has not been tested with; the engine
        # never converts to pandas, and the test suite turns warnings into errors
        warnings.simplefilter("ignore", FutureWarning)
        from pyspark.sql import SparkSession

        builder: Any = SparkSession.builder.master(master).appName("jianguan-indicators")
        settings = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",  # it would write into our output
            # province=440000 stays a code, not the number 440000
            "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
            "spark.sql.session.timeZone": "Asia/Shanghai",
        }
        parts = shuffle_partitions or _local_partitions(master)
        if parts:
            settings["spark.sql.shuffle.partitions"] = str(parts)
        if driver_memory:
            settings["spark.driver.memory"] = driver_memory
        settings.update(conf or {})
        for key, value in settings.items():
            builder = builder.config(key, value)
        session: SparkSession = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def running_session() -> SparkSession | None:
    """The session already running in this process, if any (``getOrCreate`` would return it,
    so an engine that finds one must not stop it when closed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from pyspark.sql import SparkSession

        return SparkSession.getActiveSession()


def _local_partitions(master: str) -> int | None:
    if not master.startswith("local"):
        return None
    inside = master[master.find("[") + 1 : master.find("]")] if "[" in master else "1"
    cores = (os.cpu_count() or 1) if inside in ("*", "") else int(inside.split(",")[0])
    return max(2, 4 * cores)


_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]+):/+(.*)$")


def lake_location(lake: Path | str) -> str:
    """A local folder as an absolute path; a URI with its authority (``hdfs://namenode:8020/lake``,
    ``s3a://bucket/lake``) as it is — also after a ``Path`` folded its ``//`` into one."""
    text = str(lake)
    found = _SCHEME.match(text)
    if found:
        return f"{found.group(1)}://{found.group(2)}"
    return str(Path(text).resolve())


def register_views(spark: SparkSession, lake: Path | str) -> list[str]:
    """The lake's (or a snapshot's) tables as temporary views; returns the tables found.
    A local folder must carry a lake or snapshot manifest; a URI is taken as it is."""
    where = lake_location(lake)
    local = "://" not in where
    if local and not any((Path(where) / m).is_file() for m in (LAKE_MANIFEST, MANIFEST)):
        raise SnapshotError(
            f"{lake}: not a lake (no {LAKE_MANIFEST}) nor a snapshot (no {MANIFEST}); "
            "see `jianguan snapshot --lake`"
        )
    found = []
    for table in TABLES:
        path = f"{where}/{table.name}"
        if local and not any(Path(path).rglob("*.parquet")):
            continue
        # partition discovery turns province=…/year=… into columns of the case tables
        spark.read.parquet(path).createOrReplaceTempView(table.name)
        found.append(table.name)
    return found


def ancestors(units: Sequence[Unit]) -> list[tuple[str, str, int]]:
    """(unit, ancestor, depth) as ``indicator_sql.ancestors_sql`` derives them: every unit
    with itself, then each parent that is a known unit's, at most ``DEPTH`` steps up."""
    parent = {u.code: u.parent for u in units}
    out = []
    for u in units:
        anc, depth = u.code, 0
        out.append((u.code, anc, 0))
        while anc in parent and parent[anc] is not None and depth < DEPTH:
            anc, depth = str(parent[anc]), depth + 1
            out.append((u.code, anc, depth))
    return out


class SparkIndicators:
    """Indicators counted by Spark over the lake; the review periods' legal due dates come from
    ``book`` (the period engine), as in the store's and DuckDB's engines."""

    def __init__(
        self,
        lake: Path | str,
        book: DueBook,
        master: str = "local[*]",
        *,
        session: SparkSession | None = None,
        shuffle_partitions: int | None = None,
        driver_memory: str | None = None,
    ) -> None:
        self.book = book
        session = session or running_session()
        self._own = session is None
        self.spark = session or spark_session(
            master, shuffle_partitions=shuffle_partitions, driver_memory=driver_memory
        )
        try:
            register_views(self.spark, lake)
            self._units: list[Unit] = [_unit(r) for r in self._rows(UNITS_SQL)]
            self.spark.createDataFrame(
                ancestors(self._units), "unit STRING, anc STRING, depth INT"
            ).createOrReplaceTempView("ua")
        except Exception:
            self.close()
            raise
        self._dues = False

    def _rows(self, sql: str) -> list[tuple[object, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def _fill_dues(self) -> None:
        starts = [_day(r[0]) for r in self._rows(DUE_STARTS_SQL) if r[0] is not None]
        rows = review_due_rows(self.book, starts)
        self.spark.createDataFrame(
            rows,
            "period STRING, start_on DATE, custody INT, major INT, fast INT, over1y INT, "
            "due DATE, extended_due DATE",
        ).createOrReplaceTempView(DUE_TABLE)
        self._dues = True

    def _run(self, sql: str) -> list[tuple[object, ...]]:
        if needs_dues(sql) and not self._dues:
            self._fill_dues()  # the lake does not change under an open engine: filled once
        return self._rows(sql)

    def units(self) -> Sequence[Unit]:
        return self._units

    def count(self, query: CountQuery) -> list[CountRow]:
        if not query.terms:
            return []
        return unpack(self._run(compile_count(SPARK, query)), len(query.group_by))

    def drill(self, terms: Sequence[Term], scope: Scope) -> list[DrillRow]:
        if not terms:
            return []
        return drill_rows(self._run(compile_drill(SPARK, terms, scope)))

    def close(self) -> None:
        """Stops the session when this engine started it."""
        if self._own:
            self.spark.stop()
            self._own = False
