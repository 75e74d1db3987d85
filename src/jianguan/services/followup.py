"""The follow-up tasks of analysis meetings and upper-unit notices as ledger findings.

``services.monitoring`` adds these to the cases' findings inside its own unit of work, so an
overdue task enters the ledger (台账), escalates 提醒 → 督促 → 通报 by working days as any finding
does and leaves it (corrected or closed) on the first run after it is done. This module uses no
other service, so the monitoring service can import it without a cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from jianguan.domain import analysis_meeting, notice
from jianguan.domain.monitoring import Finding
from jianguan.domain.rulebook import Rulebook
from jianguan.services.ports import UnitOfWork


def task_findings(
    uow: UnitOfWork, rules: Rulebook, as_of: dt.date, scope: Collection[str] | None
) -> list[Finding]:
    """Every overdue meeting or notice task as of ``as_of`` (of the units of ``scope``, every
    unit when None), inside the caller's unit of work, as findings of the rulebook's follow-up
    rules (rules/followup.toml)."""
    found: list[Finding] = []
    for m in uow.analysis_meetings.all(scope):
        found += analysis_meeting.findings(m, rules.followup.meeting, as_of)
    for n in uow.notices.all(scope):
        found += notice.findings(n, rules.followup.notice, as_of)
    return found
