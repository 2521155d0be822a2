"""Screening: a list of people checked against the person records the analyst may see, with
scored, explained candidates, as a sanctions-screening service does for supply-chain and
labour audits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from tessera.hub import access, admin, entities
from tessera.hub.db import Hub
from tessera.linkage.features import person_rows
from tessera.linkage.model import link
from tessera.linkage.run import LINKED_TYPES
from tessera.standard.records import ANY_RECORD, Person, Record

QUERY = "query"  # the source name of the people screened
SCREEN_THRESHOLD = 0.5


@dataclass(frozen=True)
class Candidate:
    query: str  # the screened person's ref
    record: str  # "AGENCY/ref" in the hub
    title: str
    probability: float
    explanation: str


def screen(hub: Hub, username: str, people: list[Record], *,
           threshold: float = SCREEN_THRESHOLD) -> list[Candidate]:
    """Candidates in the hub for each of ``people`` (person records and, optionally, their
    phones, documents, e-mails and accounts), best first. The read of the hub's records is
    audited with its purpose; only records the user may see are candidates."""
    with hub.session() as session:
        actor = admin.actor(session, username)
        titles: dict[str, str] = {}
        stored: list[tuple[str, Record]] = []
        for row in entities.linkable(session, actor, LINKED_TYPES, action="record.read",
                                     purpose="screening"):
            stored.append((row.agency.code, ANY_RECORD.validate_python(row.data)))
            titles[f"{row.agency.code}/{row.ref}"] = row.title
    rows = person_rows([*stored, *((QUERY, p) for p in people)])
    if len(rows) < 2:
        return []
    found = link(rows, threshold=threshold)
    candidates = []
    prefix = f"{QUERY}/"
    for match in found.matches:
        ends = {match.left, match.right}
        queried = [e for e in ends if e.startswith(prefix)]
        if len(queried) != 1:
            continue  # two hub records, or two screened people
        (other,) = ends - set(queried)
        candidates.append(Candidate(queried[0][len(prefix):], other, titles.get(other, ""),
                                    match.probability, match.explanation()))
    candidates.sort(key=lambda c: (c.query, -c.probability))
    # What was asked and what came back, so that an auditor can tell a lookup of one victim
    # from an audit of a staff list; the names themselves are kept as a digest.
    names = sorted(p.name.raw for p in people if isinstance(p, Person) and p.name)
    with hub.session() as session:
        access.log(session, actor, "record.read", "records:screening-results", detail={
            "screened": len(names),
            "names_sha256": hashlib.sha256("\n".join(names).encode()).hexdigest(),
            "candidates": [c.record for c in candidates],
        })
    return candidates
