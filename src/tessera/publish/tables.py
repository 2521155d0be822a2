"""Aggregate tables of victims: distinct people counted by any combination of dimensions.

A victim is a resolved person recorded as a victim (a person record with the victim role or a
trafficking status of possible or actual victim) whose journey the records tell
(``tessera.patterns.routes.journeys``: a movement, recruitment or exploitation record names
them). ``people`` resolves person records to entities as ``journeys`` takes it; without it each
agency's record of one victim counts as a victim of its own.

Each dimension gives a victim's values (``DIMENSIONS``). Single-valued dimensions give one,
``"unknown"`` where no record says. Multi-valued ones (``MULTI_VALUED``: exploitation type,
industry, recruitment and control methods, nationality) give every value recorded, and a
victim with several counts once in each of them: a woman exploited both sexually and in forced
labour is counted in both rows, so a multi-valued dimension's cells add up to more than the
victims (a victim with none recorded counts once, as ``"unknown"``). A victim is in every
combination of their values across the table's dimensions (the product).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tessera.hub import entities
from tessera.hub.access import Actor
from tessera.patterns.routes import Journey, journeys
from tessera.standard.records import Person, Record

UNKNOWN = "unknown"
PURPOSE = "publish"  # the reads' purpose in the audit log
# the record types a victim's journey and profile are made of
PUBLISH_TYPES = ("person", "movement", "recruitment", "exploitation")
Cell = tuple[str, ...]


def _one(value: str | None) -> tuple[str, ...]:
    return (value or UNKNOWN,)


def _many(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values))) or (UNKNOWN,)


# dimension -> a victim's values in it
DIMENSIONS: dict[str, Callable[[Journey], tuple[str, ...]]] = {
    "year": lambda j: _one(f"{j.first.year:04d}" if j.first else None),
    "origin": lambda j: _one(j.origin),
    "destination": lambda j: _one(j.destination),  # the country of exploitation
    "exploitation_type": lambda j: _many(j.exploitation_types),
    "industry": lambda j: _many(j.industries),
    "gender": lambda j: _one(j.gender),
    "age_band": lambda j: _one(j.age_band),
    "recruitment_method": lambda j: _many(j.recruitment_methods),
    "control_method": lambda j: _many(j.control_methods),
    "nationality": lambda j: _many(j.nationalities),
    "corridor": lambda j: _one(j.corridor if j.corridor != UNKNOWN else None),
}
MULTI_VALUED = frozenset({"exploitation_type", "industry", "recruitment_method",
                          "control_method", "nationality"})


def check_dimensions(by: Sequence[str]) -> tuple[str, ...]:
    """``by`` as a tuple, or ValueError naming the unknown or repeated dimension."""
    if not by:
        raise ValueError(f"no dimensions to count by: give one or more of "
                         f"{', '.join(DIMENSIONS)}")
    for name in by:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}: one of {', '.join(DIMENSIONS)}")
    repeated = [name for name, n in Counter(by).items() if n > 1]
    if repeated:
        raise ValueError(f"dimension {repeated[0]!r} given twice")
    return tuple(by)


def victim_journeys(records: Iterable[tuple[str, Record]],
                    people: Mapping[str, str] | None = None) -> list[Journey]:
    """The journeys of the people recorded as victims, one per resolved person."""
    listed = list(records)
    people = people or {}
    victims = set()
    for agency, record in listed:
        if isinstance(record, Person) and record.is_victim:
            key = f"{agency}/{record.ref}"
            victims.add(people.get(key, key))
    return [j for j in journeys(listed, people) if j.person in victims]


def cells(journey: Journey, by: Sequence[str]) -> list[Cell]:
    """Every cell of a table by ``by`` the victim is in (the product of their values)."""
    return list(itertools.product(*(DIMENSIONS[name](journey) for name in by)))


@dataclass(frozen=True)
class Table:
    """True counts of distinct victims by ``by``: only cells with at least one victim."""

    by: tuple[str, ...]
    counts: dict[Cell, int]
    victims: int  # distinct victims counted (each once, whatever their cells)
    most_cells: int  # the most cells one victim is in (the table's L1 sensitivity uncapped)


def count(victims: Iterable[Journey], by: Sequence[str]) -> Table:
    """The table of ``victims`` (from ``victim_journeys``) by the dimensions ``by``."""
    by = check_dimensions(by)
    counts: Counter[Cell] = Counter()
    n = most = 0
    for journey in victims:
        mine = cells(journey, by)
        counts.update(mine)
        n += 1
        most = max(most, len(mine))
    return Table(by, dict(counts), n, most)


def table(records: Iterable[tuple[str, Record]], people: Mapping[str, str] | None,
          by: Sequence[str]) -> Table:
    """The table of the victims of ``records`` by ``by``."""
    return count(victim_journeys(records, people), by)


def from_hub(session: Session, actor: Actor, asked: Mapping[str, Any] | None = None
             ) -> tuple[list[tuple[str, Record]], dict[str, str]]:
    """(records, people) of what ``actor`` may see, for a release: audited once as
    ``publish.release`` (coordinators) with what was ``asked``; people resolved for a reader
    who may view entities (the convener's), else each record is its own person."""
    return entities.viewable(session, actor, PUBLISH_TYPES, action="publish.release",
                             purpose=PURPOSE, detail={"asked": dict(asked)} if asked else None)


def victim_lists(records: Iterable[tuple[str, Record]], people: Mapping[str, str],
                 kinds: Mapping[str, str]) -> dict[str, set[str]]:
    """The resolved victims on each kind of agency's list (``kinds``: agency code -> kind; an
    agency of no known kind is a list of its own), for multiple systems estimation."""
    lists: dict[str, set[str]] = {}
    for agency, record in records:
        if isinstance(record, Person) and record.is_victim:
            key = f"{agency}/{record.ref}"
            lists.setdefault(kinds.get(agency, agency), set()).add(people.get(key, key))
    return lists
