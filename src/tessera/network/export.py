"""The network in the files other tools open: GraphML, GEXF, FollowTheMoney and an i2 table.

Analysts look at a network in the tools they already use: Gephi (GEXF, with its timeline),
yEd, Cytoscape or networkx (GraphML), Aleph (FollowTheMoney entities) and i2 Analyst's
Notebook (a link table its import reads). Every writer takes the directed multigraph of
``tessera.network.tables`` (vertices ``name``, ``kind``, ``label``…, edges ``kind``,
``weight``, ``count``, ``amount``, ``first``, ``last`` and provenance) and writes its file whole
beside the target (``<name>.partial``) before moving it into place, so a reader never sees half
a file and a write that fails leaves nothing behind. Each says what it wrote and what it left
out (``Written``): a format that cannot say something does not say it silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import igraph as ig
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id

from tessera.network.graph import ACTORS


@dataclass
class Written:
    """What a writer put in its file (nodes, edges, rows; FtM: entities per schema and the
    properties identifiers became) and what it left out, per reason."""

    counts: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """The partial file to write; moved to ``path`` if the write succeeds, removed if not."""
    partial = path.with_name(path.name + ".partial")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


# Characters XML 1.0 cannot carry at all, even escaped: a label with one would make the whole
# file unreadable, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    """A value as text: ``None`` is empty, a set is joined with ";" as the tables join it."""
    if value is None:
        return ""
    if isinstance(value, set | frozenset | list | tuple):
        return ";".join(sorted(str(v) for v in value))
    return _NOT_XML.sub("", str(value))


def _column(seq: Any, name: str, default: Any = "") -> list[Any]:
    """An attribute of every vertex or edge; ``default`` where the graph does not have it
    (graphs read from plain files, or built elsewhere, may lack some)."""
    if name in seq.attributes():
        return list(seq[name])
    return [default] * len(seq)


def _number(value: Any) -> float:
    """A numeric attribute as a float, 0 where it is missing or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number


def _iso(value: Any) -> str | None:
    """An ISO date (``YYYY-MM-DD``) as given, ``None`` if the value is not one."""
    text = _text(value)
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def _span(first: Any, last: Any) -> tuple[str | None, str | None]:
    """The dates of a time span, dropping an end before its start (viewers refuse those)."""
    start, end = _iso(first), _iso(last)
    if start and end and end < start:
        end = None
    return start, end


# --- GraphML ---------------------------------------------------------------------------------


def _plain(values: Sequence[Any]) -> list[Any]:
    """An attribute column GraphML can carry. igraph writes ``None`` in a text column as the
    word "None" and types a column of ``None`` as boolean, so: numbers stay numbers (a missing
    one becomes NaN, which igraph leaves out of the file, i.e. missing), complete true/false
    columns stay boolean, anything else becomes text with ``None`` empty."""
    present = [v for v in values if v is not None]
    if present and len(present) == len(values) and all(isinstance(v, bool) for v in present):
        return list(values)
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return [math.nan if v is None else float(v) for v in values]
    return [_text(v) for v in values]


def graphml(graph: ig.Graph, path: Path) -> Written:
    """GraphML (yEd, Cytoscape, Gephi, networkx) with every vertex and edge attribute."""
    clean = graph.copy()
    for seq in (clean.vs, clean.es):
        for name in seq.attributes():
            seq[name] = _plain(seq[name])
    with _atomic(path) as partial:
        clean.write_graphml(str(partial))
    return Written(Counter(nodes=graph.vcount(), edges=graph.ecount()))


# --- GEXF ------------------------------------------------------------------------------------
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
    with _atomic(path) as partial:
        ET.ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
    return Written(Counter(nodes=graph.vcount(), edges=graph.ecount()))


# --- FollowTheMoney --------------------------------------------------------------------------

