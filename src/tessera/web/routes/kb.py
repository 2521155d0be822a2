"""The knowledge base: search it, read an entry, add one. Every member may read; analysts and
coordinators add (``tessera.cooperation.kb``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from tessera.cooperation import kb
from tessera.cooperation.kb import LIMIT_MAX, KbKind
from tessera.cooperation.kb_query import QUERY_MAX
from tessera.web.deps import ActorDep, HubDep
from tessera.web.schemas import MAX_BIG_ID, KbEntryIn, KbEntryPublic, KbHit, problems

router = APIRouter(tags=["knowledge base"], responses=problems(400, 401, 403))

Label = Annotated[str | None, Query(min_length=1, max_length=100)]


@router.get("/kb", response_model=list[KbHit], operation_id="kb_search")
def kb_search(
    actor: ActorDep,
    hub: HubDep,
    q: Annotated[str | None, Query(
        max_length=QUERY_MAX,
        description='Words to find: all are required, "quoted words" together, `or` between '
        "words for either, -word to leave out; anything else is plain text. Omitted: every "
        "entry the filters select, by kind and title. Blank or punctuation only: 400.")] = None,
    kind: KbKind | None = None,
    country: Annotated[str | None, Query(min_length=1, max_length=100,
                                         description="A country name or ISO code")] = None,
    crime_type: Label = None,
    legal_issue: Label = None,
    tag: Label = None,
    limit: Annotated[int, Query(ge=1, le=LIMIT_MAX)] = 20,
) -> list[KbHit]:
    """Search the knowledge base, most relevant first (title, then tags, then body), each
    entry with a snippet of its body."""
    with hub.session() as session:
        hits = kb.search(session, actor, q, kind=kind.value if kind else None, country=country,
                         crime_type=crime_type, legal_issue=legal_issue, tag=tag, limit=limit)
        return [KbHit.of(h) for h in hits]


@router.get("/kb/{entry_id}", response_model=KbEntryPublic, operation_id="kb_entry",
            responses=problems(404))
def kb_entry(entry_id: Annotated[int, PathParam(ge=1, le=MAX_BIG_ID)], actor: ActorDep,
             hub: HubDep) -> KbEntryPublic:
    """One knowledge-base entry in full."""
    with hub.session() as session:
        return KbEntryPublic.of(kb.get(session, actor, entry_id))


@router.post("/kb", response_model=KbEntryPublic, status_code=201, operation_id="kb_add")
def kb_add(body: KbEntryIn, actor: ActorDep, hub: HubDep) -> KbEntryPublic:
    """Add a knowledge-base entry (analysts and coordinators). One of the same kind and title
    as an existing entry is refused (400)."""
    with hub.session() as session:
        return KbEntryPublic.of(kb.add(session, actor, body))
