"""Flow monitoring (流程监控): run the rules over the store (batch, SQL) or over one case, and
keep the ledger (台账) in step."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence

from jianguan.domain.ledger import LedgerAction, LedgerStatus, Level, sync
from jianguan.domain.model import Case, Unit, UnitLevel
from jianguan.domain.monitoring import (
    DueBook,
    Finding,
    RuleSet,
    Run,
    evaluate_case,
    working_day_after,
    working_days_between,
)
from jianguan.domain.rulebook import Rulebook
from jianguan.services.followup import task_findings
from jianguan.services.ports import UnitOfWork
from jianguan.services.supervision import matter_findings

Warn = dict[tuple[str, str], dt.date]


class UnknownUnit(LookupError):
    pass


def units_below(units: Sequence[Unit], code: str) -> set[str]:
    """``code`` and every unit under it in the tree."""
    if code not in {u.code for u in units}:
        raise UnknownUnit(code)
    children: dict[str | None, list[str]] = {}
    for u in units:
        children.setdefault(u.parent, []).append(u.code)
    out, todo = set(), [code]
    while todo:
        here = todo.pop()
        out.add(here)
        todo.extend(children.get(here, ()))
    return out


def province_of(units: Sequence[Unit]) -> dict[str, str | None]:
    """Each unit's provincial procuratorate (its code keys the lead-time overrides)."""
    by_code = {u.code: u for u in units}

    def walk(code: str | None) -> str | None:
        seen = 0
        while code is not None and code in by_code and seen < 16:
            if by_code[code].level is UnitLevel.PROVINCIAL:
                return code
            code, seen = by_code[code].parent, seen + 1
        return None

    return {u.code: walk(u.code) for u in units}


def warn_limits(
    units: Sequence[Unit],
    rules: RuleSet,
    book: DueBook,
    as_of: dt.date,
    provinces: dict[str, str | None] | None = None,
) -> Warn:
    """(unit, category) → the last day inside the warning lead time, counted in working days."""
    provinces = province_of(units) if provinces is None else provinces
    cal = book.calendar
    out: Warn = {}
    for unit in units:
        for category in rules.lead.default:
            days = rules.lead.days(category, provinces[unit.code])
            out[(unit.code, category)] = working_day_after(cal, as_of, days)
    return out


def make_run(warn: Warn, book: DueBook, as_of: dt.date) -> Run:
    return Run(as_of, book, lambda unit, category: warn.get((unit, category), as_of))


def _findings(
    uow: UnitOfWork, rules: Rulebook, as_of: dt.date, scope: set[str] | None
) -> list[Finding]:
    units = uow.cases.units()
    warn = warn_limits(units, rules.monitoring, rules.book, as_of)
    found = uow.monitor.evaluate(rules.monitoring, rules.book, as_of, warn, scope)
    found = [*found, *matter_findings(uow, rules, as_of, scope)]  # supervision matters, one ledger
    found += task_findings(uow, rules, as_of, scope)  # meeting and notice tasks overdue
    return sorted(found, key=lambda f: f.key)


def monitor(
    uow: UnitOfWork, rules: Rulebook, as_of: dt.date, unit: str | None = None
) -> list[Finding]:
    """All findings as of ``as_of`` (of ``unit`` and the units below it), set-based, sorted by
    case and rule. Reads only: the ledger is left as it is."""
    with uow:
        scope = units_below(uow.cases.units(), unit) if unit else None
        return _findings(uow, rules, as_of, scope)


def monitor_and_record(
    uow: UnitOfWork, rules: Rulebook, as_of: dt.date, unit: str | None = None
) -> tuple[list[Finding], Counter[LedgerAction]]:
    """Monitor and bring the ledger up to this run, in one transaction; every status or
    escalation change goes to the audit log."""
    with uow:
        scope = units_below(uow.cases.units(), unit) if unit else None
        findings = _findings(uow, rules, as_of, scope)
        changes = _record(uow, findings, rules.book, as_of, scope)
        uow.commit()
    return findings, changes


def _record(
    uow: UnitOfWork,
    findings: Sequence[Finding],
    book: DueBook,
    as_of: dt.date,
    scope: Collection[str] | None,
) -> Counter[LedgerAction]:
    cal = book.calendar
    changes = sync(
        uow.ledger.entries(),
        findings,
        as_of,
        lambda first: working_days_between(cal, first, as_of),
        (lambda unit: unit in scope) if scope is not None else (lambda unit: True),
    )
    uow.ledger.save([c.entry for c in changes])
    for c in changes:
        if c.action is not LedgerAction.UPDATE:
            e = c.entry
            detail = {"rule": e.rule, "status": e.status.value, "escalation": e.escalation.value}
            uow.audit.append("monitor", c.action.value, e.case_id, {**detail, "as_of": str(as_of)})
    return Counter(c.action for c in changes)


def ledger_summary(uow: UnitOfWork) -> dict[tuple[LedgerStatus, Level], int]:
    """(status, escalation) → entries of the whole ledger."""
    with uow:
        return uow.ledger.summary()


def check_case(
    case: Case, units: Sequence[Unit], rules: RuleSet, book: DueBook, as_of: dt.date
) -> list[Finding]:
    """The monitoring findings of one case, in Python (the one-click self-check's half).

    Only the case's own unit gets warning limits: computing them for every unit of the tree
    took nine tenths of a self-check's time.
    """
    own = [u for u in units if u.code == case.unit]
    warn = warn_limits(own, rules, book, as_of, province_of(units)) if own else {}
    run = make_run(warn, book, as_of)
    return sorted(evaluate_case(case, rules, run), key=lambda f: f.key)
