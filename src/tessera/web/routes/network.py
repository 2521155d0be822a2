"""The network you may see: its figures, key players, communities, where to disrupt it, and how
two of its nodes connect; and the picture the dashboard draws of it.

Every answer comes from ``tessera.network.source.from_hub``: the network of the records the
caller may see, read through the hub's one permission check (``network.read``). Building and
analysing it takes seconds on a hub of tens of thousands of records, so each user's analysed
network is kept (``NetworkCache``) until the hub's records or resolved entities change. Each
read is audited all the same, a kept one too: reading the network is an access each time.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import igraph as ig
from fastapi import APIRouter, Depends, Query, Request

from tessera.hub.access import Actor
from tessera.hub.db import Hub
from tessera.network import disrupt, paths, tables
from tessera.network.analyse import Analysis, analyse
from tessera.network.disrupt import Outcome
from tessera.network.graph import ACTORS, Network
from tessera.network.source import audit_kept, from_hub, state
from tessera.web.deps import ActorDep, StateDep
from tessera.web.schemas import (
    CommunityPublic,
    Disruption,
    KeyPlayerPublic,
    NetworkSummary,
    OutcomePublic,
    PathPublic,
    Paths,
    problems,
)

router = APIRouter(tags=["network"], responses=problems(401, 403))

CACHED_USERS = 32  # analysed networks kept, one per user, the least recently read dropped

# --- the analysed network, and the cache of it ---------------------------------------------

Fingerprint = tuple[Any, ...]


@dataclass
class Analysed:
    """One user's network, analysed, and what was worked out from it since."""

    actor: Actor
    fingerprint: Fingerprint
    graph: ig.Graph  # the directed multigraph with provenance: paths read records from it
    simple: ig.Graph  # the actor graph analysed
    analysis: Analysis
    kinds: dict[str, int]
    ties: int
    dangling: int
    big_cases: int
    entity_records: int  # person records placed in entities (the hub-wide view's audit)
    _disruptions: dict[int, list[Outcome]] = field(default_factory=dict)
    _picture: Picture | None = None

    @classmethod
    def of(cls, actor: Actor, found: Fingerprint, net: Network) -> Analysed:
        graph = tables.graph_of(net)
        simple = tables.simple(graph)
        resolved = sum(len(n.provenance.records) for n in net.nodes.values()
                       if n.kind == "person" and not n.id.startswith("person:"))
        return cls(actor, found, graph, simple, analyse(simple), net.kinds(), len(net.edges),
                   net.dangling, net.big_cases, resolved)

    def disruption(self, k: int) -> list[Outcome]:
        """``disrupt.compare`` for ``k``, worked out once."""
        if k not in self._disruptions:
            self._disruptions[k] = disrupt.compare(self.simple, self.analysis, k)
        return self._disruptions[k]

    def picture(self) -> Picture:
        if self._picture is None:
            self._picture = draw(self.simple, self.analysis)
        return self._picture


class NetworkCache:
    """Each user's analysed network, kept while the hub's state (``fingerprint``) is unchanged.
    An entry is one user's and is given to that user only, with the roles and agency it was
    built for: each user's network differs. At most ``users`` are kept."""

    def __init__(self, users: int = CACHED_USERS) -> None:
        self.users = users
        self._entries: OrderedDict[int, Analysed] = OrderedDict()
        self._turns: dict[int, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, actor: Actor, found: Fingerprint) -> Analysed | None:
        with self._lock:
            entry = self._entries.get(actor.user_id)
            if entry is None or entry.actor != actor or entry.fingerprint != found:
                return None
            self._entries.move_to_end(actor.user_id)
            return entry

    def put(self, entry: Analysed) -> None:
        with self._lock:
            self._entries[entry.actor.user_id] = entry
            self._entries.move_to_end(entry.actor.user_id)
            while len(self._entries) > self.users:
                self._entries.popitem(last=False)

    @contextmanager
    def turn(self, actor: Actor) -> Iterator[None]:
        """One build at a time per user: a page and its API calls arriving together build the
        network once, the others then find it kept."""
        with self._lock:
            lock = self._turns.setdefault(actor.user_id, threading.Lock())
        with lock:
            yield


def analysed(hub: Hub, actor: Actor, cache: NetworkCache) -> Analysed:
    """``actor``'s analysed network: kept, if the hub has not changed since it was built, or
    built now from ``from_hub`` (the analysis runs after the hub's unit of work has ended, so
    that it holds no lock meanwhile). The read is audited either way."""
    with cache.turn(actor):
        with hub.session() as session:
            found = state(session)
            kept = cache.get(actor, found)
            if kept is not None:
                audit_kept(session, actor, kept.entity_records)
                return kept
            net = from_hub(session, actor)
        entry = Analysed.of(actor, found, net)
        cache.put(entry)
        return entry


