"""Indicators of supervision matters: the ``[supervision_indicators]`` block of
rules/indicators.toml, and its sets counted in set-based SQL on the store (SQLite, PostgreSQL).

Each set is one SELECT over ``sv_leads`` or ``sv_matters`` with its cohort date; counting groups
it by unit, model, year and month in SQL; the unit roll-up is the service's (as for cases).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, extract, func, or_, select

from jianguan.adapters.rule_pack import RuleFileError, pack_text
from jianguan.adapters.store.schema_supervision import sv_leads, sv_matters
from jianguan.domain.supervision import (
    AWAITS_REPLY,
    LeadStatus,
    MatterDecision,
    MatterIndicator,
    MatterSet,
    ReplyOutcome,
)
from jianguan.services.ports.supervision import MatterScope

_L, _M = sv_leads.c, sv_matters.c


def parse_matter_catalogue(text: str, file: str = "indicators.toml") -> tuple[MatterIndicator, ...]:
    raw = tomllib.loads(text).get("supervision_indicators", {})
    out = []
    for iid, e in raw.items():
        where = f"{file}: supervision_indicators.{iid}"
        num = MatterSet.parse(str(e.get("numerator", "")))
        den_raw = e.get("denominator")
        den = MatterSet.parse(str(den_raw)) if den_raw is not None else None
        kind = e.get("kind", "share")
        if num is None or (den_raw is not None and den is None):
            raise RuleFileError(f"{where}: numerator/denominator: unknown set")
        if kind not in ("count", "share") or (kind == "share" and den is None):
            raise RuleFileError(f"{where}: kind: count, or share with a denominator")
        if not e.get("basis"):
            raise RuleFileError(f"{where}: basis: every indicator must cite its basis")
        out.append(MatterIndicator(iid, e["zh"], e["en"], e["definition"], kind, num, den,
                                   tuple(e["basis"])))  # fmt: skip
    return tuple(out)


@cache
def matter_catalogue() -> tuple[MatterIndicator, ...]:
    return parse_matter_catalogue(pack_text("indicators.toml"))


def _set(which: MatterSet, scope: MatterScope) -> tuple[Any, ColumnElement[Any], list[Any]]:
    """(id column, cohort date column, conditions) of a set."""
    if which in (MatterSet.LEADS, MatterSet.LEADS_REGISTERED):
        cond: list[Any] = [_L.status != LeadStatus.DUPLICATE.value]
        if which is MatterSet.LEADS_REGISTERED:
            cond.append(_L.status == LeadStatus.REGISTERED.value)
        return _L.lead_id, _L.received_on, cond
    if which in (MatterSet.RECOMMENDATIONS, MatterSet.RECOMMENDATIONS_ADOPTED):
        cond = [_M.decision == MatterDecision.RECOMMENDATION.value, _M.decided_on <= scope.as_of]
        if which is MatterSet.RECOMMENDATIONS_ADOPTED:
            cond.append(_M.reply_outcome == ReplyOutcome.ADOPTED.value)
        return _M.matter_id, _M.decided_on, cond
    awaited = _M.decision.in_(sorted(d.value for d in AWAITS_REPLY))
    cond = [awaited, _M.reply_due.is_not(None), _M.decided_on <= scope.as_of,
            or_(_M.reply_due < scope.as_of, _M.reply_on.is_not(None))]  # fmt: skip
    if which is MatterSet.REPLIES_ON_TIME:
        cond += [_M.reply_on.is_not(None), _M.reply_on <= _M.reply_due]
    return _M.matter_id, _M.reply_due, cond


def _table(which: MatterSet) -> Any:
    return sv_leads if which in (MatterSet.LEADS, MatterSet.LEADS_REGISTERED) else sv_matters


def _scoped(which: MatterSet, scope: MatterScope) -> tuple[Any, Any, list[Any]]:
    ident, day, cond = _set(which, scope)
    t = _table(which)
    if scope.date_from is not None:
        cond.append(day >= scope.date_from)
    if scope.date_to is not None:
        cond.append(day <= scope.date_to)
    if scope.units is not None:
        cond.append(t.c.unit.in_(sorted(scope.units)))
    if scope.model is not None:
        cond.append(t.c.model == scope.model)
    return ident, day, cond


class MatterIndicatorsSql:
    """Implements services.ports.supervision.MatterIndicatorSource on the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(
        self, which: MatterSet, group_by: Sequence[str], scope: MatterScope
    ) -> dict[tuple[str | int, ...], int]:
        ident, day, cond = _scoped(which, scope)
        t = _table(which)
        cols: list[Any] = []
        for dim in group_by:
            if dim == "unit":
                cols.append(t.c.unit)
            elif dim == "model":
                cols.append(t.c.model)
            elif dim == "year":
                cols.append(extract("year", day))
            elif dim == "month":
                cols.append(extract("month", day))
            else:
                raise ValueError(f"unknown dimension {dim!r}")
        q: Select[Any] = select(*cols, func.count(ident)).where(and_(*cond))
        if cols:
            q = q.group_by(*cols)
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
        out: dict[tuple[str | int, ...], int] = {}
        for row in rows:
            key = tuple(int(v) if isinstance(v, float | int) else str(v) for v in row[:-1])
            out[key] = out.get(key, 0) + int(row[-1])
        return out

    def members(self, which: MatterSet, scope: MatterScope) -> list[str]:
        ident, _day, cond = _scoped(which, scope)
        q = select(ident).where(and_(*cond)).order_by(ident)
        with self._engine.connect() as conn:
            return [str(v) for v in conn.execute(q).scalars()]


__all__ = ["MatterIndicatorsSql", "matter_catalogue", "parse_matter_catalogue"]
