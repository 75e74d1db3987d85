"""Inspection rectification (巡视整改) of the inspected unit: record the feedback, the items, the
hand-overs and their report-backs, the progress reports, leader changes and 回头看 re-checks.

Each change loads the whole inspection, applies one pure transition of ``domain.inspection``,
saves it and appends an audit entry (全程留痕) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from jianguan.domain import inspection as dom
from jianguan.domain.inspection import Inspection, InspectionError
from jianguan.services.ports import UnitOfWork


def open_inspection(
    uow: UnitOfWork,
    unit: str,
    title: str,
    inspector: str,
    feedback_on: dt.date,
    recipients: Mapping[str, str],
    by: str,
) -> Inspection:
    """Record the feedback received: the six months of concentrated rectification start."""
    with uow:
        if not any(u.code == unit for u in uow.cases.units()):
            raise InspectionError(f"未知单位 {unit!r}", f"unknown unit {unit!r}")
        i = dom.open_inspection(
            uow.inspection.next_id(), unit, title, inspector, feedback_on, recipients
        )
        uow.inspection.save(i)
        uow.audit.append(by, "inspection_open", None,
                         {"id": i.id, "unit": unit, "feedback_on": feedback_on.isoformat()})  # fmt: skip
        uow.commit()
    return i


def inspections(uow: UnitOfWork, unit: str | None = None) -> list[Inspection]:
    with uow:
        rows = uow.inspection.all()
    return [i for i in rows if unit is None or i.unit == unit]


def load(uow: UnitOfWork, iid: str) -> Inspection:
    with uow:
        i = uow.inspection.load(iid)
    if i is None:
        raise InspectionError(f"巡视整改 {iid} 不存在", f"no inspection {iid}")
    return i


def change(
    uow: UnitOfWork, iid: str, by: str, action: str, step: Callable[[Inspection], Inspection]
) -> Inspection:
    """Apply one transition and record it; an ``InspectionError`` leaves the store unchanged."""
    with uow:
        i = uow.inspection.load(iid)
        if i is None:
            raise InspectionError(f"巡视整改 {iid} 不存在", f"no inspection {iid}")
        i = step(i)
        uow.inspection.save(i)
        uow.audit.append(by, f"inspection_{action}", None, {"id": iid})
        uow.commit()
    return i


def latest_for(uow: UnitOfWork, unit: str, as_of: dt.date) -> Inspection:
    """The unit's inspection whose feedback came last on or before ``as_of``."""
    rows = [i for i in inspections(uow, unit) if i.feedback_on <= as_of]
    if not rows:
        raise InspectionError(
            f"{unit} 在 {as_of.isoformat()} 前没有登记巡视反馈意见（jianguan inspection open）",
            f"unit {unit} has no inspection feedback by {as_of.isoformat()}",
        )
    return max(rows, key=lambda i: (i.feedback_on, i.id))
