"""Anomalies on monthly series (研判): level shifts, sudden drops, end-of-period concentration.

Pure functions on plain sequences; the service feeds them counts taken from the cases and maps
the months back to the case ids behind them (溯源). See docs/anomalies.md for the measurements.

Why our own code rather than ``ruptures``: the series here are short (12–60 months) and are
*counts* (cases received, decided) or *proportions* with changing denominators. The right cost is
then the Poisson or binomial likelihood, not the Gaussian ``l2`` cost with constant variance that
ruptures' fast paths assume; with ≤ 60 points an exact O(T²) binary segmentation is instant, and
the hard part — the penalty — has to be calibrated on our own data anyway (anchors §7).

All tests are one-sided where the pattern is (padding only piles *up*; 躺平 only drops) and use
thresholds far in the tail, because a province has ~100 units × 24+ months of tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from jianguan.domain.vocabulary import Vocabulary


class AnomalyKind(Vocabulary):
    """What was seen in a unit's series."""

    LEVEL_SHIFT = "level_shift", "水平突变", "level shift"
    SUDDEN_DROP = "sudden_drop", "骤降（躺平）", "sudden drop"
    PADDING = "padding", "期末集中结案（注水）", "end-of-period pile-up"
    RATE_SHIFT = "rate_shift", "指标比率突变", "rate shift"


class Series(Vocabulary):
    """The monthly count series watched for every unit."""

    RECEIVED = "received", "受理案件数", "received"
    DECIDED = "decided", "审结案件数", "decided"


class Direction(Vocabulary):
    UP = "up", "上升", "up"
    DOWN = "down", "下降", "down"


@dataclass(frozen=True, slots=True)
class Shift:
    """A change in level at index ``at`` (the first month of the new level)."""

    at: int
    before: float  # level (rate, or count per unit of exposure) before
    after: float
    statistic: float  # likelihood-ratio statistic, divided by the overdispersion φ


@dataclass(frozen=True, slots=True)
class Drop:
    """A month far below (or above) what the unit's own history and the province predict."""

    at: int
    observed: int
    expected: float
    p_value: float


@dataclass(frozen=True, slots=True)
class Concentration:
    """Decisions piled into the last working days of a period."""

    in_window: int
    total: int
    share: float
    baseline: float  # the null share: max(unit's own other periods, province same period)
    p_value: float


# ---------------------------------------------------------------- likelihoods


def _xlogy(x: float, y: float) -> float:
    return 0.0 if x == 0 else x * math.log(y)


def _poisson_ll(k: float, e: float) -> float:
    """Max log-likelihood (up to a constant) of counts summing to k with exposure e."""
    return _xlogy(k, k / e) - k if e > 0 else 0.0


def _binomial_ll(k: float, n: float) -> float:
    if n <= 0:
        return 0.0
    return _xlogy(k, k / n) + _xlogy(n - k, (n - k) / n)


# ---------------------------------------------------------------- level shifts


def _best_split(
    ks: Sequence[float], ns: Sequence[float], lo: int, hi: int, min_seg: int, binomial: bool
) -> tuple[int, float]:
    """The split of [lo, hi) with the largest likelihood gain, and the gain (−1 if none)."""
    ll = _binomial_ll if binomial else _poisson_ll
    k_all, n_all = sum(ks[lo:hi]), sum(ns[lo:hi])
    whole = ll(k_all, n_all)
    best, gain = -1, -1.0
    k_left = n_left = 0.0
    for t in range(lo, hi - 1):
        k_left += ks[t]
        n_left += ns[t]
        at = t + 1
        if at - lo < min_seg or hi - at < min_seg:
            continue
        g = ll(k_left, n_left) + ll(k_all - k_left, n_all - n_left) - whole
        if g > gain:
            best, gain = at, g
    return best, gain


def _phi(
    ks: Sequence[float], ns: Sequence[float], lo: int, at: int, hi: int, binomial: bool
) -> float:
    """Pearson overdispersion of the two-level fit, at least 1."""
    chi2, dof = 0.0, (hi - lo) - 2
    for a, b in ((lo, at), (at, hi)):
        k, n = sum(ks[a:b]), sum(ns[a:b])
        rate = k / n if n else 0.0
        for t in range(a, b):
            mean = rate * ns[t]
            var = mean * (1 - rate) if binomial else mean
            if var > 0:
                chi2 += (ks[t] - mean) ** 2 / var
    return max(1.0, chi2 / dof) if dof > 0 else 1.0


