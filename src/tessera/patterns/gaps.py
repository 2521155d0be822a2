"""Systemic gaps: where the agencies together see less than the records say there is.

- **silent countries**: countries many journeys pass through (as origin, transit or
  destination) whose own agencies recorded few of those people;
- **uninvestigated victims**: people recorded as victims in no case that was investigated
  (a case under investigation, prosecuted, adjudicated, or followed up);
- **corridors without money**: corridors with victims where no one on them, nor anyone tied
  to them (recruiter, exploiter, transporter), holds an account that a transaction names.

- **unfollowed hits**: hits of hit/no-hit matching on the agency's records, found more than
  ``days`` ago, that no follow-up request of the agency cites;
- **overdue requests**: the agency's requests, sent or received, past their deadline and
  still awaiting an answer.

The last two read the hub's hits and requests (``tessera.patterns.source.follow_ups``), not
records: they are the agency's own view of its cooperation.

Each gap carries its figures and says in words what is missing, so a coordinator can take it
to the agency concerned.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tessera.network.graph import ACTORS, build
from tessera.patterns.routes import Journey, route_label
from tessera.standard.codes import CaseStatus
from tessera.standard.records import Case, Person, Record

KINDS = ("silent_country", "uninvestigated_victim", "corridor_without_money",
         "unfollowed_hit", "overdue_request")
INVESTIGATED = frozenset({CaseStatus.under_investigation, CaseStatus.prosecution,
                          CaseStatus.adjudicated, CaseStatus.follow_up})
# The ties from a person to the people around them in the trade (network.graph's kinds).
AROUND = frozenset({"recruited", "exploited", "transported"})


@dataclass(frozen=True, slots=True)
class Gap:
    kind: str  # one of KINDS
    subject: str  # a country, a person (entity id or "AGENCY/ref"), a corridor
    figures: dict[str, Any]
    reason: str

    def row(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject,
                "figures": "; ".join(f"{k}={v}" for k, v in self.figures.items()),
                "reason": self.reason}


def silent_countries(journeys: Iterable[Journey], countries: Mapping[str, str], *,
                     min_people: int = 10, max_share: float = 0.2) -> list[Gap]:
    """Countries at least ``min_people`` journeys pass through whose agencies (``countries``:
    agency code -> country) recorded at most ``max_share`` of those people."""
    through: Counter[str] = Counter()
    seen_by_own: Counter[str] = Counter()
    for j in journeys:
        own = {countries.get(a) for a in j.agencies}
        for country in set(j.route):
            through[country] += 1
            seen_by_own[country] += country in own
    gaps = []
    for country, people in through.most_common():
        share = seen_by_own[country] / people
        if people >= min_people and share <= max_share:
            gaps.append(Gap("silent_country", country,
                            {"people": people, "recorded_by_own_agencies": seen_by_own[country],
                             "share": round(share, 3)},
                            f"{country} is on the routes of {people} people, but its own agencies "
                            f"recorded {seen_by_own[country]} of them ({share:.0%})"))
    return sorted(gaps, key=lambda g: (-g.figures["people"], g.subject))


def uninvestigated_victims(records: Iterable[tuple[str, Record]],
                           people: Mapping[str, str] | None = None) -> list[Gap]:
    """Each person recorded as a victim (resolved through ``people``, "AGENCY/ref" -> entity)
    none of whose records belongs to an investigated case."""
    people = people or {}
    listed = list(records)
    status = {f"{a}/{r.ref}": r.status for a, r in listed if isinstance(r, Case)}
    victims: dict[str, list[str]] = defaultdict(list)
    investigated: set[str] = set()
    cases: dict[str, set[str]] = defaultdict(set)
    for agency, record in listed:
        if not isinstance(record, Person):
            continue
        key = f"{agency}/{record.ref}"
        who = people.get(key, key)
        if record.is_victim:
            victims[who].append(key)
        if record.case_ref:
            case = f"{agency}/{record.case_ref}"
            cases[who].add(case)
            if status.get(case) in INVESTIGATED:
                investigated.add(who)
    return [
        Gap("uninvestigated_victim", who,
            {"records": len(keys), "cases": len(cases[who])},
            f"{who} is recorded as a victim ({', '.join(sorted(keys)[:3])}"
            + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
            + (f") in {len(cases[who])} case(s), none investigated" if cases[who]
               else ") in no case at all"))
        for who, keys in sorted(victims.items()) if who not in investigated
    ]


def corridors_without_money(journeys: Sequence[Journey], records: Iterable[tuple[str, Record]],
                            people: Mapping[str, str] | None = None, *,
                            min_people: int = 3) -> list[Gap]:
    """Corridors of at least ``min_people`` journeys where no one on them, nor anyone tied to
    them by recruiting, exploiting or transporting them, holds an account a transaction
    names (in the network of ``records``)."""
    listed = list(records)
    net = build(listed, people)
    paid = {node for (source, target, kind) in net.edges if kind == "paid"
            for node in (source, target)}
    around: dict[str, set[str]] = defaultdict(set)
    holds: dict[str, set[str]] = defaultdict(set)
    for source, target, kind in net.edges:
        if kind in AROUND:
            around[source].add(target)
            around[target].add(source)
        elif source in net.nodes and net.nodes[source].kind in ACTORS and target in paid:
            holds[source].add(target)
    on: dict[tuple[str, ...], list[Journey]] = defaultdict(list)
    for j in journeys:
        if j.origin and j.destination and j.path_seen:
            on[j.route].append(j)
    gaps = []
    for route, taken in on.items():
        if len(taken) < min_people:
            continue
        nodes = {j.person if j.person in net.nodes else f"person:{j.person}" for j in taken}
        near = nodes | {n for node in nodes for n in around[node]}
        if not any(holds[n] for n in near):
            gaps.append(Gap("corridor_without_money", route_label(route),
                            {"people": len(taken), "people_around_them": len(near - nodes)},
                            f"{len(taken)} people took {route_label(route)}, but no "
                            f"transaction names an account of theirs or of the "
                            f"{len(near - nodes)} people who recruited, moved or exploited "
                            f"them: no financial reports follow this corridor"))
    return sorted(gaps, key=lambda g: (-g.figures["people"], g.subject))


class HitLike(Protocol):
    """What a gap needs of a hit (``tessera.hub.hits.HitView`` has it)."""

    @property
    def id(self) -> int: ...
    @property
    def ref(self) -> str: ...
    @property
    def other_agency(self) -> str: ...
    @property
    def other_ref(self) -> str: ...
    @property
    def found_at(self) -> dt.datetime: ...


class RequestLike(Protocol):
    """What a gap needs of a request (``tessera.cooperation.requests.RequestView`` has it)."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def requesting_agency(self) -> str: ...
    @property
    def requested_agency(self) -> str: ...
    @property
    def deadline(self) -> dt.date | None: ...
    @property
    def status(self) -> str: ...
    @property
    def hit(self) -> int | None: ...

    def overdue(self, today: dt.date) -> bool: ...


