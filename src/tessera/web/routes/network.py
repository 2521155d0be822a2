"""The network you may see: its figures, key players, communities, where to disrupt it, how
two of its nodes connect, and who is near one of them.

Every answer comes from ``tessera.network.source.from_hub``: the network of the records the
caller may see, read through the hub's one permission check (``network.read``). Building and
analysing it takes seconds on a hub of tens of thousands of records, so each user's analysed
network is kept (``NetworkCache``) until the hub's records or resolved entities change. Each
read is audited all the same, a kept one too: reading the network is an access each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

import igraph as ig
from fastapi import APIRouter, Depends, Query, Request

from tessera.hub.access import Actor
from tessera.hub.db import Hub
from tessera.network import disrupt, paths, tables
from tessera.network.analyse import Analysis, analyse
from tessera.network.disrupt import Outcome
from tessera.network.graph import Network
from tessera.network.source import audit_kept, from_hub, state
from tessera.network.tables import parts
from tessera.web.cache import Fingerprint, PerUser
from tessera.web.deps import ActorDep, StateDep
from tessera.web.picture import PICTURED_NODES, Only, Picture, draw
from tessera.web.schemas import (
    CommunityPublic,
    Disruption,
    KeyPlayerPublic,
    NeighbourhoodPublic,
    NetworkSummary,
    OutcomePublic,
    PathPublic,
    Paths,
    problems,
)

router = APIRouter(tags=["network"], responses=problems(401, 403))

# The page pictures a node's neighbours one hop out, or two when it has fewer than this many:
# a node with a tie or two says little until one sees whom those ties lead to.
FEW_NEIGHBOURS = 5

# --- the analysed network, and the cache of it ---------------------------------------------

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
    _behind: paths.Behind | None = None
    _picture: Picture | None = None

    @classmethod
    def of(cls, actor: Actor, found: Fingerprint, net: Network) -> Analysed:
        graph = tables.graph_of(net)
        simple = tables.simple(graph)
        resolved = sum(len(n.provenance.records) for n in net.nodes.values()
                       if n.kind == "person" and not n.id.startswith("person:"))
        return cls(actor, found, graph, simple, analyse(simple), net.kinds(), len(net.edges),
                   net.dangling, net.big_cases, resolved)

    def behind(self) -> paths.Behind:
        """The ties behind the actor graph's, filed once for every path and neighbourhood."""
        if self._behind is None:
            self._behind = paths.Behind(self.graph, self.simple)
        return self._behind

    def disruption(self, k: int) -> list[Outcome]:
        """``disrupt.compare`` for ``k``, worked out once."""
        if k not in self._disruptions:
            self._disruptions[k] = disrupt.compare(self.simple, self.analysis, k)
        return self._disruptions[k]

    def picture(self, around: paths.Neighbourhood | None = None, only: Only | None = None
                ) -> Picture:
        """The key players' picture, drawn once; or the picture of ``around``, drawn each
        time it is asked for (a tenth of a second for 300 nodes: an analyst clicks from node
        to node, and keeping each would hold memory for pictures seldom asked for twice)."""
        if around is not None or only:
            return draw(self.simple, self.analysis, around, only)
        if self._picture is None:
            self._picture = draw(self.simple, self.analysis)
        return self._picture


class NetworkCache(PerUser[Analysed]):
    """Each user's analysed network (see ``tessera.web.cache``)."""


def analysed(hub: Hub, actor: Actor, cache: NetworkCache,
             asked: dict[str, Any] | None = None) -> Analysed:
    """``actor``'s analysed network: kept, if the hub has not changed since it was built, or
    built now from ``from_hub`` (the analysis runs after the hub's unit of work has ended, so
    that it holds no lock meanwhile). The read is audited either way, with what was
    ``asked`` of it (a path's ends, a neighbourhood's centre), so that an auditor sees whom
    an analyst looked into."""
    with cache.turn(actor):
        with hub.session() as session:
            found = state(session)
            kept = cache.get(actor, found)
            if kept is not None:
                audit_kept(session, actor, kept.entity_records, asked)
                return kept
            net = from_hub(session, actor, asked)
        entry = Analysed.of(actor, found, net)
        cache.put(entry)
        return entry


async def network_cache(request: Request) -> NetworkCache:
    cache: NetworkCache = request.app.state.network
    return cache


CacheDep = Annotated[NetworkCache, Depends(network_cache)]

# --- what the API and the page show ---------------------------------------------------------


def summary_of(entry: Analysed) -> NetworkSummary:
    a = entry.analysis
    return NetworkSummary(
        nodes=sum(entry.kinds.values()), kinds=entry.kinds, ties=entry.ties,
        actors=entry.simple.vcount(), actor_ties=entry.simple.ecount(),
        communities=len(a.communities), rankable=len(a.ranking), sampled=a.sampled,
        dangling=entry.dangling, big_cases=entry.big_cases,
    )


