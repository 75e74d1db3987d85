"""Data sets coming in (a folder, a zip, a spreadsheet) and going out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.errors import RecordError
from jianguan.domain.model import Case, DataSet, Person, Unit
from jianguan.domain.provenance import ExportScope

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A case a worker process decoded and checked: what the import needs of a new case, without
    the case object itself (objects cost more to send between processes than to decode).

    ``rows`` are the store's rows of it, made by the store adapter's own function in the worker
    (opaque here); ``decode`` gives the case object again, in this process, for the rare case that
    needs one (a changed case, merged with the platform's records)."""

    case_id: str
    fingerprint: str
    rows: object
    decode: Callable[[], Case]


class CaseFeed(Protocol):
    """A data set being read: its organisation first, then its cases one by one."""

    name: str
    total_bytes: int

    def organisation(self) -> tuple[DataSet, list[RecordError]]: ...

    def cases(self, org: DataSet) -> Iterator[tuple[int, Case | Prepared | list[RecordError]]]:
        """(bytes read so far, the case — or a case prepared by a worker — or what is wrong with
        its record), in the order of the file."""
        ...

    @property
    def carries(self) -> frozenset[str] | None:
        """The `Case` fields the source holds at all (None: every one). A 台账 sheet holds the
        card only: a case it changes keeps its stored suspects, events, documents …"""
        ...

    def scope(self) -> tuple[ExportScope, dt.date | None, list[RecordError]]:
        """What the data set says it holds (full, or a delta since a date), and what is wrong
        with that statement (format 1.2: ``format.json``; a data set without one is full)."""
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
