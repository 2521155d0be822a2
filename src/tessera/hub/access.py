"""The one place that decides access, and writes every decision to the audit log.

Permissions are declared as data: ``POLICY`` names, for each action, the roles that may take it.
Record-level reads add a row filter built from the record's sharing scope (``visible_filter``):

- ``owner``: users of the owning agency;
- ``partners``: also users of the agencies named in the record's ``share_with``;
- ``hub``: also the hub's analysts (users of an international-organisation member);
- ``members``: users of every member agency.

A victim's consent bounds the scope of the victim's records when they are written (see
``tessera.hub.records``), so this filter needs no special case for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import Session

from tessera.hub import audit
from tessera.hub.models import AgencyKind, StoredRecord, User, UserRole
from tessera.standard.codes import SCOPE_ORDER, SharingScope

R = UserRole
ANY_ROLE = frozenset(UserRole)

# action -> roles that may take it. Record reads are further filtered row by row.
POLICY: dict[str, frozenset[UserRole]] = {
    "record.submit": frozenset({R.submitter, R.coordinator}),
    "record.read": frozenset({R.submitter, R.analyst, R.coordinator}),
    "record.retract": frozenset({R.submitter, R.coordinator}),
    "record.history": frozenset({R.analyst, R.coordinator}),
    "record.purge": frozenset({R.admin}),
    "submission.read": frozenset({R.submitter, R.coordinator, R.admin}),
    "agency.manage": frozenset({R.admin}),
    "user.manage": frozenset({R.admin}),
    "token.issue": frozenset({R.admin}),
    "token.own": ANY_ROLE,
    "audit.read": frozenset({R.auditor}),
    "audit.verify": frozenset({R.auditor, R.admin}),
    "entity.read": frozenset({R.analyst, R.coordinator}),
    "entity.judge": frozenset({R.analyst, R.coordinator}),
    "entity.resolve": frozenset({R.analyst, R.coordinator}),
    "network.read": frozenset({R.analyst, R.coordinator}),
    "patterns.read": frozenset({R.analyst, R.coordinator}),
    # hit/no-hit matching (tessera.hub.exchanges, .hits): an agency uploads its own
    # encodings, asks for matches of its own records, and reads its own hits
    "exchange.read": frozenset({R.submitter, R.analyst, R.coordinator, R.admin}),
    "encoding.submit": frozenset({R.submitter, R.coordinator}),
    "exchange.match": frozenset({R.analyst, R.coordinator}),
    "hit.read": frozenset({R.analyst, R.coordinator}),
    "hit.acknowledge": frozenset({R.analyst, R.coordinator}),
    "exchange.manage": frozenset({R.coordinator, R.admin}),
    "exchange.volumes": frozenset({R.analyst, R.coordinator, R.auditor}),
    # cooperation (tessera.cooperation): each case is read and worked on by its member
    # agencies only, each request by its two agencies only (checked row by row there)
    "case.read": frozenset({R.analyst, R.coordinator}),
    "case.write": frozenset({R.analyst, R.coordinator}),  # open, link, note, task, status
    "case.team": frozenset({R.coordinator}),  # the lead agency adds or removes members
    "request.read": frozenset({R.analyst, R.coordinator}),
    "request.write": frozenset({R.analyst, R.coordinator}),  # draft, send, message, withdraw
    "request.answer": frozenset({R.coordinator}),  # the requested agency's replies
    "request.grant": frozenset({R.coordinator}),  # share the named records with the requester
    "kb.read": ANY_ROLE,
    "kb.write": frozenset({R.analyst, R.coordinator}),
    "outcomes.read": frozenset({R.analyst, R.coordinator, R.auditor}),
    # publishing (tessera.publish): a release reads the records the coordinator may see and
    # spends its collection's privacy budget, which only a coordinator or admin sets
    "publish.release": frozenset({R.coordinator}),
    "publish.budget": frozenset({R.admin, R.coordinator}),
}
# Actions on the whole hub, beyond one agency's view: only users of the convening organisation
# may take them, with the roles POLICY names. Entities are resolved over every record the hub
# may see, so an entity's id, and which records it joins, say things about records a member
# agency may not see (that another agency holds the person); until entities are derived per
# viewer, viewing them is hub-wide too. An exchange is set up, and its secret rotated, for
# every member at once; how often each agency asks for matches is the convener's oversight
# (a member's own auditors find its requests, with their purposes, in the audit log).
HUB_WIDE = frozenset({"entity.resolve", "entity.read", "exchange.manage", "exchange.volumes"})


def scope_level(scope: str | SharingScope) -> int:
    return SCOPE_ORDER.index(SharingScope(scope))


class Refusal(Exception):
    """An action that was not carried out. ``Hub.session`` rolls the work back and then
    audits the refusal on its own, so probing for what one may not see leaves a trace."""

    outcome = "refused"

    def __init__(self, actor: Actor, action: str, resource: str, message: str) -> None:
        super().__init__(message)
        self.actor, self.action, self.resource = actor, action, resource


class Forbidden(Refusal, PermissionError):
    """The actor's roles do not allow the action."""

    def __init__(self, actor: Actor, action: str, resource: str) -> None:
        super().__init__(actor, action, resource, f"{actor.username} may not {action} ({resource})")


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user of an agency, with roles."""

    user_id: int
    username: str
    agency_id: int
    agency_code: str
    agency_kind: str
    roles: frozenset[str]

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(
            user_id=user.id,
            username=user.username,
            agency_id=user.agency_id,
            agency_code=user.agency.code,
            agency_kind=user.agency.kind,
            roles=frozenset(user.roles),
        )

    @property
    def is_hub_analyst(self) -> bool:
        return self.agency_kind == AgencyKind.international_organisation and (
            R.analyst in self.roles or R.coordinator in self.roles
        )


def allowed(actor: Actor, action: str) -> bool:
    """Whether the actor's roles allow ``action`` (unknown actions are never allowed)."""
    roles = POLICY.get(action)
    if roles is None or not actor.roles & {r.value for r in roles}:
        return False
    return action not in HUB_WIDE or actor.agency_kind == AgencyKind.international_organisation