# The schema of each node kind written as an entity of its own. Phones and e-mail addresses
# are no FtM entities but properties of who uses them; documents are Passport or
# Identification, which FtM requires a holder for; a handle is a UserAccount, which says
# nothing without its owner (FtM has no property for a handle on a person).
ENTITY_SCHEMA = {"person": "Person", "organization": "Organization", "account": "BankAccount",
                 "vehicle": "Vehicle", "address": "Address"}
PROPERTY_OF = {"phone": "phone", "email": "email"}
HELD = (*PROPERTY_OF, "document", "handle")  # written through their holder
# Edges saying who holds or uses an identifier: what makes it an actor's.
HOLDING = ("holds", "uses")
# Ties FtM has an interval schema for: (schema, subject property, what the subject must be,
# object property, what the object must be). A tie whose ends are not what the schema needs
# (a person "owning" a person, a person "employing" one) is an UnknownLink, as is every kind
# not listed here, with the kind as its role.
TYPED_LINKS = {
    "owns": ("Ownership", "owner", "LegalEntity", "asset", "Asset"),
    "holds": ("Ownership", "owner", "LegalEntity", "asset", "Asset"),
    "directs": ("Directorship", "director", "LegalEntity", "organization", "Organization"),
    "family": ("Family", "person", "Person", "relative", "Person"),
    "employed": ("Employment", "employer", "Organization", "employee", "Person"),
}


def _entity_id(*parts: str) -> str:
    """A stable entity id: the same node or tie has the same id in every export, so Aleph
    updates an entity loaded before instead of adding a second."""
    return str(make_entity_id("tessera", *parts))


def _split(value: Any) -> list[str]:
    return [part for part in _text(value).split(";") if part]


def _provenance(attrs: dict[str, Any], said: str = "") -> str:
    """Where a node or tie comes from, as the text of an FtM ``summary``."""
    parts = [said] if said else []
    for title, name in (("Agencies", "agencies"), ("Cases", "cases"), ("Records", "records")):
        if values := _split(attrs.get(name)):
            parts.append(f"{title}: {', '.join(values)}.")
    return " ".join(parts)


def _said(kind: str, count: int) -> str:
    if not count:
        return ""
    if kind == "paid":
        return f"{count} payment{'s' if count != 1 else ''}."
    return f"Stated in {count} record{'s' if count != 1 else ''}."


