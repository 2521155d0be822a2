"""Publishing releases on the hub's public statistics page.

A coordinator publishes a release already made (a k-anonymous or differentially private
table, synthetic victims, or a multiple systems estimate); anyone, signed in or not, may then
read it on ``/statistics`` and ``/api/v1/statistics``. What is stored for the public is
whitelisted here, in one place:

- a table's cells as released, and its metadata **without** its utility (relative errors and
  suppressed shares are computed from the true counts) and without the exact numbers of
  victims counted and of victims capped;
- synthetic victims' rows, and their metadata without the utility (which holds the true
  number of victims);
- an estimate as ``estimate.json`` has it, with its overlap table, which is publishable by
  design (counts by list pattern, as the UK Home Office published its own).

Publishing and withdrawing need ``publish.release`` and are audited. Reading is public and
not audited: it reads nothing but what was published. A withdrawn release is kept, with who
withdrew it, when and why, and is no longer shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from tessera.hub import access
from tessera.hub.access import Actor
from tessera.hub.models import PublishedRelease, utcnow
from tessera.publish.mse import Estimate
from tessera.publish.release import Release
from tessera.publish.synthetic import COLUMNS, Synthetic

TABLE, SYNTHETIC, ESTIMATE = "table", "synthetic", "estimate"
# parameters counted from the true data: never shown to the public
PRIVATE_PARAMETERS = frozenset({"victims", "victims_capped"})


class NotPublished(ValueError):
    """No published release has that id (or it was withdrawn): a 404 on the web."""


@dataclass(frozen=True)
class Public:
    """What the public sees of a release."""

    kind: str
    title: str
    metadata: dict[str, Any]
    data: dict[str, Any]  # {"columns": [...], "rows": [[...], ...]}


def of_table(made: Release, title: str = "") -> Public:
    meta = {k: v for k, v in made.metadata().items() if k != "utility"}
    meta["parameters"] = {k: v for k, v in made.parameters.items()
                          if k not in PRIVATE_PARAMETERS}
    rows = [[*cell, n] for cell, n in made.rows]
    return Public(TABLE, title or f"Victims by {', '.join(made.by).replace('_', ' ')}", meta,
                  {"columns": [*made.by, "victims"], "rows": rows})


def of_synthetic(made: Synthetic, title: str = "") -> Public:
    meta = {k: v for k, v in made.metadata().items() if k != "utility"}
    rows = [[r[c] for c in COLUMNS] for r in made.rows]
    return Public(SYNTHETIC, title or "Synthetic victims", meta,
                  {"columns": list(COLUMNS), "rows": rows})


def of_estimate(result: Estimate, release_id: str, title: str = "") -> Public:
    meta = {"release": release_id, **result.to_dict()}
    overlap = meta.pop("overlap")
    columns = [*result.lists, "count"]
    return Public(ESTIMATE, title or "Victims no agency has seen (estimate)", meta,
                  {"columns": columns, "rows": [[r[c] for c in columns] for r in overlap]})


def publish(session: Session, actor: Actor, release_id: str, public: Public,
            collection: str) -> PublishedRelease:
    """Make ``public`` readable by anyone (coordinators; audited). A release is published
    once: publishing the same id again is refused."""
    title = public.title.strip()
    if not title or len(title) > 300:
        raise ValueError("a published release needs a title of 1 to 300 characters")
    access.authorize(session, actor, "publish.release", f"release:{release_id}",
                     {"publish": public.kind, "title": title})
    if session.get(PublishedRelease, release_id) is not None:
        raise ValueError(f"release {release_id} is published already")
    row = PublishedRelease(id=release_id, kind=public.kind, title=title,
                           collection=collection, meta=public.metadata, data=public.data,
                           published_by=actor.username, published_at=utcnow(),
                           withdrawn_reason="")
    session.add(row)
    session.flush()
    return row


def withdraw(session: Session, actor: Actor, release_id: str, reason: str) -> None:
    """Stop showing a release (coordinators; audited), saying why."""
    if not reason.strip():
        raise ValueError("say why the release is withdrawn")
    access.authorize(session, actor, "publish.release", f"release:{release_id}",
                     {"withdraw": reason})
    row = session.get(PublishedRelease, release_id, with_for_update=True)
    if row is None or row.withdrawn_at is not None:
        raise NotPublished(f"release {release_id} is not published")
    row.withdrawn_by, row.withdrawn_at, row.withdrawn_reason = (
        actor.username, utcnow(), reason.strip())
    session.flush()


def shown(session: Session) -> list[PublishedRelease]:
    """The published releases anyone may read, newest first (their data not loaded)."""
    return list(session.scalars(
        select(PublishedRelease).options(defer(PublishedRelease.data))
        .where(PublishedRelease.withdrawn_at.is_(None))
        .order_by(PublishedRelease.published_at.desc(), PublishedRelease.id)))


def get(session: Session, release_id: str) -> PublishedRelease:
    """One published release, or NotPublished."""
    row = session.get(PublishedRelease, release_id)
    if row is None or row.withdrawn_at is not None:
        raise NotPublished(f"no published release {release_id!r}")
    return row
