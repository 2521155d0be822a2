"""Reading submissions (who sent which file, when, and what became of it), through the gate.

Submitters and coordinators see their own agency's submissions; the administrators of the
convening organisation see every agency's. A submission says nothing of its records' content.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.hub import access
from tessera.hub.access import Actor
from tessera.hub.models import AgencyKind, Submission, UserRole
from tessera.hub.records import NotFound


def _oversees_all(actor: Actor) -> bool:
    return (
        UserRole.admin in actor.roles
        and actor.agency_kind == AgencyKind.international_organisation
    )


def list_submissions(
    session: Session, actor: Actor, *, limit: int = 100, offset: int = 0
) -> list[Submission]:
    """Submissions the actor may see, newest first."""
    access.authorize(session, actor, "submission.read", "submissions")
    query = select(Submission).order_by(Submission.id.desc())
    if not _oversees_all(actor):
        query = query.where(Submission.agency_id == actor.agency_id)
    return list(session.scalars(query.limit(max(1, min(limit, 1000))).offset(max(0, offset))))


def get_submission(session: Session, actor: Actor, submission_id: int) -> Submission:
    resource = f"submission:{submission_id}"
    if not access.allowed(actor, "submission.read"):
        raise access.Forbidden(actor, "submission.read", resource)
    row = session.get(Submission, submission_id)
    if row is None or (not _oversees_all(actor) and row.agency_id != actor.agency_id):
        raise NotFound(actor, "submission.read", resource, f"no submission {submission_id}")
    access.authorize(session, actor, "submission.read", resource)
    return row
