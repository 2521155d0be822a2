"""Privacy-preserving matching benchmark (issue 5), side by side with clkhash + anonlink.

Quality, speed and a re-identification attack, each measured in the same run on the same rows
as CSIRO Data61's clkhash (encoding) and anonlink (matching):

    .venv/bin/pip install -e '.[bench]'          # clkhash, anonlink; without them the
    .venv/bin/pip install 'mypy-extensions>=1'   # comparisons are skipped, saying so (clkhash
                                                 # pins mypy-extensions<0.5: mypy needs >=1)
    .venv/bin/python bench/pprl.py               # quality, 100,000 x 100,000, attack: ~7 min
    .venv/bin/python bench/pprl.py --million     # Tessera alone, 1,000,000 x 1,000,000: ~7 min
    .venv/bin/python bench/pprl.py --only attack --balance --secrets 1   # balanced filters too

1. Quality. FEBRL4 (``$TESSERA_BENCH_DATA/febrl``, default ``../shared/data``; skipped, saying
   so, when absent) and a generated scenario (``--scale``; eight countries, names in Latin,
   Cyrillic, Arabic and Han scripts): Tessera's encodings matched at a range of thresholds;
   clkhash CLKs of the same fields (names as q-grams, date of birth, FEBRL's social security
   number; on the scenario the transliterated name, birth date, gender and nationality),
   1024 bits, matched by anonlink (all pairs, ``find_candidate_pairs`` then ``greedy_solve``)
   at the same thresholds; on the scenario also Tessera's plaintext entity resolution
   (``tessera.linkage.model.link``). Pairwise precision, recall and F1 over the pairs of
   records of different agencies (``pairwise(..., across=True)``).
2. Speed. Two police files of ``--size`` person records each, half the people in both
   (``data.two_files``): encoding records/s, Tessera against clkhash, on the same rows; then
   end to end (encode both files, block, score, solve) Tessera against clkhash + anonlink
   all-pairs, with the F1 of each. ``--million`` (or ``--size 1000000 --no-reference``) runs
   Tessera alone and reports time and peak memory.
3. Attack. The frequency attack of ``tessera.linkage.pprl.attack`` on ``--attacked`` records of a
   scenario (``--attack-scale``), the population being every person record of that scenario:
   the share re-identified without hardening and with each hardening, and the F1 each
   hardening costs on FEBRL4 and on the scenario.
"""

from __future__ import annotations

import argparse
import array
import csv
import hashlib
import os
import random
import resource
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import data
from tessera.linkage.evaluate import Scores, pairwise
from tessera.linkage.pprl.attack import attack
from tessera.linkage.pprl.encode import Encodings, encode
from tessera.linkage.pprl.match import match
from tessera.linkage.pprl.schema import Hardening, Schema, Secret

try:
    import anonlink
    from clkhash import clk as clkhash_clk
    from clkhash.schema import from_json_dict
except ImportError:
    REFERENCE = False
else:
    REFERENCE = True

