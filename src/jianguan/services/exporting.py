"""Use case: export the store as a format v1 data set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.model import Case, Person, Unit
from jianguan.services.ports import Store


class DataSetWriter(Protocol):
    def write_units(self, units: Iterable[Unit]) -> None: ...

    def write_people(self, people: Iterable[Person]) -> None: ...

    def write_cases(self, cases: Iterable[Case]) -> int:
        """Write every case; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class ExportReport:
    units: int
    people: int
    cases: int


def export_dataset(store: Store, writer: DataSetWriter) -> ExportReport:
    """Stream the whole store to `writer` (cases in case_id order, memory bounded)."""
    with store.session() as session:
        units, people = session.units(), session.people()
        writer.write_units(units)
        writer.write_people(people)
        count = writer.write_cases(session.iter_cases())
    return ExportReport(len(units), len(people), count)
