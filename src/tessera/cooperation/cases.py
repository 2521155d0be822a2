"""Cases and joint investigation teams: a case's lifecycle, its member agencies, what it links,
its notes and tasks, and the timeline of everything that happened to it.

A case is led by the agency that opened it; the lead's coordinators add other agencies to
make it a joint investigation team (and remove them; the lead stays). Only users of its
current member agencies see or work on a case: to anyone else it does not exist, and asking
for it is refused and audited exactly as asking for a case that does not exist.

Every contribution (a link, a note) keeps its agency and its handling code. One marked H3
("other restrictions, stated with the record") is shown only to its own agency's users; the
other members see that it is there, who added it and when, but not its content. Every change
appends an event to the case's timeline, and every read and write goes through
``tessera.hub.access.authorize``, which audits it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Exists, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from tessera.hub import access, records
from tessera.hub.access import Actor, Forbidden, Refusal
from tessera.hub.models import (
    Agency,
    CaseEvent,
    CaseLink,
    CaseMember,
    CaseTask,
    CoopCase,
    Entity,
    KbEntry,
    StoredRecord,
    as_utc,
    utcnow,
)
from tessera.hub.numbering import next_code
from tessera.hub.records import NotFound
from tessera.standard.codes import HANDLING_CODE_MEANING, CaseStatus, HandlingCode
from tessera.standard.countries import country_code

S = CaseStatus
# The lifecycle, as data: the statuses a case may move to from each status. Any other move is
# refused. A closed case is reopened into investigation.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.reported: frozenset({S.under_investigation}),
    S.under_investigation: frozenset({S.prosecution}),
    S.prosecution: frozenset({S.adjudicated}),
    S.adjudicated: frozenset({S.closed}),
    S.closed: frozenset({S.under_investigation}),  # reopen
}
STATUSES: tuple[CaseStatus, ...] = tuple(TRANSITIONS)
LINK_KINDS = ("record", "entity", "kb")
# A crime type is a short label (e.g. "trafficking_labour", "money_laundering").
CRIME_TYPE_PATTERN = r"[a-z][a-z0-9_]{1,47}"
CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
TITLE_MAX, NOTE_MAX, CRIME_TYPES_MAX = 300, 20_000, 20
OWN_ONLY = HandlingCode.H3  # contributions shown to their own agency's users only
# An arbitrary constant naming the advisory lock that serialises the numbering of cases
# (``tessera.hub.numbering``).
_PG_LOCK_KEY = 0xCA5E


class CaseError(ValueError):
    """A request about a case that cannot be carried out as asked (a bad value, a member
    already there, a task already done)."""


class CaseConflict(CaseError):
    """A change the case's present state does not allow (it is closed, the member or link is
    already there, the task already done)."""


class TransitionRefused(CaseConflict):
    """A status change the lifecycle does not allow."""


class NotLead(Forbidden):
    """An action only the lead agency's users (or its coordinators) may take."""

    def __init__(self, actor: Actor, action: str, resource: str, message: str) -> None:
        Refusal.__init__(self, actor, action, resource, message)


# --- views -----------------------------------------------------------------------------------


def withheld_notice(agency: str) -> str:
    return (f"withheld: {agency} marked this {OWN_ONLY} ({HANDLING_CODE_MEANING[OWN_ONLY]}); "
            f"only {agency}'s users see its content — ask {agency}")


@dataclass(frozen=True)
class MemberView:
    agency: str
    role: str  # lead or member
    joined_at: dt.datetime
    added_by: str
    left_at: dt.datetime | None


@dataclass(frozen=True)
class LinkView:
    """A linked record ("AGENCY/ref"), entity or knowledge-base entry. ``withheld`` says why
    ``target`` and ``note`` are not shown (None when they are)."""

    id: int
    kind: str
    target: str | None
    note: str | None
    agency: str
    added_by: str
    added_at: dt.datetime
    handling_code: str
    withheld: str | None


@dataclass(frozen=True)
class TaskView:
    id: int
    title: str
    agency: str
    due: dt.date | None
    created_by: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by: str | None


@dataclass(frozen=True)
class EventView:
    """One timeline entry. ``withheld`` says why ``detail`` and ``body`` are not shown."""

    id: int
    at: dt.datetime
    username: str
    agency: str
    kind: str
    detail: dict[str, Any] | None
    body: str | None
    handling_code: str
    withheld: str | None


