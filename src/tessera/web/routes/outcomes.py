"""Outcome monitoring (``tessera.cooperation.outcomes``): what came of the work, counted
the same way for every member, from what the caller may see."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from tessera.cooperation import outcomes
from tessera.web.deps import ActorDep, HubDep
from tessera.web.schemas import OutcomeRow, problems

router = APIRouter(tags=["outcomes"], responses=problems(401, 403))


@router.get("/outcomes", response_model=list[OutcomeRow], operation_id="outcomes")
def outcome_figures(
    actor: ActorDep, hub: HubDep,
    by: Annotated[Literal["agency", "country", "period", "corridor"],
                  Query(description="The groups")] = "country",
    period: Annotated[Literal["year", "quarter", "month"],
                      Query(description="With by=period, their length")] = "year",
) -> list[OutcomeRow]:
    """Victims identified and assisted, suspects identified, arrested, charged and
    convicted, sentences, assets frozen and confiscated (per currency), and requests sent,
    received and answered with response times and the share answered in time — from the
    records you may see and your agency's requests (every member's for the convening
    organisation). Analysts, coordinators and auditors; audited."""
    with hub.session() as session:
        found = outcomes.from_hub(session, actor, by=by, period=period)
    return [OutcomeRow(**row) for row in found.rows()]
