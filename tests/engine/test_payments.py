"""Payment typologies on Spark give exactly the alerts DuckDB gives: the same rules (one SQL,
translated), the same claims, the same numbering, accounts, transactions and words."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from tessera.engine import Tables
from tessera.patterns import payments
from tessera.synth.world import Settings, build

SPLIT_DAY = dt.datetime(2022, 6, 1, 10)


@cache
def scenario() -> tuple[pa.Table, dict[str, str]]:
    """A generated scenario's transfers (every typology among them at this seed and scale),
    with split payments into one account added, and its victims' accounts."""
    world = build(Settings(seed=2, scale=2000))
    moves = world.transfers
    split = [(f"SPLIT-P{n}", "SPLIT-T", 4.5 + k, SPLIT_DAY + dt.timedelta(days=37 * n, hours=k))
             for n in range(3) for k in range(3)]
    table = payments.table(
        [t.payer for t in moves] + [s[0] for s in split],
        [t.beneficiary for t in moves] + [s[1] for s in split],
        [t.amount_cents / 100 for t in moves] + [s[2] for s in split],
        [t.at for t in moves] + [s[3] for s in split],
        ids=[t.id for t in moves] + [f"S{n}" for n in range(len(split))],
        currency=[t.currency for t in moves] + ["EUR"] * len(split))
    victims = {a.id: f"case-{n % 3}" for n, a in enumerate(world.accounts.values())
               if a.role == "victim"}
    return table, victims


def test_every_typology_is_found_alike_on_spark_and_duckdb(spark_tables: Tables) -> None:
    table, victims = scenario()
    duck = payments.scan(table, victims=victims)
    spark = payments.scan(table, victims=victims, engine=spark_tables)
    assert {a.typology for a in duck} == set(payments.TYPOLOGIES)  # every rule's SQL ran
    assert any("split payments" in a.reason for a in duck)
    assert spark == duck
    assert [a.row() for a in spark] == [a.row() for a in duck]  # the CSV, to the character


def test_a_partial_scan_of_a_table_without_ids_is_alike_too(spark_tables: Tables) -> None:
    table, _ = scenario()
    # no id column (ids are row numbers), times to the microsecond and with a time zone,
    # a payment to oneself (left out), other rules, some typologies only
    times = pc.add(table["time"].cast(pa.timestamp("us")),
                   pa.scalar(700_000, pa.duration("us"))).cast(pa.timestamp("us", tz="UTC"))
    odd = table.drop_columns(["id", "time"]).append_column("time", times)
    odd = pa.concat_tables([odd.slice(0, 1).set_column(
        odd.schema.get_field_index("beneficiary"), "beneficiary", odd["payer"].slice(0, 1)),
        odd])
    rules = payments.Rules(cycle_hops=8, fan_min=4, relay_cut=0.2)
    wanted = ["cycle", "pass_through", "fan_in"]
    duck = payments.scan(odd, rules, typologies=wanted)
    spark = payments.scan(odd, rules, typologies=wanted, engine=spark_tables)
    assert {a.typology for a in duck} == set(wanted)
    assert spark == duck
