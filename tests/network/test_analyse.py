"""The analytics on small graphs whose answers follow from how they are built: betweenness,
communities, participation, the key-player ranking and the communities' make-up."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping

import igraph as ig
import pytest

from tessera.network import analyse, tables


def simple_graph(pairs: Iterable[tuple[str, str]], *, roles: Mapping[str, str] | None = None,
                 countries: Mapping[str, str] | None = None,
                 weights: Mapping[tuple[str, str], float] | None = None,
                 amounts: Mapping[tuple[str, str], float] | None = None) -> ig.Graph:
    """The simple graph of ties ``pairs`` between people named as they are labelled."""
    pairs = list(pairs)
    roles, countries = roles or {}, countries or {}
    weights, amounts = weights or {}, amounts or {}
    names = sorted({name for pair in pairs for name in pair})
    nodes = [{"id": n, "kind": "person", "label": n, "roles": roles.get(n, ""),
              "countries": countries.get(n, "")} for n in names]
    edges = [{"source": a, "target": b, "kind": "associate",
              "weight": weights.get((a, b), 1.0), "amount": amounts.get((a, b), 0.0)}
             for a, b in pairs]
    return tables.simple(tables.from_rows(nodes, edges), fold=False)


def clique(names: Iterable[str]) -> list[tuple[str, str]]:
    return list(itertools.combinations(names, 2))


def index(graph: ig.Graph, name: str) -> int:
    (found,) = graph.vs.select(name_eq=name)
    return int(found.index)


def groups(graph: ig.Graph, membership: list[int]) -> set[frozenset[str]]:
    found: dict[int, set[str]] = {}
    for v, c in enumerate(membership):
        found.setdefault(c, set()).add(graph.vs[v]["name"])
    return {frozenset(g) for g in found.values()}


A = [f"a{i}" for i in range(5)]
B = [f"b{i}" for i in range(5)]


# Betweenness


def test_a_stars_centre_lies_on_every_path_between_its_leaves() -> None:
    leaves = [f"leaf{i}" for i in range(6)]
    g = simple_graph(("centre", leaf) for leaf in leaves)
    between, sampled = analyse.betweenness(g)
    assert not sampled
    assert between[index(g, "centre")] == 6 * 5 / 2  # every pair of leaves
    assert between[index(g, "centre")] == max(between)
    assert all(between[index(g, leaf)] == 0 for leaf in leaves)


def test_betweenness_reads_a_strong_tie_as_a_short_one() -> None:
    # a-c directly is one weak tie (length 4); a-b-c two strong ones (length 2)
    g = simple_graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")],
                     weights={("a", "c"): 0.25})
    between, _ = analyse.betweenness(g)
    assert between[index(g, "b")] == 2.0  # a to c, a to d (hop counts would give 0)
    assert between[index(g, "c")] == 2.0  # a to d, b to d


def test_sampled_betweenness_is_flagged_and_close_to_exact_on_a_larger_graph() -> None:
    # four random groups of 60, each reaching the others only through one hub
    rng = random.Random(7)
    pairs = []
    for group in range(4):
        members = [f"g{group}-{i}" for i in range(60)]
        pairs += [(a, b) for a, b in itertools.combinations(members, 2) if rng.random() < 0.1]
        pairs += [("hub", m) for m in rng.sample(members, 5)]
    g = simple_graph(pairs)
    exact, exact_sampled = analyse.betweenness(g)
    estimate, sampled = analyse.betweenness(g, exact_limit=10, sample=60, seed=3)
    assert sampled and not exact_sampled
    top = max(range(g.vcount()), key=exact.__getitem__)
    assert g.vs[top]["name"] == "hub"
    assert max(range(g.vcount()), key=estimate.__getitem__) == top
    assert estimate[top] == pytest.approx(exact[top], rel=0.25)
    assert sum(estimate) == pytest.approx(sum(exact), rel=0.25)


def test_betweenness_is_exact_when_the_sample_would_cover_every_node() -> None:
    g = simple_graph(("centre", f"leaf{i}") for i in range(4))
    between, sampled = analyse.betweenness(g, exact_limit=1, sample=10)
    assert not sampled and between[index(g, "centre")] == 6


# Communities and participation


def test_leiden_finds_two_cliques_joined_by_one_tie() -> None:
    g = simple_graph([*clique(A), *clique(B), ("a0", "b0")])
    assert groups(g, analyse.communities(g)) == {frozenset(A), frozenset(B)}


def test_a_higher_resolution_finds_more_and_smaller_communities() -> None:
    g = simple_graph([*clique(A), *clique(B), ("a0", "b0")])
    # Merging the cliques gains their one tie and costs resolution × 21 × 21 / 42 (their
    # degree sums over twice the ties): one community below about 0.1, singletons far above
    counts = [len(set(analyse.communities(g, resolution=r))) for r in (0.05, 1.0, 20.0)]
    assert counts[0] == 1 and counts[1] == 2 and counts[2] > 2


def test_participation_is_zero_inside_a_community_and_half_for_a_node_split_between_two(
) -> None:
    # x has two ties into each clique; it is counted in a's community
    g = simple_graph([*clique(A), *clique(B), ("x", "a0"), ("x", "a1"), ("x", "b0"),
                      ("x", "b1")])
    membership = [1 if g.vs[v]["name"].startswith("b") else 0 for v in range(g.vcount())]
    found = analyse.participation(g, membership)
    assert found[index(g, "x")] == pytest.approx(1 - (0.5 ** 2 + 0.5 ** 2))
    assert found[index(g, "a2")] == 0.0
    assert found[index(g, "a0")] == 0.0  # its tie to x stays in its community
    assert found[index(g, "b0")] == pytest.approx(1 - ((4 / 5) ** 2 + (1 / 5) ** 2))


def test_a_bridge_between_two_groups_has_high_participation_in_the_analysis() -> None:
    g = simple_graph([*clique(A), *clique(B), ("x", "a0"), ("x", "a1"), ("x", "b0"),
                      ("x", "b1")])
    found = analyse.analyse(g)
    assert found.metrics["participation"][index(g, "x")] > 0.4
    assert found.metrics["participation"][index(g, "a3")] == 0.0


def test_analysis_names_the_bridge_and_its_ends_as_articulation_points() -> None:
    g = simple_graph([*clique(A), *clique(B), ("a0", "b0")])
    found = analyse.analyse(g)
    assert {frozenset(g.vs[list(e)]["name"]) for e in found.bridges} == {
        frozenset({"a0", "b0"})}
    assert sorted(g.vs[found.articulation]["name"]) == ["a0", "b0"]
    assert not found.sampled


# Key players


def test_victims_witnesses_and_travelling_companions_are_never_ranked() -> None:
    leaves = ["l1", "l2", "l3", "l4"]
    g = simple_graph([*(("centre", leaf) for leaf in leaves), ("l1", "l2")], roles={
        "centre": "victim", "l1": "witness;victim", "l2": "travelling_partner",
        "l3": "victim;suspect"})
    found = analyse.analyse(g)
    ranked = {p.name for p in found.ranking}
    assert ranked == {"l3", "l4"}
    assert set(g.vs[analyse.rankable(g)]["name"]) == ranked


def test_a_recorded_organiser_outranks_an_equally_placed_node_with_no_role() -> None:
    # two stars of three victims each, their centres tied: p and q are placed alike
    pairs = [("p", "q"), *(("p", f"p{i}") for i in range(3)),
             *(("q", f"q{i}") for i in range(3))]
    victims = {f"{c}{i}": "victim" for c in "pq" for i in range(3)}
    g = simple_graph(pairs, roles={**victims, "p": "organiser"})
    membership = [0 if g.vs[v]["name"].startswith("p") else 1 for v in range(g.vcount())]
    metrics, _ = analyse.centralities(g, membership)
    p, q = analyse.key_players(g, metrics, membership)
    assert (p.name, q.name) == ("p", "q")
    assert p.score - q.score == pytest.approx(analyse.ROLE_WEIGHT["organiser"])
    assert "recorded as organiser" in p.reasons
    assert not any(r.startswith("recorded as") for r in q.reasons)
    assert analyse.analyse(g).ranking[0].name == "p"


def test_a_persons_other_roles_are_named_beside_the_strongest() -> None:
    g = simple_graph([("a", "b")], roles={"a": "suspect;broker"})
    found = analyse.analyse(g)
    (a,) = [p for p in found.ranking if p.name == "a"]
    assert "recorded as broker (also suspect)" in a.reasons


# Communities


def test_community_summaries_count_roles_countries_and_money() -> None:
    small, large = ["a1", "a2", "a3"], ["b1", "b2", "b3", "b4"]
    g = simple_graph(
        [*clique(small), *clique(large), ("a3", "b1")],
        roles={"a1": "organiser", "a2": "recruiter", "b1": "money_handler",
               "b2": "money_handler"},
        countries={"a1": "UA", "a2": "UA", "a3": "UA;MD", "b1": "MD", "b2": "MD",
                   "b3": "MD", "b4": "RO"},
        amounts={("a1", "a2"): 100.0, ("b2", "b3"): 30.0, ("b3", "b4"): 5.0,
                 ("a3", "b1"): 40.0},
    )
    membership = [0 if g.vs[v]["name"] in small else 1 for v in range(g.vcount())]
    metrics, _ = analyse.centralities(g, membership)
    found = analyse.summarise(g, membership, metrics)
    assert [c.size for c in found] == [4, 3]  # largest first
    b, a = found
    assert a.kinds == {"person": 3}
    assert a.roles == {"organiser": 1, "recruiter": 1}
    assert b.roles == {"money_handler": 2}
    assert a.countries == {"UA": 3, "MD": 1}
    assert b.countries == {"MD": 3, "RO": 1}
    assert (a.money_within, b.money_within) == (100.0, 35.0)
    assert (a.money_out, b.money_in) == (40.0, 40.0)  # a3 paid b1
    assert (a.money_in, b.money_out) == (0.0, 0.0)
    assert a.accounts == b.accounts == 0
    assert a.top[0] == "a3" and b.top[0] == "b1"  # each the one with a tie outside


@pytest.mark.parametrize("payer, payee", [("a3", "b1"), ("b1", "a3")])
def test_money_crossing_communities_leaves_the_payers_and_enters_the_payees(
        payer: str, payee: str) -> None:
    # the simple graph is undirected; which way the money went must survive it, whichever
    # end comes first
    g = simple_graph([*clique(["a1", "a2", "a3"]), *clique(["b1", "b2", "b3"]),
                      (payer, payee), (payee, payer)],
                     amounts={(payer, payee): 40.0, (payee, payer): 15.0})
    membership = [0 if g.vs[v]["name"].startswith("a") else 1 for v in range(g.vcount())]
    metrics, _ = analyse.centralities(g, membership)
    summary = {c.number: c for c in analyse.summarise(g, membership, metrics)}
    paying, paid = summary[membership[index(g, payer)]], summary[membership[index(g, payee)]]
    assert (paying.money_out, paying.money_in) == (40.0, 15.0)
    assert (paid.money_in, paid.money_out) == (40.0, 15.0)
    assert paying.money_within == paid.money_within == 0.0
