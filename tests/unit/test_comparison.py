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
    Measure,
    Observed,
    control_limits,
    funnel,
    overdispersion,
    rate_interval,
    rate_limits,
    wilson,
)
from jianguan.domain.indicators import Catalogue, Indicator, Part, Term
from jianguan.services.comparison import measure_of
from tests.support import rules


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


def test_a_proportion_above_one_is_marked_not_judged_and_left_out_of_the_overall() -> None:
    # A window can cut a unit's numerator from its denominator (their cohort dates differ): that
    # unit gets its value as counted, no interval, and takes no part in p or φ; the others are
    # still compared exactly as without it.
    with_it = funnel([*_units(), Observed("B-cut", 30, 25)], adjust_overdispersion=False)
    without = funnel(_units(), adjust_overdispersion=False)
    cut = next(p for p in with_it.points if p.key == "B-cut")
    assert cut.flag is Flag.INCONSISTENT
    assert not cut.flag.outside
    assert cut.value == pytest.approx(1.2)
    assert (cut.wilson_low, cut.wilson_high, cut.limit95_low, cut.limit998_high) == (None,) * 4
    assert "不适用比例区间" in cut.flag.zh
    assert with_it.overall == without.overall
    assert [p for p in with_it.points if p.key != "B-cut"] == list(without.points)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="numerator >= 0"):
        funnel([Observed("A", -1, 2)])
    with pytest.raises(ValueError, match="denominator >= 0"):
        funnel([Observed("A", 1, -2)], measure=Measure.RATE)


def _ratios() -> list[Observed]:
    # 案-件比-like: 12 units near 1:2, one at 1:3, one at 1:1.1, one tiny at 1:4.
    rows = [Observed(f"U{i:02d}", 198 + 2 * (i % 3), 100) for i in range(12)]
    return [*rows, Observed("Z-high", 300, 100), Observed("A-low", 110, 100),
            Observed("M-tiny", 20, 5)]  # fmt: skip


def test_a_ratio_is_compared_as_a_poisson_rate() -> None:
    f = funnel(_ratios(), adjust_overdispersion=False, measure=Measure.RATE)
    assert f.measure is Measure.RATE
    lam = sum(u.numerator for u in _ratios()) / sum(u.denominator for u in _ratios())
    assert f.overall == pytest.approx(lam)
    flags = {p.key: p.flag for p in f.points}
    assert flags["Z-high"] is Flag.ABOVE_998
    assert flags["A-low"] is Flag.BELOW_998
    assert flags["M-tiny"] is Flag.TOO_FEW
    assert all(flags[f"U{i:02d}"] is Flag.WITHIN for i in range(12))
    u00 = next(p for p in f.points if p.key == "U00")
    # λ ± z·sqrt(λ/n), no upper clip at 1 (a ratio is not bounded by its denominator)
    assert u00.limit998_high == pytest.approx(lam + Z998 * math.sqrt(lam / 100))
    assert u00.limit95_low == pytest.approx(lam - Z95 * math.sqrt(lam / 100))
    assert u00.limit998_high is not None
    assert u00.limit998_high > 1.0
    assert u00.wilson_low is not None
    assert u00.wilson_high is not None
    assert u00.wilson_low < 1.98 < u00.wilson_high
    assert f.curve[0][2] == pytest.approx(rate_limits(lam, 20, Z95)[1])


def test_the_rate_interval_is_the_poisson_interval_over_the_exposure() -> None:
    # Exact (Garwood) 95 % interval of 10 events: 4.795 to 18.39; over an exposure of 5.
    lo, hi = rate_interval(10, 5)
    assert lo == pytest.approx(4.795 / 5, abs=0.01)
    assert hi == pytest.approx(18.39 / 5, abs=0.01)
    assert rate_interval(0, 5)[0] == 0.0
    assert rate_limits(0.5, 100, Z95)[0] >= 0.0


def test_an_excess_ratio_compares_what_lies_above_one() -> None:
    # 件 = 案 + extra proceedings: only the extras vary. 12 units at 1:1.2 (20 extras per 100),
    # one at 1:1.5, one at 1:1.0; the limits are 1 + μ ± z·sqrt(μ/n) on the extras' rate μ.
    rows = [Observed(f"U{i:02d}", 119 + (i % 3), 100) for i in range(12)]
    rows += [Observed("Z-high", 150, 100), Observed("A-none", 100, 100)]
    f = funnel(rows, adjust_overdispersion=False, measure=Measure.EXCESS)
    mu = sum(u.numerator - u.denominator for u in rows) / sum(u.denominator for u in rows)
    assert f.overall == pytest.approx(1 + mu)
    flags = {p.key: p.flag for p in f.points}
    assert flags["Z-high"] is Flag.ABOVE_998
    assert flags["A-none"] is Flag.BELOW_998
    assert all(flags[f"U{i:02d}"] is Flag.WITHIN for i in range(12))
    u00 = next(p for p in f.points if p.key == "U00")
    assert u00.limit998_high == pytest.approx(1 + mu + Z998 * math.sqrt(mu / 100))
    lo, hi = rate_interval(19, 100)
    assert (u00.wilson_low, u00.wilson_high) == pytest.approx((1 + lo, 1 + hi))
    # As a plain rate of 件 the same units are judged against limits sqrt(λ/μ) ≈ 2.6× wider:
    # 1:1.5 would not stand out at 99.8 %.
    plain = funnel(rows, adjust_overdispersion=False, measure=Measure.RATE)
    assert {p.key: p.flag for p in plain.points}["Z-high"] is not Flag.ABOVE_998


def test_an_excess_ratio_below_one_is_marked_not_judged() -> None:
    rows = [Observed(f"U{i:02d}", 120, 100) for i in range(5)] + [Observed("B-cut", 18, 20)]
    f = funnel(rows, measure=Measure.EXCESS)
    cut = next(p for p in f.points if p.key == "B-cut")
    assert cut.flag is Flag.INCONSISTENT
    assert cut.value == pytest.approx(0.9)
    assert cut.wilson_low is None
    assert f.overall == pytest.approx(1.2)


def test_overdispersion_of_rates_widens_limits_when_units_are_spread() -> None:
    spread = [Observed(f"U{i:02d}", 150 + 10 * i, 100) for i in range(15)]
    lam = sum(u.numerator for u in spread) / sum(u.denominator for u in spread)
    assert overdispersion(lam, spread, 20, Measure.RATE) > 1.5
    tight = [Observed(f"U{i:02d}", 200 + (i % 2), 100) for i in range(15)]
    assert overdispersion(2.0, tight, 20, Measure.RATE) == 1.0


def _ratio(num: tuple[Term, ...], den: tuple[Term, ...]) -> Catalogue:
    ind = Indicator("r", "比", "ratio", "x", "cases", "ratio", Part(num), Part(den), ("a law",))
    return Catalogue((ind,))


def test_the_service_picks_the_measure_from_the_indicator() -> None:
    cat = rules().indicators
    assert measure_of(cat, "case_proceeding_ratio") is Measure.EXCESS  # 件 counts every 案 again
    assert measure_of(cat, "non_arrest_rate") is Measure.PROPORTION
    cases, events = Term("cases", "received_on", ()), Term("events", "event_on", ())
    assert measure_of(_ratio((events,), (cases,)), "r") is Measure.RATE
    assert measure_of(_ratio((cases, events), (cases,)), "r") is Measure.EXCESS
    assert measure_of(_ratio((cases,), (cases, cases)), "r") is Measure.RATE  # counted twice below
