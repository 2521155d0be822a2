"""Hit/no-hit matching: exchanges, your agency's encodings, match requests, hits and notices,
and the convening organisation's view of how many requests each agency makes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, UploadFile
from fastapi import Path as PathParam

from tessera.hub import exchanges, hits
from tessera.hub.exchanges import NAME_PATTERN
from tessera.hub.models import as_utc
from tessera.linkage import exchange as matching
from tessera.web.deps import ActorDep, HubDep, StateDep
from tessera.web.routes.submissions import safe_name
from tessera.web.schemas import (
    MAX_ID,
    RATE_LIMITED,
    ExchangeMembership,
    ExchangePublic,
    ExchangeSettings,
    HitPublic,
    Marked,
    MarkRead,
    MatchRequest,
    MatchRun,
    NoticePublic,
    Rotated,
    Rotation,
    UploadResult,
    VolumePublic,
    problems,
)

router = APIRouter(tags=["exchanges"], responses=problems(400, 401, 403, 404))

Name = Annotated[str, PathParam(pattern=NAME_PATTERN, description="The exchange")]


@router.get("/exchanges", response_model=list[ExchangeMembership],
            operation_id="list_exchanges")
def list_exchanges(actor: ActorDep, hub: HubDep) -> list[ExchangeMembership]:
    """Every exchange: its threshold, the schema and secret its uploads must use, and your
    agency's encodings in it."""
    with hub.session() as session:
        return [ExchangeMembership(name=e.name, threshold=e.threshold, fingerprint=e.fingerprint,
                                   key_id=e.key_id, rotated_at=e.rotated_at, records=e.records,
                                   uploaded_at=e.uploaded_at)
                for e in exchanges.list_exchanges(session, actor)]


@router.put("/exchanges/{exchange}", response_model=ExchangePublic, operation_id="set_exchange")
def set_exchange(exchange: Name, body: ExchangeSettings, actor: ActorDep,
                 hub: HubDep) -> ExchangePublic:
    """Open an exchange, or change its threshold (the convening organisation)."""
    with hub.session() as session:
        row = exchanges.set_exchange(session, actor, exchange, body.threshold)
        return ExchangePublic(name=row.name, threshold=row.threshold,
                              fingerprint=row.fingerprint, key_id=row.key_id,
                              rotated_at=as_utc(row.rotated_at) if row.rotated_at else None)


@router.post("/exchanges/{exchange}/rotation", response_model=Rotated,
             operation_id="rotate_exchange")
def rotate_exchange(exchange: Name, body: Rotation, actor: ActorDep, hub: HubDep) -> Rotated:
    """Retire the exchange's secret: every agency's encodings are cleared, to be made again
    under the new secret; hits already found stay (the convening organisation)."""
    with hub.session() as session:
        return Rotated(cleared=exchanges.rotate(session, actor, exchange, body.reason,
                                                body.key_id))


@router.post("/exchanges/{exchange}/encodings", response_model=UploadResult, status_code=201,
             operation_id="upload_encodings", responses=problems(409, 413))
def upload_encodings(exchange: Name, file: UploadFile, actor: ActorDep,
                     state: StateDep) -> UploadResult:
    """Upload your agency's encodings file (made by `tessera encode`); it replaces your
    agency's earlier encodings in the exchange, whole. A bad file is refused with its line and
    problem, and nothing is stored; encodings under another schema or secret than the
    exchange's are refused (409)."""
    data = file.file.read()  # bounded as it arrived (tessera.web.middleware.BodyLimit)
    done = matching.upload(state.hub, actor.username, exchange, data,
                           source=safe_name(file.filename))
    return UploadResult(upload_id=done.upload_id, exchange=done.exchange, agency=done.agency,
                        records=done.records, replaced=done.replaced,
                        fingerprint=done.fingerprint, key_id=done.key_id)


@router.post("/exchanges/{exchange}/matches", response_model=MatchRun, status_code=201,
             operation_id="match_encodings", responses=RATE_LIMITED)
def match_encodings(exchange: Name, body: MatchRequest, actor: ActorDep,
                    state: StateDep) -> MatchRun:
    """Match your agency's encodings against every other agency's in the exchange: the new
    hits of your records. The request is audited with its purpose, and counts against your
    agency's requests for the day."""
    summary = matching.run_match(state.hub, actor.username, exchange, body.purpose,
                                 per_day=state.settings.match_requests_per_day)
    return MatchRun.of(summary)


@router.get("/hits", response_model=list[HitPublic], operation_id="list_hits")
def list_hits(
    actor: ActorDep,
    hub: HubDep,
    exchange: Annotated[str | None, Query(pattern=NAME_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[HitPublic]:
    """The hits of your agency's records, newest first."""
    with hub.session() as session:
        return [HitPublic.of(h) for h in hits.hits_for(session, actor, exchange=exchange,
                                                       limit=limit, offset=offset)]


@router.get("/notifications", response_model=list[NoticePublic],
            operation_id="list_notifications")
def list_notifications(
    actor: ActorDep,
    hub: HubDep,
    unread: Annotated[bool, Query(description="Only those not marked read")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[NoticePublic]:
    """Your agency's notices of new hits, newest first."""
    with hub.session() as session:
        return [NoticePublic(id=n.id, created_at=n.created_at, read_at=n.read_at,
                             read_by=n.read_by, hit=HitPublic.of(n.hit))
                for n in hits.notices_for(session, actor, unread_only=unread, limit=limit)]


@router.post("/notifications/read", response_model=Marked,
             operation_id="mark_notifications_read")
def mark_notifications_read(body: MarkRead, actor: ActorDep, hub: HubDep) -> Marked:
    """Mark your agency's notices read: those listed, and every one up to ``through``."""
    with hub.session() as session:
        return Marked(marked=hits.mark_read(session, actor, body.ids, body.through))


@router.get("/match-volumes", response_model=list[VolumePublic], operation_id="match_volumes")
def match_volumes(
    actor: ActorDep,
    hub: HubDep,
    days: Annotated[int, Query(ge=1, le=366, description="The last so many UTC days")] = 30,
) -> list[VolumePublic]:
    """Match requests and the new hits they found, per agency, exchange and day (the convening
    organisation's analysts, coordinators and auditors)."""
    with hub.session() as session:
        return [VolumePublic(day=v.day, agency=v.agency, exchange=v.exchange, runs=v.runs,
                             new_hits=v.new_hits)
                for v in hits.volumes(session, actor, days=days)]
