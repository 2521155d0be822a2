"""Releasing a table of victims: k-anonymity, or differential privacy through OpenDP.

**k-anonymity** (``release_kanon``): a cell of fewer than ``k`` victims is suppressed (default
11, as IOM's Counter Trafficking Data Collaborative uses); the others are rounded to the
nearest multiple of ``step`` (default 5, so that differences between two releases do not give
exact counts back), and a cell rounded below ``k`` is raised to the smallest multiple of
``step`` not below it, so no released cell is ever below ``k``. Cells not listed are suppressed
or empty; no totals are released, so suppressed cells cannot be recovered from margins.

**Differential privacy** (``release_dp``): each cell of the table's *public* domain (every
combination of each dimension's public values: ISO countries, the standard's code lists, the
years asked for; a corridor has no public list, so its values must be given) is counted, and
OpenDP's discrete Laplace mechanism adds noise to the vector of counts. Neighbouring data sets
differ by one victim; a victim is in as many cells as the product of their values' counts
(``tables.cells``), so the L1 sensitivity is the most cells one victim is in. That is bounded
before counting: a victim in more than ``contributions`` cells keeps a random ``contributions``
of them (default: 1 for tables of single-valued dimensions, times ``PER_DIMENSION``'s cap for
each multi-valued one: 2, or 4 for control methods), so the sensitivity is ``contributions``
and the noise scale is the smallest for which OpenDP's privacy map gives ε (about
``contributions / ε``). The release is ε-DP with δ = 0. Noisy counts are then post-processed,
which spends nothing: negative counts become 0, so the table is of non-negative integers;
totals are left to be summed from the cells, so they agree with them. Values outside a
dimension's public list are counted as ``"other"``.

**Utility** (``Utility``), with every release: the mean and 95th-percentile relative error of
the released cells against the true counts, over cells with a true count of at least 50
(capping's undercount included), and the share of cells and of counts suppressed. It is
computed from the true counts, so it is for the coordinator who releases: it is not itself
protected.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pycountry

from tessera.files import folder, write_csv, write_json
from tessera.patterns.routes import AGE_BANDS, Journey
from tessera.publish.tables import MULTI_VALUED, UNKNOWN, Cell, Table, cells, check_dimensions
from tessera.standard import codes

K = 11  # IOM CTDC's k
STEP = 5
# Values a victim keeps, by default, of each multi-valued dimension: most victims are
# recorded with one exploitation type, industry, recruitment method or nationality, and with
# two to four methods of control (as in CTDC's data). Chosen from that public knowledge, not
# from the data being released: a cap read off the data would leak it.
PER_DIMENSION = {"exploitation_type": 2, "industry": 2, "recruitment_method": 2,
                 "nationality": 2, "control_method": 4}
UTILITY_FLOOR = 50  # relative error is reported over cells of at least this many victims
MAX_CELLS = 250_000  # a larger public domain takes OpenDP seconds per 100,000 cells
OTHER = "other"
KANON = "k-anonymity"
DP = "differential-privacy"
DP_MECHANISM = "discrete-laplace"



@functools.cache
def opendp() -> ModuleType:
    """OpenDP, imported when a release is made: it takes over a second to import (it brings
    scikit-learn), which every `tessera` command would otherwise pay at start-up.

    OpenDP marks constructors whose proofs are not yet vetted as "contrib" and refuses them
    unless asked: the discrete Laplace on integer vectors is one. Its proof is published
    (Canonne, Kamath, Steinke 2020) and OpenDP's tests cover it; we accept it knowingly."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


@dataclass(frozen=True)
class Utility:
    """How far a release is from the truth (computed from the true counts: not private)."""

    cells_compared: int  # cells with a true count of at least UTILITY_FLOOR
    mean_relative_error: float | None  # None when no cell is that large
    p95_relative_error: float | None
    suppressed_cells: int
    suppressed_cell_share: float  # of the cells with at least one victim
    suppressed_share: float  # of the victims counted in cells (the sum of true counts)


