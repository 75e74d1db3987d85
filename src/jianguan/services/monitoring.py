"""Flow monitoring (流程监控): run the rules over the store (batch, SQL) or over one case."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from jianguan.domain.ledger import Entry, sync
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
from jianguan.services.ports import StoreSession

Warn = dict[tuple[str, str], dt.date]


class BatchMonitor(Protocol):
    def evaluate(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        units: Collection[str] | None = None,
    ) -> list[Finding]:
        """Every finding of every rule over the stored cases (of ``units`` when given)."""
        ...


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


def monitor(
    session: StoreSession,
    batch: BatchMonitor,
    rules: RuleSet,
    book: DueBook,
    as_of: dt.date,
    unit: str | None = None,
) -> list[Finding]:
    """All findings as of ``as_of``, set-based, sorted by case and rule."""
    units = session.units()
    scope = units_below(units, unit) if unit else None
    warn = warn_limits(units, rules, book, as_of)
    found = batch.evaluate(rules, book, as_of, warn, scope)
    return sorted(found, key=lambda f: f.key)


def check_case(
    case: Case, units: Sequence[Unit], rules: RuleSet, book: DueBook, as_of: dt.date
) -> list[Finding]:
    """The same findings for one case, in Python (the one-click self-check).

    Only the case's own unit gets warning limits: computing them for every unit of the tree
    took nine tenths of a self-check's time.
    """
    own = [u for u in units if u.code == case.unit]
    warn = warn_limits(own, rules, book, as_of, province_of(units)) if own else {}
    run = make_run(warn, book, as_of)
    return sorted(evaluate_case(case, rules, run), key=lambda f: f.key)


Score = dict[str, tuple[int, int, int, float, float]]


def score(found: set[tuple[str, str]], truth: set[tuple[str, str]], kinds: Sequence[str]) -> Score:
    """kind → (planted, found, both, recall, precision) of (case_id, kind) pairs."""
    out: Score = {}
    for kind in kinds:
        t = {x for x in truth if x[1] == kind}
        f = {x for x in found if x[1] == kind}
        both = len(t & f)
        out[kind] = (len(t), len(f), both, both / len(t) if t else 1.0, both / len(f) if f else 1.0)
    return out


def score_table(table: Score) -> str:
    """A Markdown table of a score."""
    lines = [
        "| kind | planted | found | both | recall | precision |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, (t, f, b, r, p) in table.items():
        lines.append(f"| `{kind}` | {t} | {f} | {b} | {r:.2%} | {p:.2%} |")
    return "\n".join(lines)


class Ledger(Protocol):
    def entries(self) -> dict[tuple[str, str], Entry]: ...

    def save(self, entries: Sequence[Entry]) -> None: ...

    def summary(self) -> dict[tuple[str, str], int]:
        """(status, escalation) → number of entries."""
        ...


def record(
    session: StoreSession,
    ledger: Ledger,
    findings: Sequence[Finding],
    book: DueBook,
    as_of: dt.date,
    scope: Collection[str] | None = None,
) -> Counter[str]:
    """Bring the ledger up to this run; every status or escalation change goes to the audit log."""
    cal = book.calendar
    changes = sync(
        ledger.entries(),
        findings,
        as_of,
        lambda first: working_days_between(cal, first, as_of),
        (lambda unit: unit in scope) if scope is not None else (lambda unit: True),
    )
    ledger.save([c.entry for c in changes])
    for c in changes:
        if c.action != "ledger.update":
            e = c.entry
            detail = {"rule": e.rule, "status": e.status, "escalation": e.escalation}
            session.append_audit("monitor", c.action, e.case_id, {**detail, "as_of": str(as_of)})
    return Counter(c.action for c in changes)
