"""Scenario generator benchmark: time and memory to generate and write N records.

    python bench/synth.py [--scale 1000000] [--seed 0]

Runs in this process: simulating the world, observing it through the agencies, and writing
the agencies' files and the truth to a temporary directory. The foundation of issue 3 sets a
ceiling of 60 s for 1,000,000 records on a two-core machine.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

CEILING_SECONDS_PER_MILLION = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from tessera.synth.observe import observe
    from tessera.synth.scenario import Scenario, write
    from tessera.synth.world import Settings, build

    settings = Settings(seed=args.seed, scale=args.scale)
    start = time.perf_counter()
    world = build(settings)
    built = time.perf_counter()
    agencies = observe(world, settings.seed)
    observed = time.perf_counter()
    scenario = Scenario(settings, world, agencies)
    with tempfile.TemporaryDirectory() as tmp:
        write(scenario, Path(tmp))
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    done = time.perf_counter()
    total = done - start
    ceiling = CEILING_SECONDS_PER_MILLION * scenario.records / 1_000_000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{scenario.records:,} records from {len(agencies)} agencies "
        f"({len(world.people):,} people, {len(world.journeys):,} victims, "
        f"{len(world.groups):,} groups, {len(world.transfers):,} transfers), "
        f"{size / 2**20:,.0f} MiB written"
    )
    print(
        f"world {built - start:.1f} s, observation {observed - built:.1f} s, "
        f"writing {done - observed:.1f} s: {total:.1f} s in all = "
        f"{scenario.records / total:,.0f} records/s "
        f"({'within' if total <= ceiling else 'OVER'} the {ceiling:.0f} s ceiling), "
        f"peak memory {peak:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
