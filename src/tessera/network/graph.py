"""The network: nodes and edges with their provenance, built from standard records.

Nodes are resolved people (one node per entity), organisations, and the identifiers that
join them — accounts, phones, e-mail addresses, addresses, vehicles, identity documents and
social-media handles — so two people who use one phone meet at the phone's node. Edges are the
ties the records state: the standard's relations (recruited, controlled, owns, directs, paid,
called, family, associate…), who recruited, transported and exploited whom, who holds which
identifier, payments aggregated per pair of accounts (count and totals per currency), people
named in one case, and people who made one crossing together.

Every node and edge keeps where it comes from: the records ("AGENCY/ref"), their agencies and
cases ("AGENCY/case-ref"), the countries involved and the time span. The network holds only
what it was built from; built for a viewer, from the records that viewer may see
(``tessera.network.source``), it shows nothing of the rest.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tessera.standard.records import (
    Account,
    Case,
    EmailAddress,
    Exploitation,
    IdentityDocument,
    Location,
    Movement,
    Organization,
    Outcome,
    Person,
    PhoneNumber,
    Record,
    Recruitment,
    Relation,
    SocialHandle,
    Transaction,
    Vehicle,
)
from tessera.standard.values import PartialDate

# Node kinds. People and organisations act; the rest (``KIND_OF``) are identifiers that join
# them.
ACTORS = ("person", "organization")
# A record of another agency known only by a hit/no-hit match: its agency and reference.
HIT = "hit"
# What the holder of each identifier record does with it: the edge's kind.
HOLDS = {"account": "holds", "phone": "uses", "email": "uses", "address": "lives_at",
         "vehicle": "owns", "document": "holds", "handle": "uses"}
# Edge kinds beyond the standard's relations.
SAME_CASE = "same_case"
TRAVELLED_TOGETHER = "travelled_together"
# A case naming more people than this is a sweep, not a group: its co-occurrence ties would be
# a clique of unrelated people, so they are not drawn (the build says how many were left out).
CASE_CLIQUE_LIMIT = 25


@dataclass
class Provenance:
    """Who said it, in which cases, about which countries, when."""

    records: set[str] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    first: dt.date | None = None
    last: dt.date | None = None

    def add(self, key: str, case: str | None, countries: Iterable[str | None] = (),
            dates: Iterable[dt.date | None] = ()) -> None:
        self.records.add(key)
        self.agencies.add(key.partition("/")[0])
        if case:
            self.cases.add(case)
        self.countries.update(c for c in countries if c)
        for day in dates:
            if day is not None:
                self.first = day if self.first is None else min(self.first, day)
                self.last = day if self.last is None else max(self.last, day)

    def merge(self, other: Provenance) -> None:
        self.records |= other.records
        self.agencies |= other.agencies
        self.cases |= other.cases
        self.countries |= other.countries
        self.add_span(other.first, other.last)

    def add_span(self, first: dt.date | None, last: dt.date | None) -> None:
        for day in (first, last):
            if day is not None:
                self.first = day if self.first is None else min(self.first, day)
                self.last = day if self.last is None else max(self.last, day)


@dataclass
class Node:
    id: str
    kind: str
    label: str
    provenance: Provenance = field(default_factory=Provenance)
    roles: set[str] = field(default_factory=set)  # as the records state them
    outcomes: set[str] = field(default_factory=set)  # arrest, charge, conviction…


@dataclass
class Edge:
    """A tie from ``source`` to ``target`` (in the direction the records state it)."""

    source: str
    target: str
    kind: str
    count: int = 0  # how many records state it (payments: how many payments)
    amounts: dict[str, Decimal] = field(default_factory=dict)  # paid: total per currency
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def amount(self) -> float:
        """The payments' nominal total, currencies added as they are (none are converted)."""
        return float(sum(self.amounts.values(), Decimal(0)))


