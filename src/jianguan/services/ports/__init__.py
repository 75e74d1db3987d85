"""What the services need from the outside world, in one place; adapters implement it.

A use case works through a **unit of work**: ``with uow:`` opens one transaction on the store,
the repositories hang off it (``uow.cases``, ``uow.ledger``, ``uow.review`` …), and nothing is
kept unless the use case calls ``uow.commit()`` before the block ends (cosmicpython's pattern).
``jianguan.bootstrap`` builds the SQL one; ``tests/fakes.py`` an in-memory one for service tests.

The protocols of each area and the data types they return live in the modules beside this one:
``cases`` (units, people, cases, audit log), ``casework``, ``monitoring`` (batch rules, ledger),
``review``, ``responsibility``, ``access`` (scoped web reads), ``accounts``, ``indicators`` and
``files`` (data sets in and out).
"""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Protocol, Self

from jianguan.services.ports.access import AccessRepository
from jianguan.services.ports.accounts import AccountRepository
from jianguan.services.ports.cases import AuditLog, CaseRepository
from jianguan.services.ports.casework import CaseworkRepository
from jianguan.services.ports.consultation import ConsultationRepository
from jianguan.services.ports.followup import MeetingRepository, NoticeRepository
from jianguan.services.ports.inspection import InspectionRepository
from jianguan.services.ports.monitoring import BatchMonitor, LedgerRepository
from jianguan.services.ports.responsibility import ResponsibilityRepository
from jianguan.services.ports.review import ReviewRepository
from jianguan.services.ports.schedule import ScheduleRepository
from jianguan.services.ports.supervision import SupervisionRepository


class UnitOfWork(Protocol):
    """One transaction on the store, with every repository on it.

    Entering opens the transaction; leaving without ``commit()`` rolls it back, so a use case
    that raises (a refused gate, a bad record) leaves the store as it was. A unit of work is
    entered once at a time: a use case never opens another inside its own.
    """

    cases: CaseRepository
    audit: AuditLog
    casework: CaseworkRepository
    ledger: LedgerRepository
    monitor: BatchMonitor
    review: ReviewRepository
    responsibility: ResponsibilityRepository
    access: AccessRepository
    accounts: AccountRepository
    supervision: SupervisionRepository
    inspection: InspectionRepository
    schedule: ScheduleRepository
    analysis_meetings: MeetingRepository  # 业务数据分析研判会商
    notices: NoticeRepository  # upper-unit notices (上级院通报)
    consultation: ConsultationRepository  # 线上会诊: panels, opinions, review forms

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class Clock(Protocol):
    """The one clock: what day it is for periods and countdowns, and the moment of an action."""

    def today(self) -> dt.date: ...

    def now(self) -> dt.datetime:
        """An aware UTC datetime."""
        ...


class StoreUnavailable(RuntimeError):
    """The store cannot be opened (bad URL, server down, unsupported database)."""


class StoreBusy(RuntimeError):
    """Another writer holds the store (an import running) longer than one may wait."""


__all__ = [
    "AccessRepository",
    "AccountRepository",
    "AuditLog",
    "BatchMonitor",
    "CaseRepository",
    "CaseworkRepository",
    "Clock",
    "LedgerRepository",
    "ResponsibilityRepository",
    "ReviewRepository",
    "StoreBusy",
    "StoreUnavailable",
    "SupervisionRepository",
    "UnitOfWork",
]
