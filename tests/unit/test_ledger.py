"""The monitoring ledger's transitions (jianguan.domain.ledger), on hand-made findings."""

from __future__ import annotations

import datetime as dt

import pytest

from jianguan.domain.ledger import (
    CannotEscalate,
    Change,
    Entry,
    LedgerAction,
    LedgerStatus,
    Level,
    RaisedByHand,
    may_escalate,
    sync,
    transition,
)
from jianguan.domain.monitoring import Finding, FindingKind, Severity

REMIND, URGE, REPORT = Level.REMIND, Level.URGE, Level.REPORT

DAY = dt.date(2025, 6, 2)
F = Finding(
    "C1",
    "review_overdue",
    FindingKind.REVIEW_OVERDUE,
    Severity.SERIOUS,
    DAY,
    ("刑事诉讼法第172条",),
    "超期",
)


def apply(ledger: dict[tuple[str, str], Entry], changes: list[Change]) -> None:
    for c in changes:
        ledger[c.entry.key] = c.entry


def test_found_then_urged_then_reported_then_corrected() -> None:
    ledger: dict[tuple[str, str], Entry] = {}
    apply(ledger, sync(ledger, [F], DAY, lambda first: 0))
    assert ledger[F.key].status == "open"
    assert ledger[F.key].escalation == REMIND
    assert sync(ledger, [F], DAY, lambda first: 0) == []  # the same run again changes nothing
    apply(ledger, sync(ledger, [F], DAY + dt.timedelta(days=3), lambda first: 3))
    assert (ledger[F.key].status, ledger[F.key].escalation) == ("notified", URGE)
    changes = sync(ledger, [F], DAY + dt.timedelta(days=14), lambda first: 10)
    assert [c.action for c in changes] == ["ledger.escalate"]
    apply(ledger, changes)
    assert ledger[F.key].escalation == REPORT
    changes = sync(ledger, [], DAY + dt.timedelta(days=15), lambda first: 11)
    assert [c.action for c in changes] == ["ledger.correct"]
    apply(ledger, changes)
    assert ledger[F.key].status == "corrected"
    assert ledger[F.key].resolved_on == DAY + dt.timedelta(days=15)


def test_put_right_before_any_notice_is_closed_and_can_reopen() -> None:
    ledger: dict[tuple[str, str], Entry] = {}
    apply(ledger, sync(ledger, [F], DAY, lambda first: 0))
    apply(ledger, sync(ledger, [], DAY + dt.timedelta(days=1), lambda first: 1))
    assert ledger[F.key].status == "closed"
    changes = sync(ledger, [F], DAY + dt.timedelta(days=2), lambda first: 0)
    assert [c.action for c in changes] == ["ledger.reopen"]


def test_entries_outside_the_run_scope_are_left_alone() -> None:
    ledger: dict[tuple[str, str], Entry] = {}
    apply(ledger, sync(ledger, [F], DAY, lambda first: 0))
    assert sync(ledger, [], DAY, lambda first: 0, in_scope=lambda unit: False) == []


def test_working_days_reach_past_the_calendar_by_the_weekday_rule() -> None:
    from jianguan.domain.monitoring import working_day_after, working_days_between
    from tests.support import rules

    cal = rules().calendar
    last = max(cal.years)
    eve = dt.date(last, 12, 30)
    # the 5th working day after 30 December of the last covered year lies in an uncovered year
    assert working_day_after(cal, eve, 5).year == last + 1
    assert working_days_between(cal, eve, working_day_after(cal, eve, 5)) == 5
    # 2025 National Day: 10-01…10-08 off; 09-30 → the first working day after is 10-09
    assert working_day_after(cal, dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


def test_a_manual_urge_survives_later_monitoring_runs() -> None:
    """The issue-12 bug: after a 督促 by hand, the next run set the level back to 提醒 and logged
    it as an escalation. A level once reached is never lowered while the entry is open."""
    ledger: dict[tuple[str, str], Entry] = {}
    apply(ledger, sync(ledger, [F], DAY, lambda first: 0))
    raised = transition(ledger[F.key], RaisedByHand(DAY, "P0090"))
    assert raised is not None
    assert raised.action is LedgerAction.ESCALATE_MANUAL
    apply(ledger, [raised])
    assert (ledger[F.key].status, ledger[F.key].escalation) == (LedgerStatus.NOTIFIED, URGE)
    for day in range(1, 4):  # runs on the following days, still under 3 working days open
        changes = sync(ledger, [F], DAY + dt.timedelta(days=day), lambda first, d=day: d - 1)
        assert all(c.action is not LedgerAction.ESCALATE for c in changes)
        apply(ledger, changes)
        assert ledger[F.key].escalation is URGE
        assert ledger[F.key].status is LedgerStatus.NOTIFIED
    # time still raises it further: 10 working days open → 通报
    changes = sync(ledger, [F], DAY + dt.timedelta(days=14), lambda first: 10)
    assert [(c.action, c.entry.escalation) for c in changes] == [(LedgerAction.ESCALATE, REPORT)]


def test_hand_escalation_stops_at_the_top_and_on_resolved_entries() -> None:
    ledger: dict[tuple[str, str], Entry] = {}
    apply(ledger, sync(ledger, [F], DAY, lambda first: 0))
    entry = ledger[F.key]
    assert may_escalate(entry)
    top = transition(transition(entry, RaisedByHand(DAY, "x")).entry, RaisedByHand(DAY, "x"))  # type: ignore[union-attr]
    assert top is not None
    assert top.entry.escalation is REPORT
    assert not may_escalate(top.entry)
    with pytest.raises(CannotEscalate):
        transition(top.entry, RaisedByHand(DAY, "x"))
    closed = sync({F.key: entry}, [], DAY, lambda first: 0)[0].entry
    assert closed.status is LedgerStatus.CLOSED
    assert not may_escalate(closed)
    with pytest.raises(CannotEscalate):
        transition(closed, RaisedByHand(DAY, "x"))
