"""Set-based monitoring rules on Spark over the lake: the findings of adapters/store/monitor_sql.py.

The same three steps as the store's batch monitor, in Spark SQL: (1) the case facts every check
needs (custody, fast track, review base, extension, with-the-investigators) as one cached
relation ``mon_facts`` from one grouped pass over suspects and events; (2) due dates from the
period engine (``DueBook``) through a lookup relation ``mon_due`` filled for every start date
present, so Spark never does date arithmetic; (3) one query per rule. Where the store's SQL uses
a correlated scalar subquery (which Spark refuses unless aggregated), the lookup is a LEFT JOIN
on the lookup's whole key (one row at most, as the subquery's); ``EXISTS`` / ``NOT EXISTS`` are
semi and anti joins.

Checks covered: period_overdue, period_due_soon, extension_unapproved, notice_within,
event_count_max, event_with_document, heard_before_decision, answered_within — every rule of
rules/monitoring.toml except those of ``companion_same_day`` and ``notified_after_arrest``,
which raise ``UnsupportedCheck`` (run them on the store). A test keeps the findings identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from jianguan.adapters.indicator_spark import register_views, running_session, spark_session
from jianguan.adapters.indicator_sql import literal
from jianguan.adapters.store.monitor_sql import KEY_COLUMNS, due_row
from jianguan.domain.monitoring import GRAVE, PERIOD_FACTS, DueBook, Finding, Rule, RuleSet, finding

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

Rows = list[tuple[str, str, dt.date | None]]
FACTS = "mon_facts"
DUE = "mon_due"
WARN = "mon_warn"


class UnsupportedCheck(ValueError):
    """A rule whose check the Spark monitor does not compile (yet)."""


def _d(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _in(values: Collection[str]) -> str:
    return ", ".join(literal(v) for v in sorted(values))


class SparkMonitor:
    """Evaluates a rule set over every case of the lake (or of some units)."""

    def __init__(
        self, lake: Path | str, master: str = "local[*]", *, session: SparkSession | None = None
    ) -> None:
        session = session or running_session()
        self._own = session is None
        self.spark = session or spark_session(master)
        try:
            register_views(self.spark, lake)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._own:
            self.spark.stop()
            self._own = False

    def _rows(self, sql: str) -> Rows:
        return [(str(r[0]), str(r[1]), r[2]) for r in self.spark.sql(sql).collect()]

    def evaluate(
        self,
        rules: RuleSet,
        book: DueBook,
        as_of: dt.date,
        warn: Mapping[tuple[str, str], dt.date],
        units: Collection[str] | None = None,
    ) -> list[Finding]:
        missing = sorted({r.check for r in rules.rules if r.check not in COMPILERS})
        if missing:
            raise UnsupportedCheck(f"not compiled for Spark: {', '.join(missing)}")
        categories = sorted(set().union(*(r.scope for r in rules.rules)))
        facts = self._facts(categories, as_of, units)
        try:
            self._dues(rules, book)
            self.spark.createDataFrame(
                [(u, c, d) for (u, c), d in warn.items()],
                "unit STRING, category STRING, until_on DATE",
            ).createOrReplaceTempView(WARN)
            out: list[Finding] = []
            for rule in rules.rules:
                rows = COMPILERS[rule.check](self, rule, as_of)
                out.extend(finding(rule, cid, unit, due) for cid, unit, due in rows)
            return out
        finally:
            self.spark.catalog.dropTempView(FACTS)
            facts.unpersist()

    # ------------------------------------------------------------ the relations of a run

    def _facts(
        self, categories: list[str], as_of: dt.date, units: Collection[str] | None
    ) -> DataFrame:
        """``mon_facts``, cached for the run (every rule reads it)."""
        day = _d(as_of)
        kinds = ("retransferred", "returned_for_investigation", "extension_approved")
        scoped = f" AND c.unit IN ({_in(units) or 'NULL'})" if units is not None else ""
        decided = f"(c.decision_on IS NOT NULL AND c.decision_on <= {day})"
        facts = self.spark.sql(f"""WITH sus AS (SELECT case_id, MAX(CASE WHEN in_custody THEN 1 ELSE 0 END) AS custody,
    MIN(CASE WHEN fast_track THEN 1 ELSE 0 END) AS fast,
    MAX(CASE WHEN likely_sentence_months > 12 THEN 1 ELSE 0 END) AS over12
  FROM suspects GROUP BY case_id),
