"""Entity resolution over the hub: link the records a hub analyst may see, respect the
analysts' judgements, and keep entity ids stable from one run to the next."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import count

from tessera.hub import admin, entities
from tessera.hub.db import Hub
from tessera.linkage import model
from tessera.linkage.features import person_rows
from tessera.linkage.model import MATCH_THRESHOLD
from tessera.linkage.resolve import Verdict, assign_ids, cluster, in_force
from tessera.standard.records import ANY_RECORD, Record

# The record types a person's row draws on: the person, and what identifies them.
LINKED_TYPES = ("person", "phone", "identity_document", "email", "account")


@dataclass(frozen=True)
class RunSummary:
    records: int
    entities: int
    linked: int  # entities with more than one record
    new_ids: int
    refused: int  # joins the model proposed that a judgement forbade


def link_hub(hub: Hub, username: str, *, threshold: float = MATCH_THRESHOLD) -> RunSummary:
    """Resolve the person records ``username`` (a hub analyst) may see into entities.

    Reading and writing happen in separate transactions, so the model trains and scores
    without holding the store's write turn; the members are replaced in one transaction,
    which refuses (``ResolutionConflict``) if another run replaced them meanwhile: its ids
    were not the ones this run kept stable."""
    with hub.session() as session:
        actor = admin.actor(session, username)
        records: list[tuple[str, Record]] = [
            (row.agency.code, ANY_RECORD.validate_python(row.data))
            for row in entities.linkable(session, actor, LINKED_TYPES)
        ]
        verdicts = in_force(
            Verdict(j.left_key, j.right_key, j.verdict == "same")
            for j in entities.judgements(session)
        )
        previous = entities.current_members(session)
    rows = person_rows(records)
    keys = [r["unique_id"] for r in rows]
    found = model.link(rows, threshold=threshold) if len(rows) > 1 else None
    scored = [(m.left, m.right, m.probability) for m in found.matches] if found else []
    clusters = cluster(keys, scored, verdicts)
    # each record's best match within its entity (a pair across entities, or judged
    # different, says nothing about the entity)
    best: dict[str, float] = {}
    for match in found.matches if found else ():
        if clusters.of[match.left] == clusters.of[match.right]:
            for key in (match.left, match.right):
                best[key] = max(best.get(key, 0.0), match.probability)
    placeholders = (f"new:{n}" for n in count())
    ids = assign_ids(clusters.of, previous, lambda: next(placeholders))
    with hub.session() as session:
        entities.take_turn(session)
        if entities.current_members(session) != previous:
            raise entities.ResolutionConflict(
                "another linkage run finished while this one was linking; run it again")
        wanted = sorted({e for e in ids.values() if e.startswith("new:")},
                        key=lambda e: int(e[4:]))
        issued = dict(zip(wanted, entities.issue_ids(session, len(wanted)), strict=True))
        ids = {k: issued.get(e, e) for k, e in ids.items()}
        entities.replace_members(
            session, actor,
            {k: (ids[k], best.get(k)) for k in keys},
        )
    sizes = Counter(ids.values())
    return RunSummary(len(keys), len(sizes), sum(1 for n in sizes.values() if n > 1),
                      len(wanted), len(clusters.refused))
