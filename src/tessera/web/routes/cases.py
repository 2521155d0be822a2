"""Cases and joint investigation teams (``tessera.cooperation.cases``): each seen and worked on
by its current member agencies only (to anyone else it is not found), its team managed by the
lead agency's coordinators, and the content of another agency's H3 contributions withheld."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from tessera.cooperation import cases
from tessera.hub.models import as_utc
from tessera.web.deps import ActorDep, HubDep
from tessera.web.schemas import (
    CASE_CODE_PATTERN,
    MAX_BIG_ID,
    CaseEventPublic,
    CaseIn,
    CaseLinkIn,
    CaseLinkPublic,
    CaseMemberIn,
    CaseMemberPublic,
    CaseNoteIn,
    CasePublic,
    CaseStatusIn,
    CaseStatusName,
    CaseSummaryPublic,
    CaseTaskIn,
    CaseTaskPublic,
    problems,
)

router = APIRouter(prefix="/cases", tags=["cases"], responses=problems(401, 403))
CHANGE = problems(400, 404, 409)
CaseCode = Annotated[str, PathParam(pattern=CASE_CODE_PATTERN, description="The case's code")]


@router.get("", response_model=list[CaseSummaryPublic], operation_id="list_cases",
            responses=problems(400))
def list_cases(
    actor: ActorDep, hub: HubDep,
    status: Annotated[CaseStatusName | None, Query()] = None,  # type: ignore[valid-type]
) -> list[CaseSummaryPublic]:
    """The cases your agency is a member of, newest first (analysts, coordinators)."""
    with hub.session() as session:
        return [CaseSummaryPublic.of(c) for c in cases.list_cases(session, actor, status=status)]


@router.post("", response_model=CaseSummaryPublic, status_code=201, operation_id="open_case",
             responses=problems(400, 404))
def open_case(body: CaseIn, actor: ActorDep, hub: HubDep) -> CaseSummaryPublic:
    """Open a case led by your agency (status reported). ``record_ref`` names your agency's
    case record it follows."""
    with hub.session() as session:
        opened = cases.open_case(session, actor, title=body.title, country=body.country,
                                 crime_types=body.crime_types, handling_code=body.handling_code,
                                 record_ref=body.record_ref)
        return CaseSummaryPublic.of(cases.summary_of(session, opened))


@router.get("/{case}", response_model=CasePublic, operation_id="get_case",
            responses=problems(404))
def get_case(case: CaseCode, actor: ActorDep, hub: HubDep) -> CasePublic:
    """A case with its members, links, tasks and timeline. The content of another agency's
    H3 contributions is withheld, and ``withheld`` says so."""
    with hub.session() as session:
        return CasePublic.of(cases.get_case(session, actor, case))


@router.post("/{case}/status", response_model=CaseSummaryPublic, operation_id="set_case_status",
             responses=CHANGE)
def set_case_status(case: CaseCode, body: CaseStatusIn, actor: ActorDep,
                    hub: HubDep) -> CaseSummaryPublic:
    """Move the case along its lifecycle (the lead agency): reported → under_investigation →
    prosecution → adjudicated → closed, and closed → under_investigation to reopen. Any other
    move is refused (409)."""
    with hub.session() as session:
        moved = cases.set_status(session, actor, case, body.status, reason=body.reason)
        return CaseSummaryPublic.of(cases.summary_of(session, moved))


@router.post("/{case}/members", response_model=CaseMemberPublic, status_code=201,
             operation_id="add_case_member", responses=CHANGE)
def add_case_member(case: CaseCode, body: CaseMemberIn, actor: ActorDep,
                    hub: HubDep) -> CaseMemberPublic:
    """Add an agency to the case's joint team (the lead agency's coordinators)."""
    with hub.session() as session:
        row = cases.add_member(session, actor, case, body.agency)
        return CaseMemberPublic(agency=row.agency.code, role=row.role,
                                joined_at=as_utc(row.joined_at), added_by=row.added_by,
                                left_at=None)


@router.delete("/{case}/members/{agency}", status_code=204, operation_id="remove_case_member",
               responses=CHANGE)
def remove_case_member(
    case: CaseCode, agency: Annotated[str, PathParam(max_length=32, description="The agency")],
    actor: ActorDep, hub: HubDep,
) -> None:
    """Take an agency off the case's team (the lead agency's coordinators); it no longer sees
    the case. The lead agency cannot be removed."""
    with hub.session() as session:
        cases.remove_member(session, actor, case, agency)


@router.post("/{case}/links", response_model=CaseLinkPublic, status_code=201,
             operation_id="link_to_case", responses=CHANGE)
def link_to_case(case: CaseCode, body: CaseLinkIn, actor: ActorDep, hub: HubDep) -> CaseLinkPublic:
    """Link a record you may see (AGENCY/ref), an entity (the hub's analysts) or a
    knowledge-base entry to the case, under a handling code."""
    with hub.session() as session:
        row = cases.link(session, actor, case, body.kind, body.target, body.note,
                         body.handling_code)
        return CaseLinkPublic(id=row.id, kind=row.kind, target=row.target, note=row.note,
                              agency=actor.agency_code, added_by=row.added_by,
                              added_at=as_utc(row.added_at), handling_code=row.handling_code,
                              withheld=None)


@router.post("/{case}/notes", response_model=CaseEventPublic, status_code=201,
             operation_id="add_case_note", responses=CHANGE)
def add_case_note(case: CaseCode, body: CaseNoteIn, actor: ActorDep,
                  hub: HubDep) -> CaseEventPublic:
    """Add a note to the case's timeline, under a handling code."""
    with hub.session() as session:
        event = cases.note(session, actor, case, body.body, body.handling_code)
        return CaseEventPublic(id=event.id, at=as_utc(event.at), username=event.username,
                               agency=actor.agency_code, kind=event.kind,
                               detail=dict(event.detail), body=event.body,
                               handling_code=event.handling_code, withheld=None)


def _task(view: cases.TaskView) -> CaseTaskPublic:
    return CaseTaskPublic(**asdict(view))


@router.post("/{case}/tasks", response_model=CaseTaskPublic, status_code=201,
             operation_id="add_case_task", responses=CHANGE)
def add_case_task(case: CaseCode, body: CaseTaskIn, actor: ActorDep, hub: HubDep) -> CaseTaskPublic:
    """Set a task for one of the case's member agencies (yours by default)."""
    with hub.session() as session:
        return _task(cases.task_view(cases.add_task(session, actor, case, body.title,
                                                    agency_code=body.agency, due=body.due)))


@router.post("/{case}/tasks/{task_id}/done", response_model=CaseTaskPublic,
             operation_id="complete_case_task", responses=CHANGE)
def complete_case_task(
    case: CaseCode, task_id: Annotated[int, PathParam(ge=1, le=MAX_BIG_ID)], actor: ActorDep,
    hub: HubDep,
) -> CaseTaskPublic:
    """Mark a task done (users of the task's agency, or of the lead agency)."""
    with hub.session() as session:
        return _task(cases.task_view(cases.complete_task(session, actor, case, task_id)))
