"""Flow monitoring (流程监控): run the rules over the store (batch, SQL) or over one case, and
keep the ledger (台账) in step."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

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
from jianguan.services.ports.monitoring import MonitorRun
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
    return _with_others(uow, rules, as_of, scope, found)


def _with_others(
    uow: UnitOfWork,
    rules: Rulebook,
    as_of: dt.date,
    scope: set[str] | None,
    found: list[Finding],
) -> list[Finding]:
    found = [*found, *matter_findings(uow, rules, as_of, scope)]  # supervision matters, one ledger
    found += task_findings(uow, rules, as_of, scope)  # meeting and notice tasks overdue
    return sorted(found, key=lambda f: f.key)


def _kept_findings(uow: UnitOfWork, rules: Rulebook, as_of: dt.date, full: bool) -> list[Finding]:
    """The whole store's findings, evaluating again only what may have moved since the last
    recorded run; a full evaluation when asked, when there is no last run, when it ran with
    other rules, periods or calendar, or when this run is earlier than it."""
    print_ = fingerprint(rules)
    last = uow.monitor.last_run()
    since = (
        last if last is not None and last.fingerprint == print_ and last.as_of <= as_of else None
    )
    if full:
        since = None
    span = since.span_days if since is not None else due_span(rules)
    warn = warn_limits(uow.cases.units(), rules.monitoring, rules.book, as_of)
    run = MonitorRun(as_of, print_, span)
    found = uow.monitor.evaluate_and_keep(rules.monitoring, rules.book, as_of, warn, run, since)
    return _with_others(uow, rules, as_of, None, found)


def monitor(
    uow: UnitOfWork, rules: Rulebook, as_of: dt.date, unit: str | None = None
) -> list[Finding]:
    """All findings as of ``as_of`` (of ``unit`` and the units below it), set-based, sorted by
    case and rule. Reads only: the ledger is left as it is, and every case is evaluated."""
    with uow:
        scope = units_below(uow.cases.units(), unit) if unit else None
        return _findings(uow, rules, as_of, scope)


def monitor_and_record(
    uow: UnitOfWork,
    rules: Rulebook,
    as_of: dt.date,
    unit: str | None = None,
    *,
    full: bool = False,
) -> tuple[list[Finding], Counter[LedgerAction]]:
    """Monitor and bring the ledger up to this run, in one transaction; every status or
    escalation change goes to the audit log.

    Over the whole store the run is incremental (``_kept_findings``; ``full`` forces a full
    one) and its findings are kept for the next. The findings handed to the ledger are always
    the whole store's, so the ledger moves exactly as after a full run. A run of one unit's
    tree evaluates that tree in full and leaves the kept findings alone (they stay true).
    """
    with uow:
        if unit:
            scope: set[str] | None = units_below(uow.cases.units(), unit)
            findings = _findings(uow, rules, as_of, scope)
        else:
            scope, findings = None, _kept_findings(uow, rules, as_of, full)
        changes = _record(uow, findings, rules.book, as_of, scope)
        if sum(changes.values()) >= STATISTICS_AFTER:
            uow.cases.refresh_statistics()
        uow.commit()
    return findings, changes


# A recorded run that changes this many ledger entries (each with its audit entry) refreshes the
# planner's statistics, as an import does: the pages read the ledger and the log by case.
STATISTICS_AFTER = 1000


# -- what a recorded run keeps for the next -----------------------------------------------------


def _canon(value: object) -> object:
    """A value as plain, ordered data (sets sorted), so that its text is the same in every
    process (a frozenset's order is not)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [
            [f.name, _canon(getattr(value, f.name))] for f in dataclasses.fields(value)
        ]
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Mapping):
        return sorted([str(k), _canon(v)] for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted((_canon(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_canon(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def fingerprint(rules: Rulebook) -> str:
    """What a run's findings depend on besides the cases: the monitoring rules with their lead
    times, the periods and the working-day calendar. A run whose fingerprint differs from the
    last one's evaluates every case."""
    cal = rules.book.calendar
    parts = [
        _canon(rules.monitoring),
        _canon(rules.book.periods),
        [_canon(cal.schedule(y)) for y in cal.years],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def due_span(rules: Rulebook) -> int:
    """The most days any due date of the rule set falls after the day it runs from, extension
    and holiday moves included: every period a rule names (and the review periods the period
    rules use), every variant, from every start day of the calendar's years and of the year on
    either side (judged provisionally, weekends only). A case whose last dated fact is more
    than this many days before a run's day has passed every due date it can have."""
    book, ruleset = rules.book, rules.monitoring
    periods = {str(r.params["period"]) for r in ruleset.rules if "period" in r.params}
    if any(r.check.startswith(("period_", "extension")) for r in ruleset.rules):
        periods |= {"arrest_review", "prosecution_review"}
    keys = [k for p in sorted(periods) for k in book.keys_for(p)]
    years = book.calendar.years
    if not keys or not years:
        return 0
    day, last = dt.date(years[0] - 1, 1, 1), dt.date(years[-1] + 1, 12, 31)
    span, guessed = 0, book.provisional  # the outer years are guesses; say so only if used
    while day <= last:
        for key in keys:
            span = max(span, (book.due(key, day) - day).days, (book.window(key, day) - day).days)
        day += dt.timedelta(days=1)
    book.provisional = guessed
    return span


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
