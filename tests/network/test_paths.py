"""How two entities connect, hop by hop with the records behind each tie; who is near one of
them; the network in a time window; and how it changes from one period to the next."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from typing import Any

import igraph as ig
import pytest

from tessera.network import graph, paths, tables
from tessera.standard.records import ANY_RECORD

AGENCY = "UA-POL"
ANNA, BORIS, CARL = (f"person:{AGENCY}/P{n}" for n in (1, 2, 3))


def records_network(*extra: dict[str, Any]) -> ig.Graph:
    """Anna's account paid Boris's; Boris recruited Carl, and Carl calls Boris an associate;
    Dan knows no one."""
    rows: list[dict[str, Any]] = [
        {"record_type": "person", "ref": "P1", "name": "Anna Smit"},
        {"record_type": "person", "ref": "P2", "name": "Boris Kade"},
        {"record_type": "person", "ref": "P3", "name": "Carl Dorn"},
        {"record_type": "person", "ref": "P4", "name": "Dan Ek"},
        {"record_type": "account", "ref": "A1", "owner_ref": "P1", "account_number": "111",
         "country": "UA"},
        {"record_type": "account", "ref": "A2", "owner_ref": "P2", "account_number": "222",
         "country": "UA"},
        {"record_type": "transaction", "ref": "X1", "payer_account_ref": "A1",
         "beneficiary_account_ref": "A2", "amount": "100", "currency": "EUR",
         "timestamp": "2023-01-05"},
        {"record_type": "relation", "ref": "R1", "kind": "recruited", "source_ref": "P2",
         "target_ref": "P3"},
        {"record_type": "relation", "ref": "R2", "kind": "associate", "source_ref": "P3",
         "target_ref": "P2"},
        *extra,
    ]
    net = graph.build((AGENCY, ANY_RECORD.validate_python(r, context={"country": "XX"}))
                      for r in rows)
    return tables.graph_of(net)


def rows_graph(ties: Iterable[tuple[str, str, float, str, str]]) -> ig.Graph:
    """The directed graph of (source, target, weight, first, last) ties, each its own record."""
    listed = list(ties)
    names = sorted({n for s, t, *_ in listed for n in (s, t)})
    nodes = [{"id": n, "kind": "person", "label": n} for n in names]
    edges = [{"source": s, "target": t, "kind": "associate", "weight": w, "first": first,
              "last": last, "records": f"X/{s}-{t}"} for s, t, w, first, last in listed]
    return tables.from_rows(nodes, edges)


def names(g: ig.Graph) -> set[str]:
    return set(g.vs["name"])


# Paths


def test_a_path_names_each_hops_ties_and_records_including_folded_identifiers() -> None:
    directed = records_network()
    simple = tables.simple(directed)
    (path,) = paths.between(directed, simple, "Anna Smit", CARL)
    assert [(h.source, h.target) for h in path.hops] == [("Anna Smit", "Boris Kade"),
                                                         ("Boris Kade", "Carl Dorn")]
    paid, recruited = path.hops
    # Anna and Boris meet through the accounts folded into them
    assert (paid.kinds, paid.records) == (("paid",), (f"{AGENCY}/X1",))
    assert recruited.kinds == ("associate", "recruited")  # both directions
    assert recruited.records == (f"{AGENCY}/R1", f"{AGENCY}/R2")
    assert path.length == pytest.approx(
        1 / simple.es[simple.get_eid(*(int(simple.vs.find(name=n).index)
                                       for n in (ANNA, f"person:{AGENCY}/P2")))]["weight"]
        + 1 / simple.es[simple.get_eid(*(int(simple.vs.find(name=n).index)
                                         for n in (f"person:{AGENCY}/P2", CARL)))]["weight"])


def test_a_folded_identifier_finds_the_person_it_was_folded_into() -> None:
    directed = records_network()
    simple = tables.simple(directed)
    (path,) = paths.between(directed, simple, "account:UA:111", "Carl Dorn")
    assert path.hops[0].source == "Anna Smit"
    assert paths.find(simple, "account:UA:111") == paths.find(simple, ANNA)


def test_the_shortest_path_comes_first_and_k_paths_are_distinct() -> None:
    # a to d: through c (two strong ties, length 0.5), b (length 2), or e and f (length 3)
    directed = rows_graph([
        ("a", "b", 1.0, "", ""), ("b", "d", 1.0, "", ""),
        ("a", "c", 4.0, "", ""), ("c", "d", 4.0, "", ""),
        ("a", "e", 1.0, "", ""), ("e", "f", 1.0, "", ""), ("f", "d", 1.0, "", ""),
    ])
    simple = tables.simple(directed, fold=False)
    found = paths.between(directed, simple, "a", "d", k=3)
    assert [p.length for p in found] == pytest.approx([0.5, 2.0, 3.0])
    routes = [(p.hops[0].source, *(h.target for h in p.hops)) for p in found]
    assert routes == [("a", "c", "d"), ("a", "b", "d"), ("a", "e", "f", "d")]
    assert found[0].hops[0].records == ("X/a-c",)
    assert len(paths.between(directed, simple, "a", "d", k=1)) == 1


def test_with_ties_of_equal_weight_a_paths_length_counts_its_hops() -> None:
    directed = rows_graph([("a", "b", 1.0, "", ""), ("b", "c", 1.0, "", "")])
    (path,) = paths.between(directed, tables.simple(directed, fold=False), "a", "c")
    assert path.length == 2.0 and len(path.hops) == 2


def test_an_unknown_node_is_not_in_the_network() -> None:
    directed = records_network()
    simple = tables.simple(directed)
    with pytest.raises(paths.NotInNetwork, match="no node or case 'Zoe Quist' in the network"):
        paths.between(directed, simple, "Anna Smit", "Zoe Quist")


def test_two_cases_connect_through_any_of_the_nodes_they_name() -> None:
    """Case C1 names Anna and Eve, case C2 names Carl: the shortest way from C1 to C2 starts
    at Anna (Eve knows no one) and runs through Boris."""
    rows: list[dict[str, Any]] = [
        {"record_type": "case", "ref": "C1", "country": "UA"},
        {"record_type": "case", "ref": "C2", "country": "UA"},
        {"record_type": "person", "ref": "P1", "name": "Anna Smit", "case_ref": "C1"},
        {"record_type": "person", "ref": "P5", "name": "Eve Lind", "case_ref": "C1"},
        {"record_type": "person", "ref": "P2", "name": "Boris Kade"},
        {"record_type": "person", "ref": "P3", "name": "Carl Dorn", "case_ref": "C2"},
        {"record_type": "relation", "ref": "R1", "kind": "associate", "source_ref": "P1",
         "target_ref": "P2"},
        {"record_type": "relation", "ref": "R2", "kind": "recruited", "source_ref": "P2",
         "target_ref": "P3"},
    ]
    net = graph.build((AGENCY, ANY_RECORD.validate_python(r, context={"country": "XX"}))
                      for r in rows)
    directed = tables.graph_of(net)
    simple = tables.simple(directed)
    found = paths.between(directed, simple, f"{AGENCY}/C1", f"{AGENCY}/C2", k=3)
    assert [[(h.source, h.target) for h in p.hops] for p in found] == [
        [("Anna Smit", "Boris Kade"), ("Boris Kade", "Carl Dorn")]]  # no detour through Eve
    assert found[0].hops[1].kinds == ("recruited",)


def test_unconnected_or_identical_ends_have_no_path_and_no_warning() -> None:
    directed = records_network()
    simple = tables.simple(directed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no path is an answer, not something to warn of
        assert paths.between(directed, simple, "Anna Smit", "Dan Ek") == []
    assert paths.between(directed, simple, "Anna Smit", ANNA) == []


# Neighbourhoods


def test_a_neighbourhood_lists_the_neighbours_with_each_ties_kinds_and_records() -> None:
    directed = records_network()
    simple = tables.simple(directed)
    near = paths.neighbourhood(directed, simple, "Boris Kade")
    assert near.centre == (BORIS,) and near.depth == 1
    # Carl first: two records tie him to Boris (length 1/2), one ties Anna (length 1)
    assert [(n.node, n.label, n.kind, n.hops) for n in near.nodes] == [
        (BORIS, "Boris Kade", "person", 0), (CARL, "Carl Dorn", "person", 1),
        (ANNA, "Anna Smit", "person", 1)]
    assert [(t.source, t.target, t.kinds, t.records) for t in near.ties] == [
        (BORIS, CARL, ("associate", "recruited"), (f"{AGENCY}/R1", f"{AGENCY}/R2")),
        (BORIS, ANNA, ("paid",), (f"{AGENCY}/X1",))]  # through the accounts folded into them
    assert near.within == 3 and not near.capped


def test_a_neighbourhoods_tie_cites_the_records_a_paths_hop_over_it_does() -> None:
    directed = records_network()
    simple = tables.simple(directed)
    (path,) = paths.between(directed, simple, ANNA, CARL)
    near = paths.neighbourhood(directed, simple, ANNA, depth=2)
    assert [(t.kinds, t.records) for t in near.ties] == [(h.kinds, h.records)
                                                          for h in path.hops]


def test_depth_two_reaches_the_neighbours_neighbours_and_the_ties_among_them() -> None:
    # a's neighbours b and c are tied to each other, and c to d; e is three hops out
    directed = rows_graph([("a", "b", 1.0, "", ""), ("a", "c", 1.0, "", ""),
                           ("b", "c", 1.0, "", ""), ("c", "d", 1.0, "", ""),
                           ("d", "e", 1.0, "", "")])
    simple = tables.simple(directed, fold=False)
    one = paths.neighbourhood(directed, simple, "a")
    assert [n.node for n in one.nodes] == ["a", "b", "c"]
    assert [(t.source, t.target) for t in one.ties] == [("a", "b"), ("a", "c"), ("b", "c")]
    two = paths.neighbourhood(directed, simple, "a", depth=2)
    assert [(n.node, n.hops) for n in two.nodes] == [("a", 0), ("b", 1), ("c", 1), ("d", 2)]
    assert ("c", "d", ("associate",), ("X/c-d",)) in [
        (t.source, t.target, t.kinds, t.records) for t in two.ties]
    assert "e" not in {n.node for n in two.nodes}


def test_the_limit_keeps_the_nearest_and_says_the_neighbourhood_was_cut() -> None:
    # a's strongest tie is to c, then b; d and e are further out through them
    directed = rows_graph([("a", "b", 2.0, "", ""), ("a", "c", 4.0, "", ""),
                           ("a", "x", 1.0, "", ""), ("b", "d", 1.0, "", ""),
                           ("c", "e", 1.0, "", "")])
    simple = tables.simple(directed, fold=False)
    cut = paths.neighbourhood(directed, simple, "a", depth=2, limit=3)
    assert [n.node for n in cut.nodes] == ["a", "c", "b"]
    assert cut.within == 6 and cut.capped
    assert {(t.source, t.target) for t in cut.ties} == {("a", "b"), ("a", "c")}
    # at two hops, e (reached through c: 1/4 + 1) before d (through b: 1/2 + 1)
    assert [n.node for n in paths.neighbourhood(directed, simple, "a", depth=2,
                                                limit=6).nodes] == ["a", "c", "b", "x", "e", "d"]
    assert not paths.neighbourhood(directed, simple, "a", depth=2, limit=6).capped


def test_a_cases_neighbourhood_is_centred_on_every_node_it_names() -> None:
    directed = records_network(
        {"record_type": "case", "ref": "C1", "country": "UA"},
        {"record_type": "person", "ref": "P5", "name": "Eve Lind", "case_ref": "C1"},
        {"record_type": "person", "ref": "P6", "name": "Fay Holm", "case_ref": "C1"},
        {"record_type": "relation", "ref": "R3", "kind": "associate", "source_ref": "P5",
         "target_ref": "P2"},
    )
    simple = tables.simple(directed)
    near = paths.neighbourhood(directed, simple, f"{AGENCY}/C1")
    eve, fay = f"person:{AGENCY}/P5", f"person:{AGENCY}/P6"
    assert set(near.centre) == {eve, fay}
    assert [(n.node, n.hops) for n in near.nodes] == [(eve, 0), (fay, 0), (BORIS, 1)]
    assert [(t.source, t.target, t.kinds, t.records) for t in near.ties] == [
        (eve, fay, ("same_case",), (f"{AGENCY}/C1", f"{AGENCY}/P5", f"{AGENCY}/P6")),
        (eve, BORIS, ("associate",), (f"{AGENCY}/R3",))]


def test_a_lone_node_is_its_own_neighbourhood_and_an_unknown_one_is_not_in_the_network(
) -> None:
    directed = records_network()
    simple = tables.simple(directed)
    alone = paths.neighbourhood(directed, simple, "Dan Ek", depth=2)
    assert [n.label for n in alone.nodes] == ["Dan Ek"] and alone.ties == ()
    with pytest.raises(paths.NotInNetwork, match="no node or case 'Zoe Quist'"):
        paths.neighbourhood(directed, simple, "Zoe Quist")
    for depth, limit in ((0, 10), (3, 10), (1, 0)):
        with pytest.raises(ValueError, match="a neighbourhood"):
            paths.neighbourhood(directed, simple, "Dan Ek", depth=depth, limit=limit)


# Periods


def dated() -> ig.Graph:
    return rows_graph([
        ("a", "b", 1.0, "2020-01-01", "2020-06-30"),
        ("b", "c", 1.0, "2021-03-01", ""),  # one day
        ("c", "d", 1.0, "", ""),  # undated
        ("d", "e", 1.0, "2022-01-01", "2022-02-01"),
    ])


def test_a_window_keeps_the_ties_that_overlap_it_and_undated_ones_between_its_nodes() -> None:
    g = dated()
    in_2021 = paths.during(g, dt.date(2021, 1, 1), dt.date(2022, 1, 1))
    assert names(in_2021) == {"b", "c"} and in_2021.ecount() == 1  # c-d: d is not in 2021
    assert names(paths.during(g, dt.date(2020, 6, 30), dt.date(2020, 7, 1))) == {"a", "b"}
    assert paths.during(g, dt.date(2019, 1, 1), dt.date(2020, 1, 1)).ecount() == 0
    everything = paths.during(g, dt.date(1900, 1, 1), dt.date(2100, 1, 1))
    assert everything.ecount() == 4  # c and d are both in it: their undated tie is too


def test_a_window_keeps_who_holds_an_identifier_so_it_still_folds() -> None:
    """Anna's account paid Boris's in 2024; who holds the accounts is undated, and Anna and
    Boris have no dated tie of their own: the year's network is still Anna and Boris."""
    nodes = [{"id": n, "kind": k, "label": n} for n, k in (
        ("anna", "person"), ("boris", "person"), ("a1", "account"), ("a2", "account"))]
    edges = [
        {"source": "anna", "target": "a1", "kind": "holds", "weight": 1.0, "records": "X/1"},
        {"source": "boris", "target": "a2", "kind": "holds", "weight": 1.0, "records": "X/2"},
        {"source": "a1", "target": "a2", "kind": "paid", "weight": 1.0, "amount": 50.0,
         "first": "2024-03-01", "last": "2024-03-01", "records": "X/3"},
    ]
    year = paths.during(tables.from_rows(nodes, edges), dt.date(2024, 1, 1),
                        dt.date(2025, 1, 1))
    assert names(tables.simple(year)) == {"anna", "boris"}


def test_years_span_the_ties_dates() -> None:
    assert paths.years(dated()) == [2020, 2021, 2022]
    assert paths.years(rows_graph([("a", "b", 1.0, "", "")])) == []


def test_changes_name_the_new_nodes_and_whose_pagerank_rose() -> None:
    # first a leads four; then b leads eight, four of them new. A star's centre holds most
    # of its PageRank, each follower a small share of the rest.
    before = tables.simple(rows_graph([("a", x, 1.0, "", "") for x in "bcde"]), fold=False)
    after = tables.simple(rows_graph([("b", x, 1.0, "", "") for x in "acdefghi"]),
                          fold=False)
    first, second = paths.changes([("2021", before), ("2022", after)])
    assert (first.period, first.nodes, first.ties) == ("2021", 5, 4)
    assert first.new[0] == "a" and set(first.new) == set("abcde")
    assert first.rising == ()  # nothing before to rise from
    assert (second.period, second.nodes, second.ties) == ("2022", 9, 8)
    assert set(second.new) == set("fghi")
    ((label, was, now),) = second.rising
    assert label == "b" and was < 1 / 5 and now > 0.4  # less than an even share; near half
