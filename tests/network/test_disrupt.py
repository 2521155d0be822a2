"""Where to disrupt: the greedy key-player plan against the top k of each ranking."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import igraph as ig
import pytest

from tessera.network import analyse, disrupt, tables

LEAVES = 5


def simple_graph(pairs: Iterable[tuple[str, str]],
                 amounts: Mapping[tuple[str, str], float] | None = None) -> ig.Graph:
    pairs = list(pairs)
    amounts = amounts or {}
    names = sorted({name for pair in pairs for name in pair})
    nodes = [{"id": n, "kind": "person", "label": n, "roles": "", "countries": ""}
             for n in names]
    edges = [{"source": a, "target": b, "kind": "associate", "weight": 1.0,
              "amount": amounts.get((a, b), 0.0)} for a, b in pairs]
    return tables.simple(tables.from_rows(nodes, edges), fold=False)


def two_stars_and_a_broker() -> list[tuple[str, str]]:
    """Two groups, each a centre with five followers in a ring around it (so removing a
    centre leaves its group together), joined only through the broker, who knows each
    group's centre and one of its followers. The centres have the most ties (6; the
    broker 4), but only the broker's removal splits the network."""
    pairs = [("broker", "c1"), ("broker", "c1-0"), ("broker", "c2"), ("broker", "c2-0")]
    for centre in ("c1", "c2"):
        ring = [f"{centre}-{i}" for i in range(LEAVES)]
        pairs += [(centre, f) for f in ring]
        pairs += list(itertools.pairwise([*ring, ring[0]]))
    return pairs


def test_fragmentation_is_one_when_all_are_isolated_and_zero_when_all_connect() -> None:
    assert disrupt.fragmentation([1] * 7, 7) == 1.0
    assert disrupt.fragmentation([7], 7) == 0.0
    # two pairs of four: 4 of the 12 ordered pairs still reach each other
    assert disrupt.fragmentation([2, 2], 4) == pytest.approx(1 - 4 / 12)
    assert disrupt.fragmentation([1], 1) == 0.0


def test_the_plan_removes_the_broker_not_the_best_connected_centre() -> None:
    g = simple_graph(two_stars_and_a_broker())
    n = g.vcount()
    assert n == 2 * (LEAVES + 1) + 1
    found = analyse.analyse(g)
    assert [g.vs[v]["name"] for v in disrupt.plan(g, 1, found)] == ["broker"]
    outcomes = {o.strategy: o for o in disrupt.compare(g, found, 1)}
    planned, by_degree = outcomes["disruption plan"], outcomes["top 1 by degree"]
    assert planned.removed == ("broker",)
    assert by_degree.removed in (("c1",), ("c2",))
    # the broker leaves two groups of six; a centre leaves the rest whole, itself apart
    half = LEAVES + 1
    assert planned.fragmentation == pytest.approx(1 - 2 * half * (half - 1) / (n * (n - 1)))
    assert by_degree.fragmentation == pytest.approx(2 / n)
    assert planned.fragmentation > by_degree.fragmentation
    assert (planned.largest, planned.components) == (half, 2)
    assert (by_degree.largest, by_degree.components) == (n - 1, 1)


def test_compare_lists_the_plan_first_then_the_ranking_and_each_centrality() -> None:
    g = simple_graph(two_stars_and_a_broker())
    found = analyse.analyse(g)
    outcomes = disrupt.compare(g, found, 2)
    assert [o.strategy for o in outcomes] == [
        "disruption plan", "key-player ranking", "top 2 by degree", "top 2 by betweenness",
        "top 2 by pagerank", "top 2 by eigenvector", "top 2 by closeness"]
    assert all(len(o.removed) == 2 for o in outcomes)
    assert set(outcomes[2].removed) == {"c1", "c2"}  # the two with six ties
    assert outcomes[1].removed == tuple(p.label for p in found.ranking[:2])
    assert outcomes[0].fragmentation == max(o.fragmentation for o in outcomes)


def test_the_plan_never_takes_a_victim() -> None:
    pairs = two_stars_and_a_broker()
    names = sorted({n for pair in pairs for n in pair})
    nodes = [{"id": n, "kind": "person", "label": n, "countries": "",
              "roles": "victim" if n == "broker" else ""} for n in names]
    edges = [{"source": a, "target": b, "kind": "associate", "weight": 1.0, "amount": 0.0}
             for a, b in pairs]
    g = tables.simple(tables.from_rows(nodes, edges), fold=False)
    found = analyse.analyse(g)
    chosen = [g.vs[v]["name"] for v in disrupt.plan(g, 1, found)]
    assert chosen != ["broker"] and len(chosen) == 1


def test_money_cut_is_the_share_of_the_money_flow_the_removal_stops() -> None:
    """The broker pays c1, who pays c1-0 less; c2-1 pays c2-2. Money can run 20 along the
    first chain (c1 passes on no more) and 70 along the second: 90 in all."""
    amounts = {("broker", "c1"): 30.0, ("c1", "c1-0"): 20.0, ("c2-1", "c2-2"): 70.0}
    g = simple_graph(two_stars_and_a_broker(), amounts)
    assert disrupt.money_flow(g) == pytest.approx(90)
    found = analyse.analyse(g)
    outcomes = {o.strategy: o for o in disrupt.compare(g, found, 1)}
    assert outcomes["disruption plan"].money_cut == pytest.approx(20 / 90)
    by_degree = outcomes["top 1 by degree"]
    expected: dict[tuple[str, ...], float] = {("c1",): 20 / 90, ("c2",): 0.0}
    assert by_degree.money_cut == pytest.approx(expected[by_degree.removed])
    (payer,) = g.vs.select(name_eq="c2-1")
    assert disrupt.outcome(g, [payer.index], "c2-1").money_cut == pytest.approx(70 / 90)


def test_money_flows_only_the_way_it_was_paid() -> None:
    """c1-0 pays c1 and the broker pays c1: c1 only receives, so both payers' money ends at
    c1; reversing the direction in the file would make c1 a payer instead."""
    amounts = {("c1-0", "c1"): 20.0, ("broker", "c1"): 30.0}
    g = simple_graph([*two_stars_and_a_broker(), ("c1-0", "c1")], amounts)
    assert disrupt.money_flow(g) == pytest.approx(50)
    (c1,) = g.vs.select(name_eq="c1")
    assert disrupt.money_flow(g, [c1.index]) == 0.0


def test_no_money_means_no_money_cut() -> None:
    g = simple_graph(two_stars_and_a_broker())
    (broker,) = g.vs.select(name_eq="broker")
    assert disrupt.outcome(g, [broker.index], "broker").money_cut == 0.0
