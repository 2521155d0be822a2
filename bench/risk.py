"""Risk benchmark: how well the indicator rules' risk score and the outlier scan rank the
people and accounts a generated scenario knows to be involved, and how fast outliers run.

    python bench/risk.py [--scale 20000] [--seed 1] [--transactions 1000000]
                         [--only indicators|outliers|speed]

1. Indicators (``tessera.patterns.indicators``, the shipped rules) on every agency's records
   of a generated scenario, people resolved by the generator's true identities (perfect
   linkage, so the figures measure the rules, not linkage). People: ROC AUC of the score for
   the true victims against every other person the records name (suspects, the holders of
   accounts an FIU reported), and precision@k, k = the victims present. Accounts: the same
   for the accounts of the trafficking economy (controller, mule, front, organiser, victim
   wage accounts) against ordinary ones; the financial rules read only the transactions the
   FIUs reported. Cases: the share with at least one indicator.
2. Outliers (``tessera.patterns.outliers``) on all of the scenario's true transfers, accounts'
   peers by their country: ROC AUC of the anomaly score per true role against ordinary
   accounts, and the share of the flagged 1 % that are not ordinary.
3. Speed: ``--transactions`` ordinary payments among transactions/10 accounts
   (``tessera.synth.money.background``): account features, then the scan; time and peak
   memory (the process's maximum resident set, before and after).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
from sklearn.metrics import roc_auc_score

from tessera.network.graph import build
from tessera.patterns import indicators, outliers
from tessera.standard.records import ANY_RECORD, Account, Record
from tessera.synth.money import background
from tessera.synth.scenario import Scenario, generate
from tessera.synth.world import Settings

INVOLVED = ("controller", "mule", "front", "organiser", "victim")


def _reset_peak() -> bool:
    """Start the peak-memory count afresh (Linux: writing 5 to clear_refs resets VmHWM), so
    the figure is the scan's, not the 1M Python objects the generator made before it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _ranked(label: str, truth: np.ndarray, score: np.ndarray) -> str:
    """AUC and precision@k (k = the positives) of ``score`` against boolean ``truth``."""
    k = int(truth.sum())
    if k == 0 or k == len(truth):
        return f"{label}: nothing to rank"
    top = np.argsort(-score, kind="stable")[:k]
    flagged = score > 0
    hit = int((flagged & truth).sum())
    return (f"{label}: AUC {roc_auc_score(truth, score):.3f}, precision@{k} "
            f"{truth[top].mean():.3f} ({k:,} of {len(truth):,}); score > 0: "
            f"{int(flagged.sum()):,}, precision {hit / max(1, int(flagged.sum())):.3f}, "
            f"recall {hit / k:.3f}")


def _records(scenario: Scenario) -> tuple[list[tuple[str, Record]], dict[str, str]]:
    records: list[tuple[str, Record]] = []
    truth: dict[str, str] = {}
    for agency in scenario.agencies:
        context = {"country": agency.country}
        records += [(agency.code, ANY_RECORD.validate_python(r, context=context))
                    for r in agency.rows]
        truth.update({f"{agency.code}/{ref}": true for ref, _, true in agency.truth})
    return records, truth


def indicator_run(scenario: Scenario) -> None:
    records, truth = _records(scenario)
    world = scenario.world
    people = {key: true for key, true in truth.items() if true in world.people}
    start = time.perf_counter()
    found = indicators.assess(records, people)
    seconds = time.perf_counter() - start
    score = {r.subject: r.score for r in found.entities}
    print(f"  indicators: {len(records):,} records assessed in {seconds:.1f} s; "
          f"{len(found.entities):,} entities and {len(found.cases):,} cases with an indicator")
    persons = sorted(set(people.values()))
    victim = np.array(["victim" in world.people[p].roles for p in persons])
    print("    " + _ranked("people, true victims", victim,
                           np.array([score.get(p, 0.0) for p in persons])))
    # each account node's true account: the one its records are
    accounts = [(a, r) for a, r in records if isinstance(r, Account)]
    located = build(accounts).located
    node_truth = {node: truth[key] for key, node in located.items()}
    nodes = sorted(node_truth)
    roles = np.array([world.accounts[node_truth[n]].role for n in nodes])
    values = np.array([score.get(n, 0.0) for n in nodes])
    print("    " + _ranked("accounts, " + "/".join(INVOLVED), np.isin(roles, INVOLVED), values))
    layering = roles != "victim"
    print("    " + _ranked("accounts, the same without victims' wage accounts",
                           np.isin(roles[layering], INVOLVED), values[layering]))
    fired = Counter(f.indicator.id for r in found.entities for f in r.findings)
    print("    fired most: " + ", ".join(f"{k} {v:,}" for k, v in fired.most_common(6)))
    cases = {r.subject for r in found.cases}
    total = sum(1 for _, r in records if r.record_type == "case")
    print(f"    cases with at least one indicator: {len(cases):,} of {total:,}")


