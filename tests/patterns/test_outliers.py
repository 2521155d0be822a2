"""Outliers: account features read right off transactions, a planted account found with the
feature that sets it apart, peers, determinism, and bad input named."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pyarrow as pa
import pytest

from tessera.network import graph
from tessera.patterns.outliers import (
    EVERYONE,
    FeatureError,
    FeatureTable,
    account_features,
    network_features,
    scan,
    transactions_table,
)
from tessera.standard.records import ANY_RECORD

START = dt.datetime(2023, 1, 1)
Row = tuple[str, str, float, dt.datetime, str]


def ordinary(accounts: int = 300, payments: int = 3000, seed: int = 7) -> list[Row]:
    """Payments between random pairs of ordinary accounts, by bank transfer, uneven amounts."""
    rng = random.Random(seed)
    rows = []
    for _ in range(payments):
        payer, payee = rng.sample(range(accounts), 2)
        rows.append((f"A{payer:04d}", f"A{payee:04d}", round(rng.lognormvariate(4, 0.8), 2),
                     START + dt.timedelta(hours=rng.randrange(24 * 365)), "bank_transfer"))
    return rows


def collector(payers: int = 60) -> list[Row]:
    """One account taking cash from many people it never pays back."""
    return [(f"A{n:04d}", "X-COLLECTOR", 55.17 + n, START + dt.timedelta(days=n), "cash_deposit")
            for n in range(payers)]


def feature(table: FeatureTable, account: str, name: str) -> float:
    row = table.ids.tolist().index(account)
    return float(table.values[row, table.names.index(name)])


# Features


def test_account_features_count_amounts_counterparties_and_shares() -> None:
    rows: list[Row] = [
        ("A", "B", 100.0, START, "cash_deposit"),
        ("A", "B", 50.5, START + dt.timedelta(hours=1), "bank_transfer"),
        ("C", "B", 200.0, START + dt.timedelta(hours=2), "bank_transfer"),
        ("B", "D", 300.0, START + dt.timedelta(hours=5), "bank_transfer"),
    ]
    table = account_features(rows)
    assert table.ids.tolist() == ["A", "B", "C", "D"]
    b = {name: feature(table, "B", name) for name in table.names}
    assert b["payments_in"] == 3 and b["payments_out"] == 1
    assert b["payers"] == 2 and b["beneficiaries"] == 1
    assert b["amount_in"] == pytest.approx(350.5) and b["amount_out"] == 300
    assert b["round_share"] == pytest.approx(3 / 4)  # 100, 200, 300 are whole hundreds
    assert b["cash_share"] == pytest.approx(1 / 4)
    assert b["out_over_in"] == pytest.approx(300 / 350.5)
    assert b["hours_in_to_out"] == pytest.approx(3.0)  # out at 5 h, the latest in at 2 h
    assert np.isnan(feature(table, "A", "out_over_in"))  # nothing came in
    assert np.isnan(feature(table, "D", "hours_in_to_out"))  # never paid out


def test_the_time_to_pay_out_is_the_median_over_payments_out_within_each_account() -> None:
    hour = dt.timedelta(hours=1)
    rows: list[Row] = [
        ("S", "M", 10.0, START, ""), ("M", "T", 10.0, START + 1 * hour, ""),
        ("M", "T", 10.0, START + 3 * hour, ""), ("S", "M", 10.0, START + 10 * hour, ""),
        ("M", "T", 10.0, START + 20 * hour, ""),
        ("N", "S", 10.0, START + 30 * hour, ""),  # S's money out came before any came in
    ]
    table = account_features(rows)
    assert feature(table, "M", "hours_in_to_out") == pytest.approx(3.0)  # of 1, 3 and 10
    assert np.isnan(feature(table, "S", "hours_in_to_out"))


def test_a_pyarrow_table_and_rows_give_the_same_features() -> None:
    rows = ordinary(accounts=30, payments=200)
    table = pa.table({
        "payer": [r[0] for r in rows], "beneficiary": [r[1] for r in rows],
        "amount": [r[2] for r in rows],
        "timestamp": pa.array([r[3] for r in rows], pa.timestamp("us")),
        "channel": [r[4] for r in rows],
    })
    from_rows, from_table = account_features(rows), account_features(table)
    assert from_rows.ids.tolist() == from_table.ids.tolist()
    np.testing.assert_allclose(from_rows.values, from_table.values, equal_nan=True)


def test_bad_transactions_are_named() -> None:
    with pytest.raises(FeatureError, match="missing timestamp"):
        transactions_table(pa.table({"payer": ["A"], "beneficiary": ["B"], "amount": [1.0]}))
    with pytest.raises(FeatureError, match="transaction 1: expected"):
        transactions_table([("A", "B", 1.0, START, ""), ("A", "B")])
    with pytest.raises(FeatureError, match="amounts must be positive; row 1"):
        account_features([("A", "B", 1.0, START, ""), ("A", "B", -5.0, START, "")])
    with pytest.raises(FeatureError, match="column 'payer' has 1 empty values"):
        transactions_table(pa.table({"payer": [None], "beneficiary": ["B"], "amount": [1.0],
                                     "timestamp": [0]}))


# Outliers


def test_a_collector_among_ordinary_accounts_is_the_top_outlier_for_its_payers_and_cash(
) -> None:
    found = scan(account_features(ordinary() + collector()), seed=1)
    top = found.outliers[0]
    assert top.id == "X-COLLECTOR"
    named = {s.feature for s in top.standouts}
    assert named & {"payers", "cash_share"}, top.reason
    payers = next(s for s in top.standouts if s.feature in ("payers", "cash_share"))
    assert payers.z > 3
    assert "stands out among all accounts" in top.reason
    assert "against a peer median of" in top.reason
    assert len(found.outliers) == int(np.ceil(0.01 * len(found.ids)))


def test_the_same_seed_gives_the_same_scores_whatever_the_input_order() -> None:
    rows = ordinary() + collector()
    first = scan(account_features(rows), seed=3)
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    again = scan(account_features(shuffled), seed=3)
    np.testing.assert_array_equal(first.scores, again.scores)
    assert [o.id for o in first.outliers] == [o.id for o in again.outliers]
    other = scan(account_features(rows), seed=4)
    assert not np.array_equal(first.scores, other.scores)


def test_peer_groups_are_scored_apart_and_small_ones_against_everyone() -> None:
    # shops take payments from many people: odd among personal accounts, ordinary among shops
    rng = random.Random(5)
    rows = ordinary()
    for shop in range(20):
        rows += [(f"A{payer:04d}", f"SHOP{shop:02d}", round(rng.uniform(5, 80), 2),
                  START + dt.timedelta(hours=rng.randrange(8760)), "card")
                 for payer in rng.sample(range(300), 40)]
    table = account_features(rows)
    shops = np.array([i.startswith("SHOP") for i in table.ids.tolist()])
    peers = {i: ("shop" if i.startswith("SHOP") else "personal") for i in table.ids.tolist()}
    together = scan(table, seed=0, share=0.05)
    assert set(together.peers.tolist()) == {EVERYONE}
    partly = scan(table, peers=peers, seed=0, share=0.05)
    # 20 shops are too few to be peers (50 by default): they are scored against everyone
    assert set(partly.peers[shops].tolist()) == {EVERYONE}
    assert set(partly.peers[~shops].tolist()) == {"personal"}
    apart = scan(table, peers=peers, min_peers=20, seed=0, share=0.05)
    assert set(apart.peers.tolist()) == {"shop", "personal"}
    # against everyone, shops stand out; among shops, they do not
    assert together.scores[shops].mean() > together.scores[~shops].mean() + 0.05
    assert sum(o.id.startswith("SHOP") for o in together.outliers) >= len(together.outliers) / 2
    assert {o.peers for o in apart.outliers} == {"peers shop", "peers personal"}
    assert any(i.startswith("A") for i in (o.id for o in apart.outliers))
    assert apart.scores[shops].mean() < together.scores[shops].mean()


def test_other_features_join_on_the_id_and_network_features_read_the_graph() -> None:
    records = [("DE-FIU", ANY_RECORD.validate_python(row, context={"country": "DE"})) for row in (
        {"record_type": "account", "ref": "A1", "account_number": "1", "country": "DE"},
        {"record_type": "account", "ref": "A2", "account_number": "2", "country": "DE"},
        {"record_type": "transaction", "ref": "T1", "payer_account_ref": "A1",
         "beneficiary_account_ref": "A2", "amount": "10", "currency": "EUR",
         "timestamp": "2023-01-01"},
    )]
    net = network_features(graph.build(records), kinds=["account"])
    assert net.ids.tolist() == ["account:DE:1", "account:DE:2"]
    assert net.values[:, net.names.index("degree")].tolist() == [1, 1]
    base = FeatureTable.of(["account:DE:1", "account:XX:9"], {"payers": [3, 4]})
    joined = base.join(net)
    assert joined.names == ("payers", *net.names)
    assert joined.values[0, 1] == 1 and np.isnan(joined.values[1, 1])
    with pytest.raises(FeatureError, match="both tables have the feature"):
        joined.join(net)
    with pytest.raises(FeatureError, match="feature 'x' has 1 values for 2 ids"):
        FeatureTable.of(["a", "b"], {"x": [1]})


def test_scan_refuses_a_share_it_cannot_use() -> None:
    with pytest.raises(FeatureError, match="share must be above 0"):
        scan(account_features(ordinary(30, 100)), share=0.7)
