"""Scoped reads for the web: case pages, the read log, dashboard counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CaseSummary:
    case_id: str
    unified_no: str
    unit: str
    department: str
    category: str
    received_on: dt.date
    handler: str
    decision_type: str | None
    closed_on: dt.date | None


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Which cases of the scope to list: ``mine`` (handled by me), open only, one category."""

    mine: bool = False
    open_only: bool = False
    category: str | None = None
    after: str | None = None  # keyset cursor: the last case_id of the previous page
    limit: int = 50


SORTS = ("case_id", "received_desc", "received")  # the case list's orders


@dataclass(frozen=True, slots=True)
class CaseSearch:
    """A page of the scope's cases for the list page: ``text`` matches the case number, the
    unified number, a suspect's or the handler's name or a charge (contains, case-blind);
    ``sort`` one of ``SORTS``; ``page`` from 1, ``per_page`` rows each, with the total count."""

    mine: bool = False
    open_only: bool = False
    text: str = ""
    sort: str = "case_id"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class Dashboard:
    open_cases: int
    alerts: dict[str, int] = field(default_factory=dict)  # severity → open ledger entries
    escalations: dict[str, int] = field(default_factory=dict)  # 提醒/督促/通报 → entries
    due_soon: int = 0  # open entries due within the next three days (or overdue)


@dataclass(frozen=True, slots=True)
class CaseRead:
    person: str
    via: str
    at: dt.datetime


class AccessRepository(Protocol):
    def case_page(
        self, units: Collection[str] | None, handler: str | None, query: CaseQuery
    ) -> list[CaseSummary]:
        """Cases of ``units`` (all when None), of ``handler`` when given, by case_id."""
        ...

    def search_cases(
        self,
        units: Collection[str] | None,
        handler: str | None,
        search: CaseSearch,
        total: int | None = None,
    ) -> tuple[int, list[CaseSummary]]:
        """The number of matching cases, and the page ``search`` asks for (offset paging).
        ``total``: that number when the caller already has it (kept for a few seconds per scope
        and search): it is then not counted again."""
        ...

    def log_read(self, case_id: str, person: str, via: str, at: dt.datetime) -> None: ...

    def case_reads(self, case_id: str, limit: int) -> list[CaseRead]: ...

    def dashboard(
        self, units: Collection[str] | None, handler: str | None, due_by: dt.date
    ) -> Dashboard: ...

    def handlers_by_alerts(self, limit: int = 20, live: bool = False) -> list[tuple[str, int]]:
        """Handlers with the most active ledger entries on their cases (to pick demo users),
        most first, then by handler. ``live``: only the entries the workbench's deadline list
        shows (``web.due.deadlines``): with a due date, on a case neither decided nor closed."""
        ...