def unfollowed_hits(hits: Iterable[HitLike], requests: Iterable[RequestLike], today: dt.date,
                    *, days: int = 14) -> list[Gap]:
    """Hits found more than ``days`` before ``today`` that no follow-up request among
    ``requests`` cites, oldest first."""
    followed = {r.hit for r in requests if r.kind == "hit_follow_up" and r.hit is not None}
    gaps = []
    for h in sorted(hits, key=lambda h: (h.found_at, h.id)):
        waited = (today - h.found_at.date()).days
        if h.id not in followed and waited > days:
            gaps.append(Gap("unfollowed_hit", f"hit {h.id}",
                            {"days": waited, "record": h.ref,
                             "other": f"{h.other_agency}/{h.other_ref}"},
                            f"hit {h.id}: your record {h.ref} matched {h.other_agency}'s "
                            f"{h.other_ref} {waited} days ago, and no follow-up request "
                            "cites it"))
    return gaps


def overdue_requests(requests: Iterable[RequestLike], today: dt.date) -> list[Gap]:
    """Requests past their deadline on ``today`` and still awaiting an answer, most overdue
    first."""
    late = sorted(((r.deadline, r) for r in requests
                   if r.overdue(today) and r.deadline is not None), key=lambda x: (x[0], x[1].code))
    return [
        Gap("overdue_request", r.code,
            {"days_late": (today - deadline).days, "status": r.status,
             "from": r.requesting_agency, "to": r.requested_agency},
            f"{r.code} ({r.kind}) from {r.requesting_agency} to {r.requested_agency} is "
            f"{(today - deadline).days} days past its deadline ({deadline}), still "
            f"{r.status.replace('_', ' ')}")
        for deadline, r in late
    ]
