"""Use case: export the store as a format data set, whole or as a delta (docs/format.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jianguan.domain.model import Case
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.files import DataSetWriter

# Days begin in China Standard Time: a change at 07:00 UTC on the 2nd is a change on the 2nd.
CST = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class ExportReport:
    units: int
    people: int
    cases: int


def export_dataset(
    uow: UnitOfWork, writer: DataSetWriter, since: dt.date | None = None
) -> ExportReport:
    """Stream the store to `writer` (cases in case_id order, memory bounded).

    ``since``: a delta export — only the cases changed on or after that day: a fact of the case
    dated then or later (receipt, assignment, an event, the decision, the outcome, a document,
    closing, archiving), or an entry of the audit log about it (a re-import that changed it, any
    work done on it here). Units and people are always written whole: a delta's cases are
    checked against them on import."""
    with uow:
        units, people = uow.cases.units(), uow.cases.people()
        writer.write_units(units)
        writer.write_people(people)
        cases: Iterable[Case] = uow.cases.iter_cases()
        if since is not None:
            touched = uow.audit.subjects_since(dt.datetime.combine(since, dt.time(), CST))
            cases = _changed_since(cases, since, touched)
        count = writer.write_cases(cases)
    return ExportReport(len(units), len(people), count)


def _changed_since(cases: Iterable[Case], since: dt.date, touched: set[str]) -> Iterator[Case]:
    return (c for c in cases if c.case_id in touched or last_dated(c) >= since)


def last_dated(case: Case) -> dt.date:
    """The latest day any fact of the case is dated."""
    days = [case.received_on, case.assigned_on]
    days += [e.on for e in case.events] + [d.issued_on for d in case.documents]
    days += [x for x in (case.closed_on, case.archived_on) if x is not None]
    if case.decision is not None:
        days.append(case.decision.on)
    if case.outcome is not None:
        days.append(case.outcome.on)
    return max(days)
