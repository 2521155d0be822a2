"""Differentially private synthetic microdata of victims, for researchers.

**Method.** This is MST (McKenna, Miklau and Sheldon, "Winning the NIST Contest", 2021: the
marginal-based synthesiser that won NIST's 2018 differential privacy synthetic data challenge)
with two simplifications that its setting here allows, each said below:

1. *Columns.* A synthetic victim has the single-valued columns ``year``, ``origin``,
   ``destination``, ``gender``, ``age_band``; the multi-valued ``exploitation_type``,
   ``industry`` and ``recruitment_method`` as one categorical value each, the victim's
   combination of codes (``"forced_labour;sexual"``; three codes or more are ``"other"``);
   and ``control_method`` as one 0/1 flag per code of the standard, as IOM's CTDC publishes
   it. Every column has exactly one value per victim, so each victim counts once in every
   marginal and no contribution needs capping.
2. *Measure the 1-way marginals* of the categorical columns over their public domains (ISO
   countries, the standard's code lists and their pairs, the years asked for), with OpenDP's
   discrete Gaussian mechanism on the concatenated count vector (L2 sensitivity
   ``√columns``), spending a quarter of the budget.
3. *Compress each domain* (as MST does): values whose noisy count is below ``3σ`` are merged
   into ``"other"``, so that the 2-way marginals are not drowned in the noise of thousands of
   empty cells (an origin × destination table over all countries has 63,000). This is
   post-processing of step 2's output.
4. *Measure the 2-way marginals of a tree* of the columns over the compressed domains, with
   the rest of the budget (L2 sensitivity ``√edges``). MST chooses its tree from the data
   (a maximum spanning tree picked with the exponential mechanism, which spends budget);
   here the tree is fixed in advance from public knowledge of trafficking (``TREE``):
   the destination depends on the origin; the year and the form of exploitation on the
   destination; gender, industry, recruitment and each method of control on the form of
   exploitation; age on gender. A fixed tree spends nothing on selection; the cost
   is that dependences off the tree are not kept (the utility report shows how much).
5. *Make the measurements consistent and sample* (post-processing, spending nothing): each
   noisy table is made non-negative with its noisy total kept (norm-sub: Wang et al. 2020,
   subtract one constant from the positive cells and zero the negative ones), then records
   are drawn down the tree, the root from its 1-way marginal and every other column from its
   conditional distribution given its parent. On a tree this is exact inference, so
   Private-PGM (which MST uses for general graphs) is not needed.

The budget is accounted in zero-concentrated DP (the two Gaussian measurements' ρ add, Bun
and Steinke 2016) and converted to (ε, δ) by OpenDP; ``make_synthetic`` is given the (ε, δ)
to spend and finds ρ from it. The sampling's random generator is seedable (it is
post-processing); OpenDP's noise is not.

**Utility** (``SyntheticUtility``), with every release: the total variation distance between
the synthetic and the true distributions of each column, of each measured pair (the tree's
edges) and of every other pair of categorical columns, and the mean relative error of the
measured pairs' cells with a true count of at least 50. Like a table's utility it is computed
from the true data: it is for the coordinator who releases, not itself private.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tessera.files import folder, write_csv, write_json
from tessera.patterns.routes import Journey
from tessera.publish.release import OTHER, new_id, opendp, public_values
from tessera.publish.tables import DIMENSIONS, UNKNOWN
from tessera.standard import codes

MECHANISM = "discrete-gaussian"
METHOD = "mst-fixed-tree"
DELTA = 1e-7  # the default δ: far below one in the number of victims any hub holds
PHASE_ONE = 0.25  # share of ρ spent on the 1-way marginals
COMPRESS = 3.0  # a value is kept when its noisy count is at least this many σ
SEPARATOR = ";"
FLAG = "control_method:"  # control methods are one 0/1 column per code
COMBINED = ("exploitation_type", "industry", "recruitment_method")
SINGLE = ("year", "origin", "destination", "gender", "age_band")
CATEGORICAL = (*SINGLE, *COMBINED)
FLAGS = tuple(f"{FLAG}{code}" for code in codes.ControlMethod)
COLUMNS = (*CATEGORICAL, *FLAGS)
# column -> its parent; the root (origin) has none. Chosen from public knowledge of
# trafficking, not from the data (module docstring, step 4).
TREE: dict[str, str] = {
    "destination": "origin",
    "year": "destination",
    "exploitation_type": "destination",
    "gender": "exploitation_type",
    "age_band": "gender",
    "industry": "exploitation_type",
    "recruitment_method": "exploitation_type",
    **dict.fromkeys(FLAGS, "exploitation_type"),
}
ROOT = "origin"
UTILITY_FLOOR = 50


def _combination(values: tuple[str, ...]) -> str:
    if values == (UNKNOWN,):
        return UNKNOWN
    return SEPARATOR.join(values) if len(values) <= 2 else OTHER


def row(journey: Journey) -> dict[str, str]:
    """A victim's values in every column (``COLUMNS``)."""
    out = {name: DIMENSIONS[name](journey)[0] for name in SINGLE}
    for name in COMBINED:
        out[name] = _combination(DIMENSIONS[name](journey))
    controls = set(journey.control_methods)
    for code in codes.ControlMethod:
        out[f"{FLAG}{code}"] = "1" if str(code) in controls else "0"
    return out


