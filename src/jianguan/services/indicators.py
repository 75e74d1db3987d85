"""Business-management indicators (业务管理): compute them by dimension, and drill to the cases.

The source (an adapter: DuckDB over a Parquet snapshot, or the SQL store itself) counts the
rows each *term* of the asked indicators matches, grouped by the asked dimensions and month,
with units rolled up the unit tree when ``unit`` is a dimension (a provincial figure includes
every unit below it). This module folds months into quarters or years and divides. Counts are
additive, so the source may roll up counted leaf rows rather than rows themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType

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
from jianguan.services.monitoring import UnknownUnit, units_below
from jianguan.services.ports.indicators import (
    SOURCE_DIMS,
    CountQuery,
    IndicatorSource,
    Scope,
)


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
    counts = _fold(source, CountQuery(terms, group_by, scope), dims)
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


def _fold(source: IndicatorSource, query: CountQuery, dims: Sequence[str]) -> dict[Key, list[int]]:
    """dims key (in the order of ``dims``) → count per term; months folded into the asked periods."""
    pos = {d: i for i, d in enumerate(query.group_by)}
    time_dims = [d for d in dims if d in TIME_DIMENSIONS]
    periods: dict[int, dict[str, str | int]] = {}
    out: dict[Key, list[int]] = {}
    for values, counts in source.count(query):
        here: dict[str, str | int] = {}
        if time_dims:
            ym = int(values[pos["ym"]])  # type: ignore[arg-type]  # the cohort date is never NULL
            if ym not in periods:
                periods[ym] = period_dims(ym, time_dims)
            here = periods[ym]
        key = tuple(here[d] if d in here else _text(values[pos[d]]) for d in dims)
        total = out.get(key)
        if total is None:
            out[key] = list(counts)
        else:
            for i, n in enumerate(counts):
                total[i] += n
    return out


def _text(value: str | int | None) -> str | int:
    return "" if value is None else value


def _rows(
    indicators: Sequence[Indicator],
    slots: Mapping[str, tuple[list[int], list[int]]],
    counts: Mapping[Key, list[int]],
    dims: Sequence[str],
) -> list[IndicatorRow]:
    rows: list[IndicatorRow] = []
    # one read-only dims mapping per key, shared by the rows of every indicator for that key
    ordered = [
        (MappingProxyType(dict(zip(dims, k, strict=True))), n) for k, n in sorted(counts.items())
    ]
    for ind in indicators:
        num_terms, den_terms = slots[ind.id]
        for key_dims, n in ordered:
            num = sum([n[t] for t in num_terms])
            den = sum([n[t] for t in den_terms])
            if num or den:
                rows.append(IndicatorRow(ind.id, key_dims, num, den, ind.value(num, den)))
    return rows
