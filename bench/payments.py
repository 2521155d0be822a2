"""Payment typologies: how many laundering accounts the scan finds, and how fast.

Three measurements (each one can be run alone):

- ``amlsim``: IBM AMLSim's fan-in sample (``$TESSERA_BENCH_DATA/amlsim/20K_fanin200``):
  account-level precision, recall and F1 of every account any alert names, against the
  sample's ``isFraud``; unsupervised, with the default rules. Also what each rule contributes.
- ``scenario``: a generated scenario's true transfers (``tessera.synth``; every transfer is
  marked with its typology): per typology, the precision and recall of the accounts its
  alerts name against the accounts of its true instances. The victims' accounts are given to
  the scan, as the hub gives them.
- ``volume``: N ordinary payments among N/10 accounts over two years (drawn with numpy, as
  the scenario's background is) with the full scan timed on 2 threads, and the peak memory
  of the process.

    python bench/payments.py amlsim scenario
    python bench/payments.py volume --transactions 10000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import duckdb

import data
from tessera.patterns import payments
from tessera.synth.money import VICTIM_EARNINGS
from tessera.synth.world import Settings, build

DATA = Path(os.environ.get("TESSERA_BENCH_DATA", Path(__file__).parents[1] / "../shared/data"))


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _score(found: set[str], truth: set[str]) -> tuple[float, float, float]:
    hit = len(found & truth)
    p = hit / len(found) if found else 0.0
    r = hit / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if hit else 0.0)


def amlsim() -> None:
    sample = DATA / "amlsim" / "20K_fanin200"
    if not (sample / "transactions.csv").exists():
        print(f"amlsim: skipped, no {sample} (set TESSERA_BENCH_DATA)")
        return
    began = time.perf_counter()
    tx = payments.read_csv(str(sample / "transactions.csv"), columns={
        "payer": "sourceNodeId", "beneficiary": "targetNodeId", "amount": "value"})
    read = time.perf_counter()
    alerts = payments.scan(tx)
    done = time.perf_counter()
    fraud = {str(n) for (n,) in duckdb.execute(
        f"SELECT nodeid FROM read_csv('{sample / 'nodes.csv'}') WHERE isFraud = 1").fetchall()}
    flagged = {a for alert in alerts for a in alert.accounts}
    p, r, f1 = _score(flagged, fraud)
    print(f"amlsim 20K_fanin200: {tx.num_rows:,} transactions, {len(fraud)} fraud accounts; "
          f"read {read - began:.1f} s, scanned in {done - read:.1f} s")
    print(f"  all alerts: {len(alerts)} naming {len(flagged)} accounts: precision {p:.3f} "
          f"recall {r:.3f} F1 {f1:.3f}")
    by_rule: dict[str, set[str]] = defaultdict(set)
    for alert in alerts:
        rule = "fan_in (split payments)" if "split payments" in alert.reason else alert.typology
        by_rule[rule].update(alert.accounts)
    for rule, accounts in sorted(by_rule.items()):
        rp, rr, _ = _score(accounts, fraud)
        print(f"  {rule:24} {len(accounts):5} accounts, precision {rp:.3f}, recall {rr:.3f}")


def scenario(scale: int, seed: int) -> None:
    began = time.perf_counter()
    world = build(Settings(seed=seed, scale=scale))
    made = time.perf_counter()
    moves = world.transfers
    tx = payments.table([t.payer for t in moves], [t.beneficiary for t in moves],
                        [t.amount_cents / 100 for t in moves], [t.at for t in moves],
                        ids=[t.id for t in moves], currency=[t.currency for t in moves])
    victims = {a.id: "" for a in world.accounts.values() if a.role == "victim"}
    start = time.perf_counter()
    alerts = payments.scan(tx, victims=victims)
    took = time.perf_counter() - start
    truth: dict[str, set[str]] = defaultdict(set)
    for t in moves:
        if t.typology:
            name = "many_victims" if t.typology == VICTIM_EARNINGS else t.typology
            truth[name].update((t.payer, t.beneficiary))
    found = payments.members(alerts)
    print(f"scenario scale {scale:,} seed {seed}: {len(moves):,} transfers "
          f"(generated in {made - began:.1f} s), {len(alerts)} alerts in {took:.2f} s")
    worst = 1.0
    for typology in payments.TYPOLOGIES:
        p, r, _ = _score(found.get(typology, set()), truth.get(typology, set()))
        worst = min(worst, p, r)
        print(f"  {typology:15} true accounts {len(truth.get(typology, ())):5}  "
              f"found {len(found.get(typology, ())):5}  precision {p:.3f}  recall {r:.3f}")
    print(f"  lowest precision or recall: {worst:.3f} (floor 0.8)")


def volume(n: int, threads: int) -> None:
    tx = data.ordinary_payments(n, dt.datetime(2023, 1, 1))
    accounts = max(2, n // 10)
    print(f"volume: {n:,} transactions among {accounts:,} accounts over two years "
          f"({tx.nbytes / 2**30:.2f} GiB in Arrow), {threads} threads")
    began = time.perf_counter()
    stages: list[str] = []

    def told(typology: str, found: int) -> None:
        stages.append(f"{typology} {time.perf_counter() - began:.0f} s")

    alerts = payments.scan(tx, threads=threads, progress=told)
    took = time.perf_counter() - began
    print(f"  full scan {took:.1f} s ({n / took:,.0f} transactions/s), {len(alerts)} alerts; "
          f"peak memory of the process {_peak_gib():.2f} GiB")
    print(f"  cumulative: {', '.join(stages)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="*", default=["amlsim", "scenario"],
                        choices=["amlsim", "scenario", "volume"])
    parser.add_argument("--scales", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}, "
          f"{os.cpu_count()} cpus")
    for run in args.runs:
        if run == "amlsim":
            amlsim()
        elif run == "scenario":
            for scale in args.scales:
                for seed in args.seeds:
                    scenario(scale, seed)
        else:
            volume(args.transactions, args.threads)


if __name__ == "__main__":
    main()
