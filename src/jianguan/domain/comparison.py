"""Comparisons without ranking (不排名): funnel plots with control limits and Wilson intervals.

Since October 2024 the SPP no longer ranks units by indicators (一取消三不再). Units (or handling
prosecutors) are therefore compared with the *funnel plot* of Spiegelhalter (2005): every unit is
a point (its denominator, its rate); around the overall rate ``p`` two pairs of control limits are
drawn as a function of the denominator ``n``; a unit is *flagged* only when it lies outside them.

Methods, and why:

* Control limits use the normal approximation to the binomial,
  ``p ± z·sqrt(φ·p(1−p)/n)``, clipped to [0, 1], with ``z`` = 1.960 (95 %) and 3.090 (99.8 %).
  The approximation is poor for very small ``n`` or ``p`` near 0 or 1; that is one reason units
  below ``min_denominator`` are marked "样本过少，不作判断" and never flagged.
* Each unit's own uncertainty is the Wilson score interval, which (unlike the Wald interval) stays
  inside [0, 1] and behaves at 0 and ``n`` successes.
* Overdispersion (optional, on by default): when units differ for structural reasons the binomial
  limits are too narrow and half the units look "unusual". Spiegelhalter's multiplicative factor
  ``φ`` = mean of squared z-scores (winsorised at the 10 % and 90 % points) widens the limits when
  the units' z-scores are, taken together, significantly more spread than chance allows
  (``K·φ`` above the upper ~2.3 % point of χ²(K−1), by the normal approximation).
* A proportion's numerator lies inside its denominator. When a window cuts the two apart (their
  cohort dates differ, e.g. a return counted in the window for a case received before it) a unit
  can count more in the numerator than in the denominator: that point is marked "分子大于分母
  （口径不一致），不作判断", shown with its value and no interval, and left out of the overall rate
  and of ``φ`` — the other units are still compared.
* A ratio that is not a proportion is compared as a Poisson rate (``Measure.RATE``): the
  numerator is a count over the denominator's exposure; limits ``λ ± z·sqrt(φ·λ/n)`` around the
  overall rate ``λ`` (lower end clipped at 0, no upper clip), each unit's interval Byar's
  approximation to the exact Poisson interval of its count, divided by ``n``, and ``φ`` from the
  same winsorised z-scores with the Poisson variance.
* 案-件比 (proceedings ÷ matters, 1:x) counts every matter on both sides: 件 = 案 + the extra
  proceedings (returns, extensions, appeals). Treating all of 件 as Poisson would overstate the
  spread (``λ/n`` where only the extra part varies), so ``Measure.EXCESS`` compares the excess
  ``件 − 案`` as the Poisson count and adds the 1 back to the overall value, the limits and the
  intervals; a unit with fewer 件 than 案 in a window is marked like a proportion above one.
* The output is sorted by unit code, never by value: a league table is not the default view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

from jianguan.domain.assessment import poisson_interval
from jianguan.domain.vocabulary import Vocabulary

Z95 = 1.959963984540054
Z998 = 3.090232306167813
MIN_DENOMINATOR = 20


class Flag(Vocabulary):
    """Where a unit lies on the funnel plot (a verdict, never a rank)."""

    WITHIN = "within", "在控制限内", "within the limits"
    ABOVE_95 = "above_95", "高于95%控制限", "above the 95% limit"
    ABOVE_998 = "above_99.8", "高于99.8%控制限", "above the 99.8% limit"
    BELOW_95 = "below_95", "低于95%控制限", "below the 95% limit"
    BELOW_998 = "below_99.8", "低于99.8%控制限", "below the 99.8% limit"
    TOO_FEW = "too_few", "样本过少，不作判断", "too few to judge"
    INCONSISTENT = (
        "inconsistent",
        "分子与分母口径不一致（比例的分子大于分母，或案-件比的件少于案），不适用比例区间，不作判断",
        "numerator and denominator do not match (cohorts differ): no interval applies, not judged",
    )

    @property
    def outside(self) -> bool:
        """Beyond a control limit (a point worth a look; never a rank)."""
        return self not in (Flag.WITHIN, Flag.TOO_FEW, Flag.INCONSISTENT)


class Measure(Vocabulary):
    """What an indicator's value is, and so which distribution its funnel uses."""

    PROPORTION = (
        "proportion",
        "比例：二项分布正态近似控制限，Wilson 区间",
        "proportion: binomial normal-approximation limits, Wilson intervals",
    )
    RATE = (
        "poisson_rate",  # not "rate": a code must never read as an English word on a page
        "比值（非比例）：泊松分布正态近似控制限，Byar 泊松区间",
        "ratio (not a proportion): Poisson normal-approximation limits, Byar Poisson intervals",
    )
    EXCESS = (
        "excess_over_one",
        "比值（非比例，分子含分母，如案-件比）：超出1的部分按泊松分布，正态近似控制限，Byar 泊松区间",
        "ratio whose numerator contains its denominator (案-件比): the excess over 1 as a "
        "Poisson rate, normal-approximation limits, Byar Poisson intervals",
    )


