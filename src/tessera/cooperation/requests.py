"""Cross-border requests: from one agency to another, tracked from draft to answer.

A request has a kind (mutual legal assistance, extradition, asset tracing, freezing or
confiscation, an information request, a hit's follow-up, an invitation to a joint team), a
legal basis (and, optionally, the knowledge-base entry of the treaty it rests on), a purpose,
a priority and a deadline, the case or hit it concerns, and the records of the requested
agency it names. It moves through the statuses of ``TRANSITIONS``, each move made by the
side the table names; every move, message and grant is appended to its history and audited.

Only its two agencies see a request (a draft, only the requesting one); anyone else gets the
same answer as for a request that does not exist. Naming records does not reveal them: the
requester may not see them, and nothing says whether they exist, until the requested
agency grants them, which shares exactly those records with exactly the requester, for the
request's purpose, each read audited as such (``granted_records``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tessera.cooperation.cases import join_by_invitation
from tessera.hub import access
from tessera.hub.access import Actor
from tessera.hub.models import (
    Agency,
    CaseMember,
    CoopCase,
    CoopRequest,
    Hit,
    KbEntry,
    RequestEvent,
    RequestRecord,
    StoredRecord,
    as_utc,
    utcnow,
)
from tessera.hub.numbering import next_code
from tessera.hub.records import NotFound
from tessera.standard.codes import HandlingCode, SharingScope

KINDS = ("mutual_legal_assistance", "extradition", "asset_tracing", "asset_freezing",
         "asset_confiscation", "information", "hit_follow_up", "team_invitation")
PRIORITIES = ("low", "normal", "high", "urgent")
ANSWERS = ("answered", "partially_answered", "refused")  # the requested agency's replies
CLOSED = ("answered", "refused", "withdrawn")  # nothing more is expected
REQUESTING, REQUESTED = "requesting", "requested"
# (from, to) -> the side that may make the move. The requesting agency drafts, sends and may
# withdraw until it has its answer; the requested agency acknowledges, works on and answers
# (a partial answer may be completed). Any other move is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "sent"): REQUESTING,
    ("draft", "withdrawn"): REQUESTING,
    ("sent", "withdrawn"): REQUESTING,
    ("acknowledged", "withdrawn"): REQUESTING,
    ("in_progress", "withdrawn"): REQUESTING,
    ("sent", "acknowledged"): REQUESTED,
    ("sent", "refused"): REQUESTED,
    ("acknowledged", "in_progress"): REQUESTED,
    ("acknowledged", "answered"): REQUESTED,
    ("acknowledged", "partially_answered"): REQUESTED,
    ("acknowledged", "refused"): REQUESTED,
    ("in_progress", "answered"): REQUESTED,
    ("in_progress", "partially_answered"): REQUESTED,
    ("in_progress", "refused"): REQUESTED,
    ("partially_answered", "in_progress"): REQUESTED,
    ("partially_answered", "answered"): REQUESTED,
    ("partially_answered", "withdrawn"): REQUESTING,
}
STATUSES = ("draft", "sent", "acknowledged", "in_progress", "partially_answered", "answered",
            "refused", "withdrawn")
GRANTABLE = ("acknowledged", "in_progress", "partially_answered", "answered")
ATTACHMENT_LIMIT = 10 * 2**20  # bytes


class RequestError(ValueError):
    """A request that cannot be made or moved as asked: says what and why."""


class WrongSide(access.Refusal, PermissionError):
    """A party to a request doing what only the other party does (a requester answering its
    own request, the agency asked withdrawing it): refused, and audited as such."""

    def __init__(self, actor: Actor, action: str, code: str, message: str) -> None:
        super().__init__(actor, action, f"request:{code}", message)


@dataclass(frozen=True, slots=True)
class EventView:
    at: dt.datetime
    username: str
    agency: str
    kind: str
    status_from: str | None
    status_to: str | None
    body: str
    handling_code: str
    attachment_name: str | None
    attachment_sha256: str | None


@dataclass(frozen=True, slots=True)
class RequestView:
    code: str
    kind: str
    requesting_agency: str
    requested_agency: str
    requesting_country: str
    requested_country: str
    legal_basis: str
    kb_entry: int | None
    case: str | None
    hit: int | None
    purpose: str
    priority: str
    deadline: dt.date | None
    status: str
    created_by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    answered_at: dt.datetime | None
    records: tuple[tuple[str, bool], ...]  # (record key, granted)
    events: tuple[EventView, ...]

    def overdue(self, today: dt.date) -> bool:
        return (self.deadline is not None and self.deadline < today
                and self.status not in (*CLOSED, "partially_answered", "draft"))


# --- reading --------------------------------------------------------------------------------


def _party(actor: Actor) -> Any:
    """Requests the actor's agency is a party to (a draft only for its author's agency)."""
    return or_(CoopRequest.requesting_agency_id == actor.agency_id,
               (CoopRequest.requested_agency_id == actor.agency_id)
               & (CoopRequest.status != "draft"))


def _find(session: Session, actor: Actor, code: str, action: str) -> CoopRequest:
    """The request ``code`` if the actor's agency is a party to it; else NotFound, the same
    for one that does not exist (nothing says that it does)."""
    resource = f"request:{code}"
    if not access.allowed(actor, action):
        raise access.Forbidden(actor, action, resource)
    found = session.scalars(select(CoopRequest).where(CoopRequest.code == code,
                                                      _party(actor))).first()
    if found is None:
        raise NotFound(actor, action, resource, f"no request {code!r} that your agency is "
                       "a party to")
    return found


def _side(actor: Actor, request: CoopRequest) -> str:
    return REQUESTING if request.requesting_agency_id == actor.agency_id else REQUESTED


def next_moves(view: RequestView, actor: Actor) -> list[str]:
    """The statuses the actor's side may move request ``view`` (as ``get`` gave it to the
    actor) to now, in the order of ``TRANSITIONS`` (an invitation is not answered in part):
    none for a closed request, and none for a
    user whose roles do not let the side move it (``request.write`` on the requesting side,
    ``request.answer`` on the side asked)."""
    side = REQUESTING if view.requesting_agency == actor.agency_code else REQUESTED
    if not access.allowed(actor, "request.write" if side == REQUESTING else "request.answer"):
        return []
    return [after for (before, after), who in TRANSITIONS.items()
            if before == view.status and who == side
            and not (view.kind == "team_invitation" and after == "partially_answered")]


def view_of(session: Session, request: CoopRequest) -> RequestView:
    """A request as its parties see it (no permission check: the callers make it)."""
    events = session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id)
                             .order_by(RequestEvent.id)).all()
    records = session.execute(select(RequestRecord.record_key, RequestRecord.granted_at)
                              .where(RequestRecord.request_id == request.id)
                              .order_by(RequestRecord.record_key)).all()
    case = session.scalar(select(CoopCase.code).where(CoopCase.id == request.case_id)) \
        if request.case_id else None
    return RequestView(
        code=request.code, kind=request.kind,
        requesting_agency=request.requesting_agency.code,
        requested_agency=request.requested_agency.code,
        requesting_country=request.requesting_agency.country,
        requested_country=request.requested_agency.country,
        legal_basis=request.legal_basis, kb_entry=request.kb_entry_id, case=case,
        hit=request.hit_id, purpose=request.purpose, priority=request.priority,
        deadline=request.deadline, status=request.status, created_by=request.created_by,
        created_at=as_utc(request.created_at),
        sent_at=as_utc(request.sent_at) if request.sent_at else None,
        acknowledged_at=as_utc(request.acknowledged_at) if request.acknowledged_at else None,
        answered_at=as_utc(request.answered_at) if request.answered_at else None,
        records=tuple((key, granted is not None) for key, granted in records),
        events=tuple(EventView(
            at=as_utc(e.at), username=e.username, agency=e.agency.code, kind=e.kind,
            status_from=e.status_from, status_to=e.status_to, body=e.body,
            handling_code=e.handling_code, attachment_name=e.attachment_name,
            attachment_sha256=hashlib.sha256(e.attachment).hexdigest() if e.attachment
            else None) for e in events),
    )


def get(session: Session, actor: Actor, code: str) -> RequestView:
    """One request the actor's agency is a party to, with its records and history."""
    request = _find(session, actor, code, "request.read")
    access.authorize(session, actor, "request.read", f"request:{code}")
    return view_of(session, request)