def domain(name: str, years: tuple[int, int],
           given: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """A column's public values: a flag's 0 and 1; a combined column's codes and their pairs;
    otherwise the table dimension's (``release.public_values``)."""
    if name.startswith(FLAG):
        return ["0", "1"]
    if name in COMBINED and not (given and name in given):
        single = public_values(name)
        known = [v for v in single if v not in (UNKNOWN, OTHER)]
        pairs = [SEPARATOR.join(p) for p in itertools.combinations(sorted(known), 2)]
        return [*single, *pairs]
    return public_values(name, years, given)


@dataclass(frozen=True)
class SyntheticUtility:
    """How close the synthetic data are to the truth (computed from it: not private)."""

    records_true: int
    records_synthetic: int
    columns: dict[str, float]  # total variation distance of each column's distribution
    measured_pairs: dict[str, float]  # of each tree edge's joint distribution ("a|b")
    other_pairs: dict[str, float]  # of every other pair of categorical columns
    cells_compared: int  # measured pairs' cells with a true count of at least 50
    mean_relative_error: float | None

    def summary(self) -> dict[str, float | None]:
        def mean(d: dict[str, float]) -> float | None:
            return float(np.mean(list(d.values()))) if d else None

        return {"columns_mean_tvd": mean(self.columns),
                "measured_pairs_mean_tvd": mean(self.measured_pairs),
                "other_pairs_mean_tvd": mean(self.other_pairs),
                "other_pairs_max_tvd": max(self.other_pairs.values(), default=None),
                "mean_relative_error": self.mean_relative_error}


@dataclass(frozen=True)
class Synthetic:
    """A synthetic data set of victims and everything said about it."""

    id: str
    rows: list[dict[str, str]]
    epsilon: float
    delta: float
    rho: float
    parameters: dict[str, Any]
    utility: SyntheticUtility
    created_at: dt.datetime
    sources: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def metadata(self) -> dict[str, Any]:
        return {
            "release": self.id, "method": METHOD, "mechanism": MECHANISM,
            "columns": list(COLUMNS), "tree": dict(TREE), "parameters": self.parameters,
            "epsilon": self.epsilon, "delta": self.delta, "rho": self.rho,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "source_collections": list(self.sources), "agencies": list(self.agencies),
            "unit": "synthetic victims", "records": len(self.rows),
            "utility": {**self.utility.summary(), **asdict(self.utility)},
            "notes": list(self.notes),
        }


# --- privacy accounting -------------------------------------------------------------------


def rho_for(epsilon: float, delta: float) -> float:
    """The ρ of zero-concentrated DP that OpenDP converts to exactly (``epsilon``, ``delta``):
    found on a reference Gaussian mechanism of sensitivity 1, whose ρ is 1 / (2 scale²)."""
    dp = opendp()
    scale = dp.binary_search_param(lambda s: _approx(s, delta), d_in=1.0,
                                   d_out=(epsilon, delta))
    return 1.0 / (2.0 * float(scale) ** 2)


def _approx(scale: float, delta: float) -> Any:
    dp = opendp()
    gauss = dp.m.make_gaussian(dp.atom_domain(T=int), dp.absolute_distance(T=float),
                               scale=scale)
    return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(gauss), delta)


def epsilon_of(rho: float, delta: float) -> float:
    """The ε OpenDP proves, at ``delta``, for ρ-zCDP."""
    return float(_approx(1.0, delta).map(math.sqrt(2.0 * rho))[0])


def _measure(counts: np.ndarray, marginals: int, rho: float) -> tuple[np.ndarray, float, float]:
    """``counts`` (``marginals`` marginals, concatenated: one victim changes each by one, so
    the L2 sensitivity is √marginals) with OpenDP's discrete Gaussian noise costing ``rho``;
    returns (noisy counts, σ, the ρ OpenDP proves)."""
    dp = opendp()
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l2_distance(T=float)
    sensitivity = math.sqrt(marginals)
    scale = float(dp.binary_search_param(lambda s: dp.m.make_gaussian(*space, scale=s),
                                         d_in=sensitivity, d_out=rho))
    mechanism = dp.m.make_gaussian(*space, scale=scale)
    noisy = np.asarray(mechanism([int(x) for x in counts]), dtype=np.float64)
    return noisy, scale, float(mechanism.map(sensitivity))