Rows = list[dict[str, Any]]
THRESHOLDS = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
SECRET = Secret("bench", hashlib.sha256(b"tessera/bench/pprl").digest())
CLK_SECRET = "tessera bench"  # noqa: S105 - a benchmark's key, over generated people
UNSALTED = Schema(hardening=Hardening(salt=None))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Start the process's peak resident memory afresh (Linux: ``clear_refs`` 5), so a peak
    measured after is that of the work after; False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _hwm_mib() -> float:
    """Peak resident memory since the last ``_reset_peak``, from /proc (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return _peak_mib()


def _load() -> str:
    """How busy the machine is (others' work slows both sides, clkhash's two processes more)."""
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


def _line(name: str, scores: Scores, extra: str = "") -> None:
    print(f"  {name:44} precision {scores.precision:.3f}  recall {scores.recall:.3f}  "
          f"F1 {scores.f1:.3f}{extra}")


# --- Tessera ---------------------------------------------------------------------------------


def agencies(rows: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """The rows of each agency, in order of first appearance."""
    by: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by.setdefault(str(row["unique_id"]).split("/", 1)[0], []).append(row)
    return list(by.values())


def tessera_encode(rows: Sequence[Mapping[str, Any]], schema: Schema, *,
                   identifiers: bool = True) -> list[Encodings]:
    files = []
    for own in agencies(rows):
        if not identifiers:
            own = [{**r, "phones": None, "documents": None, "emails": None, "accounts": None}
                   for r in own]
        files.append(encode(str(own[0]["unique_id"]).split("/", 1)[0], own, schema, SECRET))
    return files


def tessera_clusters(files: Sequence[Encodings], threshold: float) -> dict[str, str]:
    result = match(files, threshold=threshold)
    return {f"{files[f].agency}/{files[f].refs[i]}": str(n)
            for n, group in enumerate(result.groups) for f, i in group}


def tessera_sweep(files: Sequence[Encodings], truth: Mapping[str, str],
                  thresholds: Sequence[float] = THRESHOLDS) -> dict[float, Scores]:
    return {t: pairwise(tessera_clusters(files, t), truth, across=True) for t in thresholds}


# --- clkhash and anonlink --------------------------------------------------------------------


def _feature(name: str, comparison: dict[str, Any], strategy: dict[str, int]) -> dict[str, Any]:
    return {"identifier": name, "format": {"type": "string", "encoding": "utf-8"},
            "hashing": {"comparison": comparison, "strategy": strategy,
                        "hash": {"type": "doubleHash"},
                        "missingValue": {"sentinel": ""}}}


def clk_schema(features: Sequence[dict[str, Any]]) -> Any:
    """A clkhash v3 linkage schema of ``features``, 1024-bit CLKs."""
    return from_json_dict({
        "version": 3,
        "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64,
                                         "salt": "dGVzc2VyYS9iZW5jaA==", "info": ""}},
        "features": [{"identifier": "id", "ignored": True}, *features],
    })


BIGRAMS = {"type": "ngram", "n": 2}
POSITIONAL = {"type": "ngram", "n": 1, "positional": True}
EXACT = {"type": "exact"}

# The scenario's rows: the transliterated name, the birth date's parts, gender, nationality.
# Each token sets as many bits as in Tessera's default schema (name q-grams 15, each part of
# the birth date 20, gender and nationality 4): the same fields weighed alike, so that what
# differs is the method.
SCENARIO_FIELDS = (
    ("name_latin", BIGRAMS, 15), ("birth_year", EXACT, 20), ("birth_month", EXACT, 20),
    ("birth_day", EXACT, 20), ("gender", EXACT, 4), ("nationality", EXACT, 4),
)


def scenario_clk_rows(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[str(r["unique_id"]), *("" if r.get(f) is None else str(r[f])
                                    for f, _, _ in SCENARIO_FIELDS)] for r in rows]


def scenario_clk_schema() -> Any:
    return clk_schema([_feature(f, c, {"bitsPerToken": k}) for f, c, k in SCENARIO_FIELDS])


def febrl_clk_rows(rows: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """FEBRL4 as clkhash reads it: given name, surname, date of birth and social security
    number from the files as published, in the order of ``rows``."""
    raw: dict[str, dict[str, str]] = {}
    for agency, name in (("A", "dataset4a.csv"), ("B", "dataset4b.csv")):
        with (data.folder() / "febrl" / name).open(encoding="utf-8") as f:
            for line in csv.DictReader(f, skipinitialspace=True):
                raw[f"{agency}/{line['rec_id'].strip()}"] = line
    out = []
    for r in rows:
        line = raw[str(r["unique_id"])]
        out.append([str(r["unique_id"]), *(line[f].strip() for f in
                                           ("given_name", "surname", "date_of_birth",
                                            "soc_sec_id"))])
    return out


def febrl_clk_schema() -> Any:
    """After clkhash's own FEBRL example schema (docs/_static/febrl_schema_v3_final.json):
    names as bigrams, 200 bits each, the date of birth as positional digits, 200 bits; the
    social security number, which that example leaves out, as positional digits too."""
    return clk_schema([
        _feature("given_name", BIGRAMS, {"bitsPerFeature": 200}),
        _feature("surname", BIGRAMS, {"bitsPerFeature": 200}),
        _feature("date_of_birth", POSITIONAL, {"bitsPerFeature": 200}),
        _feature("soc_sec_id", POSITIONAL, {"bitsPerFeature": 200}),
    ])


def clks(records: Sequence[Sequence[str]], schema: Any, workers: int | None = None) -> list[
        Any]:
    return list(clkhash_clk.generate_clks(records, schema, CLK_SECRET, validate=False,
                                          max_workers=workers))


def anonlink_candidates(datasets: Sequence[Sequence[Any]], threshold: float) -> Any:
    return anonlink.candidate_generation.find_candidate_pairs(
        datasets, anonlink.similarities.dice_coefficient_accelerated, threshold)


def anonlink_clusters(candidates: Any, threshold: float,
                      ids: Sequence[Sequence[str]]) -> dict[str, str]:
    """Solve the candidate pairs at or above ``threshold`` (anonlink's greedy solver), as
    record -> cluster."""
    sims, (d0, d1), (r0, r1) = candidates
    keep = np.frombuffer(sims, dtype=np.float64) >= threshold if len(sims) else np.zeros(0, bool)
    n = int(keep.sum())  # candidates are sorted, best first: keep is a prefix
    cut = (array.array("d", sims[:n]), (d0[:n], d1[:n]), (r0[:n], r1[:n]))
    groups = anonlink.solving.greedy_solve(cut)
    return {ids[d][r]: str(g) for g, group in enumerate(groups) for d, r in group}


def anonlink_sweep(datasets: Sequence[Sequence[Any]], ids: Sequence[Sequence[str]],
                   truth: Mapping[str, str],
                   thresholds: Sequence[float] = THRESHOLDS) -> dict[float, Scores]:
    candidates = anonlink_candidates(datasets, min(thresholds))
    return {t: pairwise(anonlink_clusters(candidates, t, ids), truth, across=True)
            for t in thresholds}


def reference_encode(rows: Sequence[Mapping[str, Any]], records: Sequence[Sequence[str]],
                     schema: Any) -> tuple[list[list[Any]], list[list[str]]]:
    """clkhash's CLKs of ``records`` (one per row), split by agency as ``agencies`` splits
    the rows, and the record ids of each."""
    encoded = clks(records, schema)
    by: dict[str, tuple[list[Any], list[str]]] = {}
    for row, clk in zip(rows, encoded, strict=True):
        agency = str(row["unique_id"]).split("/", 1)[0]
        filters, ids = by.setdefault(agency, ([], []))
        filters.append(clk)
        ids.append(str(row["unique_id"]))
    return [f for f, _ in by.values()], [i for _, i in by.values()]


def _best(sweep: Mapping[float, Scores]) -> tuple[float, Scores]:
    return max(sweep.items(), key=lambda item: item[1].f1)


def _sweep_lines(label: str, sweep: Mapping[float, Scores]) -> None:
    for t, scores in sweep.items():
        _line(f"{label}, threshold {t:.2f}", scores)
    t, best = _best(sweep)
    print(f"  {label}: best F1 {best.f1:.3f} at threshold {t:.2f}")


# --- 1. quality ------------------------------------------------------------------------------


def quality_febrl() -> dict[str, float] | None:
    loaded = data.febrl4()
    if loaded is None:
        return None
    rows, truth, skipped = loaded
    print(f"FEBRL4: {len(rows):,} records, two agencies ({skipped} impossible dates of birth "
          "left out)")
    start = time.perf_counter()
    tessera = tessera_sweep(tessera_encode(rows, Schema()), truth)
    _sweep_lines("Tessera PPRL", tessera)
    print(f"  ({time.perf_counter() - start:.1f} s for the {len(THRESHOLDS)} thresholds)")
    best = {"tessera": _best(tessera)[1].f1}
    t, scores = _best(tessera_sweep(tessera_encode(rows, UNSALTED), truth))
    _line(f"Tessera PPRL, unsalted, threshold {t:.2f}", scores, "  (best; no hardening)")
    if REFERENCE:
        start = time.perf_counter()
        datasets, ids = reference_encode(rows, febrl_clk_rows(rows), febrl_clk_schema())
        reference = anonlink_sweep(datasets, ids, truth)
        _sweep_lines("clkhash + anonlink", reference)
        print(f"  ({time.perf_counter() - start:.1f} s)")
        best["anonlink"] = _best(reference)[1].f1
        gap = (best["tessera"] - best["anonlink"]) * 100
        print(f"  Tessera PPRL - anonlink, best F1: {gap:+.1f} points")
    return best


def quality_scenario(scale: int, seed: int) -> dict[str, float]:
    start = time.perf_counter()
    rows, truth, scripts = data.scenario(scale, seed)
    print(f"scenario (scale {scale:,}, seed {seed}): {len(rows):,} person records from "
          f"{len(agencies(rows))} agencies in scripts {', '.join(sorted(scripts))}; "
          f"{len(set(truth.values())):,} true people ({time.perf_counter() - start:.1f} s)")
    tessera = tessera_sweep(tessera_encode(rows, Schema()), truth)
    _sweep_lines("Tessera PPRL", tessera)
    best = {"tessera": _best(tessera)[1].f1}
    # what clkhash is given: the filter's fields, without the identifier hashes
    bare = tessera_sweep(tessera_encode(rows, Schema(), identifiers=False), truth)
    t, scores = _best(bare)
    _line(f"Tessera PPRL, filters alone, threshold {t:.2f}", scores,
          "  (best; no identifier hashes)")
    best["filters"] = scores.f1
    t, scores = _best(tessera_sweep(tessera_encode(rows, UNSALTED, identifiers=False), truth))
    _line(f"Tessera PPRL, filters alone, unsalted, {t:.2f}", scores, "  (best)")
    if REFERENCE:
        datasets, ids = reference_encode(rows, scenario_clk_rows(rows), scenario_clk_schema())
        reference = anonlink_sweep(datasets, ids, truth)
        _sweep_lines("clkhash + anonlink", reference)
        best["anonlink"] = _best(reference)[1].f1
    from tessera.linkage.model import link

    start = time.perf_counter()
    plain = pairwise(link(rows).clusters, truth, across=True)
    _line("plaintext ER (tessera.linkage.model.link)", plain,
          f"  {time.perf_counter() - start:.1f} s")
    best["plaintext"] = plain.f1
    if "anonlink" in best:
        print(f"  Tessera PPRL - anonlink, best F1: "
              f"{(best['tessera'] - best['anonlink']) * 100:+.1f} points; filters alone - "
              f"anonlink: {(best['filters'] - best['anonlink']) * 100:+.1f}")
    print(f"  Tessera PPRL - plaintext ER, F1: {(best['tessera'] - plain.f1) * 100:+.1f} points")
    return best


# --- 2. speed --------------------------------------------------------------------------------


def speed(size: int, seed: int, threshold: float, reference: bool) -> dict[str, float]:
    start = time.perf_counter()
    left, right, truth = data.two_files(size, seed)
    print(f"two files of {size:,} person records, half the people in both: built in "
          f"{time.perf_counter() - start:.1f} s; {_peak_mib():,.0f} MiB so far")
    measured: dict[str, float] = {}
    print(f"  load average (1, 5, 15 min) before timing: {_load()}; {os.cpu_count()} cores")
    reset = _reset_peak()
    start = time.perf_counter()
    encoded = [encode(str(rows[0]["agency"]), rows, Schema(), SECRET) for rows in (left, right)]
    encoding = time.perf_counter() - start
    start = time.perf_counter()
    result = match(encoded, threshold=threshold)
    matching = time.perf_counter() - start
    found = {f"{encoded[f].agency}/{encoded[f].refs[i]}": str(n)
             for n, group in enumerate(result.groups) for f, i in group}
    scores = pairwise(found, truth, across=True)
    measured["tessera_rate"] = 2 * size / encoding
    measured["tessera_total"] = encoding + matching
    print(f"  Tessera encoding: {2 * size:,} records in {encoding:.1f} s, "
          f"{measured['tessera_rate']:,.0f} records/s")
    peak = f"{_hwm_mib():,.0f} MiB" if reset else "n/a"
    print(f"  Tessera end to end: encode {encoding:.1f} s + block, score, solve {matching:.1f} s "
          f"= {encoding + matching:.1f} s ({result.candidates:,} pair comparisons, "
          f"{result.skipped_buckets} buckets skipped); peak resident memory while encoding and "
          f"matching, the rows included: {peak}")
    _line(f"Tessera PPRL, threshold {threshold:.2f}", scores)
    if not reference:
        return measured
    if not REFERENCE:
        print("  clkhash + anonlink: skipped, not installed (pip install -e '.[bench]')")
        return measured
    del encoded, result
    schema = scenario_clk_schema()
    records = [scenario_clk_rows(rows) for rows in (left, right)]
    start = time.perf_counter()
    filters = [clks(r, schema) for r in records]
    clk_time = time.perf_counter() - start
    start = time.perf_counter()
    candidates = anonlink_candidates(filters, threshold)
    candidate_time = time.perf_counter() - start
    start = time.perf_counter()
    found = anonlink_clusters(candidates, threshold, [[r[0] for r in rs] for rs in records])
    solve_time = time.perf_counter() - start
    measured["clkhash_rate"] = 2 * size / clk_time
    measured["reference_total"] = clk_time + candidate_time + solve_time
    print(f"  clkhash encoding: {2 * size:,} records in {clk_time:.1f} s, "
          f"{measured['clkhash_rate']:,.0f} records/s "
          f"(Tessera {measured['tessera_rate'] / measured['clkhash_rate']:.1f}x)")
    print(f"  clkhash + anonlink end to end: encode {clk_time:.1f} s + all pairs "
          f"{candidate_time:.1f} s ({len(candidates[0]):,} candidates) + greedy solve "
          f"{solve_time:.1f} s = {measured['reference_total']:.1f} s (Tessera "
          f"{measured['reference_total'] / measured['tessera_total']:.1f}x faster)")
    _line(f"clkhash + anonlink, threshold {threshold:.2f}",
          pairwise(found, truth, across=True))
    print(f"  load average after: {_load()}")
    return measured


# --- 3. attack and the cost of hardening -----------------------------------------------------

HARDENINGS: tuple[tuple[str, Hardening], ...] = (
    ("none", Hardening(salt=None)),
    ("salt: birth year (default)", Hardening()),
    ("salt: birth decade", Hardening(salt="birth_decade")),
    ("flip 2 %", Hardening(salt=None, flip=0.02)),
    ("flip 5 %", Hardening(salt=None, flip=0.05)),
)
# mining 2,048-bit balanced filters, in which the attack finds few atoms, takes minutes
BALANCE = ("balance", Hardening(salt=None, balance=True))


def hardening(scale: int, attack_scale: int, seed: int, attacked: int, secrets: int,
              balance: bool) -> dict[str, tuple[float, float, float | None]]:
    """For each hardening: the largest share re-identified (over ``holds`` 1 and 0.75 and
    ``secrets`` exchange secrets), and the best F1 on the scenario and on FEBRL4."""
    rows, _, _ = data.scenario(attack_scale, seed)
    population = [r for r in rows if r.get("name_latin")]
    targets = random.Random(seed).sample(population, min(attacked, len(population)))
    print(f"attack: {len(targets):,} encoded records attacked, the population being the "
          f"{len(population):,} named person records of a scenario of scale {attack_scale:,}; "
          f"re-identified % under each of {secrets} secret(s) with holds 1 and 0.75")
    scenario_rows, scenario_truth, _ = data.scenario(scale, seed)
    febrl = data.febrl4()
    out: dict[str, tuple[float, float, float | None]] = {}
    for label, hard in (*HARDENINGS, BALANCE) if balance else HARDENINGS:
        schema = Schema(hardening=hard)
        shares = []
        start = time.perf_counter()
        for n in range(secrets):
            secret = SECRET if n == 0 else Secret("bench", hashlib.sha256(
                f"tessera/bench/pprl/{n}".encode()).digest())
            filters = encode("X", targets, schema, secret).filters
            for holds in (1.0, 0.75):
                outcome = attack(filters, targets, population, schema, holds=holds)
                shares.append(outcome.share)
        scenario_f1 = _best(tessera_sweep(tessera_encode(scenario_rows, schema),
                                          scenario_truth))[1].f1
        febrl_f1 = None
        if febrl is not None:
            febrl_f1 = _best(tessera_sweep(tessera_encode(febrl[0], schema), febrl[1]))[1].f1
        out[label] = (max(shares), scenario_f1, febrl_f1)
        shown = ", ".join(f"{s * 100:.2f}" for s in shares)
        febrl_text = f"{febrl_f1:.3f}" if febrl_f1 is not None else "n/a"
        print(f"  {label:28} re-identified at most {max(shares) * 100:6.2f} % ({shown}); "
              f"best F1 scenario {scenario_f1:.3f}, FEBRL4 {febrl_text}  "
              f"({time.perf_counter() - start:.0f} s)")
    none = out["none"]
    for label, (_, scenario_f1, febrl_f1) in out.items():
        if label == "none":
            continue
        febrl_cost = ("n/a" if febrl_f1 is None or none[2] is None
                      else f"{(none[2] - febrl_f1) * 100:+.1f}")
        print(f"  F1 cost of {label}: scenario {(none[1] - scenario_f1) * 100:+.1f} points, "
              f"FEBRL4 {febrl_cost} points")
    return out


# --- the floors of the issue -----------------------------------------------------------------


def _floor(text: str, met: bool | None) -> None:
    print(f"  {'met' if met else 'n/a' if met is None else 'NOT MET':7} {text}")


def floors(quality: dict[str, dict[str, float] | None], measured: dict[str, float],
           hardened: dict[str, tuple[float, float, float | None]], million: bool) -> None:
    print("floors (issue 5):")
    for name, best in quality.items():
        if best is not None and "anonlink" in best:
            _floor(f"{name}: F1 {best['tessera']:.3f} >= anonlink's best {best['anonlink']:.3f}",
                   best["tessera"] >= best["anonlink"])
    scenario = quality.get("scenario")
    if scenario is not None:
        _floor(f"scenario: F1 {scenario['tessera']:.3f} within 2 points of plaintext ER "
               f"{scenario['plaintext']:.3f}", scenario["tessera"] >= scenario["plaintext"] - 0.02)
    if "clkhash_rate" in measured:
        ratio = measured["tessera_rate"] / measured["clkhash_rate"]
        _floor(f"encoding {ratio:.1f}x clkhash's records/s (>= 10x)", ratio >= 10)
        ratio = measured["reference_total"] / measured["tessera_total"]
        _floor(f"end to end {ratio:.1f}x faster than clkhash + anonlink all pairs (>= 5x)",
               ratio >= 5)
    if million and "tessera_total" in measured:
        _floor(f"1,000,000 x 1,000,000 in {measured['tessera_total'] / 60:.1f} min (<= 10)",
               measured["tessera_total"] <= 600)
    if hardened:
        share, scenario_f1, febrl_f1 = hardened["salt: birth year (default)"]
        _, scenario_none, febrl_none = hardened["none"]
        costs = [scenario_none - scenario_f1]
        if febrl_f1 is not None and febrl_none is not None:
            costs.append(febrl_none - febrl_f1)
        _floor(f"default hardening: {share * 100:.2f} % re-identified (<= 1 %) at "
               f"{max(costs) * 100:.1f} points of F1 at most (<= 1)",
               share <= 0.01 and max(costs) <= 0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000,
                        help="the scenario's scale, for quality and the cost of hardening")
    parser.add_argument("--size", type=int, default=100_000,
                        help="records in each of the two files timed end to end")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=0.8,
                        help="the Dice threshold of the timed runs, for both")
    parser.add_argument("--attack-scale", type=int, default=40_000,
                        help="the scenario whose person records are the attack's population")
    parser.add_argument("--attacked", type=int, default=10_000)
    parser.add_argument("--secrets", type=int, default=3,
                        help="exchange secrets each attack is repeated with")
    parser.add_argument("--balance", action="store_true",
                        help="attack balanced filters too (minutes an attack)")
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="time Tessera alone")
    parser.add_argument("--only", choices=("quality", "speed", "attack"), action="append",
                        help="run only this part (repeatable)")
    parser.add_argument("--million", action="store_true",
                        help="Tessera alone, 1,000,000 x 1,000,000: --size 1000000 "
                             "--no-reference --only speed")
    args = parser.parse_args()
    if args.million:
        args.size, args.reference, args.only = 1_000_000, False, ["speed"]
    parts = set(args.only or ("quality", "speed", "attack"))
    if not REFERENCE:
        print("clkhash and anonlink are not installed: the comparisons with them are skipped "
              "(pip install -e '.[bench]')")
    else:
        print(f"reference: clkhash {_version('clkhash')}, anonlink {_version('anonlink')}")
    quality: dict[str, dict[str, float] | None] = {}
    measured: dict[str, float] = {}
    hardened: dict[str, tuple[float, float, float | None]] = {}
    if "quality" in parts:
        quality["FEBRL4"] = quality_febrl()
        quality["scenario"] = quality_scenario(args.scale, args.seed)
    if "speed" in parts:
        measured = speed(args.size, args.seed, args.threshold, args.reference)
    if "attack" in parts:
        hardened = hardening(args.scale, args.attack_scale, args.seed, args.attacked,
                             args.secrets, args.balance)
    floors(quality, measured, hardened, args.size >= 1_000_000)
    print(f"peak memory {_peak_mib():,.0f} MiB")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
