"""The statutory periods of one case, each with its derivation, and the meetings on record
that discussed it (for the case page).

The facts that choose a variant (custody, major, fast track, over one year, the base after a
re-transfer, an approved extension) are those the monitoring rules use (``domain.monitoring``),
so a due date on the case page is the same date a monitoring finding names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.model import Case, CaseCategory, DecisionType, EventType
from jianguan.domain.monitoring import DueBook, DueKey, facts_of, review_key
from jianguan.domain.periods import Derivation, PeriodDefinition
from jianguan.domain.supervision import Meeting
from jianguan.services.ports import UnitOfWork

REVIEW_PERIOD = {
    CaseCategory.ARREST_REVIEW: "arrest_review",
    CaseCategory.PROSECUTION_REVIEW: "prosecution_review",
    CaseCategory.CIVIL_SUPERVISION: "civil_supervision_review",
}
CRIMINAL = frozenset({CaseCategory.ARREST_REVIEW, CaseCategory.PROSECUTION_REVIEW})


@dataclass(frozen=True, slots=True)
class CasePeriod:
    """One period of a case: how its due date was reached, and when the duty was done."""

    derivation: Derivation
    done_on: dt.date | None  # the decision, or the last party told; None while not done

    def days_left(self, today: dt.date) -> int | None:
        """Days to the due date while the duty is open (negative: overdue); None once done."""
        return None if self.done_on is not None else (self.derivation.due - today).days

    @property
    def days_late(self) -> int | None:
        """Days after the due date that the duty was done (0: in time); None while open.
        A closed case is judged at its decision, not by counting on to today."""
        if self.done_on is None:
            return None
        return max(0, (self.done_on - self.derivation.due).days)


def case_periods(
    case: Case, periods: Mapping[str, PeriodDefinition], calendar: WorkCalendar, as_of: dt.date
) -> list[CasePeriod]:
    """The review period of the case's category and the notice periods that apply to it.

    Each comes from the monitoring rules' own due-date book with the same variant key (custody,
    major, fast track, over one year, an approved extension where the law allows one), so the
    page names the date a finding and the ledger name."""
    book = DueBook(periods, calendar)
    f = facts_of(case, as_of)
    decided = case.decision.on if case.decision is not None else None
    out: list[tuple[DueKey, dt.date, dt.date | None]] = []
    review = REVIEW_PERIOD.get(case.category)
    if review is not None and review in periods:
        key, start = review_key(case, f, book, review)
        out.append((replace(key, extended=f.extended and book.extendable(key)), start, decided))
    if case.category in CRIMINAL and case.suspects:
        told = _all_told(case, EventType.COUNSEL_NOTIFIED, [s.id for s in case.suspects])
        out.append((book.key("counsel_notice", f.flags()), case.received_on, told))
        if case.victims:
            told = _all_told(case, EventType.VICTIM_NOTIFIED, [v.id for v in case.victims])
            out.append((book.key("victim_notice", f.flags()), case.received_on, told))
    arrests = (DecisionType.APPROVE_ARREST, DecisionType.ARREST_DECIDED)  # 批准或者决定逮捕
    if case.decision is not None and case.decision.type in arrests:
        # 刑诉法 第93条: the 24 hours run from the arrest's execution (the first one recorded,
        # as the monitor counts it), else from the approval
        told = _all_told(case, EventType.FAMILY_NOTIFIED, [s.id for s in case.suspects])
        executed = [e.on for e in case.events if e.type is EventType.ARREST_EXECUTED]
        start = min(executed) if executed else case.decision.on
        out.append((book.key("family_notice", f.flags()), start, told))
    return [
        CasePeriod(book.derivation(key, start), done)
        for key, start, done in out
        if key.period in periods
    ]


def _all_told(case: Case, kind: EventType, parties: list[str]) -> dt.date | None:
    """The day the last of ``parties`` was told (their first notice each), or None."""
    first: dict[str, dt.date] = {}
    for e in case.events:
        if e.type is kind and e.party is not None:
            first[e.party] = min(first.get(e.party, e.on), e.on)
    if not parties or any(p not in first for p in parties):
        return None
    return max(first[p] for p in parties)


@dataclass(frozen=True, slots=True)
class CaseMeeting:
    """A joint meeting or committee discussion of the case, for its timeline (who asked, the
    question, who was there and what each said, the conclusion)."""

    meeting: Meeting
    decision: DecisionType | None  # the decision it concluded on, when it names one


def case_meetings(uow: UnitOfWork, case_id: str) -> list[CaseMeeting]:
    """The meetings on record for the case, oldest first (the case page's timeline shows
    them beside the case's events; each is also an entry of the audit chain)."""
    with uow:
        found = uow.supervision.meetings([case_id]).get(case_id, [])
    return [
        CaseMeeting(m, DecisionType.parse(m.decision) if m.decision else None)
        for m in sorted(found, key=lambda m: (m.held_on, m.meeting_id))
    ]
