"""Monitoring rules compiled to set-based SQL (SQLAlchemy Core; SQLite and PostgreSQL).

One run: (1) the case facts every check needs (custody, fast track, review base, extension,
with-the-investigators) go into a temporary table in one grouped pass over suspects and events;
(2) due dates come from the period engine through a temporary lookup table (period variant ×
start date → due), filled from ``DueBook`` for every start date present, so SQL never does date
arithmetic and agrees with the per-case evaluation by construction; (3) each rule is one query.

An incremental run (``evaluate_and_keep`` with the last run) first chooses its cases from
``case_marks`` into ``mon_cases`` — open as of the run, written since the last run's watermark,
or with a dated fact or due date the last run had not passed — and restricts the facts and the
event and document scans to them; the other cases keep the findings ``monitor_findings`` holds
for them. PostgreSQL never gathers statistics on temporary tables by itself (autovacuum skips
them), so each one is analysed once filled: without it the planner guesses a thousand rows.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    MetaData,
    Select,
    String,
    Subquery,
    Table,
    and_,
    case,
    cast,
    delete,
    exists,
    extract,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    true,
)

from jianguan.adapters.store import schema
from jianguan.adapters.store.schema_monitor import case_marks, monitor_findings, monitor_state
from jianguan.adapters.store.sql_store import OnSession
from jianguan.domain.monitoring import (
    GRAVE,
    PERIOD_FACTS,
    DueBook,
    DueKey,
    Finding,
    Rule,
    RuleSet,
    finding,
)
from jianguan.services.ports.monitoring import MonitorRun

_meta = MetaData()
DUE = Table(
    "mon_due",
    _meta,
    Column("period", String(48), primary_key=True),
    Column("start", Date, primary_key=True),
    Column("custody", Integer, primary_key=True),
    Column("major", Integer, primary_key=True),
    Column("fast", Integer, primary_key=True),
    Column("over1y", Integer, primary_key=True),
    Column("due", Date, nullable=False),  # unextended
    Column("extended_due", Date, nullable=False),  # with an approved extension (= due if none)
    Column("extendable", Integer, nullable=False),  # whether the law allows an extension
    prefixes=["TEMPORARY"],
)
FACTS = Table(
    "mon_facts",
    _meta,
    Column("case_id", String(64), primary_key=True),
    Column("unit", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("decision_type", String(32)),
    Column("decision_on", Date),
    Column("closed_on", Date),
    Column("custody", Integer, nullable=False),
    Column("major", Integer, nullable=False),
    Column("fast", Integer, nullable=False),
    Column("over1y", Integer, nullable=False),
    Column("base", Date, nullable=False),
    Column("extended", Integer, nullable=False),
    Column("away", Integer, nullable=False),
    # the review due dates (legal, with an extension), looked up once for every rule
    Column("review_due", Date),
    Column("review_window", Date),
    prefixes=["TEMPORARY"],
)
WARN = Table(
    "mon_warn",
    _meta,
    Column("unit", String(16), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("until", Date, nullable=False),
    prefixes=["TEMPORARY"],
)
SCOPE = Table(
    "mon_units", _meta, Column("unit", String(16), primary_key=True), prefixes=["TEMPORARY"]
)
CANDS = Table(
    "mon_cases", _meta, Column("case_id", String(64), primary_key=True), prefixes=["TEMPORARY"]
)
TEMPS = (DUE, FACTS, WARN, SCOPE, CANDS)
# A write that is not an import (a platform change of one case) takes no lock the run waits
# for: a change stamped shortly before the run began may commit after the run chose its cases.
# The watermark is set back by this much, longer than any such write's transaction lasts
# (web requests and CLI case commands commit in well under a second); the cases in that window
# are simply looked at twice. Imports are serialised with the run by the import lock.
WRITE_MARGIN_US = 10 * 60 * 1_000_000
KEY_COLUMNS = {
    "custody": "custody",
    "major": "major",
    "fast_track": "fast",
    "over_one_year": "over1y",
}
F = FACTS.c
Rows = Iterable[tuple[str, str, dt.date | None]]


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _suspect_facts(m: SqlMonitor) -> Subquery:
    """Per case: any suspect in custody, all fast track, any likely sentence over 12 months."""
    s = schema.suspects.c
    return (
        select(
            s.case_id,
            func.max(_flag(s.in_custody)).label("custody"),
            func.min(_flag(s.fast_track)).label("fast"),
            func.max(_flag(s.likely_sentence_months > 12)).label("long"),
        )
        .where(m.only(s.case_id))
        .group_by(s.case_id)
        .subquery()
    )


def _event_facts(m: SqlMonitor, day: ColumnElement[dt.date]) -> Subquery:
    """Per case: the last retransfer, return and extension on or before as-of."""
    e = schema.events.c
    kinds = ("retransferred", "returned_for_investigation", "extension_approved")
    lasts = (func.max(case((e.type == k, e.on_date))).label(k) for k in kinds)
    return (
        select(e.case_id, *lasts)
        .where(e.type.in_(kinds), e.on_date <= day, m.only(e.case_id))
        .group_by(e.case_id)
        .subquery()
    )


class SqlMonitor(OnSession):
    """Evaluates a rule set over every case of the store (or of some units) in one transaction."""

    incremental = False  # this evaluation is restricted to the cases in mon_cases

    def evaluate(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        units: Collection[str] | None = None,
    ) -> list[Finding]:
        self._create()
        try:
            return self._evaluate(rules, book, as_of, warn, units)
        finally:
            self._drop()

    def last_run(self) -> MonitorRun | None:
        row = self._conn.execute(select(monitor_state).where(monitor_state.c.id == 1)).first()
        if row is None:
            return None
        return MonitorRun(row.as_of, row.fingerprint, int(row.span_days))

    def evaluate_and_keep(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        run: MonitorRun,
        since: MonitorRun | None,
    ) -> list[Finding]:
        # An import waits for the run (and the run for an import): every case an import
        # stamps is then either seen by this run or stamped after its watermark.
        self._s.lock_for_import()
        began = time.time_ns() // 1000
        watermark = self._conn.scalar(select(monitor_state.c.watermark_us))
        self._create()
        try:
            if since is None or watermark is None:
                found = self._evaluate(rules, book, as_of, warn, None)
                self._conn.execute(delete(monitor_findings))
                self._keep(found)
            else:
                self._choose(as_of, since, int(watermark))
                self.incremental = True
                found = self._evaluate(rules, book, as_of, warn, None)
                cands = select(CANDS.c.case_id)
                self._conn.execute(
                    delete(monitor_findings).where(monitor_findings.c.case_id.in_(cands))
                )
                self._keep(found)
                found = self._kept(rules)
        finally:
            self.incremental = False
            self._drop()
        self._save_state(run, began - WRITE_MARGIN_US)
        return found

    # ------------------------------------------------------------ one evaluation

    def _create(self) -> None:
        if self._conn.dialect.name == "postgresql":
            # The rule queries cost above jit_above_cost, so PostgreSQL compiles each one: about
            # 0.6 s a query, 8 s of a 23 s run at 100 k open cases (EXPLAIN ANALYZE, issue 17);
            # the plans are scans and index probes that gain nothing from it.
            self._conn.execute(text("SET LOCAL jit = off"))
            # At 1 M open cases the grouped passes, sorts and anti-joins outgrow the default
            # 4 MB and spill to disk in batches (measured: the evaluation 42 s → 36 s).
            self._conn.execute(text("SET LOCAL work_mem = '256MB'"))
        for table in TEMPS:
            table.drop(self._conn, checkfirst=True)
            table.create(self._conn)

    def _drop(self) -> None:
        for table in TEMPS:
            table.drop(self._conn, checkfirst=True)

    def _evaluate(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        units: Collection[str] | None,
    ) -> list[Finding]:
        categories = sorted(set().union(*(r.scope for r in rules.rules)))
        self._fill_scope(units)
        self._fill_facts(categories, as_of, units is not None)
        self._fill_dues(rules, book)
        self._analyze(DUE)
        self._fill_review_dues()
        self._fill_warn(warn)
        self._analyze(FACTS, WARN, SCOPE)
        out: list[Finding] = []
        for rule in rules.rules:
            rows = COMPILERS[rule.check](self, rule, as_of)
            out.extend(finding(rule, cid, unit, due) for cid, unit, due in rows)
        return out

    def _analyze(self, *tables: Table) -> None:
        if self._conn.dialect.name == "postgresql":
            for table in tables:
                self._conn.execute(text(f"ANALYZE {table.name}"))

    def only(self, case_id: ColumnElement[str]) -> ColumnElement[bool]:
        """In an incremental run: ``case_id`` is one of the run's cases (keeps the event and
        document scans to them); otherwise always true."""
        return case_id.in_(select(CANDS.c.case_id)) if self.incremental else true()

    # ------------------------------------------------------------ what is kept between runs

    def _choose(self, as_of: dt.date, since: MonitorRun, watermark: int) -> None:
        """The run's cases: open as of ``as_of``; written since the last run; or with a fact
        dated, or a due date falling, on or after the last run's day (a due date is at most
        ``span_days`` after the fact it runs from), so that the last run's findings may not
        hold any more. For every other case each fact was visible to the last run and each
        due date already passed, and every rule compares as-of only with those."""
        m = case_marks.c
        settled = since.as_of - dt.timedelta(days=since.span_days)
        query = select(m.case_id).where(
            or_(
                m.closed_on.is_(None),
                m.closed_on > as_of,
                m.changed_us >= watermark,
                m.last_day >= settled,
            )
        )
        self._conn.execute(CANDS.insert().from_select(["case_id"], query))
        self._analyze(CANDS)

    def _keep(self, found: list[Finding]) -> None:
        rows = [(f.case_id, f.rule, f.unit, f.due) for f in found]
        self._s._bulk(monitor_findings, rows)

    def _kept(self, rules: RuleSet) -> list[Finding]:
        by_id = {r.id: r for r in rules.rules}
        k = monitor_findings.c
        rows = self._conn.execute(select(k.case_id, k.rule, k.unit, k.due))
        return [finding(by_id[r[1]], r[0], r[2], r[3]) for r in rows if r[1] in by_id]

    def _save_state(self, run: MonitorRun, watermark: int) -> None:
        self._conn.execute(delete(monitor_state))
        self._conn.execute(
            monitor_state.insert().values(
                id=1,
                as_of=run.as_of,
                fingerprint=run.fingerprint,
                span_days=run.span_days,
                watermark_us=watermark,
            )
        )

    # ------------------------------------------------------------ temporary tables

    def _fill_scope(self, units: Collection[str] | None) -> None:
        if units:
            self._conn.execute(SCOPE.insert(), [{"unit": u} for u in units])

    def _fill_warn(self, warn: Mapping[tuple[str, str], dt.date]) -> None:
        rows = [{"unit": u, "category": c, "until": d} for (u, c), d in warn.items()]
        if rows:
            self._conn.execute(WARN.insert(), rows)

    def _fill_facts(self, categories: list[str], as_of: dt.date, scoped: bool) -> None:
        day = literal(as_of, Date)
        c = schema.cases.c
        sus, ev = _suspect_facts(self), _event_facts(self, day)
        back, ret, ext = (
            ev.c.retransferred,
            ev.c.returned_for_investigation,
            ev.c.extension_approved,
        )
        base = func.coalesce(back, c.received_on)
        fast = func.coalesce(sus.c.fast, 1)
        decided = and_(c.decision_on.isnot(None), c.decision_on <= day)  # not after as_of
        away = and_(not_(decided), ret.isnot(None), or_(back.is_(None), ret > back))
        query = (
            select(
                c.case_id,
                c.unit,
                c.category,
                c.received_on,
                case((decided, c.decision_type)),
                case((decided, c.decision_on)),
                case((c.closed_on <= day, c.closed_on)),
                func.coalesce(sus.c.custody, 0),
                _flag(c.major_complex),
                fast,
                case((fast == 1, func.coalesce(sus.c.long, 0)), else_=0),
                base,
                _flag(and_(ext.isnot(None), ext >= base)),
                _flag(away),
            )
            .select_from(
                schema.cases.outerjoin(sus, sus.c.case_id == c.case_id).outerjoin(
                    ev, ev.c.case_id == c.case_id
                )
            )
            .where(c.category.in_(categories))
        )
        if scoped:
            query = query.where(c.unit.in_(select(SCOPE.c.unit)))
        if self.incremental:
            query = query.where(self.only(c.case_id))
        filled = [col.name for col in FACTS.c if not col.name.startswith("review_")]
        self._conn.execute(FACTS.insert().from_select(filled, query))

    def _start_dates(self, event_types: Collection[str]) -> list[dt.date]:
        dates: set[dt.date] = set()
        for column in (F.received_on, F.base, F.decision_on):
            dates.update(d for d in self._conn.scalars(select(column).distinct()) if d)
        if event_types:  # periods that run from an event (answered_within)
            e = schema.events.c
            query = (
                select(e.on_date)
                .where(e.type.in_(sorted(event_types)), e.case_id.in_(select(F.case_id)))
                .distinct()
            )
            dates.update(d for d in self._conn.scalars(query) if d)
        return sorted(dates)

    def _fill_dues(self, rules: RuleSet, book: DueBook) -> None:
        periods = {str(r.params["period"]) for r in rules.rules if "period" in r.params}
        if any(r.check.startswith(("period_", "extension")) for r in rules.rules):
            periods |= {"arrest_review", "prosecution_review"}
        keys = [k for p in sorted(periods) for k in book.keys_for(p)]
        asks = {r.param("event") for r in rules.rules if r.check == "answered_within"}
        asks |= {r.param("start") for r in rules.rules if r.check == "notified_after_arrest"}
        starts = self._start_dates(asks)
        rows = [due_row(book, k, start) for start in starts for k in keys]
        for i in range(0, len(rows), 20_000):
            self._conn.execute(DUE.insert(), rows[i : i + 20_000])

    # ------------------------------------------------------------ due-date lookups

    def due(
        self, period: str, start: ColumnElement[dt.date], column: str = "due"
    ) -> ColumnElement[Any]:
        """A column of the due-date row of ``period`` from ``start`` for the fact row in hand
        (scalar subquery): ``due``, ``extended_due`` or ``extendable``."""
        names = {KEY_COLUMNS[n] for n in PERIOD_FACTS.get(period, ("custody",))}
        conds = [DUE.c.period == period, DUE.c.start == start]
        for name in ("custody", "major", "fast", "over1y"):
            conds.append(DUE.c[name] == (F[name] if name in names else 0))
        return select(DUE.c[column]).where(*conds).scalar_subquery()

    def due_on(self, period: str, start: ColumnElement[dt.date]) -> ColumnElement[bool]:
        """The join condition of a fact row with its due-date row of ``period`` from ``start``
        (as ``due``, as a join: one hash join rather than a probe per row, per use)."""
        names = {KEY_COLUMNS[n] for n in PERIOD_FACTS.get(period, ("custody",))}
        conds = [DUE.c.period == period, DUE.c.start == start]
        for name in ("custody", "major", "fast", "over1y"):
            conds.append(DUE.c[name] == (F[name] if name in names else 0))
        return and_(*conds)

    def review_dues(self) -> tuple[ColumnElement[dt.date], ColumnElement[dt.date]]:
        """(the legal due date, the end an extension would give) of the fact row, as
        ``_fill_review_dues`` stored them."""
        return F.review_due, F.review_window

    def _fill_review_dues(self) -> None:
        """Three rules compare with the review due dates: look each row's up once rather than
        once per rule, and as a join (UPDATE … FROM, one per review period): the same update
        with correlated lookups took 13.5 s of a 54 s run at 1 M open cases on PostgreSQL.
        A row without its due row keeps NULL, as the lookup's NULL did before; an approval
        counts only where the law allows one (domain.monitoring.review_dues)."""
        for period, start in (("arrest_review", F.received_on), ("prosecution_review", F.base)):
            own = F.category == "arrest_review"
            legal = case((F.extended == 1, DUE.c.extended_due), else_=DUE.c.due)
            query = (
                FACTS.update()
                .where(self.due_on(period, start), own if period == "arrest_review" else not_(own))
                .values(review_due=legal, review_window=DUE.c.extended_due)
            )
            self._conn.execute(query)

    def run(self, query: Select[Any]) -> Rows:
        return [(r[0], r[1], r[2]) for r in self._conn.execute(query)]


def due_row(book: DueBook, key: DueKey, start: dt.date) -> dict[str, object]:
    """One row of the review due-date table (``mon_due``) the set-based rules join: the due days
    of ``key``'s period from ``start``, as the period engine computes them (shared with the Spark
    engine, so that both join the very same dates)."""
    return {
        "period": key.period,
        "start": start,
        "custody": int(key.custody),
        "major": int(key.major),
        "fast": int(key.fast_track),
        "over1y": int(key.over_one_year),
        "due": book.due(key, start),
        "extended_due": book.window(key, start),
        "extendable": int(book.extendable(key)),
    }


def _in_scope(rule: Rule) -> ColumnElement[bool]:
    return F.category.in_(sorted(rule.scope))


# ---------------------------------------------------------------- one compiler per check type


def sql_overdue(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    legal, _ = m.review_dues()
    inner = select(F.case_id, F.unit, F.decision_on, legal.label("due")).where(
        _in_scope(rule), F.away == 0
    )
    sub = inner.subquery()
    when = func.coalesce(sub.c.decision_on, literal(as_of, Date))
    return m.run(select(sub.c.case_id, sub.c.unit, sub.c.due).where(when > sub.c.due))


def sql_due_soon(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    legal, _ = m.review_dues()
    inner = select(F.case_id, F.unit, legal.label("due"), WARN.c.until).select_from(
        FACTS.join(WARN, and_(WARN.c.unit == F.unit, WARN.c.category == F.category))
    )
    inner = inner.where(
        _in_scope(rule), F.away == 0, F.decision_type.is_(None), F.closed_on.is_(None)
    )
    sub = inner.subquery()
    day = literal(as_of, Date)
    query = select(sub.c.case_id, sub.c.unit, sub.c.due).where(
        day <= sub.c.due, sub.c.due <= sub.c.until
    )
    return m.run(query)


def sql_extension(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    legal, window = m.review_dues()
    inner = select(
        F.case_id, F.unit, F.decision_on, legal.label("due"), window.label("window")
    ).where(_in_scope(rule), F.decision_type.isnot(None), F.extended == 0)
    sub = inner.subquery()
    query = select(sub.c.case_id, sub.c.unit, sub.c.due).where(
        sub.c.due < sub.c.decision_on, sub.c.decision_on <= sub.c.window
    )
    return m.run(query)


def _parties(which: str) -> tuple[Table, list[ColumnElement[bool]]]:
    if which == "victims":
        return schema.victims, []
    s = schema.suspects.c
    if which == "needy_suspects":
        grave = s.likely_sentence.in_(sorted(GRAVE))  # 刑诉法 第35条第3款: life or death
        return schema.suspects, [or_(s.minor, s.disability.isnot(None), grave), not_(s.has_counsel)]
    return schema.suspects, []


def sql_notice(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    decided = "decision" in rule.params
    start = F.decision_on if decided else F.received_on
    # No due row (no start day) means no finding, as the scalar lookup's NULL did.
    inner = (
        select(F.case_id, F.unit, DUE.c.due.label("due"))
        .select_from(FACTS.join(DUE, m.due_on(rule.param("period"), start)))
        .where(_in_scope(rule), DUE.c.due < literal(as_of, Date))
    )
    if decided:
        inner = inner.where(F.decision_type.in_(rule.values("decision")))
    sub = inner.subquery()
    parties, extra = _parties(rule.param("parties"))
    e = schema.events.c
    told = (
        exists()
        .where(
            e.case_id == sub.c.case_id,
            e.type == rule.param("event"),
            e.party == parties.c.id,
            e.on_date <= sub.c.due,
        )
        .correlate_except(schema.events)
    )
    missing = (
        exists()
        .where(parties.c.case_id == sub.c.case_id, *extra, not_(told))
        .correlate_except(parties)
    )
    query = select(sub.c.case_id, sub.c.unit, sub.c.due).where(
        literal(as_of, Date) > sub.c.due, missing
    )
    return m.run(query)


def sql_count(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    e = schema.events.c
    counts = (
        select(e.case_id)
        .where(e.type == rule.param("event"), e.on_date <= literal(as_of, Date), m.only(e.case_id))
        .group_by(e.case_id)
        .having(func.count() > int(rule.param("max")))
        .subquery()
    )
    query = select(F.case_id, F.unit, literal(None, Date)).where(
        _in_scope(rule), F.case_id.in_(select(counts.c.case_id))
    )
    return m.run(query)


def sql_with_document(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    e, d = schema.events.c, schema.documents.c
    ev = (
        select(e.case_id, e.on_date, func.count().label("n"))
        .where(e.type == rule.param("event"), e.on_date <= literal(as_of, Date), m.only(e.case_id))
        .group_by(e.case_id, e.on_date)
        .subquery()
    )
    docs = (
        select(d.case_id, d.issued_on, func.count().label("n"))
        .where(
            d.type == rule.param("document"),
            d.issued_on <= literal(as_of, Date),
            m.only(d.case_id),
        )
        .group_by(d.case_id, d.issued_on)
        .subquery()
    )
    short = (
        select(ev.c.case_id)
        .select_from(
            ev.outerjoin(
                docs, and_(docs.c.case_id == ev.c.case_id, docs.c.issued_on == ev.c.on_date)
            )
        )
        .where(func.coalesce(docs.c.n, 0) < ev.c.n)
    )
    query = select(F.case_id, F.unit, literal(None, Date)).where(
        _in_scope(rule), F.case_id.in_(short)
    )
    return m.run(query)


def sql_answered(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    """domain.monitoring.check_answered: per asking event, the first answer on or after it."""
    day = literal(as_of, Date)
    ask, ans = schema.events.alias("ask"), schema.events.alias("ans")
    done = (
        select(func.min(ans.c.on_date))
        .where(
            ans.c.case_id == ask.c.case_id,
            ans.c.type == rule.param("answer"),
            ans.c.party.is_not_distinct_from(ask.c.party),
            ans.c.on_date >= ask.c.on_date,
            ans.c.on_date <= day,
        )
        .scalar_subquery()
    )
    inner = (
        select(
            F.case_id,
            F.unit,
            m.due(rule.param("period"), ask.c.on_date).label("due"),
            done.label("done"),
        )
        .select_from(FACTS.join(ask, ask.c.case_id == F.case_id))
        .where(_in_scope(rule), ask.c.type == rule.param("event"), ask.c.on_date <= day)
    )
    sub = inner.subquery()
    late = or_(and_(sub.c.done.is_(None), day > sub.c.due), sub.c.done > sub.c.due)
    query = (
        select(sub.c.case_id, sub.c.unit, func.min(sub.c.due))
        .where(late)
        .group_by(sub.c.case_id, sub.c.unit)
    )
    return m.run(query)


def _party_tables(which: str) -> list[tuple[Table, list[ColumnElement[bool]]]]:
    if which == "suspects_and_victims":
        return [(schema.suspects, []), (schema.victims, [])]
    if which == "minors":
        return [(schema.suspects, [schema.suspects.c.minor.is_(True)])]
    return [_parties(which)]


def sql_heard(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    """domain.monitoring.check_heard: a decided case with a party not heard by the decision."""
    e = schema.events.c
    missing = []
    for parties, extra in _party_tables(rule.param("parties")):
        heard = (
            exists()
            .where(
                e.case_id == F.case_id,
                e.type == rule.param("event"),
                e.party == parties.c.id,
                e.on_date <= F.decision_on,
            )
            .correlate_except(schema.events)
        )
        missing.append(
            exists()
            .where(parties.c.case_id == F.case_id, *extra, not_(heard))
            .correlate_except(parties)
        )
    query = select(F.case_id, F.unit, literal(None, Date)).where(
        _in_scope(rule), F.decision_on.isnot(None), or_(*missing)
    )
    return m.run(query)


def sql_companion(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    """domain.monitoring.check_companion: an event of one of the parties without its companion
    event (same party, same day)."""
    day = literal(as_of, Date)
    ev, mate = schema.events.alias("ev"), schema.events.alias("mate")
    (parties, extra), *_ = _party_tables(rule.param("parties"))
    present = exists().where(
        mate.c.case_id == ev.c.case_id,
        mate.c.type == rule.param("companion"),
        mate.c.party == ev.c.party,
        mate.c.on_date == ev.c.on_date,
    )
    bare = (
        select(ev.c.case_id)
        .select_from(
            ev.join(parties, and_(parties.c.case_id == ev.c.case_id, parties.c.id == ev.c.party))
        )
        .where(
            ev.c.type == rule.param("event"),
            ev.c.on_date <= day,
            m.only(ev.c.case_id),
            *extra,
            not_(present),
        )
    )
    query = select(F.case_id, F.unit, literal(None, Date)).where(
        _in_scope(rule), F.case_id.in_(bare)
    )
    return m.run(query)


def epoch(m: SqlMonitor, at: ColumnElement[Any]) -> ColumnElement[Any]:
    """Whole seconds since 1970 of an ISO 8601 time with its offset (the ``at`` text), as
    ``domain.monitoring.epoch_seconds`` counts them, on SQLite and PostgreSQL."""
    if m._conn.dialect.name == "sqlite":
        return cast(func.strftime("%s", at), Integer)
    return func.floor(extract("epoch", cast(at, DateTime(timezone=True))))


def sql_after_arrest(m: SqlMonitor, rule: Rule, as_of: dt.date) -> Rows:
    """domain.monitoring.check_after_arrest: per suspect, from its arrest (else the decision),
    by the hour when both times are known, else by the day; 无法通知 recorded excuses."""
    day = literal(as_of, Date)
    s, e = schema.suspects, schema.events
    start, kind = rule.param("start"), rule.param("event")
    arrested = e.alias("arrested")
    first = (
        select(func.min(arrested.c.on_date))
        .where(
            arrested.c.case_id == s.c.case_id,
            arrested.c.type == start,
            arrested.c.party == s.c.id,
            arrested.c.on_date <= day,
        )
        .scalar_subquery()
    )
    arrests = (
        select(F.case_id, F.unit, s.c.id.label("party"), first.label("first"), F.decision_on)
        .select_from(FACTS.join(s, s.c.case_id == F.case_id))
        .where(_in_scope(rule), F.decision_type.in_(rule.values("decision")))
        .subquery()
    )
    timed = e.alias("timed")
    first_at = (
        select(func.min(epoch(m, timed.c.at)))
        .where(
            timed.c.case_id == arrests.c.case_id,
            timed.c.type == start,
            timed.c.party == arrests.c.party,
            timed.c.on_date == arrests.c.first,
        )
        .scalar_subquery()
    )
    begun = func.coalesce(arrests.c.first, arrests.c.decision_on)
    inner = select(
        arrests.c.case_id,
        arrests.c.unit,
        arrests.c.party,
        m.due(rule.param("period"), begun).label("due"),
        first_at.label("at"),
    ).select_from(arrests.join(FACTS, F.case_id == arrests.c.case_id))
    sub = inner.subquery()
    n = e.alias("told")
    mine = and_(
        n.c.case_id == sub.c.case_id,
        n.c.type == kind,
        n.c.party == sub.c.party,
        n.c.on_date <= day,
    )
    unable = exists().where(mine, n.c.note.like(rule.param("unable") + "%"))
    limit = int(rule.param("hours")) * 3600
    in_time = case(
        (
            and_(sub.c.at.isnot(None), n.c.at.isnot(None)),
            epoch(m, n.c.at) <= sub.c.at + limit,
        ),
        else_=n.c.on_date <= sub.c.due,
    )
    told = exists().where(mine, in_time)
    query = (
        select(sub.c.case_id, sub.c.unit, func.min(sub.c.due))
        .where(day > sub.c.due, not_(unable), not_(told))
        .group_by(sub.c.case_id, sub.c.unit)
    )
    return m.run(query)


COMPILERS: dict[str, Callable[[SqlMonitor, Rule, dt.date], Rows]] = {
    "period_overdue": sql_overdue,
    "period_due_soon": sql_due_soon,
    "extension_unapproved": sql_extension,
    "notice_within": sql_notice,
    "event_count_max": sql_count,
    "event_with_document": sql_with_document,
    "answered_within": sql_answered,
    "heard_before_decision": sql_heard,
    "companion_same_day": sql_companion,
    "notified_after_arrest": sql_after_arrest,
}