@dataclass
class Network:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], Edge] = field(default_factory=dict)
    # what the build could not draw: refs to records it was not given, oversized cases
    dangling: int = 0
    big_cases: int = 0
    located: dict[str, str] = field(default_factory=dict)  # record key -> its node

    def node(self, node_id: str, kind: str, label: str) -> Node:
        found = self.nodes.get(node_id)
        if found is None:
            found = self.nodes[node_id] = Node(node_id, kind, label)
        return found

    def edge(self, source: str, target: str, kind: str) -> Edge:
        key = (source, target, kind)
        found = self.edges.get(key)
        if found is None:
            found = self.edges[key] = Edge(source, target, kind)
        return found

    def tie(self, source: str, target: str, kind: str, key: str, case: str | None,
            countries: Iterable[str | None] = (), dates: Iterable[dt.date | None] = ()) -> Edge:
        """Add one record's statement of a tie."""
        edge = self.edge(source, target, kind)
        edge.count += 1
        edge.provenance.add(key, case, countries, dates)
        return edge

    def hit(self, key: str, other: str, band: str, day: dt.date) -> bool:
        """Add a hit/no-hit match (of strength ``band``) between the record ``key`` and another
        agency's record ``other`` ("AGENCY/ref"): a tie ``hit:BAND`` from the record's node to
        the other record's node when the network holds it, else to a pseudonymous node that
        names only its agency and reference (what the hit told, to cite in a follow-up
        request). Whether the record ``key`` is in the network."""
        mine = self.located.get(key)
        if mine is None:
            return False
        theirs = self.located.get(other)
        if theirs is None:
            theirs = f"{HIT}:{other}"
            agency, _, ref = other.partition("/")
            self.node(theirs, HIT, f"{agency} record {ref}")
        if theirs != mine:
            self.tie(mine, theirs, f"{HIT}:{band}", key, None, (), [day])
            self.nodes[theirs].provenance.add_span(day, day)
        return True

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for node in self.nodes.values():
            counts[node.kind] += 1
        return dict(sorted(counts.items()))


def _day(value: PartialDate | dt.date | dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, PartialDate):
        return value.earliest()
    return value.date() if isinstance(value, dt.datetime) else value


def _code(value: object) -> str | None:
    code = getattr(value, "code", None)
    return code if isinstance(code, str) else None


def identifier(record: Record) -> tuple[str, str, str | None] | None:
    """(node id, label, country) of an identifier record; ``None`` if it is none. Ids come
    from the cleaned value, so every agency's record of one phone is one node."""
    if isinstance(record, PhoneNumber):
        return f"phone:{record.number.e164}", record.number.e164, record.number.country
    if isinstance(record, EmailAddress):
        return f"email:{record.address.address}", record.address.address, None
    if isinstance(record, IdentityDocument):
        country = _code(record.issuing_country)
        number = record.number.number
        return f"document:{country or '?'}:{number}", f"{record.kind} {number}", country
    if isinstance(record, Account):
        country = _code(record.country)
        if record.iban:
            return f"account:{record.iban.iban}", record.iban.iban, record.iban.country
        account = record.account_number or record.wallet_address
        if account:
            return f"account:{country or '?'}:{account}", account, country
        return None
    if isinstance(record, Vehicle):
        country = _code(record.country)
        return f"vehicle:{country or '?'}:{record.plate}", record.plate, country
    if isinstance(record, SocialHandle):
        label = f"{record.platform} {record.handle}"
        return f"handle:{record.platform}:{record.handle}", label, None
    if isinstance(record, Location):
        country = _code(record.country)
        parts = [p.strip().casefold() for p in (record.street, record.postal_code, record.city)
                 if p and p.strip()]
        if not record.street:
            return None  # a city is a place, not an address two people can share
        label = ", ".join(p for p in (record.street, record.city, country) if p)
        return f"address:{country}:{'|'.join(parts)}", label, country
    return None


KIND_OF = {PhoneNumber: "phone", EmailAddress: "email", IdentityDocument: "document",
           Account: "account", Vehicle: "vehicle", SocialHandle: "handle", Location: "address"}