class _Ftm:
    """The FtM entities of one graph: its nodes first, then the identifiers their holders'
    properties, then its ties (which need every end's entity)."""

    def __init__(self, graph: ig.Graph) -> None:
        self.graph = graph
        self.written = Written()
        self.names = [_text(n) or str(i) for i, n in enumerate(_column(graph.vs, "name", None))]
        self.kinds = [_text(k) for k in _column(graph.vs, "kind", "person")]
        self.labels = [_text(v) or self.names[i]
                       for i, v in enumerate(_column(graph.vs, "label", None))]
        self.entities: dict[int, EntityProxy] = {}  # vertex -> its entity
        self.links: list[EntityProxy] = []
        self.link_ids: Counter[str] = Counter()
        self.holders: dict[int, set[int]] = {}  # identifier vertex -> actors holding it
        self.owned: set[int] = set()
        for edge in graph.es:
            kind, (source, target) = _text(edge.attributes().get("kind")), edge.tuple
            if kind in HOLDING and self.actor_holds(source, target):
                self.holders.setdefault(target, set()).add(source)
            if kind == "owns":
                self.owned.add(target)

    def make(self, schema: str, entity_id: str) -> EntityProxy:
        entity = model.make_entity(schema)
        entity.id = entity_id
        return entity

    def actor_holds(self, source: int, target: int) -> bool:
        return self.kinds[source] in ACTORS and self.kinds[target] not in ACTORS

    def holder(self, vertex: int) -> int | None:
        held = self.holders.get(vertex, set())
        return next(iter(held)) if len(held) == 1 else None

    # nodes

    def node(self, vertex: int) -> None:
        kind, attrs = self.kinds[vertex], self.graph.vs[vertex].attributes()
        if kind in PROPERTY_OF:
            return  # its holder's property, once every actor has its entity
        if kind == "document":
            entity = self.document(vertex, attrs)
        elif kind == "handle":
            entity = self.handle(vertex)
        elif kind in ENTITY_SCHEMA:
            entity = self.thing(vertex, kind, attrs)
        else:
            self.written.skipped[f"node of kind {kind!r} (no FtM schema)"] += 1
            return
        if entity is not None:
            entity.add("summary", _provenance(attrs))
            self.entities[vertex] = entity

    def thing(self, vertex: int, kind: str, attrs: dict[str, Any]) -> EntityProxy:
        schema = ENTITY_SCHEMA[kind]
        if kind == "organization" and vertex in self.owned:
            schema = "Company"  # the Organization that is an Asset: what can be owned
        entity = self.make(schema, _entity_id(self.names[vertex]))
        label = self.labels[vertex]
        if kind == "account":
            entity.add("iban", label)  # FtM checks an IBAN, and drops what is not one
            if not entity.get("iban"):
                entity.add("accountNumber", label)
        elif kind == "vehicle":
            entity.add("registrationNumber", label)
        elif kind == "address":
            entity.add("full", label)
        else:
            entity.add("name", label)
            entity.add("keywords", [*_split(attrs.get("roles")), *_split(attrs.get("outcomes"))])
        entity.add("country", _split(attrs.get("countries")))
        return entity

    def document(self, vertex: int, attrs: dict[str, Any]) -> EntityProxy | None:
        """A passport or other identity document (labels read "<kind> <number>")."""
        holders = sorted(self.holders.get(vertex, set()))
        if not holders:
            self.written.skipped["document with no holder (FtM requires one)"] += 1
            return None
        kind, _, number = self.labels[vertex].partition(" ")
        schema = "Passport" if kind == "passport" else "Identification"
        entity = self.make(schema, _entity_id(self.names[vertex]))
        entity.add("number", number or kind)
        entity.add("type", kind if number else None)
        entity.add("country", _split(attrs.get("countries")))
        entity.add("holder", [_entity_id(self.names[h]) for h in holders])
        return entity

    def handle(self, vertex: int) -> EntityProxy | None:
        """A social-media handle (labels read "<platform> <handle>"), its owner's account."""
        owner = self.holder(vertex)
        if owner is None:
            self.written.skipped["handle without exactly one holder"] += 1
            return None
        service, _, username = self.labels[vertex].partition(" ")
        entity = self.make("UserAccount", _entity_id(self.names[vertex]))
        entity.add("username", username or service)
        entity.add("service", service if username else None)
        entity.add("owner", _entity_id(self.names[owner]))
        return entity

    def identifier(self, vertex: int) -> None:
        """A phone or e-mail address as the property of the one actor who uses it. FtM has
        no entity for one to stand between several users, so one that several use is left
        out and counted (with the ties saying who uses it) rather than copied onto each."""
        kind, owner = self.kinds[vertex], self.holder(vertex)
        entity = self.entities.get(owner) if owner is not None else None
        if entity is None:
            self.written.skipped[f"{kind} without exactly one holder"] += 1
            return
        prop = PROPERTY_OF[kind]
        before = len(entity.get(prop))
        entity.add(prop, self.labels[vertex])  # FtM cleans it, and drops what is not one
        if len(entity.get(prop)) > before:
            self.written.counts[f"{prop} property"] += 1
        else:
            self.written.skipped[f"{kind} FtM does not accept"] += 1

    # ties

    def end(self, vertex: int, schema: str) -> str | None:
        """The entity a tie's end stands for, if it is a ``schema``: the vertex's own or,
        for an identifier that is not one (a phone, a passport, an account), its holder's."""
        for candidate in (vertex, self.holder(vertex)):
            entity = self.entities.get(candidate) if candidate is not None else None
            if entity is not None and entity.schema.is_a(schema):
                return str(entity.id)
        return None

    def tie(self, edge: Any) -> None:
        attrs = edge.attributes()
        kind, (source, target) = _text(attrs.get("kind")) or "tie", edge.tuple
        if kind in HOLDING and self.kinds[target] in HELD and self.actor_holds(source, target):
            return  # said by the identifier's own property or entity
        if kind == "lives_at" and self.lives_at(source, target):
            return
        key = (kind, self.names[source], self.names[target])
        self.link_ids[repr(key)] += 1  # a multigraph may repeat a tie: each is an entity
        link_id = _entity_id(*key, str(self.link_ids[repr(key)] - 1))
        link = self.payment(source, target, attrs, link_id) if kind == "paid" else self.link(
            kind, source, target, link_id)
        if link is None:
            return
        start, end = _span(attrs.get("first"), attrs.get("last"))
        link.add("startDate", start)
        link.add("endDate", end)
        link.add("summary", _provenance(attrs, _said(kind, int(_number(attrs.get("count"))))))
        self.links.append(link)

    def lives_at(self, source: int, target: int) -> bool:
        """An address as the property of who lives there; whether it could be one."""
        entity = self.entities.get(source)
        address = self.end(target, "Address")
        if entity is None or address is None or not entity.schema.is_a("LegalEntity"):
            return False
        entity.add("addressEntity", address)
        self.written.counts["addressEntity property"] += 1
        return True

    def link(self, kind: str, source: int, target: int, link_id: str) -> EntityProxy | None:
        if kind in TYPED_LINKS:
            schema, subject_prop, subject_is, object_prop, object_is = TYPED_LINKS[kind]
            subject, object_ = self.end(source, subject_is), self.end(target, object_is)
            if subject and object_ and subject != object_:
                link = self.make(schema, link_id)
                link.add(subject_prop, subject)
                link.add(object_prop, object_)
                return link
        subject, object_ = self.end(source, "Thing"), self.end(target, "Thing")
        if subject is None or object_ is None:
            self.written.skipped["tie to a node not written as an entity"] += 1
            return None
        if subject == object_:
            self.written.skipped["tie between one holder's identifiers"] += 1
            return None
        link = self.make("UnknownLink", link_id)
        link.add("subject", subject)
        link.add("object", object_)
        link.add("role", kind)
        return link

    def payment(self, source: int, target: int, attrs: dict[str, Any], link_id: str
                ) -> EntityProxy | None:
        """Payments between two accounts, as paid by and to the accounts' holders: FtM
        requires both, so a payment whose payer or beneficiary is not known is left out."""
        payer, beneficiary = self.end(source, "LegalEntity"), self.end(target, "LegalEntity")
        if payer is None or beneficiary is None:
            self.written.skipped["payment with no known payer or beneficiary"] += 1
            return None
        link = self.make("Payment", link_id)
        link.add("payer", payer)
        link.add("beneficiary", beneficiary)
        link.add("payerAccount", self.end(source, "BankAccount"))
        link.add("beneficiaryAccount", self.end(target, "BankAccount"))
        amount = _number(attrs.get("amount"))
        if amount > 0:  # the nominal total: the graph adds currencies as they are
            link.add("amount", f"{amount:.2f}")
        return link

    def all(self) -> Iterator[EntityProxy]:
        yield from (self.entities[v] for v in sorted(self.entities))
        yield from self.links