@dataclass(frozen=True)
class Release:
    """A released table and everything said about it."""

    id: str
    method: str  # KANON or DP
    by: tuple[str, ...]
    rows: list[tuple[Cell, int]]  # released cells, sorted; cells not listed are 0/suppressed
    parameters: dict[str, Any]
    epsilon: float | None  # None for k-anonymity (no differential privacy)
    delta: float | None
    utility: Utility
    created_at: dt.datetime
    sources: tuple[str, ...] = ()  # the data collections released from
    agencies: tuple[str, ...] = ()  # the agencies whose records were counted
    notes: tuple[str, ...] = field(default=())

    def metadata(self) -> dict[str, Any]:
        return {
            "release": self.id,
            "method": self.method,
            "mechanism": DP_MECHANISM if self.method == DP else None,
            "dimensions": list(self.by),
            "parameters": self.parameters,
            "epsilon": self.epsilon,
            "delta": self.delta,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "source_collections": list(self.sources),
            "agencies": list(self.agencies),
            "unit": "distinct victims",
            "cells": len(self.rows),
            "utility": asdict(self.utility),
            "notes": list(self.notes),
        }


def new_id(now: dt.datetime) -> str:
    return f"R{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def relative_errors(true: Mapping[Cell, int], released: Mapping[Cell, int],
                    floor: int = UTILITY_FLOOR) -> list[float]:
    """|released - true| / true for every cell with a true count of at least ``floor`` (a
    suppressed or missing cell released as 0)."""
    return [abs(released.get(cell, 0) - n) / n for cell, n in true.items() if n >= floor]


def utility(true: Mapping[Cell, int], released: Mapping[Cell, int],
            suppressed: Iterable[Cell] = ()) -> Utility:
    errors = relative_errors(true, released)
    gone = set(suppressed)
    total = sum(true.values())
    return Utility(
        cells_compared=len(errors),
        mean_relative_error=float(np.mean(errors)) if errors else None,
        p95_relative_error=float(np.percentile(errors, 95)) if errors else None,
        suppressed_cells=len(gone),
        suppressed_cell_share=len(gone) / len(true) if true else 0.0,
        suppressed_share=sum(true[c] for c in gone if c in true) / total if total else 0.0,
    )


# --- k-anonymity ------------------------------------------------------------------------------


