"""The web application's tables: scoped case reads and the read log (services.ports.AccessRepository),
accounts and login sessions (services.ports.AccountRepository)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.sql import ColumnElement, Select

from jianguan.adapters.store import schema
from jianguan.adapters.store.ledger_sql import in_scope
from jianguan.adapters.store.schema_web import accounts, case_reads, person_roles, web_sessions
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.ledger import ACTIVE
from jianguan.domain.model import Role
from jianguan.services.ports.access import (
    CaseQuery,
    CaseRead,
    CaseSearch,
    CaseSummary,
    Dashboard,
)
from jianguan.services.ports.accounts import Account, LoginSession, RoleGrant

_c = schema.cases.c
_LIST_COLS = "case_id, unified_no, unit, department, category, received_on, handler, decision_type, closed_on"
_l = schema.monitoring_ledger.c


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were written in UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


class SqlAccounts(OnSession):
    def account(self, username: str) -> Account | None:
        r = self._conn.execute(select(accounts).where(accounts.c.username == username)).first()
        return Account(r.username, r.person_id, r.password_hash, bool(r.active)) if r else None

    def save_account(self, account: Account, now: dt.datetime) -> None:
        a = accounts.c
        self._conn.execute(
            delete(accounts).where(
                or_(a.username == account.username, a.person_id == account.person_id)
            )
        )
        self._conn.execute(accounts.insert().values(**asdict(account), created_at=now))

    def add_session(self, token_hash: str, session: LoginSession, now: dt.datetime) -> None:
        w = web_sessions.c
        self._conn.execute(delete(web_sessions).where(w.expires_at <= now))  # keep the table small
        self._conn.execute(
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
        r = self._conn.execute(select(web_sessions).where(w.token_hash == token_hash)).first()
        return LoginSession(r.username, r.csrf, _utc(r.expires_at)) if r else None

    def drop_session(self, token_hash: str) -> None:
        self._conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash))

    def drop_sessions_of(self, username: str) -> None:
        self._conn.execute(delete(web_sessions).where(web_sessions.c.username == username))

    def drop_sessions_of_person(self, person_id: str) -> None:
        names = select(accounts.c.username).where(accounts.c.person_id == person_id)
        self._conn.execute(delete(web_sessions).where(web_sessions.c.username.in_(names)))

    def role_grants(self, person_ids: Collection[str] | None = None) -> dict[str, RoleGrant]:
        pr, pe = person_roles.c, schema.people.c
        q = select(person_roles, pe.role.label("listed")).join(schema.people, pe.id == pr.person_id)
        if person_ids is not None:
            if not person_ids:
                return {}
            q = q.where(pr.person_id.in_(sorted(person_ids)))
        rows = self._conn.execute(q)
        return {
            r.person_id: RoleGrant(
                r.person_id, Role(r.role), Role(r.listed), r.by, _utc(r.at), r.reason
            )
            for r in rows
        }

    def save_role_grant(
        self, person_id: str, role: Role, by: str, at: dt.datetime, reason: str
    ) -> None:
        self.drop_role_grant(person_id)
        self._conn.execute(
            person_roles.insert().values(
                person_id=person_id, role=role.value, by=by, at=at, reason=reason
            )
        )

    def drop_role_grant(self, person_id: str) -> None:
        self._conn.execute(delete(person_roles).where(person_roles.c.person_id == person_id))


class SqlAccess(OnSession):
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
                # `unit || ''`: the unit test kept off every index, so that the handler's own
                # (handler, case_id, closed_on) is read in order and the read stops at the page;
                # SQLite otherwise walks the unit's every open case (its statistics do not know
                # how many are open): 2.3 → 0.24 ms for a busy prosecutor at 1 M cases.
                q = q.where(_c.unit.concat("").in_(sorted(units)))
        else:
            return self._merged_pages(sorted(units), query)
        return [CaseSummary(*r) for r in self._conn.execute(q)]

    def search_cases(
        self,
        units: Collection[str] | None,
        handler: str | None,
        search: CaseSearch,
        total: int | None = None,
    ) -> tuple[int, list[CaseSummary]]:
        """Count and one offset page (the list page's numbered pages). The text matches with
        LIKE (escaped) on the case, its suspects, charges and handler: a scan of the scope's
        cases, fine at a province's size; the keyset ``case_page`` stays for the API."""
        cols = (
            _c.case_id, _c.unified_no, _c.unit, _c.department, _c.category, _c.received_on,
            _c.handler, _c.decision_type, _c.closed_on,
        )  # fmt: skip
        where: list[ColumnElement[bool]] = []
        if units is not None:
            where.append(_c.unit.in_(sorted(units)))
        if handler is not None:
            where.append(_c.handler == handler)
        if search.open_only:
            where.append(_c.closed_on.is_(None))
        needle = search.text.strip().lower()
        if needle:
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            s_, ch, pe = schema.suspects.c, schema.case_charges.c, schema.people.c
            where.append(
                or_(
                    func.lower(_c.case_id).like(like, escape="\\"),
                    func.lower(_c.unified_no).like(like, escape="\\"),
                    _c.case_id.in_(select(s_.case_id).where(s_.name.like(like, escape="\\"))),
                    _c.case_id.in_(select(ch.case_id).where(ch.charge.like(like, escape="\\"))),
                    _c.handler.in_(select(pe.id).where(pe.name.like(like, escape="\\"))),
                )
            )
        if total is None:
            count = select(func.count()).select_from(schema.cases).where(*where)
            total = int(self._conn.scalar(count) or 0)
        order = {
            "received_desc": (_c.received_on.desc(), _c.case_id),
            "received": (_c.received_on, _c.case_id),
        }.get(search.sort, (_c.case_id,))
        offset = (max(1, search.page) - 1) * search.per_page
        if not needle and search.sort == "case_id" and handler is None and units and len(units) > 1:
            # a city's numbered page, as the API's keyset page: each unit's first rows, merged
            merged = CaseQuery(mine=False, open_only=search.open_only, limit=search.per_page)
            return total, self._merged_pages(sorted(units), merged, offset)
        q = (
            select(*cols).where(*where).order_by(*order)
            .limit(search.per_page).offset(offset)
        )  # fmt: skip
        return total, [CaseSummary(*r) for r in self._conn.execute(q)]

    def _merged_pages(
        self, units: list[str], query: CaseQuery, offset: int = 0
    ) -> list[CaseSummary]:
        """Several units: one keyset page per unit along its (unit, …, case_id) index, merged
        (``offset``: the rows of the merged order to skip first, for a numbered page; each unit
        then reads at most offset + limit index entries).

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
        params["lim"], params["each"], params["skip"] = query.limit, offset + query.limit, offset
        cond = " AND ".join(where)
        # the pages merged by their ids alone (read from the unit's index, not the table), and
        # only the page's own rows read whole: a city of 12 units 1.5 → 0.4 ms at 1 M cases
        pages = " UNION ALL ".join(
            f"SELECT * FROM (SELECT case_id FROM cases WHERE {cond.format(i=i)}"
            f" ORDER BY case_id LIMIT :each) AS p{i}"
            for i in range(len(units))
        )
        ids = f"SELECT case_id FROM ({pages}) AS merged ORDER BY case_id LIMIT :lim OFFSET :skip"
        merged = f"SELECT {_LIST_COLS} FROM cases WHERE case_id IN ({ids}) ORDER BY case_id"
        sql = text(merged).columns(
            *(getattr(_c, name.strip()) for name in _LIST_COLS.split(","))
        )  # typed columns: dates come back as dates on SQLite too
        return [CaseSummary(*r) for r in self._conn.execute(sql, params)]

    def log_read(self, case_id: str, person: str, via: str, at: dt.datetime) -> None:
        self._conn.execute(
            case_reads.insert().values(case_id=case_id, person=person, via=via, at=at)
        )

    def case_reads(self, case_id: str, limit: int) -> list[CaseRead]:
        r = case_reads.c
        q = select(r.person, r.via, r.at).where(r.case_id == case_id)
        return [
            CaseRead(p, v, _utc(a))
            for p, v, a in self._conn.execute(q.order_by(r.seq.desc()).limit(limit))
        ]

    def dashboard(
        self, units: Collection[str] | None, handler: str | None, due_by: dt.date
    ) -> Dashboard:
        q = select(func.count()).select_from(schema.cases).where(_c.closed_on.is_(None))
        if units is not None:
            q = q.where(_c.unit.in_(sorted(units)))
        if handler is not None:
            q = q.where(_c.handler == handler)
        open_cases = int(self._conn.scalar(q) or 0)
        active = _l.status.in_(sorted(ACTIVE))
        base = select(_l.severity, _l.escalation, func.count()).where(active)
        grouped = in_scope(base, units, handler).group_by(_l.severity, _l.escalation)
        alerts: dict[str, int] = {}
        levels: dict[str, int] = {}
        for severity, level, n in self._conn.execute(grouped):
            alerts[severity] = alerts.get(severity, 0) + int(n)
            levels[level] = levels.get(level, 0) + int(n)
        soon = in_scope(
            select(func.count()).select_from(schema.monitoring_ledger).where(active),
            units,
            handler,
        ).where(_l.due.is_not(None), _l.due <= due_by)
        # an entry on a case already decided or closed is not due any more: its page says how
        # late it was done (超期 N 日办结), so it is not counted as due within three days
        done = select(_c.case_id).where(
            _c.case_id == _l.case_id, _c.closed_on.is_not(None) | _c.decision_type.is_not(None)
        )  # correlated: one primary-key look-up per entry due soon, not a scan of the cases
        soon = soon.where(~done.exists())
        return Dashboard(open_cases, alerts, levels, int(self._conn.scalar(soon) or 0))

    # -- demo ---------------------------------------------------------------------------------

    def handlers_by_alerts(self, limit: int = 20, live: bool = False) -> list[tuple[str, int]]:
        """Handlers with the most active ledger entries on their cases (to pick demo users);
        ``live``: only dated entries on cases neither decided nor closed."""
        q = (
            select(_c.handler, func.count())
            .select_from(schema.monitoring_ledger.join(schema.cases, _c.case_id == _l.case_id))
            .where(_l.status.in_(sorted(ACTIVE)))
        )
        if live:
            q = q.where(_l.due.is_not(None), _c.closed_on.is_(None), _c.decision_type.is_(None))
        q = q.group_by(_c.handler).order_by(func.count().desc(), _c.handler).limit(limit)
        return [(h, int(n)) for h, n in self._conn.execute(q)]
