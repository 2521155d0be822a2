"""What the graph says: centralities, communities, brokers, and the key players.

Everything runs in igraph's C code on the simple graph
(``tables.simple``); Python only arranges the results. Weights are tie strengths: the
shortest-path measures (betweenness, closeness) read ``1 / weight`` as the length of a tie.
"""

from __future__ import annotations

import random
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import igraph as ig
import numpy as np

from tessera.network.tables import parts

# Above this many nodes betweenness is estimated from the shortest paths of a random sample of
# sources (Brandes and Pich, 2007), scaled to the whole; below it, it is exact.
EXACT_BETWEENNESS = 5_000
SAMPLE_SOURCES = 256
STABLE_LEIDEN = 100_000
# What a role recorded by an agency says of a person's place in a group, for the key-player
# score: the organisers and brokers a disruption should reach first. Victims are not ranked.
ROLE_WEIGHT = {
    "organiser": 1.0, "broker": 1.0, "money_handler": 0.6, "document_forger": 0.5,
    "smuggler": 0.4, "recruiter": 0.4, "transporter": 0.4, "exploiter": 0.4, "controller": 0.4,
    "harbourer": 0.4, "seller": 0.4, "buyer": 0.3, "kidnapper": 0.3, "transferrer": 0.3,
    "receiver": 0.3, "abuser": 0.3, "employer": 0.3, "suspect": 0.2,
}
BROKERAGE = 0.5
NOT_RANKED = frozenset({"victim", "witness", "travelling_partner"})
MEASURES = ("degree", "strength", "betweenness", "pagerank", "eigenvector", "closeness",
            "constraint", "participation", "countries")


@dataclass(frozen=True)
class KeyPlayer:
    node: int
    name: str
    label: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Community:
    number: int
    size: int
    kinds: dict[str, int]
    roles: dict[str, int]
    countries: dict[str, int]
    accounts: int
    money_in: float  # payments into the community from outside it
    money_out: float
    money_within: float
    top: tuple[str, ...]  # its most central members' labels


@dataclass
class Analysis:
    graph: ig.Graph  # the simple graph analysed
    metrics: dict[str, list[float]]
    membership: list[int]
    articulation: list[int]
    bridges: list[tuple[int, int]]
    sampled: bool  # whether betweenness was estimated
    communities: list[Community] = field(default_factory=list)
    ranking: list[KeyPlayer] = field(default_factory=list)


def distances(graph: ig.Graph) -> list[float] | None:
    """Tie lengths, ``1 / weight``; ``None`` when every tie weighs the same (breadth-first
    search then finds the same shortest paths, several times faster than Dijkstra's)."""
    weights = np.asarray(graph.es["weight"] if graph.ecount() else [], dtype=float)
    if len(weights) == 0 or (weights == weights[0]).all():
        return None
    with np.errstate(divide="ignore"):
        return [float(x) for x in np.where(weights > 0, 1.0 / weights, np.inf)]


def betweenness(graph: ig.Graph, *, exact_limit: int = EXACT_BETWEENNESS,
                sample: int = SAMPLE_SOURCES, seed: int = 0) -> tuple[list[float], bool]:
    """Betweenness on tie lengths, exact for small graphs and estimated from ``sample``
    random sources (scaled by n / sample) for large ones; whether it was estimated."""
    n = graph.vcount()
    length = distances(graph)
    if n <= exact_limit or sample >= n:
        return graph.betweenness(directed=False, weights=length), False
    sources = random.Random(seed).sample(range(n), sample)
    partial = graph.betweenness(directed=False, weights=length, sources=sources)
    return [b * n / sample for b in partial], True


def communities(graph: ig.Graph, *, resolution: float = 1.0, seed: int = 0) -> list[int]:
    """Leiden communities, maximising modularity with a resolution (higher finds smaller
    groups). igraph's C implementation of Leiden, not the ``leidenalg`` package: the same
    algorithm, measured eleven times faster on a million ties. It iterates until the
    partition is stable on graphs up to ``STABLE_LEIDEN`` nodes, twice beyond."""
    if graph.ecount() == 0:
        return list(range(graph.vcount()))
    state = random.getstate()
    random.seed(seed)  # igraph draws from Python's generator
    try:
        found = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution,
            n_iterations=-1 if graph.vcount() <= STABLE_LEIDEN else 2,
        )
    finally:
        random.setstate(state)
    return list(found.membership)


