"""Outcome monitoring: what came of the work, counted the same way for every member.

Figures are grouped by one dimension (``DIMENSIONS``: the recording agency, its country,
the period, or a victim's corridor) and come from two sources:

- **records** (what an agency may see): people recorded as victims and as suspects, and the
  standard's outcome records (arrests, charges, convictions and sentences, victims assisted
  or referred, assets frozen and confiscated);
- **requests** (its agency's, sent and received; every member's for the convening
  organisation): how many were sent and received, answered, the response times (days from
  sending to the first reply) and the share answered within the deadline.

Definitions, so that figures compare across members:

- a person is counted once per group however many records name them: people are resolved
  entities where the viewer may see entities, else each agency's person record;
- *victims identified*: people recorded as victims (role, or trafficking status possible or
  actual victim), or named by a ``victim_identified`` outcome; *suspects identified*:
  people recorded with any other role in the crime (not victims, witnesses or travelling
  companions);
- *arrested*, *charged*, *convicted*, *assisted* (assisted or referred): people named by an
  outcome of that kind; *sentence months*: the median of the custodial sentences recorded;
- *assets frozen / confiscated*: the amounts of those outcomes, summed per currency, and in
  one currency when rates are given (``normalise``), never otherwise;
- a record's period is its outcome's date, else its case's opening, else "unknown"; a
  request's is the day it was sent;
- *response days*: from sending to the first reply (answered, partly answered or
  refused); *answered in time*: replied to on or before the deadline, of the replies to
  requests that had one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tessera.cooperation import requests
from tessera.cooperation.requests import RequestView
from tessera.hub import entities
from tessera.hub.access import Actor
from tessera.hub.models import Agency, CoopRequest
from tessera.patterns.routes import journeys
from tessera.standard.records import Case, Outcome, Person, Record
from tessera.standard.values import PartialDate

DIMENSIONS = ("agency", "country", "period", "corridor")
PERIODS = ("year", "quarter", "month")
UNKNOWN = "unknown"
# Roles that make a person a suspect for these figures (the standard's roles, less victims,
# witnesses and travelling companions).
NOT_SUSPECTS = frozenset({"victim", "witness", "travelling_companion"})
COUNTED = ("victims_identified", "victims_assisted", "suspects_identified", "arrested",
           "charged", "convicted")
OUTCOME_PEOPLE = {"arrest": "arrested", "charge": "charged", "conviction": "convicted",
                  "victim_identified": "victims_identified",
                  "victim_assisted": "victims_assisted", "victim_referred": "victims_assisted"}
COLUMNS = ("group", *COUNTED, "sentences", "sentence_months_median", "assets_frozen",
           "assets_confiscated", "requests_sent", "requests_received", "requests_answered",
           "response_days_median", "response_days_p90", "answered_in_time")


@dataclass
class Figures:
    """One group's figures (see the module's definitions)."""

    people: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sentences: list[int] = field(default_factory=list)
    frozen: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    confiscated: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    sent: int = 0
    received: int = 0
    answered: int = 0
    response_days: list[float] = field(default_factory=list)
    in_time: int = 0
    with_deadline: int = 0

    def row(self, group: str) -> dict[str, Any]:
        return {
            "group": group, **{name: len(self.people[name]) for name in COUNTED},
            "sentences": len(self.sentences),
            "sentence_months_median": _median(self.sentences),
            "assets_frozen": _amounts(self.frozen),
            "assets_confiscated": _amounts(self.confiscated),
            "requests_sent": self.sent, "requests_received": self.received,
            "requests_answered": self.answered,
            "response_days_median": _round(_median(self.response_days)),
            "response_days_p90": _round(_quantile(self.response_days, 0.9)),
            "answered_in_time": (round(self.in_time / self.with_deadline, 3)
                                 if self.with_deadline else None),
        }


@dataclass(frozen=True)
class Outcomes:
    dimension: str
    period: str
    groups: dict[str, Figures]

    def rows(self) -> list[dict[str, Any]]:
        """One row per group, in ``COLUMNS`` order, groups sorted (unknown last)."""
        return [self.groups[g].row(g) for g in sorted(self.groups,
                                                      key=lambda g: (g == UNKNOWN, g))]


def _median(values: Sequence[float]) -> float | None:
    return _quantile(values, 0.5)


def _quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile by linear interpolation between order statistics (numpy's default,
    written out: two lines do not need numpy)."""
    if not values:
        return None
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low, high = math.floor(at), math.ceil(at)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _amounts(by_currency: Mapping[str, Decimal]) -> str:
    return "; ".join(f"{amount:,.2f} {currency}"
                     for currency, amount in sorted(by_currency.items()) if amount)


def _period(day: dt.date | None, period: str) -> str:
    if day is None:
        return UNKNOWN
    if period == "year":
        return str(day.year)
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _day(value: PartialDate | dt.date | None) -> dt.date | None:
    if isinstance(value, PartialDate):
        return value.earliest()
    return value


