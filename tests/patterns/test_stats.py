"""The exact tests: binomial and Poisson tails, Fisher's exact test, Benjamini–Hochberg."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tessera.patterns import stats


def test_binomial_upper_tail_matches_the_sum_of_its_terms() -> None:
    for n, p in ((10, 0.3), (25, 0.5), (7, 0.01)):
        for k in range(n + 1):
            expected = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
            assert stats.binomial_upper_tail(k, n, p) == pytest.approx(expected, rel=1e-9)
    assert stats.binomial_upper_tail(5000, 10_000, 0.5) == pytest.approx(0.504, abs=1e-3)
    with pytest.raises(ValueError, match="0 ≤ k ≤ n"):
        stats.binomial_upper_tail(3, 2, 0.5)


def test_fisher_exact_gives_the_textbook_values() -> None:
    # Fisher's lady tasting tea: 3 of 4 right each way, two-sided p = 34/70
    assert stats.fisher_exact(3, 1, 1, 3) == pytest.approx(34 / 70)
    assert stats.fisher_exact(0, 5, 5, 0) == pytest.approx(2 / 252)
    assert stats.fisher_exact(2, 2, 2, 2) == pytest.approx(1.0)


def test_benjamini_hochberg_adjusts_in_the_order_given() -> None:
    assert stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.5]) == pytest.approx(
        [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert stats.benjamini_hochberg([]) == []


def test_poisson_tail_matches_the_closed_forms() -> None:
    assert stats.poisson_tail(1, 1.0) == pytest.approx(1 - math.exp(-1))
    assert stats.poisson_tail(3, 2.0) == pytest.approx(1 - math.exp(-2) * (1 + 2 + 2))
    assert stats.poisson_tail(0, 5.0) == 1.0
    tiny = stats.poisson_tail(20, 0.01)
    assert 0 < tiny < 1e-50


def test_the_exact_tests_agree_with_scipy_where_it_is_installed() -> None:
    scipy = pytest.importorskip("scipy.stats", reason="scipy comes with .[bench] only")
    rng = np.random.default_rng(11)
    for _ in range(200):
        n = int(rng.integers(1, 400))
        k, p = int(rng.integers(0, n + 1)), float(rng.uniform(0.001, 0.999))
        assert stats.binomial_upper_tail(k, n, p) == pytest.approx(
            scipy.binom.sf(k - 1, n, p), rel=1e-6, abs=1e-300)
        a, b, c, d = (int(x) for x in rng.integers(0, 60, 4))
        assert stats.fisher_exact(a, b, c, d) == pytest.approx(
            scipy.fisher_exact([[a, b], [c, d]]).pvalue, rel=1e-6)
        mean = float(rng.uniform(0.001, 50))
        count = int(rng.integers(0, 120))
        assert stats.poisson_tail(count, mean) == pytest.approx(
            scipy.poisson.sf(count - 1, mean), rel=1e-6, abs=1e-300)
