"""Cross-border requests between agencies (``tessera.cooperation.requests``): each visible
to its two agencies only, moved by the side its lifecycle names, and its granted records
read by the requester alone, each read audited with the request's purpose."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response

from tessera.cooperation import requests
from tessera.web.deps import ActorDep, HubDep
from tessera.web.routes.submissions import safe_name
from tessera.web.schemas import (
    REQUEST_CODE_PATTERN,
    GrantedRecord,
    GrantIn,
    MessageIn,
    RequestIn,
    RequestPublic,
    StatusChange,
    problems,
)

router = APIRouter(tags=["requests"], responses=problems(401, 403))
NAMED = problems(400, 404)
Code = Annotated[str, PathParam(pattern=REQUEST_CODE_PATTERN, description="The request")]


@router.get("/requests", response_model=list[RequestPublic], operation_id="list_requests",
            responses=problems(400))
def list_requests(
    actor: ActorDep, hub: HubDep,
    box: Literal["all", "sent", "received"] = "all",
    status: Annotated[Literal[*requests.STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
    overdue: Annotated[bool, Query(description="Only those past their deadline and still "
                                   "awaiting an answer")] = False,
) -> list[RequestPublic]:
    """Your agency's requests, sent and received, newest first (analysts, coordinators)."""
    with hub.session() as session:
        found = requests.listing(session, actor, box=box, status=status,
                                 overdue_on=dt.datetime.now(dt.UTC).date() if overdue else None)
    return [RequestPublic.of(r) for r in found]


@router.post("/requests", response_model=RequestPublic, status_code=201,
             operation_id="create_request", responses=NAMED)
def create_request(body: RequestIn, actor: ActorDep, hub: HubDep) -> RequestPublic:
    """Draft a request from your agency. A hit's follow-up names the hit and goes to the
    agency holding the other record; other kinds name the agency asked and may name its
    records (which this does not reveal, nor whether they exist)."""
    with hub.session() as session:
        return RequestPublic.of(requests.create(
            session, actor, kind=body.kind, to_agency=body.to_agency, purpose=body.purpose,
            legal_basis=body.legal_basis, records=body.records, case=body.case, hit=body.hit,
            kb_entry=body.kb_entry, priority=body.priority, deadline=body.deadline))


@router.get("/requests/{request}", response_model=RequestPublic, operation_id="get_request",
            responses=problems(404))
def get_request(request: Code, actor: ActorDep, hub: HubDep) -> RequestPublic:
    """A request your agency is a party to, its records and history (404 otherwise, the
    same as for one that does not exist)."""
    with hub.session() as session:
        return RequestPublic.of(requests.get(session, actor, request))


@router.post("/requests/{request}/status", response_model=RequestPublic,
             operation_id="move_request", responses=NAMED)
def move_request(request: Code, body: StatusChange, actor: ActorDep, hub: HubDep
                 ) -> RequestPublic:
    """Move a request: send or withdraw your agency's; acknowledge, work on, answer or
    refuse one sent to it (coordinators). A move its lifecycle does not allow is 400."""
    with hub.session() as session:
        return RequestPublic.of(requests.move(session, actor, request, body.status, body.note))


@router.post("/requests/{request}/messages", response_model=RequestPublic,
             operation_id="message_request", responses=NAMED)
def message_request(request: Code, body: MessageIn, actor: ActorDep, hub: HubDep
                    ) -> RequestPublic:
    """A message to the other agency, with its handling code."""
    with hub.session() as session:
        return RequestPublic.of(requests.message(session, actor, request, body.body,
                                                 handling_code=body.handling_code))


@router.post("/requests/{request}/attachments", response_model=RequestPublic,
             operation_id="attach_to_request", responses={**NAMED, **problems(413)})
def attach_to_request(
    request: Code, file: UploadFile, actor: ActorDep, hub: HubDep,
    note: Annotated[str, Form(max_length=20_000)] = "",
    handling_code: Annotated[Literal["H0", "H1", "H2", "H3"], Form()] = "H2",
) -> RequestPublic:
    """A message carrying a file (at most 10 MiB), with its handling code."""
    data = file.file.read(requests.ATTACHMENT_LIMIT + 1)
    with hub.session() as session:
        return RequestPublic.of(requests.message(
            session, actor, request, note, handling_code=handling_code,
            attachment=(safe_name(file.filename), data)))


@router.get("/requests/{request}/attachments/{entry}", operation_id="get_request_attachment",
            responses={**NAMED, 200: {"content": {"application/octet-stream": {}},
                                      "description": "The file"}})
def get_request_attachment(
    request: Code, actor: ActorDep, hub: HubDep,
    entry: Annotated[int, PathParam(ge=1, le=100_000, description="The history entry, "
                                    "from 1")],
) -> Response:
    """The file attached to an entry of a request's history."""
    with hub.session() as session:
        name, content = requests.attachment(session, actor, request, entry)
    return Response(content, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe_name(name)}"'})


@router.post("/requests/{request}/grants", response_model=RequestPublic,
             operation_id="grant_request", responses=NAMED)
def grant_request(request: Code, body: GrantIn, actor: ActorDep, hub: HubDep) -> RequestPublic:
    """Share records a request names with the requesting agency, for the request's purpose
    only (the requested agency's coordinators; a victim's refused consent is respected)."""
    with hub.session() as session:
        return RequestPublic.of(requests.grant(session, actor, request, body.records))


@router.get("/requests/{request}/records", response_model=list[GrantedRecord],
            operation_id="granted_records", responses=NAMED)
def granted_records(request: Code, actor: ActorDep, hub: HubDep) -> list[GrantedRecord]:
    """The records granted to your agency on a request; each read is audited as a read of
    that record for the request's purpose."""
    with hub.session() as session:
        return [GrantedRecord(record=key, data=data)
                for key, data in requests.granted_records(session, actor, request)]
