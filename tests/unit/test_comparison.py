"""Funnel plots without ranking: Wilson intervals, control limits, flags, small denominators."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianguan.domain.comparison import (
    Z95,
    Z998,
    Flag,
    Observed,
    control_limits,
    funnel,
    overdispersion,
    wilson,
)


def test_wilson_matches_hand_computation() -> None:
    # k=8, n=40, z=1.96: centre = (0.2 + 0.048)/1.096 = 0.22628, half = 1.96·sqrt(0.004 + 0.0006)/1.096
    lo, hi = wilson(8, 40, 1.96)
    assert lo == pytest.approx(0.10496, abs=1e-4)
    assert hi == pytest.approx(0.34759, abs=1e-4)


def test_wilson_at_the_ends_stays_in_unit_interval() -> None:
    assert wilson(0, 10)[0] == 0.0
    assert wilson(10, 10)[1] == 1.0
    assert 0 < wilson(0, 10)[1] < 0.35


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_observed_rate(kn: tuple[int, int]) -> None:
    k, n = kn
    lo, hi = wilson(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


def test_wilson_refuses_bad_counts() -> None:
    with pytest.raises(ValueError, match="k <= n"):
        wilson(5, 3)


def test_control_limits_narrow_with_the_denominator() -> None:
    lo, hi = control_limits(0.2, 100, Z95)
    assert (lo, hi) == pytest.approx((0.2 - Z95 * 0.04, 0.2 + Z95 * 0.04))
    assert control_limits(0.2, 400, Z95)[1] < hi


def _units() -> list[Observed]:
    # 12 similar units at 20 %, one far above, one far below, one tiny one at 100 %.
    rows = [Observed(f"U{i:02d}", 40 + (i % 3), 200) for i in range(12)]
    rows += [
        Observed("Z-high", 90, 200),
        Observed("A-low", 10, 200),
        Observed("M-tiny", 5, 5),
    ]
    return rows


def test_funnel_flags_only_the_unusual_and_sorts_by_code() -> None:
    f = funnel(_units(), adjust_overdispersion=False)
    keys = [p.key for p in f.points]
    assert keys == sorted(keys)
    flags = {p.key: p.flag for p in f.points}
    assert flags["Z-high"] is Flag.ABOVE_998
    assert flags["A-low"] is Flag.BELOW_998
    assert flags["M-tiny"] is Flag.TOO_FEW  # 100 % of 5: marked, never judged
    assert all(flags[f"U{i:02d}"] is Flag.WITHIN for i in range(12))
    total_k = sum(u.numerator for u in _units())
    total_n = sum(u.denominator for u in _units())
    assert f.overall == pytest.approx(total_k / total_n)


def test_funnel_point_limits_agree_with_the_curve_formula() -> None:
    f = funnel(_units(), adjust_overdispersion=False)
    p = next(x for x in f.points if x.key == "U00")
    assert f.overall is not None
    assert p.limit998_high == pytest.approx(
        f.overall + Z998 * math.sqrt(f.overall * (1 - f.overall) / 200)
    )
    assert f.curve[0][0] == 20
    assert all(a[0] < b[0] for a, b in zip(f.curve, f.curve[1:], strict=False))


def test_overdispersion_widens_limits_when_units_are_spread() -> None:
    spread = [Observed(f"U{i:02d}", 20 + 6 * i, 200) for i in range(15)]
    p = sum(u.numerator for u in spread) / sum(u.denominator for u in spread)
    assert overdispersion(p, spread, 20) > 1.5
    tight = [Observed(f"U{i:02d}", 40 + (i % 2), 200) for i in range(15)]
    assert overdispersion(0.2, tight, 20) == 1.0
    wide = funnel(spread)
    narrow = funnel(spread, adjust_overdispersion=False)
    flagged = [p for p in narrow.points if p.flag is not Flag.WITHIN]
    assert len([p for p in wide.points if p.flag is not Flag.WITHIN]) < len(flagged)


def test_empty_and_zero_denominators() -> None:
    f = funnel([Observed("A", 0, 0)])
    assert f.overall is None
    assert f.points[0].flag is Flag.TOO_FEW
    assert f.curve == ()


def test_funnel_refuses_numerator_above_denominator() -> None:
    with pytest.raises(ValueError, match="numerator"):
        funnel([Observed("A", 3, 2)])
