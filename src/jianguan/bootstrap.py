"""The composition root: the one module that names adapters and loads the rulebook.

``bootstrap()`` turns settings into a ready ``App``: the store (SQLite file or PostgreSQL,
migrated on opening), the rulebook read once, the clock, the password hasher and the file
formats. The CLI, the web application, the benchmarks and the tests all start here; services
receive what they need from the ``App`` (a unit of work, the rulebook, the day) and never build
it themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jianguan.adapters.calendar_file import add_notice
from jianguan.adapters.clock import AsOfClock, SystemClock
from jianguan.adapters.passwords import Argon2Hasher
from jianguan.adapters.rulebook_files import load_rulebook
from jianguan.adapters.store.sql_store import SqlStore
from jianguan.adapters.store.uow import SqlUnitOfWork
from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.errors import RecordError
from jianguan.domain.model import DataSet
from jianguan.domain.notice import NoticeDraft
from jianguan.domain.rulebook import Rulebook
from jianguan.domain.supervision import Lead, MatterIndicator
from jianguan.services.ports import Clock, StoreUnavailable, UnitOfWork
from jianguan.services.ports.accounts import PasswordHasher
from jianguan.services.ports.files import CaseFeed, DataSetWriter
from jianguan.services.ports.indicators import IndicatorSource
from jianguan.services.ports.reports import ReportWriter
from jianguan.services.ports.schedule import Scheduler
from jianguan.services.ports.supervision import MatterIndicatorSource
from jianguan.settings import Settings

if TYPE_CHECKING:
    from jianguan.adapters.indicator_spark import SparkIndicators
    from jianguan.adapters.indicator_sql import StoreIndicators
    from jianguan.adapters.monitor_spark import SparkMonitor
    from jianguan.adapters.snapshot import SnapshotIndicators
    from jianguan.services.schedule import Deps as ScheduleDeps

# The file formats (openpyxl), the indicator compiler and the DuckDB snapshot are imported where
# they are used: a command that only monitors or checks starts without them (≈ 0.4 s at start).

FORMATS = ("jsonl", "xlsx")
SNAPSHOT_MANIFEST = (
    "snapshot.json"  # the file that marks a folder as a snapshot (= snapshot.MANIFEST)
)


@dataclass
class App:
    """Everything a command or a request needs, built once."""

    settings: Settings
    store: SqlStore
    rules: Rulebook
    clock: Clock
    hasher: PasswordHasher
    _indicators: StoreIndicators | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return self.store.url

    def uow(self) -> UnitOfWork:
        """A new unit of work on the store (enter it with ``with``)."""
        return SqlUnitOfWork(self.store.engine)

    def today(self) -> dt.date:
        return self.clock.today()

    def now(self) -> dt.datetime:
        return self.clock.now()

    # -- analytics -------------------------------------------------------------------------------

    def indicators(self) -> IndicatorSource:
        """The indicator engine counting in the store itself (SQLite or PostgreSQL)."""
        if self._indicators is None:
            from jianguan.adapters.indicator_sql import StoreIndicators

            self._indicators = StoreIndicators(self.store.engine, self.rules.book)
        return self._indicators

    def write_snapshot(self, out_dir: Path) -> dict[str, int]:
        """The store as a Parquet snapshot for DuckDB (table → rows written)."""
        from jianguan.adapters.snapshot import snapshot_from_store

        return snapshot_from_store(self.store.engine, out_dir, self.store.url)

    def write_lake(self, lake_dir: Path) -> dict[str, object]:
        """Bring the Parquet lake (partitioned by province and year) up to date with the store:
        only partitions whose cases changed are rewritten; what was done, as JSON."""
        from jianguan.adapters.lake import lake_from_store

        return lake_from_store(self.store.engine, lake_dir, self.store.url).as_json()

    def schedule_deps(self) -> ScheduleDeps:
        """What the scheduled jobs need (``services.schedule``), from the settings."""
        from jianguan.services.schedule import Deps

        st = self.settings
        return Deps(
            uow=self.uow,
            rules=self.rules,
            indicators=self.indicators,
            writer=self.report_writer,
            today=self.today,
            now=self.now,
            out_dir=st.data_dir / "reports" / "scheduled",
            formats=tuple(f.strip() for f in st.schedule_formats.split(",") if f.strip()),
            jobs=tuple(j.strip() for j in st.schedule_jobs.split(",") if j.strip()),
        )

    def scheduler(self, tick: Callable[[], object]) -> Scheduler:
        """The scheduler inside the server (APScheduler), calling ``tick`` at the set time."""
        from jianguan.adapters.scheduler import InServerScheduler

        hour, minute = (int(x) for x in self.settings.schedule_time.split(":"))
        return InServerScheduler(
            tick, dt.time(hour, minute), catch_up=self.settings.schedule_catch_up
        )

    def report_writer(self) -> ReportWriter:
        """Writes reports as docx, PDF (Chromium) and xlsx (python-docx, matplotlib, openpyxl)."""
        from jianguan.adapters.reports import FileReportWriter

        return FileReportWriter()

    # -- data sets ---------------------------------------------------------------------------------

    def open_dataset(
        self,
        path: Path,
        *,
        mapping: str | None = None,
        strict: bool = False,
        workers: int | None = None,
    ) -> CaseFeed:
        """A data set to import (folder or zip; CSV + JSONL, or xlsx); ``FileNotFoundError``.
        A case received after the clock's day is refused.

        ``mapping``: a workbook laid out as case officers have it, read through a column
        mapping (a shipped one's name or a mapping file; docs/spreadsheets.md), which raises
        ``ValueError`` when unknown. ``strict``: keys (columns) the format does not define are
        refused; by default they are kept beside the record and written back on export.
        ``workers``: processes decoding a large cases.jsonl (default: the setting)."""
        if mapping is not None:
            from jianguan.adapters.formats.mapped import open_mapped

            return open_mapped(
                path, mapping, today=self.today(), strict=strict, known=self._organisation()
            )
        from jianguan.adapters.formats.feed import FileFeed
        from jianguan.adapters.store.rows import prepared_rows

        return FileFeed(
            path,
            today=self.today(),
            strict=strict,
            workers=self.settings.import_workers if workers is None else workers,
            prepare=prepared_rows,
        )

    def _organisation(self) -> DataSet:
        """The units and people already in the store (for a sheet that carries cases only)."""
        with self.uow() as uow:
            return DataSet(tuple(uow.cases.units()), tuple(uow.cases.people()))

    def dataset_writer(
        self, out_dir: Path, fmt: str = "jsonl", since: dt.date | None = None
    ) -> DataSetWriter:
        """A writer of a data set; ``since``: it is a delta export of the changes since then."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
        if fmt == "jsonl":
            from jianguan.adapters.formats.jsonl import JsonlWriter

            return JsonlWriter(out_dir, since)
        from jianguan.adapters.formats.xlsx import XlsxWriter

        return XlsxWriter(out_dir, since)

    def write_import_report(self, doc: Mapping[str, Any], path: Path) -> None:
        """The import report (``services.importing.report_document``) as .json or .xlsx."""
        from jianguan.adapters.formats.import_report import write_import_report

        write_import_report(doc, path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bootstrap(
    settings: Settings | None = None,
    *,
    db_url: str | None = None,
    as_of: dt.date | None = None,
    rules: Rulebook | None = None,
    hasher: PasswordHasher | None = None,
    migrate: bool = True,
) -> App:
    """A ready application. ``as_of`` pins the clock to a day (demo data, tests, ``--as-of``).

    Raises ``StoreUnavailable`` when the store cannot be opened and ``RulebookError`` when a rule
    pack, the calendar or a local settings file is unusable."""
    settings = settings or Settings()
    book = rules or load_rulebook(settings.data_dir)
    try:
        store = SqlStore(settings.store_url(db_url), migrate=migrate)
    except StoreUnavailable:
        raise
    except Exception as exc:  # connection refused, bad URL, …: said once, here
        raise StoreUnavailable(f"无法打开数据库 / cannot open the database: {exc}") from exc
    clock: Clock = AsOfClock(as_of) if as_of is not None else SystemClock()
    return App(settings, store, book, clock, hasher or Argon2Hasher())


# -- what needs no store ---------------------------------------------------------------------------


def rulebook(data_dir: Path | None = None) -> Rulebook:
    """The rulebook alone (``jianguan deadline``, the generator, tests of the rules)."""
    return load_rulebook(data_dir)


def packaged_calendar() -> WorkCalendar:
    """The official working-day calendar shipped with the package."""
    return load_rulebook(None).calendar


def add_calendar_notice(data_dir: Path, text: str, source: str) -> list[int]:
    """Keep a State Council holiday notice under ``data_dir``; returns the years it adds."""
    return add_notice(data_dir, text, source)


def snapshot_indicators(snapshot_dir: Path, rules: Rulebook | None = None) -> SnapshotIndicators:
    """The indicator engine on a Parquet snapshot (DuckDB); close it when done. The review
    periods' due dates come from ``rules`` (default: the packaged rulebook)."""
    from jianguan.adapters.snapshot import SnapshotIndicators

    return SnapshotIndicators(snapshot_dir, (rules or load_rulebook(None)).book)


def snapshot_dataset(
    folder: Path,
    out_dir: Path,
    *,
    part: str = "part-0",
    id_prefix: str = "",
    with_org: bool = True,
) -> dict[str, int]:
    """A generated data-set folder as a Parquet snapshot, without importing it. ``part``,
    ``id_prefix`` and ``with_org`` write several data sets into one snapshot (benchmarks)."""
    from jianguan.adapters.snapshot import snapshot_from_dataset

    return snapshot_from_dataset(folder, out_dir, part=part, id_prefix=id_prefix, with_org=with_org)


# -- the national level: the lake and Spark (issue 17, docs/deployment.md) --------------------------


def lake_dataset(
    folder: Path,
    lake_dir: Path,
    *,
    part: str = "part-0",
    id_prefix: str = "",
    with_org: bool = True,
) -> dict[str, object]:
    """A generated data-set folder written into the Parquet lake without importing it; ``part``
    and ``id_prefix`` put several data sets into one lake (benchmarks), as ``snapshot_dataset``."""
    from jianguan.adapters.lake import lake_from_dataset

    done = lake_from_dataset(folder, lake_dir, part=part, id_prefix=id_prefix, with_org=with_org)
    return done.as_json()


def spark_indicators(
    lake_dir: Path | str,
    master: str = "local[*]",
    rules: Rulebook | None = None,
    *,
    shuffle_partitions: int | None = None,
    driver_memory: str | None = None,
) -> SparkIndicators:
    """The indicator engine on Apache Spark over the lake (or a snapshot) at ``lake_dir``, on the
    master ``master`` (local[N], spark://host:7077, yarn); close it when done (stops Spark).
    Needs pyspark (the ``spark`` extra) and a Java 17 runtime."""
    from jianguan.adapters.indicator_spark import SparkIndicators

    book = (rules or load_rulebook(None)).book
    return SparkIndicators(
        lake_dir,
        book,
        master,
        shuffle_partitions=shuffle_partitions,
        driver_memory=driver_memory,
    )


def spark_monitor(lake_dir: Path | str, master: str = "local[*]") -> SparkMonitor:
    """The set-based monitoring rules on Spark over the lake (``BatchMonitor.evaluate``);
    close it when done."""
    from jianguan.adapters.monitor_spark import SparkMonitor

    return SparkMonitor(lake_dir, master)


def open_dataset(path: Path) -> CaseFeed:
    """A data set read without a store (measurements, benchmarks); ``FileNotFoundError``."""
    from jianguan.adapters.formats.feed import FileFeed

    return FileFeed(path)


def fast_hasher() -> PasswordHasher:
    """Argon2 with cheap parameters, for tests and benchmarks that create many accounts."""
    return Argon2Hasher(fast=True)


# -- supervision matters (issue 15) ----------------------------------------------------------------


def read_leads(path: Path, units: set[str] | None = None) -> tuple[list[Lead], list[RecordError]]:
    """Supervision leads from a ``.jsonl`` or ``.xlsx`` file (docs/supervision.md), with every
    error located; ``FileNotFoundError`` when there is no such file."""
    from jianguan.adapters.formats.leads import read_leads as _read

    if not path.is_file():
        raise FileNotFoundError(path)
    return _read(path, units)


def read_notice(path: Path) -> tuple[NoticeDraft | None, list[RecordError]]:
    """An upper unit's notice from a ``.json`` or ``.xlsx`` file (docs/notices.md), with every
    error located; ``FileNotFoundError`` when there is no such file."""
    from jianguan.adapters.notice_file import read_notice as _read

    if not path.is_file():
        raise FileNotFoundError(path)
    return _read(path)


def matter_indicators(app: App) -> MatterIndicatorSource:
    """The matter indicators counted in the store (set-based SQL)."""
    from jianguan.adapters.supervision_indicators import MatterIndicatorsSql

    return MatterIndicatorsSql(app.store.engine)


def matter_catalogue() -> tuple[MatterIndicator, ...]:
    """The ``[supervision_indicators]`` block of rules/indicators.toml."""
    from jianguan.adapters.supervision_indicators import matter_catalogue as _catalogue

    return _catalogue()
