"""The monitoring ledger (流程监控台账): one entry per (case, rule), and how it moves on.

Status: ``open`` (found; 提醒 shown to the handler) → ``notified`` (a 督促 or 通报 was issued) →
``corrected`` (no longer found after a notice) or ``closed`` (no longer found before any notice,
e.g. a warning whose case was decided). An entry found again after it was corrected or closed
opens again.

Escalation by working days since the entry was first found (this run's ``as_of`` included):
0–2 working days 提醒 (reminder); from 3 working days 督促 (urging, status ``notified``); from
10 working days 通报 (a 流程监控通知书 to the department, status ``notified``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from jianguan.domain.monitoring import Finding

REMIND, URGE, REPORT = "提醒", "督促", "通报"
URGE_AFTER, REPORT_AFTER = 3, 10  # working days since first found
OPEN_STATUSES = frozenset({"open", "notified"})


@dataclass(frozen=True, slots=True)
class Entry:
    case_id: str
    rule: str
    kind: str
    severity: str
    unit: str
    due: dt.date | None
    explanation: str
    status: str
    escalation: str
    first_found: dt.date
    last_found: dt.date
    notified_on: dt.date | None = None
    resolved_on: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.case_id, self.rule)


@dataclass(frozen=True, slots=True)
class Change:
    action: str  # ledger.open, ledger.reopen, ledger.escalate, ledger.correct, ledger.close
    entry: Entry


def escalation_for(days_open: int) -> str:
    if days_open >= REPORT_AFTER:
        return REPORT
    return URGE if days_open >= URGE_AFTER else REMIND


def _opened(f: Finding, as_of: dt.date) -> Entry:
    return Entry(
        f.case_id, f.rule, f.kind, f.severity, f.unit, f.due, f.explanation,
        "open", REMIND, as_of, as_of,
    )  # fmt: skip


def _still_found(e: Entry, f: Finding, as_of: dt.date, days: Callable[[dt.date], int]) -> Entry:
    level = escalation_for(days(e.first_found))
    notified = level != REMIND
    return replace(
        e,
        due=f.due,
        explanation=f.explanation,
        severity=f.severity,
        escalation=level,
        last_found=max(e.last_found, as_of),
        status="notified" if notified or e.status == "notified" else "open",
        notified_on=e.notified_on or (as_of if notified else None),
    )


def sync(
    entries: Mapping[tuple[str, str], Entry],
    findings: Iterable[Finding],
    as_of: dt.date,
    working_days_since: Callable[[dt.date], int],
    in_scope: Callable[[str], bool] = lambda unit: True,
) -> list[Change]:
    """The changes one monitoring run makes to the ledger; none when nothing moved (idempotent)."""
    changes: list[Change] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        seen.add(f.key)
        old = entries.get(f.key)
        if old is None:
            changes.append(Change("ledger.open", _opened(f, as_of)))
        elif old.status not in OPEN_STATUSES:
            changes.append(Change("ledger.reopen", _opened(f, as_of)))
        else:
            new = _still_found(old, f, as_of, working_days_since)
            if new != old:
                moved = new.escalation != old.escalation
                changes.append(Change("ledger.escalate" if moved else "ledger.update", new))
    for key, old in entries.items():
        if key in seen or old.status not in OPEN_STATUSES or not in_scope(old.unit):
            continue
        status = "corrected" if old.status == "notified" else "closed"
        action = "ledger.correct" if status == "corrected" else "ledger.close"
        changes.append(Change(action, replace(old, status=status, resolved_on=as_of)))
    return changes