@dataclass(frozen=True)
class CaseSummary:
    code: str
    title: str
    lead: str
    country: str
    status: str
    crime_types: list[str]
    handling_code: str
    record_ref: str | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    members: list[str]  # current member agencies, the lead first


@dataclass(frozen=True)
class CaseView:
    case: CaseSummary
    next_statuses: list[str]
    members: list[MemberView]
    links: list[LinkView]
    tasks: list[TaskView]
    timeline: list[EventView]


# --- checking values -------------------------------------------------------------------------


def _handling(value: str | None, actor_agency: Agency) -> HandlingCode:
    if value is None:
        return HandlingCode(actor_agency.default_handling_code)
    try:
        return HandlingCode(value.strip().upper())
    except ValueError:
        raise CaseError(f"handling code {value!r} is not one of "
                        f"{', '.join(HandlingCode)}") from None


def _status(value: str) -> CaseStatus:
    for status in STATUSES:
        if status.value == value:
            return status
    raise CaseError(f"case status {value!r} is not one of {', '.join(STATUSES)}")


def _text(what: str, value: str, most: int) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > most:
        raise CaseError(f"a case's {what} has 1 to {most} characters (got {len(cleaned)})")
    return cleaned


def _crime_types(values: Iterable[str]) -> list[str]:
    found = list(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    bad = [v for v in found if not re.fullmatch(CRIME_TYPE_PATTERN, v)]
    if bad:
        raise CaseError(f"crime type {bad[0]!r} is not a short label (lower-case letters, "
                        "digits and '_', e.g. 'trafficking_labour')")
    if len(found) > CRIME_TYPES_MAX:
        raise CaseError(f"a case has at most {CRIME_TYPES_MAX} crime types (got {len(found)})")
    return found


def split_ref(target: str) -> tuple[str, str]:
    """("AGENCY", "ref") from "AGENCY/ref"."""
    agency, slash, ref = target.strip().partition("/")
    if not slash or not agency or not ref:
        raise CaseError(f"a record is named 'AGENCY/ref' (got {target!r})")
    return agency, ref


# --- finding cases, as the actor may see them ------------------------------------------------


def _resource(code: str) -> str:
    return f"case:{code}"


def _current_member(case_id: int | InstrumentedAttribute[int], agency_id: int) -> Exists:
    return select(CaseMember.id).where(
        CaseMember.case_id == case_id, CaseMember.agency_id == agency_id,
        CaseMember.left_at.is_(None),
    ).exists()


def _find(session: Session, actor: Actor, action: str, code: str) -> CoopCase:
    """The case ``code`` if the actor's roles allow ``action`` and the actor's agency is one
    of its current members; a case the agency is not a member of is not found, as one that
    does not exist (both refusals are audited)."""
    resource = _resource(code)
    if not access.allowed(actor, action):
        raise Forbidden(actor, action, resource)
    case = session.scalar(
        select(CoopCase).where(CoopCase.code == code,
                               _current_member(CoopCase.id, actor.agency_id))
    )
    if case is None:
        raise NotFound(actor, action, resource, f"no case {code!r} that you may see")
    return case


def _writable(session: Session, actor: Actor, code: str) -> CoopCase:
    case = _find(session, actor, "case.write", code)
    if case.status == S.closed:
        raise CaseConflict(f"case {code} is closed: reopen it (status under_investigation) "
                        "before changing it")
    return case


def _lead_only(actor: Actor, action: str, case: CoopCase, what: str) -> None:
    if actor.agency_id != case.lead_agency_id:
        raise NotLead(actor, action, _resource(case.code),
                      f"only the lead agency of case {case.code} ({case.lead_agency.code}) "
                      f"may {what}")


def _event(session: Session, actor: Actor, case: CoopCase, kind: str, *,
           detail: dict[str, Any] | None = None, body: str = "",
           handling_code: str | None = None) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=utcnow(), username=actor.username,
                      agency_id=actor.agency_id, kind=kind, detail=detail or {}, body=body,
                      handling_code=handling_code or case.handling_code)
    session.add(event)
    session.flush()
    return event