@dataclass(frozen=True, slots=True)
class Observed:
    """One unit's (or handler's) counts for the indicator."""

    key: str
    numerator: int
    denominator: int


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    key: str
    numerator: int
    denominator: int
    value: float | None
    wilson_low: float | None
    wilson_high: float | None
    limit95_low: float | None
    limit95_high: float | None
    limit998_low: float | None
    limit998_high: float | None
    flag: Flag


@dataclass(frozen=True, slots=True)
class Funnel:
    overall: float | None  # p = Σ numerators / Σ denominators
    phi: float  # overdispersion factor applied to the limits (1.0 = none)
    points: tuple[FunnelPoint, ...]  # sorted by key
    curve: tuple[tuple[int, float, float, float, float], ...]  # n, lo95, hi95, lo998, hi998
    measure: Measure = Measure.PROPORTION  # a rate's "wilson" ends hold its Poisson interval


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes out of ``n`` (n > 0)."""
    if n <= 0 or not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k}, n={n}")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # Exact ends at 0 and n: floating error must not push p̂ outside its own interval.
    lo = 0.0 if k == 0 else max(0.0, min(p, centre - half))
    hi = 1.0 if k == n else min(1.0, max(p, centre + half))
    return lo, hi


def control_limits(p: float, n: int, z: float, phi: float = 1.0) -> tuple[float, float]:
    """Funnel limits around ``p`` at denominator ``n`` (normal approximation, clipped to [0, 1])."""
    half = z * math.sqrt(phi * p * (1 - p) / n)
    return max(0.0, p - half), min(1.0, p + half)


def rate_limits(rate: float, n: int, z: float, phi: float = 1.0) -> tuple[float, float]:
    """Funnel limits around a Poisson ``rate`` at exposure ``n`` (normal approximation; a rate
    has no upper bound, so only the lower end is clipped, at 0)."""
    half = z * math.sqrt(phi * rate / n)
    return max(0.0, rate - half), rate + half


def rate_interval(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """A unit's own interval for ``count`` events over exposure ``n``: Byar's Poisson interval."""
    if n <= 0 or count < 0:
        raise ValueError(f"need count >= 0 and n > 0, got count={count}, n={n}")
    low, high = poisson_interval(count, 2 * NormalDist().cdf(z) - 1)
    return min(low / n, count / n), max(high / n, count / n)


def _variance(measure: Measure, p: float) -> float:
    """The variance of one unit of denominator at the overall value ``p``."""
    return p if measure is Measure.RATE else p * (1 - p)


def overdispersion(
    p: float,
    units: Sequence[Observed],
    min_denominator: int,
    measure: Measure = Measure.PROPORTION,
) -> float:
    """Spiegelhalter's multiplicative φ from winsorised z-scores; 1.0 when not significant."""
    if _variance(measure, p) <= 0.0:
        return 1.0
    zs = sorted(
        (u.numerator / u.denominator - p) / math.sqrt(_variance(measure, p) / u.denominator)
        for u in units
        if u.denominator >= min_denominator
    )
    k = len(zs)
    if k < 10:
        return 1.0  # too few units to estimate a spread
    lo, hi = zs[int(0.1 * k)], zs[math.ceil(0.9 * k) - 1]
    phi = sum(min(max(z, lo), hi) ** 2 for z in zs) / k
    # K·φ ~ χ²(K−1) under no overdispersion; widen only beyond its upper ~2.3 % point.
    return phi if k * phi > (k - 1) + 2 * math.sqrt(2 * (k - 1)) else 1.0


def _flag(value: float, lim95: tuple[float, float], lim998: tuple[float, float]) -> Flag:
    if value > lim998[1]:
        return Flag.ABOVE_998
    if value < lim998[0]:
        return Flag.BELOW_998
    if value > lim95[1]:
        return Flag.ABOVE_95
    if value < lim95[0]:
        return Flag.BELOW_95
    return Flag.WITHIN


def inconsistent(u: Observed, measure: Measure) -> bool:
    """Counts the measure cannot hold (a window cut the numerator from its denominator): a
    proportion above one, or an excess ratio below one. No interval applies to them."""
    if measure is Measure.PROPORTION:
        return u.numerator > u.denominator
    return measure is Measure.EXCESS and u.numerator < u.denominator


def _base(measure: Measure) -> float:
    """Where an excess ratio starts: every matter counts once on both sides (1:1 is none)."""
    return 1.0 if measure is Measure.EXCESS else 0.0


