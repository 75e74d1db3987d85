"""Compare units or handling prosecutors on one indicator without ranking them (funnel plot).

The indicator engine rolls figures up the unit tree (a city's figure includes its districts), so
comparing its rows directly would compare a city with its own districts. Each unit's *own*
figure is therefore its rolled-up figure minus its children's; handlers are leaves already.

A share (kind ``share``) is compared as a proportion; a ratio (kind ``ratio``, 案-件比) is not a
proportion, so it is compared as a Poisson rate — by its excess over one when its numerator
counts its denominator again (``domain.comparison.Measure``) — rather than refused.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from jianguan.domain.comparison import MIN_DENOMINATOR, Funnel, Measure, Observed, funnel
from jianguan.domain.indicators import Catalogue, IndicatorError, IndicatorRow
from jianguan.domain.model import Unit
from jianguan.services.indicators import compute
from jianguan.services.ports.indicators import IndicatorSource

BY = ("unit", "handler")
METHODS = {
    Measure.PROPORTION: "normal approximation to the binomial; Wilson score intervals; "
    "Spiegelhalter multiplicative overdispersion when significant",
    Measure.RATE: "not a proportion: normal approximation to the Poisson (the numerator a count "
    "over the denominator); Byar's Poisson intervals (in wilson_low/wilson_high); "
    "Spiegelhalter multiplicative overdispersion when significant",
    Measure.EXCESS: "not a proportion: the numerator counts the denominator too, so its excess "
    "(numerator - denominator) is the Poisson count over the denominator and 1 is added back; "
    "normal approximation to the Poisson; Byar's Poisson intervals (in wilson_low/wilson_high); "
    "Spiegelhalter multiplicative overdispersion when significant",
}


def measure_of(catalogue: Catalogue, indicator: str) -> Measure:
    """How the indicator's value is compared: a share as a proportion; a ratio whose numerator
    counts every term of its denominator again (案-件比: 件 = 案 + the extra proceedings) by its
    excess over one; any other ratio as a rate."""
    ind = catalogue.get(indicator)
    if ind.kind != "ratio":
        return Measure.PROPORTION
    left = Counter(ind.numerator.terms)
    left.subtract(ind.denominator.terms)
    return Measure.EXCESS if min(left.values(), default=0) >= 0 else Measure.RATE


def own_counts(rows: Sequence[IndicatorRow], units: Sequence[Unit]) -> list[Observed]:
    """Each unit's own numerator and denominator: rolled-up figure minus its children's."""
    rolled = {str(r.dims["unit"]): (r.numerator, r.denominator) for r in rows}
    children: dict[str, list[str]] = {}
    for u in units:
        if u.parent is not None:
            children.setdefault(u.parent, []).append(u.code)
    out = []
    for code, (num, den) in rolled.items():
        for child in children.get(code, ()):
            c_num, c_den = rolled.get(child, (0, 0))
            num, den = num - c_num, den - c_den
        if den > 0 or num > 0:
            out.append(Observed(code, num, den))
    return out


def compare(
    source: IndicatorSource,
    catalogue: Catalogue,
    indicator: str,
    *,
    by: str = "unit",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    unit: str | None = None,
    min_denominator: int = MIN_DENOMINATOR,
    adjust_overdispersion: bool = True,
) -> Funnel:
    """The funnel of one indicator over units (their own cases) or handlers, sorted by code."""
    if by not in BY:
        raise IndicatorError(
            f"--by 只能是 unit 或 handler，而不是 {by!r}",
            f"--by must be unit or handler, not {by!r}",
        )
    rows = compute(source, catalogue, [indicator], (by,), date_from, date_to, unit)
    measure = measure_of(catalogue, indicator)
    if by == "unit":
        observed = own_counts(rows, source.units())
    else:
        observed = [Observed(str(r.dims[by]), r.numerator, r.denominator) for r in rows]
    return funnel(
        observed,
        min_denominator=min_denominator,
        adjust_overdispersion=adjust_overdispersion,
        measure=measure,
    )


def funnel_json(f: Funnel, indicator: str, by: str, names: Mapping[str, str]) -> dict[str, object]:
    """Points (sorted by code) and limit curves, ready for a chart (ECharts) or a report."""
    points = [
        {
            by: p.key,
            "name": names.get(p.key, ""),
            "numerator": p.numerator,
            "denominator": p.denominator,
            "value": p.value,
            "wilson_low": p.wilson_low,
            "wilson_high": p.wilson_high,
            "limit95_low": p.limit95_low,
            "limit95_high": p.limit95_high,
            "limit998_low": p.limit998_low,
            "limit998_high": p.limit998_high,
            "flag": p.flag.value,
            "flag_zh": p.flag.zh,
            "flag_en": p.flag.en,
            "outside": p.flag.outside,
        }
        for p in f.points
    ]
    curve = [
        {
            "denominator": n,
            "limit95_low": a,
            "limit95_high": b,
            "limit998_low": c,
            "limit998_high": d,
        }
        for n, a, b, c, d in f.curve
    ]
    return {
        "indicator": indicator,
        "by": by,
        "overall": f.overall,
        "phi": f.phi,
        "measure": f.measure.value,
        "measure_zh": f.measure.zh,
        "method": METHODS[f.measure],
        "points": points,
        "curve": curve,
    }