# --- post-processing ----------------------------------------------------------------------


def norm_sub(noisy: np.ndarray, total: float) -> np.ndarray:
    """Non-negative counts summing to ``total``: one constant subtracted from the positive
    cells, the negative ones zeroed (Wang et al. 2020's Norm-Sub). Zero when ``total`` is
    not positive or no cell is."""
    if total <= 0 or not (noisy > 0).any():
        return np.zeros_like(noisy)
    # Sort descending; the constant c makes the top j cells, less c, sum to ``total`` for the
    # largest j where the j-th cell still exceeds c.
    ordered = np.sort(noisy)[::-1]
    sums = np.cumsum(ordered)
    j = np.arange(1, len(ordered) + 1)
    constants = (sums - total) / j
    keep = ordered > constants
    c = float(constants[np.nonzero(keep)[0][-1]])
    fixed: np.ndarray = np.clip(noisy - c, 0.0, None)
    return fixed


# --- synthesis ----------------------------------------------------------------------------


def make_synthetic(victims: Iterable[Journey], *, epsilon: float, delta: float = DELTA,
                   years: tuple[int, int], domains: Mapping[str, Sequence[str]] | None = None,
                   records: int | None = None, seed: int | None = None,
                   sources: Sequence[str] = (), agencies: Sequence[str] = (),
                   now: dt.datetime | None = None) -> Synthetic:
    """Synthetic victims with (``epsilon``, ``delta``)-differential privacy (module
    docstring). ``records``: how many to draw (default: the noisy number of victims);
    ``seed`` makes the drawing repeatable, not the noise."""
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError(f"epsilon must be a positive number, not {epsilon}")
    if not 0 < delta < 1:
        raise ValueError(f"synthetic data spend a δ above 0 and below 1 (Gaussian noise), "
                         f"not {delta}")
    if records is not None and records < 1:
        raise ValueError(f"records must be at least 1, not {records}")
    true_rows = [row(j) for j in victims]
    rho = rho_for(epsilon, delta)

    # step 2: 1-way marginals over the public domains
    public = {name: domain(name, years, domains) for name in CATEGORICAL}
    index = {name: {v: i for i, v in enumerate(vs)} for name, vs in public.items()}
    ones = [np.zeros(len(public[name]), dtype=np.int64) for name in CATEGORICAL]
    for r in true_rows:
        for vec, name in zip(ones, CATEGORICAL, strict=True):
            vec[index[name].get(r[name], index[name][OTHER])] += 1
    noisy1, sigma1, rho1 = _measure(np.concatenate(ones), len(CATEGORICAL), rho * PHASE_ONE)
    splits = np.cumsum([len(public[name]) for name in CATEGORICAL])[:-1]
    noisy_ones = dict(zip(CATEGORICAL, np.split(noisy1, splits), strict=True))
    # Each marginal's sum is the number of victims plus the noise of all its cells: weighted
    # by the inverse of that noise's variance (σ² × cells), the small domains count most.
    cells = np.array([len(public[name]) for name in CATEGORICAL], dtype=np.float64)
    sums = np.array([noisy_ones[name].sum() for name in CATEGORICAL])
    n_noisy = float(np.sum(sums / cells) / np.sum(1.0 / cells))

    # step 3: compress each domain to the values seen above the noise
    kept: dict[str, list[str]] = {}
    for name in CATEGORICAL:
        values = [v for v, x in zip(public[name], noisy_ones[name], strict=True)
                  if x >= COMPRESS * sigma1 and v != OTHER]
        kept[name] = [*values, OTHER]
    for flag in FLAGS:
        kept[flag] = ["0", "1"]

    def code(name: str, value: str) -> str:
        return value if value in kept[name] else OTHER

    # step 4: 2-way marginals of the tree's edges over the compressed domains
    edges = list(TREE.items())
    shapes = [(len(kept[parent]), len(kept[child])) for child, parent in edges]
    pos = {name: {v: i for i, v in enumerate(vs)} for name, vs in kept.items()}
    twos = [np.zeros(shape, dtype=np.int64) for shape in shapes]
    for r in true_rows:
        for table, (child, parent) in zip(twos, edges, strict=True):
            table[pos[parent][code(parent, r[parent])], pos[child][code(child, r[child])]] += 1
    noisy2, sigma2, rho2 = _measure(np.concatenate([t.ravel() for t in twos]), len(edges),
                                    rho * (1 - PHASE_ONE))
    sizes = np.cumsum([a * b for a, b in shapes])[:-1]
    noisy_twos = [part.reshape(shape) for part, shape
                  in zip(np.split(noisy2, sizes), shapes, strict=True)]

    # step 5: consistent, non-negative distributions, and drawing down the tree
    n = records if records is not None else max(1, round(n_noisy))
    rng = np.random.default_rng(seed)
    root_dist = norm_sub(np.array([noisy_ones[ROOT][index[ROOT][v]] for v in kept[ROOT]]),
                         n_noisy)
    drawn: dict[str, np.ndarray] = {ROOT: _draw(rng, root_dist, n)}
    for (child, parent), noisy in zip(edges, noisy_twos, strict=True):
        joint = norm_sub(noisy.ravel(), n_noisy).reshape(noisy.shape)
        fallback = joint.sum(axis=0)  # the child's margin, for a parent value with no mass
        out = np.empty(n, dtype=np.int64)
        for p in range(joint.shape[0]):
            at = np.nonzero(drawn[parent] == p)[0]
            if len(at):
                weights = joint[p] if joint[p].sum() > 0 else fallback
                out[at] = _draw(rng, weights, len(at))
        drawn[child] = out
    synthetic = [{name: kept[name][int(drawn[name][i])] for name in COLUMNS} for i in range(n)]

    spent_rho = rho1 + rho2
    now = now or dt.datetime.now(dt.UTC)
    return Synthetic(
        id=new_id(now), rows=synthetic, epsilon=epsilon_of(spent_rho, delta), delta=delta,
        rho=spent_rho,
        parameters={"mechanism": MECHANISM, "sigma_one_way": sigma1, "sigma_two_way": sigma2,
                    "rho_one_way": rho1, "rho_two_way": rho2, "compress_at_sigmas": COMPRESS,
                    "kept_values": {k: len(v) - 1 for k, v in kept.items() if k in CATEGORICAL},
                    "years": list(years), "seed_of_drawing": seed},
        utility=synthetic_utility(true_rows, synthetic),
        created_at=now, sources=tuple(sources), agencies=tuple(agencies),
        notes=("each row is a synthetic victim, not a person: drawn from noisy marginals",
               f"values heard below {COMPRESS:g}σ of noise were merged into {OTHER!r}",
               "combined columns hold a victim's codes joined by ';' (three or more: "
               "'other'); control_method:CODE columns are 0/1 flags",
               "dependences between columns off the tree are not kept (utility, other pairs)",
               "utility is computed from the true data: it is not itself private"),
    )


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    total = weights.sum()
    if total <= 0:  # nothing survived the noise: spread evenly rather than fail
        return rng.integers(0, len(weights), size=n)
    return rng.choice(len(weights), size=n, p=weights / total)


