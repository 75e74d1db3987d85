"""What the pages and the API show, assembled once for both (scope enforced by services.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from jianguan.domain.gates import may_verify, unanswered_opinions
from jianguan.domain.ledger import (
    CannotEscalate,
    Entry,
    LedgerAction,
    may_answer,
    may_escalate,
    may_undo,
)
from jianguan.domain.model import Case, CaseCategory, DecisionType, Role
from jianguan.domain.monitoring import Finding, FindingKind, Severity
from jianguan.domain.rulebook import RuleInfo
from jianguan.services import access, casework
from jianguan.services.casefile import case_periods
from jianguan.services.ports.access import CaseQuery, CaseSearch, CaseSummary
from jianguan.services.ports.cases import AuditRecord
from jianguan.services.ports.monitoring import LedgerQuery
from jianguan.services.selfcheck import check_cases
from jianguan.web.auth import User
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
    StepOut,
    SuspectOut,
)
from jianguan.web.state import Web

EXCERPT = 160


def _days(due: dt.date | None, today: dt.date) -> int | None:
    return (due - today).days if due else None


def finding_out(web: Web, f: Finding) -> FindingOut:
    return FindingOut(
        case_id=f.case_id,
        rule=f.rule,
        title=web.rules.rule(f.rule).title,
        kind=f.kind,
        severity=f.severity,
        due=f.due,
        days_left=_days(f.due, web.today()),
        basis=list(f.basis),
        explanation=f.explanation,
        unit=f.unit,
    )


def done_on(case: Case) -> dt.date | None:
    """When a case's duty was done: its decision, else its closing (None while open). An alert
    on such a case is judged on that day (超期 N 日办结), never counted on to today."""
    return _first_done(case.decision.on if case.decision is not None else None, case.closed_on)


def _first_done(decided: dt.date | None, closed: dt.date | None) -> dt.date | None:
    return decided if decided is not None else closed


def _days_late(due: dt.date | None, done: dt.date | None) -> int | None:
    if due is None or done is None:
        return None
    return max(0, (done - due).days)


def done_days(web: Web, entries: list[Entry]) -> dict[str, dt.date | None]:
    """The day each entry's case was decided or closed (cases of one page, read together)."""
    ids = sorted({e.case_id for e in entries})
    if not ids:
        return {}
    with web.uow() as uow:  # two dates per case, not whole cases (their documents' text)
        return _done(uow.cases.decided_and_closed(ids))


def _done(days: dict[str, tuple[dt.date | None, dt.date | None]]) -> dict[str, dt.date | None]:
    return {cid: _first_done(decided, closed) for cid, (decided, closed) in days.items()}


HAND = frozenset(a.value for a in (LedgerAction.FEEDBACK, LedgerAction.CORRECT_MANUAL,
                                   LedgerAction.CLOSE_MANUAL, LedgerAction.UNDO,
                                   LedgerAction.ESCALATE_MANUAL))  # fmt: skip
BY_MONITOR = frozenset({LedgerAction.CORRECT.value, LedgerAction.CLOSE.value})
RESOLVING = BY_MONITOR | {LedgerAction.CORRECT_MANUAL.value, LedgerAction.CLOSE_MANUAL.value}
STEP_ACTIONS = sorted(HAND | RESOLVING)  # only the steps a page shows or judges by
Trail = dict[tuple[str, str], list[AuditRecord]]


def trails(web: Web, entries: list[Entry]) -> Trail:
    """Each entry's ledger steps from the audit log (the monitor's and the hands'), oldest first:
    the reasons given by hand, and who resolved it last."""
    ids = {e.case_id for e in entries}
    if not ids:
        return {}
    with web.uow() as uow:  # only the steps a page shows or judges by (not every opening)
        return _trail(uow.audit.of_subjects(ids, STEP_ACTIONS))


def _trail(rows: list[AuditRecord]) -> Trail:
    out: Trail = {}
    for r in rows:
        rule = r.detail.get("rule") if isinstance(r.detail, dict) else None
        if r.subject is not None and isinstance(rule, str):
            out.setdefault((r.subject, rule), []).append(r)
    return out