def attachment(session: Session, actor: Actor, code: str, event: int) -> tuple[str, bytes]:
    """The attachment of the ``event``-th entry (from 1) of a request's history."""
    request = _find(session, actor, code, "request.read")
    rows = session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id)
                           .order_by(RequestEvent.id)).all()
    if not 1 <= event <= len(rows) or rows[event - 1].attachment is None:
        raise RequestError(f"request {code} has no attachment at entry {event}")
    found = rows[event - 1]
    access.authorize(session, actor, "request.read", f"request:{code}",
                     {"attachment": found.attachment_name})
    return found.attachment_name or "attachment", found.attachment or b""


def listing(session: Session, actor: Actor, *, box: str = "all", status: str | None = None,
            overdue_on: dt.date | None = None, due_by: dt.date | None = None,
            limit: int = 200) -> list[RequestView]:
    """The requests of the actor's agency, newest first: ``box`` sent, received or all;
    ``status`` one of ``STATUSES``; ``overdue_on`` a day: only those past their deadline
    then and still awaiting an answer; ``due_by`` a day: only those awaiting an answer whose
    deadline falls on or before it (the reminders)."""
    if box not in ("all", "sent", "received"):
        raise RequestError(f"box is all, sent or received, not {box!r}")
    if status is not None and status not in STATUSES:
        raise RequestError(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    if not access.allowed(actor, "request.read"):
        raise access.Forbidden(actor, "request.read", "requests")
    query = select(CoopRequest).where(_party(actor))
    if box == "sent":
        query = query.where(CoopRequest.requesting_agency_id == actor.agency_id)
    elif box == "received":
        query = query.where(CoopRequest.requested_agency_id == actor.agency_id)
    if status is not None:
        query = query.where(CoopRequest.status == status)
    awaited = CoopRequest.status.in_(("sent", "acknowledged", "in_progress"))
    if overdue_on is not None:
        query = query.where(CoopRequest.deadline < overdue_on, awaited)
    if due_by is not None:
        query = query.where(CoopRequest.deadline <= due_by, awaited)
    rows = session.scalars(query.order_by(CoopRequest.id.desc())
                           .limit(max(1, min(limit, 1000)))).all()
    access.authorize(session, actor, "request.read", "requests",
                     {"box": box, "status": status, "codes": [r.code for r in rows]})
    return [view_of(session, r) for r in rows]


# --- making and moving ------------------------------------------------------------------------


# An arbitrary constant naming the lock that serialises the numbering of requests on
# PostgreSQL (``tessera.hub.numbering``).
_PG_LOCK_KEY = 0x7E0E5751


def _new_code(session: Session, actor: Actor) -> str:
    """The next code of the actor's agency this year: REQ-AGENCY-YEAR-NNNN."""
    return next_code(session, CoopRequest.code, CoopRequest.requesting_agency_id,
                     actor.agency_id, f"REQ-{actor.agency_code}-{utcnow().year}-",
                     _PG_LOCK_KEY)


def _event(session: Session, actor: Actor, request: CoopRequest, kind: str, *,
           status_from: str | None = None, status_to: str | None = None, body: str = "",
           handling_code: str = "H2", attachment: tuple[str, bytes] | None = None) -> None:
    session.add(RequestEvent(
        request_id=request.id, at=utcnow(), username=actor.username,
        agency_id=actor.agency_id, kind=kind, status_from=status_from, status_to=status_to,
        body=body, handling_code=handling_code,
        attachment_name=attachment[0] if attachment else None,
        attachment=attachment[1] if attachment else None))


def _handling(code: str) -> str:
    try:
        return HandlingCode(code).value
    except ValueError:
        raise RequestError(f"handling code {code!r} is not one of "
                           f"{', '.join(h.value for h in HandlingCode)}") from None


def create(
    session: Session, actor: Actor, *, kind: str, to_agency: str | None = None,
    purpose: str, legal_basis: str = "", records: list[str] | None = None,
    case: str | None = None, hit: int | None = None, kb_entry: int | None = None,
    priority: str = "normal", deadline: dt.date | None = None,
) -> RequestView:
    """A draft request from the actor's agency. A hit's follow-up names the hit (one of the
    agency's own) and goes to the agency holding the other record, naming that record;
    other kinds name the agency asked (``to_agency``) and may name its records
    ("AGENCY/ref"). ``case`` is a case the agency works on; ``kb_entry`` the knowledge-base
    entry of the legal basis."""
    resource = "requests"
    if not access.allowed(actor, "request.write"):
        raise access.Forbidden(actor, "request.write", resource)
    if kind not in KINDS:
        raise RequestError(f"unknown kind of request {kind!r}: one of {', '.join(KINDS)}")
    if priority not in PRIORITIES:
        raise RequestError(f"priority is one of {', '.join(PRIORITIES)}, not {priority!r}")
    if len(purpose.strip()) < 10:
        raise RequestError("a request states its purpose, in at least 10 characters")
    named = list(dict.fromkeys(records or []))
    if kind == "hit_follow_up":
        if hit is None:
            raise RequestError("a hit's follow-up names the hit (its id)")
        found = session.get(Hit, hit)
        if found is None or actor.agency_id not in (found.left_agency_id,
                                                    found.right_agency_id):
            raise NotFound(actor, "request.write", f"hit:{hit}",
                           f"no hit {hit} of your agency's records")
        mine_left = found.left_agency_id == actor.agency_id
        other = found.right_agency if mine_left else found.left_agency
        other_ref = found.right_ref if mine_left else found.left_ref
        if to_agency not in (None, other.code):
            raise RequestError(f"hit {hit}'s other record is {other.code}'s, not "
                               f"{to_agency}'s")
        to_agency = other.code
        named = list(dict.fromkeys([f"{other.code}/{other_ref}", *named]))
    elif hit is not None:
        raise RequestError("only a hit's follow-up names a hit")
    if not to_agency:
        raise RequestError("name the agency asked (to_agency)")
    target = session.scalar(select(Agency).where(Agency.code == to_agency))
    if target is None:
        raise RequestError(f"no member agency {to_agency!r}")
    if target.id == actor.agency_id:
        raise RequestError("an agency does not send requests to itself")
    for key in named:
        agency, _, ref = key.partition("/")
        if agency != target.code or not ref:
            raise RequestError(f"record {key!r}: a request names records of the agency asked "
                               f"as {target.code}/REF")
    case_id = None
    if case is not None:
        case_id = session.scalar(
            select(CoopCase.id).join(CaseMember, CaseMember.case_id == CoopCase.id)
            .where(CoopCase.code == case, CaseMember.agency_id == actor.agency_id,
                   CaseMember.left_at.is_(None)))
        if case_id is None:
            raise NotFound(actor, "request.write", f"case:{case}",
                           f"no case {case!r} that your agency works on")
    if kind == "team_invitation":
        if case_id is None:
            raise RequestError("an invitation to a joint team names the case")
        lead = session.scalar(select(CoopCase.lead_agency_id).where(CoopCase.id == case_id))
        if lead != actor.agency_id:
            raise RequestError(f"only case {case}'s lead agency invites agencies to its team")
        # inviting is changing the team, which is the lead's coordinators' (case.team)
        access.authorize(session, actor, "case.team", f"case:{case}",
                         {"invite": to_agency})
    if kb_entry is not None and session.get(KbEntry, kb_entry) is None:
        raise RequestError(f"no knowledge-base entry {kb_entry}")
    if deadline is not None and deadline < utcnow().date():
        raise RequestError(f"the deadline {deadline} has passed already")
    request = CoopRequest(
        code=_new_code(session, actor), kind=kind, requesting_agency_id=actor.agency_id,
        requested_agency_id=target.id, legal_basis=legal_basis.strip(),
        kb_entry_id=kb_entry, case_id=case_id, hit_id=hit, purpose=purpose.strip(),
        priority=priority, deadline=deadline, status="draft", created_by=actor.username,
        created_at=utcnow(), updated_at=utcnow())
    session.add(request)
    session.flush()
    session.add_all(RequestRecord(request_id=request.id, record_key=key) for key in named)
    _event(session, actor, request, "created", status_to="draft", body=purpose.strip())
    access.authorize(session, actor, "request.write", f"request:{request.code}",
                     {"kind": kind, "to": target.code, "records": named, "hit": hit})
    session.flush()
    session.refresh(request)
    return view_of(session, request)


def move(session: Session, actor: Actor, code: str, status: str, note: str = "") -> RequestView:
    """Move a request to ``status``, if ``TRANSITIONS`` lets the actor's side make that move;
    a reply of the requested agency needs ``request.answer``."""
    if status not in STATUSES:
        raise RequestError(f"unknown status {status!r}: one of {', '.join(STATUSES)}")
    request = _find(session, actor, code, "request.read")
    side = _side(actor, request)
    allowed_side = TRANSITIONS.get((request.status, status))
    if allowed_side is None:
        raise RequestError(f"request {code} cannot go from {request.status} to {status}")
    if request.kind == "team_invitation" and status == "partially_answered":
        raise RequestError(f"request {code} is an invitation: it is accepted (answered) or "
                           "refused, not answered in part")
    action = "request.answer" if allowed_side == REQUESTED else "request.write"
    if allowed_side != side:
        raise WrongSide(actor, action, code, f"request {code}: only the {allowed_side} "
                        f"agency moves it from {request.status} to {status}")
    access.authorize(session, actor, action, f"request:{code}",
                     {"from": request.status, "to": status})
    now = utcnow()
    before = request.status
    request.status, request.updated_at = status, now
    if status == "sent":
        request.sent_at = now
    elif status == "acknowledged":
        request.acknowledged_at = now
    elif status in ANSWERS and request.answered_at is None:
        request.answered_at = now  # the first reply: what response times measure
    _event(session, actor, request, "status", status_from=before, status_to=status, body=note)
    if request.kind == "team_invitation" and status == "answered" and request.case_id:
        # accepting the lead's invitation is joining its team
        join_by_invitation(session, actor, request.case_id, code)
    session.flush()
    return view_of(session, request)


def message(session: Session, actor: Actor, code: str, body: str, *,
            handling_code: str = "H2", attachment: tuple[str, bytes] | None = None
            ) -> RequestView:
    """A message from either agency on a request it has sent or received (not a draft's
    recipient), with its handling code and at most one attachment."""
    request = _find(session, actor, code, "request.read")
    if not body.strip() and attachment is None:
        raise RequestError("a message says something or carries an attachment")
    if attachment is not None:
        name, content = attachment
        if len(content) > ATTACHMENT_LIMIT:
            raise RequestError(f"attachment {name!r} is {len(content):,} bytes; at most "
                               f"{ATTACHMENT_LIMIT:,}")
        attachment = (name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "attachment",
                      content)
    access.authorize(session, actor, "request.write", f"request:{code}",
                     {"message": True, "attachment": attachment[0] if attachment else None})
    _event(session, actor, request, "message", body=body.strip(),
           handling_code=_handling(handling_code), attachment=attachment)
    request.updated_at = utcnow()
    session.flush()
    return view_of(session, request)


def grant(session: Session, actor: Actor, code: str, records: list[str] | None = None
          ) -> RequestView:
    """Share records a request names with the requester: those in ``records`` (all it
    names by default), which must be the actor's agency's current records. Only the
    requested agency's coordinators grant, once the request is acknowledged."""
    request = _find(session, actor, code, "request.read")
    if _side(actor, request) != REQUESTED:
        raise WrongSide(actor, "request.grant", code,
                        f"request {code}: only the agency asked grants its records")
    if not access.allowed(actor, "request.grant"):
        raise access.Forbidden(actor, "request.grant", f"request:{code}")
    if request.status not in GRANTABLE:
        raise RequestError(f"request {code} is {request.status}: records are granted once "
                           "it is acknowledged")
    named = {r.record_key: r for r in session.scalars(
        select(RequestRecord).where(RequestRecord.request_id == request.id))}
    chosen = list(dict.fromkeys(records)) if records else sorted(named)
    if not chosen:
        raise RequestError(f"request {code} names no record to grant")
    for key in chosen:
        if key not in named:
            raise RequestError(f"request {code} does not name {key!r}; only what it names "
                               "is granted")
        agency, _, ref = key.partition("/")
        row = session.scalars(select(StoredRecord).where(
            StoredRecord.agency_id == actor.agency_id, StoredRecord.ref == ref,
            StoredRecord.is_current.is_(True))).first() if agency == actor.agency_code else None
        if row is None:
            raise RequestError(f"your agency has no current record {key!r} to grant")
        if row.retracted:
            raise RequestError(f"record {key} is retracted: there is nothing to grant")
        if _consent_forbids(row):
            raise RequestError(f"{key}: the victim did not consent to sharing it beyond your "
                               "agency, and a grant does not override that")
    access.authorize(session, actor, "request.grant", f"request:{code}",
                     {"records": chosen, "to": request.requesting_agency.code,
                      "purpose": request.purpose})
    now = utcnow()
    for key in chosen:
        if named[key].granted_at is None:
            named[key].granted_at, named[key].granted_by = now, actor.username
    _event(session, actor, request, "grant", body=", ".join(chosen))
    request.updated_at = now
    session.flush()
    return view_of(session, request)


def _consent_forbids(row: StoredRecord) -> bool:
    """Whether a victim's consent keeps the record with its owner: a person who refused, or
    a record about them narrowed to its owner by that refusal (its scope below what the
    agency asked for). A grant shares with one agency, as a partner share does."""
    partners = access.scope_level(SharingScope.partners)
    if row.consent_cap is not None and row.consent_cap < partners:
        return True
    return row.scope_level < partners and row.scope_level < row.requested_level


def granted_records(session: Session, actor: Actor, code: str) -> list[tuple[str, dict[str, Any]]]:
    """The records granted to the requester on request ``code``, as (key, content): only to
    users of the requesting agency, and each read audited as a read of that record for the
    request's purpose."""
    request = _find(session, actor, code, "request.read")
    if _side(actor, request) != REQUESTING:
        raise WrongSide(actor, "request.read", code, f"request {code}: its granted records "
                        "are for the requesting agency; yours are yours to read already")
    access.authorize(session, actor, "request.read", f"request:{code}", {"granted": True})
    if request.status in ("withdrawn", "refused"):
        return []  # a grant serves its request's purpose, which is over
    keys = session.scalars(select(RequestRecord.record_key).where(
        RequestRecord.request_id == request.id, RequestRecord.granted_at.is_not(None))
        .order_by(RequestRecord.record_key)).all()
    out = []
    for key in keys:
        ref = key.partition("/")[2]
        row = session.scalars(select(StoredRecord).where(
            StoredRecord.agency_id == request.requested_agency_id, StoredRecord.ref == ref,
            StoredRecord.is_current.is_(True))).first()
        if row is None or row.retracted or _consent_forbids(row):
            continue  # gone, retracted by its owner, or consent withdrawn since the grant
        access.authorize(session, actor, "request.read", f"record:{key}",
                         {"request": code, "purpose": request.purpose, "granted": True})
        out.append((key, dict(row.data)))
    return out
