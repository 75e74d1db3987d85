"""Use case: export the store as a format v1 data set."""

from __future__ import annotations

from dataclasses import dataclass

from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.files import DataSetWriter


@dataclass(frozen=True, slots=True)
class ExportReport:
    units: int
    people: int
    cases: int


def export_dataset(uow: UnitOfWork, writer: DataSetWriter) -> ExportReport:
    """Stream the whole store to `writer` (cases in case_id order, memory bounded)."""
    with uow:
        units, people = uow.cases.units(), uow.cases.people()
        writer.write_units(units)
        writer.write_people(people)
        count = writer.write_cases(uow.cases.iter_cases())
    return ExportReport(len(units), len(people), count)
