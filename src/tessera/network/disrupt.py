"""Where to disrupt: the k nodes whose removal most fragments the network (Borgatti's
key-player problem, KPP-Neg), set against what removing the top k of each ranking achieves.

Fragmentation is the share of pairs of nodes that can no longer reach each other,
``1 - Σ s(s-1) / n(n-1)`` over the sizes ``s`` of the components left. The plan is greedy:
each step removes the candidate that fragments most, the candidates being the most central
nodes (an exact search over every k-subset is out of reach past a few dozen nodes, and the
greedy choice is within a few percent of it on the networks Borgatti reports).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np

from tessera.network.analyse import Analysis, rankable

CANDIDATES = 60  # the most central nodes each greedy step tries


@dataclass(frozen=True)
class Outcome:
    """What removing ``removed`` leaves of the network."""

    strategy: str
    removed: tuple[str, ...]  # node labels
    fragmentation: float
    largest: int  # nodes in the largest component left
    components: int
    money_cut: float  # share of the money flow (``money_flow``) the removal cuts


def fragmentation(sizes: Sequence[int], n: int) -> float:
    if n < 2:
        return 0.0
    s = np.asarray(sizes, dtype=float)
    return float(1.0 - (s * (s - 1)).sum() / (n * (n - 1)))


def _without(graph: ig.Graph, removed: Iterable[int]) -> ig.Graph:
    gone = set(removed)
    return graph.induced_subgraph([v for v in range(graph.vcount()) if v not in gone])


def money_flow(graph: ig.Graph, removed: Iterable[int] = ()) -> float:
    """The most money that can run through the network from where payments start (nodes that
    pay and are not paid) to where they end (paid, and paying no one): a maximum flow with the
    payment totals each way along a tie as capacities. ``removed`` nodes pass nothing; where
    payments start and end is read from the whole network."""
    if "amount_up" not in graph.es.attributes():
        return 0.0
    gone = set(removed)
    n = graph.vcount()
    paid_out, paid_in = np.zeros(n), np.zeros(n)
    arcs: list[tuple[int, int]] = []
    capacity: list[float] = []
    for (a, b), up, down in zip(graph.get_edgelist(), graph.es["amount_up"],
                                graph.es["amount_down"], strict=True):
        for payer, payee, amount in ((a, b, up), (b, a, down)):
            if amount > 0:
                paid_out[payer] += amount
                paid_in[payee] += amount
                if payer not in gone and payee not in gone:
                    arcs.append((payer, payee))
                    capacity.append(amount)
    source, sink = n, n + 1
    for v in range(n):
        if v in gone:
            continue
        if paid_out[v] > 0 and paid_in[v] == 0:
            arcs.append((source, v))
            capacity.append(float(paid_out[v]))
        elif paid_in[v] > 0 and paid_out[v] == 0:
            arcs.append((v, sink))
            capacity.append(float(paid_in[v]))
    if not capacity:
        return 0.0
    flow = ig.Graph(n=n + 2, edges=arcs, directed=True)
    return float(flow.maxflow_value(source, sink, capacity=capacity))


def outcome(graph: ig.Graph, removed: Sequence[int], strategy: str, *,
            flow: float | None = None) -> Outcome:
    """The network left after removing ``removed`` (the removed nodes count as isolated:
    fragmentation is over all the original nodes' pairs). ``flow`` is the intact network's
    ``money_flow``, when known."""
    left = _without(graph, removed)
    parts = left.connected_components().sizes()
    sizes = [*parts, *([1] * len(removed))]
    before = money_flow(graph) if flow is None else flow
    cut = 1.0 - money_flow(graph, removed) / before if before > 0 else 0.0
    return Outcome(strategy, tuple(graph.vs[v]["label"] for v in removed),
                   fragmentation(sizes, graph.vcount()), max(parts, default=0), len(parts),
                   max(0.0, cut))


def plan(graph: ig.Graph, k: int, analysis: Analysis, *, candidates: int = CANDIDATES,
         kinds: Sequence[str] = ("person",)) -> list[int]:
    """Greedy key-player set: k rankable nodes (``analyse.rankable``), each step taking the
    one whose removal fragments the network most (ties: the larger component cut)."""
    pool = rankable(graph, kinds)
    candidates = max(candidates, 2 * k)
    between = analysis.metrics["betweenness"]
    degree = analysis.metrics["degree"]
    # candidates: the most central by betweenness and by degree, and the ranking's best
    ordered = [*sorted(pool, key=lambda v: -between[v])[:candidates],
               *sorted(pool, key=lambda v: -degree[v])[:candidates // 2],
               *(p.node for p in analysis.ranking[:candidates // 2])]
    chosen: list[int] = []
    for _ in range(min(k, len(pool))):
        best: tuple[float, int, int] | None = None
        for v in dict.fromkeys(ordered):
            if v in chosen:
                continue
            removed = [*chosen, v]
            left = _without(graph, removed)
            sizes = left.connected_components().sizes()
            score = (fragmentation([*sizes, *([1] * len(removed))], graph.vcount()),
                     -max(sizes, default=0), -v)
            best = score if best is None else max(best, score)
        if best is None:
            break
        chosen.append(-best[2])
    return chosen


def compare(graph: ig.Graph, analysis: Analysis, k: int, *, kinds: Sequence[str] = ("person",)
            ) -> list[Outcome]:
    """The disruption plan against the top k of the key-player ranking and of each centrality,
    each with what it leaves of the network; the plan first."""
    pool = rankable(graph, kinds)
    flow = money_flow(graph)
    found = [outcome(graph, plan(graph, k, analysis, kinds=kinds), "disruption plan",
                     flow=flow),
             outcome(graph, [p.node for p in analysis.ranking[:k]], "key-player ranking",
                     flow=flow)]
    for measure in ("degree", "betweenness", "pagerank", "eigenvector", "closeness"):
        values = analysis.metrics[measure]
        top = sorted(pool, key=lambda v: (-values[v], v))[:k]
        found.append(outcome(graph, top, f"top {k} by {measure}", flow=flow))
    return found
