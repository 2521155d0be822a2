"""FollowTheMoney entities, one JSON object a line, as Aleph and ``ftm`` read them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import igraph as ig
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import make_entity_id

from tessera.files import atomic
from tessera.network.export.common import Written, _column, _number, _span, _text
from tessera.network.graph import ACTORS
from tessera.network.tables import parts

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
    return parts(_text(value))


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
    with atomic(path) as partial, partial.open("w", encoding="utf-8") as out:
        for entity in build.all():
            lacks = _lacks(entity)
            if lacks is not None:
                written.skipped[f"{entity.schema.name} without {lacks}"] += 1
                continue
            out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            written.counts[entity.schema.name] += 1
    return written