ev AS (SELECT case_id, MAX(CASE WHEN type = 'retransferred' THEN on_date END) AS back,
    MAX(CASE WHEN type = 'returned_for_investigation' THEN on_date END) AS ret,
    MAX(CASE WHEN type = 'extension_approved' THEN on_date END) AS ext
  FROM events WHERE type IN ({_in(kinds)}) AND on_date <= {day} GROUP BY case_id),
x AS (SELECT c.case_id, c.unit, c.category, c.received_on,
    CASE WHEN {decided} THEN c.decision_type END AS decision_type,
    CASE WHEN {decided} THEN c.decision_on END AS decision_on,
    CASE WHEN c.closed_on <= {day} THEN c.closed_on END AS closed_on,
    COALESCE(sus.custody, 0) AS custody,
    CASE WHEN c.major_complex THEN 1 ELSE 0 END AS major,
    COALESCE(sus.fast, 1) AS fast, sus.over12 AS over12,
    COALESCE(ev.back, c.received_on) AS base, ev.back, ev.ret, ev.ext, {decided} AS decided
  FROM cases c LEFT JOIN sus ON sus.case_id = c.case_id LEFT JOIN ev ON ev.case_id = c.case_id
  WHERE c.category IN ({_in(categories)}){scoped})
SELECT case_id, unit, category, received_on, decision_type, decision_on, closed_on, custody,
  major, fast, CASE WHEN fast = 1 THEN COALESCE(over12, 0) ELSE 0 END AS over1y, base,
  CASE WHEN ext IS NOT NULL AND ext >= base THEN 1 ELSE 0 END AS extended,
  CASE WHEN NOT decided AND ret IS NOT NULL AND (back IS NULL OR ret > back) THEN 1 ELSE 0 END
    AS away