def participation(graph: ig.Graph, membership: Sequence[int]) -> list[float]:
    """Guimerà and Amaral's participation coefficient: 1 - Σ_c (w_ic / w_i)², zero for a node
    whose ties stay in its community, near one for one whose ties spread over many."""
    n = graph.vcount()
    if graph.ecount() == 0:
        return [0.0] * n
    ends = np.array(graph.get_edgelist())
    weight = np.asarray(graph.es["weight"], dtype=float)
    member = np.asarray(membership)
    # weight from each node into each community, as a sparse sum over both ends of each tie
    nodes = np.concatenate([ends[:, 0], ends[:, 1]])
    into = np.concatenate([member[ends[:, 1]], member[ends[:, 0]]])
    both = np.concatenate([weight, weight])
    key = nodes.astype(np.int64) * (member.max() + 1) + into
    unique, where = np.unique(key, return_inverse=True)
    sums = np.bincount(where, weights=both)
    owner = unique // (member.max() + 1)
    strength = np.bincount(nodes, weights=both, minlength=n)
    squares = np.bincount(owner, weights=sums ** 2, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(strength > 0, 1.0 - squares / strength ** 2, 0.0)
    return [float(x) for x in result]


def countries_reached(graph: ig.Graph) -> list[float]:
    """How many countries a node and its neighbours are recorded in."""
    own = [set(parts(c)) for c in graph.vs["countries"]]
    return [float(len(own[v].union(*(own[u] for u in graph.neighbors(v)))))
            for v in range(graph.vcount())]


def centralities(graph: ig.Graph, membership: Sequence[int], *, seed: int = 0,
                 exact_limit: int = EXACT_BETWEENNESS, sample: int = SAMPLE_SOURCES
                 ) -> tuple[dict[str, list[float]], bool]:
    between, sampled = betweenness(graph, exact_limit=exact_limit, sample=sample, seed=seed)
    with warnings.catch_warnings():  # igraph warns on disconnected graphs; measures hold
        warnings.simplefilter("ignore", RuntimeWarning)
        eigen = graph.eigenvector_centrality(weights="weight") \
            if graph.ecount() else [0.0] * graph.vcount()
        constraint = graph.constraint(weights="weight")
    metrics = {
        "degree": [float(d) for d in graph.degree()],
        "strength": graph.strength(weights="weight"),
        "betweenness": between,
        "pagerank": graph.pagerank(weights="weight"),
        "eigenvector": eigen,
        # harmonic closeness: defined on disconnected graphs, unlike the classic one
        "closeness": graph.harmonic_centrality(weights=distances(graph), normalized=True),
        "constraint": [0.0 if np.isnan(c) else c for c in constraint],
        "participation": participation(graph, membership),
        "countries": countries_reached(graph),
    }
    return metrics, sampled


def _relative(values: Sequence[float]) -> np.ndarray:
    """Each value as a share of the largest (all zero when the largest is)."""
    array = np.asarray(values, dtype=float)
    top = array.max(initial=0.0)
    return array / top if top > 0 else np.zeros(len(array))


def rankable(graph: ig.Graph, kinds: Sequence[str] = ("person",)) -> list[int]:
    """The nodes a disruption may target: of ``kinds``, and not recorded only as a victim,
    witness or travelling companion."""
    found = []
    for v in graph.vs:
        if v["kind"] not in kinds:
            continue
        roles = set(parts(v["roles"]))
        if roles and roles <= NOT_RANKED:
            continue
        found.append(v.index)
    return found


def key_players(graph: ig.Graph, metrics: dict[str, list[float]], membership: Sequence[int],
                *, kinds: Sequence[str] = ("person",), limit: int | None = None
                ) -> list[KeyPlayer]:
    """The nodes whose removal should hurt the network most, best first, each with its reasons.

    The score adds three parts, each from 0 to 1: position (betweenness, PageRank and degree,
    each as a share of the highest among the rankable nodes, averaged), role (the strongest
    role agencies recorded, ``ROLE_WEIGHT``), and brokerage (participation across
    communities, when the node's ties reach two or more of them, or two or more countries),
    which counts half: on its own it also marks the go-betweens of one group's two halves."""
    nodes = rankable(graph, kinds)
    if not nodes:
        return []
    position = np.mean([_relative([metrics[m][v] for v in nodes])
                        for m in ("betweenness", "pagerank", "degree")], axis=0)
    ranked = []
    for i, v in enumerate(nodes):
        vertex = graph.vs[v]
        roles = parts(vertex["roles"])
        role = max((ROLE_WEIGHT.get(r, 0.0) for r in roles), default=0.0)
        bridged = len({membership[u] for u in graph.neighbors(v)} | {membership[v]})
        countries = metrics["countries"][v]
        brokerage = metrics["participation"][v] if bridged > 1 or countries > 1 else 0.0
        reasons = [f"position: betweenness, PageRank and degree {position[i]:.0%} of the "
                   "most central's"]
        if role:
            strongest = max(roles, key=lambda r: ROLE_WEIGHT.get(r, 0.0))
            reasons.append(f"recorded as {strongest}" + (
                f" (also {', '.join(r for r in roles if r != strongest)})"
                if len(roles) > 1 else ""))
        if brokerage:
            reach = f" and {countries:.0f} countries" if countries > 1 else ""
            reasons.append(f"ties into {bridged} communities{reach} "
                           f"(participation {brokerage:.2f})")
        ranked.append(KeyPlayer(v, vertex["name"], vertex["label"],
                                float(position[i] + role + BROKERAGE * brokerage),
                                tuple(reasons)))
    ranked.sort(key=lambda k: (-k.score, k.name))
    return ranked[:limit] if limit else ranked


def summarise(graph: ig.Graph, membership: Sequence[int], metrics: dict[str, list[float]],
              *, top: int = 3) -> list[Community]:
    """Each community's make-up: members by kind, role and country, its accounts, and the money
    that enters, leaves and stays in it; largest first."""
    groups: dict[int, list[int]] = {}
    for v, c in enumerate(membership):
        groups.setdefault(c, []).append(v)
    money_in: Counter[int] = Counter()
    money_out: Counter[int] = Counter()
    within: Counter[int] = Counter()
    attributes = graph.es.attributes()
    amounts = graph.es["amount"] if "amount" in attributes else [0.0] * graph.ecount()
    # the money from each tie's lower end to its higher and back (``tables.simple`` keeps it);
    # a graph without it has lost direction: its money counts as crossing both ways
    directed = "amount_up" in attributes and "amount_down" in attributes
    ups = graph.es["amount_up"] if directed else amounts
    downs = graph.es["amount_down"] if directed else amounts
    for (a, b), amount, up, down in zip(graph.get_edgelist(), amounts, ups, downs, strict=True):
        if not amount:
            continue
        if membership[a] == membership[b]:
            within[membership[a]] += amount
            continue
        money_out[membership[a]] += up
        money_in[membership[b]] += up
        money_out[membership[b]] += down
        money_in[membership[a]] += down
    found = []
    for number, members in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        vs = graph.vs[members]
        roles = Counter(r for v in vs for r in parts(v["roles"]))
        countries = Counter(c for v in vs for c in parts(v["countries"]))
        best = sorted(members, key=lambda v: -metrics["pagerank"][v])[:top]
        found.append(Community(
            number, len(members), dict(Counter(vs["kind"]).most_common()),
            dict(roles.most_common()), dict(countries.most_common()),
            sum(1 for k in vs["kind"] if k == "account"), money_in[number], money_out[number],
            within[number], tuple(graph.vs[v]["label"] for v in best),
        ))
    return found


def analyse(graph: ig.Graph, *, resolution: float = 1.0, seed: int = 0,
            exact_limit: int = EXACT_BETWEENNESS, sample: int = SAMPLE_SOURCES,
            kinds: Sequence[str] = ("person",)) -> Analysis:
    """Every measure on the simple graph ``graph``: centralities, Leiden communities and their
    summaries, articulation points and bridges, and the key players."""
    membership = communities(graph, resolution=resolution, seed=seed)
    metrics, sampled = centralities(graph, membership, seed=seed, exact_limit=exact_limit,
                                    sample=sample)
    found = Analysis(graph, metrics, membership, graph.articulation_points(),
                     [graph.es[e].tuple for e in graph.bridges()], sampled)
    found.communities = summarise(graph, membership, metrics)
    found.ranking = key_players(graph, metrics, membership, kinds=kinds)
    return found
