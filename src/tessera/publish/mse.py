"""Multiple systems estimation (MSE): how many victims no agency has seen.

Each list (an agency, or a kind of agency) names the resolved people it has met. The
*overlap table* counts people by capture history: for L lists, one 0/1 pattern per person
(on list i or not). The all-zero pattern is the unobserved cell; MSE estimates it.

Method, as in Rcapture and SparseMSE (Chan, Silverman and Vincent 2021) and the UK Home
Office's 2014 estimate (Bales, Hesketh and Silverman 2015) after Fienberg (1972):

- A log-linear Poisson model for the 2^L - 1 observed cells (zero counts included): an
  intercept, a main effect per list and a chosen set of two-way interactions. The
  unobserved cell is ``exp(intercept)``, assuming no higher-order interaction.
- Model selection over two-way interactions by BIC (k log n, n the people observed; AIC on
  request): every subset when there are at most ``EXHAUSTIVE_PAIRS`` pairs, forward stepwise
  otherwise. Why BIC: the interval is conditional on the chosen model, so each spurious
  interaction a criterion lets in (each one moves the extrapolated cell) makes the interval
  over-confident; BIC lets in fewer. On generated scenarios with nearly independent lists
  AIC's intervals covered the truth in 86% of 50 runs, BIC's in 98% (docs/publish-mse.md).
  SparseMSE's stepwise p-value threshold is a sequence of tests whose nominal level means
  little after selection; a criterion gives every candidate a comparable score for the table.
- A model is dropped when its maximum-likelihood estimate does not exist (an included pair
  of lists shares no one, or the fit runs to the boundary, a fitted cell tending to zero) or
  is not identifiable (more parameters than cells, or a rank-deficient design); the result
  says which and why.
- The interval is Cormack's (1992) profile likelihood for the population size N, the one
  Rcapture reports: the multinomial likelihood of the whole table, the unobserved cell
  holding N - n, maximised over the model's parameters at each N.

The overlap table is publishable in the sense that it holds counts by list pattern, no
record; small cells can still be sensitive and are the publisher's call (docs/publish-mse.md).
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import NDArray

CRITERIA = ("aic", "bic")
EXHAUSTIVE_PAIRS = 10  # 5 lists: 2^10 = 1,024 models, each a few milliseconds
MAX_LISTS = 10  # 2^L - 1 cells: past 10 lists the table is mostly structural zeros and slow
Pattern = tuple[int, ...]
Pair = tuple[str, str]
Array = NDArray[np.float64]


class EstimationError(ValueError):
    """The data cannot give an estimate (too few lists, no estimable model)."""


class OverlapFileError(ValueError):
    """An overlap CSV that cannot be read; the message names the line and column."""


# --- the overlap table ---------------------------------------------------------------------


@dataclass(frozen=True)
class OverlapTable:
    """Counts of people by capture pattern over ``lists``; absent patterns count zero."""

    lists: tuple[str, ...]
    counts: Mapping[Pattern, int]

    def __post_init__(self) -> None:
        if len(set(self.lists)) != len(self.lists):
            raise ValueError(f"list names repeat: {list(self.lists)}")
        for pattern, n in self.counts.items():
            if len(pattern) != len(self.lists) or any(x not in (0, 1) for x in pattern):
                raise ValueError(f"pattern {pattern} is not a 0/1 pattern over {self.lists}")
            if not any(pattern) and n:
                raise ValueError("the all-zero pattern is the unobserved cell: it has no count")
            if n < 0:
                raise ValueError(f"pattern {pattern} has a negative count {n}")

    @property
    def observed(self) -> int:
        return sum(self.counts.values())

    def patterns(self) -> list[Pattern]:
        """Every observable pattern (not all zero), in a stable order."""
        return [p for p in itertools.product((0, 1), repeat=len(self.lists)) if any(p)]

    def count(self, pattern: Pattern) -> int:
        return self.counts.get(pattern, 0)

    def size(self, name: str) -> int:
        i = self.lists.index(name)
        return sum(n for p, n in self.counts.items() if p[i])

    def shared(self, a: str, b: str) -> int:
        """How many people are on both lists ``a`` and ``b``."""
        i, j = self.lists.index(a), self.lists.index(b)
        return sum(n for p, n in self.counts.items() if p[i] and p[j])

    def without(self, drop: Iterable[str]) -> OverlapTable:
        gone = set(drop)
        keep = [i for i, name in enumerate(self.lists) if name not in gone]
        counts: dict[Pattern, int] = {}
        for p, n in self.counts.items():
            q = tuple(p[i] for i in keep)
            if any(q):
                counts[q] = counts.get(q, 0) + n
        return OverlapTable(tuple(self.lists[i] for i in keep), counts)

    def rows(self) -> list[dict[str, int]]:
        """One row per pattern with people on it: a 0/1 column per list and ``count``."""
        return [{**dict(zip(self.lists, p, strict=True)), "count": self.count(p)}
                for p in self.patterns() if self.count(p)]


def from_lists(people_lists: Mapping[str, Iterable[str]]) -> OverlapTable:
    """The overlap table of ``people_lists`` (list name -> resolved person ids)."""
    names = tuple(people_lists)
    members = [set(people_lists[name]) for name in names]
    counts: dict[Pattern, int] = {}
    for person in set().union(*members):
        pattern = tuple(int(person in m) for m in members)
        counts[pattern] = counts.get(pattern, 0) + 1
    return OverlapTable(names, counts)


def read_overlap_csv(path: Path | str) -> OverlapTable:
    """An overlap table from a CSV: one 0/1 column per list and a ``count`` column.

    Patterns not given count zero (SparseMSE's data sets omit them); a pattern given twice,
    a value other than 0/1, a count that is not a whole number >= 0, or a count on the
    all-zero pattern is an error naming its line and column.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise OverlapFileError(f"{path}: the file is empty; expected a header row")
        header = [h.strip() for h in header]
        if "count" not in header:
            raise OverlapFileError(
                f"{path}, line 1: no 'count' column (columns: {', '.join(header)})")
        repeated = sorted({h for h in header if header.count(h) > 1})
        if repeated or "" in header:
            raise OverlapFileError(
                f"{path}, line 1: column names must be unique and non-empty: {header}")
        lists = tuple(h for h in header if h != "count")
        if len(lists) < 2:
            raise OverlapFileError(
                f"{path}, line 1: need at least two list columns besides 'count', got {lists}")
        counts: dict[Pattern, int] = {}
        seen: dict[Pattern, int] = {}
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise OverlapFileError(
                    f"{path}, line {line}: {len(row)} values for {len(header)} columns")
            values = dict(zip(header, (cell.strip() for cell in row), strict=True))
            pattern = tuple(_bit(path, line, name, values[name]) for name in lists)
            n = _count(path, line, values["count"])
            if pattern in seen:
                raise OverlapFileError(
                    f"{path}, line {line}: pattern {_show(pattern)} already given on line "
                    f"{seen[pattern]}")
            seen[pattern] = line
            if not any(pattern):
                if n:
                    raise OverlapFileError(
                        f"{path}, line {line}, column 'count': the all-zero pattern is the "
                        f"unobserved cell MSE estimates; it cannot have a count ({n})")
                continue
            counts[pattern] = n
    return OverlapTable(lists, counts)


def write_overlap_csv(table: OverlapTable, path: Path | str) -> None:
    """Write ``table`` in the format ``read_overlap_csv`` reads."""
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, [*table.lists, "count"])
        writer.writeheader()
        writer.writerows(table.rows())


