"""The knowledge base: search it, read an entry, add one. Every member may read; analysts and
coordinators add (``tessera.cooperation.kb``). The API, and the pages over the same calls."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tessera.cooperation import kb
from tessera.cooperation.kb import LIMIT_MAX, MARK, KbKind
from tessera.cooperation.kb_query import QUERY_MAX
from tessera.hub import access
from tessera.web.deps import ActorDep, Caller, HubDep
from tessera.web.pages import PageCaller
from tessera.web.render import render
from tessera.web.schemas import MAX_BIG_ID, KbEntryIn, KbEntryPublic, KbHit, problems

router = APIRouter(tags=["knowledge base"], responses=problems(400, 401, 403))
pages = APIRouter(include_in_schema=False)
EntryId = Annotated[int, PathParam(ge=1, le=MAX_BIG_ID)]
PAGE_HITS = 50
_MARKED = re.compile(f"{MARK[0]}([^{MARK[0]}{MARK[1]}]*){MARK[1]}")

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
def kb_entry(entry_id: EntryId, actor: ActorDep, hub: HubDep) -> KbEntryPublic:
    """One knowledge-base entry in full."""
    with hub.session() as session:
        return KbEntryPublic.of(kb.get(session, actor, entry_id))


@router.post("/kb", response_model=KbEntryPublic, status_code=201, operation_id="kb_add")
def kb_add(body: KbEntryIn, actor: ActorDep, hub: HubDep) -> KbEntryPublic:
    """Add a knowledge-base entry (analysts and coordinators). One of the same kind and title
    as an existing entry is refused (400)."""
    with hub.session() as session:
        return KbEntryPublic.of(kb.add(session, actor, body))


# --- pages --------------------------------------------------------------------------------


def marked(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, found) pieces, the words the search found (between « and ») marked,
    for the template to escape piece by piece: no markup is ever built from an entry's text."""
    pieces = _MARKED.split(snippet)  # plain, found, plain, found, …, plain
    return [(piece, n % 2 == 1) for n, piece in enumerate(pieces) if piece]


def _shown(hit: kb.Hit, searched: bool) -> tuple[KbHit, list[tuple[str, bool]]]:
    body = hit.entry.body
    # A body holding « or » itself cannot have its own told from the search's marks: its
    # snippet is shown as it came, unmarked (as is the opening shown when no words were asked).
    own = MARK[0] in body or MARK[1] in body
    return KbHit.of(hit), marked(hit.snippet) if searched and not own else [(hit.snippet, False)]


def _split(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _kb_page(request: Request, caller: Caller, asked: dict[str, str],
             hits: list[tuple[KbHit, list[tuple[str, bool]]]] | None, *,
             search_problem: str | None = None, draft: dict[str, Any] | None = None,
             add_problems: list[str] | None = None, status_code: int = 200) -> HTMLResponse:
    assert caller.actor is not None
    return render(request, "kb.html", {
        "asked": asked, "hits": hits, "search_problem": search_problem,
        "kinds": [k.value for k in KbKind], "crime_types": kb.CRIME_TYPES,
        "can_write": access.allowed(caller.actor, "kb.write"),
        "draft": draft or {"kind": KbKind.case_law.value, "title": "", "body": "", "tags": "",
                           "countries": "", "crime_types": [], "legal_issues": "",
                           "source": ""},
        "add_problems": add_problems or [],
        "limits": {"title": kb.TITLE_MAX, "body": kb.BODY_MAX, "source": kb.SOURCE_MAX,
                   "query": QUERY_MAX},
    }, actor=caller.actor, csrf_token=caller.csrf_token, status_code=status_code)


@pages.get("/kb", response_class=HTMLResponse)
def kb_page(
    request: Request, caller: PageCaller, hub: HubDep,
    q: Annotated[str, Query(max_length=2 * QUERY_MAX)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    country: Annotated[str, Query(max_length=100)] = "",
    crime_type: Annotated[str, Query(max_length=100)] = "",
    legal_issue: Annotated[str, Query(max_length=100)] = "",
    tag: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """Search the knowledge base (the same call, and audit, as ``GET /api/v1/kb``), each hit
    with the words found marked; and, for those who may add one, the form to add an entry."""
    assert caller.actor is not None
    asked = {"q": q, "kind": kind, "country": country, "crime_type": crime_type,
             "legal_issue": legal_issue, "tag": tag}
    text = q if q.strip() else None
    try:
        with hub.session() as session:
            found = kb.search(session, caller.actor, text, kind=kind or None,
                              country=country.strip() or None,
                              crime_type=crime_type or None,
                              legal_issue=legal_issue.strip() or None, tag=tag.strip() or None,
                              limit=PAGE_HITS)
            hits = [_shown(h, text is not None) for h in found]
    except kb.KbError as problem:
        return _kb_page(request, caller, asked, None, search_problem=str(problem),
                        status_code=400)
    return _kb_page(request, caller, asked, hits)


@pages.post("/kb")
def kb_add_page(
    request: Request, caller: PageCaller, hub: HubDep,
    kind: Annotated[str, Form(max_length=32)] = "",
    title: Annotated[str, Form(max_length=2 * kb.TITLE_MAX)] = "",
    body: Annotated[str, Form(max_length=2 * kb.BODY_MAX)] = "",
    tags: Annotated[str, Form(max_length=5000)] = "",
    countries: Annotated[str, Form(max_length=5000)] = "",
    crime_types: Annotated[list[str] | None, Form()] = None,
    legal_issues: Annotated[str, Form(max_length=5000)] = "",
    source: Annotated[str, Form(max_length=2 * kb.SOURCE_MAX)] = "",
) -> Response:
    """Add an entry from the form (the same call, and audit, as ``POST /api/v1/kb``), then its
    page; a bad entry shows the form again, as typed, with every problem named."""
    assert caller.actor is not None
    draft: dict[str, Any] = {
        "kind": kind, "title": title, "body": body, "tags": tags, "countries": countries,
        "crime_types": crime_types or [], "legal_issues": legal_issues, "source": source}
    data = {**draft, "tags": _split(tags), "countries": _split(countries),
            "legal_issues": _split(legal_issues)}
    try:
        with hub.session() as session:
            added = kb.add(session, caller.actor, data)
    except kb.KbError as problem:
        return _kb_page(request, caller, {}, None, draft=draft,
                        add_problems=kb.problems(data) or [str(problem)], status_code=400)
    return RedirectResponse(f"/kb/{added.id}", status_code=303)


@pages.get("/kb/{entry_id}", response_class=HTMLResponse)
def kb_entry_page(request: Request, entry_id: EntryId, caller: PageCaller,
                  hub: HubDep) -> HTMLResponse:
    """One entry in full (the same call, and audit, as ``GET /api/v1/kb/{entry_id}``)."""
    assert caller.actor is not None
    with hub.session() as session:
        entry = KbEntryPublic.of(kb.get(session, caller.actor, entry_id))
    return render(request, "kb_entry.html", {
        "entry": entry, "linked": entry.source.startswith(("https://", "http://")),
    }, actor=caller.actor, csrf_token=caller.csrf_token)