def authorize(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Allow ``action`` on ``resource`` or raise ``Forbidden``; the decision is audited either way.

    An allowed action is audited in the caller's transaction, so it is logged exactly when the
    work commits. A refusal rolls the work back; ``Hub.session`` then logs it on its own.
    """
    if not allowed(actor, action):
        raise Forbidden(actor, action, resource)
    log(session, actor, action, resource, detail=detail)


def log(
    session: Session,
    actor: Actor,
    action: str,
    resource: str,
    *,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> None:
    """Write the actor's action on ``resource`` to the audit log, with its outcome."""
    audit.append(
        session,
        username=actor.username,
        agency_code=actor.agency_code,
        action=action,
        resource=resource,
        outcome=outcome,
        detail=detail,
    )


def audit_refusal(session: Session, refusal: Refusal) -> None:
    log(session, refusal.actor, refusal.action, refusal.resource, outcome=refusal.outcome)


def visible_filter(actor: Actor) -> ColumnElement[bool]:
    """SQL condition selecting the records ``actor`` may read."""
    if not allowed(actor, "record.read"):
        return false()
    own = StoredRecord.agency_id == actor.agency_id
    partner = (StoredRecord.scope_level >= scope_level(SharingScope.partners)) & (
        StoredRecord.share_with.contains(f";{actor.agency_code};", autoescape=True)
    )
    members = StoredRecord.scope_level >= scope_level(SharingScope.members)
    clauses = [own, partner, members]
    if actor.is_hub_analyst:
        clauses.append(StoredRecord.scope_level >= scope_level(SharingScope.hub))
    return or_(*clauses)