def _bit(path: Path, line: int, column: str, value: str) -> int:
    if value not in ("0", "1"):
        raise OverlapFileError(f"{path}, line {line}, column {column!r}: {value!r} is not 0 or 1")
    return int(value)


def _count(path: Path, line: int, value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise OverlapFileError(
            f"{path}, line {line}, column 'count': {value!r} is not a whole number >= 0")
    return n


def _show(pattern: Pattern) -> str:
    return "".join(map(str, pattern))


# --- fitting -------------------------------------------------------------------------------
# statsmodels is not a dependency and the models are tiny (at most 2^L - 1 cells and
# 1 + L + L(L-1)/2 parameters), so the Poisson GLM is fitted here by Newton's method (IRLS,
# the canonical log link makes them one) with step-halving; the log-likelihood is concave, so
# this converges from the usual start whenever the maximum exists.


@dataclass(frozen=True)
class _Fit:
    beta: Array
    mu: Array
    loglik: float
    converged: bool
    diverging: list[int]  # cells whose fitted count was still falling when IRLS stopped


def _loglik(y: Array, mu: Array) -> float:
    logs = np.where(y > 0, y * np.log(np.where(mu > 0, mu, 1.0)), 0.0)
    gammas = sum(math.lgamma(v + 1.0) for v in y)
    return float(np.sum(logs - mu)) - gammas


def _irls(x: Array, y: Array, max_iter: int = 100, tol: float = 1e-9) -> _Fit:
    mu = y + 0.5
    eta = np.log(mu)
    beta: Array = np.linalg.lstsq(x, eta, rcond=None)[0].astype(np.float64)
    eta = x @ beta
    mu = np.exp(eta)
    ll = _loglik(y, mu)
    step = np.zeros_like(eta)
    for _ in range(max_iter):
        w = mu
        z = eta + (y - mu) / mu
        xtw = x.T * w
        new: Array = np.linalg.lstsq(xtw @ x, xtw @ z, rcond=None)[0].astype(np.float64)
        delta = new - beta
        for _halving in range(30):
            cand = beta + delta
            eta_c = np.clip(x @ cand, -700.0, 700.0)
            mu_c = np.exp(eta_c)
            ll_c = _loglik(y, mu_c)
            if ll_c >= ll - 1e-12 * (1.0 + abs(ll)):
                break
            delta = delta / 2.0
        step = eta_c - eta
        beta, eta, mu, ll = cand, eta_c, mu_c, ll_c
        if float(np.max(np.abs(step))) < tol:
            return _Fit(beta, mu, ll, True, [])
    diverging = [int(i) for i in np.flatnonzero((y == 0) & ((step < -0.1) | (mu < 1e-6)))]
    return _Fit(beta, mu, ll, False, diverging)


def _design(patterns: Sequence[Pattern], pairs: Sequence[tuple[int, int]]) -> Array:
    p = np.asarray(patterns, dtype=np.float64).reshape(len(patterns), -1)
    cols = [np.ones(len(patterns)), *p.T, *(p[:, i] * p[:, j] for i, j in pairs)]
    return np.column_stack(cols)


# --- models and the result -----------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """One candidate: main effects for every list plus ``interactions`` (pairs of lists)."""

    interactions: tuple[Pair, ...]
    parameters: int
    loglik: float | None = None
    aic: float | None = None
    bic: float | None = None
    unseen: float | None = None
    dropped: str = ""  # why the model is not estimable, or "" when it was fitted

    @property
    def terms(self) -> list[str]:
        return [f"{a}:{b}" for a, b in self.interactions]

    def score(self, criterion: str) -> float:
        value = self.aic if criterion == "aic" else self.bic
        return math.inf if value is None else value

    def row(self) -> dict[str, Any]:
        return {"interactions": self.terms, "parameters": self.parameters,
                "loglik": self.loglik, "aic": self.aic, "bic": self.bic,
                "unseen": self.unseen, "dropped": self.dropped or None}


@dataclass(frozen=True)
class Estimate:
    """An MSE estimate: the chosen model's estimate, its interval and every candidate."""

    table: OverlapTable
    lists: tuple[str, ...]  # the lists used (empty lists dropped)
    observed: int
    unseen: float
    total: float
    unseen_interval: tuple[float, float]
    interval: tuple[float, float]  # for the total population
    level: float
    criterion: str
    model: Model
    models: tuple[Model, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def dropped(self) -> list[Model]:
        return [m for m in self.models if m.dropped]

    def rows(self) -> list[dict[str, Any]]:
        """The model table: one row per candidate, best first, dropped ones last."""
        return [m.row() for m in self.models]

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-able (an unbounded interval end is ``None``)."""
        def num(v: float) -> float | None:
            return None if math.isinf(v) else round(v, 3)

        return {
            "method": "multiple systems estimation, log-linear Poisson models",
            "lists": list(self.lists),
            "observed": self.observed,
            "unseen": num(self.unseen),
            "total": num(self.total),
            "level": self.level,
            "unseen_interval": [num(v) for v in self.unseen_interval],
            "interval": [num(v) for v in self.interval],
            "interval_method": "profile likelihood (Cormack 1992)",
            "criterion": self.criterion,
            "model": self.model.terms,
            "models": self.rows(),
            "warnings": list(self.warnings),
            "overlap": self.table.rows(),
        }


def estimate(
    table: OverlapTable,
    *,
    criterion: str = "bic",
    level: float = 0.95,
    interactions: Sequence[Pair] | None = None,
) -> Estimate:
    """Estimate the unseen and total population from ``table``.

    ``interactions`` fixes the model (no selection); otherwise the model minimising
    ``criterion`` ("aic" or "bic") among the estimable ones is chosen.
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, not {criterion!r}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    warnings: list[str] = []
    empty = [name for name in table.lists if table.size(name) == 0]
    if empty:
        warnings.append(f"dropped empty lists (no one on them): {', '.join(empty)}")
        table = table.without(empty)
    if len(table.lists) < 2:
        raise EstimationError(
            f"MSE needs at least two lists with people on them; have {list(table.lists)}")
    if len(table.lists) > MAX_LISTS:
        raise EstimationError(
            f"{len(table.lists)} lists ({', '.join(table.lists)}): MSE here takes at most "
            f"{MAX_LISTS}; merge lists (e.g. by kind of agency) first")
    for name in table.lists:
        others = [o for o in table.lists if o != name]
        if len(others) > 1 and all(table.shared(name, o) == 0 for o in others):
            warnings.append(
                f"list {name} shares no one with any other list: the estimate leans on "
                "the assumption that it is independent of them (consider merging it)")
    fitter = _Fitter(table)
    if interactions is not None:
        known = set(table.lists)
        for a, b in interactions:
            if a not in known or b not in known or a == b:
                raise ValueError(f"interaction {a}:{b} is not a pair of the lists {known}")
        chosen = fitter.fit(tuple(_ordered(table.lists, p) for p in interactions))
        models = [chosen]
    else:
        models = fitter.select(criterion)
        chosen = min(models, key=lambda m: m.score(criterion))
    if chosen.dropped:
        raise EstimationError(
            f"no estimable model for lists {', '.join(table.lists)}: {chosen.dropped}")
    models.sort(key=lambda m: (bool(m.dropped), m.score(criterion)))
    if any(m.dropped for m in models):
        warnings.append(f"{sum(1 for m in models if m.dropped)} of {len(models)} candidate "
                        "models dropped as not estimable (see the model table)")
    assert chosen.unseen is not None
    low, high = fitter.profile_interval(chosen.interactions, chosen.unseen, level)
    if math.isinf(high):
        warnings.append("the interval has no upper bound: the lists overlap too little")
    n = table.observed
    return Estimate(
        table=table, lists=table.lists, observed=n, unseen=chosen.unseen,
        total=n + chosen.unseen, unseen_interval=(low, high), interval=(n + low, n + high),
        level=level, criterion=criterion, model=chosen, models=tuple(models),
        warnings=tuple(warnings),
    )


def _ordered(lists: tuple[str, ...], pair: Pair) -> Pair:
    a, b = pair
    return (a, b) if lists.index(a) < lists.index(b) else (b, a)


class _Fitter:
    def __init__(self, table: OverlapTable) -> None:
        self.table = table
        self.patterns = table.patterns()
        self.y = np.array([table.count(p) for p in self.patterns], dtype=np.float64)
        self.pairs = list(itertools.combinations(table.lists, 2))

    def _index(self, interactions: Sequence[Pair]) -> list[tuple[int, int]]:
        return [(self.table.lists.index(a), self.table.lists.index(b)) for a, b in interactions]

    def fit(self, interactions: tuple[Pair, ...]) -> Model:
        """Fit one model, or say why it is not estimable (SparseMSE's checks, in words)."""
        k = 1 + len(self.table.lists) + len(interactions)
        dropped = Model(interactions, k)
        cells = len(self.patterns)
        if k > cells:
            return _drop(dropped, f"{k} parameters for {cells} observed cells: not identifiable")
        x = _design(self.patterns, self._index(interactions))
        if np.linalg.matrix_rank(x) < k:
            return _drop(dropped, "design matrix not of full rank: not identifiable")
        empty = [f"{a}:{b}" for a, b in interactions if self.table.shared(a, b) == 0]
        if empty:
            return _drop(dropped, f"lists {', '.join(empty)} share no one: the MLE does not "
                                  "exist (the interaction would be minus infinity)")
        fit = _irls(x, self.y)
        if not fit.converged:
            cells_out = ", ".join(_show(self.patterns[i]) for i in fit.diverging) or "none"
            return _drop(dropped, "the MLE does not exist: the fit runs to the boundary "
                                  f"(fitted counts tending to zero in cells {cells_out})")
        unseen = float(math.exp(fit.beta[0]))
        n = self.table.observed
        return Model(interactions, k, loglik=fit.loglik, aic=2 * k - 2 * fit.loglik,
                     bic=k * math.log(n) - 2 * fit.loglik, unseen=unseen)

    def select(self, criterion: str) -> list[Model]:
        """Every subset of pairs when few, else forward stepwise from main effects."""
        if len(self.pairs) <= EXHAUSTIVE_PAIRS:
            return [self.fit(subset) for r in range(len(self.pairs) + 1)
                    for subset in itertools.combinations(self.pairs, r)]
        current = self.fit(())
        tried = [current]
        while True:
            candidates = [self.fit((*current.interactions, p)) for p in self.pairs
                          if p not in current.interactions]
            tried.extend(candidates)
            best = min(candidates, key=lambda m: m.score(criterion), default=None)
            if best is None or best.score(criterion) >= current.score(criterion):
                return tried
            current = best

    def profile_interval(self, interactions: tuple[Pair, ...], unseen: float,
                         level: float) -> tuple[float, float]:
        """Cormack's profile-likelihood interval for the unseen count N - n."""
        n = self.table.observed
        full = [(0,) * len(self.table.lists), *self.patterns]
        x = _design(full, self._index(interactions))

        def loglik(n0: float) -> float:
            y = np.concatenate(([n0], self.y))
            fit = _irls(x, y)
            total = n + n0
            # multinomial log-likelihood of the whole table from the Poisson one
            return fit.loglik + math.lgamma(total + 1.0) - total * math.log(total) + total

        # the maximum, by golden section over log(1 + n0)
        lo, hi = 0.0, math.log1p(10.0 * (unseen + 10.0))
        g = (math.sqrt(5.0) - 1.0) / 2.0
        for _ in range(60):
            a, b = hi - g * (hi - lo), lo + g * (hi - lo)
            if loglik(math.expm1(a)) < loglik(math.expm1(b)):
                lo = a
            else:
                hi = b
        best_n0 = math.expm1((lo + hi) / 2.0)
        top = loglik(best_n0)
        cut = NormalDist().inv_cdf((1.0 + level) / 2.0) ** 2 / 2.0

        def outside(n0: float) -> bool:
            return top - loglik(n0) > cut

        def bisect(inside: float, out: float) -> float:
            for _ in range(60):
                mid = (inside + out) / 2.0
                if outside(mid):
                    out = mid
                else:
                    inside = mid
                if abs(out - inside) < 1e-3 * (1.0 + inside):
                    break
            return (inside + out) / 2.0

        low = 0.0 if not outside(0.0) else bisect(best_n0, 0.0)
        far = 2.0 * best_n0 + 10.0
        while not outside(far):
            far *= 2.0
            if far > 1e4 * (n + 10.0):
                return low, math.inf
        return low, bisect(best_n0, far)


def _drop(model: Model, reason: str) -> Model:
    return Model(model.interactions, model.parameters, dropped=reason)
