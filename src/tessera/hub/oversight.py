"""Reading the audit log, for auditors, through the one permission check.

An auditor of the convening organisation oversees the whole hub. An auditor of a member agency
oversees that agency: what its own users did, and every read of one of its records by
reference, by anyone. (Searches that return its records among others are logged with the ids
returned, under the searcher's agency.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from tessera.hub import access, audit
from tessera.hub.access import Actor
from tessera.hub.db import Hub
from tessera.hub.models import AgencyKind, AuditEntry


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    username: str | None
    agency_code: str | None
    action: str
    resource: str
    outcome: str
    detail: dict[str, Any]


def _overseen(actor: Actor) -> ColumnElement[bool]:
    if actor.agency_kind == AgencyKind.international_organisation:
        return true()
    code = actor.agency_code
    return or_(
        AuditEntry.agency_code == code,
        AuditEntry.resource.startswith(f"record:{code}/", autoescape=True),
    )


def read_log(
    session: Session,
    actor: Actor,
    *,
    username: str | None = None,
    action: str | None = None,
    outcome: str | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[Entry]:
    """The newest entries the auditor oversees (older than entry ``before``), newest first.

    Reading the log is itself audited, with the filters used.
    """
    filters = {"username": username, "action": action, "outcome": outcome, "before": before}
    access.authorize(session, actor, "audit.read", "audit_log", {"filters": filters})
    query = select(AuditEntry).where(_overseen(actor))
    if username:
        query = query.where(AuditEntry.username == username)
    if action:
        query = query.where(AuditEntry.action == action)
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 1000))))
    return [
        Entry(e.id, e.at, e.username, e.agency_code, e.action, e.resource, e.outcome,
              json.loads(e.detail))
        for e in rows
    ]


def verify_log(hub: Hub, actor: Actor) -> audit.Verification:
    """Check the whole chain. The check is audited in a short transaction of its own; the scan
    then reads without holding the store's write turn, since the log may be long."""
    with hub.session() as session:
        access.authorize(session, actor, "audit.verify", "audit_log")
    with hub.reading() as session:
        return audit.verify(session)