def _monitor_resolved(e: Entry, trail: list[AuditRecord]) -> bool:
    """A resolved entry whose last resolution was the monitor's (the problem is gone)."""
    if e.status.active:
        return False
    last = next((r.action for r in reversed(trail) if r.action in RESOLVING), None)
    return last is None or last in BY_MONITOR


def _steps(trail: list[AuditRecord]) -> list[StepOut]:
    return [
        StepOut(action=LedgerAction(r.action), by=str(r.detail.get("by") or r.actor),
                on=r.at.date(), reason=str(r.detail.get("reason") or ""))
        for r in trail if r.action in HAND
    ]  # fmt: skip


def ledger_out(
    web: Web, e: Entry, done: dt.date | None = None, trail: list[AuditRecord] | None = None
) -> LedgerOut:
    info = web.rules.rule(e.rule)
    late = _days_late(e.due, done)
    trail = trail or []
    by_monitor = _monitor_resolved(e, trail)
    return LedgerOut(
        case_id=e.case_id,
        rule=e.rule,
        title=info.title,
        kind=FindingKind(e.kind),  # typed already when read from the store
        severity=Severity(e.severity),
        due=e.due,
        days_left=None if late is not None else _days(e.due, web.today()),
        days_late=late,
        done_on=done,
        basis=list(info.basis),
        explanation=e.explanation,
        unit=e.unit,
        status=e.status,
        escalation=e.escalation,
        first_found=e.first_found,
        last_found=e.last_found,
        notified_on=e.notified_on,
        resolved_on=e.resolved_on,
        may_escalate=may_escalate(e),
        may_answer=may_answer(e),
        may_undo=may_undo(e) and not by_monitor,
        steps=_steps(trail),
        resolved_by_monitor=by_monitor,
    )


def case_page(web: Web, user: User, query: CaseQuery) -> CasePage:
    rows = access.list_cases(web.uow(), user.principal, query)
    items = [_case_out(r) for r in rows]
    full = access.page_is_full(rows, query.limit)
    return CasePage(items=items, next=rows[-1].case_id if rows and full else None)


def search_cases(web: Web, user: User, search: CaseSearch) -> tuple[int, list[CaseOut]]:
    """One numbered page and the count of the whole list. The count is kept a few seconds per
    scope and search, as the dashboard's are (and forgotten on any write through this process):
    a city's count reads every case of its units, the page only fifty (measured at 1 M cases:
    13 of 48 ms)."""
    p = user.principal
    key = ("case_total", p.units, p.whole_store, p.person.id if search.mine else None,
           search.open_only, search.text.strip().lower())  # fmt: skip
    # A searched word is matched in every case, suspect and charge of the scope (1.0–1.3 s
    # over a province at 1 M cases): its count is kept as long as the figures, so that the
    # next pages of the same search do not count again; a plain list's count a few seconds.
    kept_in = web.figures if key[-1] else web.counts
    generation, kept = kept_in.generation(), kept_in.peek(key)
    total, rows = access.search_cases(web.uow(), p, search, kept)
    if kept is None:
        kept_in.put(key, total, generation)
    return total, [_case_out(r) for r in rows]


def _case_out(r: CaseSummary) -> CaseOut:
    return CaseOut(
        case_id=r.case_id,
        unified_no=r.unified_no,
        unit=r.unit,
        department=r.department,
        category=CaseCategory(r.category),
        received_on=r.received_on,
        handler=r.handler,
        decision_type=DecisionType(r.decision_type) if r.decision_type else None,
        closed_on=r.closed_on,
    )


def _card(case: Case) -> CaseOut:
    return CaseOut(
        case_id=case.case_id,
        unified_no=case.unified_no,
        unit=case.unit,
        department=case.department,
        category=case.category,
        received_on=case.received_on,
        handler=case.handler,
        decision_type=case.decision.type if case.decision else None,
        closed_on=case.closed_on,
    )


