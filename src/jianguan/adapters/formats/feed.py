"""A data set on disk as a `CaseFeed` for the import service (CSV + JSONL, or .xlsx)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from jianguan.adapters.formats import xlsx
from jianguan.adapters.formats.dataset import (
    DataSetSource,
    iter_jsonl_cases,
    missing_files,
    read_organisation,
    read_scope,
)
from jianguan.adapters.formats.jsonl import FORMAT_FILE
from jianguan.adapters.formats.parallel import PrepareRows, iter_prepared_cases
from jianguan.adapters.formats.records import content_hash
from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet
from jianguan.domain.provenance import ExportScope
from jianguan.services.ports.files import Prepared

# Below this a cases.jsonl is decoded in this process: starting workers costs about a second.
PARALLEL_FROM_BYTES = 16 * 1024 * 1024


class FileFeed:
    """Reads a folder or .zip; implements services.importing.CaseFeed.

    ``today``: the day of the import (the application's clock); a case received after it is
    refused. Without it (measurements, benchmarks) dates are checked against each other only.
    ``strict``: a key the format does not define is refused (by default it is kept)."""

    def __init__(
        self,
        path: Path,
        today: dt.date | None = None,
        *,
        strict: bool = False,
        workers: int = 1,
        prepare: PrepareRows | None = None,
        parallel_from_bytes: int = PARALLEL_FROM_BYTES,
    ) -> None:
        self.source = DataSetSource(path)
        self.name = str(path)
        self.today = today
        self.strict = strict
        # Worker processes decode a cases.jsonl large enough to pay for starting them, each
        # making the store's rows with ``prepare`` (the store adapter's function).
        self.workers = workers
        self.prepare = prepare
        self.parallel_from_bytes = parallel_from_bytes
        self.xlsx = self.source.is_xlsx
        cases_file = "cases.xlsx" if self.xlsx else "cases.jsonl"
        self.total_bytes = self.source.size(cases_file) if self.source.has(cases_file) else 0

    def organisation(self) -> tuple[DataSet, list[RecordError]]:
        if self.source.problems:  # an archive refused from its directory: read nothing of it
            return DataSet((), ()), list(self.source.problems)
        missing = missing_files(self.source)
        if missing:
            return DataSet((), ()), missing
        if self.xlsx:
            return xlsx.read_organisation(self.source)
        org = read_organisation(self.source)
        return org.dataset, org.errors

    def cases(self, org: DataSet) -> Iterator[tuple[int, Case | Prepared | list[RecordError]]]:
        if self.source.problems:
            return iter(())
        if not self.source.has("cases.jsonl") and not self.source.has("cases.xlsx"):
            return iter(())
        if self.xlsx:
            return xlsx.iter_cases(self.source, org, self.today, strict=self.strict)
        if self._parallel():
            assert self.prepare is not None
            return iter_prepared_cases(
                self.source,
                org,
                prepare=self.prepare,
                workers=self.workers,
                today=self.today,
                strict=self.strict,
            )
        return iter_jsonl_cases(self.source, org, today=self.today, strict=self.strict)

    def _parallel(self) -> bool:
        return (
            self.workers > 1
            and self.prepare is not None
            and self.total_bytes >= self.parallel_from_bytes
        )

    @property
    def carries(self) -> frozenset[str] | None:
        return None  # a data set holds every field of its cases

    def scope(self) -> tuple[ExportScope, dt.date | None, list[RecordError]]:
        if self.source.problems or not self.source.has(FORMAT_FILE):
            return ExportScope.FULL, None, []
        return read_scope(self.source)

    def fingerprint(self, case: Case) -> str:
        return content_hash(case)

    def close(self) -> None:
        self.source.close()