def _lacks(entity: EntityProxy) -> str | None:
    """The first property FtM requires of the entity that it lacks, ``None`` if none."""
    return next((p for p in sorted(entity.schema.required) if not entity.get(p)), None)


def ftm(graph: ig.Graph, path: Path) -> Written:
    """FollowTheMoney entities, one JSON object a line, as Aleph and ``ftm`` read them.

    People, organisations, accounts, vehicles and addresses are entities; a phone or e-mail
    address is a property of the one actor who uses it, a handle that actor's UserAccount,
    a document its holder's Passport or Identification, an address lived at the resident's
    ``addressEntity``. Ties are FtM's own intervals (Payment between the accounts' holders,
    Ownership, Directorship, Family, Employment) where the ends fit, UnknownLink with the kind
    as its role otherwise; the agencies, cases and records are each entity's summary. What
    cannot be said in FtM is counted in ``skipped``."""
    build = _Ftm(graph)
    for vertex in range(graph.vcount()):
        build.node(vertex)
    for vertex in range(graph.vcount()):
        if build.kinds[vertex] in PROPERTY_OF:
            build.identifier(vertex)
    for edge in graph.es:
        build.tie(edge)
    written = build.written
    with _atomic(path) as partial, partial.open("w", encoding="utf-8") as out:
        for entity in build.all():
            lacks = _lacks(entity)
            if lacks is not None:
                written.skipped[f"{entity.schema.name} without {lacks}"] += 1
                continue
            out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            written.counts[entity.schema.name] += 1
    return written