def compute(
    records: Iterable[tuple[str, Record]], requests: Iterable[RequestView] = (), *,
    people: Mapping[str, str] | None = None, countries: Mapping[str, str] | None = None,
    corridors: Mapping[str, str] | None = None, by: str = "country", period: str = "year",
) -> Outcomes:
    """The figures of ``records`` and ``requests`` grouped ``by`` one of ``DIMENSIONS``.

    ``people`` resolves person records ("AGENCY/ref" -> entity); ``countries`` gives each
    agency's country (for ``by="country"``); ``corridors`` gives each person (entity id, or
    "AGENCY/ref" when unresolved) the corridor of their journey (for ``by="corridor"``, which
    counts only people with one: victims; requests have no corridor)."""
    if by not in DIMENSIONS:
        raise ValueError(f"group by one of {', '.join(DIMENSIONS)}, not {by!r}")
    if period not in PERIODS:
        raise ValueError(f"period is one of {', '.join(PERIODS)}, not {period!r}")
    if by == "corridor" and corridors is None:
        raise ValueError("grouping by corridor needs each person's corridor")
    people, countries = people or {}, countries or {}
    listed = list(records)
    opened = {f"{a}/{r.ref}": _day(r.opened) for a, r in listed if isinstance(r, Case)}
    groups: dict[str, Figures] = defaultdict(Figures)

    def group(agency: str, day: dt.date | None, person: str | None = None) -> str | None:
        if by == "agency":
            return agency
        if by == "country":
            return countries.get(agency, UNKNOWN)
        if by == "period":
            return _period(day, period)
        return (corridors or {}).get(person or "")  # no corridor: not counted

    for agency, record in listed:
        case_day = opened.get(f"{agency}/{record.case_ref}") if record.case_ref else None
        if isinstance(record, Person):
            who = people.get(f"{agency}/{record.ref}", f"{agency}/{record.ref}")
            roles = {str(r) for r in record.roles}
            found = group(agency, case_day, who)
            if found is None:
                continue
            if record.is_victim:
                groups[found].people["victims_identified"].add(who)
            elif roles - NOT_SUSPECTS:
                groups[found].people["suspects_identified"].add(who)
        elif isinstance(record, Outcome):
            named = f"{agency}/{record.person_ref}" if record.person_ref else None
            subject = people.get(named, named) if named else None
            found = group(agency, _day(record.date) or case_day, subject)
            if found is None:
                continue
            figures = groups[found]
            kind = str(record.kind)
            if kind in OUTCOME_PEOPLE and subject:
                figures.people[OUTCOME_PEOPLE[kind]].add(subject)
            if record.sentence_months is not None and kind in ("sentence", "conviction"):
                figures.sentences.append(record.sentence_months)
            if record.amount is not None and record.currency:
                if kind == "assets_frozen":
                    figures.frozen[str(record.currency)] += record.amount
                elif kind == "assets_confiscated":
                    figures.confiscated[str(record.currency)] += record.amount
    if by != "corridor":
        for r in requests:
            if r.sent_at is None:
                continue  # a draft is no request yet
            sent_day = r.sent_at.date()
            for agency, side in ((r.requesting_agency, "sent"), (r.requested_agency,
                                                                 "received")):
                found = group(agency, sent_day)
                if found is None:
                    continue
                figures = groups[found]
                if side == "sent":
                    figures.sent += 1
                    continue
                figures.received += 1  # a request's reply is counted once, on its receiver
                if r.answered_at is not None:
                    figures.answered += r.status in ("answered", "partially_answered")
                    figures.response_days.append(
                        (r.answered_at - r.sent_at).total_seconds() / 86_400)
                    if r.deadline is not None:
                        figures.with_deadline += 1
                        figures.in_time += r.answered_at.date() <= r.deadline
    return Outcomes(by, period, dict(groups))


def normalise(by_currency: Mapping[str, Decimal], rates: Mapping[str, Decimal],
              into: str) -> Decimal:
    """``by_currency`` in one currency, ``into``: ``rates`` gives how much of each currency
    one unit of ``into`` buys (``EUR``: {"USD": 1.08, …}), as the ECB's reference rates are
    quoted. A currency without a rate is an error naming it: a total that silently leaves
    money out would be wrong."""
    total = Decimal(0)
    for currency, amount in by_currency.items():
        if currency == into:
            total += amount
            continue
        rate = rates.get(currency)
        if rate is None or rate <= 0:
            raise ValueError(f"no rate for {currency} into {into}")
        total += amount / rate
    return total


OUTCOME_TYPES = ("case", "person", "outcome", "movement", "recruitment", "exploitation")


def from_hub(session: Session, actor: Actor, *, by: str = "country", period: str = "year"
             ) -> Outcomes:
    """The figures of what ``actor`` may see (``outcomes.read``, audited): the records they
    may read, people resolved where they may view entities, and their agency's requests —
    every member's for the convening organisation, whose task monitoring is; requests'
    figures say nothing of what any request asked."""
    found, people = entities.viewable(session, actor, OUTCOME_TYPES, action="outcomes.read",
                                      purpose="outcomes", detail={"by": by, "period": period})
    query = select(CoopRequest).where(CoopRequest.status != "draft")
    if not actor.is_hub_analyst:
        query = query.where(or_(CoopRequest.requesting_agency_id == actor.agency_id,
                                CoopRequest.requested_agency_id == actor.agency_id))
    asked = [requests.view_of(session, r) for r in session.scalars(query)]
    countries = dict(session.execute(select(Agency.code, Agency.country)).all())
    corridors = None
    if by == "corridor":
        corridors = {j.person: j.corridor for j in journeys(found, people)}
    return compute(found, asked, people=people, countries=countries, corridors=corridors,
                   by=by, period=period)
