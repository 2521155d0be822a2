"""Resolved entities in the hub: the judgement log, entity ids, and who belongs to which.

The members are derived data: each linkage run (``tessera.linkage.run``) rebuilds them from the
records and the judgements. Judgements are appended, never changed; the latest on a pair is in
force. Every call goes through the one permission check.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from tessera.hub import access, records
from tessera.hub.access import Actor
from tessera.hub.models import Agency, Entity, EntityMember, Judgement, StoredRecord, utcnow
from tessera.standard.records import ANY_RECORD, Record

VERDICTS = ("same", "different")


class JudgementError(ValueError):
    """A judgement that cannot be recorded as asked."""


class ResolutionConflict(RuntimeError):
    """Another linkage run replaced the members while this one was linking."""


# An arbitrary constant naming the lock that serialises linkage runs on PostgreSQL.
_PG_LOCK_KEY = 0x3E7171E5


def judge(session: Session, actor: Actor, left: str, right: str, verdict: str,
          note: str = "") -> Judgement:
    """Record that two records ("AGENCY/ref") are, or are not, the same person. Both must be
    records the judging analyst may see."""
    if verdict not in VERDICTS:
        raise JudgementError(f"a verdict is one of {', '.join(VERDICTS)}, not {verdict!r}")
    if left == right:
        raise JudgementError("a record is always the same as itself")
    resource = f"judgement:{left}|{right}"
    if not access.allowed(actor, "entity.judge"):
        raise access.Forbidden(actor, "entity.judge", resource)
    for key in (left, right):
        agency, _, ref = key.partition("/")
        seen = records.get_record(session, actor, agency, ref, purpose="entity judgement")
        if seen.record_type != "person":
            raise JudgementError(f"{key} is a {seen.record_type} record; judgements are on "
                                 "person records")
    row = Judgement(username=actor.username, agency_code=actor.agency_code, verdict=verdict,
                    left_key=left, right_key=right, note=note)
    session.add(row)
    session.flush()
    access.authorize(session, actor, "entity.judge", resource, {"verdict": verdict, "id": row.id})
    return row


def judgements(session: Session) -> list[Judgement]:
    """Every judgement, oldest first (for the linkage run, which reads them whole)."""
    return list(session.scalars(select(Judgement).order_by(Judgement.id)))


def linkable(session: Session, actor: Actor, record_types: tuple[str, ...], *,
             action: str = "entity.resolve", purpose: str = "linkage",
             detail: Mapping[str, Any] | None = None) -> Iterator[StoredRecord]:
    """The current records of ``record_types`` the actor may see, for a hub-wide linkage run
    (``entity.resolve``) or a screening (``record.read``); the read is audited once, with its
    purpose (and ``detail``, what the reader asked for)."""
    access.authorize(session, actor, action, f"records:{purpose}",
                     {"types": list(record_types), **(detail or {})})
    query = (
        select(StoredRecord)
        .where(records.visible(actor), StoredRecord.record_type.in_(record_types))
        .order_by(StoredRecord.id)
        .execution_options(yield_per=5000)
    )
    yield from session.scalars(query)


def viewable(session: Session, actor: Actor, record_types: tuple[str, ...], *, action: str,
             purpose: str, detail: Mapping[str, Any] | None = None
             ) -> tuple[list[tuple[str, Record]], dict[str, str]]:
    """The current records of ``record_types`` the actor may see, as (agency, record) pairs,
    and, for a reader who may view resolved entities (``entity.read``), the entity of each
    person record among them ("AGENCY/ref" -> entity id); else an empty map. Both reads are
    audited (``action`` on the records, with ``detail``; ``entity.read`` on the entities)."""
    rows = linkable(session, actor, record_types, action=action, purpose=purpose,
                    detail=detail)
    found: list[tuple[str, Record]] = [
        (row.agency.code, ANY_RECORD.validate_python(row.data)) for row in rows]
    people: dict[str, str] = {}
    if access.allowed(actor, "entity.read"):
        keys = {f"{agency}/{r.ref}" for agency, r in found if r.record_type == "person"}
        people = {k: e for k, e in current_members(session).items() if k in keys}
        access.authorize(session, actor, "entity.read", f"entities:{purpose}",
                         {"records": len(people)})
    return found, people


def take_turn(session: Session) -> None:
    """Serialise writers of the resolved view for the rest of the transaction (SQLite's
    write transactions are serial already)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def current_members(session: Session) -> dict[str, str]:
    return dict(session.execute(select(EntityMember.record_key, EntityMember.entity_id)).all())


def issue_ids(session: Session, n: int) -> list[str]:
    """``n`` new entity ids, never used before."""
    issued = int(session.scalar(select(func.count()).select_from(Entity)) or 0)
    ids = [f"E{issued + k:09d}" for k in range(1, n + 1)]
    if ids:
        session.execute(insert(Entity), [{"id": i, "created_at": utcnow()} for i in ids])
    return ids


def replace_members(session: Session, actor: Actor, members: dict[str, tuple[str, float | None]]
                    ) -> None:
    """Make ``members`` (record key -> entity id, best match probability) the resolved view."""
    access.authorize(session, actor, "entity.resolve", "entities",
                     {"records": len(members), "entities": len({e for e, _ in members.values()})})
    session.execute(delete(EntityMember))
    now = utcnow()
    rows = [{"record_key": k, "entity_id": e, "probability": p, "linked_at": now}
            for k, (e, p) in members.items()]
    for start in range(0, len(rows), 5000):
        session.execute(insert(EntityMember), rows[start:start + 5000])


def entity_of(session: Session, actor: Actor, anchor: StoredRecord
              ) -> tuple[str | None, list[StoredRecord]]:
    """The entity of ``anchor`` — a record the actor was given by ``records.get_record``,
    whose read is audited there — and those of its records the actor may see (the anchor
    included). Members the actor may not see are not shown, nor counted, nor their match
    probabilities: that another agency holds a record on the person is itself protected.
    Viewing entities is a hub-wide action (``access.HUB_WIDE``)."""
    agency, ref = anchor.agency.code, anchor.ref
    resource = f"entity-of:{agency}/{ref}"
    if not access.allowed(actor, "entity.read"):
        raise access.Forbidden(actor, "entity.read", resource)
    entity = session.scalar(
        select(EntityMember.entity_id).where(EntityMember.record_key == f"{agency}/{ref}")
    )
    if entity is None:
        access.authorize(session, actor, "entity.read", resource, {"entity": None})
        return None, [anchor]
    found = list(session.scalars(
        select(EntityMember.record_key).where(EntityMember.entity_id == entity)
    ))
    key = Agency.code + "/" + StoredRecord.ref
    shown = list(session.scalars(
        select(StoredRecord).join(Agency, Agency.id == StoredRecord.agency_id)
        .where(records.visible(actor), key.in_(found))
        .order_by(Agency.code, StoredRecord.ref)
    ))
    access.authorize(session, actor, "entity.read", f"entity:{entity}",
                     {"ids": [r.id for r in shown]})
    return entity, shown
