"""`tessera network`: the graph of people, organisations and identifiers, its key nodes, and
where to disrupt it — from the hub (``--user``) or from plain edge/node CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import igraph as ig
import typer
from rich.table import Table

from tessera.cli.common import console, errors_as_messages, fail, open_hub
from tessera.hub import admin
from tessera.network import disrupt, export, paths, tables
from tessera.network.analyse import MEASURES, Analysis, analyse
from tessera.network.graph import CASE_CLIQUE_LIMIT, Network
from tessera.network.source import from_hub
from tessera.web.picture import draw
from tessera.web.render import svg

app = typer.Typer(help="The network: key nodes, communities, brokers, disruption, paths.",
                  no_args_is_help=True)

UserOpt = Annotated[str | None, typer.Option(
    "--user", help="Build from the hub, as this user sees it (audited).")]
EdgesOpt = Annotated[Path | None, typer.Option(
    "--edges", help="Edge CSV (source, target; optional kind, weight, count, amount, first, "
    "last…), instead of the hub.")]
NodesOpt = Annotated[Path | None, typer.Option(
    "--nodes", help="Node CSV (id or name; optional kind, label, roles, countries…).")]
AllOpt = Annotated[bool, typer.Option(
    "--all-nodes", help="Analyse identifiers as nodes of their own (by default one held by a "
    "single person or organisation is folded into it).")]
SeedOpt = Annotated[int, typer.Option(help="Seed for Leiden and sampled betweenness.")]


def _hub_network(user: str) -> Network:
    with errors_as_messages(), open_hub().session() as session, \
            console.status("building the network from the hub…"):
        return from_hub(session, admin.actor(session, user))


def _load(user: str | None, edges: Path | None, nodes: Path | None) -> ig.Graph:
    """The directed multigraph to work on: the hub's (as ``user`` sees it) or the files'."""
    if (user is None) == (edges is None):
        fail("give either --user (the hub) or --edges (files)")
    if nodes is not None and edges is None:
        fail("--nodes goes with --edges")
    with errors_as_messages():
        if edges is not None:
            return tables.read(edges, nodes)
        assert user is not None  # checked above
        return tables.graph_of(_hub_network(user))


def _analyse(graph: ig.Graph, all_nodes: bool, resolution: float, seed: int
             ) -> tuple[ig.Graph, Analysis]:
    simple = tables.simple(graph, fold=not all_nodes)
    with console.status(f"analysing {simple.vcount():,} nodes and {simple.ecount():,} ties…"):
        return simple, analyse(simple, resolution=resolution, seed=seed)


@app.command("build")
def build(
    user: Annotated[str, typer.Option("--user", help="Whose view of the hub (audited).")],
    out: Annotated[Path, typer.Option(help="Directory for nodes.csv and edges.csv.")],
) -> None:
    """Build the network from the records USER may see and write it as node and edge CSV
    files, with each node's and tie's provenance (the other commands read them back)."""
    net = _hub_network(user)
    out.mkdir(parents=True, exist_ok=True)
    tables.write(net, out / "nodes.csv", out / "edges.csv")
    kinds = ", ".join(f"{n:,} {k}" for k, n in net.kinds().items())
    console.print(f"{len(net.nodes):,} nodes ({kinds}) and {len(net.edges):,} ties written "
                  f"to {out}")
    if net.dangling or net.big_cases:
        console.print(f"not drawn: {net.dangling:,} references to records not in the view, "
                      f"{net.big_cases:,} cases naming more than "
                      f"{CASE_CLIQUE_LIMIT} people (no co-occurrence ties)")


@app.command("analyse")
def analyse_command(
    out: Annotated[Path, typer.Option(help="Directory for metrics.csv, key_players.csv, "
                                           "bridges.csv, communities.json and network.svg.")],
    user: UserOpt = None,
    edges: EdgesOpt = None,
    nodes: NodesOpt = None,
    resolution: Annotated[float, typer.Option(min=0.0, help="Leiden resolution: higher finds "
                                                            "smaller communities.")] = 1.0,
    top: Annotated[int, typer.Option(min=1, help="Key players to show.")] = 10,
    all_nodes: AllOpt = False,
    by_year: Annotated[bool, typer.Option(help="Also compare the network year by year: who "
                                               "is new, whose PageRank rose.")] = False,
    seed: SeedOpt = 0,
) -> None:
    """Centralities, Leiden communities, brokers, articulation points and bridges, and the key
    players to disrupt, each with its reasons; and a picture of the key players'
    neighbourhood (network.svg, as the web hub's Network page draws it)."""
    graph = _load(user, edges, nodes)
    simple, found = _analyse(graph, all_nodes, resolution, seed)
    out.mkdir(parents=True, exist_ok=True)
    score = {p.node: p for p in found.ranking}
    articulation = set(found.articulation)
    with (out / "metrics.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("id", "kind", "label", "community", *MEASURES, "articulation",
                         "key_player_score"))
        for v in simple.vs:
            player = score.get(v.index)
            writer.writerow((v["name"], v["kind"], v["label"], found.membership[v.index],
                             *(f"{found.metrics[m][v.index]:.6g}" for m in MEASURES),
                             int(v.index in articulation),
                             f"{player.score:.4f}" if player else ""))
    with (out / "key_players.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("rank", "id", "label", "score", "reasons"))
        for rank, p in enumerate(found.ranking, 1):
            writer.writerow((rank, p.name, p.label, f"{p.score:.4f}", "; ".join(p.reasons)))
    with (out / "bridges.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(("source", "source_label", "target", "target_label"))
        for u, v in found.bridges:
            writer.writerow((simple.vs[u]["name"], simple.vs[u]["label"], simple.vs[v]["name"],
                             simple.vs[v]["label"]))
    picture = draw(simple, found)
    (out / "network.svg").write_text(svg(picture, "The key players' neighbourhood"),
                                     encoding="utf-8")
    (out / "communities.json").write_text(json.dumps(
        [asdict(c) for c in found.communities], indent=1, ensure_ascii=False), encoding="utf-8")
    table = Table("rank", "key player", "score", "why")
    for rank, p in enumerate(found.ranking[:top], 1):
        table.add_row(str(rank), p.label, f"{p.score:.2f}", "; ".join(p.reasons))
    console.print(table)
    sampled = " (betweenness sampled)" if found.sampled else ""
    console.print(
        f"{simple.vcount():,} nodes, {simple.ecount():,} ties; {len(found.communities):,} "
        f"communities, {len(found.articulation):,} articulation points, "
        f"{len(found.bridges):,} bridges{sampled}; written to {out}")
    if by_year:
        periods = []
        for year in paths.years(graph):
            window = paths.during(graph, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
            periods.append((str(year), tables.simple(window, fold=not all_nodes)))
        changes = Table("year", "nodes", "ties", "new (most central)", "rising PageRank")
        for c in paths.changes(periods):
            changes.add_row(c.period, f"{c.nodes:,}", f"{c.ties:,}", ", ".join(c.new),
                            ", ".join(f"{label} ({b:.4f}→{a:.4f})" for label, b, a in c.rising))
        console.print(changes)


@app.command("disrupt")
def disrupt_command(
    k: Annotated[int, typer.Option("-k", min=1, help="How many nodes to remove.")] = 5,
    user: UserOpt = None,
    edges: EdgesOpt = None,
    nodes: NodesOpt = None,
    out: Annotated[Path | None, typer.Option(help="Also write the comparison as JSON.")] = None,
    all_nodes: AllOpt = False,
    seed: SeedOpt = 0,
) -> None:
    """The k people whose removal most fragments the network, against the top k of the
    key-player ranking and of each centrality: what each leaves (fragmentation, largest
    component, the share of the money flow it stops)."""
    graph = _load(user, edges, nodes)
    simple, found = _analyse(graph, all_nodes, 1.0, seed)
    with console.status(f"planning the removal of {k}…"):
        outcomes = disrupt.compare(simple, found, k)
    table = Table("strategy", "fragmentation", "largest component", "components", "money-flow cut",
                  "remove")
    for o in outcomes:
        table.add_row(o.strategy, f"{o.fragmentation:.3f}", f"{o.largest:,}",
                      f"{o.components:,}", f"{o.money_cut:.1%}", ", ".join(o.removed))
    console.print(table)
    largest = max(simple.connected_components().sizes(), default=0)
    console.print(f"before: largest component {largest:,} of {simple.vcount():,} nodes")
    if out:
        out.write_text(json.dumps([asdict(o) for o in outcomes], indent=1, ensure_ascii=False),
                       encoding="utf-8")


@app.command("path")
def path_command(
    a: Annotated[str, typer.Argument(
        help="A node id (e.g. an entity id), a label one node has, or a case (AGENCY/ref).")],
    b: Annotated[str, typer.Argument(help="Another.")],
    k: Annotated[int, typer.Option("-k", min=1, help="How many shortest paths.")] = 3,
    user: UserOpt = None,
    edges: EdgesOpt = None,
    nodes: NodesOpt = None,
    all_nodes: AllOpt = False,
) -> None:
    """How two entities, or two cases, connect: the k shortest paths, each hop with its ties
    and the records behind them."""
    graph = _load(user, edges, nodes)
    simple = tables.simple(graph, fold=not all_nodes)
    with errors_as_messages():
        try:
            found = paths.between(graph, simple, a, b, k=k)
        except paths.NotInNetwork as exc:
            fail(str(exc))
    if not found:
        fail(f"{a} and {b} do not connect in this network")
    for number, p in enumerate(found, 1):
        console.print(f"[bold]path {number}[/] ({len(p.hops)} hops, length {p.length:.2f})")
        for hop in p.hops:
            said = ", ".join(hop.records[:6]) + ("…" if len(hop.records) > 6 else "")
            console.print(f"  {hop.source} → {hop.target}: {', '.join(hop.kinds)}"
                          + (f" [dim]({said})[/]" if said else ""))


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(export.FORMATS)}.")],
    out: Annotated[Path, typer.Option(help="The file to write.")],
    user: UserOpt = None,
    edges: EdgesOpt = None,
    nodes: NodesOpt = None,
) -> None:
    """Write the network for Gephi (GEXF), other graph tools (GraphML), Aleph (FtM JSON
    Lines) or i2 Analyst's Notebook (CSV link table)."""
    if fmt not in export.FORMATS:
        fail(f"unknown format {fmt!r}: use one of {', '.join(export.FORMATS)}")
    graph = _load(user, edges, nodes)
    with errors_as_messages():
        export.write(graph, fmt, out)
    console.print(f"{graph.vcount():,} nodes and {graph.ecount():,} ties written to {out}")