FROM x""").cache()
        facts.createOrReplaceTempView(FACTS)
        return facts

    def _dues(self, rules: RuleSet, book: DueBook) -> None:
        """``mon_due`` as SqlMonitor._fill_dues fills its table: the same periods, variants and
        start dates."""
        periods = {str(r.params["period"]) for r in rules.rules if "period" in r.params}
        if any(r.check.startswith(("period_", "extension")) for r in rules.rules):
            periods |= {"arrest_review", "prosecution_review"}
        keys = [k for p in sorted(periods) for k in book.keys_for(p)]
        asks = {r.param("event") for r in rules.rules if r.check == "answered_within"}
        asks |= {r.param("start") for r in rules.rules if r.check == "notified_after_arrest"}
        sql = (
            f"SELECT received_on FROM {FACTS} UNION SELECT base FROM {FACTS} "
            f"UNION SELECT decision_on FROM {FACTS}"
        )
        if asks:
            sql += (
                f" UNION SELECT e.on_date FROM events e LEFT SEMI JOIN {FACTS} f "
                f"ON f.case_id = e.case_id WHERE e.type IN ({_in(asks)})"
            )
        starts = sorted(r[0] for r in self.spark.sql(sql).collect() if r[0] is not None)
        rows = []
        for start in starts:
            for k in keys:
                row = due_row(book, k, start)
                rows.append(tuple(row[c] for c in DUE_COLUMNS))
        self.spark.createDataFrame(
            rows,
            "period STRING, start_on DATE, custody INT, major INT, fast INT, over1y INT, due DATE, "
            "extended_due DATE, extendable INT",
        ).createOrReplaceTempView(DUE)

    # ------------------------------------------------------------ due-date lookups

    @staticmethod
    def due_join(alias: str, period: str, start: str, facts: str = "f") -> str:
        """A LEFT JOIN of the due row of ``period`` from ``start`` for the fact row ``facts``
        (SqlMonitor.due: the variant's relevant facts, the others 0)."""
        names = {KEY_COLUMNS[n] for n in PERIOD_FACTS.get(period, ("custody",))}
        conds = [f"{alias}.period = {literal(period)}", f"{alias}.start_on = {start}"]
        for name in ("custody", "major", "fast", "over1y"):
            conds.append(f"{alias}.{name} = {f'{facts}.{name}' if name in names else '0'}")
        return f" LEFT JOIN {DUE} {alias} ON {' AND '.join(conds)}"

    def review_dues(self) -> tuple[str, str, str]:
        """(joins, the legal due date, the end an extension would give) per fact row ``f``."""
        joins = self.due_join("da", "arrest_review", "f.received_on") + self.due_join(
            "dp", "prosecution_review", "f.base"
        )

        def of(column: str) -> str:
            return f"CASE WHEN f.category = 'arrest_review' THEN da.{column} ELSE dp.{column} END"

        legal = f"CASE WHEN f.extended = 1 THEN {of('extended_due')} ELSE {of('due')} END"
        return joins, legal, of("extended_due")


# due_row's keys, in the order of mon_due's columns
DUE_COLUMNS = (
    "period",
    "start",
    "custody",
    "major",
    "fast",
    "over1y",
    "due",
    "extended_due",
    "extendable",
)


def _scope(rule: Rule, f: str = "f") -> str:
    return f"{f}.category IN ({_in(rule.scope)})"


# ---------------------------------------------------------------- one compiler per check type


def spark_overdue(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    joins, legal, _ = m.review_dues()
    return m._rows(
        f"SELECT case_id, unit, due FROM (SELECT f.case_id, f.unit, f.decision_on, {legal} AS due "
        f"FROM {FACTS} f{joins} WHERE {_scope(rule)} AND f.away = 0) "
        f"WHERE COALESCE(decision_on, {_d(as_of)}) > due"
    )


def spark_due_soon(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    joins, legal, _ = m.review_dues()
    return m._rows(
        f"SELECT case_id, unit, due FROM (SELECT f.case_id, f.unit, {legal} AS due, w.until_on "
        f"FROM {FACTS} f JOIN {WARN} w ON w.unit = f.unit AND w.category = f.category{joins} "
        f"WHERE {_scope(rule)} AND f.away = 0 AND f.decision_type IS NULL AND f.closed_on IS NULL) "
        f"WHERE {_d(as_of)} <= due AND due <= until_on"
    )


def spark_extension(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    joins, legal, window = m.review_dues()
    return m._rows(
        f"SELECT case_id, unit, due FROM (SELECT f.case_id, f.unit, f.decision_on, {legal} AS due, "
        f"{window} AS win FROM {FACTS} f{joins} WHERE {_scope(rule)} "
        "AND f.decision_type IS NOT NULL AND f.extended = 0) "
        "WHERE due < decision_on AND decision_on <= win"
    )


def _parties(which: str) -> tuple[str, str]:
    """(the parties' table, a filter on its rows ``p``) — monitor_sql._parties."""
    if which == "victims":
        return "victims", "TRUE"
    if which == "needy_suspects":
        grave = _in([str(g) for g in GRAVE])  # 刑诉法 第35条第3款: life or death
        return (
            "suspects",
            f"(p.minor OR p.disability IS NOT NULL OR p.likely_sentence IN ({grave})) "
            "AND NOT p.has_counsel",
        )
    return "suspects", "TRUE"


def spark_notice(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    decided = "decision" in rule.params
    start = "f.decision_on" if decided else "f.received_on"
    which = f" AND f.decision_type IN ({_in(rule.values('decision'))})" if decided else ""
    parties, extra = _parties(rule.param("parties"))
    event = literal(rule.param("event"))
    return m._rows(f"""WITH sub AS (SELECT f.case_id, f.unit, d.due FROM {FACTS} f
  {m.due_join("d", rule.param("period"), start)} WHERE {_scope(rule)}{which}),
told AS (SELECT DISTINCT s.case_id, e.party FROM sub s JOIN events e ON e.case_id = s.case_id
  AND e.type = {event} AND e.on_date <= s.due),
missing AS (SELECT p.case_id FROM {parties} p LEFT ANTI JOIN told t
  ON t.case_id = p.case_id AND t.party = p.id WHERE {extra})
SELECT s.case_id, s.unit, s.due FROM sub s LEFT SEMI JOIN missing x ON x.case_id = s.case_id
WHERE {_d(as_of)} > s.due""")


def spark_count(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    return m._rows(
        f"SELECT f.case_id, f.unit, CAST(NULL AS DATE) FROM {FACTS} f WHERE {_scope(rule)} "
        f"AND f.case_id IN (SELECT case_id FROM events WHERE type = {literal(rule.param('event'))} "
        f"AND on_date <= {_d(as_of)} GROUP BY case_id HAVING COUNT(*) > {int(rule.param('max'))})"
    )


def spark_with_document(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    day = _d(as_of)
    return m._rows(f"""WITH ev AS (SELECT case_id, on_date, COUNT(*) AS n FROM events
  WHERE type = {literal(rule.param("event"))} AND on_date <= {day} GROUP BY case_id, on_date),
docs AS (SELECT case_id, issued_on, COUNT(*) AS n FROM documents
  WHERE type = {literal(rule.param("document"))} AND issued_on <= {day} GROUP BY case_id, issued_on),
short AS (SELECT ev.case_id FROM ev LEFT JOIN docs ON docs.case_id = ev.case_id
  AND docs.issued_on = ev.on_date WHERE COALESCE(docs.n, 0) < ev.n)
SELECT f.case_id, f.unit, CAST(NULL AS DATE) FROM {FACTS} f
WHERE {_scope(rule)} AND f.case_id IN (SELECT case_id FROM short)""")


def _party_tables(which: str) -> list[tuple[str, str]]:
    if which == "suspects_and_victims":
        return [("suspects", "TRUE"), ("victims", "TRUE")]
    if which == "minors":
        return [("suspects", "p.minor IS TRUE")]
    return [_parties(which)]


def spark_heard(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    """monitor_sql.sql_heard: a decided case with a party not heard by the decision."""
    event = literal(rule.param("event"))
    missing = " UNION ".join(
        f"SELECT p.case_id FROM {table} p LEFT ANTI JOIN heard h "
        f"ON h.case_id = p.case_id AND h.party = p.id WHERE {extra}"
        for table, extra in _party_tables(rule.param("parties"))
    )
    return m._rows(f"""WITH heard AS (SELECT DISTINCT f.case_id, e.party FROM {FACTS} f
  JOIN events e ON e.case_id = f.case_id AND e.type = {event} AND e.on_date <= f.decision_on
  WHERE f.decision_on IS NOT NULL)
SELECT f.case_id, f.unit, CAST(NULL AS DATE) FROM {FACTS} f
WHERE {_scope(rule)} AND f.decision_on IS NOT NULL AND f.case_id IN ({missing})""")


def spark_answered(m: SparkMonitor, rule: Rule, as_of: dt.date) -> Rows:
    """monitor_sql.sql_answered: per asking event, the first answer on or after it."""
    day = _d(as_of)
    return m._rows(f"""WITH ask AS (SELECT f.case_id, f.unit, f.custody, f.major, f.fast, f.over1y,
    a.seq, a.party, a.on_date FROM {FACTS} f JOIN events a ON a.case_id = f.case_id
  WHERE {_scope(rule)} AND a.type = {literal(rule.param("event"))} AND a.on_date <= {day}),
done AS (SELECT k.case_id, k.seq, MIN(n.on_date) AS done FROM ask k JOIN events n
  ON n.case_id = k.case_id AND n.type = {literal(rule.param("answer"))} AND n.party <=> k.party
  AND n.on_date >= k.on_date AND n.on_date <= {day} GROUP BY k.case_id, k.seq),
sub AS (SELECT k.case_id, k.unit, d.due, x.done FROM ask k
  {m.due_join("d", rule.param("period"), "k.on_date", "k")}
  LEFT JOIN done x ON x.case_id = k.case_id AND x.seq = k.seq)
SELECT case_id, unit, MIN(due) FROM sub
WHERE (done IS NULL AND {day} > due) OR done > due GROUP BY case_id, unit""")


COMPILERS: dict[str, Callable[[SparkMonitor, Rule, dt.date], Rows]] = {
    "period_overdue": spark_overdue,
    "period_due_soon": spark_due_soon,
    "extension_unapproved": spark_extension,
    "notice_within": spark_notice,
    "event_count_max": spark_count,
    "event_with_document": spark_with_document,
    "heard_before_decision": spark_heard,
    "answered_within": spark_answered,
}
