"""The exact tests the pattern analyses use, written with math and numpy.

Tessera does not depend on scipy: an exact binomial or Poisson tail and Fisher's exact test
are a few lines each, summed in log space so that the tiny tails the tests live on do not
vanish into 1 - (1 - p). Exact tests suit the small counts patterns have (a handful of
people a quarter on a corridor, a few payments in a burst), where the normal approximations
of a z-test or chi-square are poor. They are checked against scipy where it is installed
(``tests/patterns/test_stats.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def binomial_upper_tail(successes: int, trials: int, p: float) -> float:
    """P(X ≥ ``successes``) for X ~ Binomial(``trials``, ``p``), summed exactly in log space
    (each term from the last by the ratio (n-k)/(k+1)·p/(1-p))."""
    if not 0 <= successes <= trials or not 0 <= p <= 1:
        raise ValueError(f"binomial tail needs 0 ≤ k ≤ n and 0 ≤ p ≤ 1, not k={successes}, "
                         f"n={trials}, p={p}")
    if successes == 0 or p == 1:
        return 1.0
    if p == 0:
        return 0.0
    k = np.arange(successes, trials, dtype=np.float64)
    first = (math.lgamma(trials + 1) - math.lgamma(successes + 1)
             - math.lgamma(trials - successes + 1)
             + successes * math.log(p) + (trials - successes) * math.log1p(-p))
    logs = first + np.concatenate(([0.0], np.cumsum(
        np.log((trials - k) / (k + 1)) + math.log(p) - math.log1p(-p))))
    top = float(logs.max())
    return min(1.0, math.exp(top) * float(np.exp(logs - top).sum()))


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p-value of Fisher's exact test of the table [[a, b], [c, d]]: the chance,
    with the margins fixed, of a table no likelier than the one seen."""
    if min(a, b, c, d) < 0:
        raise ValueError(f"a contingency table holds counts, not {[a, b, c, d]}")
    row, col, n = a + b, a + c, a + b + c + d

    def log_p(x: int) -> float:  # hypergeometric: x in the top-left cell
        return (math.lgamma(row + 1) - math.lgamma(x + 1) - math.lgamma(row - x + 1)
                + math.lgamma(n - row + 1) - math.lgamma(col - x + 1)
                - math.lgamma(n - row - col + x + 1)
                - math.lgamma(n + 1) + math.lgamma(col + 1) + math.lgamma(n - col + 1))

    seen = log_p(a)
    cells = range(max(0, row + col - n), min(row, col) + 1)
    logs = np.array([log_p(x) for x in cells])
    # tables as likely as the one seen, within rounding, count as no likelier
    kept = logs[logs <= seen + 1e-7]
    return min(1.0, float(np.exp(kept).sum()))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given: a finding with
    q ≤ α is one of a set whose expected share of false discoveries is at most α."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    smallest = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        smallest = min(smallest, p_values[i] * m / rank)
        adjusted[i] = smallest
    return adjusted


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ ``count``) for X ~ Poisson(``mean``), summed from ``count`` up in log space."""
    if count <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_term = -mean + count * math.log(mean) - math.lgamma(count + 1)
    total, i = 0.0, count
    while True:
        term = math.exp(log_term)
        total += term
        i += 1
        log_term += math.log(mean) - math.log(i)
        if term < total * 1e-12 or i > count + 10_000:
            return min(1.0, total)