# --- utility ------------------------------------------------------------------------------


def _distribution(rows: Sequence[Mapping[str, str]], names: Sequence[str]) -> dict[Any, float]:
    counts: dict[Any, float] = {}
    for r in rows:
        key = tuple(r[n] for n in names)
        counts[key] = counts.get(key, 0.0) + 1.0
    return counts


def _tvd(a: Mapping[Any, float], b: Mapping[Any, float]) -> float:
    ta, tb = sum(a.values()) or 1.0, sum(b.values()) or 1.0
    return 0.5 * sum(abs(a.get(k, 0.0) / ta - b.get(k, 0.0) / tb) for k in {*a, *b})


def synthetic_utility(true: Sequence[Mapping[str, str]],
                      synthetic: Sequence[Mapping[str, str]]) -> SyntheticUtility:
    """Distances between the true and synthetic distributions (values the synthesis merged
    into ``"other"`` count as different from the true ones: that loss is part of the
    error)."""
    columns = {n: _tvd(_distribution(true, [n]), _distribution(synthetic, [n]))
               for n in COLUMNS}
    measured, errors = {}, []
    for child, parent in TREE.items():
        t, s = _distribution(true, [parent, child]), _distribution(synthetic, [parent, child])
        measured[f"{child}|{parent}"] = _tvd(t, s)
        errors += [abs(s.get(k, 0.0) - c) / c for k, c in t.items() if c >= UTILITY_FLOOR]
    tree = {frozenset(e) for e in TREE.items()}
    other = {f"{a}|{b}": _tvd(_distribution(true, [a, b]), _distribution(synthetic, [a, b]))
             for a, b in itertools.combinations(CATEGORICAL, 2) if frozenset((a, b)) not in tree}
    return SyntheticUtility(
        records_true=len(true), records_synthetic=len(synthetic), columns=columns,
        measured_pairs=measured, other_pairs=other, cells_compared=len(errors),
        mean_relative_error=float(np.mean(errors)) if errors else None)


def write(made: Synthetic, out: Path) -> tuple[Path, Path]:
    """``synthetic.csv`` (one row per synthetic victim) and ``metadata.json`` in ``out``."""
    data_path, meta_path = folder(out) / "synthetic.csv", out / "metadata.json"
    write_csv(data_path, COLUMNS, made.rows)
    write_json(meta_path, made.metadata())
    return data_path, meta_path
