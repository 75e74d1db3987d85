"""Anomalies (异常研判) over the cases: monthly series per unit, tested by ``domain.anomalies``.

Three series per unit are watched: cases received per month, cases decided per month, and the
day each decision was taken (for end-of-period concentration). Expected shapes come from the
whole province in the same month, so a Spring Festival dip, a lighter year or the usual year-end
rush (年底结案) shared by everyone is never one unit's anomaly. Each anomaly lists its cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from jianguan.domain.anomalies import (
    AnomalyKind,
    Direction,
    Series,
    Shift,
    concentration,
    level_shifts,
    sudden_drops,
)
from jianguan.domain.calendar import WorkCalendar
from jianguan.domain.indicators import Catalogue, IndicatorRow
from jianguan.domain.model import Case, Unit
from jianguan.services.comparison import own_counts
from jianguan.services.indicators import compute
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.cases import CaseDates
from jianguan.services.ports.indicators import IndicatorSource

Month = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Params:
    window_days: int = 3  # last working days of a month that count as its "end"
    shift_threshold: float = 20.0
    min_monthly: float = 5.0  # units with fewer cases a month on average are not judged
    drop_alpha: float = 1e-4
    padding_alpha: float = 1e-4


@dataclass(frozen=True, slots=True)
class Anomaly:
    kind: AnomalyKind
    unit: str
    series: str  # a Series (received | decided), or the indicator id of a rate shift
    period: str  # YYYY-MM: the first month of the new level, the month of the drop or pile-up
    direction: Direction
    explanation: str
    explanation_en: str
    statistic: float  # the shift's statistic or the test's p-value (see ``kind``)
    case_ids: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "unit": self.unit,
            "series": str(self.series),
            "period": self.period,
            "direction": self.direction.value,
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
            "statistic": self.statistic,
            "case_ids": list(self.case_ids),
        }


class _Series:
    """Case ids by unit and month (received, decided) and by unit and decision day."""

    def __init__(self) -> None:
        self.received: dict[str, dict[Month, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.decided: dict[str, dict[Month, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.days: dict[str, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.last_day = dt.date.min

    def add(self, case: CaseDates) -> None:
        r = case.received_on
        self.received[case.unit][(r.year, r.month)].append(case.case_id)
        self.last_day = max(self.last_day, r)
        d = case.decided_on
        if d is not None:
            self.decided[case.unit][(d.year, d.month)].append(case.case_id)
            self.days[case.unit][d].append(case.case_id)
            self.last_day = max(self.last_day, d)


def dates_of(case: Case) -> CaseDates:
    """What the series read of a whole case."""
    return CaseDates(case.case_id, case.unit, case.received_on,
                     case.decision.on if case.decision is not None else None)  # fmt: skip


def _month_list(first: dt.date, last: dt.date) -> list[Month]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _complete_months(s: _Series, date_from: dt.date | None, date_to: dt.date | None) -> list[Month]:
    """Months to judge: within the range asked, and not the data's last month unless complete
    (a month the export cut short would look like a drop)."""
    firsts = [min(m) for m in s.received.values() if m]
    if not firsts:
        return []
    first = dt.date(*min(firsts), 1)
    last = s.last_day
    nxt = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    if (nxt - last).days > 1:
        last = dt.date(last.year, last.month, 1) - dt.timedelta(days=1)
    if date_from is not None:
        first = max(first, date_from)
    if date_to is not None:
        last = min(last, date_to)
    return _month_list(first, last) if first <= last else []


def _label(m: Month) -> str:
    return f"{m[0]}-{m[1]:02d}"


def _volume(
    name: Series, by_unit: dict[str, dict[Month, list[str]]], months: list[Month], p: Params
) -> list[Anomaly]:
    """Level shifts and sudden drops of one count series, for every unit."""
    shape = [float(sum(len(u.get(m, ())) for u in by_unit.values())) for m in months]
    mean = sum(shape) / len(shape) if shape else 0.0
    if mean <= 0:
        return []
    exposure = [x / mean for x in shape]
    out: list[Anomaly] = []
    for unit in sorted(by_unit):
        counts = [len(by_unit[unit].get(m, ())) for m in months]
        if sum(counts) / len(counts) < p.min_monthly:
            continue
        out += _shifts(name, unit, counts, exposure, months, by_unit[unit], p)
        out += _drops(name, unit, counts, shape, months, by_unit[unit], p)
    return out


def _ids(cases: dict[Month, list[str]], months: Sequence[Month]) -> tuple[str, ...]:
    return tuple(sorted(cid for m in months for cid in cases.get(m, ())))


def _shifts(
    name: Series,
    unit: str,
    counts: list[int],
    exposure: list[float],
    months: list[Month],
    cases: dict[Month, list[str]],
    p: Params,
) -> list[Anomaly]:
    shifts = level_shifts(counts, exposure, binomial=False, threshold=p.shift_threshold)
    out = []
    for j, s in enumerate(shifts):
        until = shifts[j + 1].at if j + 1 < len(shifts) else len(months)
        up = s.after > s.before
        label = _label(months[s.at])
        out.append(
            Anomaly(
                AnomalyKind.LEVEL_SHIFT,
                unit,
                name,
                label,
                Direction.UP if up else Direction.DOWN,
                f"{name.zh}自 {label} 起{'上升' if up else '下降'}：按全省同期折算，"
                f"月均由 {s.before:.1f} 变为 {s.after:.1f}（统计量 {s.statistic:.1f}）",
                f"{name} cases per month {'rose' if up else 'fell'} from {label}: "
                f"{s.before:.1f} → {s.after:.1f} at province-adjusted level (statistic {s.statistic:.1f})",
                s.statistic,
                _ids(cases, months[s.at : until]),
            )
        )
    return out


def _drops(
    name: Series,
    unit: str,
    counts: list[int],
    shape: list[float],
    months: list[Month],
    cases: dict[Month, list[str]],
    p: Params,
) -> list[Anomaly]:
    out = []
    for d in sudden_drops(counts, shape, alpha=p.drop_alpha):
        label = _label(months[d.at])
        out.append(
            Anomaly(
                AnomalyKind.SUDDEN_DROP,
                unit,
                name,
                label,
                Direction.DOWN,
                f"{label} {name.zh}骤降：实际 {d.observed} 件，按本单位前 6 个月与全省同期"
                f"应约 {d.expected:.0f} 件（p = {d.p_value:.1e}）",
                f"{name} cases fell abruptly in {label}: {d.observed} against about "
                f"{d.expected:.0f} expected from the unit's last 6 months and the province (p = {d.p_value:.1e})",
                d.p_value,
                _ids(cases, [months[d.at]]),
            )
        )
    return out


def period_end(calendar: WorkCalendar, month: Month, n: int) -> list[dt.date]:
    """The last ``n`` working days of the month (fewer if the calendar does not cover it)."""
    y, m = month
    day = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    out: list[dt.date] = []
    while len(out) < n and day.month == m:
        if not calendar.covers(day) or calendar.is_working_day(day):
            out.append(day)
        day -= dt.timedelta(days=1)
    return sorted(out)


PERIOD_ZH = {3: "季末", 6: "半年末", 9: "季末", 12: "年末"}


def _padding(s: _Series, months: list[Month], calendar: WorkCalendar, p: Params) -> list[Anomaly]:
    """End-of-period concentration of decisions, unit by unit and month by month."""
    windows = {m: set(period_end(calendar, m, p.window_days)) for m in months}
    # counts[unit][month] = (in window, in month)
    counts: dict[str, dict[Month, tuple[int, int]]] = {}
    for unit, days in s.days.items():
        per: dict[Month, list[int]] = defaultdict(lambda: [0, 0])
        for day, ids in days.items():
            m = (day.year, day.month)
            if m in windows:
                per[m][1] += len(ids)
                per[m][0] += len(ids) if day in windows[m] else 0
        counts[unit] = {m: (k, n) for m, (k, n) in per.items()}
    prov = {m: [sum(c.get(m, (0, 0))[i] for c in counts.values()) for i in (0, 1)] for m in months}
    out = []
    for unit in sorted(counts):
        own_k = sum(k for k, _ in counts[unit].values())
        own_n = sum(n for _, n in counts[unit].values())
        for m, (k, n) in sorted(counts[unit].items()):
            base = (own_k - k) / (own_n - n) if own_n > n else 0.0
            pk, pn = prov[m][0] - k, prov[m][1] - n
            c = concentration(k, n, base, pk / pn if pn else 0.0, alpha=p.padding_alpha)
            if c is not None:
                out.append(
                    _padding_anomaly(unit, m, c.share, c.baseline, k, n, c.p_value, s, windows[m])
                )
    return out


def _padding_anomaly(
    unit: str, m: Month, share: float, base: float, k: int, n: int, pv: float,
    s: _Series, window: set[dt.date],
) -> Anomaly:  # fmt: skip
    label, kind = _label(m), PERIOD_ZH.get(m[1], "月末")
    ids = tuple(sorted(cid for d in window for cid in s.days[unit].get(d, ())))
    return Anomaly(AnomalyKind.PADDING, unit, Series.DECIDED, label, Direction.UP,
                   f"{label} {kind}集中结案：最后 {len(window)} 个工作日审结 {k}/{n} 件（{share:.0%}），"
                   f"本单位其他月份与全省同月仅约 {base:.0%}（p = {pv:.1e}），疑似注水",
                   f"decisions piled into the last {len(window)} working days of {label}: {k}/{n} "
                   f"({share:.0%}) against about {base:.0%} in the unit's other months and the province (p = {pv:.1e})",
                   pv, ids)  # fmt: skip


def find_anomalies(
    cases: Iterable[CaseDates],
    calendar: WorkCalendar,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    units: set[str] | None = None,
    params: Params | None = None,
) -> list[Anomaly]:
    """Every anomaly of every unit (of ``units`` when given), sorted by unit, period and kind.

    The province-wide shapes are taken from all cases even when ``units`` narrows the report.
    """
    p = params or Params()
    s = _Series()
    for case in cases:
        s.add(case)
    months = _complete_months(s, date_from, date_to)
    if len(months) < 2:
        return []
    found = [
        *_volume(Series.RECEIVED, s.received, months, p),
        *_volume(Series.DECIDED, s.decided, months, p),
        *_padding(s, months, calendar, p),
    ]
    if units is not None:
        found = [a for a in found if a.unit in units]
    return sorted(found, key=lambda a: (a.unit, a.period, a.kind, a.series))


def anomalies_in_store(
    uow: UnitOfWork,
    calendar: WorkCalendar,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
    params: Params | None = None,
) -> list[Anomaly]:
    """``find_anomalies`` over every stored case (their dates only: ``case_dates``); ``unit``
    narrows to it and the units below.

    Raises ``UnknownUnit`` for a unit not in the store."""
    with uow:
        scope = units_below(uow.cases.units(), unit) if unit else None
        return find_anomalies(
            uow.cases.case_dates(),
            calendar,
            date_from=date_from,
            date_to=date_to,
            units=scope,
            params=params,
        )


def rate_shifts(
    rows: Sequence[IndicatorRow],
    units: Sequence[Unit],
    *,
    threshold: float = 20.0,
    min_change: float = 0.10,
    min_denominator: float = 10.0,
) -> list[Anomaly]:
    """Level shifts of indicator rates (binomial), per unit on its own cases, month by month.

    ``rows`` come from the indicator engine by ("unit", "month"); cities' figures include their
    districts, so each unit's own counts are its figure minus its children's. The cases behind a
    shift are found with ``jianguan drill``; this function lists none (``case_ids`` empty).
    """
    by_month: dict[tuple[str, str], list[IndicatorRow]] = defaultdict(list)
    for r in rows:
        by_month[(r.indicator, str(r.dims["month"]))].append(r)
    series: dict[tuple[str, str], dict[str, tuple[int, int]]] = defaultdict(dict)
    for (indicator, month), month_rows in by_month.items():
        for o in own_counts(month_rows, units):
            series[(indicator, o.key)][month] = (o.numerator, o.denominator)
    out: list[Anomaly] = []
    for (indicator, unit), per in sorted(series.items()):
        months = sorted(per)
        ks = [per[m][0] for m in months]
        ns = [per[m][1] for m in months]
        if sum(ns) / len(ns) < min_denominator:
            continue
        found = level_shifts(ks, ns, binomial=True, threshold=threshold, min_change=min_change)
        out += [_rate_anomaly(indicator, unit, months[s.at], s) for s in found]
    return out


def _rate_anomaly(indicator: str, unit: str, month: str, s: Shift) -> Anomaly:
    up = s.after > s.before
    return Anomaly(
        AnomalyKind.RATE_SHIFT, unit, indicator, month[:7], Direction.UP if up else Direction.DOWN,
        f"{indicator} 自 {month[:7]} 起{'上升' if up else '下降'}：由 {s.before:.1%} 变为 "
        f"{s.after:.1%}（统计量 {s.statistic:.1f}；案件见 jianguan drill）",
        f"{indicator} {'rose' if up else 'fell'} from {month[:7]}: {s.before:.1%} → {s.after:.1%} "
        f"(statistic {s.statistic:.1f}; cases: jianguan drill)",
        s.statistic,
    )  # fmt: skip


def indicator_shifts(
    source: IndicatorSource,
    catalogue: Catalogue,
    indicator_ids: Sequence[str],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
) -> list[Anomaly]:
    """``rate_shifts`` of the given indicators, computed by unit and month by the engine."""
    rows = compute(source, catalogue, indicator_ids, ("unit", "month"), date_from, date_to, unit)
    return rate_shifts(rows, source.units())
