"""GEXF 1.3 for Gephi, each node's and tie's dates its time span on the timeline."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import igraph as ig

from tessera.files import atomic
from tessera.network.export.common import Written, _column, _number, _span, _text

# igraph writes GraphML, GML, Pajek, DOT… but no GEXF, so it is written here with
# ElementTree, as GEXF 1.3 (Gephi 0.9.3 and later; https://gexf.net).

GEXF_NS = "http://gexf.net/1.3"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Attributes the GEXF elements carry themselves rather than as attribute values.
_NODE_OWN = ("name", "label")
_EDGE_OWN = ("kind", "weight")


Columns = list[tuple[str, list[Any]]]  # attribute name, its values


def _gexf_type(values: Sequence[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def _gexf_value(value: Any) -> str | None:
    """An attribute value as GEXF writes it, ``None`` for a missing one (left out)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = _text(value)
    return text or None


def _declare(graph_el: ET.Element, seq: Any, what: str, own: Sequence[str]) -> Columns:
    """Declare the attributes of nodes or edges; their columns, in declaration order."""
    columns = [(name, list(seq[name])) for name in seq.attributes() if name not in own]
    declared = ET.SubElement(graph_el, "attributes", {"class": what})
    for name, values in columns:
        ET.SubElement(declared, "attribute", {"id": name, "title": name,
                                              "type": _gexf_type(values)})
    return columns


def _attvalues(element: ET.Element, columns: Columns, index: int) -> None:
    values = ET.SubElement(element, "attvalues")
    for name, column in columns:
        value = _gexf_value(column[index])
        if value is not None:
            ET.SubElement(values, "attvalue", {"for": name, "value": value})


def _dated(element: ET.Element, first: Any, last: Any) -> bool:
    """Give an element the span it was seen in (Gephi's timeline); whether it has one."""
    start, end = _span(first, last)
    if start:
        element.set("start", start)
    if end:
        element.set("end", end)
    return bool(start or end)


def _gexf_nodes(graph_el: ET.Element, graph: ig.Graph, names: list[str], columns: Columns
                ) -> bool:
    """The nodes, their label and attribute values; whether any has a time span."""
    labels = _column(graph.vs, "label", None)
    firsts, lasts = _column(graph.vs, "first"), _column(graph.vs, "last")
    dated = False
    nodes = ET.SubElement(graph_el, "nodes")
    for i, name in enumerate(names):
        node = ET.SubElement(nodes, "node", {"id": name, "label": _text(labels[i]) or name})
        dated |= _dated(node, firsts[i], lasts[i])
        _attvalues(node, columns, i)
    return dated


def _gexf_edges(graph_el: ET.Element, graph: ig.Graph, names: list[str], columns: Columns
                ) -> bool:
    """The edges, their kind (GEXF 1.3's mark of parallel edges, also shown as the label),
    weight and attribute values; whether any has a time span."""
    kinds, weights = _column(graph.es, "kind", None), _column(graph.es, "weight", None)
    firsts, lasts = _column(graph.es, "first"), _column(graph.es, "last")
    dated = False
    edges = ET.SubElement(graph_el, "edges")
    for edge in graph.es:
        i, (source, target) = edge.index, edge.tuple
        attrs = {"id": str(i), "source": names[source], "target": names[target]}
        if kind := _text(kinds[i]):
            attrs |= {"kind": kind, "label": kind}
        if (weight := _gexf_value(weights[i])) is not None:
            attrs["weight"] = repr(_number(weight))
        element = ET.SubElement(edges, "edge", attrs)
        dated |= _dated(element, firsts[i], lasts[i])
        _attvalues(element, columns, i)
    return dated


def gexf(graph: ig.Graph, path: Path) -> Written:
    """GEXF 1.3 for Gephi: nodes with their label and attributes, directed edges with their
    kind, weight and attributes, and each one's first and last date as its time span (the
    graph is then "dynamic", which is what turns Gephi's timeline on)."""
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "xmlns:xsi": _XSI, "version": "1.3",
                               "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": dt.date.today().isoformat()})
    ET.SubElement(meta, "creator").text = "Tessera"
    graph_el = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static",
                                             "timeformat": "date"})
    names = [_text(n) or str(i) for i, n in enumerate(_column(graph.vs, "name", None))]
    # every <attributes> declaration comes before the nodes
    node_columns = _declare(graph_el, graph.vs, "node", _NODE_OWN)
    edge_columns = _declare(graph_el, graph.es, "edge", _EDGE_OWN)
    dated_nodes = _gexf_nodes(graph_el, graph, names, node_columns)
    if _gexf_edges(graph_el, graph, names, edge_columns) or dated_nodes:
        graph_el.set("mode", "dynamic")
    ET.indent(root)
    with atomic(path) as partial:
        ET.ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
    return Written(Counter(nodes=graph.vcount(), edges=graph.ecount()))
