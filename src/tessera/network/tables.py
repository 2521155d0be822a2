"""The network as two tables (nodes, edges), and the igraph graph the analytics run on.

The tables are the network's file form (``tessera network build`` writes them, every other
command reads them, and plain edge/node files from elsewhere read the same way): one row a
node or a directed tie, sets joined with ";". Reading goes through pyarrow and numpy, not a
Python loop per row, so a million-edge file becomes a graph in seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tessera.files import write_csv
from tessera.network.graph import ACTORS, HOLDS, SAME_CASE, TRAVELLED_TOGETHER, Network

NODE_COLUMNS = ("id", "kind", "label", "roles", "outcomes", "countries", "agencies", "cases",
                "first", "last", "records")
EDGE_COLUMNS = ("source", "target", "kind", "weight", "count", "amount", "currencies",
                "countries", "agencies", "cases", "first", "last", "records")
# How much one statement of a tie weighs, by kind: an explicit tie a record states counts
# fully; being named in one case, or crossing a border on the same day, is weaker evidence.
KIND_WEIGHT = {SAME_CASE: 0.2, TRAVELLED_TOGETHER: 0.5}


class TableError(ValueError):
    """A node or edge file that cannot be read as a network."""


def _joined(values: Any) -> str:
    return ";".join(sorted(values))


def parts(value: str | None) -> list[str]:
    """The members of a set the tables join with ";" (none for an empty or missing cell)."""
    return [part for part in (value or "").split(";") if part]


def _weight(kind: str, count: int) -> float:
    return KIND_WEIGHT.get(kind, 1.0) * (1.0 + math.log(max(count, 1)))


def to_rows(net: Network) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The network's node and edge rows (columns ``NODE_COLUMNS`` and ``EDGE_COLUMNS``)."""
    nodes = []
    for node in sorted(net.nodes.values(), key=lambda n: n.id):
        p = node.provenance
        nodes.append({
            "id": node.id, "kind": node.kind, "label": node.label, "roles": _joined(node.roles),
            "outcomes": _joined(node.outcomes), "countries": _joined(p.countries),
            "agencies": _joined(p.agencies), "cases": _joined(p.cases),
            "first": p.first.isoformat() if p.first else "",
            "last": p.last.isoformat() if p.last else "", "records": _joined(p.records),
        })
    edges = []
    for edge in sorted(net.edges.values(), key=lambda e: (e.source, e.target, e.kind)):
        p = edge.provenance
        edges.append({
            "source": edge.source, "target": edge.target, "kind": edge.kind,
            "weight": round(_weight(edge.kind, edge.count), 6), "count": edge.count,
            "amount": round(edge.amount, 2) if edge.amounts else None,
            "currencies": _joined(edge.amounts), "countries": _joined(p.countries),
            "agencies": _joined(p.agencies), "cases": _joined(p.cases),
            "first": p.first.isoformat() if p.first else "",
            "last": p.last.isoformat() if p.last else "", "records": _joined(p.records),
        })
    return nodes, edges


def write(net: Network, nodes_path: Path, edges_path: Path) -> None:
    """Write the network's tables as CSV (each written whole, then moved into place)."""
    node_rows, edge_rows = to_rows(net)
    write_csv(nodes_path, NODE_COLUMNS, node_rows)
    write_csv(edges_path, EDGE_COLUMNS, edge_rows)


def _strings(table: pa.Table, column: str, default: str = "") -> list[str]:
    if column not in table.column_names:
        return [default] * table.num_rows
    return [default if v is None else str(v) for v in table.column(column).to_pylist()]


def _read(path: Path, what: str) -> pa.Table:
    try:
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in (*NODE_COLUMNS, *EDGE_COLUMNS, "name")
                          if c not in ("weight", "count", "amount")},
            strings_can_be_null=True))
    except FileNotFoundError:
        raise TableError(f"{what} file {path} does not exist") from None
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise TableError(f"{what} file {path} is not a readable CSV: {exc}") from None


