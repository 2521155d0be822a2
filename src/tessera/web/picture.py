"""The picture the network page draws: the key players' neighbourhood, or one node's, as an
inline SVG laid out by igraph on the server (no script, so the page's content security policy
holds). The page makes each dot a link to that node's own neighbourhood, so that an analyst
expands the graph by clicking through it."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from dataclasses import dataclass

import igraph as ig

from tessera.network.analyse import Analysis
from tessera.network.graph import ACTORS
from tessera.network.paths import Neighbourhood
from tessera.network.tables import parts

WIDTH, HEIGHT, MARGIN = 960, 620, 40
PICTURED_PLAYERS = 15
PICTURED_NODES = 300
# Around a focus, its direct neighbours are labelled too while they are this few or fewer:
# beyond, their labels would cover one another.
LABELLED_NEIGHBOURS = 25
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
    label: str  # shown beside it: key players, and the focus and its nearest
    left: bool  # the label goes on its left (near the right edge)
    title: str  # the tooltip
    focus: bool = False  # the node (or one of a case's) whose neighbourhood this is


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


@dataclass(frozen=True)
class Only:
    """What the analyst narrows the picture to: nodes recorded in a country, with a role, of a
    community, or seen in a year (a node with no date is left out when a year is asked)."""

    country: str = ""
    role: str = ""
    community: int | None = None
    year: int | None = None

    def __bool__(self) -> bool:
        return bool(self.country or self.role or self.community is not None or self.year)

    def keeps(self, graph: ig.Graph, analysis: Analysis) -> set[int]:
        """The nodes of ``graph`` that pass."""
        kept = set()
        for v in graph.vs:
            if self.country and self.country not in parts(v["countries"]):
                continue
            if self.role and self.role not in parts(v["roles"]):
                continue
            if self.community is not None and analysis.membership[v.index] != self.community:
                continue
            if self.year is not None:
                first, last = v["first"] or "", v["last"] or v["first"] or ""
                if not first or int(first[:4]) > self.year or int(last[:4]) < self.year:
                    continue
            kept.add(v.index)
        return kept


def pictured(graph: ig.Graph, analysis: Analysis, players: int = PICTURED_PLAYERS,
             cap: int = PICTURED_NODES, only: Only | None = None) -> list[int]:
    """The top ``players`` key players and their neighbours, the most central first, at most
    ``cap`` nodes; with ``only``, of the nodes that pass it."""
    passing = only.keeps(graph, analysis) if only else set(range(graph.vcount()))
    chosen = dict.fromkeys([p.node for p in analysis.ranking if p.node in passing][:players])
    pagerank = analysis.metrics["pagerank"]
    near = {u for v in chosen for u in graph.neighbors(v) if u in passing} - set(chosen)
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


def draw(graph: ig.Graph, analysis: Analysis, around: Neighbourhood | None = None,
         only: Only | None = None) -> Picture:
    """The key players' neighbourhood laid out for an SVG: dots coloured by community, key
    players sized by score and labelled, each with a tooltip. With ``around``, that
    neighbourhood instead, drawn the same way, its centre labelled and ringed (and its direct
    neighbours labelled, when they are few). ``only`` narrows the key players' picture."""
    index = {name: v for v, name in enumerate(graph.vs["name"])}
    if around is None:
        nodes, focus, near = pictured(graph, analysis, only=only), set(), set()
    else:
        nodes = [index[n.node] for n in around.nodes]
        focus = {index[n] for n in around.centre}
        ones = [index[n.node] for n in around.nodes if n.hops == 1]
        near = set(ones) if len(ones) <= LABELLED_NEIGHBOURS else set()
    if not nodes:
        return Picture(WIDTH, HEIGHT, (), (), (), graph.vcount())
    sub = graph.induced_subgraph(nodes)
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
        roles = ", ".join(parts(vertex["roles"]))
        if roles:
            title += f"; recorded as {roles}"
        countries = ", ".join(parts(vertex["countries"]))
        if countries:
            title += f"; {countries}"
        label, radius = "", 4.0 if vertex["kind"] in ACTORS else 3.0
        if o in near:
            label = vertex["label"]
        if o in rank and rank[o][0] <= PICTURED_PLAYERS:
            n, player = rank[o]
            label = f"{n}. {player.label}"
            radius = 7.0 + (7.0 * (player.score - low) / spread if spread else 3.5)
            title += f"; key player {n}, score {player.score:.2f}"
        if o in focus:
            label, radius = label or vertex["label"], max(radius, 8.0)
        x, y = at(v)
        dots.append(Dot(vertex["name"], x, y, round(radius, 1), colour.get(community, OTHER),
                        vertex["kind"] not in ACTORS, label, x > WIDTH * 0.75, title,
                        o in focus))
    lines = []
    for edge in sub.es:
        (x1, y1), (x2, y2) = at(edge.source), at(edge.target)
        lines.append(Line(x1, y1, x2, y2, round(0.6 + min(2.4, math.log1p(edge["weight"])), 2),
                          bool(edge["amount"])))
    dots.sort(key=lambda d: (d.focus, bool(d.label)))  # labelled drawn last, the focus on top
    legend = tuple((colour[c], c, shown[c]) for c, _ in shown.most_common(len(PALETTE)))
    return Picture(WIDTH, HEIGHT, tuple(dots), tuple(lines), legend, graph.vcount())