def key_players_of(entry: Analysed, limit: int, only: Only | None = None
                   ) -> list[KeyPlayerPublic]:
    graph, a = entry.simple, entry.analysis
    passing = only.keeps(graph, a) if only else None
    ranked = [(n, p) for n, p in enumerate(a.ranking, start=1)
              if passing is None or p.node in passing]
    return [
        KeyPlayerPublic(rank=n, node=p.name, label=p.label, kind=graph.vs[p.node]["kind"],
                        score=p.score, community=a.membership[p.node],
                        roles=parts(graph.vs[p.node]["roles"]),
                        countries=parts(graph.vs[p.node]["countries"]),
                        reasons=list(p.reasons))
        for n, p in ranked[:limit]
    ]


def choices_of(entry: Analysed) -> dict[str, list[str]]:
    """What the page's filters offer: the countries, roles, communities (the thirty largest)
    and years the analysed network holds."""
    graph = entry.simple
    return {
        "country": sorted({c for v in graph.vs["countries"] for c in parts(v)}),
        "role": sorted({r for v in graph.vs["roles"] for r in parts(v)}),
        "community": [str(c.number) for c in entry.analysis.communities[:30]],
        "year": [str(y) for y in paths.years(entry.graph)],
    }


def disruption_of(entry: Analysed, k: int) -> Disruption:
    intact = disrupt.outcome(entry.simple, [], "none")
    return Disruption(k=k, nodes=entry.simple.vcount(), fragmentation=intact.fragmentation,
                      outcomes=[OutcomePublic.of(o) for o in entry.disruption(k)])


def paths_of(entry: Analysed, a: str, b: str, k: int) -> Paths:
    """Raises ``paths.NotInNetwork`` for a node the caller's network does not hold."""
    found = paths.between(entry.graph, entry.simple, a, b, k=k, behind=entry.behind())
    return Paths(a=a, b=b, paths=[PathPublic.of(p) for p in found])


def neighbourhood_of(entry: Analysed, node: str, depth: int, limit: int) -> paths.Neighbourhood:
    """Raises ``paths.NotInNetwork`` for a node the caller's network does not hold."""
    return paths.neighbourhood(entry.graph, entry.simple, node, depth=depth, limit=limit,
                               behind=entry.behind())


def around(entry: Analysed, node: str) -> paths.Neighbourhood:
    """The neighbourhood the page pictures for ``node``: one hop out, or two when one hop
    shows fewer than ``FEW_NEIGHBOURS`` neighbours; as many nodes as the key players' picture
    holds at most. Raises ``paths.NotInNetwork`` as ``neighbourhood_of`` does."""
    near = neighbourhood_of(entry, node, 1, PICTURED_NODES)
    if len(near.nodes) - len(near.centre) < FEW_NEIGHBOURS:
        near = neighbourhood_of(entry, node, 2, PICTURED_NODES)
    return near


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
    a: Annotated[str, Query(min_length=1, max_length=300, description="A node id, a label "
                            "only one node has, or a case as AGENCY/ref")],
    b: Annotated[str, Query(min_length=1, max_length=300)],
    k: Annotated[int, Query(ge=1, le=10, description="At most this many paths")] = 3,
) -> Paths:
    """How two nodes (or two cases) of your network connect: up to k shortest paths, each hop
    with the kinds of its ties and the records stating them. 404 for a node your network does
    not hold."""
    return paths_of(analysed(state.hub, actor, cache, {"path": [a, b], "k": k}), a, b, k)


@router.get("/network/neighbourhood", response_model=NeighbourhoodPublic,
            operation_id="network_neighbourhood", responses=problems(404))
def network_neighbourhood(
    actor: ActorDep,
    state: StateDep,
    cache: CacheDep,
    node: Annotated[str, Query(min_length=1, max_length=300, description="A node id, a label "
                               "only one node has, or a case as AGENCY/ref")],
    depth: Annotated[int, Query(ge=1, le=2, description="Hops out from the node")] = 1,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many nodes, the "
                                "nearest kept")] = 200,
) -> NeighbourhoodPublic:
    """Who is near a node of your network: the nodes within depth hops, nearest first, and
    every tie among them with its kinds and the records stating it; call it again on a
    neighbour to go on from there. 404 for a node your network does not hold."""
    found = neighbourhood_of(
        analysed(state.hub, actor, cache, {"neighbourhood": node, "depth": depth}), node,
        depth, limit)
    return NeighbourhoodPublic.of(node, found)
