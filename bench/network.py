"""Network benchmark: key players and communities against known truth, the CAVIAR network,
and speed against networkx.

    python bench/network.py [--scale 20000] [--seed 1] [--edges 1000000] [--reference 100000]
                            [--only scenario|caviar|speed]

1. A generated scenario (``tessera.synth``): every agency's records, person records linked
   by Tessera's model (as ``tessera link run`` does), the network built and analysed as
   ``tessera network analyse`` does. Precision@k of the true organisers and brokers among
   the top k of the key-player ranking (k = the number of true organisers), beside the top k
   of each centrality alone and of the ranking without the roles agencies recorded; NMI of
   the Leiden communities against the true groups (over the group members in the network).
   The same with the generator's true identities in place of linkage, to show what linkage
   costs.
2. CAVIAR (``$TESSERA_BENCH_DATA/networks/covert_10_caviar``): per phase, the top five of
   the ranking and the disruption plan, and the largest component left after removing the
   plan's five against the top five by degree. Skipped, saying so, when the data is absent.
3. Speed: a random graph of ``--edges`` distinct ties with planted communities, written as
   an edge CSV: read + PageRank + Leiden + sampled betweenness + components, timed; and on a
   graph of ``--reference`` ties, the same analytics by Tessera (igraph) and by networkx
   (Louvain, its nearest to Leiden) side by side, on the same file. networkx comes with
   ``.[bench]``.
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np

import data
from tessera.linkage.features import person_rows
from tessera.linkage.model import link
from tessera.network import disrupt, tables
from tessera.network.analyse import analyse, betweenness, communities, key_players, rankable
from tessera.network.graph import Network, build
from tessera.standard.records import Record
from tessera.synth.scenario import generate
from tessera.synth.world import Settings

CAVIAR = "networks/covert_10_caviar"


def _precision(ranked: list[int], owner: dict[int, str], target: set[str], k: int) -> float:
    return sum(owner.get(v) in target for v in ranked[:k]) / k


def _owners(graph: ig.Graph, net: Network, truth: dict[str, str]) -> dict[int, str]:
    """Each person node's true person: the one most of its records are."""
    found = {}
    for v in graph.vs:
        votes = Counter(truth[r] for m in v["members"] for r in net.nodes[m].provenance.records
                        if net.nodes[m].kind == "person" and r in truth)
        if votes:
            found[v.index] = votes.most_common(1)[0][0]
    return found


def _scenario_run(label: str, records: list[tuple[str, Record]], people: dict[str, str],
                  truth: dict[str, str], organisers: set[str], target: set[str],
                  group_of: dict[str, int]) -> None:
    start = time.perf_counter()
    net = build(records, people)
    graph = tables.simple(tables.graph_of(net))
    found = analyse(graph)
    seconds = time.perf_counter() - start
    owner = _owners(graph, net, truth)
    k = len(organisers)
    present = {owner[v] for v in owner} & target
    print(f"  {label}: {graph.vcount():,} nodes, {graph.ecount():,} ties, "
          f"{len(found.communities):,} communities; {len(present)} of the {len(target)} true "
          f"organisers and brokers are in it ({seconds:.1f} s)")
    pool = set(rankable(graph))
    rows = [("key-player ranking (Tessera's)", [p.node for p in found.ranking])]
    unroled = graph.copy()
    unroled.vs["roles"] = ["" if "victim" not in (r or "") else r for r in graph.vs["roles"]]
    rows.append(("the same without recorded roles",
                 [p.node for p in key_players(unroled, found.metrics, found.membership)]))
    for measure in ("degree", "betweenness", "pagerank", "eigenvector", "closeness"):
        values = found.metrics[measure]
        rows.append((f"top k by {measure}", sorted(pool, key=lambda v: (-values[v], v))))
    for name, ranked in rows:
        print(f"    precision@{k:<4} {_precision(ranked, owner, target, k):.3f}  {name}")
    members = [v for v in owner if owner[v] in group_of]
    nmi = ig.compare_communities([group_of[owner[v]] for v in members],
                                 [found.membership[v] for v in members], method="nmi")
    print(f"    communities against the true groups: NMI {nmi:.3f} over {len(members):,} "
          "group members")


def scenario(scale: int, seed: int) -> None:
    start = time.perf_counter()
    generated = generate(Settings(seed=seed, scale=scale))
    records, truth = generated.standard(), generated.true_people()
    world = generated.world
    organisers = {p for g in world.groups.values() for p in g.members["organiser"]}
    brokers = {p.id for p in world.people.values() if len(p.groups) > 1}
    group_ids = {g: i for i, g in enumerate(sorted(world.groups))}
    group_of = {p: group_ids[person.groups[0]] for p, person in world.people.items()
                if len(person.groups) == 1}
    print(f"scenario (scale {scale:,}, seed {seed}): {len(records):,} records of "
          f"{len(generated.agencies)} agencies; {len(world.groups)} groups, "
          f"{len(organisers)} organisers, {len(brokers)} brokers "
          f"({time.perf_counter() - start:.1f} s)")
    start = time.perf_counter()
    linked = link(person_rows(records))
    print(f"  persons linked by Tessera's model in {time.perf_counter() - start:.1f} s")
    target = organisers | brokers
    _scenario_run("linked by Tessera", records, dict(linked.clusters), truth, organisers,
                  target, group_of)
    _scenario_run("true identities (perfect linkage)", records, truth, truth, organisers,
                  target, group_of)


