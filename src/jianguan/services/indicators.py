"""Business-management indicators (业务管理): compute them by dimension, and drill to the cases.

The source (an adapter: DuckDB over a Parquet snapshot, or the SQL store itself) counts the
rows each *term* of the asked indicators matches, grouped by leaf unit and month; this module
then rolls leaf units up the unit tree (a provincial figure includes every unit below it),
folds months into quarters or years, and divides. Counts are additive, so rolling up counted
rows gives exactly what counting the whole subtree would — and keeps the SQL small.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from jianguan.domain.indicators import (
    TIME_DIMENSIONS,
    Catalogue,
    DrillRow,
    Indicator,
    IndicatorError,
    IndicatorRow,
    Term,
    check_dims,
    period_dims,
)
from jianguan.domain.model import Unit
from jianguan.services.monitoring import UnknownUnit, units_below

# What the source groups by: the non-time dimensions as they are, and ``ym`` (year*100+month)
# of the term's cohort date for any time dimension.
SOURCE_DIMS = ("unit", "department", "handler", "category", "charge", "ym")


@dataclass(frozen=True, slots=True)
class Scope:
    """Which rows count: cohort date within [date_from, date_to]; unit one of ``units``."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    units: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CountQuery:
    terms: tuple[Term, ...]
    group_by: tuple[str, ...]  # a subset of SOURCE_DIMS, in that order
    scope: Scope


# (index of the term in CountQuery.terms, values of group_by in order, rows counted)
TermCount = tuple[int, tuple[str | int | None, ...], int]


class IndicatorSource(Protocol):
    """Where indicators are counted: a Parquet snapshot (DuckDB) or the store (SQLite, PostgreSQL)."""

    def units(self) -> Sequence[Unit]: ...

    def count(self, query: CountQuery) -> Iterable[TermCount]:
        """Rows matched by each term, grouped; groups with no row may be left out."""
        ...

    def drill(self, terms: Sequence[Term], scope: Scope) -> list[DrillRow]:
        """The rows the terms count in ``scope``, one per counted row, ordered."""
        ...


def scope_for(
    source: IndicatorSource,
    date_from: dt.date | None,
    date_to: dt.date | None,
    unit: str | None,
) -> Scope:
    if date_from and date_to and date_to < date_from:
        raise IndicatorError("结束月份早于开始月份", "--to is before --from")
    if unit is None:
        return Scope(date_from, date_to, None)
    try:
        below = units_below(list(source.units()), unit)
    except UnknownUnit:
        raise IndicatorError(f"未知单位 {unit!r}", f"unknown unit {unit!r}") from None
    return Scope(date_from, date_to, frozenset(below))


def compute(
    source: IndicatorSource,
    catalogue: Catalogue,
    indicator_ids: Sequence[str] | None = None,
    by: Sequence[str] = ("unit", "month"),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
) -> list[IndicatorRow]:
    """Every asked indicator for every combination of ``by`` that has rows.

    ``date_to`` is inclusive (pass the month's last day for a month). With ``unit``, only that
    unit and those below it count, and only they appear as rows (never a partial parent).
    A combination appears when its numerator or denominator is non-zero.
    """
    dims = check_dims(by)
    indicators = catalogue.select(indicator_ids)
    scope = scope_for(source, date_from, date_to, unit)
    terms, slots = _terms(indicators)
    group_by = tuple(
        d
        for d in SOURCE_DIMS
        if d in dims or (d == "ym" and any(t in dims for t in TIME_DIMENSIONS))
    )
    counts = _fold(source, CountQuery(terms, group_by, scope), dims, scope)
    return _rows(indicators, slots, counts, dims)


def drill(
    source: IndicatorSource,
    catalogue: Catalogue,
    indicator: str,
    part: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
) -> list[DrillRow]:
    """The (case id, suspect id or None) rows behind one side of an indicator; as many as its count."""
    ind = catalogue.get(indicator)
    scope = scope_for(source, date_from, date_to, unit)
    return source.drill(ind.part(part).terms, scope)


# -- assembly --------------------------------------------------------------------------------

Key = tuple[str | int, ...]


def _terms(
    indicators: Sequence[Indicator],
) -> tuple[tuple[Term, ...], dict[str, tuple[list[int], list[int]]]]:
    """Distinct terms of all indicators, and per indicator the term indexes of each part."""
    terms: list[Term] = []
    index: dict[Term, int] = {}

    def idx(t: Term) -> int:
        if t not in index:
            index[t] = len(terms)
            terms.append(t)
        return index[t]

    slots = {
        i.id: ([idx(t) for t in i.numerator.terms], [idx(t) for t in i.denominator.terms])
        for i in indicators
    }
    return tuple(terms), slots


def _ancestors(units: Sequence[Unit], allowed: frozenset[str] | None) -> dict[str, list[str]]:
    """Each unit with itself and every unit above it (within ``allowed`` when given)."""
    parent = {u.code: u.parent for u in units}
    out: dict[str, list[str]] = {}
    for code in parent:
        chain: list[str] = []
        here: str | None = code
        seen = 0
        while here is not None and seen < 32:  # guards against a cycle in bad data
            if allowed is None or here in allowed:
                chain.append(here)
            here, seen = parent.get(here), seen + 1
        out[code] = chain
    return out


def _fold(
    source: IndicatorSource, query: CountQuery, dims: Sequence[str], scope: Scope
) -> dict[int, dict[Key, int]]:
    """term index → dims key (in the order of ``dims``) → count, units rolled up, months folded."""
    ups = _ancestors(source.units(), scope.units) if "unit" in dims else {}
    out: dict[int, dict[Key, int]] = defaultdict(lambda: defaultdict(int))
    pos = {d: i for i, d in enumerate(query.group_by)}
    time_dims = [d for d in dims if d in TIME_DIMENSIONS]
    for term, values, n in source.count(query):
        base: dict[str, str | int] = {
            d: ("" if values[pos[d]] is None else values[pos[d]])  # type: ignore[misc]
            for d in dims
            if d in pos
        }
        if time_dims:
            ym = values[pos["ym"]]
            if ym is None:
                continue  # no cohort date: not in any period
            base.update(period_dims(int(ym), time_dims))
        unit_values = ups.get(str(base["unit"]), [str(base["unit"])]) if "unit" in dims else [None]
        for u in unit_values:
            if u is not None:
                base["unit"] = u
            out[term][tuple(base[d] for d in dims)] += n
    return out


def _rows(
    indicators: Sequence[Indicator],
    slots: Mapping[str, tuple[list[int], list[int]]],
    counts: Mapping[int, Mapping[Key, int]],
    dims: Sequence[str],
) -> list[IndicatorRow]:
    rows: list[IndicatorRow] = []
    for ind in indicators:
        num_terms, den_terms = slots[ind.id]
        keys: set[Key] = set()
        for t in (*num_terms, *den_terms):
            keys.update(k for k, n in counts.get(t, {}).items() if n)
        for key in sorted(keys, key=lambda k: tuple(str(v) for v in k)):
            num = sum(counts.get(t, {}).get(key, 0) for t in num_terms)
            den = sum(counts.get(t, {}).get(key, 0) for t in den_terms)
            rows.append(
                IndicatorRow(
                    ind.id, dict(zip(dims, key, strict=True)), num, den, ind.value(num, den)
                )
            )
    return rows
