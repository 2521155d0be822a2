"""The payment typology scan: each typology found with its accounts, the most specific
explanation winning, ordinary payments left alone, and bad input refused with where."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tessera.patterns import payments
from tessera.synth import money
from tessera.synth.model import Transfer

START = dt.datetime(2024, 3, 1, 9)


def ids(prefix: str) -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers)}"


def ordinary(seed: int, accounts: int = 400, count: int = 800) -> list[Transfer]:
    """Sparse ordinary payments over a year among ``accounts`` accounts named O1, O2…"""
    return money.background(random.Random(seed), [f"O{n}" for n in range(1, accounts + 1)],
                            count, start=START, end=START + dt.timedelta(days=365),
                            next_id=ids("B"))


def as_table(transfers: list[Transfer]) -> pa.Table:
    return payments.table([t.payer for t in transfers], [t.beneficiary for t in transfers],
                          [t.amount_cents / 100 for t in transfers], [t.at for t in transfers],
                          ids=[t.id for t in transfers],
                          currency=[t.currency for t in transfers])


def planted(typology: str, size: int, seed: int = 3) -> list[Transfer]:
    return money.pattern(random.Random(seed), typology, [f"X{n}" for n in range(size)],
                         start=START + dt.timedelta(days=100), pattern_id="M1",
                         next_id=ids("T"))


SIZES = {"fan_in": 8, "fan_out": 8, "cycle": 6, "scatter_gather": 7, "gather_scatter": 9,
         "bipartite": 8, "stack": 9, "pass_through": 6, "structuring": 5}


@pytest.mark.parametrize("typology", sorted(SIZES))
def test_each_typology_planted_among_ordinary_payments_is_the_one_alert_naming_its_accounts(
        typology: str) -> None:
    pattern = planted(typology, SIZES[typology])
    alerts = payments.scan(as_table(ordinary(1) + pattern))
    assert [a.typology for a in alerts] == [typology]
    (alert,) = alerts
    assert set(alert.accounts) == {f"X{n}" for n in range(SIZES[typology])}
    assert set(alert.transactions) == {t.id for t in pattern}
    assert alert.first == min(t.at for t in pattern)
    assert alert.amount == pytest.approx(sum(t.amount_cents for t in pattern) / 100)
    assert alert.reason  # said in words


def test_ordinary_payments_alone_raise_no_alert() -> None:
    assert payments.scan(as_table(ordinary(2, accounts=300, count=3000))) == []


def test_the_sink_of_a_scatter_gather_is_not_also_reported_as_a_fan_in() -> None:
    data = as_table(ordinary(4) + planted("scatter_gather", 10))
    alerts = payments.scan(data)
    assert [a.typology for a in alerts] == ["scatter_gather"]
    parts = alerts[0].accounts
    assert parts["X0"] == "source" and parts["X9"] == "sink"
    assert {a for a, part in parts.items() if part == "middle"} == {f"X{n}" for n in range(1, 9)}
    # asked for fan-ins only, the sink's takings are one
    only = payments.scan(data, typologies=["fan_in"])
    assert [(a.typology, a.accounts["X9"]) for a in only] == [("fan_in", "collector")]


def row(payer: str, beneficiary: str, amount: float, day: float) -> tuple[str, str, float,
                                                                          dt.datetime]:
    return payer, beneficiary, amount, START + dt.timedelta(days=day)


def scan_rows(rows: list[tuple[str, str, float, dt.datetime]], **rules: object
              ) -> list[payments.Alert]:
    columns = list(zip(*rows, strict=True))
    return payments.scan(payments.table(*columns),
                         payments.Rules(**rules))  # type: ignore[arg-type]


def test_money_round_five_accounts_is_a_cycle_but_not_if_it_grows_or_never_returns() -> None:
    ring = ["A", "B", "C", "D", "E"]
    hops = [row(a, b, 1000 - 10 * n, n * 0.5) for n, (a, b) in
            enumerate(zip(ring, ring[1:] + ring[:1], strict=True))]
    (alert,) = scan_rows(hops)
    assert alert.typology == "cycle" and list(alert.accounts) == ring
    grows = [(a, b, amount + 20 * n, t) for n, (a, b, amount, t) in enumerate(hops)]
    assert "cycle" not in {a.typology for a in scan_rows(grows)}
    assert "cycle" not in {a.typology for a in scan_rows(hops[:-1])}
    slow = [(a, b, amount, t + dt.timedelta(days=5 * n)) for n, (a, b, amount, t)
            in enumerate(hops)]
    assert "cycle" not in {a.typology for a in scan_rows(slow)}


def test_structuring_is_deposits_just_under_the_threshold_not_at_or_far_below_it() -> None:
    under = [row(f"D{n}", "R", 9_500 + n, n * 2) for n in range(4)]
    (alert,) = scan_rows(under)
    assert alert.typology == "structuring" and alert.accounts["R"] == "receiver"
    assert "just under the 10,000" in alert.reason
    at = [row(f"D{n}", "R", 10_000, n * 2) for n in range(4)]
    far = [row(f"D{n}", "R", 5_000, n * 2) for n in range(4)]
    assert "structuring" not in {a.typology for a in scan_rows(at) + scan_rows(far)}
    assert [a.typology for a in scan_rows(under, threshold=20_000.0)] != ["structuring"]


def test_split_payments_from_several_payers_are_a_fan_in_though_spread_over_months() -> None:
    split = [row(payer, "T", 4.5, day) for payer, day in (("P1", 3), ("P2", 40), ("P3", 77))
             for _ in range(3)]
    (alert,) = scan_rows(split)
    assert alert.typology == "fan_in" and "split payments" in alert.reason
    assert set(alert.accounts) == {"T", "P1", "P2", "P3"}
    once = [row(payer, "T", 4.5, day) for payer, day in (("P1", 3), ("P2", 40), ("P3", 77))]
    assert scan_rows(once) == []


def test_a_fan_in_as_ordinary_as_the_ledgers_busy_accounts_is_not_flagged() -> None:
    # every one of 60 accounts gathers from 4 payers in a day, every fortnight for a year:
    # 4 is ordinary here, 25 is not
    busy = [row(f"P{a}-{k}", f"C{a}", 100.0, week * 14 + 0.1 * k)
            for a in range(60) for week in range(26) for k in range(4)]
    assert [a for a in scan_rows(busy) if a.typology == "fan_in"] == []
    big = [row(f"Q{k}", "C0", 100.0, 200 + 0.1 * k) for k in range(25)]
    flagged = [a for a in scan_rows(busy + big) if a.typology == "fan_in"]
    assert [a.accounts["C0"] for a in flagged] == ["collector"]
    assert {f"Q{k}" for k in range(25)} <= set(flagged[0].accounts)


def test_an_account_paid_by_several_victims_accounts_is_flagged_when_victims_are_known(
) -> None:
    wages = [row(f"V{n}", "C", 800.0, 30 * n + 5) for n in range(3)]
    tx = payments.table(*list(zip(*wages, strict=True)))
    assert payments.scan(tx) == []
    (alert,) = payments.scan(tx, victims={"V0": "UA/K1", "V1": "UA/K2", "V2": ""})
    assert alert.typology == "many_victims" and "of 2 cases" in alert.reason
    assert alert.accounts == {"C": "receiver", "V0": "victim", "V1": "victim", "V2": "victim"}


def test_alert_row_is_flat_and_complete() -> None:
    (alert,) = scan_rows([row(f"D{n}", "R", 9_900, n) for n in range(3)])
    flat = alert.row()
    assert flat["alert"] == "structuring-1" and flat["count"] == 3
    assert flat["accounts"].split(";")[0] == "R" and "R=receiver" in flat["parts"]
    assert flat["first"] == START.isoformat()


def test_rules_refuse_nonsense_by_name() -> None:
    with pytest.raises(ValueError, match="relay_cut is a share"):
        payments.Rules(relay_cut=1.5)
    with pytest.raises(ValueError, match="fan_span must be a positive number"):
        payments.Rules(fan_span=0)
    with pytest.raises(ValueError, match="unknown typology smurfing"):
        payments.scan(payments.table(["a"], ["b"], [1.0], [START]), typologies=["smurfing"])


def test_read_csv_renames_columns_and_reads_day_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("src,dst,value,time\n1,2,10.5,3\n2,3,9.5,2024-01-02T10:00\n",
                    encoding="utf-8")
    tx = payments.read_csv(str(path), columns={"payer": "src", "beneficiary": "dst",
                                               "amount": "value"})
    assert tx.column("payer").to_pylist() == ["1", "2"]
    assert tx.column("amount").to_pylist() == [10.5, 9.5]
    assert tx.column("time").to_pylist() == [dt.datetime(1970, 1, 4),
                                              dt.datetime(2024, 1, 2, 10)]
    assert tx.column("id").to_pylist() == ["1", "2"]


@pytest.mark.parametrize(("body", "message"), [
    ("payer,beneficiary,amount\na,b,1\n", "missing column(s) time"),
    ("payer,beneficiary,amount,time\na,b,1,2024-01-01\na,b,-3,2024-01-01\n",
     "row 3, column amount: '-3' is not a positive number"),
    ("payer,beneficiary,amount,time\na,b,1,2024-01-01\na,b,1,yesterday\n",
     "row 3, column time: 'yesterday' is not a date"),
    ("payer,beneficiary,amount,time\n,b,1,2024-01-01\n", "row 2, column payer: "),
    ("payer,beneficiary,amount,time\na,b,1,20240105\n", "row 2, column time: '20240105'"),
    ("id,payer,beneficiary,amount,time\nT1,a,b,1,2024-01-01\nT1,a,c,1,2024-01-02\n",
     "rows 2 and 3, column id: the id 'T1' is given twice"),
])
def test_read_csv_names_the_file_row_and_column_of_a_bad_value(
        tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(payments.PaymentsError) as err:
        payments.read_csv(str(path))
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_fan_in_a_small_ledger_is_judged_against_the_minimum_not_the_data() -> None:
    # 40 accounts over three months: too few account-fortnights to say what is rare
    quiet = [row(f"O{n % 40}", f"O{(n * 7 + 3) % 40}", 50.0, n * 1.5) for n in range(60)]
    fan = [row(f"P{k}", "X", 400.0, 30 + k / 24) for k in range(8)]
    (alert,) = [a for a in scan_rows(quiet + fan) if a.typology == "fan_in"]
    assert alert.accounts["X"] == "collector" and len(alert.accounts) == 9


def test_layers_paid_far_apart_are_two_blocks_not_a_stack() -> None:
    first = [row(f"L{a}", f"M{b}", 3000.0, 1 + a + b / 10) for a in range(2) for b in range(2)]
    later = [row(f"M{b}", f"N{c}", 1400.0, d + b + c / 10) for b in range(2) for c in range(2)
             for d in (4,)]
    assert [a.typology for a in scan_rows(first + later)] == ["stack"]
    apart = [(p, b, amount, t + dt.timedelta(days=300)) for p, b, amount, t in later]
    assert sorted(a.typology for a in scan_rows(first + apart)) == ["bipartite", "bipartite"]


def test_payments_on_one_day_split_a_sum_only_when_alike() -> None:
    alike = [row(p, "T", amount, day) for p, day in (("P1", 3), ("P2", 40))
             for amount in (4.1, 4.6, 3.9)]
    assert [a.typology for a in scan_rows(alike)] == ["fan_in"]
    rent = [row(p, "T", amount, day) for p, day in (("P1", 3), ("P2", 150))
            for amount in (650.0, 40.0)]
    assert scan_rows(rent) == []


def test_rules_refuse_numbers_that_are_not() -> None:
    with pytest.raises(ValueError, match="threshold must be a positive number, got nan"):
        payments.Rules(threshold=float("nan"))


def test_read_csv_reads_parquet_with_the_same_checks(tmp_path: Path) -> None:
    good = tmp_path / "t.parquet"
    pq.write_table(pa.table({"payer": ["a", "b"], "beneficiary": ["b", "c"],
                             "amount": [10.5, 9.0],
                             "time": pa.array([dt.datetime(2024, 1, 2, 10)] * 2,
                                              pa.timestamp("s"))}), good)
    tx = payments.read_csv(str(good))
    assert tx.column("amount").to_pylist() == [10.5, 9.0]
    assert tx.column("time").to_pylist() == [dt.datetime(2024, 1, 2, 10)] * 2
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"payer": ["a"], "beneficiary": ["b"], "amount": [-1.0],
                             "time": ["2024-01-01"]}), bad)
    with pytest.raises(payments.PaymentsError, match=r"row 2, column amount: '-1\.0'"):
        payments.read_csv(str(bad))
