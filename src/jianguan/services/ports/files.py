"""Data sets coming in (a folder, a zip, a spreadsheet) and going out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet, Person, Unit

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


class CaseFeed(Protocol):
    """A data set being read: its organisation first, then its cases one by one."""

    name: str
    total_bytes: int

    def organisation(self) -> tuple[DataSet, list[RecordError]]: ...

    def cases(self, org: DataSet) -> Iterator[tuple[int, Case | list[RecordError]]]:
        """(bytes read so far, the case or what is wrong with its record)."""
        ...

    def fingerprint(self, case: Case) -> str:
        """A digest of the case's content, equal for equal records."""
        ...

    def close(self) -> None: ...


class DataSetWriter(Protocol):
    def write_units(self, units: Iterable[Unit]) -> None: ...

    def write_people(self, people: Iterable[Person]) -> None: ...

    def write_cases(self, cases: Iterable[Case]) -> int:
        """Write every case; returns how many."""
        ...
