"""How two entities connect: the shortest paths between them, each hop with the ties and the
records behind it; who is near one of them (its neighbourhood); and how the network changes
from one period to the next."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig

from tessera.network.analyse import distances
from tessera.network.graph import HOLDS
from tessera.network.tables import parts


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


@dataclass(frozen=True)
class Near:
    """A node of a neighbourhood, with what an analyst reads first to decide whether to go on
    from it: who or what it is, the roles and countries recorded, and how far out it lies."""

    node: str  # the simple graph's node id: give it back to expand from here
    label: str
    kind: str
    roles: tuple[str, ...]
    countries: tuple[str, ...]
    hops: int  # from the centre: 0 for the centre itself


@dataclass(frozen=True)
class Tie:
    """A tie between two nodes of a neighbourhood, with the records behind it: the same kinds
    and records a path's hop between the two shows, so that both views cite the same
    evidence."""

    source: str  # node ids, the end nearer the centre first
    target: str
    kinds: tuple[str, ...]
    records: tuple[str, ...]  # "AGENCY/ref" of the records stating the ties


@dataclass(frozen=True)
class Neighbourhood:
    """The nodes within ``depth`` hops of a centre and the ties among them. Cut at a limit, a
    dense neighbourhood would otherwise look complete when it is not: ``within`` counts every
    node in reach and ``capped`` says that only the nearest are here."""

    centre: tuple[str, ...]  # node ids: one node, or each node a case names
    depth: int
    nodes: tuple[Near, ...]  # nearest first: the centre, then by hops, then by tie length
    ties: tuple[Tie, ...]  # the centre's first
    within: int  # nodes within ``depth`` hops, shown or not

    @property
    def capped(self) -> bool:
        return len(self.nodes) < self.within


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
    named = [v.index for v in graph.vs if wanted in parts(v["cases"])]
    if named:
        return named
    raise NotInNetwork(f"no node or case {wanted!r} in the network (give a node id, a label "
                       "only one node has, or a case as AGENCY/ref)")


class Behind:
    """What stands behind a tie of the simple graph: the kinds of the directed graph's ties
    between the members of its two ends (an identifier folded into a person brings its ties
    with it), in either direction, and the records stating them. A path's hops and a
    neighbourhood's ties both read them here, so one tie cites the same records in each. Make
    one for a pair of graphs and give it to every ``between`` and ``neighbourhood`` on them:
    it files the ties once."""

    def __init__(self, directed: ig.Graph, simple: ig.Graph) -> None:
        # each directed tie filed once under the pair of simple-graph nodes it joins, so that
        # a look-up costs the ties between the two, not a pass over them all
        into = {m: v for v, members in enumerate(simple.vs["members"]) for m in members}
        where = [into[name] for name in directed.vs["name"]]
        kinds, records = directed.es["kind"], directed.es["records"]
        self.ties: dict[tuple[int, int], list[int]] = {}
        for e, (a, b) in enumerate(directed.get_edgelist()):
            u, v = where[a], where[b]
            self.ties.setdefault((min(u, v), max(u, v)), []).append(e)
        self.kinds, self.records = kinds, records
        self.lengths = distances(simple) or [1.0] * simple.ecount()

    def __call__(self, u: int, v: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The kinds and the records of the ties between simple-graph nodes ``u`` and ``v``."""
        found = self.ties.get((min(u, v), max(u, v)), [])
        return (tuple(sorted({self.kinds[e] for e in found})),
                tuple(sorted({r for e in found for r in parts(self.records[e])})))


def between(directed: ig.Graph, simple: ig.Graph, a: str, b: str, *, k: int = 1,
            behind: Behind | None = None) -> list[Path]:
    """Up to ``k`` shortest paths from ``a`` to ``b`` (nodes or cases, as ``find`` reads them)
    in the simple graph, shortest first; the ties behind each hop are read from the directed
    graph it was made from. Between cases, a path runs from any node one names to any node
    the other names."""
    starts, ends = find(simple, a), find(simple, b)
    if set(starts) & set(ends):
        return []
    behind = behind or Behind(directed, simple)
    length = behind.lengths
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
    found = []
    for path in (p[1:-1] for p in paths):
        if len(path) < 2:
            continue
        hops = [Hop(simple.vs[u]["label"], simple.vs[v]["label"], *behind(u, v))
                for u, v in itertools.pairwise(path)]
        total = sum(length[simple.get_eid(u, v)] for u, v in itertools.pairwise(path))
        found.append(Path(total, tuple(hops)))
    return found


def neighbourhood(directed: ig.Graph, simple: ig.Graph, wanted: str, depth: int = 1,
                  limit: int = 200, behind: Behind | None = None) -> Neighbourhood:
    """``wanted`` (a node or a case, as ``find`` reads it: a case's nodes are all the centre)
    and every node within ``depth`` hops of it in the simple graph, at most ``limit`` of them,
    with the ties among those shown and the records behind each, read from the directed graph
    as a path's hops are.

    The nearest are kept when the limit cuts: fewer hops first, then the shorter way there
    (the sum of tie lengths, 1 / weight, through nodes nearer still), so that the ties most
    records state outlast the incidental ones."""
    if depth not in (1, 2):
        raise ValueError(f"a neighbourhood reaches 1 or 2 hops, not {depth}")
    if limit < 1:
        raise ValueError(f"a neighbourhood shows at least one node, not {limit}")
    centre = find(simple, wanted)
    behind = behind or Behind(directed, simple)
    length = behind.lengths
    hops = dict.fromkeys(centre, 0)
    way = dict.fromkeys(centre, 0.0)  # the shortest way out, through nearer nodes only
    ring = list(centre)
    for step in range(1, depth + 1):
        reached: dict[int, float] = {}
        for u in ring:
            for e in simple.incident(u):
                ends = simple.es[e].tuple
                v = ends[1] if ends[0] == u else ends[0]
                if v not in hops:
                    reached[v] = min(reached.get(v, math.inf), way[u] + length[e])
        hops.update(dict.fromkeys(reached, step))
        way.update(reached)
        ring = list(reached)
    labels = simple.vs["label"]
    order = sorted(hops, key=lambda v: (hops[v], way[v], labels[v], v))[:limit]
    place = {v: n for n, v in enumerate(order)}
    ties = []
    for edge in simple.es.select(_within=order):
        u, v = sorted(edge.tuple, key=place.__getitem__)
        ties.append((place[u], place[v], Tie(simple.vs[u]["name"], simple.vs[v]["name"],
                                             *behind(u, v))))
    names = simple.vs["name"]
    return Neighbourhood(
        centre=tuple(names[v] for v in centre), depth=depth,
        nodes=tuple(Near(names[v], labels[v], simple.vs[v]["kind"],
                         tuple(parts(simple.vs[v]["roles"])),
                         tuple(parts(simple.vs[v]["countries"])),
                         hops[v]) for v in order),
        ties=tuple(t for *_, t in sorted(ties, key=lambda t: t[:2])), within=len(hops))


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
