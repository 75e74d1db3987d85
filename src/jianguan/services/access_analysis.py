"""Indicators, drill-down and funnel comparisons within the user's scope (issue 7 on issue 6).

The indicator engine counts over whatever units it is given; here the unit is always the user's
own, so its figures, its drill-down to cases and its funnel cover their unit and the units below
it, never more. A drill-down's cases are then read through the scoped case page like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.comparison import Funnel
from jianguan.domain.dataquality import DataQualityRules, Issue
from jianguan.domain.indicators import Catalogue, DrillRow, IndicatorRow
from jianguan.services.access import Principal
from jianguan.services.anomalies import Anomaly, anomalies_in_store
from jianguan.services.comparison import compare
from jianguan.services.dataquality import check_store
from jianguan.services.indicators import compute, drill
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.indicators import IndicatorSource


def indicators(
    source: IndicatorSource,
    catalogue: Catalogue,
    p: Principal,
    by: Sequence[str],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ids: Sequence[str] | None = None,
) -> list[IndicatorRow]:
    return compute(source, catalogue, ids, by, date_from, date_to, p.person.unit)


def indicator_cases(
    source: IndicatorSource,
    catalogue: Catalogue,
    p: Principal,
    indicator: str,
    part: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[DrillRow]:
    """The (case, suspect) rows behind one side of an indicator in the user's units."""
    return drill(source, catalogue, indicator, part, date_from, date_to, p.person.unit)


def funnel_of(
    source: IndicatorSource,
    catalogue: Catalogue,
    p: Principal,
    indicator: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Funnel:
    """Units under the user's own compared on a funnel plot (never ranked)."""
    return compare(
        source, catalogue, indicator, by="unit", date_from=date_from, date_to=date_to,
        unit=p.person.unit,
    )  # fmt: skip


def data_quality(
    uow: UnitOfWork, p: Principal, as_of: dt.date, rules: DataQualityRules
) -> list[Issue]:
    """Data-quality issues of the cases of the user's units as of ``as_of`` (a duplicate is
    always of the same unit, so its partner is in scope too)."""
    return check_store(uow, p.person.unit, as_of=as_of, rules=rules)


def anomalies(uow: UnitOfWork, calendar: WorkCalendar, p: Principal) -> list[Anomaly]:
    """Business anomalies (level shifts, sudden drops, month-end pile-ups) in the user's units."""
    return anomalies_in_store(uow, calendar, unit=p.person.unit)
