"""The audit log, for auditors: who did what to which resource, with the outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tessera.hub import oversight
from tessera.web.deps import ActorDep, HubDep
from tessera.web.schemas import MAX_BIG_ID, AuditCheck, AuditEntryPublic, problems

router = APIRouter(prefix="/audit", tags=["audit"], responses=problems(400, 401, 403))


@router.get("", response_model=list[AuditEntryPublic], operation_id="read_audit_log")
def read_audit_log(
    actor: ActorDep,
    hub: HubDep,
    username: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    outcome: Annotated[str | None, Query(max_length=16)] = None,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_BIG_ID, description="Entries older than this id")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryPublic]:
    """The newest entries you oversee (your agency's, or the whole hub's), newest first."""
    with hub.session() as session:
        entries = oversight.read_log(session, actor, username=username, action=action,
                                     outcome=outcome, before=before, limit=limit)
    return [AuditEntryPublic.of(e) for e in entries]


@router.get("/verification", response_model=AuditCheck, operation_id="verify_audit_log")
def verify_audit_log(actor: ActorDep, hub: HubDep) -> AuditCheck:
    """Check the hash chain of the whole log: every edited, deleted or missing entry is named."""
    check = oversight.verify_log(hub, actor)
    return AuditCheck(ok=check.ok, entries=check.entries, head=check.head, problems=check.problems)
