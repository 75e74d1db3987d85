"""The statutory periods of one case, each with its derivation (for the case page).

The facts that choose a variant (custody, major, fast track, over one year, the base after a
re-transfer, an approved extension) are those the monitoring rules use (``domain.monitoring``),
so a due date on the case page is the same date a monitoring finding names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.model import Case, CaseCategory, DecisionType
from jianguan.domain.monitoring import facts_of
from jianguan.domain.periods import Derivation, PeriodDefinition, compute_due

REVIEW_PERIOD = {
    CaseCategory.ARREST_REVIEW: "arrest_review",
    CaseCategory.PROSECUTION_REVIEW: "prosecution_review",
    CaseCategory.CIVIL_SUPERVISION: "civil_supervision_review",
}
CRIMINAL = frozenset({CaseCategory.ARREST_REVIEW, CaseCategory.PROSECUTION_REVIEW})


def case_periods(
    case: Case, periods: Mapping[str, PeriodDefinition], calendar: WorkCalendar, as_of: dt.date
) -> list[Derivation]:
    """The review period of the case's category and the notice periods that apply to it."""
    f = facts_of(case, as_of)
    out: list[tuple[str, dt.date, frozenset[str], bool]] = []
    review = REVIEW_PERIOD.get(case.category)
    if review == "arrest_review":
        flags = {"custody": f.custody, "major": f.major}
        out.append((review, case.received_on, frozenset(k for k, v in flags.items() if v), False))
    elif review == "prosecution_review":
        flags = {"custody": f.custody, "fast_track": f.fast_track, "over_one_year": f.over_one_year}
        conditions = frozenset(k for k, v in flags.items() if v)
        out.append((review, f.base, conditions, f.extended and not f.fast_track))
    elif review is not None:
        out.append((review, case.received_on, frozenset(), False))
    if case.category in CRIMINAL and case.suspects:
        out.append(("counsel_notice", case.received_on, frozenset(), False))
        if case.victims:
            out.append(("victim_notice", case.received_on, frozenset(), False))
    if case.decision is not None and case.decision.type is DecisionType.APPROVE_ARREST:
        out.append(("family_notice", case.decision.on, frozenset(), False))
    return [
        compute_due(
            periods[name],
            start,
            calendar,
            conditions=conditions,
            extended=extended,
            provisional=True,  # a page must show an answer; a guessed move is marked as such
        )
        for name, start, conditions, extended in out
        if name in periods
    ]
