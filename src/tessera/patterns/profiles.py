"""Recruitment and exploitation profiles: how people were recruited, what they were promised,
how they were exploited and controlled, counted by corridor, period and victim profile.

The unit is the person (a journey of ``tessera.patterns.routes``): a person recruited through
Facebook and Telegram counts once for each, and a person two agencies' records describe counts
once. A share is of the people in the group for whom the facet is recorded at all (``known``),
so that an agency that never records channels does not dilute the channels others record;
``group_people`` gives the whole group beside it. Codes are the standard's
(``tessera.standard.codes``); promised jobs are free text, compared case-folded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tessera.patterns.routes import UNKNOWN, Journey, check_period, period_of

# What is counted, and where a journey holds it.
FACETS: dict[str, Callable[[Journey], tuple[str, ...]]] = {
    "recruitment_method": lambda j: j.recruitment_methods,
    "recruitment_channel": lambda j: j.recruitment_channels,
    "promised_job": lambda j: j.promised_jobs,
    "promised_industry": lambda j: j.promised_industries,
    "exploitation_type": lambda j: j.exploitation_types,
    "industry": lambda j: j.industries,
    "control_method": lambda j: j.control_methods,
    "exploitation_channel": lambda j: j.exploitation_channels,
}


def _pair(j: Journey) -> str:
    if j.origin is None and j.destination is None:
        return UNKNOWN
    return f"{j.origin or '?'}→{j.destination or '?'}"


# What people can be grouped by (each a journey's value, "unknown" where not recorded).
GROUPINGS: dict[str, Callable[[Journey, str], str]] = {
    "corridor": lambda j, _: j.corridor,
    "pair": lambda j, _: _pair(j),
    "origin": lambda j, _: j.origin or UNKNOWN,
    "destination": lambda j, _: j.destination or UNKNOWN,
    "period": lambda j, period: period_of(j.first, period) if j.first else UNKNOWN,
    "gender": lambda j, _: j.gender or UNKNOWN,
    "age_band": lambda j, _: j.age_band or UNKNOWN,
    "nationality": lambda j, _: j.nationalities[0] if j.nationalities else UNKNOWN,
}


@dataclass(frozen=True, slots=True)
class Count:
    """How many people of a group a facet's value describes."""

    group: tuple[str, ...]  # the group's values, in the order of ``Profiles.by``
    facet: str
    value: str
    people: int
    known: int  # people of the group for whom the facet is recorded
    group_people: int  # people of the group

    @property
    def share(self) -> float:
        """Of the people for whom the facet is recorded."""
        return self.people / self.known


@dataclass(frozen=True, slots=True)
class Profiles:
    by: tuple[str, ...]
    period: str
    facets: tuple[str, ...]
    counts: tuple[Count, ...]  # by group, facet (in ``facets`` order), most people first

    def columns(self) -> list[str]:
        return [*self.by, "facet", "value", "people", "known", "group_people", "share"]

    def rows(self) -> list[dict[str, Any]]:
        """One row per group, facet and value, with the columns of ``columns()``."""
        return [{**dict(zip(self.by, c.group, strict=True)), "facet": c.facet,
                 "value": c.value, "people": c.people, "known": c.known,
                 "group_people": c.group_people, "share": round(c.share, 4)}
                for c in self.counts]

    def top(self, facet: str, group: Sequence[str] = (), n: int = 5) -> list[Count]:
        """The ``n`` values of ``facet`` describing most people of ``group`` (every group when
        empty; give it in the order of ``by``)."""
        _check_facets([facet])
        wanted = tuple(group)
        return [c for c in self.counts if c.facet == facet
                and (not wanted or c.group == wanted)][:n]

    def text(self, n: int = 5) -> str:
        """A plain-text report: for each group, each facet's ``n`` leading values with people
        and share."""
        lines: list[str] = []
        grouped: dict[tuple[str, ...], dict[str, list[Count]]] = defaultdict(
            lambda: defaultdict(list))
        for c in self.counts:
            grouped[c.group][c.facet].append(c)
        for group, facets in grouped.items():
            first = next(iter(facets.values()))[0]
            title = ", ".join(f"{k} {v}" for k, v in zip(self.by, group, strict=True))
            lines.append(f"{title or 'all'} ({first.group_people} people)")
            for facet, counts in facets.items():
                shown = "; ".join(f"{c.value} {c.people} ({100 * c.share:.0f} %)"
                                  for c in counts[:n])
                lines.append(f"  {facet} (known for {counts[0].known}): {shown}")
        return "\n".join(lines)


def _check_facets(facets: Iterable[str]) -> None:
    unknown = [f for f in facets if f not in FACETS]
    if unknown:
        raise ValueError(f"unknown facet {', '.join(map(repr, unknown))}: one of "
                         f"{', '.join(FACETS)}")


def profiles(journeys: Iterable[Journey], by: Sequence[str] = ("corridor",), *,
             period: str = "year", facets: Sequence[str] | None = None) -> Profiles:
    """People counted by each value of each of ``facets`` (all by default), within the groups
    ``by`` makes (any of ``GROUPINGS``; none for everyone together), with ``period`` the
    length of a period when grouping by it."""
    by = tuple(by)
    unknown = [b for b in by if b not in GROUPINGS]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(map(repr, unknown))}: one of "
                         f"{', '.join(GROUPINGS)}")
    if len(set(by)) != len(by):
        raise ValueError(f"grouping {by} names a grouping twice")
    check_period(period)  # even when not grouping by period: a typo is still a typo
    chosen = tuple(FACETS) if facets is None else tuple(facets)
    _check_facets(chosen)
    people: Counter[tuple[str, ...]] = Counter()
    known: Counter[tuple[tuple[str, ...], str]] = Counter()
    counts: Counter[tuple[tuple[str, ...], str, str]] = Counter()
    for journey in journeys:
        group = tuple(GROUPINGS[b](journey, period) for b in by)
        people[group] += 1
        for facet in chosen:
            values = FACETS[facet](journey)
            if values:
                known[(group, facet)] += 1
                counts.update((group, facet, value) for value in set(values))
    order = {facet: i for i, facet in enumerate(chosen)}
    found = sorted(counts.items(), key=lambda item: (item[0][0], order[item[0][1]], -item[1],
                                                     item[0][2]))
    return Profiles(by, period, chosen, tuple(
        Count(group, facet, value, n, known[(group, facet)], people[group])
        for (group, facet, value), n in found))