def case_detail(web: Web, user: User, case_id: str, via: str) -> CaseDetail:
    today = web.today()
    found = access.case_file(web.uow(), web.rules, user.principal, case_id, via, web.now())
    case, last = found.case, found.last_check
    marks = trails(web, found.entries)
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
            done_on=p.done_on,
            days_left=p.days_left(today),
            days_late=p.days_late,
            basis=list(d.basis),
            steps=list(d.steps),
        )
        for p in case_periods(case, web.rules.periods, web.rules.calendar, today)
        for d in (p.derivation,)
    ]
    return CaseDetail(
        case=_card(case),
        source=case.source,
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
        parties={
            **{v.id: v.name for v in case.victims},
            **{x.id: x.name for x in case.suspects},
        },
        events=[
            EventOut(type=e.type, on=e.on, by=e.by, party=e.party, note=e.note) for e in case.events
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
        findings=[
            ledger_out(web, e, done_on(case), marks.get((e.case_id, e.rule))) for e in found.entries
        ],
        gate=found.gate,
        gate_missing=[MissingOut(code=m.code, zh=m.zh, en=m.en) for m in found.missing],
        last_self_check=SelfCheckRecordOut(
            by=last.by, at=last.at, findings=len(last.findings), explained=sorted(last.explained)
        )
        if last
        else None,
        unanswered_opinions=unanswered_opinions(case),
        as_of=today,
    )


def run_selfcheck(
    web: Web, user: User, case_id: str, explanations: dict[str, str] | None = None
) -> SelfCheckOut:
    """一键自检. The handler's own check is recorded through case work (每案必检 counts it),
    with the handler's explanations of findings that are right as they stand; anyone else in
    scope sees the same findings without a record."""
    today, now = web.today(), web.now()
    case = access.read_case(web.uow(), user.principal, case_id, "selfcheck", now)
    if case.handler == user.person_id:
        record = casework.record_self_check(
            web.uow(), web.rules, case_id, user.person_id, now, explanations
        )
        found, recorded = list(record.findings), True
    else:
        found, recorded = list(check_cases(web.uow(), web.rules, case_id, today)), False
    return SelfCheckOut(
        case_id=case_id,
        as_of=today,
        recorded=recorded,
        findings=[finding_out(web, f) for f in found],
    )


def answer(web: Web, user: User, case_id: str, accept: bool, reason: str | None) -> None:
    """Answer the oldest open consultation opinion (only the handler may: case work refuses)."""
    now = web.now()
    access.read_case(web.uow(), user.principal, case_id, "answer", now)
    casework.answer_consultation(
        web.uow(), case_id, user.person_id, now, None if accept else reason or ""
    )


CLOSE_ROLES = frozenset({Role.DEPARTMENT_HEAD, Role.CHIEF, Role.DEPUTY_CHIEF})
ARCHIVE_ROLES = CLOSE_ROLES | {Role.CASE_OFFICER}


def case_actions(user: User, case: CaseOut, gate: str, unanswered: bool) -> dict[str, bool]:
    """Which case-work buttons the page offers this user (the use cases check again)."""
    p = user.principal.person
    handler = case.handler == p.id
    return {
        "verify": gate != "done"
        and p.id != case.handler
        and (p.role in CLOSE_ROLES or (p.role is Role.PROSECUTOR and p.senior)),
        "close": gate == "close" and (handler or p.role in CLOSE_ROLES),
        "archive": gate == "archive" and (handler or p.role in ARCHIVE_ROLES),
        "answer": handler and unanswered,
    }


def verify(web: Web, user: User, case_id: str) -> None:
    """复核 of the handler's last self-check (case work refuses a verifier who may not)."""
    now = web.now()
    case = access.read_case(web.uow(), user.principal, case_id, "verify", now)
    if not may_verify(user.principal.person, case):
        raise access.NotAllowed(user.principal.person.role.value)
    casework.verify(web.uow(), case_id, user.person_id, now)


def close_or_archive(web: Web, user: User, case_id: str, archive: bool) -> None:
    """审结 or 归档 behind the 每案必检 gate; ``GateRefused`` lists what is missing."""
    now = web.now()
    case = access.read_case(web.uow(), user.principal, case_id, "archive" if archive else "close",
                            now)  # fmt: skip
    allowed = ARCHIVE_ROLES if archive else CLOSE_ROLES
    if case.handler != user.person_id and user.principal.person.role not in allowed:
        raise access.NotAllowed(user.principal.person.role.value)
    if archive:
        casework.archive(web.uow(), web.rules, case_id, user.person_id, now)
    else:
        casework.close(web.uow(), web.rules, case_id, user.person_id, now)


def answer_entry(
    web: Web, user: User, case_id: str, rule: str, outcome: str, reason: str
) -> LedgerOut:
    """反馈 / 纠正 / 关闭 with a reason, or undo (``outcome`` undo): ``domain.ledger`` decides;
    a resolution the monitor made (the problem is gone) is not a hand's to undo."""
    if outcome == "undo":
        before = access.ledger(web.uow(), user.principal,
                               LedgerQuery(case_id=case_id, rule=rule, limit=1))  # fmt: skip
        if before and _monitor_resolved(before[0], trails(web, before).get((case_id, rule), [])):
            raise CannotEscalate(
                "监控已确认问题消除，不能撤销 / resolved by the monitor: nothing to undo"
            )
    entry = access.answer_entry(
        web.uow(), user.principal, case_id, rule, outcome, reason, web.today()
    )
    return ledger_out(web, entry, done_days(web, [entry]).get(case_id),
                      trails(web, [entry]).get((case_id, rule)))  # fmt: skip


def reads(web: Web, user: User, case_id: str) -> list[ReadOut]:
    rows = access.case_reads(web.uow(), user.principal, case_id)
    return [ReadOut(person=r.person, via=r.via, at=r.at) for r in rows]


def ledger_rules(web: Web) -> list[RuleInfo]:
    """Every rule whose findings the ledger keeps: monitoring, supervision matters
    (rules/supervision.toml) and follow-up tasks (rules/followup.toml), by id and title."""
    ids = [r.id for r in web.rules.monitoring.rules]
    ids += [r.id for r in web.rules.supervision.rules]
    ids += [r.id for r in web.rules.followup.rules]
    return [web.rules.rule(i) for i in dict.fromkeys(ids)]


def resolve_rule(web: Web, text: str | None) -> str | None:
    """A rule filter as a user types it: a rule's Chinese (or English) title, or a part of it,
    stands for that rule (the page never shows codes); a code is taken as it is."""
    if not text:
        return None
    rules = ledger_rules(web)
    if any(r.id == text for r in rules):
        return text
    hits = sorted(r.id for r in rules if text in r.title or text.lower() in r.id.lower())
    return hits[0] if hits else text


def ledger_page(web: Web, user: User, query: LedgerQuery, *, with_steps: bool = True) -> LedgerPage:
    """A page of the ledger; ``with_steps=False``: without the steps by hand (read from the
    audit log), for a list that shows none of them (the home page's alerts)."""
    query = replace(query, rule=resolve_rule(web, query.rule))
    found = access.ledger_rows(web.uow(), user.principal, query,
                               STEP_ACTIONS if with_steps else ())  # fmt: skip
    rows, done, marks = found.entries, _done(found.done), _trail(found.steps)
    full = access.page_is_full(rows, query.limit)
    last = f"{rows[-1].case_id}|{rows[-1].rule}" if rows and full else None
    items = [ledger_out(web, e, done.get(e.case_id), marks.get((e.case_id, e.rule))) for e in rows]
    return LedgerPage(items=items, next=last)


def alerts(
    web: Web, user: User, mine: bool, limit: int = 100, *, with_steps: bool = True
) -> list[LedgerOut]:
    """Active ledger entries of the scope, soonest due first (the home page's alert list)."""
    q = LedgerQuery(mine=mine, active_only=True, by_due=True, limit=limit)
    return ledger_page(web, user, q, with_steps=with_steps).items


def dashboard(web: Web, user: User, mine: bool) -> DashboardOut:
    today = web.today()
    p = user.principal
    key = ("dashboard", p.units, p.person.id if mine else None, today)
    d = web.counts.get(key, lambda: access.dashboard(web.uow(), p, mine, today))
    return DashboardOut(
        as_of=today,
        mine=mine,
        open_cases=d.open_cases,
        alerts_by_severity=d.alerts,
        alerts_by_escalation=d.escalations,
        due_soon=d.due_soon,
    )


def escalate(web: Web, user: User, case_id: str, rule: str) -> LedgerOut:
    entry = access.escalate(web.uow(), user.principal, case_id, rule, web.today())
    return ledger_out(web, entry, done_days(web, [entry]).get(case_id),
                      trails(web, [entry]).get((case_id, rule)))  # fmt: skip