# --- i2 Analyst's Notebook -------------------------------------------------------------------

I2_COLUMNS = ("Entity1 Id", "Entity1 Type", "Entity1 Label", "Link Type", "Entity2 Id",
              "Entity2 Type", "Entity2 Label", "Link Direction", "Date First", "Date Last",
              "Count", "Amount", "Agencies", "Cases", "Records")
# Readable entity types for the import specification to map to ANB's icons; a kind not
# listed (plain files may have any) passes through as it is.
I2_TYPES = {"person": "Person", "organization": "Organisation", "account": "Account",
            "phone": "Telephone", "email": "Email Address", "address": "Address",
            "vehicle": "Vehicle", "document": "Document", "handle": "Online Account"}


def _i2_rows(graph: ig.Graph) -> Iterator[list[str]]:
    names = [_text(n) or str(i) for i, n in enumerate(_column(graph.vs, "name", None))]
    kinds = [_text(k) for k in _column(graph.vs, "kind", "person")]
    labels = [_text(v) or names[i] for i, v in enumerate(_column(graph.vs, "label", None))]
    es = graph.es
    columns = {c: _column(es, c) for c in ("kind", "first", "last", "count", "amount",
                                           "agencies", "cases", "records")}
    for edge in es:
        i, ends = edge.index, edge.tuple
        one, two = ([names[v], I2_TYPES.get(kinds[v], kinds[v]), labels[v]] for v in ends)
        first, last = _span(columns["first"][i], columns["last"][i])
        amount = _number(columns["amount"][i])
        yield [*one, _text(columns["kind"][i]) or "tie", *two, "->", first or "", last or "",
               str(int(_number(columns["count"][i]))), f"{amount:.2f}" if amount else "",
               _text(columns["agencies"][i]), _text(columns["cases"][i]),
               _text(columns["records"][i])]


def i2(graph: ig.Graph, path: Path) -> Written:
    """An i2 Analyst's Notebook link table: one row a tie, both ends' id, type and label, the
    tie's kind, direction, dates, count, amount and provenance. UTF-8 with a byte-order mark,
    which ANB's import needs to read names in other scripts as they are."""
    rows = 0
    with _atomic(path) as partial, partial.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(I2_COLUMNS)
        for row in _i2_rows(graph):
            writer.writerow(row)
            rows += 1
    return Written(Counter(links=rows))


# --- all formats -----------------------------------------------------------------------------

FORMATS: dict[str, Callable[[ig.Graph, Path], Written]] = {
    "graphml": graphml, "gexf": gexf, "ftm": ftm, "i2": i2,
}


def write(graph: ig.Graph, fmt: str, path: Path) -> Written:
    """Write the graph in the format named (a key of ``FORMATS``)."""
    writer = FORMATS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}: the formats are "
                         f"{', '.join(sorted(FORMATS))}")
    return writer(graph, path)