def caviar() -> None:
    folder = data.folder() / CAVIAR
    if not folder.exists():
        print(f"CAVIAR: skipped, {folder} not found (set TESSERA_BENCH_DATA)")
        return
    print("CAVIAR (Montreal, 1994-96; 11 phases): largest component left after removing 5 "
          "(of the nodes in the phase)")
    print(f"  {'phase':6} {'nodes':>5} {'ties':>5}  {'plan':>4} {'degree':>6}  "
          "top 5 of the ranking / the plan's 5")
    for phase in [*(str(n) for n in range(1, 12)), "_FULL"]:
        graph = tables.simple(tables.read(folder / f"CAVIAR{phase}_edges.csv",
                                          folder / f"CAVIAR{phase}_nodes.csv"))
        found = analyse(graph)
        outcomes = {o.strategy: o for o in disrupt.compare(graph, found, 5)}
        plan, degree = outcomes["disruption plan"], outcomes["top 5 by degree"]
        top = ", ".join(p.label for p in found.ranking[:5])
        name = phase.strip("_").lower()
        print(f"  {name:6} {graph.vcount():5d} {graph.ecount():5d}  {plan.largest:4d} "
              f"{degree.largest:6d}  {top} / {', '.join(plan.removed)}")


def planted(edges: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A random graph of ``edges`` distinct ties among edges/5 nodes in communities of about
    50, nine ties in ten inside a community (a stochastic block model, drawn with numpy).
    Distinct, so that networkx, which keeps one of parallel ties, and Tessera, which adds
    them, analyse the same graph; every tie weighs 1, so both find shortest paths by
    breadth-first search."""
    rng = np.random.default_rng(seed)
    n = max(edges // 5, 10)
    size = 50
    draw = edges + edges // 4  # a few more, for the loops and repeats dropped below
    source = rng.integers(0, n, draw)
    inside = rng.random(draw) < 0.9
    block = source // size
    target = np.minimum(np.where(inside, block * size + rng.integers(0, size, draw),
                                 rng.integers(0, n, draw)), n - 1)
    pairs = np.unique(np.column_stack([np.minimum(source, target), np.maximum(source, target)])
                      [source != target], axis=0)
    pairs = pairs[rng.permutation(len(pairs))[:edges]]
    return pairs[:, 0], pairs[:, 1]


def _write_edges(path: Path, source: np.ndarray, target: np.ndarray) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("source", "target", "weight"))
        writer.writerows(zip((f"n{s}" for s in source), (f"n{t}" for t in target),
                             np.ones(len(source)), strict=True))


def _timed(steps: list[tuple[str, Callable[[], Any]]]) -> dict[str, float]:
    times = {}
    for name, step in steps:
        start = time.perf_counter()
        step()
        times[name] = time.perf_counter() - start
    return times


def tessera_run(path: Path) -> dict[str, float]:
    held: dict[str, Any] = {}

    def read() -> None:
        held["g"] = tables.simple(tables.read(path), fold=False)

    return _timed([
        ("read", read),
        ("pagerank", lambda: held["g"].pagerank(weights="weight")),
        ("communities", lambda: communities(held["g"])),
        ("betweenness (256 sources)", lambda: betweenness(held["g"], exact_limit=0)),
        ("components", lambda: held["g"].connected_components()),
    ])


def networkx_run(path: Path) -> dict[str, float] | None:
    try:
        import networkx as nx
    except ImportError:
        print("  networkx: skipped, not installed (pip install -e '.[bench]')")
        return None
    held: dict[str, Any] = {}

    def read() -> None:
        with path.open() as f:
            next(f)
            held["g"] = nx.parse_edgelist(f, delimiter=",", data=(("weight", float),))

    return _timed([
        ("read", read),
        ("pagerank", lambda: nx.pagerank(held["g"], weight="weight")),
        ("communities", lambda: nx.community.louvain_communities(held["g"], seed=0)),
        ("betweenness (256 sources)", lambda: nx.betweenness_centrality(
            held["g"], k=256, seed=0, weight=None)),
        ("components", lambda: list(nx.connected_components(held["g"]))),
    ])


def speed(edges: int, reference: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.csv"
        _write_edges(big, *planted(edges, seed))
        times = tessera_run(big)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        detail = ", ".join(f"{k} {v:.1f} s" for k, v in times.items())
        print(f"{edges:,} ties: {sum(times.values()):.1f} s in all ({detail}); peak memory "
              f"{rss:.1f} GiB")
        small = Path(tmp) / "small.csv"
        _write_edges(small, *planted(reference, seed))
        ours, theirs = tessera_run(small), networkx_run(small)
        print(f"{reference:,} ties, Tessera (igraph) against networkx "
              "(Louvain for Leiden):")
        for name, seconds in ours.items():
            other = f"{theirs[name]:8.2f} s  {theirs[name] / seconds:6.1f}x" if theirs else ""
            print(f"  {name:27} {seconds:7.2f} s {other}")
        if theirs:
            total, other_total = sum(ours.values()), sum(theirs.values())
            print(f"  {'all':27} {total:7.2f} s {other_total:8.2f} s  "
                  f"{other_total / total:6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--reference", type=int, default=100_000)
    parser.add_argument("--only", choices=("scenario", "caviar", "speed"))
    args = parser.parse_args()
    if args.only in (None, "scenario"):
        scenario(args.scale, args.seed)
    if args.only in (None, "caviar"):
        caviar()
    if args.only in (None, "speed"):
        speed(args.edges, args.reference, args.seed)


if __name__ == "__main__":
    main()
