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
* The output is sorted by unit code, never by value: a league table is not the default view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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

    @property
    def outside(self) -> bool:
        """Beyond a control limit (a point worth a look; never a rank)."""
        return self not in (Flag.WITHIN, Flag.TOO_FEW)


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


def overdispersion(p: float, units: Sequence[Observed], min_denominator: int) -> float:
    """Spiegelhalter's multiplicative φ from winsorised z-scores; 1.0 when not significant."""
    if not 0.0 < p < 1.0:
        return 1.0
    zs = sorted(
        (u.numerator / u.denominator - p) / math.sqrt(p * (1 - p) / u.denominator)
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


def _point(u: Observed, p: float | None, phi: float, min_denominator: int) -> FunnelPoint:
    if u.denominator <= 0:
        return FunnelPoint(u.key, u.numerator, 0, None, None, None, None, None, None, None,
                           Flag.TOO_FEW)  # fmt: skip
    value = u.numerator / u.denominator
    wl, wh = wilson(u.numerator, u.denominator)
    if p is None:
        return FunnelPoint(u.key, u.numerator, u.denominator, value, wl, wh, None, None, None,
                           None, Flag.TOO_FEW)  # fmt: skip
    l95 = control_limits(p, u.denominator, Z95, phi)
    l998 = control_limits(p, u.denominator, Z998, phi)
    flag = Flag.TOO_FEW if u.denominator < min_denominator else _flag(value, l95, l998)
    return FunnelPoint(
        u.key, u.numerator, u.denominator, value, wl, wh, l95[0], l95[1], l998[0], l998[1], flag
    )


def _curve(
    p: float, phi: float, lo_n: int, hi_n: int, steps: int = 40
) -> tuple[tuple[int, float, float, float, float], ...]:
    """Limit curves on a log-spaced grid of denominators, for drawing the funnel."""
    hi_n = max(hi_n, lo_n + 1)
    ns = sorted({round(lo_n * (hi_n / lo_n) ** (i / steps)) for i in range(steps + 1)})
    out = []
    for n in ns:
        a, b = control_limits(p, n, Z95, phi)
        c, d = control_limits(p, n, Z998, phi)
        out.append((n, a, b, c, d))
    return tuple(out)


def funnel(
    units: Iterable[Observed],
    *,
    min_denominator: int = MIN_DENOMINATOR,
    adjust_overdispersion: bool = True,
) -> Funnel:
    """Compare every unit with the overall rate; points sorted by key (never by value)."""
    if min_denominator < 1:
        raise ValueError("min_denominator must be >= 1")
    rows = sorted(units, key=lambda u: u.key)
    for u in rows:
        if u.denominator < 0 or not 0 <= u.numerator <= max(u.denominator, 0):
            raise ValueError(f"{u.key}: need 0 <= numerator <= denominator")
    total_n = sum(u.denominator for u in rows)
    p = sum(u.numerator for u in rows) / total_n if total_n else None
    phi = (
        overdispersion(p, rows, min_denominator)
        if (p is not None and adjust_overdispersion)
        else 1.0
    )
    points = tuple(_point(u, p, phi, min_denominator) for u in rows)
    biggest = max((u.denominator for u in rows), default=0)
    curve = _curve(p, phi, min_denominator, biggest) if p is not None else ()
    return Funnel(p, phi, points, curve)
