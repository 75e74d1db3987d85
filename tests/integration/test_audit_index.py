"""The audit log is read by subject (a case's trail, the ledger's marks): the migrated store
has the index on ``audit_log.subject`` and the query planner uses it for those reads."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from jianguan.adapters.store import schema
from jianguan.adapters.store.sql_store import SqlStore


def test_the_subject_index_is_there_and_used(store_url: str) -> None:
    store = SqlStore(store_url)
    try:
        with store.engine.connect() as conn:
            indexes = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("audit_log")}
            assert indexes.get("ix_audit_log_subject") == ["subject"]
            if conn.dialect.name != "sqlite":
                return  # PostgreSQL plans by statistics: on an empty table a scan is right
            a = schema.audit_log.c
            query = select(a.seq).where(a.subject.in_(["c1", "c2"]), a.action.in_(["x"]))
            compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
            plan = " ".join(
                str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            assert "ix_audit_log_subject" in plan, plan
    finally:
        store.close()
