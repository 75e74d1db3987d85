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
)
from jianguan.adapters.formats.records import content_hash
from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet


class FileFeed:
    """Reads a folder or .zip; implements services.importing.CaseFeed.

    ``today``: the day of the import (the application's clock); a case received after it is
    refused. Without it (measurements, benchmarks) dates are checked against each other only."""

    def __init__(self, path: Path, today: dt.date | None = None) -> None:
        self.source = DataSetSource(path)
        self.name = str(path)
        self.today = today
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

    def cases(self, org: DataSet) -> Iterator[tuple[int, Case | list[RecordError]]]:
        if self.source.problems:
            return iter(())
        if not self.source.has("cases.jsonl") and not self.source.has("cases.xlsx"):
            return iter(())
        if self.xlsx:
            return xlsx.iter_cases(self.source, org, self.today)
        return iter_jsonl_cases(self.source, org, today=self.today)

    def fingerprint(self, case: Case) -> str:
        return content_hash(case)

    def close(self) -> None:
        self.source.close()
