"""Indicator definitions compiled to SQL: one statement for any set of indicators, and drill-down.

The same SQL runs on DuckDB (over a Parquet snapshot), SQLite and PostgreSQL (over the store's
tables); only dates differ by dialect. Rows are read through three relations built as CTEs:

  case_facts    one row per case: the card, its main charge (the first listed), derived flags
  person_facts  one row per suspect, with the fields of its case
  event_facts   one row per event, with the fields of its case

The compiler includes only the columns and joins that the asked terms and dimensions use, so a
query for the 不捕率 does not aggregate the events table. All counted terms of one (row kind,
cohort date) share one GROUP BY; the groups are glued with UNION ALL into one statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, text

from jianguan.domain.indicators import Condition, DrillRow, Scalar, Term
from jianguan.domain.model import Unit, UnitLevel
from jianguan.domain.monitoring import DueBook, DueRow, review_due_rows
from jianguan.services.ports.indicators import CountQuery, CountRow, Scope


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str

    def ym(self, col: str) -> str:
        """year * 100 + month of a date column."""
        if self.name == "sqlite":
            return f"CAST(strftime('%Y%m', {col}) AS INTEGER)"
        if self.name == "postgresql":
            return f"CAST(EXTRACT(YEAR FROM {col}) * 100 + EXTRACT(MONTH FROM {col}) AS INTEGER)"
        return f"(year({col}) * 100 + month({col}))"

    def days(self, start: str, end: str) -> str:
        """Whole days from ``start`` to ``end``."""
        if self.name == "sqlite":
            return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"
        if self.name == "postgresql":
            return f"({end} - {start})"
        if self.name == "spark":
            return f"datediff({end}, {start})"
        return f"date_diff('day', {start}, {end})"

    def date(self, day: dt.date) -> str:
        # SQLite stores dates as ISO text (SQLAlchemy's Date), so it compares with a string
        return f"'{day.isoformat()}'" if self.name == "sqlite" else f"DATE '{day.isoformat()}'"

    @property
    def text_type(self) -> str:
        """The type of a typed text NULL (Spark SQL wants a length after VARCHAR)."""
        return "STRING" if self.name == "spark" else "VARCHAR"

    @property
    def nulls_last(self) -> str:
        """Spark sorts NULLs first; DuckDB (whose drill-down order the lake's is) last."""
        return " NULLS LAST" if self.name == "spark" else ""

    @property
    def recursive(self) -> bool:
        """Whether the statement builds the unit ancestors itself (``WITH RECURSIVE``); the Spark
        engine provides them as a view (``ua``) computed from the few thousand units instead, so
        it runs on Spark versions without recursive CTEs."""
        return self.name != "spark"


DUCKDB = Dialect("duckdb")
SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
SPARK = Dialect("spark")  # adapters/indicator_spark.py: Spark SQL over the Parquet lake


def literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    return "'" + value.replace("'", "''") + "'"


# -- the fact relations ----------------------------------------------------------------------

# Case columns taken from `cases` as they are (fact name → column).
PLAIN = {
    "unit": "unit",
    "department": "department",
    "handler": "handler",
    "category": "category",
    "source": "source",
    "decision_type": "decision_type",
    "decision_ground": "decision_ground",
    "outcome_type": "outcome_type",
    "major_complex": "major_complex",
    "recommendation_months": "recommendation_months",
    "recommendation_accepted": "recommendation_accepted",
    "appealed": "appealed",
    "charge_changed": "charge_changed",
    "received_on": "received_on",
    "decision_on": "decision_on",
    "closed_on": "closed_on",
    "outcome_on": "outcome_on",
}
PERSON_COLUMNS = ("in_custody", "minor", "has_counsel", "plea_leniency", "fast_track")


# The legal due dates of the review periods (domain.monitoring.review_due_rows), looked up by
# variant and start date: a table the source fills from the period engine before a query that
# needs them, so that the indicator's 审限 is the date monitoring and the case page name.
DUE_TABLE = "ind_legal_dues"
DUE_COLUMNS = (
    ("period", "VARCHAR(32)"),
    ("start_on", "DATE"),
    ("custody", "INTEGER"),
    ("major", "INTEGER"),
    ("fast", "INTEGER"),
    ("over1y", "INTEGER"),
    ("due", "DATE"),
    ("extended_due", "DATE"),
)
# The start dates the table must cover: receipts of review cases and re-transfers (第175条第3款).
DUE_STARTS_SQL = (
    "SELECT DISTINCT received_on FROM cases "
    "WHERE category IN ('arrest_review', 'prosecution_review') "
    "UNION SELECT DISTINCT on_date FROM events WHERE type = 'retransferred'"
)


def dues_sql(d: Dialect, rows: Sequence[DueRow], chunk: int = 1000) -> list[str]:
    """Statements that (re)create the due-date table as a temporary table holding ``rows``."""
    cols = ", ".join(f"{name} {kind}" for name, kind in DUE_COLUMNS)
    out = [f"DROP TABLE IF EXISTS {DUE_TABLE}", f"CREATE TEMPORARY TABLE {DUE_TABLE} ({cols})"]
    for i in range(0, len(rows), chunk):
        values = ", ".join(
            f"('{r[0]}', {d.date(r[1])}, {r[2]}, {r[3]}, {r[4]}, {r[5]}, "
            f"{d.date(r[6])}, {d.date(r[7])})"
            for r in rows[i : i + chunk]
        )
        out.append(f"INSERT INTO {DUE_TABLE} VALUES {values}")
    return out


def _derived(d: Dialect) -> dict[str, tuple[str, frozenset[str]]]:
    """Derived case facts: fact name → (SQL expression, helper relations it needs)."""
    # 审限内: decided on or before the legal due date — with the approved extension's end when
    # one was approved on or after the base (the table holds the unextended end there when the
    # law allows no extension)
    on_time = (
        "CASE WHEN c.decision_on IS NULL OR ld.due IS NULL THEN NULL "
        "WHEN ev.last_extension >= COALESCE(ev.last_retransferred, c.received_on) "
        "THEN c.decision_on <= ld.extended_due ELSE c.decision_on <= ld.due END"
    )
    return {
        "charge": ("ch.charge", frozenset({"ch"})),
        "arrested_before": ("(ar.unified_no IS NOT NULL)", frozenset({"ar"})),
        "returned": ("(COALESCE(ev.n_returns, 0) > 0)", frozenset({"ev"})),
        "extended": ("(COALESCE(ev.n_extensions, 0) > 0)", frozenset({"ev"})),
        "any_in_custody": ("(COALESCE(cu.n_custody, 0) > 0)", frozenset({"cu"})),
        "decided": ("(c.decision_type IS NOT NULL)", frozenset()),
        "on_time": (on_time, frozenset({"ev", "sx", "ld"})),
    }


# The variant of a case's review period (domain.monitoring.facts_of, DueBook.key): custody if
# any suspect is held; fast track if every suspect is (a case without suspects counts as such,
# as facts_of has it), over one year if then any likely sentence exceeds 12 months; only the
# prosecution review uses fast track; the start is the last re-transfer, else the receipt.
_FAST = "COALESCE(sx.fast, 1)"
_PROSECUTION = "c.category = 'prosecution_review'"
_DUE_JOIN = (
    f"LEFT JOIN {DUE_TABLE} ld ON ld.period = c.category "
    f"AND ld.start_on = CASE WHEN {_PROSECUTION} "
    "THEN COALESCE(ev.last_retransferred, c.received_on) ELSE c.received_on END "
    "AND ld.custody = COALESCE(sx.custody, 0) "
    "AND ld.major = CASE WHEN c.major_complex THEN 1 ELSE 0 END "
    f"AND ld.fast = CASE WHEN {_PROSECUTION} THEN {_FAST} ELSE 0 END "
    f"AND ld.over1y = CASE WHEN {_PROSECUTION} AND {_FAST} = 1 THEN COALESCE(sx.over12, 0) ELSE 0 END"
)
EVENT_TYPES = ("returned_for_investigation", "extension_approved", "retransferred")
# Placeholders in a helper's CTE for the scope's filter (``_scoped`` fills them): without it each
# helper grouped the whole store's events or suspects for one basic unit's figures (16.8 s at
# 1 M cases on PostgreSQL).
AND, WHERE, AND_NO = "\x00and\x00", "\x00where\x00", "\x00and-no\x00"

HELPERS = {
    "ar": (
        "ar AS (SELECT DISTINCT unified_no FROM cases "
        "WHERE category = 'arrest_review' AND decision_type IN ('approve_arrest', 'arrest_decided')"
        f"{AND_NO})",
        "LEFT JOIN ar ON ar.unified_no = c.unified_no",
    ),
    "ev": (
        "ev AS (SELECT case_id, "
        "SUM(CASE WHEN type = 'returned_for_investigation' THEN 1 ELSE 0 END) AS n_returns, "
        "SUM(CASE WHEN type = 'extension_approved' THEN 1 ELSE 0 END) AS n_extensions, "
        "MAX(CASE WHEN type = 'extension_approved' THEN on_date END) AS last_extension, "
        "MAX(CASE WHEN type = 'retransferred' THEN on_date END) AS last_retransferred "
        f"FROM events WHERE type IN ({', '.join(literal(t) for t in EVENT_TYPES)}){AND} GROUP BY case_id)",
        "LEFT JOIN ev ON ev.case_id = c.case_id",
    ),
    "cu": (
        # only suspects in custody: a smaller hash table than grouping every suspect
        f"cu AS (SELECT case_id, COUNT(*) AS n_custody FROM suspects WHERE in_custody{AND} GROUP BY case_id)",
        "LEFT JOIN cu ON cu.case_id = c.case_id",
    ),
    "sx": (
        "sx AS (SELECT case_id, MAX(CASE WHEN in_custody THEN 1 ELSE 0 END) AS custody, "
        "MIN(CASE WHEN fast_track THEN 1 ELSE 0 END) AS fast, "
        "MAX(CASE WHEN likely_sentence_months > 12 THEN 1 ELSE 0 END) AS over12 "
        f"FROM suspects{WHERE} GROUP BY case_id)",
        "LEFT JOIN sx ON sx.case_id = c.case_id",
    ),
    "ch": (
        f"ch AS (SELECT case_id, charge FROM case_charges WHERE seq = 0{AND})",
        "LEFT JOIN ch ON ch.case_id = c.case_id",
    ),
    "ld": ("", _DUE_JOIN),  # a table the source provides (DUE_TABLE), not a CTE
}
# Joins in this order: the due-date lookup reads the event and suspect facts.
HELPER_ORDER = ("ar", "ch", "cu", "ev", "sx", "ld")


def _scoped(cte: str, units: Collection[str] | None) -> str:
    """A helper's CTE over the cases of ``units`` only (all cases when None). The scope's
    figures are the same: every relation is read through ``case_facts``, which holds the
    scope's cases alone, and a helper's row is joined to its own case (the arrests, to the
    cases of the same unified number)."""
    if units is None:
        return cte.replace(AND, "").replace(WHERE, "").replace(AND_NO, "")
    inside = ", ".join(literal(u) for u in sorted(units)) or "NULL"
    cases = f"case_id IN (SELECT case_id FROM cases WHERE unit IN ({inside}))"
    # the arrests behind a scope's cases, by unified number (an arrest may be another unit's)
    numbers = f"unified_no IN (SELECT unified_no FROM cases WHERE unit IN ({inside}))"
    return (cte.replace(AND, f" AND {cases}").replace(WHERE, f" WHERE {cases}")
            .replace(AND_NO, f" AND {numbers}"))  # fmt: skip


def facts_sql(
    d: Dialect, kinds: set[str], columns: set[str], units: Collection[str] | None = None
) -> str:
    """``WITH …`` defining the fact relations of ``kinds`` with (at least) ``columns``, over the
    cases of ``units`` (every case when None)."""
    derived = _derived(d)
    case_cols = sorted(c for c in columns if c in PLAIN or c in derived)
    helpers: set[str] = set()
    select = ["c.case_id AS case_id"]
    for col in case_cols:
        if col in PLAIN:
            select.append(f"c.{PLAIN[col]} AS {col}")
        else:
            expr, needs = derived[col]
            helpers |= needs
            select.append(f"{expr} AS {col}")
    ordered = sorted(helpers, key=HELPER_ORDER.index)
    ctes = [_scoped(HELPERS[h][0], units) for h in ordered if HELPERS[h][0]]
    joins = " ".join(HELPERS[h][1] for h in ordered)
    inside = None if units is None else ", ".join(literal(u) for u in sorted(units)) or "NULL"
    only = "" if inside is None else f" WHERE c.unit IN ({inside})"
    ctes.append(f"case_facts AS (SELECT {', '.join(select)} FROM cases c {joins}{only})")
    fact_cols = ", ".join(f"f.{c}" for c in case_cols)
    lead = f"f.case_id{', ' + fact_cols if fact_cols else ''}"
    if "persons" in kinds:
        person = ", ".join(f"s.{c}" for c in PERSON_COLUMNS if c in columns)
        ctes.append(
            f"person_facts AS (SELECT {lead}, s.id AS suspect_id{', ' + person if person else ''} "
            "FROM suspects s JOIN case_facts f ON f.case_id = s.case_id)"
        )
    if "events" in kinds:
        ctes.append(
            f"event_facts AS (SELECT {lead}, e.seq AS event_seq, e.type AS event_type, "
            "e.on_date AS event_on FROM events e JOIN case_facts f ON f.case_id = e.case_id)"
        )
    return "WITH " + ",\n".join(ctes)


RELATION = {"persons": "person_facts", "cases": "case_facts", "events": "event_facts"}


def condition_sql(c: Condition) -> str:
    if c.present is not None:
        return f"{c.field} IS {'NOT ' if c.present else ''}NULL"
    if len(c.values) == 1:
        return f"{c.field} = {literal(c.values[0])}"
    return f"{c.field} IN ({', '.join(literal(v) for v in c.values)})"


def term_sql(t: Term) -> str:
    return " AND ".join(condition_sql(c) for c in t.where) or "TRUE"


def scope_sql(d: Dialect, cohort: str, scope: Scope) -> list[str]:
    out = [f"{cohort} IS NOT NULL"]  # a row without its cohort date is in no period
    if scope.date_from:
        out.append(f"{cohort} >= {d.date(scope.date_from)}")
    if scope.date_to:
        out.append(f"{cohort} <= {d.date(scope.date_to)}")
    if scope.units is not None:
        out.append(f"unit IN ({', '.join(literal(u) for u in sorted(scope.units)) or 'NULL'})")
    return out


def _columns(terms: Iterable[Term], extra: Iterable[str]) -> set[str]:
    cols = set(extra)
    for t in terms:
        cols.add(t.cohort)
        cols.update(c.field for c in t.where)
    return cols


def ancestors_sql() -> str:
    """``ua(unit, anc)``: every unit with itself and each unit above it (depth-guarded: bad data
    with a cycle in ``parent`` must not loop)."""
    return (
        "ua(unit, anc, depth) AS (SELECT code, code, 0 FROM units UNION ALL "
        "SELECT ua.unit, u.parent, ua.depth + 1 FROM ua JOIN units u ON u.code = ua.anc "
        "WHERE u.parent IS NOT NULL AND ua.depth < 16)"
    )


def compile_count(d: Dialect, query: CountQuery) -> str:
    """One statement: per (row kind, cohort date) a GROUP BY with a filtered count per term of
    that kind, glued with UNION ALL (other terms' columns 0) and summed per group, units rolled
    up the tree when ``unit`` is a dimension. Columns: the group_by values, then t0 … tN."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(query.terms):
        grouped.setdefault((t.count, t.cohort), []).append(i)
    dims = [g for g in query.group_by if g != "ym"]
    has_ym = "ym" in query.group_by
    needed = _columns(query.terms, [*dims, "unit"])
    kinds = {t.count for t in query.terms}
    n_terms = len(query.terms)
    branches = []
    for (count, cohort), idxs in grouped.items():
        keys = [*dims, *([f"{d.ym(cohort)} AS ym"] if has_ym else [])]
        cols = ["0"] * n_terms
        for i in idxs:
            cols[i] = f"COUNT(*) FILTER (WHERE {term_sql(query.terms[i])})"
        # Only the conditions every term of the branch shares go into WHERE: they prune rows
        # early (events of two types out of ninety million), while an OR of all the terms would
        # be evaluated on every row a second time for nothing (measured: 1.5x slower at 10M).
        shared = set.intersection(*(set(query.terms[i].where) for i in idxs))
        common = [condition_sql(c) for c in query.terms[idxs[0]].where if c in shared]
        where = " AND ".join([*scope_sql(d, cohort, query.scope), *common])
        select = ", ".join([*keys, *(f"{c} AS t{j}" for j, c in enumerate(cols))])
        group = f" GROUP BY {', '.join(str(k + 1) for k in range(len(keys)))}" if keys else ""
        branches.append(f"SELECT {select} FROM {RELATION[count]} WHERE {where}{group}")
    leaf = "leaf AS (" + "\nUNION ALL\n".join(branches) + ")"
    sums = ", ".join(f"SUM(t{j}) AS t{j}" for j in range(n_terms))
    outer = [f"leaf.{g}" for g in query.group_by]
    head = facts_sql(d, kinds, needed, query.scope.units)
    if "unit" in query.group_by:
        if d.recursive:
            head = head.replace("WITH ", "WITH RECURSIVE " + ancestors_sql() + ",\n", 1)
        outer[query.group_by.index("unit")] = "COALESCE(ua.anc, leaf.unit)"
        source = "leaf LEFT JOIN ua ON ua.unit = leaf.unit"
        if query.scope.units is not None:  # never a partial figure for a unit above the scope
            inside = ", ".join(literal(u) for u in sorted(query.scope.units)) or "NULL"
            source += f" WHERE COALESCE(ua.anc, leaf.unit) IN ({inside})"
    else:
        source = "leaf"
    group = f" GROUP BY {', '.join(outer)}" if outer else ""
    select = ", ".join([*outer, sums])
    return f"{head},\n{leaf}\nSELECT {select} FROM {source}{group}"


def unpack(rows: Iterable[Sequence[object]], n_keys: int) -> list[CountRow]:
    return [
        (
            tuple(row[:n_keys]),  # type: ignore[arg-type]
            tuple(int(n or 0) for n in row[n_keys:]),  # type: ignore[call-overload]
        )
        for row in rows
    ]


def compile_drill(d: Dialect, terms: Sequence[Term], scope: Scope) -> str:
    """The counted rows of ``terms``: (case id, suspect id or NULL), one per counted row."""
    needed = _columns(terms, ["unit"])
    kinds = {t.count for t in terms}
    branches = []
    for t in terms:
        # typed NULLs: PostgreSQL will not unite an untyped NULL column with a typed one
        who = "suspect_id" if t.count == "persons" else f"CAST(NULL AS {d.text_type})"
        where = " AND ".join([*scope_sql(d, t.cohort, scope), f"({term_sql(t)})"])
        order = "event_seq" if t.count == "events" else "CAST(NULL AS INTEGER)"
        branches.append(
            f"SELECT case_id, {who} AS suspect_id, {order} AS seq FROM {RELATION[t.count]} WHERE {where}"
        )
    return (
        facts_sql(d, kinds, needed, scope.units)
        + "\n"
        + "\nUNION ALL\n".join(branches)
        + f"\nORDER BY {', '.join(f'{i}{d.nulls_last}' for i in (1, 2, 3))}"
    )


def drill_rows(rows: Iterable[Sequence[object]]) -> list[DrillRow]:
    return [(str(r[0]), None if r[1] is None else str(r[1])) for r in rows]


# -- sources ---------------------------------------------------------------------------------


def _unit(row: Sequence[object]) -> Unit:
    return Unit(
        str(row[0]), str(row[1]), UnitLevel(str(row[2])), None if row[3] is None else str(row[3])
    )


UNITS_SQL = "SELECT code, name, level, parent FROM units ORDER BY code"


def needs_dues(sql: str) -> bool:
    return DUE_TABLE in sql


class StoreIndicators:
    """Indicators counted in the store itself (SQLite or PostgreSQL), through SQLAlchemy; the
    review periods' legal due dates come from ``book`` (the period engine)."""

    def __init__(self, engine: Engine, book: DueBook) -> None:
        self.engine = engine
        self.book = book
        self.dialect = POSTGRESQL if engine.dialect.name == "postgresql" else SQLITE
        self._units: list[Unit] | None = None

    def _run(self, sql: str) -> list[Sequence[object]]:
        with self.engine.connect() as conn:
            if not needs_dues(sql):
                return [tuple(r) for r in conn.execute(text(sql))]
            starts = [_day(r[0]) for r in conn.execute(text(DUE_STARTS_SQL)) if r[0] is not None]
            for statement in dues_sql(self.dialect, review_due_rows(self.book, starts)):
                conn.execute(text(statement))
            try:
                return [tuple(r) for r in conn.execute(text(sql))]
            finally:
                conn.execute(text(f"DROP TABLE IF EXISTS {DUE_TABLE}"))

    def units(self) -> Sequence[Unit]:
        if self._units is None:
            self._units = [_unit(r) for r in self._run(UNITS_SQL)]
        return self._units

    def count(self, query: CountQuery) -> list[CountRow]:
        if not query.terms:
            return []
        return unpack(self._run(compile_count(self.dialect, query)), len(query.group_by))

    def drill(self, terms: Sequence[Term], scope: Scope) -> list[DrillRow]:
        return drill_rows(self._run(compile_drill(self.dialect, terms, scope))) if terms else []


def _day(value: object) -> dt.date:
    """A date column as read: SQLite gives ISO text through a plain ``text()`` query."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