def _count(u: Observed, measure: Measure) -> int:
    """What the distribution counts: the excess over the denominator for an excess ratio."""
    return u.numerator - u.denominator if measure is Measure.EXCESS else u.numerator


def _scaled(rows: Sequence[Observed], measure: Measure) -> list[Observed]:
    return [Observed(u.key, _count(u, measure), u.denominator) for u in rows]


def _limits(measure: Measure, p: float, n: int, z: float, phi: float) -> tuple[float, float]:
    """Limits on the value's own scale (an excess ratio's shifted back up by one)."""
    if measure is Measure.PROPORTION:
        return control_limits(p, n, z, phi)
    lo, hi = rate_limits(p, n, z, phi)
    return lo + _base(measure), hi + _base(measure)


def _interval(u: Observed, measure: Measure) -> tuple[float, float]:
    if measure is Measure.PROPORTION:
        return wilson(u.numerator, u.denominator)
    lo, hi = rate_interval(_count(u, measure), u.denominator)
    return lo + _base(measure), hi + _base(measure)


def _point(
    u: Observed, p: float | None, phi: float, min_denominator: int, measure: Measure
) -> FunnelPoint:
    """One unit's point; ``p`` is the overall value on the counted scale (excess, for EXCESS)."""
    if u.denominator <= 0:
        return FunnelPoint(u.key, u.numerator, 0, None, None, None, None, None, None, None,
                           Flag.TOO_FEW)  # fmt: skip
    value = u.numerator / u.denominator
    if inconsistent(u, measure):  # the value as counted, no interval, never judged
        return FunnelPoint(u.key, u.numerator, u.denominator, value, None, None, None, None,
                           None, None, Flag.INCONSISTENT)  # fmt: skip
    wl, wh = _interval(u, measure)
    if p is None:
        return FunnelPoint(u.key, u.numerator, u.denominator, value, wl, wh, None, None, None,
                           None, Flag.TOO_FEW)  # fmt: skip
    l95 = _limits(measure, p, u.denominator, Z95, phi)
    l998 = _limits(measure, p, u.denominator, Z998, phi)
    flag = Flag.TOO_FEW if u.denominator < min_denominator else _flag(value, l95, l998)
    return FunnelPoint(
        u.key, u.numerator, u.denominator, value, wl, wh, l95[0], l95[1], l998[0], l998[1], flag
    )


def _curve(
    p: float, phi: float, lo_n: int, hi_n: int, measure: Measure, steps: int = 40
) -> tuple[tuple[int, float, float, float, float], ...]:
    """Limit curves on a log-spaced grid of denominators, for drawing the funnel."""
    hi_n = max(hi_n, lo_n + 1)
    ns = sorted({round(lo_n * (hi_n / lo_n) ** (i / steps)) for i in range(steps + 1)})
    out = []
    for n in ns:
        a, b = _limits(measure, p, n, Z95, phi)
        c, d = _limits(measure, p, n, Z998, phi)
        out.append((n, a, b, c, d))
    return tuple(out)


def funnel(
    units: Iterable[Observed],
    *,
    min_denominator: int = MIN_DENOMINATOR,
    adjust_overdispersion: bool = True,
    measure: Measure = Measure.PROPORTION,
) -> Funnel:
    """Compare every unit with the overall value; points sorted by key (never by value).

    Counts below zero are refused (``ValueError``: no indicator counts them). A point the
    measure cannot hold (a proportion above one, an excess ratio below one) is marked
    ``Flag.INCONSISTENT`` and left out of the overall value and ``φ``; a rate may have any
    numerator."""
    if min_denominator < 1:
        raise ValueError("min_denominator must be >= 1")
    rows = sorted(units, key=lambda u: u.key)
    for u in rows:
        if u.denominator < 0 or u.numerator < 0:
            raise ValueError(f"{u.key}: need numerator >= 0 and denominator >= 0")
    counted = _scaled([u for u in rows if not inconsistent(u, measure)], measure)
    total_n = sum(u.denominator for u in counted)
    p = sum(u.numerator for u in counted) / total_n if total_n else None
    spread = Measure.PROPORTION if measure is Measure.PROPORTION else Measure.RATE
    phi = (
        overdispersion(p, counted, min_denominator, spread)
        if (p is not None and adjust_overdispersion)
        else 1.0
    )
    points = tuple(_point(u, p, phi, min_denominator, measure) for u in rows)
    biggest = max((u.denominator for u in counted), default=0)
    curve = _curve(p, phi, min_denominator, biggest, measure) if p is not None else ()
    overall = None if p is None else p + _base(measure)
    return Funnel(overall, phi, points, curve, measure)
