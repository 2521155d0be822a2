"""How two entities connect: the shortest paths between them, each hop with the ties and the
records behind it; and how the network changes from one period to the next."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig

from tessera.network.analyse import distances
from tessera.network.graph import HOLDS


class NotInNetwork(LookupError):
    """A node the network does not hold (or that the viewer may not see)."""


@dataclass(frozen=True)
class Hop:
    source: str  # labels
    target: str
    kinds: tuple[str, ...]
    records: tuple[str, ...]  # "AGENCY/ref" of the records stating the ties


@dataclass(frozen=True)
class Path:
    length: float  # the sum of tie lengths (1 / weight; 1 a hop when all weigh the same)
    hops: tuple[Hop, ...]


def find(graph: ig.Graph, wanted: str) -> list[int]:
    """The simple graph's nodes for ``wanted``: a node id, a folded member's id, a label (when
    exactly one node has it), or a case ("AGENCY/case-ref": every node it names)."""
    for attribute in ("name", "label"):
        found = graph.vs.select(**{f"{attribute}_eq": wanted})
        if len(found) == 1:
            return [int(found[0].index)]
    if "members" in graph.vs.attributes():
        for v in graph.vs:
            if wanted in v["members"]:
                return [int(v.index)]
    named = [v.index for v in graph.vs if wanted in (v["cases"] or "").split(";")]
    if named:
        return named
    raise NotInNetwork(f"no node or case {wanted!r} in the network (give a node id, a label "
                       "only one node has, or a case as AGENCY/ref)")


def between(directed: ig.Graph, simple: ig.Graph, a: str, b: str, *, k: int = 1
            ) -> list[Path]:
    """Up to ``k`` shortest paths from ``a`` to ``b`` (nodes or cases, as ``find`` reads them)
    in the simple graph, shortest first; the ties behind each hop are read from the directed
    graph it was made from. Between cases, a path runs from any node one names to any node
    the other names."""
    starts, ends = find(simple, a), find(simple, b)
    if set(starts) & set(ends):
        return []
    length = distances(simple) or [1.0] * simple.ecount()
    # two virtual ends, tied at no length to each side's nodes: one k-shortest-paths search
    # serves a node and a case alike
    search = simple.copy()
    source, target = search.vcount(), search.vcount() + 1
    search.add_vertices(2)
    search.add_edges([(source, v) for v in starts] + [(v, target) for v in ends])
    lengths = length + [0.0] * (len(starts) + len(ends))
    parts = search.connected_components().membership
    if parts[source] != parts[target]:
        return []  # apart: igraph would search, and warn, in vain
    # a path through a second node of one case only adds a detour to a shorter one: leave
    # those out, asking for more until k are left or there are no more
    named, ask = set(starts) | set(ends), k
    while True:
        found_paths = search.get_k_shortest_paths(source, target, k=ask, weights=lengths,
                                                  mode="all", output="vpath")
        clean = [p for p in found_paths if not named & set(p[2:-2])]
        if len(clean) >= k or len(found_paths) < ask:
            break
        ask *= 2
    paths = clean[:k]
    index = {name: v for v, name in enumerate(directed.vs["name"])}
    found = []
    for path in (p[1:-1] for p in paths):
        if len(path) < 2:
            continue
        hops = []
        for u, v in itertools.pairwise(path):
            left = [index[m] for m in simple.vs[u]["members"]]
            right = [index[m] for m in simple.vs[v]["members"]]
            ties = directed.es.select(_between=(left, right))
            hops.append(Hop(simple.vs[u]["label"], simple.vs[v]["label"],
                            tuple(sorted(set(ties["kind"]))),
                            tuple(sorted({r for rs in ties["records"] for r in rs.split(";")
                                          if r}))))
        total = sum(length[simple.get_eid(u, v)] for u, v in itertools.pairwise(path))
        found.append(Path(total, tuple(hops)))
    return found


def during(directed: ig.Graph, start: dt.date, end: dt.date) -> ig.Graph:
    """The ties whose time span meets [start, end) and the nodes they join. A tie without a
    date is kept when it holds whatever the date — who holds an identifier, and the tie of
    identifier to holder is what folds it into them — and joins a node of the period; any
    other undated tie when it joins two of them (people named in one case, say)."""
    dated, undated = [], []
    for edge in directed.es:
        first, last = edge["first"], edge["last"] or edge["first"]
        if not first:
            undated.append(edge)
        elif dt.date.fromisoformat(first) < end and dt.date.fromisoformat(last) >= start:
            dated.append(edge.index)
    present = {v for e in dated for v in directed.es[e].tuple}
    holding = set(HOLDS.values())
    keep = [*dated, *(e.index for e in undated
                      if (e["kind"] in holding and (e.source in present or e.target in present))
                      or (e.source in present and e.target in present))]
    return directed.subgraph_edges(keep, delete_vertices=True)


def years(directed: ig.Graph) -> list[int]:
    """The years the ties span."""
    found = {int(d[:4]) for d in (*directed.es["first"], *directed.es["last"]) if d}
    return list(range(min(found), max(found) + 1)) if found else []


@dataclass(frozen=True)
class Change:
    period: str
    nodes: int
    ties: int
    new: tuple[str, ...]  # labels of nodes absent from the period before
    rising: tuple[tuple[str, float, float], ...]  # label, PageRank before, after


def changes(periods: Sequence[tuple[str, ig.Graph]], *, top: int = 5) -> list[Change]:
    """Each period's simple graph against the one before: who is new, whose PageRank rose
    most (PageRank is a share of the whole, so periods of different size compare)."""
    found = []
    before: dict[str, float] = {}
    for label, graph in periods:
        rank = dict(zip(graph.vs["name"], graph.pagerank(weights="weight") if graph.vcount()
                        else [], strict=True))
        labels = dict(zip(graph.vs["name"], graph.vs["label"], strict=True))
        new = sorted((n for n in rank if n not in before), key=lambda n: -rank[n])
        rising = sorted(((n, before.get(n, 0.0), rank[n]) for n in rank if n in before),
                        key=lambda r: r[1] - r[2])
        found.append(Change(label, graph.vcount(), graph.ecount(),
                            tuple(labels[n] for n in new[:top]),
                            tuple((labels[n], b, a) for n, b, a in rising[:top] if a > b)))
        before = rank
    return found
