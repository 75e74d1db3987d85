"""Steps taken on a ledger entry by hand (反馈 / 纠正 / 关闭 with a reason, undo) — the one rule
``domain.ledger.transition`` — and the scoped use case behind the web's buttons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jianguan.domain.ledger import (
    AnsweredByHand,
    CannotEscalate,
    Entry,
    LedgerAction,
    LedgerStatus,
    Level,
    Undone,
    may_undo,
    transition,
)
from jianguan.domain.model import Person, Role
from jianguan.services import access
from jianguan.services.access import NotAllowed, Principal
from jianguan.services.monitoring import monitor_and_record
from tests.support import rules
from tests.unit.test_usecases_on_fakes import CASE, loaded, open_prosecution_review

DAY = dt.date(2025, 6, 2)
OPEN = Entry("C1", "review_overdue", "review_overdue", "serious", "440304", DAY, "超期",
             LedgerStatus.OPEN, Level.REMIND, DAY, DAY)  # fmt: skip


def test_feedback_keeps_the_entry_and_needs_a_reason() -> None:
    change = transition(OPEN, AnsweredByHand(DAY, "P0012", "feedback", "已补送告知书"))
    assert change is not None
    assert change.action is LedgerAction.FEEDBACK
    assert change.entry == OPEN
    with pytest.raises(CannotEscalate):
        transition(OPEN, AnsweredByHand(DAY, "P0012", "feedback", "  "))


def test_closed_by_hand_then_undone_reopens_as_it_stood() -> None:
    closed = transition(OPEN, AnsweredByHand(DAY, "P0090", "closed", "重复发现"))
    assert closed is not None
    assert closed.entry.status is LedgerStatus.CLOSED
    assert closed.entry.resolved_on == DAY
    assert may_undo(closed.entry)
    undone = transition(closed.entry, Undone(DAY, "P0090"))
    assert undone is not None
    assert undone.action is LedgerAction.UNDO
    assert undone.entry == OPEN  # back to 待处理, nothing else moved
    with pytest.raises(CannotEscalate):  # an open entry has no step to undo (levels never drop)
        transition(OPEN, Undone(DAY, "P0090"))


def test_a_notified_entry_corrected_by_hand_reopens_as_notified() -> None:
    notified = Entry(*[getattr(OPEN, f) for f in ("case_id", "rule", "kind", "severity",
                       "unit", "due", "explanation")], LedgerStatus.NOTIFIED, Level.URGE, DAY,
                     DAY, notified_on=DAY)  # fmt: skip
    done = transition(notified, AnsweredByHand(DAY, "P0090", "corrected", "已纠正"))
    assert done is not None
    assert done.entry.status is LedgerStatus.CORRECTED
    again = transition(done.entry, Undone(DAY, "P0090"))
    assert again is not None
    assert again.entry.status is LedgerStatus.NOTIFIED
    with pytest.raises(CannotEscalate):  # resolved: no second resolution
        transition(done.entry, AnsweredByHand(DAY, "P0090", "closed", "x"))


def _principal(pid: str, role: Role) -> Principal:
    person = Person(pid, "某", "440304", "第一检察部", role, role is Role.PROSECUTOR, False)
    return Principal(pid, person, frozenset({"440304"}), False)


def test_the_use_case_audits_the_reason_and_checks_the_role(tmp_path: Path) -> None:
    # 刑事诉讼法 第172条: one month for 审查起诉 — on 2025-11-20 the case is overdue.
    uow = loaded(tmp_path, [open_prosecution_review()])
    day = dt.date(2025, 11, 20)
    monitor_and_record(uow, rules(), day)
    officer, other = _principal("P0090", Role.CASE_OFFICER), _principal("P0013", Role.PROSECUTOR)
    with pytest.raises(NotAllowed):  # not the handler, not a ledger keeper
        access.answer_entry(uow, other, CASE, "review_overdue", "feedback", "x", day)
    new = access.answer_entry(uow, officer, CASE, "review_overdue", "closed", "已核实", day)
    assert new.status is LedgerStatus.CLOSED
    assert uow.state.ledger[(CASE, "review_overdue")].status is LedgerStatus.CLOSED
    actor, action, subject, detail = uow.state.audit[-1]
    assert (actor, action, subject, detail["reason"]) == (
        "P0090", "ledger.close.manual", CASE, "已核实")  # fmt: skip
    back = access.answer_entry(uow, officer, CASE, "review_overdue", "undo", "误关", day)
    assert back.status is LedgerStatus.OPEN
