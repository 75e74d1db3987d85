"""Business-management indicators (业务管理指标) as definitions: what is counted, never how it is stored.

An indicator is a ratio of two *parts*. A part is a sum of *terms*; a term counts rows of one
kind (``persons`` = suspects of a case, ``cases``, ``events``) that pass a filter, putting each
row into the period of one of its dates (the *cohort* date, by default the decision date).
Most indicators have one term on each side and their numerator is counted inside their
denominator; the 案-件比 and the pre-trial detention rate are the exceptions the shape allows.

The SQL engine (adapters/indicator_sql.py) compiles these definitions; ``count_part`` below is
the same semantics in plain Python, used to check formulas against published national figures
and against the SQL engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Scalar = str | int | bool

COUNT_UNITS = ("persons", "cases", "events")
VALUE_KINDS = ("share", "ratio")
DIMENSIONS = ("unit", "department", "handler", "category", "charge", "month", "quarter", "year")
TIME_DIMENSIONS = ("month", "quarter", "year")

# The fields a filter may test, per kind of row, with their type. Case fields are on every
# row kind: a person or an event row carries the fields of its case. Derived fields:
#   arrested_before  an arrest-review case of the same matter (统一受案号) approved or decided
#                    arrest (批准或者决定逮捕)
#   returned         the case was returned for supplementary investigation at least once
#   extended         an extension was approved in the case
#   on_time          decided on or before the legal due date of the review period, from the
#                    period engine (domain.monitoring.review_due_rows; rules/indicators.toml)
#   any_in_custody   at least one suspect was in custody at receipt
#   decided          the case has a concluding decision
CASE_FIELDS: Mapping[str, type] = {
    "category": str,
    "source": str,
    "decision_type": str,
    "decision_ground": str,
    "outcome_type": str,
    "major_complex": bool,
    "recommendation_months": int,
    "recommendation_accepted": bool,
    "appealed": bool,
    "charge_changed": bool,
    "arrested_before": bool,
    "returned": bool,
    "extended": bool,
    "on_time": bool,
    "any_in_custody": bool,
    "decided": bool,
}
PERSON_FIELDS: Mapping[str, type] = {
    **CASE_FIELDS,
    "in_custody": bool,
    "minor": bool,
    "has_counsel": bool,
    "plea_leniency": bool,
    "fast_track": bool,
}
EVENT_FIELDS: Mapping[str, type] = {**CASE_FIELDS, "event_type": str}
FIELDS: Mapping[str, Mapping[str, type]] = {
    "persons": PERSON_FIELDS,
    "cases": CASE_FIELDS,
    "events": EVENT_FIELDS,
}
CASE_DATES = ("received_on", "decision_on", "closed_on", "outcome_on")
COHORTS: Mapping[str, tuple[str, ...]] = {
    "persons": CASE_DATES,
    "cases": CASE_DATES,
    "events": ("event_on", *CASE_DATES),
}


class IndicatorError(ValueError):
    """A request the indicator engine cannot answer; carries a zh and an en message."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(frozen=True, slots=True)
class Condition:
    """``field`` is one of ``values`` (when given) or is / is not present (``present``)."""

    field: str
    values: tuple[Scalar, ...] = ()
    present: bool | None = None

    def matches(self, row: Mapping[str, object]) -> bool:
        value = row.get(self.field)
        if self.present is not None:
            return (value is not None) == self.present
        # bool is an int in Python: compare types too, so True never matches 1
        return any(value == v and type(value) is type(v) for v in self.values)


@dataclass(frozen=True, slots=True)
class Term:
    """Rows of one kind passing every condition, put in a period by their ``cohort`` date."""

    count: str
    cohort: str
    where: tuple[Condition, ...]

    def matches(self, row: Mapping[str, object]) -> bool:
        return all(c.matches(row) for c in self.where)


@dataclass(frozen=True, slots=True)
class Part:
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    zh: str
    en: str
    definition: str
    count: str  # unit of count shown to users: persons | cases (a ratio of mixed terms: cases)
    kind: str  # share (0–1, shown as %) | ratio (shown as 1:x)
    numerator: Part
    denominator: Part
    basis: tuple[str, ...]
    family: str | None = None  # e.g. line_structure for line_structure.criminal

    def value(self, numerator: int, denominator: int) -> float | None:
        """The indicator's value; None when there is nothing to divide by."""
        return numerator / denominator if denominator else None

    def part(self, name: str) -> Part:
        if name == "numerator":
            return self.numerator
        if name == "denominator":
            return self.denominator
        raise IndicatorError(
            f"未知的部分 {name!r}，应为 numerator 或 denominator",
            f"unknown part {name!r}; use numerator or denominator",
        )


