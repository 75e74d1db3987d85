"""Which builder writes which report: the one entry the CLI, the page and the scheduler call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from jianguan.domain.reports import Period, Report, ReportKind
from jianguan.domain.rulebook import Rulebook
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.indicators import IndicatorSource
from jianguan.services.reports import monthly_bulletin, quarterly_analysis
from jianguan.services.reports_cycle import (
    inspection_rectification,
    rectification_progress,
    review_commentary,
)

Builder = Callable[
    [UnitOfWork, IndicatorSource, Rulebook, Period, dt.date, str | None, int | None], Report
]
BUILDERS: dict[ReportKind, Builder] = {
    ReportKind.MONTHLY_BULLETIN: monthly_bulletin,
    ReportKind.QUARTERLY_ANALYSIS: quarterly_analysis,
    ReportKind.REVIEW_COMMENTARY: review_commentary,
    ReportKind.RECTIFICATION_PROGRESS: rectification_progress,
    ReportKind.INSPECTION_RECTIFICATION: inspection_rectification,
}


def make_report(
    kind: ReportKind,
    uow: UnitOfWork,
    source: IndicatorSource,
    rules: Rulebook,
    period: Period,
    today: dt.date,
    unit: str | None = None,
    number: int | None = None,
) -> Report:
    """The report of ``kind`` for ``period`` and ``unit`` (the root unit when None)."""
    return BUILDERS[kind](uow, source, rules, period, today, unit, number)
