"""Resolved entities: which of your visible records are one person, and analysts' judgements."""

from __future__ import annotations

from fastapi import APIRouter

from tessera.hub import entities, records
from tessera.hub.models import as_utc
from tessera.web.deps import ActorDep, HubDep
from tessera.web.schemas import (
    EntityView,
    JudgementIn,
    JudgementPublic,
    RecordSummary,
    problems,
)

router = APIRouter(tags=["entities"], responses=problems(400, 401, 403, 404))


@router.get("/records/{agency}/{ref}/entity", response_model=EntityView,
            operation_id="get_entity_of_record")
def get_entity_of_record(agency: str, ref: str, actor: ActorDep, hub: HubDep) -> EntityView:
    """The entity a record belongs to, with the members you may see."""
    with hub.session() as session:
        anchor = records.get_record(session, actor, agency, ref, purpose="entity view")
        entity, members = entities.entity_of(session, actor, anchor)
        return EntityView(entity_id=entity, members=[RecordSummary.of(r) for r in members])


@router.post("/judgements", response_model=JudgementPublic, status_code=201,
             operation_id="judge_records")
def judge_records(body: JudgementIn, actor: ActorDep, hub: HubDep) -> JudgementPublic:
    """Say two records you may see are, or are not, the same person; the next linkage run
    obeys. Judgements are kept for good."""
    with hub.session() as session:
        row = entities.judge(session, actor, body.left, body.right, body.verdict, body.note)
        return JudgementPublic(id=row.id, at=as_utc(row.at), username=row.username,
                               verdict=row.verdict, left=row.left_key, right=row.right_key,
                               note=row.note)