# Since October 2024 ("一取消三不再") the SPP no longer applies an evaluation-indicator system,
# sets notification thresholds or ranks units; the business data are still analysed. The official
# lists had 46 indicators (2023) and 38 (2024), reported, not published. A catalogue past 50 is
# refused here (issue 13), so that a local catalogue cannot quietly rebuild the old system.
MAX_INDICATORS = 50


@dataclass(frozen=True, slots=True)
class Catalogue:
    indicators: tuple[Indicator, ...]
    by_id: Mapping[str, Indicator] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {i.id: i for i in self.indicators})

    def get(self, indicator_id: str) -> Indicator:
        try:
            return self.by_id[indicator_id]
        except KeyError:
            raise IndicatorError(
                f"未知指标 {indicator_id!r}", f"unknown indicator {indicator_id!r}"
            ) from None

    def select(self, ids: Sequence[str] | None) -> tuple[Indicator, ...]:
        """The indicators asked for, in catalogue order; a family name selects all its members."""
        if not ids:
            return self.indicators
        wanted: set[str] = set()
        for i in ids:
            members = {x.id for x in self.indicators if x.family == i}
            wanted |= members or {self.get(i).id}
        return tuple(x for x in self.indicators if x.id in wanted)


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One cell: an indicator's numerator, denominator and value for one combination of dims."""

    indicator: str
    dims: Mapping[str, str | int]
    numerator: int
    denominator: int
    value: float | None


# (case id, suspect id) behind a number: the suspect id for person-counted terms, else None.
# An event-counted term gives one row per event, so a case may appear more than once.
DrillRow = tuple[str, str | None]


# -- periods ---------------------------------------------------------------------------------


def parse_month(text: str) -> dt.date:
    """``2025-01`` (or a full ISO date) → the first day of that month."""
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text).replace(day=1)
    except ValueError:
        raise IndicatorError(
            f"日期 {text!r} 无效，应为 YYYY-MM", f"bad month {text!r}; expected YYYY-MM"
        ) from None


def month_end(first: dt.date) -> dt.date:
    nxt = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    return nxt - dt.timedelta(days=1)


def period_dims(ym: int, wanted: Iterable[str]) -> dict[str, str | int]:
    """Time dimensions of month ``ym`` (year * 100 + month) as asked: month, quarter, year."""
    year, month = divmod(ym, 100)
    out: dict[str, str | int] = {}
    for dim in wanted:
        if dim == "month":
            out["month"] = f"{year:04d}-{month:02d}"
        elif dim == "quarter":
            out["quarter"] = f"{year:04d}Q{(month - 1) // 3 + 1}"
        elif dim == "year":
            out["year"] = year
    return out


def check_dims(by: Sequence[str]) -> tuple[str, ...]:
    bad = [d for d in by if d not in DIMENSIONS]
    if bad:
        raise IndicatorError(
            f"未知维度 {', '.join(bad)}；可用：{', '.join(DIMENSIONS)}",
            f"unknown dimension(s) {', '.join(bad)}; known: {', '.join(DIMENSIONS)}",
        )
    if len(set(by)) != len(by):
        raise IndicatorError("维度重复", "a dimension is repeated")
    return tuple(by)


# -- the semantics in plain Python -----------------------------------------------------------


def count_part(
    part: Part,
    rows: Mapping[str, Iterable[Mapping[str, object]]],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> int:
    """How many rows of ``rows[kind]`` the part counts; a row's ``_weight`` (default 1) is its count.

    A row outside [date_from, date_to] by the term's cohort date, or without that date, is not
    counted when a bound is given.
    """
    total = 0
    for term in part.terms:
        for row in rows.get(term.count, ()):
            if not term.matches(row):
                continue
            if date_from is not None or date_to is not None:
                day = row.get(term.cohort)
                if not isinstance(day, dt.date):
                    continue
                if (date_from and day < date_from) or (date_to and day > date_to):
                    continue
            weight = row.get("_weight", 1)
            total += weight if isinstance(weight, int) else 1
    return total


def evaluate(
    indicator: Indicator, rows: Mapping[str, Iterable[Mapping[str, object]]]
) -> tuple[int, int, float | None]:
    """(numerator, denominator, value) of ``indicator`` over in-memory rows."""
    materialised = {k: list(v) for k, v in rows.items()}
    num = count_part(indicator.numerator, materialised)
    den = count_part(indicator.denominator, materialised)
    return num, den, indicator.value(num, den)
