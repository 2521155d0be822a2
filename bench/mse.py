"""Multiple systems estimation benchmark: coverage of the 95% interval on generated scenarios.

    python bench/mse.py [--runs 50] [--scale 6000] [--lists kind|agency] [--criterion bic]
                        [--independence]

Each run generates a scenario (``tessera.synth``, seed = run number) whose true number of
victims is known (one journey per victim). A victim is on a list when a person record with the
victim role, written by one of that list's agencies, is about them (perfect linkage through
the generator's truth, so the benchmark measures MSE and not entity resolution). Lists are
agency kinds (police, ngo, labour_inspectorate, border, fiu) or single agencies. Reported:
coverage (share of runs whose interval holds the truth; the issue's floor is 90% of 50 runs),
mean relative error of the total, mean relative interval width, the models chosen, time.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from tessera.publish.mse import EstimationError, estimate, from_lists
from tessera.synth.scenario import Scenario, generate
from tessera.synth.world import Settings


def victim_lists(scenario: Scenario, by: str) -> dict[str, set[str]]:
    """List name -> the true victims that list's agencies recorded as victims."""
    kind = {a.code: a.kind for a in scenario.agencies}
    truth = scenario.true_people()
    lists: dict[str, set[str]] = {}
    for code in kind:  # every list, even one that ends up empty
        lists.setdefault(kind[code] if by == "kind" else code, set())
    victims = {j.victim for j in scenario.world.journeys}
    for code, record in scenario.standard():
        if record.record_type != "person" or not getattr(record, "is_victim", False):
            continue
        person = truth[f"{code}/{record.ref}"]
        if person in victims:
            lists[kind[code] if by == "kind" else code].add(person)
    return lists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--scale", type=int, default=6000)
    parser.add_argument("--lists", choices=("kind", "agency"), default="kind")
    parser.add_argument("--criterion", choices=("aic", "bic"), default="bic")
    parser.add_argument("--independence", action="store_true",
                        help="fit main effects only (no model selection), for comparison")
    args = parser.parse_args()
    print(f"python bench/mse.py --runs {args.runs} --scale {args.scale} --lists {args.lists} "
          f"--criterion {args.criterion}" + (" --independence" if args.independence else ""))
    start = time.perf_counter()
    covered, errors, widths, seen, fit_seconds = 0, [], [], [], 0.0
    models: Counter[str] = Counter()
    failed = 0
    for seed in range(args.runs):
        scenario = generate(Settings(seed=seed, scale=args.scale))
        truth = len(scenario.world.journeys)
        table = from_lists(victim_lists(scenario, args.lists))
        t0 = time.perf_counter()
        try:
            result = estimate(table, criterion=args.criterion,
                              interactions=[] if args.independence else None)
        except EstimationError as e:
            failed += 1
            print(f"  seed {seed:2}: no estimate: {e}")
            continue
        fit_seconds += time.perf_counter() - t0
        low, high = result.interval
        hit = low <= truth <= high
        covered += hit
        errors.append(abs(result.total - truth) / truth)
        widths.append((high - low) / truth)
        seen.append(result.observed / truth)
        models[" + ".join(result.model.terms) or "independence"] += 1
        print(f"  seed {seed:2}: true {truth:5}  observed {result.observed:5}  estimate "
              f"{result.total:8.1f}  95% [{low:8.1f}, {high:8.1f}]  {'ok' if hit else 'MISS'}  "
              f"lists {len(result.lists)}  model {' + '.join(result.model.terms) or '-'}")
    elapsed = time.perf_counter() - start
    runs = args.runs - failed
    print(f"\nruns {args.runs} (no estimate: {failed}), lists by {args.lists}, "
          f"criterion {args.criterion}")
    if runs:
        print(f"coverage of the 95% interval: {covered}/{runs} = {covered / runs:.0%} "
              f"(floor 90%)")
        print(f"mean relative error of the total: {sum(errors) / runs:.1%}")
        print(f"mean interval width / truth: {sum(widths) / runs:.1%}")
        print(f"mean share of victims observed: {sum(seen) / runs:.1%}")
        print("models chosen: " + "; ".join(f"{m} x{n}" for m, n in models.most_common()))
    print(f"time: {elapsed:.1f} s in all, {fit_seconds:.1f} s estimating")


if __name__ == "__main__":
    main()