def level_shifts(
    ks: Sequence[float],
    ns: Sequence[float],
    *,
    binomial: bool,
    threshold: float = 20.0,
    min_seg: int = 3,
    min_change: float = 0.3,
    max_shifts: int = 3,
) -> list[Shift]:
    """Level shifts by binary segmentation with a Poisson (counts over exposure ``ns``) or
    binomial (``ks`` of ``ns``) likelihood.

    A split is kept when ``2·gain/φ`` exceeds ``threshold`` (φ: Pearson overdispersion of the
    split fit, so that noisy units need stronger evidence) and the level changes by at least
    ``min_change`` relative (counts) or absolute (rates).
    """
    if len(ks) != len(ns):
        raise ValueError("ks and ns must have the same length")
    found: list[Shift] = []
    todo = [(0, len(ks))]
    while todo and len(found) < max_shifts:
        lo, hi = todo.pop()
        at, gain = _best_split(ks, ns, lo, hi, min_seg, binomial)
        if at < 0:
            continue
        stat = 2 * gain / _phi(ks, ns, lo, at, hi, binomial)
        before = _level(ks, ns, lo, at)
        after = _level(ks, ns, at, hi)
        change = abs(after - before) if binomial else abs(after - before) / max(before, after)
        if stat >= threshold and change >= min_change:
            found.append(Shift(at, before, after, stat))
            todo += [(lo, at), (at, hi)]
    return sorted(found, key=lambda s: s.at)


def _level(ks: Sequence[float], ns: Sequence[float], lo: int, hi: int) -> float:
    n = sum(ns[lo:hi])
    return sum(ks[lo:hi]) / n if n else 0.0


# ---------------------------------------------------------------- sudden drops


def poisson_cdf(k: int, mean: float) -> float:
    """P(X ≤ k) for X ~ Poisson(mean)."""
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return min(1.0, total)


def sudden_drops(
    counts: Sequence[int],
    expected_shape: Sequence[float],
    *,
    history: int = 6,
    max_ratio: float = 0.5,
    alpha: float = 1e-4,
    min_expected: float = 10.0,
) -> list[Drop]:
    """Months whose count falls to ≤ ``max_ratio`` of what was expected, improbably so.

    ``expected_shape`` is the province's monthly profile (e.g. its count in each month), so a
    Spring Festival dip or a lighter year shared by everyone is not a drop. A unit's expected count
    in month t is its mean ratio to the shape over the previous ``history`` months times the shape
    at t. The tail probability is Poisson with the mean divided by the history's own
    overdispersion (a quasi-Poisson z would be symmetric; the exact tail on a deflated count is
    more honest for the small counts of small units).
    """
    if len(counts) != len(expected_shape):
        raise ValueError("counts and expected_shape must have the same length")
    out: list[Drop] = []
    for t in range(history, len(counts)):
        hist = range(t - history, t)
        shape = sum(expected_shape[i] for i in hist)
        if shape <= 0 or expected_shape[t] <= 0:
            continue
        rate = sum(counts[i] for i in hist) / shape
        expected = rate * expected_shape[t]
        if expected < min_expected or counts[t] > max_ratio * expected:
            continue
        phi = _history_phi([counts[i] for i in hist], [rate * expected_shape[i] for i in hist])
        p = poisson_cdf(int(counts[t] / phi), expected / phi)
        if p < alpha:
            out.append(Drop(t, counts[t], expected, p))
    return out


def _history_phi(counts: Sequence[int], means: Sequence[float]) -> float:
    chi2 = sum((c - m) ** 2 / m for c, m in zip(counts, means, strict=True) if m > 0)
    return max(1.0, chi2 / max(1, len(counts) - 1))


# ---------------------------------------------------------------- end-of-period concentration


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), summed exactly in log space."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    lp, lq = math.log(p), math.log1p(-p)
    base = math.lgamma(n + 1)
    terms = [base - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq
             for i in range(k, n + 1)]  # fmt: skip
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(x - top) for x in terms))


def concentration(
    in_window: int,
    total: int,
    own_baseline: float,
    province_share: float,
    *,
    alpha: float = 1e-5,
    min_total: int = 20,
    min_lift: float = 1.5,
) -> Concentration | None:
    """Test whether ``in_window`` of ``total`` decisions is too many for the period's last days.

    The null share is the larger of the unit's own share in its other periods and the province's
    share in this period (without the unit), so a province-wide year-end rush (年底结案) or a unit
    that always decides late in the month is not flagged; only a pile-up beyond both is.
    Returns the concentration when significant (one-sided exact binomial, ``alpha``) and at least
    ``min_lift`` times the null share; otherwise None.
    """
    if total < min_total:
        return None
    p0 = max(own_baseline, province_share)
    if p0 <= 0.0 or p0 >= 1.0:
        return None
    share = in_window / total
    if share < min_lift * p0:
        return None
    p = binomial_sf(in_window, total, p0)
    return Concentration(in_window, total, share, p0, p) if p < alpha else None
