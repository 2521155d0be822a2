"""Records: search, show with provenance, history, retraction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tessera.hub import records
from tessera.web.deps import ActorDep, HubDep
from tessera.web.schemas import (
    RECORD_TYPE_PATTERN,
    RecordDetail,
    RecordSummary,
    Retraction,
    problems,
)

router = APIRouter(
    prefix="/records", tags=["records"], responses=problems(400, 401, 403, 404, 409)
)

RecordType = Annotated[
    str | None,
    Query(alias="type", description="Record type", pattern=RECORD_TYPE_PATTERN),
]


@router.get("", response_model=list[RecordSummary], operation_id="list_records")
def list_records(
    actor: ActorDep,
    hub: HubDep,
    record_type: RecordType = None,
    agency: Annotated[str | None, Query(max_length=32, description="Owning agency")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the title, or a ref")]
    = None,
    purpose: Annotated[str | None, Query(max_length=200, description="Why (audited)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> list[RecordSummary]:
    """Current records you may see, newest first."""
    with hub.session() as session:
        rows = records.list_records(
            session, actor, record_type=record_type, agency_code=agency, text=q, limit=limit,
            offset=offset, purpose=purpose,
        )
        return [RecordSummary.of(r) for r in rows]


@router.get("/{agency}/{ref}", response_model=RecordDetail, operation_id="get_record")
def get_record(
    agency: str,
    ref: str,
    actor: ActorDep,
    hub: HubDep,
    purpose: Annotated[str | None, Query(max_length=200, description="Why (audited)")] = None,
) -> RecordDetail:
    """One record with its content, provenance and handling."""
    with hub.session() as session:
        return RecordDetail.of(records.get_record(session, actor, agency, ref, purpose=purpose))


@router.get(
    "/{agency}/{ref}/history", response_model=list[RecordDetail], operation_id="record_history"
)
def record_history(
    agency: str, ref: str, actor: ActorDep, hub: HubDep
) -> list[RecordDetail]:
    """Every version of a record, oldest first."""
    with hub.session() as session:
        return [RecordDetail.of(r) for r in records.history(session, actor, agency, ref)]


@router.post("/{ref}/retraction", status_code=204, operation_id="retract_record")
def retract_record(ref: str, body: Retraction, actor: ActorDep, hub: HubDep) -> None:
    """Withdraw one of your agency's records (a new version; its history is kept)."""
    with hub.session() as session:
        records.retract(session, actor, ref, body.reason)