def _agency(session: Session, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise CaseError(f"no agency {code!r}")
    return agency


# --- the lifecycle ---------------------------------------------------------------------------


def _next_code(session: Session, actor: Actor, year: int) -> str:
    """The lead agency's next case number this year: "UA-POL-2026-0001"."""
    return next_code(session, CoopCase.code, CoopCase.lead_agency_id, actor.agency_id,
                     f"{actor.agency_code}-{year}-", _PG_LOCK_KEY)


def open_case(session: Session, actor: Actor, *, title: str, country: str,
              crime_types: Sequence[str] = (), handling_code: str | None = None,
              record_ref: str | None = None) -> CoopCase:
    """Open a case led by the actor's agency. ``record_ref`` ("AGENCY/ref") names the lead
    agency's own case record it follows, which the actor must be able to see."""
    if not access.allowed(actor, "case.write"):
        raise Forbidden(actor, "case.write", "cases")
    lead = _agency(session, actor.agency_code)
    checked_title = _text("title", title, TITLE_MAX)
    where = country_code(country)
    if where is None:
        raise CaseError(f"country {country!r} is not a known country code or name")
    handling = _handling(handling_code, lead)
    types = _crime_types(crime_types)
    if record_ref is not None:
        agency, ref = split_ref(record_ref)
        if agency != actor.agency_code:
            raise CaseError(f"a case follows its lead agency's own case record: {record_ref!r} "
                            f"is not {actor.agency_code}'s")
        row = records.get_record(session, actor, agency, ref, purpose="open a case")
        if row.record_type != "case":
            raise CaseError(f"record {record_ref} is a {row.record_type} record, not a case")
        record_ref = f"{agency}/{ref}"
    now = utcnow()
    case = CoopCase(code=_next_code(session, actor, now.year), title=checked_title,
                    lead_agency_id=actor.agency_id, country=where, status=S.reported.value,
                    crime_types=types, handling_code=handling.value, record_ref=record_ref,
                    opened_at=now, created_by=actor.username)
    session.add(case)
    session.flush()
    session.add(CaseMember(case_id=case.id, agency_id=actor.agency_id, role="lead",
                           joined_at=now, added_by=actor.username))
    _event(session, actor, case, "opened",
           detail={"title": case.title, "country": where, "crime_types": types,
                   "record_ref": record_ref, "lead": actor.agency_code, "status": case.status})
    access.authorize(session, actor, "case.write", _resource(case.code), {"opened": True})
    return case


def set_status(session: Session, actor: Actor, code: str, status: str, *,
               reason: str = "") -> CoopCase:
    """Move the case along its lifecycle (``TRANSITIONS``); only the lead agency's users do."""
    case = _find(session, actor, "case.write", code)
    target = _status(status)
    _lead_only(actor, "case.write", case, "change its status")
    current = _status(case.status)
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(s for s in STATUSES if s in TRANSITIONS[current])
        raise TransitionRefused(f"case {code} cannot go from {current} to {target} "
                                f"(from {current} it may go to: {allowed})")
    case.status = target.value
    case.closed_at = utcnow() if target == S.closed else None
    _event(session, actor, case, "status", detail={"from": current.value, "to": target.value},
           body=reason.strip()[:NOTE_MAX])
    access.authorize(session, actor, "case.write", _resource(code),
                     {"status": {"from": current.value, "to": target.value}})
    return case


# --- the joint team --------------------------------------------------------------------------


def add_member(session: Session, actor: Actor, code: str, agency_code: str) -> CaseMember:
    """Add an agency to the case's joint team (the lead agency's coordinators only)."""
    case = _find(session, actor, "case.team", code)
    _lead_only(actor, "case.team", case, "add or remove members")
    if case.status == S.closed:
        raise CaseConflict(f"case {code} is closed: reopen it before changing its team")
    agency = _agency(session, agency_code)
    member = session.scalar(select(CaseMember).where(CaseMember.case_id == case.id,
                                                     CaseMember.agency_id == agency.id))
    if member is not None and member.left_at is None:
        raise CaseConflict(f"{agency.code} is already a member of case {code}")
    now = utcnow()
    if member is None:
        member = CaseMember(case_id=case.id, agency_id=agency.id, role="member")
        session.add(member)
    member.joined_at, member.added_by, member.left_at = now, actor.username, None
    _event(session, actor, case, "member_added", detail={"agency": agency.code})
    access.authorize(session, actor, "case.team", _resource(code), {"added": agency.code})
    return member


def join_by_invitation(session: Session, actor: Actor, case_id: int, request_code: str
                       ) -> CaseMember:
    """The actor's agency joins the team of case ``case_id`` by accepting (answering) the
    lead's invitation, request ``request_code``: the lead chose to invite, the invitee to
    join. Called by ``requests.move`` only, which has checked both."""
    case = session.get_one(CoopCase, case_id)
    if case.status == S.closed:
        raise CaseConflict(f"case {case.code} is closed: it takes no new member")
    member = session.scalar(select(CaseMember).where(CaseMember.case_id == case.id,
                                                     CaseMember.agency_id == actor.agency_id))
    if member is not None and member.left_at is None:
        return member
    now = utcnow()
    if member is None:
        member = CaseMember(case_id=case.id, agency_id=actor.agency_id, role="member")
        session.add(member)
    member.joined_at, member.added_by, member.left_at = now, actor.username, None
    _event(session, actor, case, "member_added",
           detail={"agency": actor.agency_code, "invitation": request_code})
    access.authorize(session, actor, "request.answer", _resource(case.code),
                     {"joined": actor.agency_code, "invitation": request_code})
    return member


def remove_member(session: Session, actor: Actor, code: str, agency_code: str) -> CaseMember:
    """Take an agency off the case's team; it no longer sees the case. The lead stays."""
    case = _find(session, actor, "case.team", code)
    _lead_only(actor, "case.team", case, "add or remove members")
    member = session.scalar(
        select(CaseMember).join(Agency, Agency.id == CaseMember.agency_id)
        .where(CaseMember.case_id == case.id, Agency.code == agency_code,
               CaseMember.left_at.is_(None)))
    if member is None:
        raise CaseError(f"{agency_code} is not a member of case {code}")
    if member.role == "lead":
        raise CaseError(f"{agency_code} leads case {code} and cannot be removed from it")
    member.left_at = utcnow()
    _event(session, actor, case, "member_removed", detail={"agency": agency_code})
    access.authorize(session, actor, "case.team", _resource(code), {"removed": agency_code})
    return member


# --- the shared workspace --------------------------------------------------------------------


def _check_target(session: Session, actor: Actor, case: CoopCase, kind: str,
                  target: str) -> str:
    """The link's target, once the actor is shown to be allowed to see it (audited)."""
    if kind == "record":
        agency, ref = split_ref(target)
        row = records.get_record(session, actor, agency, ref,
                                 purpose=f"link to case {case.code}")
        if row.retracted:
            raise CaseError(f"record {agency}/{ref} is retracted: there is nothing to link")
        return f"{agency}/{ref}"
    if kind == "entity":
        resource = f"entity:{target}"
        if not access.allowed(actor, "entity.read"):
            raise Forbidden(actor, "entity.read", resource)
        if session.get(Entity, target) is None:
            raise NotFound(actor, "entity.read", resource, f"no entity {target!r}")
        access.authorize(session, actor, "entity.read", resource,
                         {"purpose": f"link to case {case.code}"})
        return target
    if kind == "kb":
        resource = f"kb:{target}"
        if not access.allowed(actor, "kb.read"):
            raise Forbidden(actor, "kb.read", resource)
        digits = target.isascii() and target.isdigit() and len(target) < 19
        entry = session.get(KbEntry, int(target)) if digits else None
        if entry is None:
            raise NotFound(actor, "kb.read", resource, f"no knowledge-base entry {target!r}")
        access.authorize(session, actor, "kb.read", resource,
                         {"purpose": f"link to case {case.code}"})
        return str(entry.id)
    raise CaseError(f"a link's kind is one of {', '.join(LINK_KINDS)} (got {kind!r})")


def link(session: Session, actor: Actor, code: str, kind: str, target: str, note: str = "",
         handling_code: str | None = None) -> CaseLink:
    """Link a record ("AGENCY/ref", one the actor may see), an entity (hub analysts) or a
    knowledge-base entry (a precedent) to the case, with a note, under a handling code (the
    actor's agency's default when None)."""
    case = _writable(session, actor, code)
    handling = _handling(handling_code, _agency(session, actor.agency_code))
    if len(note) > NOTE_MAX:
        raise CaseError(f"a link's note has at most {NOTE_MAX} characters")
    target = _check_target(session, actor, case, kind, target)
    # per agency: another agency's link may be withheld from the actor, and a refusal must
    # not confirm what it withholds
    if session.scalar(select(CaseLink.id).where(CaseLink.case_id == case.id,
                                                CaseLink.kind == kind, CaseLink.target == target,
                                                CaseLink.agency_id == actor.agency_id)
                      ) is not None:
        raise CaseConflict(f"your agency already links {kind} {target} to case {code}")
    row = CaseLink(case_id=case.id, kind=kind, target=target, note=note.strip(),
                   added_by=actor.username, agency_id=actor.agency_id,
                   handling_code=handling.value, added_at=utcnow())
    session.add(row)
    session.flush()
    _event(session, actor, case, "linked", detail={"link": row.id, "kind": kind,
                                                   "target": target},
           body=row.note, handling_code=handling.value)
    access.authorize(session, actor, "case.write", _resource(code),
                     {"linked": {"id": row.id, "kind": kind, "target": target}})
    return row


def note(session: Session, actor: Actor, code: str, body: str,
         handling_code: str | None = None) -> CaseEvent:
    """Add a note to the case's timeline, under a handling code (the actor's agency's default
    when None)."""
    case = _writable(session, actor, code)
    handling = _handling(handling_code, _agency(session, actor.agency_code))
    event = _event(session, actor, case, "note", body=_text("note", body, NOTE_MAX),
                   handling_code=handling.value)
    access.authorize(session, actor, "case.write", _resource(code), {"note": event.id})
    return event


def add_task(session: Session, actor: Actor, code: str, title: str, *,
             agency_code: str | None = None, due: dt.date | None = None) -> CaseTask:
    """Set a task for one of the case's member agencies (the actor's own by default)."""
    case = _writable(session, actor, code)
    agency = _agency(session, agency_code or actor.agency_code)
    if not session.scalar(select(_current_member(case.id, agency.id))):
        raise CaseError(f"{agency.code} is not a member of case {code}: a task is for a member")
    task = CaseTask(case_id=case.id, title=_text("task title", title, TITLE_MAX),
                    agency_id=agency.id, due=due, created_by=actor.username,
                    created_at=utcnow())
    session.add(task)
    session.flush()
    _event(session, actor, case, "task_added",
           detail={"task": task.id, "title": task.title, "agency": agency.code,
                   "due": due.isoformat() if due else None})
    access.authorize(session, actor, "case.write", _resource(code), {"task": task.id})
    return task


def complete_task(session: Session, actor: Actor, code: str, task_id: int) -> CaseTask:
    """Mark a task done (users of the task's agency, or of the lead agency)."""
    case = _writable(session, actor, code)
    task = session.scalar(select(CaseTask).where(CaseTask.id == task_id,
                                                 CaseTask.case_id == case.id))
    if task is None:
        raise CaseError(f"case {code} has no task {task_id}")
    if actor.agency_id not in (task.agency_id, case.lead_agency_id):
        raise NotLead(actor, "case.write", _resource(code),
                      f"task {task_id} of case {code} is {task.agency.code}'s: only its users "
                      f"or the lead agency's ({case.lead_agency.code}) mark it done")
    if task.done_at is not None:
        raise CaseConflict(f"task {task_id} of case {code} is already done")
    task.done_at, task.done_by = utcnow(), actor.username
    _event(session, actor, case, "task_done", detail={"task": task.id, "title": task.title})
    access.authorize(session, actor, "case.write", _resource(code), {"task_done": task.id})
    return task


# --- reading ---------------------------------------------------------------------------------


def _members(session: Session, case_ids: Sequence[int]) -> dict[int, list[CaseMember]]:
    found: dict[int, list[CaseMember]] = {i: [] for i in case_ids}
    rows = session.scalars(select(CaseMember).where(CaseMember.case_id.in_(case_ids))
                           .order_by(CaseMember.case_id, CaseMember.id))
    for row in rows:
        found[row.case_id].append(row)
    return found


def _summary(case: CoopCase, members: Sequence[CaseMember]) -> CaseSummary:
    return CaseSummary(
        code=case.code, title=case.title, lead=case.lead_agency.code, country=case.country,
        status=case.status, crime_types=list(case.crime_types),
        handling_code=case.handling_code, record_ref=case.record_ref,
        opened_at=as_utc(case.opened_at),
        closed_at=as_utc(case.closed_at) if case.closed_at else None,
        members=[m.agency.code for m in members if m.left_at is None])


def task_view(task: CaseTask) -> TaskView:
    return TaskView(id=task.id, title=task.title, agency=task.agency.code, due=task.due,
                    created_by=task.created_by, created_at=as_utc(task.created_at),
                    done_at=as_utc(task.done_at) if task.done_at else None,
                    done_by=task.done_by)


def summary_of(session: Session, case: CoopCase) -> CaseSummary:
    """The summary of a case the caller has just been given by a call of this module (which
    audited it)."""
    return _summary(case, _members(session, [case.id])[case.id])


def list_cases(session: Session, actor: Actor, *,
               status: str | None = None) -> list[CaseSummary]:
    """The cases the actor's agency is a current member of, newest first (audited)."""
    wanted = _status(status).value if status is not None else None
    query = select(CoopCase).where(
        _current_member(CoopCase.id, actor.agency_id))
    if wanted is not None:
        query = query.where(CoopCase.status == wanted)
    cases = list(session.scalars(query.order_by(CoopCase.id.desc())))
    access.authorize(session, actor, "case.read", "cases",
                     {"status": wanted, "codes": [c.code for c in cases]})
    members = _members(session, [c.id for c in cases])
    return [_summary(c, members[c.id]) for c in cases]


def unseen_notice(agency: str) -> str:
    return (f"withheld: {agency} linked a record your agency may not see; what it is and "
            f"the note on it are for those who may — ask {agency}")


def _unseen_records(session: Session, actor: Actor, targets: Sequence[str]) -> set[str]:
    """Of the linked records ``targets`` ("AGENCY/ref"), those the actor may not see: a
    link shares a record with the team no more than the record's own scope does."""
    if not targets:
        return set()
    refs = {t.partition("/")[2] for t in targets}
    seen = {f"{code}/{ref}" for code, ref in session.execute(
        select(Agency.code, StoredRecord.ref)
        .join(Agency, Agency.id == StoredRecord.agency_id)
        .where(records.visible(actor), StoredRecord.ref.in_(refs)))}
    return set(targets) - seen


def _hidden_from(actor: Actor, agency_id: int, handling_code: str) -> bool:
    return handling_code == OWN_ONLY and agency_id != actor.agency_id


def get_case(session: Session, actor: Actor, code: str) -> CaseView:
    """The case with its members, links, tasks and timeline, as the actor may see them: the
    content of other agencies' H3 contributions is withheld, and the view says so."""
    case = _find(session, actor, "case.read", code)
    members = _members(session, [case.id])[case.id]
    codes: dict[int, str] = dict(session.execute(select(Agency.id, Agency.code)).all())
    rows = list(session.scalars(select(CaseLink).where(CaseLink.case_id == case.id)
                                .order_by(CaseLink.id)))
    unseen = _unseen_records(session, actor, [r.target for r in rows if r.kind == "record"])
    links: list[LinkView] = []
    for row in rows:
        agency = codes[row.agency_id]
        notice = (withheld_notice(agency)
                  if _hidden_from(actor, row.agency_id, row.handling_code)
                  else unseen_notice(agency) if row.kind == "record" and row.target in unseen
                  else None)
        links.append(LinkView(
            id=row.id, kind=row.kind, target=None if notice else row.target,
            note=None if notice else row.note, agency=agency, added_by=row.added_by,
            added_at=as_utc(row.added_at), handling_code=row.handling_code,
            withheld=notice))
    tasks = [task_view(t) for t in session.scalars(select(CaseTask).where(
        CaseTask.case_id == case.id).order_by(CaseTask.id))]
    timeline: list[EventView] = []
    for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                 .order_by(CaseEvent.id)):
        notice = (withheld_notice(event.agency.code)
                  if _hidden_from(actor, event.agency_id, event.handling_code)
                  else unseen_notice(event.agency.code)
                  if event.kind == "linked" and event.detail.get("target") in unseen else None)
        timeline.append(EventView(
            id=event.id, at=as_utc(event.at), username=event.username,
            agency=event.agency.code, kind=event.kind,
            detail=None if notice else dict(event.detail), body=None if notice else event.body,
            handling_code=event.handling_code, withheld=notice))
    withheld = sum(1 for li in links if li.withheld) + sum(1 for e in timeline if e.withheld)
    access.authorize(session, actor, "case.read", _resource(code),
                     {"links": len(links), "events": len(timeline), "withheld": withheld})
    return CaseView(
        case=_summary(case, members),
        next_statuses=[s.value for s in STATUSES if s in TRANSITIONS[_status(case.status)]],
        members=[MemberView(agency=m.agency.code, role=m.role, joined_at=as_utc(m.joined_at),
                            added_by=m.added_by,
                            left_at=as_utc(m.left_at) if m.left_at else None)
                 for m in members],
        links=links, tasks=tasks, timeline=timeline)
