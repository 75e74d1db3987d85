"""The monitoring ledger (流程监控台账) table: read entries, write changed ones, summarise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from jianguan.adapters.store.schema import monitoring_ledger as ledger_table
from jianguan.domain.ledger import Entry


class SqlLedger:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def entries(self) -> dict[tuple[str, str], Entry]:
        rows = self.conn.execute(select(ledger_table)).mappings()
        return {(r["case_id"], r["rule"]): Entry(**r) for r in rows}

    def save(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        keys = [{"k_case": e.case_id, "k_rule": e.rule} for e in entries]
        cond = and_(
            ledger_table.c.case_id == bindparam("k_case"),
            ledger_table.c.rule == bindparam("k_rule"),
        )
        self.conn.execute(ledger_table.delete().where(cond), keys)
        self.conn.execute(ledger_table.insert(), [asdict(e) for e in entries])

    def summary(self) -> dict[tuple[str, str], int]:
        """(status, escalation) → entries."""
        query = select(ledger_table.c.status, ledger_table.c.escalation, func.count()).group_by(
            ledger_table.c.status, ledger_table.c.escalation
        )
        return {(s, e): int(n) for s, e, n in self.conn.execute(query)}
