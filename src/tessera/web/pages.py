"""The dashboard's pages, rendered on the server from the same hub calls as the API."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tessera.cooperation import cases, requests
from tessera.hub import access, entities, hits, logins, oversight, records, submissions
from tessera.network.paths import NotInNetwork
from tessera.standard.codes import HandlingCode
from tessera.standard.records import RECORD_TYPES
from tessera.web import moneyflow
from tessera.web.deps import (
    SESSION_COOKIE,
    Caller,
    HubDep,
    NotSignedIn,
    StateDep,
    Throttled,
    checked_caller,
    same_origin,
)
from tessera.web.flows import flows
from tessera.web.picture import Only
from tessera.web.render import render
from tessera.web.routes import network, patterns
from tessera.web.routes.session import start_session
from tessera.web.routes.submissions import receive
from tessera.web.schemas import (
    CASE_CODE_PATTERN,
    MAX_BIG_ID,
    MAX_ID,
    AlertPublic,
    CommunityPublic,
    NeighbourhoodPublic,
    RecordDetail,
    RecordSummary,
    RiskPublic,
    SubmissionPublic,
    SubmissionResult,
)
from tessera.web.worldmap import world_map

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


async def signed_in_page(caller: Annotated[Caller, Depends(checked_caller)]) -> Caller:
    if caller.actor is None:
        raise NotSignedIn("sign in to see this page")
    return caller


PageCaller = Annotated[Caller, Depends(signed_in_page)]


def _page(request: Request, template: str, caller: Caller, **context: object) -> HTMLResponse:
    return render(request, template, context, actor=caller.actor, csrf_token=caller.csrf_token)


def _local(target: str | None) -> str:
    """Where to go after signing in: only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, then: Annotated[str | None, Query(alias="next", max_length=2000)] = None
) -> HTMLResponse:
    return render(request, "login.html", {"next": _local(then), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    state: StateDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1000)],
    then: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    if not same_origin(request):
        return render(request, "login.html", {"next": "/", "error": "sign in from this site"},
                      status_code=403)
    response = RedirectResponse(_local(then), status_code=303)
    try:
        start_session(request, response, state, username, password)
    except (NotSignedIn, Throttled) as refused:
        status = 429 if isinstance(refused, Throttled) else 401
        return render(request, "login.html", {"next": _local(then), "error": str(refused)},
                      status_code=status)
    return response


@router.post("/logout")
def logout(caller: PageCaller, hub: HubDep) -> Response:
    if caller.login_id is not None:
        with hub.session() as session:
            logins.sign_out(session, caller.login_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, caller: PageCaller, hub: HubDep) -> HTMLResponse:
    actor = caller.actor
    assert actor is not None
    with hub.session() as session:
        counts = (records.count_visible(session, actor)
                  if access.allowed(actor, "record.read") else {})
        recent = (
            [SubmissionPublic.of(s)
             for s in submissions.list_submissions(session, actor, limit=10)]
            if access.allowed(actor, "submission.read") else []
        )
        # what needs the agency's attention: new hits, overdue requests, open cases
        today = dt.datetime.now(dt.UTC).date()
        notices = (hits.notices_for(session, actor, unread_only=True, limit=200)
                   if access.allowed(actor, "hit.read") else None)
        overdue = (requests.listing(session, actor, overdue_on=today, limit=200)
                   if access.allowed(actor, "request.read") else None)
        open_cases = (Counter(c.status for c in cases.list_cases(session, actor)
                              if c.closed_at is None)
                      if access.allowed(actor, "case.read") else None)
    return _page(request, "overview.html", caller, counts=counts, total=sum(counts.values()),
                 submissions=recent, notices=notices, overdue=overdue, open_cases=open_cases,
                 statuses=[s.value for s in cases.STATUSES])


