"""The monitoring ledger (流程监控台账): one entry per (case, rule), and how it moves on.

Status: ``open`` (found; 提醒 shown to the handler) → ``notified`` (a 督促 or 通报 was issued) →
``corrected`` (no longer found after a notice) or ``closed`` (no longer found before any notice,
e.g. a warning whose case was decided). An entry found again after it was corrected or closed
opens again.

Escalation by working days since the entry was first found (this run's ``as_of`` included):
0–2 working days 提醒 (reminder); from 3 working days 督促 (urging, status ``notified``); from
10 working days 通报 (a 流程监控通知书 to the department, status ``notified``). A case officer may
raise an entry a level by hand before its time; a level once reached is never lowered while the
entry stays open, whoever raised it.

Every move is made by one function, ``transition``: the monitoring run and the case officer's
hand go through it alike, and the pages ask ``may_escalate`` rather than keeping a rule of their
own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from jianguan.domain.monitoring import Finding
from jianguan.domain.vocabulary import Vocabulary

URGE_AFTER, REPORT_AFTER = 3, 10  # working days since first found


class LedgerStatus(Vocabulary):
    OPEN = "open", "待处理", "open"
    NOTIFIED = "notified", "已通知", "notified"
    CORRECTED = "corrected", "已纠正", "corrected"
    CLOSED = "closed", "已关闭", "closed"

    @property
    def active(self) -> bool:
        """Still to be dealt with (open or notified)."""
        return self in ACTIVE


ACTIVE = frozenset({LedgerStatus.OPEN, LedgerStatus.NOTIFIED})


class Level(Vocabulary):
    """The escalation of an entry (处置级别). The codes are the Chinese words, as stored."""

    REMIND = "提醒", "提醒", "reminder"
    URGE = "督促", "督促", "urging"
    REPORT = "通报", "通报", "notice (通报)"

    @property
    def rank(self) -> int:
        return _LEVELS.index(self)

    @property
    def next(self) -> Level | None:
        """The level above this one (None above 通报)."""
        return _LEVELS[self.rank + 1] if self.rank + 1 < len(_LEVELS) else None


_LEVELS = (Level.REMIND, Level.URGE, Level.REPORT)


class LedgerAction(Vocabulary):
    """What a change did, as the audit log records it."""

    OPEN = "ledger.open", "新增", "opened"
    REOPEN = "ledger.reopen", "重新打开", "reopened"
    UPDATE = "ledger.update", "更新", "updated"
    ESCALATE = "ledger.escalate", "升级", "escalated"
    ESCALATE_MANUAL = "ledger.escalate.manual", "人工升级", "escalated by hand"
    CORRECT = "ledger.correct", "已纠正", "corrected"
    CLOSE = "ledger.close", "关闭", "closed"
    FEEDBACK = "ledger.feedback", "反馈", "feedback given"
    CORRECT_MANUAL = "ledger.correct.manual", "人工确认已纠正", "marked corrected by hand"
    CLOSE_MANUAL = "ledger.close.manual", "人工关闭", "closed by hand"
    UNDO = "ledger.undo", "撤销上一步", "last step undone"


@dataclass(frozen=True, slots=True)
class Entry:
    case_id: str
    rule: str
    kind: str
    severity: str
    unit: str
    due: dt.date | None
    explanation: str
    status: LedgerStatus
    escalation: Level
    first_found: dt.date
    last_found: dt.date
    notified_on: dt.date | None = None
    resolved_on: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.case_id, self.rule)


@dataclass(frozen=True, slots=True)
class Change:
    action: LedgerAction
    entry: Entry


# -- what can happen to an entry ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FoundAgain:
    """A monitoring run found the entry's problem; ``days_open`` working days since first found."""

    finding: Finding
    as_of: dt.date
    days_open: int


@dataclass(frozen=True, slots=True)
class NoLongerFound:
    """A monitoring run covering the entry's unit did not find its problem."""

    as_of: dt.date


@dataclass(frozen=True, slots=True)
class RaisedByHand:
    """A case officer (or head, chief, inspector) raised the entry one level."""

    as_of: dt.date
    by: str


@dataclass(frozen=True, slots=True)
class AnsweredByHand:
    """A person dealt with an entry by hand, giving the reason (kept in the audit log):
    ``feedback`` (反馈: the handler's answer to the notice; the entry stays as it is),
    ``corrected`` (纠正: confirmed corrected) or ``closed`` (关闭: closed without a correction).
    A later monitoring run that finds the problem again opens the entry again."""

    as_of: dt.date
    by: str
    outcome: str  # feedback | corrected | closed
    reason: str


@dataclass(frozen=True, slots=True)
class Undone:
    """Undo the last step taken by hand: a resolution reopens the entry as it stood before it.

    A level is never lowered (see above), so an escalation cannot be undone."""

    as_of: dt.date
    by: str


Event = FoundAgain | NoLongerFound | RaisedByHand | AnsweredByHand | Undone
HAND_OUTCOMES = ("feedback", "corrected", "closed")


class CannotEscalate(ValueError):
    """The entry is resolved or already at 通报 (or a step by hand that the entry refuses)."""


