"""Flow monitoring in batch, and the ledger (台账) it keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.ledger import Entry, LedgerStatus, Level
from jianguan.domain.monitoring import DueBook, Finding, RuleSet, Severity


@dataclass(frozen=True, slots=True)
class MonitorRun:
    """A recorded monitoring run, as the next one needs it: its day, the fingerprint of the
    rules, periods and calendar it ran with, and how many days after a start date the latest
    due date of those rules can fall (``services.monitoring.due_span``)."""

    as_of: dt.date
    fingerprint: str
    span_days: int


class BatchMonitor(Protocol):
    def last_run(self) -> MonitorRun | None:
        """The last recorded run (None: there is none)."""
        ...

    def evaluate_and_keep(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        run: MonitorRun,
        since: MonitorRun | None,
    ) -> list[Finding]:
        """Every finding of the stored cases, as ``evaluate`` without units gives them, kept
        with ``run`` for the next run. With ``since`` (the last run, same rules, not later than
        ``as_of``) only the cases that may have moved since are evaluated again: open as of
        ``as_of``, changed since ``since``, or with a dated fact or a due date that ``since``
        had not yet passed; the others keep the findings kept for them."""
        ...

    def evaluate(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        units: Collection[str] | None = None,
    ) -> list[Finding]:
        """Every finding of every rule over the stored cases (of ``units`` when given)."""
        ...


@dataclass(frozen=True, slots=True)
class LedgerQuery:
    mine: bool = False
    status: LedgerStatus | None = None
    active_only: bool = False  # open or notified
    escalation: Level | None = None
    severity: Severity | None = None
    rule: str | None = None
    case_id: str | None = None
    after: tuple[str, str] | None = None  # keyset cursor: (case_id, rule)
    by_due: bool = False  # soonest due first (alerts); then no cursor
    limit: int = 50


class LedgerRepository(Protocol):
    def entries(self) -> dict[tuple[str, str], Entry]: ...

    def entry(self, case_id: str, rule: str) -> Entry | None: ...

    def save(self, entries: Sequence[Entry]) -> None:
        """Insert or replace each entry (by case and rule)."""
        ...

    def summary(self) -> dict[tuple[LedgerStatus, Level], int]:
        """(status, escalation) → number of entries."""
        ...

    def page(
        self, units: Collection[str] | None, handler: str | None, query: LedgerQuery
    ) -> list[Entry]:
        """Entries of ``units`` (all when None), on ``handler``'s cases when given."""
        ...
