"""The web application's reads and writes on the store (implements services.accounts.AccountStore
and services.access.AccessStore), on one ``SqlSession``'s transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import asdict
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, tuple_
from sqlalchemy.sql import Select

from jianguan.adapters.store import schema
from jianguan.adapters.store.schema_web import accounts, case_reads, web_sessions
from jianguan.adapters.store.sql_store import SqlSession
from jianguan.domain.ledger import OPEN_STATUSES, Entry
from jianguan.domain.model import Case, Person, Role, Unit
from jianguan.services.access import CaseQuery, CaseSummary, Dashboard, LedgerQuery
from jianguan.services.accounts import Account, LoginSession

_c = schema.cases.c
_LIST_COLS = "case_id, unified_no, unit, department, category, received_on, handler, decision_type, closed_on"
_l = schema.monitoring_ledger.c


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


class SqlWeb:
    def __init__(self, session: SqlSession) -> None:
        self.s = session
        self.conn = session._conn

    # -- accounts -----------------------------------------------------------------------------

    def account(self, username: str) -> Account | None:
        r = self.conn.execute(select(accounts).where(accounts.c.username == username)).first()
        return Account(r.username, r.person_id, r.password_hash, bool(r.active)) if r else None

    def person(self, person_id: str) -> Person | None:
        p = schema.people.c
        r = self.conn.execute(select(schema.people).where(p.id == person_id)).first()
        if r is None:
            return None
        return Person(
            r.id, r.name, r.unit, r.department, Role(r.role), bool(r.in_quota), bool(r.senior)
        )

    def save_account(self, account: Account, now: dt.datetime) -> None:
        a = accounts.c
        self.conn.execute(
            delete(accounts).where(
                or_(a.username == account.username, a.person_id == account.person_id)
            )
        )
        self.conn.execute(accounts.insert().values(**asdict(account), created_at=now))

    def add_session(self, token_hash: str, session: LoginSession, now: dt.datetime) -> None:
        w = web_sessions.c
        self.conn.execute(delete(web_sessions).where(w.expires_at <= now))  # keep the table small
        self.conn.execute(
            web_sessions.insert().values(
                token_hash=token_hash,
                username=session.username,
                csrf=session.csrf,
                created_at=now,
                expires_at=session.expires_at,
            )
        )

    def login_session(self, token_hash: str) -> LoginSession | None:
        w = web_sessions.c
        r = self.conn.execute(select(web_sessions).where(w.token_hash == token_hash)).first()
        return LoginSession(r.username, r.csrf, _utc(r.expires_at)) if r else None

    def drop_session(self, token_hash: str) -> None:
        self.conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash))

    # -- scoped reads -------------------------------------------------------------------------

    def units(self) -> list[Unit]:
        return self.s.units()

    def case_page(
        self, units: Collection[str] | None, handler: str | None, query: CaseQuery
    ) -> list[CaseSummary]:
        cols = (
            _c.case_id, _c.unified_no, _c.unit, _c.department, _c.category, _c.received_on,
            _c.handler, _c.decision_type, _c.closed_on,
        )  # fmt: skip

        def page(unit: str | None) -> Select[Any]:
            q: Select[Any] = select(*cols)
            if unit is not None:
                q = q.where(_c.unit == unit)
            if handler is not None:
                q = q.where(_c.handler == handler)
            if query.open_only:
                q = q.where(_c.closed_on.is_(None))
            if query.category:
                q = q.where(_c.category == query.category)
            if query.after:
                q = q.where(_c.case_id > query.after)
            return q.order_by(_c.case_id).limit(query.limit)

        if units is None or handler is not None or len(units) == 1:
            q = page(next(iter(units)) if units and handler is None else None)
            if units is not None and handler is not None:
                q = q.where(_c.unit.in_(sorted(units)))
        else:
            return self._merged_pages(sorted(units), query)
        return [CaseSummary(*r) for r in self.conn.execute(q)]

    def _merged_pages(self, units: list[str], query: CaseQuery) -> list[CaseSummary]:
        """Several units: one keyset page per unit along its (unit, …, case_id) index, merged.

        `unit IN (…) ORDER BY case_id` makes the database sort every case of a city before the
        LIMIT; the per-unit pages read at most ``limit`` index entries each. The statement is
        plain SQL text: built as SQLAlchemy constructs, a union of a dozen pages cost more to
        build and cache-key than to run. Only bound parameters vary; column names are fixed.
        """
        where = ["unit = :u{i}"]
        params: dict[str, object] = {f"u{i}": u for i, u in enumerate(units)}
        if query.open_only:
            where.append("closed_on IS NULL")
        if query.category:
            where.append("category = :category")
            params["category"] = query.category
        if query.after:
            where.append("case_id > :after")
            params["after"] = query.after
        params["lim"] = query.limit
        cond = " AND ".join(where)
        pages = " UNION ALL ".join(
            f"SELECT * FROM (SELECT {_LIST_COLS} FROM cases WHERE {cond.format(i=i)}"
            f" ORDER BY case_id LIMIT :lim) AS p{i}"
            for i in range(len(units))
        )
        sql = text(f"SELECT * FROM ({pages}) AS merged ORDER BY case_id LIMIT :lim").columns(
            *(getattr(_c, name.strip()) for name in _LIST_COLS.split(","))
        )  # typed columns: dates come back as dates on SQLite too
        return [CaseSummary(*r) for r in self.conn.execute(sql, params)]

    def load_case(self, case_id: str) -> Case | None:
        return self.s.load_cases([case_id]).get(case_id)

    def log_read(self, case_id: str, person: str, via: str, at: dt.datetime) -> None:
        self.conn.execute(
            case_reads.insert().values(case_id=case_id, person=person, via=via, at=at)
        )

    def case_reads(self, case_id: str, limit: int) -> list[tuple[str, str, dt.datetime]]:
        r = case_reads.c
        q = select(r.person, r.via, r.at).where(r.case_id == case_id)
        return [
            (p, v, _utc(a)) for p, v, a in self.conn.execute(q.order_by(r.seq.desc()).limit(limit))
        ]

    def _ledger_scope(
        self, q: Select[Any], units: Collection[str] | None, handler: str | None
    ) -> Select[Any]:
        if units is not None:
            q = q.where(_l.unit.in_(sorted(units)))
        if handler is not None:
            mine = select(_c.case_id).where(_c.handler == handler)
            q = q.where(_l.case_id.in_(mine))
        return q

    def ledger_page(
        self, units: Collection[str] | None, handler: str | None, query: LedgerQuery
    ) -> list[Entry]:
        q = self._ledger_scope(select(schema.monitoring_ledger), units, handler)
        if query.status == "active":
            q = q.where(_l.status.in_(sorted(OPEN_STATUSES)))
        elif query.status:
            q = q.where(_l.status == query.status)
        for col, value in (
            (_l.escalation, query.escalation),
            (_l.severity, query.severity),
            (_l.rule, query.rule),
            (_l.case_id, query.case_id),
        ):
            if value:
                q = q.where(col == value)
        if query.by_due:
            q = q.order_by(_l.due.is_(None), _l.due, _l.case_id, _l.rule)
        else:
            if query.after:
                q = q.where(tuple_(_l.case_id, _l.rule) > tuple_(*query.after))
            q = q.order_by(_l.case_id, _l.rule)
        q = q.limit(query.limit)
        return [Entry(**r) for r in self.conn.execute(q).mappings()]

    def save_entry(self, entry: Entry) -> None:
        t = schema.monitoring_ledger
        key = and_(t.c.case_id == entry.case_id, t.c.rule == entry.rule)
        self.conn.execute(delete(t).where(key))
        self.conn.execute(t.insert().values(**asdict(entry)))

    def dashboard(
        self, units: Collection[str] | None, handler: str | None, due_by: dt.date
    ) -> Dashboard:
        q = select(func.count()).select_from(schema.cases).where(_c.closed_on.is_(None))
        if units is not None:
            q = q.where(_c.unit.in_(sorted(units)))
        if handler is not None:
            q = q.where(_c.handler == handler)
        open_cases = int(self.conn.scalar(q) or 0)
        active = _l.status.in_(sorted(OPEN_STATUSES))
        base = select(_l.severity, _l.escalation, func.count()).where(active)
        grouped = self._ledger_scope(base, units, handler).group_by(_l.severity, _l.escalation)
        alerts: dict[str, int] = {}
        levels: dict[str, int] = {}
        for severity, level, n in self.conn.execute(grouped):
            alerts[severity] = alerts.get(severity, 0) + int(n)
            levels[level] = levels.get(level, 0) + int(n)
        soon = self._ledger_scope(
            select(func.count()).select_from(schema.monitoring_ledger).where(active),
            units,
            handler,
        ).where(_l.due.is_not(None), _l.due <= due_by)
        return Dashboard(open_cases, alerts, levels, int(self.conn.scalar(soon) or 0))

    def append_audit(self, actor: str, action: str, subject: str | None, detail: Any) -> None:
        self.s.append_audit(actor, action, subject, detail)

    # -- demo ---------------------------------------------------------------------------------

    def handlers_by_alerts(self, limit: int = 20) -> list[tuple[str, int]]:
        """Handlers with the most active ledger entries on their cases (to pick demo users)."""
        q = (
            select(_c.handler, func.count())
            .select_from(schema.monitoring_ledger.join(schema.cases, _c.case_id == _l.case_id))
            .where(_l.status.in_(sorted(OPEN_STATUSES)))
            .group_by(_c.handler)
            .order_by(func.count().desc(), _c.handler)
            .limit(limit)
        )
        return [(h, int(n)) for h, n in self.conn.execute(q)]
