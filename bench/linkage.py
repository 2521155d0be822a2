"""Entity resolution benchmark: quality against known truth, and time.

    python bench/linkage.py [--scale 20000] [--seed 1] [--no-baseline] [--rows DIR]

At ``--scale 3800000`` the scenario holds about a million person records: the issue's volume
(``--no-baseline`` skips the plain model, and FEBRL4, to time Tessera's alone).

The scenario is generated in a child process, which writes its person rows and truth as
Parquet and exits, so that this process's peak memory is the linkage's, not the generator's
(whose world of 3.8 million people takes about 11 GiB). ``--rows DIR`` keeps the Parquet
files in DIR and reuses them when they are there for the same scale and seed.

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
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import data
from tessera.linkage.evaluate import Scores, pairwise
from tessera.linkage.model import MATCH_THRESHOLD, link, schema

LOW = 0.5  # the lower threshold also reported: the analyst's to choose


def _report(name: str, scores: Scores, seconds: float) -> None:
    print(f"  {name:30} precision {scores.precision:.3f}  recall {scores.recall:.3f}  "
          f"F1 {scores.f1:.3f}  ({scores.correct_pairs:,} of {scores.true_pairs:,} true pairs, "
          f"{scores.found_pairs:,} found)  {seconds:.1f} s", flush=True)


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def generate(scale: int, seed: int, folder: Path) -> None:
    """(In the child process.) The scenario's person rows, truth and scripts, under ``folder``."""
    rows, truth, scripts = data.scenario(scale, seed)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema()), folder / "people.parquet")
    del rows
    pq.write_table(pa.table({"unique_id": list(truth), "person": list(truth.values())}),
                   folder / "truth.parquet")
    (folder / "scenario.json").write_text(json.dumps(
        {"scale": scale, "seed": seed, "scripts": sorted(scripts)}))


def _generated(scale: int, seed: int, folder: Path) -> None:
    known = folder / "scenario.json"
    if known.exists():
        said = json.loads(known.read_text())
        if (said["scale"], said["seed"]) == (scale, seed):
            print(f"scenario rows reused from {folder}")
            return
    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, "--generate", str(folder), "--scale", str(scale),
                    "--seed", str(seed)], check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"scenario generated in a child process: {time.perf_counter() - start:.1f} s, "
          f"peak memory {_mib(peak)}", flush=True)


def scenario(scale: int, seed: int, baseline: bool, folder: Path) -> None:
    _generated(scale, seed, folder)
    start = time.perf_counter()
    rows = pq.read_table(folder / "people.parquet")
    truth_table = pq.read_table(folder / "truth.parquet")
    truth = dict(zip(truth_table["unique_id"].to_pylist(), truth_table["person"].to_pylist(),
                     strict=True))
    del truth_table
    scripts = json.loads((folder / "scenario.json").read_text())["scripts"]
    agencies = len(set(rows["agency"].to_pylist()))
    print(f"scenario (scale {scale:,}, seed {seed}): {rows.num_rows:,} person records from "
          f"{agencies} agencies in scripts {', '.join(scripts)}; "
          f"{len(set(truth.values())):,} true people (read in "
          f"{time.perf_counter() - start:.1f} s)", flush=True)
    results = {}
    models = (("Tessera", False), ("plain Splink (names as written)", True))
    for label, plain in models if baseline else models[:1]:
        start = time.perf_counter()
        found = link(rows, plain_names=plain)
        results[label] = pairwise(found.clusters, truth)
        del found
        _report(label, results[label], time.perf_counter() - start)
    if baseline:
        start = time.perf_counter()
        _report(f"Tessera at {LOW}", pairwise(link(rows, threshold=LOW).clusters, truth),
                time.perf_counter() - start)
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
    parser.add_argument("--rows", type=Path, help="keep (and reuse) the scenario's rows here")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)  # the child's task
    args = parser.parse_args()
    if args.generate:
        generate(args.scale, args.seed, args.generate)
        return
    with tempfile.TemporaryDirectory(prefix="tessera-bench-") as scratch:
        scenario(args.scale, args.seed, args.baseline, args.rows or Path(scratch))
    if args.baseline:
        febrl()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory of the linking process {_mib(peak)}")


if __name__ == "__main__":
    main()
