"""The payment typology scan on Spark (local mode) and on DuckDB, stage by stage.

N ordinary payments among N/10 accounts over two years (drawn with numpy, as
``bench/payments.py volume`` draws them), with instances of every typology planted among
them (``tessera.synth.money``, 2 per 100,000 payments of each, on accounts of their own), are
scanned by both engines. Each stage's wall time is printed for both, with the ratio: ``load``
(the transactions handed to the engine, as Parquet for Spark, and keyed), one stage per rule
(its queries and the Python between them, claiming included), and ``alerts`` (the alerts'
transactions looked up). Then whether both found the same alerts, which they must.

Slow (a Spark JVM, and minutes at millions of payments): not part of the tests.

    python bench/spark.py --transactions 1000000
    python bench/spark.py --transactions 10000000 --driver-memory 12g
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys
import time
from typing import Any

import duckdb
import pyarrow as pa

import data
from tessera.config import Settings
from tessera.engine import DuckTables, Tables, spark
from tessera.patterns import payments
from tessera.synth import money

SIZES = {"fan_in": 8, "fan_out": 8, "cycle": 6, "scatter_gather": 7, "gather_scatter": 9,
         "bipartite": 8, "stack": 9, "pass_through": 6, "structuring": 5}
START = dt.datetime(2023, 1, 1)


def transactions(n: int) -> pa.Table:
    ordinary = data.ordinary_payments(n, START)
    rng = random.Random(2)
    numbers = itertools.count(1)
    planted = []
    for typology, size in SIZES.items():
        for m in range(max(1, 2 * n // 100_000)):
            planted += money.pattern(
                rng, typology, [f"{typology}-{m}-{k}" for k in range(size)],
                start=START + dt.timedelta(days=rng.uniform(0, 700)), pattern_id=f"P{m}",
                next_id=lambda: f"T{next(numbers)}")
    extra = payments.table([t.payer for t in planted], [t.beneficiary for t in planted],
                           [t.amount_cents / 100 for t in planted], [t.at for t in planted],
                           ids=[t.id for t in planted], currency=[t.currency for t in planted])
    return pa.concat_tables([ordinary, extra.select(ordinary.column_names)])


class Timed:
    """``Tables`` that note when the scan's loading ends (its view of what is live is made
    last), so that the load is timed apart from the first rule."""

    def __init__(self, inner: Tables, marks: list[tuple[str, float]]) -> None:
        self.inner, self.marks, self.name = inner, marks, inner.name

    def register(self, name: str, table: pa.Table) -> None:
        self.inner.register(name, table)

    def create(self, name: str, sql: str) -> None:
        self.inner.create(name, sql)

    def view(self, name: str, sql: str) -> None:
        self.inner.view(name, sql)
        if name == "live" and len(self.marks) == 1:
            self.marks.append(("load", time.perf_counter()))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.inner.rows(sql)

    def close(self) -> None:
        self.inner.close()


def timed_scan(tx: pa.Table, tables: Tables) -> tuple[list[payments.Alert], dict[str, float]]:
    marks: list[tuple[str, float]] = [("start", time.perf_counter())]
    alerts = payments.scan(tx, engine=Timed(tables, marks),
                           progress=lambda typology, _n: marks.append(
                               (typology, time.perf_counter())))
    marks.append(("alerts", time.perf_counter()))
    stages = {name: at - before for (_, before), (name, at) in itertools.pairwise(marks)}
    stages["total"] = marks[-1][1] - marks[0][1]
    return alerts, stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's threads")
    args = parser.parse_args()
    began = time.perf_counter()
    tx = transactions(args.transactions)
    print(f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}, "
          f"{os.cpu_count()} cpus; {tx.num_rows:,} transactions "
          f"({tx.nbytes / 2**20:.0f} MiB in Arrow) made in {time.perf_counter() - began:.1f} s")
    duck_tables = DuckTables(threads=args.threads)
    try:
        duck, duck_stages = timed_scan(tx, duck_tables)
    finally:
        duck_tables.close()
    began = time.perf_counter()
    settings = Settings(spark_master=args.master, spark_driver_memory=args.driver_memory,
                        spark_conf={"spark.ui.enabled": "false"})
    session = spark.session(settings)
    started = time.perf_counter() - began
    print(f"spark {session.version} at {args.master}, driver memory {args.driver_memory}, "
          f"started in {started:.1f} s (not counted below); duckdb on {args.threads} threads")
    spark_tables = spark.SparkTables(session)
    try:
        found, spark_stages = timed_scan(tx, spark_tables)
    finally:
        spark_tables.close()
    print(f"{'stage':15} {'duckdb s':>9} {'spark s':>9} {'spark/duckdb':>12}")
    for stage in duck_stages:
        d, s = duck_stages[stage], spark_stages[stage]
        print(f"{stage:15} {d:9.2f} {s:9.2f} {s / d if d > 0.005 else float('nan'):12.1f}")
    cores = {"duckdb": args.threads, "spark": session.sparkContext.defaultParallelism}
    for name, stages in (("duckdb", duck_stages), ("spark", spark_stages)):
        rate = tx.num_rows / stages["total"]
        print(f"{name}: {rate:,.0f} transactions/s on {cores[name]} cores, "
              f"{rate / cores[name]:,.0f} per core")
    print(f"alerts: duckdb {len(duck)}, spark {len(found)}; identical: {found == duck}")


if __name__ == "__main__":
    main()
