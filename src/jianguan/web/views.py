"""What the pages and the API show, assembled once for both (scope enforced by services.access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from jianguan.adapters.store.casework_sql import CaseworkSql
from jianguan.adapters.store.web_sql import SqlWeb
from jianguan.domain.gates import unanswered_opinions
from jianguan.domain.ledger import Entry
from jianguan.domain.model import Case, Person, Unit
from jianguan.domain.monitoring import Finding
from jianguan.domain.selfcheck import CheckEnv
from jianguan.services import access, casework
from jianguan.services.casefile import case_periods
from jianguan.services.selfcheck import self_check
from jianguan.web.auth import User, now
from jianguan.web.models import (
    CaseDetail,
    CaseOut,
    CasePage,
    DashboardOut,
    DocumentOut,
    EventOut,
    FindingOut,
    LedgerOut,
    LedgerPage,
    MissingOut,
    PeriodOut,
    ReadOut,
    SelfCheckOut,
    SelfCheckRecordOut,
    SuspectOut,
)

EXCERPT = 160

if TYPE_CHECKING:
    from jianguan.web.app import Web


def rule_info(web: Web, rule_id: str) -> tuple[str, list[str]]:
    """(Chinese title, law basis) of a monitoring or self-check rule."""
    for rules in (web.monitoring.rules, web.checks.rules):
        for rule in rules:
            if rule.id == rule_id:
                return rule.title, list(rule.basis)
    return rule_id, []


def checker(web: Web, units: list[Unit]) -> casework.Checker:
    """The one-click self-check as the case-work gates call it (with staff and powers lists)."""
    book = web.book()

    def check(case: Case, people: Mapping[str, Person], day: dt.date) -> list[Finding]:
        env = CheckEnv(people, web.powers)
        return self_check(case, units, web.checks, web.monitoring, book, day, env)

    return check


def _days(due: dt.date | None, today: dt.date) -> int | None:
    return (due - today).days if due else None


def finding_out(web: Web, f: Finding) -> FindingOut:
    title, _ = rule_info(web, f.rule)
    return FindingOut(
        case_id=f.case_id,
        rule=f.rule,
        title=title,
        kind=f.kind,
        severity=f.severity,
        due=f.due,
        days_left=_days(f.due, web.today()),
        basis=list(f.basis),
        explanation=f.explanation,
        unit=f.unit,
    )


def ledger_out(web: Web, e: Entry) -> LedgerOut:
    title, basis = rule_info(web, e.rule)
    return LedgerOut(
        case_id=e.case_id,
        rule=e.rule,
        title=title,
        kind=e.kind,
        severity=e.severity,
        due=e.due,
        days_left=_days(e.due, web.today()),
        basis=basis,
        explanation=e.explanation,
        unit=e.unit,
        status=e.status,
        escalation=e.escalation,
        first_found=e.first_found,
        last_found=e.last_found,
        notified_on=e.notified_on,
        resolved_on=e.resolved_on,
    )


def case_page(web: Web, user: User, query: access.CaseQuery) -> CasePage:
    with web.store.session() as s:
        rows = access.list_cases(SqlWeb(s), user.principal, query)
    items = [_case_out(r) for r in rows]
    full = len(rows) == max(1, min(query.limit, access.PAGE_MAX))
    return CasePage(items=items, next=rows[-1].case_id if rows and full else None)


def _case_out(r: access.CaseSummary) -> CaseOut:
    return CaseOut(
        case_id=r.case_id,
        unified_no=r.unified_no,
        unit=r.unit,
        department=r.department,
        category=r.category,
        received_on=r.received_on,
        handler=r.handler,
        decision_type=r.decision_type,
        closed_on=r.closed_on,
    )


def _card(case: Case) -> CaseOut:
    return CaseOut(
        case_id=case.case_id,
        unified_no=case.unified_no,
        unit=case.unit,
        department=case.department,
        category=case.category.value,
        received_on=case.received_on,
        handler=case.handler,
        decision_type=case.decision.type.value if case.decision else None,
        closed_on=case.closed_on,
    )


def case_detail(web: Web, user: User, case_id: str, via: str) -> CaseDetail:
    today = web.today()
    with web.store.session() as s:
        sql = SqlWeb(s)
        case = access.read_case(sql, user.principal, case_id, via, now())
        entries = sql.ledger_page(None, None, access.LedgerQuery(case_id=case_id, limit=100))
        work = CaseworkSql(s)
        gate = "done" if case.archived_on else ("archive" if case.closed_on else "close")
        missing = (
            casework.gate_status(
                work, case_id, _at(today), checker(web, sql.units()), archive=gate == "archive"
            )
            if gate != "done"
            else []
        )
        last = work.last_self_check(case_id)
    periods = [
        PeriodOut(
            period=d.period,
            title=d.title,
            start=d.start,
            length=d.length,
            conditions=list(d.conditions),
            raw_end=d.raw_end,
            due=d.due,
            moved_from=d.moved_from,
            in_custody=d.in_custody,
            provisional=d.provisional,
            days_left=(d.due - today).days,
            basis=list(d.basis),
            steps=list(d.steps),
        )
        for d in case_periods(case, web.periods, web.calendar, today)
    ]
    return CaseDetail(
        case=_card(case),
        source=case.source.value,
        assigned_on=case.assigned_on,
        major_complex=case.major_complex,
        charges=list(case.charges),
        suspects=[
            SuspectOut(
                id=x.id,
                name=x.name,
                in_custody=x.in_custody,
                minor=x.minor,
                has_counsel=x.has_counsel,
                plea_leniency=x.plea_leniency,
                fast_track=x.fast_track,
            )
            for x in case.suspects
        ],
        events=[
            EventOut(type=e.type.value, on=e.on, by=e.by, party=e.party, note=e.note)
            for e in case.events
        ],
        documents=[
            DocumentOut(
                type=d.type,
                no=d.no,
                issued_on=d.issued_on,
                excerpt=(d.text[:EXCERPT] + ("…" if len(d.text) > EXCERPT else ""))
                if d.text
                else None,
            )
            for d in case.documents
        ],
        periods=periods,
        findings=[ledger_out(web, e) for e in entries],
        gate=gate,
        gate_missing=[MissingOut(code=m.code, zh=m.zh, en=m.en) for m in missing],
        last_self_check=SelfCheckRecordOut(
            by=last.by, at=last.at, findings=len(last.findings), explained=sorted(last.explained)
        )
        if last
        else None,
        unanswered_opinions=unanswered_opinions(case),
        as_of=today,
    )


def _at(day: dt.date) -> dt.datetime:
    """The moment an action is dated: now, or noon of the configured as-of day (demo, tests)."""
    current = now()
    return current if current.date() == day else dt.datetime.combine(day, dt.time(12), dt.UTC)


def run_selfcheck(web: Web, user: User, case_id: str) -> SelfCheckOut:
    """一键自检. The handler's own check is recorded through case work (每案必检 counts it);
    anyone else in scope sees the same findings without a record."""
    today = web.today()
    with web.store.session() as s:
        sql = SqlWeb(s)
        case = access.read_case(sql, user.principal, case_id, "selfcheck", now())
        check = checker(web, sql.units())
        if case.handler == user.person_id:
            record = casework.record_self_check(
                CaseworkSql(s), case_id, user.person_id, _at(today), check
            )
            found, recorded = list(record.findings), True
        else:
            found, recorded = check(case, {p.id: p for p in s.people()}, today), False
    return SelfCheckOut(
        case_id=case_id,
        as_of=today,
        recorded=recorded,
        findings=[finding_out(web, f) for f in found],
    )


def answer(web: Web, user: User, case_id: str, accept: bool, reason: str | None) -> None:
    """Answer the oldest open consultation opinion (only the handler may: case work refuses)."""
    with web.store.session() as s:
        access.read_case(SqlWeb(s), user.principal, case_id, "answer", now())
        casework.answer_consultation(
            CaseworkSql(s),
            case_id,
            user.person_id,
            _at(web.today()),
            None if accept else reason or "",
        )


def reads(web: Web, user: User, case_id: str) -> list[ReadOut]:
    with web.store.session() as s:
        rows = access.case_reads(SqlWeb(s), user.principal, case_id)
    return [ReadOut(person=p, via=v, at=a) for p, v, a in rows]


def ledger_page(web: Web, user: User, query: access.LedgerQuery) -> LedgerPage:
    with web.store.session() as s:
        rows = access.ledger(SqlWeb(s), user.principal, query)
    full = len(rows) == max(1, min(query.limit, access.PAGE_MAX))
    last = f"{rows[-1].case_id}|{rows[-1].rule}" if rows and full else None
    return LedgerPage(items=[ledger_out(web, e) for e in rows], next=last)


def alerts(web: Web, user: User, mine: bool, limit: int = 100) -> list[LedgerOut]:
    """Active ledger entries of the scope, soonest due first (the home page's alert list)."""
    q = access.LedgerQuery(mine=mine, status="active", by_due=True, limit=limit)
    return ledger_page(web, user, q).items


def dashboard(web: Web, user: User, mine: bool) -> DashboardOut:
    today = web.today()
    with web.store.session() as s:
        d = access.dashboard(SqlWeb(s), user.principal, mine, today)
    return DashboardOut(
        as_of=today,
        mine=mine,
        open_cases=d.open_cases,
        alerts_by_severity=d.alerts,
        alerts_by_escalation=d.escalations,
        due_soon=d.due_soon,
    )


def escalate(web: Web, user: User, case_id: str, rule: str) -> LedgerOut:
    with web.store.session() as s:
        entry = access.escalate(SqlWeb(s), user.principal, case_id, rule, web.today())
    return ledger_out(web, entry)
