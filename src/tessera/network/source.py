"""The network a hub user may see, built from the records the one permission check lets them
read.

Each user's network is their own: its nodes and ties come only from records they may read, so
nothing in it (a tie, a node's provenance, a count) says anything of the records they may not.
The convener's analysts, who may view resolved entities (``entity.read``, hub-wide), see each
entity as one node; a member agency's analysts see each person record as a node, joined to
others through the phones, documents and accounts they share, until entities are derived per
viewer (an entity joins records across agencies, which would tell of records they cannot see).
The hits of hit/no-hit matching on the agency's records (``hit.read``) join its records to the
other agency's record — a node of the network when the viewer may see it, else a pseudonymous
node naming only that agency and reference, which is all the hit told.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tessera.hub import access, entities, hits
from tessera.hub.access import Actor
from tessera.hub.models import EntityMember, Hit, StoredRecord
from tessera.network.graph import Network, build
from tessera.standard.records import RECORD_TYPES

# Every record type ties something to something (cases by what they name together).
NETWORK_TYPES = tuple(RECORD_TYPES)
PURPOSE = "network"  # the reads' purpose in the audit log


def from_hub(session: Session, actor: Actor, asked: Mapping[str, Any] | None = None
             ) -> Network:
    """The network of the records ``actor`` may see (the read is audited once, as
    ``network.read``, with what was ``asked`` of it: a path, a neighbourhood)."""
    records, people = entities.viewable(
        session, actor, NETWORK_TYPES, action="network.read", purpose=PURPOSE,
        detail={"asked": dict(asked)} if asked else None)
    net = build(records, people)
    if access.allowed(actor, "hit.read"):
        for hit in hits.agency_hits(session, actor, PURPOSE):
            net.hit(f"{actor.agency_code}/{hit.ref}", f"{hit.other_agency}/{hit.other_ref}",
                    hit.band, hit.found_at.date())
    return net


def audit_kept(session: Session, actor: Actor, entity_records: int,
               asked: Mapping[str, Any] | None = None) -> None:
    """Log a read of a network kept from an earlier build as ``from_hub`` logs a build: the
    records (with what was ``asked``), the entities (for who may view them) and the hits."""
    access.authorize(session, actor, "network.read", f"records:{PURPOSE}",
                     {"types": list(NETWORK_TYPES), "kept": True,
                      **({"asked": dict(asked)} if asked else {})})
    if access.allowed(actor, "entity.read"):
        access.authorize(session, actor, "entity.read", f"entities:{PURPOSE}",
                         {"records": entity_records, "kept": True})
    if access.allowed(actor, "hit.read"):
        access.authorize(session, actor, "hit.read", f"hits:{PURPOSE}", {"kept": True})


def state(session: Session) -> tuple[Any, ...]:
    """A cheap summary of everything networks are built from, which changes whenever it does,
    for a cache of built networks to know when one is stale:

    - the current records' count (a purge deletes), summed scope levels (consent narrows a
      scope in place) and the latest time one was received (a submission or a retraction
      writes a new version, received later than any kept network was built; ids, which
      SQLite may reuse after a purge, would not tell);
    - the resolved entities' count and latest link (a linkage run replaces them all);
    - the hits' count and highest id (a match request adds them; hits are never deleted).

    Read it before building, so that a change committed in between makes the kept network
    stale, never the other way round. It says nothing of any record, and is never shown."""
    current = session.execute(
        select(func.count(), func.sum(StoredRecord.scope_level),
               func.max(StoredRecord.received_at))
        .where(StoredRecord.is_current.is_(True))
    ).one()
    members = session.execute(select(func.count(), func.max(EntityMember.linked_at))).one()
    found = session.execute(select(func.count(), func.max(Hit.id))).one()
    return (*current, *members, *found)
