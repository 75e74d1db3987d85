"""Level shifts, sudden drops and end-of-period concentration on plain series, known answers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianguan.domain.anomalies import (
    binomial_sf,
    concentration,
    level_shifts,
    poisson_cdf,
    sudden_drops,
)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; fine for the small means of these tests.
    limit, k, prod = pow(2.718281828459045, -mean), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def test_planted_count_shift_is_found_at_its_month() -> None:
    rng = random.Random(1)
    counts = [_poisson(rng, 40) for _ in range(12)] + [_poisson(rng, 70) for _ in range(12)]
    shifts = level_shifts(counts, [1.0] * 24, binomial=False)
    assert [s.at for s in shifts] == [12]
    assert shifts[0].before == pytest.approx(40, rel=0.15)
    assert shifts[0].after == pytest.approx(70, rel=0.15)


def test_clean_count_series_has_no_shift() -> None:
    for seed in range(30):
        rng = random.Random(seed)
        counts = [_poisson(rng, 40) for _ in range(24)]
        assert level_shifts(counts, [1.0] * 24, binomial=False) == [], seed


def test_rate_shift_is_found_with_binomial_cost() -> None:
    ns = [60] * 24
    ks = [12] * 10 + [30] * 14  # 20 % → 50 %
    shifts = level_shifts(ks, ns, binomial=True)
    assert [s.at for s in shifts] == [10]


def test_exposure_removes_a_shared_seasonal_dip() -> None:
    shape = [1.0, 0.5, 1.0, 1.0] * 6  # every second month of four the province halves
    counts = [int(50 * s) for s in shape]
    assert level_shifts(counts, shape, binomial=False) == []


def test_short_series_never_splits() -> None:
    assert level_shifts([1, 100, 1, 100], [1.0] * 4, binomial=False) == []


def test_sudden_drop_found_and_shared_dip_not() -> None:
    shape = [100.0] * 12
    counts = [50, 52, 48, 51, 49, 50, 50, 47, 53, 12, 10, 11]
    drops = sudden_drops(counts, shape)
    assert [d.at for d in drops][:1] == [9]
    assert drops[0].expected == pytest.approx(50, rel=0.05)
    shared = [100.0] * 9 + [25.0, 25.0, 25.0]  # the whole province fell: not this unit's doing
    assert sudden_drops(counts, shared) == []


def test_small_units_are_not_judged_for_drops() -> None:
    assert sudden_drops([4, 5, 3, 4, 5, 4, 0], [1.0] * 7) == []


def test_concentration_flags_a_pile_up_beyond_both_baselines() -> None:
    c = concentration(60, 120, own_baseline=0.15, province_share=0.16)
    assert c is not None
    assert c.baseline == 0.16
    assert c.p_value < 1e-10
    # the province's own year-end rush explains it: no flag
    assert concentration(60, 120, own_baseline=0.15, province_share=0.45) is None
    assert concentration(6, 12, own_baseline=0.15, province_share=0.16) is None  # too few


def test_binomial_sf_known_values() -> None:
    assert binomial_sf(0, 10, 0.3) == 1.0
    assert binomial_sf(10, 10, 0.5) == pytest.approx(0.5**10)
    assert binomial_sf(9, 10, 0.5) == pytest.approx(11 / 1024)


def test_poisson_cdf_known_values() -> None:
    assert poisson_cdf(0, 2.0) == pytest.approx(0.1353352832)
    assert poisson_cdf(2, 2.0) == pytest.approx(0.6766764162)


@given(st.integers(1, 200), st.floats(0.01, 0.99), st.integers(0, 200))
def test_binomial_sf_is_a_probability_and_decreasing(n: int, p: float, k: int) -> None:
    k = min(k, n)
    a, b = binomial_sf(k, n, p), binomial_sf(k + 1, n, p)
    assert 0.0 <= b <= a <= 1.0