def build(records: Iterable[tuple[str, Record]], people: Mapping[str, str] | None = None
          ) -> Network:
    """The network of ``(agency, record)`` pairs.

    ``people`` maps person record keys ("AGENCY/ref") to their resolved entity's id: the
    records of one entity become one node. A person record it does not map is a node of its
    own (``person:AGENCY/ref``)."""
    people = people or {}
    net = Network()
    listed = list(records)
    node_of = net.located
    case_country: dict[str, str] = {}
    for agency, record in listed:
        key = f"{agency}/{record.ref}"
        case = f"{agency}/{record.case_ref}" if record.case_ref else None
        if isinstance(record, Case):
            case_country[key] = record.country.code
        elif isinstance(record, Person):
            node_id = people.get(key) or f"person:{key}"
            name = record.name.latin if record.name else record.ref
            node = net.node(node_id, "person", name)
            countries = [c.code for c in record.nationalities]
            countries.append(_code(record.residence_country) or "")
            node.provenance.add(key, case, countries)
            node.roles.update(str(r) for r in record.roles)
            node_of[key] = node_id
        elif isinstance(record, Organization):
            country = _code(record.country)
            node_id = (f"organization:{country or '?'}:{record.registration_number}"
                       if record.registration_number else f"organization:{key}")
            net.node(node_id, "organization", record.name).provenance.add(key, case, [country])
            node_of[key] = node_id
        elif (found := identifier(record)) is not None:
            node_id, label, country = found
            kind = KIND_OF[type(record)]
            net.node(node_id, kind, label).provenance.add(key, case, [country])
            node_of[key] = node_id
    # case -> actor node it names -> the records naming it there
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # (from, to, day, crossing point) -> traveller node -> the record saying so
    crossings: dict[tuple[str, str, str, str], dict[str, str]] = defaultdict(dict)
    given = {f"{agency}/{record.ref}" for agency, record in listed}

    def ref(agency: str, value: str | None) -> str | None:
        if value is None:
            return None
        key = f"{agency}/{value}"
        found = node_of.get(key)
        if found is None and key not in given:  # given but no node: a place without a street
            net.dangling += 1
        return found

    for agency, record in listed:
        key = f"{agency}/{record.ref}"
        case = f"{agency}/{record.case_ref}" if record.case_ref else None
        here = [case_country.get(case or "")]
        own = node_of.get(key)
        if own is not None and net.nodes[own].kind in ACTORS:
            if case:
                members[case][own].add(key)
            continue
        if own is not None:  # an identifier: tie it to its holder
            owner = ref(agency, getattr(record, "owner_ref", None))
            if owner is not None:
                net.tie(owner, own, HOLDS[net.nodes[own].kind], key, case, here)
            continue
        if isinstance(record, Relation):
            source, target = ref(agency, record.source_ref), ref(agency, record.target_ref)
            if source and target and source != target:
                net.tie(source, target, str(record.kind), key, case, here,
                        (_day(record.started), _day(record.ended)))
        elif isinstance(record, Recruitment):
            person, recruiter = ref(agency, record.person_ref), ref(agency, record.recruiter_ref)
            if person and recruiter and person != recruiter:
                net.tie(recruiter, person, "recruited", key, case,
                        [_code(record.country), *here], [_day(record.date)])
        elif isinstance(record, Exploitation):
            person = ref(agency, record.person_ref)
            span = (_day(record.started), _day(record.ended))
            where = [_code(record.country), *here]
            exploiter, site = ref(agency, record.exploiter_ref), ref(agency, record.site_ref)
            if person and exploiter and exploiter != person:
                net.tie(exploiter, person, "exploited", key, case, where, span)
            if person and site and site != person:
                net.tie(person, site, "exploited_at", key, case, where, span)
        elif isinstance(record, Movement):
            person = ref(agency, record.person_ref)
            if person is None:
                continue
            legs = (record.from_country.code, record.to_country.code)
            span = (_day(record.departed), _day(record.arrived))
            transporter = ref(agency, record.transporter_ref)
            if transporter and transporter != person:
                net.tie(transporter, person, "transported", key, case, legs, span)
            vehicle = ref(agency, record.vehicle_ref)
            if vehicle:
                net.tie(person, vehicle, "travelled_in", key, case, legs, span)
            if record.departed is not None and record.departed.day is not None:
                crossings[(*legs, record.departed.iso, record.border_crossing or "")
                          ][person] = key
            net.nodes[person].provenance.add_span(*span)
        elif isinstance(record, Transaction):
            payer = ref(agency, record.payer_account_ref)
            payee = ref(agency, record.beneficiary_account_ref)
            if payer and payee and payer != payee:
                ends = (net.nodes[payer].provenance.countries
                        | net.nodes[payee].provenance.countries)
                edge = net.tie(payer, payee, "paid", key, case, ends, [record.timestamp.date()])
                currency = str(record.currency)
                edge.amounts[currency] = edge.amounts.get(currency, Decimal(0)) + record.amount
        elif isinstance(record, Outcome):
            person = ref(agency, record.person_ref)
            if person:
                net.nodes[person].outcomes.add(str(record.kind))
    for case, named in members.items():
        if len(named) > CASE_CLIQUE_LIMIT:
            net.big_cases += 1
            continue
        for a, b in itertools.combinations(sorted(named), 2):
            # the records naming the two in the case say it, and the case record if given: a
            # case the viewer may not see is not named as a source of the tie
            said = sorted(named[a] | named[b] | ({case} & case_country.keys()))
            edge = net.tie(a, b, SAME_CASE, said[0], case, [case_country.get(case)])
            for key in said[1:]:
                edge.provenance.add(key, case)
    for (origin, destination, day, _), travellers in crossings.items():
        if 1 < len(travellers) <= CASE_CLIQUE_LIMIT:
            for a, b in itertools.combinations(sorted(travellers), 2):
                edge = net.tie(a, b, TRAVELLED_TOGETHER, travellers[a], None,
                               [origin, destination], [dt.date.fromisoformat(day)])
                edge.provenance.add(travellers[b], None)
    for edge in net.edges.values():  # a node is seen whenever its ties are
        for end in (edge.source, edge.target):
            net.nodes[end].provenance.add_span(edge.provenance.first, edge.provenance.last)
    return net
