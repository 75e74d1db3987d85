"""Business-data analysis meetings (业务数据分析研判会商): topics from the data, assignment,
answers, minutes and tasks followed until verified.

``proposals`` reads the data the way the office's own pages do — anomalies of the units' monthly
series (``services.anomalies``), units outside the funnel plot's control limits on the headline
indicators (``services.comparison``), data-quality findings (``services.dataquality``) — and
turns each into a ``Proposal`` with the cases behind it. Every change loads the meeting, applies
one pure transition of ``domain.analysis_meeting``, saves it and appends an audit entry in the
same transaction; an overdue task reaches the ledger through ``services.followup``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jianguan.domain import analysis_meeting as dom
from jianguan.domain.analysis_meeting import Carried, CarriedKind, Meeting, Proposal, Topic
from jianguan.domain.comparison import Flag
from jianguan.domain.followup import FollowUpError, Task
from jianguan.domain.indicators import IndicatorError
from jianguan.domain.rulebook import Rulebook
from jianguan.services.anomalies import anomalies_in_store
from jianguan.services.comparison import compare
from jianguan.services.dataquality import check_store
from jianguan.services.indicators import drill
from jianguan.services.monitoring import units_below
from jianguan.services.ports import UnitOfWork
from jianguan.services.ports.indicators import IndicatorSource

# The indicators whose funnel plots a meeting looks at by default (the quarterly report's).
TOPIC_INDICATORS = (
    "non_arrest_rate",
    "non_prosecution_rate",
    "non_prosecution_after_arrest_rate",
    "plea_leniency_rate",
    "pretrial_detention_rate",
    "return_rate",
    "extension_rate",
)
MAX_CASES = 200  # cases listed with one topic (the rest are one drill-down away)


def _unit_known(uow: UnitOfWork, unit: str) -> None:
    if not any(u.code == unit for u in uow.cases.units()):
        raise FollowUpError(f"未知单位 {unit!r}", f"unknown unit {unit!r}")


def open_meeting(uow: UnitOfWork, unit: str, title: str, held_on: dt.date, by: str) -> Meeting:
    """A new meeting of ``unit``, opening with what its earlier meetings left open."""
    with uow:
        _unit_known(uow, unit)
        earlier = uow.analysis_meetings.all({unit})
        m = dom.open_meeting(uow.analysis_meetings.next_id(), unit, title, held_on, by, earlier)
        uow.analysis_meetings.save(m)
        uow.audit.append(by, "meeting_open", None,
                         {"id": m.id, "unit": unit, "held_on": held_on.isoformat(),
                          "carried": len(m.carried)})  # fmt: skip
        uow.commit()
    return m


def load(uow: UnitOfWork, mid: str) -> Meeting:
    with uow:
        m = uow.analysis_meetings.load(mid)
    if m is None:
        raise FollowUpError(f"会商 {mid} 不存在", f"no meeting {mid}")
    return m


def meetings(uow: UnitOfWork, units: set[str] | None = None) -> list[Meeting]:
    with uow:
        return uow.analysis_meetings.all(units)


def change(
    uow: UnitOfWork, mid: str, by: str, action: str, step: Callable[[Meeting], Meeting]
) -> Meeting:
    """Apply one transition and record it; a ``FollowUpError`` leaves the store unchanged."""
    with uow:
        m = uow.analysis_meetings.load(mid)
        if m is None:
            raise FollowUpError(f"会商 {mid} 不存在", f"no meeting {mid}")
        m = step(m)
        uow.analysis_meetings.save(m)
        uow.audit.append(by, f"meeting_{action}", None, {"id": mid})
        uow.commit()
    return m


def add_topics(
    uow: UnitOfWork, mid: str, picked: Sequence[Proposal], by: str, on: dt.date
) -> Meeting:
    """点题: the proposals chosen become topics of the meeting."""
    if not picked:
        raise FollowUpError("未选择任何议题", "no topic chosen")

    def step(m: Meeting) -> Meeting:
        for p in picked:
            m = dom.add_topic(m, p, on)
        return m

    return change(uow, mid, by, "topic", step)


@dataclass(frozen=True, slots=True)
class CarriedNow:
    """A carried item and where it stands now (None: its meeting is gone)."""

    item: Carried
    topic: Topic | None
    task: Task | None

    @property
    def still_open(self) -> bool:
        if self.task is not None:
            return not self.task.settled
        return self.topic is not None and self.topic.answered_on is None


def carried_now(uow: UnitOfWork, m: Meeting) -> list[CarriedNow]:
    """The items ``m`` carried over, each as it stands today in the meeting it lives in."""
    with uow:
        origin = {x.id: x for x in uow.analysis_meetings.all({m.unit})}
    out = []
    for c in m.carried:
        src = origin.get(c.meeting)
        topic = task = None
        if src is not None and c.kind is CarriedKind.TOPIC and c.n <= len(src.topics):
            topic = src.topic(c.n)
        if src is not None and c.kind is CarriedKind.TASK and c.n <= len(src.tasks):
            task = src.task(c.n)
        out.append(CarriedNow(c, topic, task))
    return out


# -- topics from the data --------------------------------------------------------------------------


def proposals(
    uow: UnitOfWork,
    rules: Rulebook,
    source: IndicatorSource,
    unit: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    indicators: Sequence[str] = TOPIC_INDICATORS,
    *,
    as_of: dt.date,
) -> list[Proposal]:
    """What the data suggests for a meeting of ``unit`` (and the units below it): anomalies,
    units outside the funnel limits, data-quality findings (as of ``as_of``, today) — each with
    its cases."""
    with uow:
        units = uow.cases.units()
        scope = units_below(units, unit)
    names = {u.code: u.name for u in units}
    out = _from_anomalies(uow, rules, unit, date_from, date_to, names)
    out += _from_funnels(source, rules, unit, date_from, date_to, indicators, names)
    out += _from_quality(uow, unit, names, as_of, rules)
    return [p for p in out if p.unit in scope]


def _from_anomalies(
    uow: UnitOfWork,
    rules: Rulebook,
    unit: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    names: dict[str, str],
) -> list[Proposal]:
    found = anomalies_in_store(uow, rules.calendar, date_from=date_from, date_to=date_to, unit=unit)
    return [
        Proposal(
            dom.TopicSource.ANOMALY,
            f"anomaly:{a.kind.value}:{a.unit}:{a.series}:{a.period}",
            f"{names.get(a.unit, a.unit)} {a.period} {a.kind.zh}",
            a.explanation,
            a.unit,
            a.case_ids[:MAX_CASES],
        )
        for a in found
    ]


def _pct(value: float | None, kind: str = "share") -> str:
    """A share as a percentage; a ratio (案-件比) as 1:x."""
    if value is None:
        return "—"
    return f"1:{value:.2f}" if kind == "ratio" else f"{value * 100:.1f}%"


def _from_funnels(
    source: IndicatorSource,
    rules: Rulebook,
    unit: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    indicators: Sequence[str],
    names: dict[str, str],
) -> list[Proposal]:
    out: list[Proposal] = []
    for ind_id in indicators:
        try:
            ind = rules.indicators.get(ind_id)
            f = compare(source, rules.indicators, ind_id, date_from=date_from, date_to=date_to,
                        unit=unit)  # fmt: skip
        except IndicatorError:
            continue  # an indicator a province's catalogue does not carry
        except ValueError:
            # Counts below zero (never counted by an indicator): no funnel, no proposal. A unit
            # whose window cuts its numerator from its denominator is marked in the funnel
            # (Flag.INCONSISTENT, never outside), so it proposes nothing either.
            continue
        for p in f.points:
            if not p.flag.outside:
                continue
            cases = drill(source, rules.indicators, ind_id, "numerator", date_from, date_to, p.key)
            name = names.get(p.key, p.key)
            detail = (
                f"{ind.zh}：{name}本院 {p.numerator}/{p.denominator} = {_pct(p.value, ind.kind)}，"
                f"比较范围总体 {_pct(f.overall, ind.kind)}，{p.flag.zh}（漏斗图，不作排名）"
            )
            low = p.flag in (Flag.BELOW_95, Flag.BELOW_998)
            title = f"{name}{ind.zh}{'偏低' if low else '偏高'}（{p.flag.zh}）"
            ids = tuple(dict.fromkeys(case_id for case_id, _suspect in cases))[:MAX_CASES]
            out.append(Proposal(dom.TopicSource.COMPARISON, f"comparison:{ind_id}:{p.key}:{p.flag}",
                                title, detail, p.key, ids))  # fmt: skip
    return out


def _from_quality(
    uow: UnitOfWork, unit: str, names: dict[str, str], as_of: dt.date, rules: Rulebook
) -> list[Proposal]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    kinds = {}
    for issue in check_store(uow, unit, as_of=as_of, rules=rules.dataquality):
        groups[(issue.unit, issue.kind.value)].append(issue.case_id)
        kinds[issue.kind.value] = issue.kind
    out = []
    for (code, kind), ids in sorted(groups.items()):
        k = kinds[kind]
        unique = tuple(dict.fromkeys(ids))
        out.append(Proposal(
            dom.TopicSource.DATA_QUALITY, f"dq:{kind}:{code}",
            f"{names.get(code, code)}{k.zh}（{len(unique)} 件）",
            f"数据质量核查发现{k.zh} {len(unique)} 件，请核实并更正案卡。", code,
            unique[:MAX_CASES],
        ))  # fmt: skip
    return out