def round_cell(n: int, k: int, step: int) -> int:
    """A count of at least ``k`` rounded to the nearest multiple of ``step`` (halves up), and
    never below ``k``."""
    rounded = (n + step // 2) // step * step
    return max(rounded, math.ceil(k / step) * step)


def release_kanon(table: Table, *, k: int = K, step: int = STEP, sources: Sequence[str] = (),
          agencies: Sequence[str] = (), now: dt.datetime | None = None) -> Release:
    """The table with cells below ``k`` suppressed and the others rounded to ``step``."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if step < 1:
        raise ValueError(f"the rounding step must be at least 1, not {step}")
    now = now or dt.datetime.now(dt.UTC)
    kept = {cell: round_cell(n, k, step) for cell, n in table.counts.items() if n >= k}
    suppressed = [cell for cell, n in table.counts.items() if n < k]
    return Release(
        id=new_id(now), method=KANON, by=table.by, rows=sorted(kept.items()),
        parameters={"k": k, "rounding_step": step, "victims": table.victims},
        epsilon=None, delta=None, utility=utility(table.counts, kept, suppressed),
        created_at=now, sources=tuple(sources), agencies=tuple(agencies),
        notes=(f"cells of fewer than {k} victims are suppressed; the others are rounded to "
               f"the nearest multiple of {step}, and never below {k}",
               "a victim with several values of a multi-valued dimension counts once in each"),
    )


# --- differential privacy ---------------------------------------------------------------------


def public_values(name: str, years: tuple[int, int] | None = None,
                  given: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """A dimension's public values (known without looking at the data), with ``"unknown"``
    and ``"other"``; ValueError when it has none and none were given."""
    if given and name in given:
        values = list(given[name])
    elif name == "year":
        if years is None:
            raise ValueError("a differentially private table by year needs the years to "
                             "release, a public range (e.g. 2021-2024)")
        values = [f"{y:04d}" for y in range(years[0], years[1] + 1)]
    elif name in ("origin", "destination", "nationality"):
        values = sorted(c.alpha_2 for c in pycountry.countries)
    elif name in _CODE_LISTS:
        values = [str(v) for v in _CODE_LISTS[name]]
    elif name == "age_band":
        values = [label for _, _, label in AGE_BANDS]
    else:
        raise ValueError(f"dimension {name!r} has no public list of values: give them "
                         f"(e.g. the corridors to release), or release it with k-anonymity")
    return list(dict.fromkeys([*values, UNKNOWN, OTHER]))


_CODE_LISTS: dict[str, type[StrEnum]] = {
    "exploitation_type": codes.ExploitationType,
    "industry": codes.Industry,
    "gender": codes.Gender,
    "recruitment_method": codes.RecruitmentMethod,
    "control_method": codes.ControlMethod,
}


def default_contributions(by: Sequence[str]) -> int:
    """The cells a victim counts in by default: the product of ``PER_DIMENSION``'s caps of
    the multi-valued dimensions of ``by`` (1 for single-valued ones)."""
    return math.prod(PER_DIMENSION.get(name, 1) for name in by if name in MULTI_VALUED)


def noise_scale(contributions: int, epsilon: float) -> float:
    """The smallest discrete Laplace scale OpenDP proves ε-DP for a sensitivity of
    ``contributions``."""
    dp = opendp()
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return float(dp.binary_search_param(
        lambda s: dp.m.make_laplace(*space, scale=s), d_in=contributions, d_out=epsilon))


def release_dp(victims: Iterable[Journey], by: Sequence[str], *, epsilon: float,
       contributions: int | None = None, years: tuple[int, int] | None = None,
       domains: Mapping[str, Sequence[str]] | None = None, seed: int | None = None,
       sources: Sequence[str] = (), agencies: Sequence[str] = (),
       now: dt.datetime | None = None) -> Release:
    """The victims' table by ``by`` with ε-differential privacy (module docstring).

    ``seed`` makes the choice of cells kept for a victim in too many repeatable; OpenDP's
    noise comes from the operating system's secure generator and is never repeatable."""
    by = check_dimensions(by)
    if not epsilon > 0 or not math.isfinite(epsilon):
        raise ValueError(f"epsilon must be a positive number, not {epsilon}")
    cap = contributions if contributions is not None else default_contributions(by)
    if cap < 1:
        raise ValueError(f"contributions must be at least 1, not {cap}")
    values = [public_values(name, years, domains) for name in by]
    size = math.prod(len(v) for v in values)
    if size > MAX_CELLS:
        raise ValueError(f"a table by {', '.join(by)} has {size:,} public cells, more than "
                         f"{MAX_CELLS:,}: count by fewer dimensions or give shorter lists")
    index = [{v: i for i, v in enumerate(vs)} for vs in values]
    strides = [math.prod(len(v) for v in values[d + 1:]) for d in range(len(values))]
    chooser = random.Random(seed) if seed is not None else random.SystemRandom()

    true: Counter[Cell] = Counter()
    capped = np.zeros(size, dtype=np.int64)
    trimmed = 0
    for journey in victims:
        mine = [tuple(v if v in index[d] else OTHER for d, v in enumerate(cell))
                for cell in cells(journey, by)]
        true.update(mine)
        if len(mine) > cap:
            mine = chooser.sample(mine, cap)
            trimmed += 1
        for cell in mine:
            capped[sum(index[d][v] * strides[d] for d, v in enumerate(cell))] += 1

    scale = noise_scale(cap, epsilon)
    dp = opendp()
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = dp.m.make_laplace(*space, scale=scale)
    spent = float(measurement.map(cap))  # the ε OpenDP proves for this sensitivity
    noisy = measurement([int(x) for x in capped])
    released = {cell: max(0, int(v))  # post-processing: no negative counts
                for cell, v in zip(itertools.product(*values), noisy, strict=True) if v > 0}
    now = now or dt.datetime.now(dt.UTC)
    return Release(
        id=new_id(now), method=DP, by=by, rows=sorted(released.items()),
        parameters={"mechanism": DP_MECHANISM, "contributions": cap, "sensitivity_l1": cap,
                    "noise_scale": scale, "public_cells": size,
                    "years": list(years) if years else None,
                    "victims_capped": trimmed, "post_processing": "negative counts set to 0"},
        epsilon=spent, delta=0.0, utility=utility(true, released), created_at=now,
        sources=tuple(sources), agencies=tuple(agencies),
        notes=(f"each victim counts in at most {cap} cells (a random {cap} are kept of more), "
               f"so one victim changes the table by at most {cap} (L1)",
               "cells not listed were released as 0; totals are the sums of the cells",
               "a victim with several values of a multi-valued dimension counts once in each",
               "utility is computed from the true counts: it is not itself private"),
    )


# --- outputs ----------------------------------------------------------------------------------


def write(release: Release, out: Path) -> tuple[Path, Path]:
    """``table.csv`` (one column per dimension, then ``victims``) and ``metadata.json`` in
    the folder ``out`` (made if missing)."""
    table_path, meta_path = folder(out) / "table.csv", out / "metadata.json"
    columns = [*release.by, "victims"]
    write_csv(table_path, columns, (dict(zip(columns, [*cell, n], strict=True))
                                    for cell, n in release.rows))
    write_json(meta_path, release.metadata())
    return table_path, meta_path