def level_for(days_open: int) -> Level:
    """The level an entry reaches by time alone."""
    if days_open >= REPORT_AFTER:
        return Level.REPORT
    return Level.URGE if days_open >= URGE_AFTER else Level.REMIND


def may_escalate(entry: Entry) -> bool:
    """Whether a hand may raise the entry a level now (what the page offers)."""
    return entry.status.active and entry.escalation.next is not None


def may_answer(entry: Entry) -> bool:
    """Whether feedback, correction or closing by hand may be given now (active entries)."""
    return entry.status.active


def may_undo(entry: Entry) -> bool:
    """Whether the last step may be undone: a resolved entry may be reopened."""
    return not entry.status.active and entry.resolved_on is not None


def transition(entry: Entry | None, event: Event) -> Change | None:
    """The one rule of the ledger: what ``event`` does to ``entry`` (None: nothing changes).

    ``entry`` is None for a problem not yet in the ledger; only ``FoundAgain`` opens one.
    """
    if isinstance(event, FoundAgain):
        return _found(entry, event)
    if entry is None:
        return None
    if isinstance(event, NoLongerFound):
        return _gone(entry, event.as_of)
    if isinstance(event, AnsweredByHand):
        return _answered(entry, event)
    if isinstance(event, Undone):
        return _undone(entry)
    return _raised(entry, event.as_of)


def _answered(entry: Entry, event: AnsweredByHand) -> Change:
    if event.outcome not in HAND_OUTCOMES:
        raise CannotEscalate(f"未知的处理方式 / unknown outcome {event.outcome!r}")
    if not event.reason.strip():
        raise CannotEscalate("须说明理由 / a reason is required")
    if not entry.status.active:
        raise CannotEscalate("该条目已办结 / this entry is already resolved")
    if event.outcome == "feedback":
        return Change(LedgerAction.FEEDBACK, entry)
    if event.outcome == "corrected":
        done = replace(entry, status=LedgerStatus.CORRECTED, resolved_on=event.as_of)
        return Change(LedgerAction.CORRECT_MANUAL, done)
    done = replace(entry, status=LedgerStatus.CLOSED, resolved_on=event.as_of)
    return Change(LedgerAction.CLOSE_MANUAL, done)


def _undone(entry: Entry) -> Change:
    if not may_undo(entry):
        raise CannotEscalate(
            "没有可以撤销的步骤（升级不能撤销） / nothing to undo (an escalation is never lowered)"
        )
    status = LedgerStatus.NOTIFIED if entry.notified_on is not None else LedgerStatus.OPEN
    return Change(LedgerAction.UNDO, replace(entry, status=status, resolved_on=None))


def _opened(f: Finding, as_of: dt.date) -> Entry:
    return Entry(
        f.case_id, f.rule, f.kind, f.severity, f.unit, f.due, f.explanation,
        LedgerStatus.OPEN, Level.REMIND, as_of, as_of,
    )  # fmt: skip


def _found(entry: Entry | None, event: FoundAgain) -> Change | None:
    f, as_of = event.finding, event.as_of
    if entry is None:
        return Change(LedgerAction.OPEN, _opened(f, as_of))
    if not entry.status.active:
        return Change(LedgerAction.REOPEN, _opened(f, as_of))
    # Time raises the level; it never lowers one raised earlier (by time or by hand).
    level = max(level_for(event.days_open), entry.escalation, key=lambda x: x.rank)
    notified = level is not Level.REMIND or entry.status is LedgerStatus.NOTIFIED
    new = replace(
        entry,
        due=f.due,
        explanation=f.explanation,
        severity=f.severity,
        escalation=level,
        last_found=max(entry.last_found, as_of),
        status=LedgerStatus.NOTIFIED if notified else LedgerStatus.OPEN,
        notified_on=entry.notified_on or (as_of if notified else None),
    )
    if new == entry:
        return None
    moved = new.escalation is not entry.escalation
    return Change(LedgerAction.ESCALATE if moved else LedgerAction.UPDATE, new)


def _gone(entry: Entry, as_of: dt.date) -> Change | None:
    if not entry.status.active:
        return None
    if entry.status is LedgerStatus.NOTIFIED:
        return Change(
            LedgerAction.CORRECT, replace(entry, status=LedgerStatus.CORRECTED, resolved_on=as_of)
        )
    return Change(LedgerAction.CLOSE, replace(entry, status=LedgerStatus.CLOSED, resolved_on=as_of))


def _raised(entry: Entry, as_of: dt.date) -> Change:
    above = entry.escalation.next
    if not entry.status.active or above is None:
        raise CannotEscalate("该条目不能再升级 / this entry cannot be escalated further")
    new = replace(
        entry,
        escalation=above,
        status=LedgerStatus.NOTIFIED,
        notified_on=entry.notified_on or as_of,
    )
    return Change(LedgerAction.ESCALATE_MANUAL, new)


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
        days = working_days_since(old.first_found) if old is not None and old.status.active else 0
        change = transition(old, FoundAgain(f, as_of, days))
        if change is not None:
            changes.append(change)
    for key, old in entries.items():
        if key in seen or not in_scope(old.unit):
            continue
        change = transition(old, NoLongerFound(as_of))
        if change is not None:
            changes.append(change)
    return changes
