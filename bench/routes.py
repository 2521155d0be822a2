"""Routes benchmark: true corridors recovered from a generated scenario, time and memory.

    python bench/routes.py [--scale 20000 100000] [--seed 0] [--period year]

For each scale, a generated scenario (``tessera.synth``): every agency's rows validated into
standard records; journeys built with people resolved by the generator's true identities
(perfect linkage), by Tessera's linkage model (as ``tessera link run``
does) and unresolved (each agency's person record its own person); corridors,
emerging corridors and shifts computed. The figure of issue 7: of the true corridors (the
routes of the world's journeys, origin → transits → destination), the share ranked in the
top 5 corridors of their origin (floor 0.9), counted over distinct corridors and over
victims (a corridor weighs its victims). Time and peak memory of the whole run.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter

from tessera.linkage.features import person_rows
from tessera.linkage.model import link
from tessera.patterns.routes import corridors, findings, journeys, route_label
from tessera.synth.scenario import generate
from tessera.synth.world import Settings

TOP = 5
FLOOR = 0.9


def run(scale: int, seed: int, period: str) -> None:
    start = time.perf_counter()
    scenario = generate(Settings(seed=seed, scale=scale))
    generated = time.perf_counter()
    records, truth = scenario.standard(), scenario.true_people()
    validated = time.perf_counter()
    true_routes = Counter((*(leg.origin for leg in j.legs), j.country)
                          for j in scenario.world.journeys)
    print(f"scale {scale:,} (seed {seed}): {len(records):,} records of "
          f"{len(scenario.agencies)} agencies, {len(scenario.world.journeys):,} victims on "
          f"{len(true_routes)} true corridors from "
          f"{len({r[0] for r in true_routes})} origins (generated in "
          f"{generated - start:.1f} s, validated in {validated - generated:.1f} s)")
    began = time.perf_counter()
    linked = dict(link(person_rows(records)).clusters)
    print(f"  person records linked by Tessera's model in {time.perf_counter() - began:.1f} s")
    for label, people in (("true identities", truth), ("linked by Tessera", linked),
                          ("unresolved", {})):
        began = time.perf_counter()
        built = journeys(records, people)
        found = corridors(built, period)
        seen = findings(found)
        rising, moved = seen.emerging, seen.shifts
        seconds = time.perf_counter() - began
        rank = {c.route: c.rank for c in found.corridors}
        top = [r for r in true_routes if rank.get(r, TOP + 1) <= TOP]
        recall = len(top) / len(true_routes)
        weighted = sum(true_routes[r] for r in top) / sum(true_routes.values())
        ranked = [c.route for c in found.corridors if c.rank <= TOP]
        true_of_ranked = sum(r in true_routes for r in ranked)
        missed = ", ".join(f"{route_label(r)} (rank {rank.get(r, '-')})"
                           for r in sorted(set(true_routes) - set(top)))
        print(f"  {label}: {len(built):,} journeys, {found.journeys:,} of them (origin, "
              f"legs and country of exploitation known) in {len(found.corridors)} corridors; "
              f"{len(rising)} emerging, {len(moved)} shifts ({seconds:.2f} s)")
        print(f"    true corridors in the top {TOP} of their origin: {len(top)} of "
              f"{len(true_routes)} = {recall:.3f} ({'meets' if recall >= FLOOR else 'BELOW'} "
              f"the {FLOOR} floor); weighted by victims {weighted:.3f}"
              + (f"; missed: {missed}" if missed else ""))
        print(f"    of the {len(ranked)} corridors ranked in the top {TOP} of their origin, "
              f"{true_of_ranked} are true ({true_of_ranked / max(1, len(ranked)):.3f}); "
              f"{found.unknown_path:,} journeys without a leg counted in pairs only, "
              f"{found.incomplete:,} without origin or destination left out")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  total {time.perf_counter() - start:.1f} s, peak memory {peak:,.0f} MiB "
          "(the process so far)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--period", choices=("year", "quarter", "month"), default="year")
    args = parser.parse_args()
    print("$ python " + " ".join(sys.argv))
    for scale in args.scale:
        run(scale, args.seed, args.period)


if __name__ == "__main__":
    main()