async def network_cache(request: Request) -> NetworkCache:
    cache: NetworkCache = request.app.state.network
    return cache


CacheDep = Annotated[NetworkCache, Depends(network_cache)]

# --- what the API and the page show ---------------------------------------------------------


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(";") if v]


def summary_of(entry: Analysed) -> NetworkSummary:
    a = entry.analysis
    return NetworkSummary(
        nodes=sum(entry.kinds.values()), kinds=entry.kinds, ties=entry.ties,
        actors=entry.simple.vcount(), actor_ties=entry.simple.ecount(),
        communities=len(a.communities), rankable=len(a.ranking), sampled=a.sampled,
        dangling=entry.dangling, big_cases=entry.big_cases,
    )


def key_players_of(entry: Analysed, limit: int) -> list[KeyPlayerPublic]:
    graph, a = entry.simple, entry.analysis
    return [
        KeyPlayerPublic(rank=n, node=p.name, label=p.label, kind=graph.vs[p.node]["kind"],
                        score=p.score, community=a.membership[p.node],
                        roles=_split(graph.vs[p.node]["roles"]),
                        countries=_split(graph.vs[p.node]["countries"]),
                        reasons=list(p.reasons))
        for n, p in enumerate(a.ranking[:limit], start=1)
    ]


def disruption_of(entry: Analysed, k: int) -> Disruption:
    intact = disrupt.outcome(entry.simple, [], "none")
    return Disruption(k=k, nodes=entry.simple.vcount(), fragmentation=intact.fragmentation,
                      outcomes=[OutcomePublic.of(o) for o in entry.disruption(k)])


def paths_of(entry: Analysed, a: str, b: str, k: int) -> Paths:
    """Raises ``paths.NotInNetwork`` for a node the caller's network does not hold."""
    found = paths.between(entry.graph, entry.simple, a, b, k=k)
    return Paths(a=a, b=b, paths=[PathPublic.of(p) for p in found])


# --- the picture ----------------------------------------------------------------------------

WIDTH, HEIGHT, MARGIN = 960, 620, 40
PICTURED_PLAYERS = 15
PICTURED_NODES = 300
LAYOUT_SEED = 20_240_601
# Tableau 10 (tells apart for most colour-blind readers); communities past ten are grey.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
OTHER = "#c9ced6"
_layout_lock = threading.Lock()  # igraph's random number generator is the process's


@dataclass(frozen=True)
class Dot:
    node: str
    x: float
    y: float
    r: float
    colour: str
    square: bool  # an identifier (a phone, an account…), not a person or organisation
    label: str  # shown beside it: key players only
    left: bool  # the label goes on its left (near the right edge)
    title: str  # the tooltip


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    money: bool  # payments run along it


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    dots: tuple[Dot, ...]
    lines: tuple[Line, ...]
    legend: tuple[tuple[str, int, int], ...]  # colour, community, its members pictured
    total: int  # nodes in the whole network


def pictured(graph: ig.Graph, analysis: Analysis, players: int = PICTURED_PLAYERS,
             cap: int = PICTURED_NODES) -> list[int]:
    """The top ``players`` key players and their neighbours, the most central first, at most
    ``cap`` nodes."""
    chosen = dict.fromkeys(p.node for p in analysis.ranking[:players])
    pagerank = analysis.metrics["pagerank"]
    near = {u for v in chosen for u in graph.neighbors(v)} - set(chosen)
    for u in sorted(near, key=lambda u: (-pagerank[u], u)):
        if len(chosen) >= cap:
            break
        chosen[u] = None
    return list(chosen)[:cap]


def _layout(graph: ig.Graph) -> list[tuple[float, float]]:
    """Fruchterman-Reingold from seeded starting places, with igraph's generator seeded too
    (it jitters), so that one network is drawn the same way each time."""
    rng = random.Random(LAYOUT_SEED)
    start = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(graph.vcount())]
    with _layout_lock:
        ig.set_random_number_generator(random.Random(LAYOUT_SEED))
        try:
            layout = graph.layout_fruchterman_reingold(
                weights="weight" if graph.ecount() else None, seed=start, niter=500,
                grid=False)
        finally:
            ig.set_random_number_generator(random)
    return [(float(x), float(y)) for x, y in layout.coords]


