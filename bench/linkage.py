"""Entity resolution benchmark: quality against known truth, and time.

    python bench/linkage.py [--scale 20000] [--seed 1] [--no-baseline]

At ``--scale 3800000`` the scenario holds about a million person records: the issue's volume
(``--no-baseline`` skips the plain model, and FEBRL4, to time Tessera's alone).

1. A generated scenario (``tessera.synth``): the person records of its agencies (eight
   countries; Latin, Cyrillic, Arabic and Han scripts), linked by Tessera's model and, in the
   same run on the same rows, by a plain Splink model that compares names as written (no
   transliteration, no romanisation keys); pairwise precision, recall and F1 against the
   generator's truth.
2. FEBRL4 (``$TESSERA_BENCH_DATA/febrl``, default ``../shared/data``): the A and B files as two
   agencies' person records (name, date of birth, the social security number as an identity
   document); F1 of the link A-B. Skipped, saying so, when the data is absent.
"""

from __future__ import annotations

import argparse
import resource
import time

import data
from tessera.linkage.evaluate import Scores, pairwise
from tessera.linkage.model import MATCH_THRESHOLD, link

LOW = 0.5  # the lower threshold also reported: the analyst's to choose


def _report(name: str, scores: Scores, seconds: float) -> None:
    print(f"  {name:30} precision {scores.precision:.3f}  recall {scores.recall:.3f}  "
          f"F1 {scores.f1:.3f}  ({scores.correct_pairs:,} of {scores.true_pairs:,} true pairs, "
          f"{scores.found_pairs:,} found)  {seconds:.1f} s")


def scenario(scale: int, seed: int, baseline: bool) -> None:
    start = time.perf_counter()
    rows, truth, scripts = data.scenario(scale, seed)
    print(f"scenario (scale {scale:,}, seed {seed}): {len(rows):,} person records from "
          f"{len({r['agency'] for r in rows})} agencies in scripts {', '.join(sorted(scripts))}; "
          f"{len(set(truth.values())):,} true people ({time.perf_counter() - start:.1f} s)")
    results = {}
    models = (("Tessera", False), ("plain Splink (names as written)", True))
    for label, plain in models if baseline else models[:1]:
        start = time.perf_counter()
        found = link(rows, plain_names=plain)
        results[label] = pairwise(found.clusters, truth)
        _report(label, results[label], time.perf_counter() - start)
    if baseline:
        start = time.perf_counter()
        _report(f"Tessera at {LOW}", pairwise(link(rows, threshold=LOW).clusters, truth),
                time.perf_counter() - start)
    if baseline:
        gain = results["Tessera"].f1 - results["plain Splink (names as written)"].f1
        print(f"  F1 gain over the plain model: {gain * 100:+.1f} points")


def febrl() -> None:
    loaded = data.febrl4()
    if loaded is None:
        return
    rows, truth, skipped = loaded
    print(f"FEBRL4: {len(rows):,} records ({skipped} impossible dates of birth left out)")
    for threshold in (MATCH_THRESHOLD, LOW):
        start = time.perf_counter()
        found = link(rows, threshold=threshold)
        _report(f"Tessera, link A-B at {threshold}", pairwise(found.clusters, truth),
                time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    args = parser.parse_args()
    scenario(args.scale, args.seed, args.baseline)
    if args.baseline:
        febrl()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