def _numbers(table: pa.Table, column: str, path: Path, default: float) -> np.ndarray:
    if column not in table.column_names:
        return np.full(table.num_rows, default)
    values = table.column(column)
    try:
        array = values.cast(pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        bad = next(i for i, v in enumerate(values.to_pylist())
                   if v is not None and not _is_number(v))
        raise TableError(f"{path}, row {bad + 2}: {column} {values[bad]} is not a number"
                         ) from None
    array = np.where(np.isnan(array), default, array)
    wrong = (array < 0) | ~np.isfinite(array)
    if wrong.any():
        bad = int(np.argmax(wrong))
        raise TableError(f"{path}, row {bad + 2}: {column} {array[bad]} is not a finite "
                         "number of zero or more")
    return array


def _dates(table: pa.Table, column: str, path: Path) -> list[str]:
    """The column's dates as ISO text ("" where none), each checked to be a calendar date."""
    values = _strings(table, column)
    for row, value in enumerate(values):
        if value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise TableError(f"{path}, row {row + 2}: {column} {value!r} is not a date "
                                 "(YYYY-MM-DD)") from None
    return values


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    """Rows as a table with every column any row has (``from_pylist`` takes the first's)."""
    names = dict.fromkeys([*columns, *(c for row in rows for c in row)])
    return pa.table({c: [row.get(c) for row in rows] for c in names})


def from_rows(nodes: Sequence[dict[str, Any]], edges: Sequence[dict[str, Any]]) -> ig.Graph:
    """The directed multigraph of node and edge rows (as ``to_rows`` makes them)."""
    return _graph(_table(nodes, ("id",)) if nodes else None,
                  _table(edges, ("source", "target")), Path("(rows)"))


def graph_of(net: Network) -> ig.Graph:
    """The directed multigraph of a built network, with its provenance."""
    return from_rows(*to_rows(net))


def read(edges_path: Path, nodes_path: Path | None = None) -> ig.Graph:
    """The directed multigraph of an edge file (``source``, ``target``; optional ``kind``,
    ``weight``, ``count``, ``amount``, ``first``, ``last`` and provenance columns) and an
    optional node file (``id`` or ``name``; optional ``kind``, ``label``, ``roles``,
    ``countries``…). Nodes named only in the edge file are added, of kind ``person``."""
    edges = _read(edges_path, "edge")
    nodes = _read(nodes_path, "node") if nodes_path else None
    return _graph(nodes, edges, edges_path, nodes_path)


def _graph(nodes: pa.Table | None, edges: pa.Table, path: Path,
           nodes_path: Path | None = None) -> ig.Graph:
    for column in ("source", "target"):
        if column not in edges.column_names:
            raise TableError(f"{path} has no {column!r} column (it has "
                             f"{', '.join(edges.column_names) or 'none'})")
        missing = edges.column(column).null_count
        if missing:
            row = edges.column(column).to_pylist().index(None)
            raise TableError(f"{path}, row {row + 2}: {column} is empty")
    listed = pa.array([], pa.string())
    if nodes is not None:
        key = "id" if "id" in nodes.column_names else "name"
        if key not in nodes.column_names:
            raise TableError(f"{nodes_path or '(node rows)'}: no 'id' (or 'name') column among "
                             f"{', '.join(nodes.column_names)}")
        listed = pa.array(_strings(nodes, key), pa.string())
        if not all(listed.to_pylist()):
            row = listed.to_pylist().index("")
            raise TableError(f"{nodes_path or '(node rows)'}, row {row + 2}: {key} is empty")
    # hashing (pyarrow's dictionary encoding), not sorting: a million ids in a second
    ends = pa.chunked_array([listed, *edges.column("source").cast(pa.string()).chunks,
                             *edges.column("target").cast(pa.string()).chunks], pa.string())
    encoded = pc.dictionary_encode(ends.combine_chunks())
    index = encoded.indices.to_numpy()[len(listed):]
    empty = pc.equal(ends.combine_chunks()[len(listed):], "").to_numpy(zero_copy_only=False)
    if empty.any():
        row = int(np.argmax(empty)) % edges.num_rows
        raise TableError(f"{path}, row {row + 2}: an edge's source or target is empty")
    m = edges.num_rows
    graph = ig.Graph(n=len(encoded.dictionary), edges=np.column_stack([index[:m], index[m:]]),
                     directed=True)
    graph.vs["name"] = names = encoded.dictionary.to_pylist()
    attrs = {c: [""] * len(names) for c in NODE_COLUMNS if c != "id"}
    attrs["kind"] = ["person"] * len(names)
    attrs["label"] = list(names)
    if nodes is not None:
        where = encoded.indices.to_numpy()[:len(listed)].tolist()
        for column in attrs:
            if column in nodes.column_names:
                for i, value in zip(where, _strings(nodes, column), strict=True):
                    if value:
                        attrs[column][i] = value
    for column, values in attrs.items():
        graph.vs[column] = values
    kinds = _strings(edges, "kind", "tie")
    graph.es["kind"] = kinds
    counts = _numbers(edges, "count", path, 1.0)
    if "weight" in edges.column_names:
        graph.es["weight"] = _numbers(edges, "weight", path, 1.0).tolist()
    else:
        graph.es["weight"] = [_weight(k, int(c)) for k, c in zip(kinds, counts, strict=True)]
    graph.es["count"] = counts.astype(int).tolist()
    graph.es["amount"] = _numbers(edges, "amount", path, 0.0).tolist()
    for column in ("first", "last"):
        graph.es[column] = _dates(edges, column, path)
    for column in ("records", "agencies", "cases", "countries", "currencies"):
        graph.es[column] = _strings(edges, column)
    return graph


def simple(graph: ig.Graph, *, fold: bool = True) -> ig.Graph:
    """The undirected simple graph the analytics read, ties between two nodes adding their
    weights, counts and amounts.

    Each node lists the ``members`` of the original graph it stands for (itself, and the
    identifiers folded into it). With ``fold`` it is the graph of people and organisations:
    an identifier held by one actor only is folded into that actor (its payments become the
    actor's), while one that several hold stays a node between them (two people on one phone
    meet there)."""
    folded = graph.copy()
    folded.vs["members"] = [[name] for name in graph.vs["name"]]
    if fold:
        holders: dict[int, set[int]] = {}
        kinds = graph.vs["kind"]
        for edge in graph.es.select(kind_in=set(HOLDS.values())):
            a, b = edge.tuple
            if kinds[a] in ACTORS and kinds[b] not in ACTORS:
                holders.setdefault(b, set()).add(a)
        mapping = list(range(graph.vcount()))
        for identifier, held in holders.items():
            if len(held) == 1:
                mapping[identifier] = next(iter(held))
        kept = sorted(set(mapping))
        dense = {v: i for i, v in enumerate(kept)}
        folded.contract_vertices([dense[v] for v in mapping], combine_attrs="first")
        for column in graph.vs.attributes():  # the representative's, not the first merged
            values = graph.vs[column]
            folded.vs[column] = [values[v] for v in kept]
        members: dict[int, list[str]] = {v: [] for v in kept}
        for v, into in enumerate(mapping):
            members[into].append(graph.vs[v]["name"])
        folded.vs["members"] = [members[v] for v in kept]
    # which way the money went, as the undirected tie will read it (lower end first)
    ends = np.asarray(folded.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    amount = np.asarray(folded.es["amount"], dtype=float)
    up = ends[:, 0] < ends[:, 1]
    folded.es["amount_up"] = np.where(up, amount, 0.0).tolist()
    folded.es["amount_down"] = np.where(up, 0.0, amount).tolist()
    folded.to_undirected(mode="collapse", combine_edges={
        "weight": "sum", "count": "sum", "amount": "sum", "amount_up": "sum",
        "amount_down": "sum"})
    folded.delete_edges(np.flatnonzero(folded.is_loop()).tolist())
    return folded