def outlier_run(scenario: Scenario, seed: int) -> None:
    world = scenario.world
    transfers = world.transfers
    table = pa.table({
        "payer": [t.payer for t in transfers],
        "beneficiary": [t.beneficiary for t in transfers],
        "amount": np.array([t.amount_cents for t in transfers], dtype=np.float64) / 100,
        "timestamp": pa.array([t.at for t in transfers], pa.timestamp("s")),
        "channel": [t.channel for t in transfers],
    })
    start = time.perf_counter()
    features = outliers.account_features(table)
    found = outliers.scan(features, peers={a.id: a.country for a in world.accounts.values()},
                          seed=seed)
    seconds = time.perf_counter() - start
    roles = np.array([world.accounts[i].role for i in found.ids.tolist()])
    print(f"  outliers: {len(transfers):,} true transfers, {len(found.ids):,} accounts, "
          f"peers by country, in {seconds:.1f} s")
    for role in (*INVOLVED, "layering (controller/mule/front/organiser)"):
        wanted = INVOLVED[:4] if role.startswith("layering") else (role,)
        keep = np.isin(roles, wanted) | (roles == "ordinary")
        if keep.sum() > (roles[keep] == "ordinary").sum():
            auc = roc_auc_score(np.isin(roles[keep], wanted), found.scores[keep])
            print(f"    {role:44} AUC {auc:.3f} against ordinary accounts "
                  f"({int(np.isin(roles, wanted).sum()):,})")
    flagged = [world.accounts[o.id].role for o in found.outliers]
    share = sum(r != "ordinary" for r in flagged) / max(1, len(flagged))
    print(f"    flagged {len(flagged):,} (1 % of each peer group): {share:.3f} not ordinary "
          f"({dict(Counter(flagged).most_common())})")
    if found.outliers:
        top = found.outliers[0]
        print(f"    top: {top.reason} [true role: {world.accounts[top.id].role}]")


def speed(count: int, seed: int) -> None:
    rng = random.Random(seed)
    accounts = [f"A{n:08d}" for n in range(max(2, count // 10))]
    made = background(rng, accounts, count, start=dt.datetime(2021, 1, 1),
                      end=dt.datetime(2025, 1, 1), next_id=lambda: "")
    table = pa.table({
        "payer": [t.payer for t in made], "beneficiary": [t.beneficiary for t in made],
        "amount": np.array([t.amount_cents for t in made], dtype=np.float64) / 100,
        "timestamp": pa.array([t.at for t in made], pa.timestamp("s")),
        "channel": [t.channel for t in made],
    })
    del made
    gc.collect()
    exact = _reset_peak()
    before = _current_mib()
    start = time.perf_counter()
    features = outliers.account_features(table)
    middle = time.perf_counter()
    found = outliers.scan(features, seed=seed)
    end = time.perf_counter()
    print(f"  speed: {count:,} transactions among {len(accounts):,} accounts: features "
          f"{middle - start:.1f} s, isolation forest and explanations {end - middle:.1f} s "
          f"({len(found.outliers):,} outliers); peak resident memory {_peak_mib():,.0f} MiB "
          f"{'during the run' if exact else 'of the whole process'} (the process held "
          f"{before:,.0f} MiB with the table built)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("indicators", "outliers", "speed"))
    args = parser.parse_args()
    print("$ python bench/risk.py " + " ".join(sys.argv[1:]))
    if args.only in (None, "indicators", "outliers"):
        start = time.perf_counter()
        scenario = generate(Settings(seed=args.seed, scale=args.scale))
        world = scenario.world
        print(f"scenario (scale {args.scale:,}, seed {args.seed}): {scenario.records:,} records, "
              f"{len(world.accounts):,} accounts, {len(world.transfers):,} transfers "
              f"({time.perf_counter() - start:.1f} s)")
        if args.only in (None, "indicators"):
            indicator_run(scenario)
        if args.only in (None, "outliers"):
            outlier_run(scenario, args.seed)
    if args.only in (None, "speed"):
        speed(args.transactions, args.seed)


if __name__ == "__main__":
    main()
