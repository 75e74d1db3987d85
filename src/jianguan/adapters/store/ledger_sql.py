"""The monitoring ledger (流程监控台账) table (implements services.ports.LedgerRepository)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import RowMapping, and_, bindparam, func, select, tuple_
from sqlalchemy.sql import Select

from jianguan.adapters.store import schema
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.ledger import ACTIVE, Entry, LedgerStatus, Level
from jianguan.domain.monitoring import FindingKind, Severity
from jianguan.services.ports.monitoring import LedgerQuery

_t = schema.monitoring_ledger
_l = _t.c
_c = schema.cases.c


def entry_of(row: RowMapping) -> Entry:
    """A ledger row as its entry, the vocabularies typed."""
    return Entry(
        **{
            **row,
            "kind": FindingKind(row["kind"]),
            "severity": Severity(row["severity"]),
            "status": LedgerStatus(row["status"]),
            "escalation": Level(row["escalation"]),
        }
    )


def in_scope(q: Select[Any], units: Collection[str] | None, handler: str | None) -> Select[Any]:
    """Only entries of ``units`` (every unit when None), on ``handler``'s cases when given."""
    if units is not None:
        q = q.where(_l.unit.in_(sorted(units)))
    if handler is not None:
        q = q.where(_l.case_id.in_(select(_c.case_id).where(_c.handler == handler)))
    return q


class SqlLedger(OnSession):
    def entries(self) -> dict[tuple[str, str], Entry]:
        rows = self._conn.execute(select(_t)).mappings()
        return {(r["case_id"], r["rule"]): entry_of(r) for r in rows}

    def entry(self, case_id: str, rule: str) -> Entry | None:
        row = (
            self._conn.execute(select(_t).where(_l.case_id == case_id, _l.rule == rule))
            .mappings()
            .first()
        )
        return entry_of(row) if row is not None else None

    def save(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        keys = [{"k_case": e.case_id, "k_rule": e.rule} for e in entries]
        cond = and_(_l.case_id == bindparam("k_case"), _l.rule == bindparam("k_rule"))
        self._conn.execute(_t.delete().where(cond), keys)
        self._conn.execute(_t.insert(), [asdict(e) for e in entries])

    def summary(self) -> dict[tuple[LedgerStatus, Level], int]:
        """(status, escalation) → entries."""
        query = select(_l.status, _l.escalation, func.count()).group_by(_l.status, _l.escalation)
        return {(LedgerStatus(s), Level(e)): int(n) for s, e, n in self._conn.execute(query)}

    def page(
        self, units: Collection[str] | None, handler: str | None, query: LedgerQuery
    ) -> list[Entry]:
        q = in_scope(select(_t), units, handler)
        if query.active_only:
            q = q.where(_l.status.in_(sorted(ACTIVE)))
        for col, value in (
            (_l.status, query.status),
            (_l.escalation, query.escalation),
            (_l.severity, query.severity),
            (_l.rule, query.rule),
            (_l.case_id, query.case_id),
        ):
            if value:
                q = q.where(col == value)
        if query.by_due:
            # Dated entries by due day, then the undated: two reads along their indexes, not one
            # sort of the scope's every entry (`ORDER BY due IS NULL, due` uses no index).
            dated = q.where(_l.due.isnot(None)).order_by(_l.due, _l.case_id, _l.rule)
            out = [entry_of(r) for r in self._conn.execute(dated.limit(query.limit)).mappings()]
            if len(out) < query.limit:
                undated = q.where(_l.due.is_(None)).order_by(_l.case_id, _l.rule)
                rest = undated.limit(query.limit - len(out))
                out += [entry_of(r) for r in self._conn.execute(rest).mappings()]
            return out
        if query.after:
            q = q.where(tuple_(_l.case_id, _l.rule) > tuple_(*query.after))
        q = q.order_by(_l.case_id, _l.rule).limit(query.limit)
        return [entry_of(r) for r in self._conn.execute(q).mappings()]