def draw(graph: ig.Graph, analysis: Analysis) -> Picture:
    """The key players' neighbourhood laid out for an SVG: dots coloured by community, key
    players sized by score and labelled, each with a tooltip."""
    nodes = pictured(graph, analysis)
    if not nodes:
        return Picture(WIDTH, HEIGHT, (), (), (), graph.vcount())
    sub = graph.induced_subgraph(nodes)
    index = {name: v for v, name in enumerate(graph.vs["name"])}
    original = [index[name] for name in sub.vs["name"]]
    places = _layout(sub)
    xs, ys = [p[0] for p in places], [p[1] for p in places]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(v: int) -> tuple[float, float]:
        return (round(MARGIN + (xs[v] - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 1),
                round(MARGIN + (ys[v] - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1))

    membership = analysis.membership
    shown = Counter(membership[v] for v in original)
    colour = {c: PALETTE[i] for i, (c, _) in enumerate(shown.most_common(len(PALETTE)))}
    rank = {p.node: (n, p) for n, p in enumerate(analysis.ranking, start=1)}
    scores = [p.score for p in analysis.ranking[:PICTURED_PLAYERS]]
    low, spread = min(scores, default=0.0), (max(scores, default=0.0) - min(scores, default=0.0))
    dots = []
    for v, o in enumerate(original):
        vertex = graph.vs[o]
        community = membership[o]
        title = f"{vertex['label']} ({vertex['kind']}), community {community}"
        roles = ", ".join(_split(vertex["roles"]))
        if roles:
            title += f"; recorded as {roles}"
        countries = ", ".join(_split(vertex["countries"]))
        if countries:
            title += f"; {countries}"
        label, radius = "", 4.0 if vertex["kind"] in ACTORS else 3.0
        if o in rank and rank[o][0] <= PICTURED_PLAYERS:
            n, player = rank[o]
            label = f"{n}. {player.label}"
            radius = 7.0 + (7.0 * (player.score - low) / spread if spread else 3.5)
            title += f"; key player {n}, score {player.score:.2f}"
        x, y = at(v)
        dots.append(Dot(vertex["name"], x, y, round(radius, 1), colour.get(community, OTHER),
                        vertex["kind"] not in ACTORS, label, x > WIDTH * 0.75, title))
    lines = []
    for edge in sub.es:
        (x1, y1), (x2, y2) = at(edge.source), at(edge.target)
        lines.append(Line(x1, y1, x2, y2, round(0.6 + min(2.4, math.log1p(edge["weight"])), 2),
                          bool(edge["amount"])))
    dots.sort(key=lambda d: bool(d.label))  # key players drawn last, on top
    legend = tuple((colour[c], c, shown[c]) for c, _ in shown.most_common(len(PALETTE)))
    return Picture(WIDTH, HEIGHT, tuple(dots), tuple(lines), legend, graph.vcount())


# --- the API --------------------------------------------------------------------------------


@router.get("/network/summary", response_model=NetworkSummary, operation_id="network_summary")
def network_summary(actor: ActorDep, state: StateDep, cache: CacheDep) -> NetworkSummary:
    """The network of the records you may see: nodes by kind, ties, the graph analysed and its
    communities. Analysts and coordinators; the read is audited (``network.read``)."""
    return summary_of(analysed(state.hub, actor, cache))


@router.get("/network/key-players", response_model=list[KeyPlayerPublic],
            operation_id="network_key_players")
def network_key_players(
    actor: ActorDep,
    state: StateDep,
    cache: CacheDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 25,
) -> list[KeyPlayerPublic]:
    """The people whose removal should hurt the network most, best first, each with the
    reasons for its score (position, recorded role, brokerage across communities)."""
    return key_players_of(analysed(state.hub, actor, cache), limit)


@router.get("/network/communities", response_model=list[CommunityPublic],
            operation_id="network_communities")
def network_communities(actor: ActorDep, state: StateDep, cache: CacheDep
                        ) -> list[CommunityPublic]:
    """The network's Leiden communities, largest first: members by kind, role and country,
    accounts, and the money that enters, leaves and stays in each."""
    return [CommunityPublic.of(c) for c in analysed(state.hub, actor, cache).analysis.communities]


@router.get("/network/disrupt", response_model=Disruption, operation_id="network_disruption")
def network_disruption(
    actor: ActorDep,
    state: StateDep,
    cache: CacheDep,
    k: Annotated[int, Query(ge=1, le=20, description="Nodes each strategy removes")] = 5,
) -> Disruption:
    """Where to disrupt: the greedy plan of k removals that most fragments the network, set
    against removing the top k of the key-player ranking and of each centrality."""
    return disruption_of(analysed(state.hub, actor, cache), k)


@router.get("/network/path", response_model=Paths, operation_id="network_path",
            responses=problems(404))
def network_path(
    actor: ActorDep,
    state: StateDep,
    cache: CacheDep,
    a: Annotated[str, Query(min_length=1, max_length=300, description="A node id, or a label "
                            "only one node has")],
    b: Annotated[str, Query(min_length=1, max_length=300)],
    k: Annotated[int, Query(ge=1, le=10, description="At most this many paths")] = 3,
) -> Paths:
    """How two nodes of your network connect: up to k shortest paths, each hop with the kinds
    of its ties and the records stating them. 404 for a node your network does not hold."""
    return paths_of(analysed(state.hub, actor, cache), a, b, k)