@router.get("/records", response_class=HTMLResponse)
def records_page(
    request: Request,
    caller: PageCaller,
    hub: HubDep,
    record_type: Annotated[str, Query(alias="type", max_length=32)] = "",
    agency: Annotated[str, Query(max_length=32)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    assert caller.actor is not None
    with hub.session() as session:
        rows = [RecordSummary.of(r) for r in records.list_records(
            session, caller.actor,
            record_type=record_type if record_type in RECORD_TYPES else None,
            agency_code=agency or None, text=q or None, limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )]
    return _page(
        request, "records.html", caller, rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE, page=page, types=list(RECORD_TYPES),
        filters={"type": record_type, "agency": agency, "q": q},
    )


@router.get("/records/{agency}/{ref}", response_class=HTMLResponse)
def record_page(
    request: Request, agency: str, ref: str, caller: PageCaller, hub: HubDep
) -> HTMLResponse:
    assert caller.actor is not None
    with hub.session() as session:
        row = records.get_record(session, caller.actor, agency, ref)
        record = RecordDetail.of(row)
        versions = (
            [RecordDetail.of(r) for r in records.history(session, caller.actor, agency, ref)]
            if access.allowed(caller.actor, "record.history") else []
        )
        entity, members = (
            entities.entity_of(session, caller.actor, row)
            if access.allowed(caller.actor, "entity.read") else (None, [])
        )
        same = [RecordSummary.of(r) for r in members if (r.agency.code, r.ref) != (agency, ref)]
    return _page(request, "record.html", caller, record=record, versions=versions,
                 entity=entity, same=same,
                 can_judge=access.allowed(caller.actor, "entity.judge"))


@router.post("/records/{agency}/{ref}/judgement")
def judge_page(
    agency: str,
    ref: str,
    caller: PageCaller,
    hub: HubDep,
    other: Annotated[str, Form(max_length=170)],
    verdict: Annotated[str, Form(max_length=16)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        entities.judge(session, caller.actor, f"{agency}/{ref}", other, verdict, note)
    return RedirectResponse(f"/records/{quote(agency)}/{quote(ref)}?judged=1", status_code=303)


@router.get("/submissions", response_class=HTMLResponse)
def submissions_page(request: Request, caller: PageCaller, hub: HubDep) -> HTMLResponse:
    assert caller.actor is not None
    with hub.session() as session:
        rows = [SubmissionPublic.of(s)
                for s in submissions.list_submissions(session, caller.actor, limit=100)]
    return _page(request, "submissions.html", caller, rows=rows, result=None,
                 can_submit=access.allowed(caller.actor, "record.submit"))


@router.post("/submissions", response_class=HTMLResponse)
def submit_page(
    request: Request,
    caller: PageCaller,
    state: StateDep,
    file: UploadFile,
    accept_valid: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    assert caller.actor is not None
    result = SubmissionResult.of(
        receive(state, caller.actor, file, accept_valid=accept_valid)
    )
    status = 422 if result.status == "rejected" else 201
    response = _page(request, "report.html", caller, result=result)
    response.status_code = status
    return response


@router.get("/hits", response_class=HTMLResponse)
def hits_page(
    request: Request,
    caller: PageCaller,
    hub: HubDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    marked: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
) -> HTMLResponse:
    """Your agency's hits, newest first, and its unread notices (hit/no-hit matching)."""
    assert caller.actor is not None
    with hub.session() as session:
        rows = hits.hits_for(session, caller.actor, limit=PAGE_SIZE + 1,
                             offset=(page - 1) * PAGE_SIZE)
        unread = hits.notices_for(session, caller.actor, unread_only=True, limit=1000)
    return _page(
        request, "hits.html", caller, rows=rows[:PAGE_SIZE], more=len(rows) > PAGE_SIZE,
        page=page, unread=len(unread), unread_capped=len(unread) >= 1000,
        through=unread[0].id if unread else None, marked=marked,
        can_acknowledge=access.allowed(caller.actor, "hit.acknowledge"),
        can_follow_up=access.allowed(caller.actor, "request.write"),
    )


@router.post("/hits/read")
def mark_hits_read(
    caller: PageCaller,
    hub: HubDep,
    through: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> Response:
    """Mark every notice of your agency read, up to the newest the page showed (a notice that
    arrived since stays unread)."""
    assert caller.actor is not None
    with hub.session() as session:
        done = hits.mark_read(session, caller.actor, through=through)
    return RedirectResponse(f"/hits?marked={done}", status_code=303)


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    caller: PageCaller,
    state: StateDep,
    cache: network.CacheDep,
    a: Annotated[str, Query(max_length=300)] = "",
    b: Annotated[str, Query(max_length=300)] = "",
    focus: Annotated[str, Query(max_length=300)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    role: Annotated[str, Query(max_length=40)] = "",
    community: Annotated[str, Query(max_length=9)] = "",
    year: Annotated[str, Query(max_length=4)] = "",
) -> HTMLResponse:
    """The network you may see: a picture of its key players' neighbourhood — or, with
    ``focus``, of that node's, with a table of its ties — the key players, where to disrupt
    it, its communities, and the paths between two nodes you name (through the same calls,
    and audited the same way, as ``/api/v1/network``). Each node pictured links to its own
    neighbourhood, so the graph is expanded by clicking, without a script. ``country``,
    ``role``, ``community`` and ``year`` narrow the key players' picture and table."""
    assert caller.actor is not None
    looked = {k: v for k, v in (("path", [a.strip(), b.strip()] if a.strip() and b.strip()
                                   else None), ("neighbourhood", focus.strip() or None)) if v}
    entry = network.analysed(state.hub, caller.actor, cache, looked or None)
    only = Only(country.strip().upper(), role.strip(),
                int(community) if community.strip().isdigit() else None,
                int(year) if year.strip().isdigit() else None)
    found, problem = None, None
    if a.strip() and b.strip():
        try:
            found = network.paths_of(entry, a.strip(), b.strip(), 3)
        except NotInNetwork as missing:
            problem = str(missing)
    near, focus_problem = None, None
    if focus.strip():
        try:
            near = network.around(entry, focus.strip())
        except NotInNetwork as missing:
            focus_problem = str(missing)
    around = NeighbourhoodPublic.of(focus.strip(), near) if near is not None else None
    return _page(
        request, "network.html", caller, summary=network.summary_of(entry),
        picture=entry.picture(near, only), players=network.key_players_of(entry, 25, only),
        only=only, choices=network.choices_of(entry),
        disruption=network.disruption_of(entry, 5),
        communities=[CommunityPublic.of(c) for c in entry.analysis.communities[:15]],
        asked={"a": a, "b": b, "focus": focus, "country": only.country, "role": only.role,
               "community": "" if only.community is None else str(only.community),
               "year": "" if only.year is None else str(only.year)}, paths=found, problem=problem,
        around=around, named={n.node: n for n in around.nodes} if around else {},
        focus_ties=[t for t in around.ties if t.source in around.centre] if around else [],
        focus_problem=focus_problem,
    )


@router.get("/patterns", response_class=HTMLResponse)
def patterns_page(request: Request, caller: PageCaller, state: StateDep,
                  cache: patterns.CacheDep) -> HTMLResponse:
    """Corridors (pictured as flows), payment alerts, risk and gaps in the records you may
    see, from the same calls, audited the same way, as ``/api/v1/patterns``."""
    assert caller.actor is not None
    found = patterns.found_for(state.hub, caller.actor, cache, {"patterns": "page"})
    corridors = found.corridors("year")
    alerts = sorted(found.alerts(), key=lambda a: -a.amount)
    risk = found.risk()
    ranked = sorted((*risk.entities, *risk.cases), key=lambda r: -r.score)
    return _page(
        request, "patterns.html", caller, corridors=corridors,
        picture=flows(corridors.corridors), alerts=[AlertPublic.of(a) for a in alerts],
        world=world_map(corridors.corridors,
                        [f.subject for f in corridors.findings if f.kind == "emerging"]),
        counts=dict(Counter(a.typology for a in alerts).most_common()),
        risky=len(ranked), risk=[RiskPublic.of(r) for r in ranked[:15]],
        gaps=[*found.systemic_gaps(), *patterns.cooperation_gaps(state.hub, caller.actor)],
    )


@router.get("/patterns/alerts/{alert}", response_class=HTMLResponse)
def alert_page(request: Request, caller: PageCaller, state: StateDep,
               cache: patterns.CacheDep,
               alert: Annotated[str, PathParam(pattern=r"^[a-z_]+(-[a-z_]+)*-\d{1,9}$")]
               ) -> HTMLResponse:
    """One payment alert as a flow diagram, with its payments: from the same records, read
    and audited the same way, as the Patterns page."""
    assert caller.actor is not None
    found = patterns.found_for(state.hub, caller.actor, cache, {"patterns": "alert",
                                                               "alert": alert})
    try:
        chosen, paid = found.alert(alert)
    except LookupError:
        raise records.NotFound(caller.actor, "patterns.read", f"alert:{alert}",
                               f"no payment alert {alert} in the records you may see") from None
    return _page(request, "alert.html", caller, alert=AlertPublic.of(chosen),
                 picture=moneyflow.diagram(chosen.accounts, paid),
                 payments=sorted(paid, key=lambda p: p.time))


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    caller: PageCaller,
    hub: HubDep,
    box: Annotated[str, Query(pattern="^(all|sent|received)$")] = "all",
    overdue: bool = False,
    hit: Annotated[int | None, Query(ge=1, le=MAX_BIG_ID)] = None,
) -> HTMLResponse:
    """Your agency's requests (``box``; ``overdue`` only), and a form for a new one — with
    ``hit``, a follow-up of that hit (the Hits page links here)."""
    assert caller.actor is not None
    today = dt.datetime.now(dt.UTC).date()
    with hub.session() as session:
        rows = requests.listing(session, caller.actor, box=box,
                                overdue_on=today if overdue else None)
    draft = {"kind": "hit_follow_up" if hit else "information", "to_agency": "",
             "hit": hit or "", "purpose": "", "legal_basis": "", "records": ""}
    return _page(request, "requests.html", caller, rows=rows, box=box, overdue=overdue,
                 today=today, kinds=requests.KINDS, priorities=requests.PRIORITIES,
                 draft=draft, can_write=access.allowed(caller.actor, "request.write"))


@router.post("/requests")
def new_request(
    caller: PageCaller,
    hub: HubDep,
    kind: Annotated[str, Form(max_length=32)],
    purpose: Annotated[str, Form(max_length=2000)],
    to_agency: Annotated[str, Form(max_length=32)] = "",
    hit: Annotated[str, Form(max_length=19)] = "",
    legal_basis: Annotated[str, Form(max_length=300)] = "",
    records: Annotated[str, Form(max_length=20_000)] = "",
    priority: Annotated[str, Form(max_length=16)] = "normal",
    deadline: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Draft a request from the form; then its page, to send it."""
    assert caller.actor is not None
    try:
        hit_id = int(hit) if hit.strip() else None
        due = dt.date.fromisoformat(deadline) if deadline.strip() else None
    except ValueError:
        raise requests.RequestError("the hit is a number and the deadline a date "
                                    "(YYYY-MM-DD)") from None
    with hub.session() as session:
        made = requests.create(
            session, caller.actor, kind=kind, to_agency=to_agency.strip() or None,
            purpose=purpose, legal_basis=legal_basis, hit=hit_id, priority=priority,
            records=[line.strip() for line in records.splitlines() if line.strip()],
            deadline=due)
    return RedirectResponse(f"/requests/{quote(made.code)}", status_code=303)


@router.get("/requests/{code}", response_class=HTMLResponse)
def request_page(request: Request, caller: PageCaller, hub: HubDep,
                 code: Annotated[str, PathParam(max_length=64)]) -> HTMLResponse:
    """A request: what it asks, what was granted (to the requester, read for its purpose
    and audited), its history, and what the caller's side may do next."""
    assert caller.actor is not None
    actor = caller.actor
    with hub.session() as session:
        found = requests.get(session, actor, code)
        side = (requests.REQUESTING if found.requesting_agency == actor.agency_code
                else requests.REQUESTED)
        granted_rows = (requests.granted_records(session, actor, code)
                        if side == requests.REQUESTING and any(g for _, g in found.records)
                        else [])
    return _page(
        request, "request.html", caller, r=found, today=dt.datetime.now(dt.UTC).date(),
        moves=requests.next_moves(found, actor), granted_rows=granted_rows,
        can_grant=(side == requests.REQUESTED and found.status in requests.GRANTABLE
                   and access.allowed(actor, "request.grant")
                   and not all(g for _, g in found.records)),
        can_message=access.allowed(actor, "request.write") and found.status != "draft")


@router.post("/requests/{code}/status")
def move_request_page(caller: PageCaller, hub: HubDep,
                      code: Annotated[str, PathParam(max_length=64)],
                      status: Annotated[str, Form(max_length=32)],
                      note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        requests.move(session, caller.actor, code, status, note)
    return RedirectResponse(f"/requests/{quote(code)}", status_code=303)


@router.post("/requests/{code}/messages")
def message_request_page(caller: PageCaller, hub: HubDep,
                         code: Annotated[str, PathParam(max_length=64)],
                         body: Annotated[str, Form(max_length=20_000)],
                         handling_code: Annotated[str, Form(max_length=2)] = "H2") -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        requests.message(session, caller.actor, code, body, handling_code=handling_code)
    return RedirectResponse(f"/requests/{quote(code)}", status_code=303)


@router.post("/requests/{code}/grants")
def grant_request_page(caller: PageCaller, hub: HubDep,
                       code: Annotated[str, PathParam(max_length=64)],
                       records: Annotated[list[str] | None, Form()] = None) -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        requests.grant(session, caller.actor, code, records)
    return RedirectResponse(f"/requests/{quote(code)}", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    caller: PageCaller,
    hub: HubDep,
    username: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    outcome: Annotated[str, Query(max_length=16)] = "",
    before: Annotated[int | None, Query(ge=1, le=MAX_BIG_ID)] = None,
    verify: bool = False,
) -> HTMLResponse:
    assert caller.actor is not None
    with hub.session() as session:
        entries = oversight.read_log(
            session, caller.actor, username=username or None, action=action or None,
            outcome=outcome or None, before=before, limit=PAGE_SIZE,
        )
    check = oversight.verify_log(hub, caller.actor) if verify else None
    return _page(request, "audit.html", caller, entries=entries, check=check,
                 filters={"username": username, "action": action, "outcome": outcome})


@router.get("/cases", response_class=HTMLResponse)
def cases_page(
    request: Request, caller: PageCaller, hub: HubDep,
    status: Annotated[str, Query(max_length=32)] = "",
) -> HTMLResponse:
    assert caller.actor is not None
    with hub.session() as session:
        found = cases.list_cases(session, caller.actor, status=status or None)
    statuses = [s.value for s in cases.STATUSES]
    board = {s: [c for c in found if c.status == s] for s in statuses if not status or s == status}
    return _page(request, "cases.html", caller, cases=found, status=status, statuses=statuses,
                 board=board, can_open=access.allowed(caller.actor, "case.write"))


@router.post("/cases")
def open_case_page(caller: PageCaller, hub: HubDep,
                   title: Annotated[str, Form(max_length=300)],
                   country: Annotated[str, Form(max_length=64)],
                   crime_types: Annotated[str, Form(max_length=500)] = "") -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        made = cases.open_case(session, caller.actor, title=title, country=country,
                               crime_types=[t.strip() for t in crime_types.split(",")
                                            if t.strip()])
        code = made.code
    return RedirectResponse(f"/cases/{quote(code)}", status_code=303)


@router.get("/cases/{case}", response_class=HTMLResponse)
def case_page(
    request: Request, caller: PageCaller, hub: HubDep,
    case: Annotated[str, PathParam(pattern=CASE_CODE_PATTERN)],
) -> HTMLResponse:
    assert caller.actor is not None
    with hub.session() as session:
        view = cases.get_case(session, caller.actor, case)
    return _page(request, "case.html", caller, view=view,
                 can_write=access.allowed(caller.actor, "case.write"),
                 is_lead=view.case.lead == caller.actor.agency_code,
                 link_kinds=cases.LINK_KINDS, handling_codes=[h.value for h in HandlingCode])


CaseCode = Annotated[str, PathParam(pattern=CASE_CODE_PATTERN)]


def _to_case(code: str) -> Response:
    return RedirectResponse(f"/cases/{quote(code)}", status_code=303)


@router.post("/cases/{case}/status")
def case_status_page(caller: PageCaller, hub: HubDep, case: CaseCode,
                     status: Annotated[str, Form(max_length=32)],
                     reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        cases.set_status(session, caller.actor, case, status, reason=reason)
    return _to_case(case)


@router.post("/cases/{case}/notes")
def case_note_page(caller: PageCaller, hub: HubDep, case: CaseCode,
                   body: Annotated[str, Form(max_length=20000)],
                   handling_code: Annotated[str, Form(max_length=8)] = "") -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        cases.note(session, caller.actor, case, body, handling_code or None)
    return _to_case(case)


@router.post("/cases/{case}/tasks")
def case_task_page(caller: PageCaller, hub: HubDep, case: CaseCode,
                   title: Annotated[str, Form(max_length=300)],
                   agency: Annotated[str, Form(max_length=32)] = "",
                   due: Annotated[str, Form(max_length=10)] = "") -> Response:
    assert caller.actor is not None
    try:
        day = dt.date.fromisoformat(due) if due.strip() else None
    except ValueError:
        raise cases.CaseError(f"the due date is a date (YYYY-MM-DD), not {due!r}") from None
    with hub.session() as session:
        cases.add_task(session, caller.actor, case, title, agency_code=agency or None, due=day)
    return _to_case(case)


@router.post("/cases/{case}/tasks/{task_id}/done")
def case_task_done_page(caller: PageCaller, hub: HubDep, case: CaseCode,
                        task_id: Annotated[int, PathParam(ge=1, le=MAX_BIG_ID)]) -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        cases.complete_task(session, caller.actor, case, task_id)
    return _to_case(case)


@router.post("/cases/{case}/links")
def case_link_page(caller: PageCaller, hub: HubDep, case: CaseCode,
                   kind: Annotated[str, Form(max_length=16)],
                   target: Annotated[str, Form(max_length=300)],
                   note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    assert caller.actor is not None
    with hub.session() as session:
        cases.link(session, caller.actor, case, kind, target, note)
    return _to_case(case)


@router.get("/healthz")
async def health() -> dict[str, str]:
    """For load balancers and the demo's start-up check: the server answers."""
    return {"status": "ok"}
