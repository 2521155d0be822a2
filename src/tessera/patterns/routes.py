"""Routes and corridors: each resolved person's journey, the corridors journeys make, and the
corridors that rise or replace one another.

A journey is what the records say of one person's trafficking: the country they were
recruited in, their movement legs in the order they travelled, and the country they were
exploited in. Agencies report the same leg twice (the border agency at each end, the police
who later interviewed the victim), so a leg of one person between the same two countries
departing within ``SAME_LEG_DAYS`` days is one leg, with every agency that reported it. The
route is the countries in order, consecutive repeats collapsed: origin → transits →
destination.

People are the hub's resolved entities: ``people`` maps a person record's key ("AGENCY/ref")
to its entity's id, as ``tessera.network.graph.build`` takes it; a person it does not map is
their own entity, ``"AGENCY/ref"``. A record's ``person_ref`` names a person record of the
same agency.

A corridor is a route and the people who took it, counted by period, mode, border crossing and
documents; the origin → destination pair gathers the corridors between two countries by their
transit path. ``emerging`` tests each corridor's count in one period against its own history,
``shifts`` a pair's paths' shares between two periods; both correct for the many corridors
tested at once (Benjamini–Hochberg) and say what they found in words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tessera.patterns.stats import benjamini_hochberg, binomial_upper_tail, fisher_exact
from tessera.standard.records import (
    Exploitation,
    IdentityDocument,
    Movement,
    Person,
    Record,
    Recruitment,
)
from tessera.standard.values import AgeRange, PartialDate

# Two reports of one person's leg between the same countries whose departures lie this many
# days apart or fewer are one leg: agencies at the two ends of a crossing, or a victim's
# account written weeks later, date it a day or two apart (night crossings, time zones,
# memory), while a second trip on the same leg is weeks or months later.
SAME_LEG_DAYS = 3
PERIODS = ("year", "quarter", "month")
DIRECT = "direct"
# Age bands for victim profiles, (first age, last age or None, label).
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "0-17"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"), (50, None, "50+"),
)
UNKNOWN = "unknown"


# --- journeys ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg, as one or more agencies reported it."""

    origin: str  # ISO 3166 alpha-2
    destination: str
    departed: dt.date | None  # the earliest day the reports allow
    mode: str | None  # standard TravelMode
    crossing: str | None  # border crossing point
    documents: tuple[str, ...]  # standard DocumentKind codes used, stated or of the documents
    forged: bool  # a document used is suspected to be forged
    agencies: tuple[str, ...]
    records: tuple[str, ...]  # "AGENCY/ref"


@dataclass(frozen=True, slots=True)
class Journey:
    """One resolved person's journey, with who said what of it and who the person is."""

    person: str  # the resolved entity's id ("AGENCY/ref" when unresolved)
    route: tuple[str, ...]  # countries, origin first, consecutive repeats collapsed
    legs: tuple[Leg, ...]  # in the order travelled
    first: dt.date | None  # the earliest date of recruitment, departure or exploitation
    recruited_in: str | None
    exploited_in: str | None
    agencies: tuple[str, ...]
    records: tuple[str, ...]  # "AGENCY/ref" of every record the journey is made of
    # the person, from their person records (empty or None where no record says)
    roles: tuple[str, ...] = ()
    gender: str | None = None
    age_band: str | None = None
    nationalities: tuple[str, ...] = ()  # most often recorded first
    # how they were recruited and exploited: standard codes (promised jobs as written,
    # case-folded)
    recruitment_methods: tuple[str, ...] = ()
    recruitment_channels: tuple[str, ...] = ()
    promised_jobs: tuple[str, ...] = ()
    promised_industries: tuple[str, ...] = ()
    exploitation_types: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    control_methods: tuple[str, ...] = ()
    exploitation_channels: tuple[str, ...] = ()

    @property
    def origin(self) -> str | None:
        """Where the person was recruited, else where their first known leg left from;
        ``None`` when neither is recorded (a route of only the country of exploitation does
        not say where it began)."""
        return self.route[0] if self.route and (self.recruited_in or self.legs) else None

    @property
    def destination(self) -> str | None:
        """Where the person was exploited; ``None`` when no record says (the route's last
        country is then only where the trail ends)."""
        return self.route[-1] if self.exploited_in is not None else None

    @property
    def transits(self) -> tuple[str, ...]:
        return self.route[1:-1]

    @property
    def path_seen(self) -> bool:
        """Whether a movement leg is recorded: without one, a route from the country of
        recruitment to the country of exploitation says where the person went, not which
        way (it is not "direct")."""
        return bool(self.legs)

    @property
    def corridor(self) -> str:
        """The route in words, as far as it is known: "UA→PL→DE"; "UA→?→DE" when no leg is
        recorded; "UA→PL→?" with no country of exploitation; "?→DE" with no origin."""
        if self.origin is None:
            return f"?→{self.destination}" if self.destination else UNKNOWN
        if self.destination is None:
            return f"{route_label(self.route)}→?"
        if not self.path_seen and len(self.route) > 1:
            return f"{self.origin}→?→{self.destination}"
        return route_label(self.route)


def _span(value: PartialDate | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a partial date may denote."""
    if value is None:
        return None
    first = value.earliest()
    if value.month is None:
        return first, dt.date(value.year, 12, 31)
    if value.day is None:
        following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return first, first


def _apart(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two spans (0 when they overlap)."""
    return max(0, (max(a[0], b[0]) - min(a[1], b[1])).days)


@dataclass
class _LegBuilder:
    origin: str
    destination: str
    span: tuple[dt.date, dt.date] | None
    mode: str | None
    crossing: str | None
    documents: set[str]
    forged: bool
    records: list[str]

    def same(self, other: _LegBuilder) -> bool:
        if (self.origin, self.destination) != (other.origin, other.destination):
            return False
        if self.span is None or other.span is None:  # an undated report of a dated leg
            return True
        return _apart(self.span, other.span) <= SAME_LEG_DAYS

    def absorb(self, other: _LegBuilder) -> None:
        if other.span is not None and (
            self.span is None or other.span[1] - other.span[0] < self.span[1] - self.span[0]
        ):  # keep the most precise date reported
            self.span = other.span
        self.mode = self.mode or other.mode
        self.crossing = self.crossing or other.crossing
        self.documents |= other.documents
        self.forged = self.forged or other.forged
        self.records += other.records

    def leg(self) -> Leg:
        return Leg(self.origin, self.destination, self.span[0] if self.span else None,
                   self.mode, self.crossing, tuple(sorted(self.documents)), self.forged,
                   tuple(sorted({r.partition("/")[0] for r in self.records})),
                   tuple(sorted(self.records)))


def _merge_legs(reports: list[_LegBuilder]) -> list[Leg]:
    """One person's leg reports as legs in the order travelled: reports of one leg merged,
    dated legs by departure, each undated leg put where it continues the route."""
    merged: list[_LegBuilder] = []
    # dated reports first, so that an undated one joins a leg whose date is known
    for report in sorted(reports, key=lambda r: (r.span is None, r.span or (), r.records)):
        found = next((m for m in merged if m.same(report)), None)
        if found is None:
            merged.append(report)
        else:
            found.absorb(report)
    ordered = sorted((m for m in merged if m.span is not None), key=lambda m: m.span or ())
    for undated in (m for m in merged if m.span is None):
        after = next((i + 1 for i, m in enumerate(ordered)
                      if m.destination == undated.origin), None)
        before = next((i for i, m in enumerate(ordered) if m.origin == undated.destination),
                      None)
        ordered.insert(after if after is not None else
                       before if before is not None else len(ordered), undated)
    return [m.leg() for m in ordered]


def _collapse(countries: Iterable[str]) -> tuple[str, ...]:
    route: list[str] = []
    for country in countries:
        if not route or route[-1] != country:
            route.append(country)
    return tuple(route)


def age_band(age: AgeRange | None, birth: PartialDate | None, when: dt.date | None
             ) -> str | None:
    """The age band at the time of trafficking: the recorded age when there is one (the band
    of its middle), else the age at ``when`` from the birth date."""
    years: int | None = None
    if age is not None:
        years = age.low if age.high is None else (age.low + age.high) // 2
    elif birth is not None and when is not None:
        born = birth.earliest()
        years = when.year - born.year - ((when.month, when.day) < (born.month, born.day))
    if years is None or years < 0:
        return None
    return next(label for low, high, label in AGE_BANDS if high is None or years <= high)


def _most_common(values: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(values)
    return tuple(sorted(counts, key=lambda v: (-counts[v], v)))


@dataclass
class _Trail:
    legs: list[_LegBuilder] = field(default_factory=list)
    recruitments: list[tuple[str, Recruitment]] = field(default_factory=list)
    exploitations: list[tuple[str, Exploitation]] = field(default_factory=list)


def _first_by_date(found: list[tuple[dt.date | None, str, str | None]]) -> str | None:
    """The country of the earliest dated report (undated ones after), ties by record."""
    dated = sorted((day or dt.date.max, key, country) for day, key, country in found
                   if country is not None)
    return dated[0][2] if dated else None


def journeys(records: Iterable[tuple[str, Record]], people: Mapping[str, str] | None = None
             ) -> list[Journey]:
    """Every resolved person's journey from ``(agency, record)`` pairs, sorted by person.

    A person has a journey when a movement, recruitment or exploitation record names them.
    The route starts at the country of recruitment (the earliest recruitment record giving
    one) and ends at the country of exploitation (the earliest exploitation record giving
    one); the legs between come in the order travelled.
    """
    people = people or {}
    listed = list(records)
    persons: dict[str, list[Person]] = defaultdict(list)
    documents: dict[str, IdentityDocument] = {}
    trails: dict[str, _Trail] = defaultdict(_Trail)
    for agency, record in listed:
        key = f"{agency}/{record.ref}"
        if isinstance(record, Person):
            persons[people.get(key, key)].append(record)
        elif isinstance(record, IdentityDocument):
            documents[key] = record
    for agency, record in listed:
        if not isinstance(record, Movement | Recruitment | Exploitation):
            continue
        key = f"{agency}/{record.ref}"
        subject = f"{agency}/{record.person_ref}"
        trail = trails[people.get(subject, subject)]
        if isinstance(record, Movement):
            used = [documents[f"{agency}/{ref}"] for ref in record.document_refs
                    if f"{agency}/{ref}" in documents]
            trail.legs.append(_LegBuilder(
                record.from_country.code, record.to_country.code, _span(record.departed),
                str(record.mode) if record.mode else None, record.border_crossing,
                {str(d) for d in record.documents_used} | {str(d.kind) for d in used},
                any(d.suspected_forged for d in used), [key]))
        elif isinstance(record, Recruitment):
            trail.recruitments.append((key, record))
        else:
            trail.exploitations.append((key, record))
    return [_journey(person, trails[person], persons.get(person, [])) for person in
            sorted(trails)]


def _journey(person: str, trail: _Trail, records: list[Person]) -> Journey:
    legs = _merge_legs(trail.legs)
    recruited_in = _first_by_date([
        (r.date.earliest() if r.date else None, key, r.country.code if r.country else None)
        for key, r in trail.recruitments])
    exploited_in = _first_by_date([
        (e.started.earliest() if e.started else None, key, e.country.code if e.country else None)
        for key, e in trail.exploitations])
    route = _collapse([
        *([recruited_in] if recruited_in else []),
        *(country for leg in legs for country in (leg.origin, leg.destination)),
        *([exploited_in] if exploited_in else []),
    ])
    days = [leg.departed for leg in legs if leg.departed is not None]
    days += [r.date.earliest() for _, r in trail.recruitments if r.date]
    days += [e.started.earliest() for _, e in trail.exploitations if e.started]
    first = min(days) if days else None
    keys = [r for leg in legs for r in leg.records]
    keys += [key for key, _ in trail.recruitments] + [key for key, _ in trail.exploitations]
    recruitments = [r for _, r in trail.recruitments]
    exploitations = [e for _, e in trail.exploitations]
    genders = [str(p.gender) for p in records if p.gender and str(p.gender) != UNKNOWN]
    bands = [b for p in records if (b := age_band(p.age, p.birth_date, first)) is not None]
    return Journey(
        person=person,
        route=route,
        legs=tuple(legs),
        first=first,
        recruited_in=recruited_in,
        exploited_in=exploited_in,
        agencies=tuple(sorted({k.partition("/")[0] for k in keys})),
        records=tuple(sorted(keys)),
        roles=tuple(sorted({str(r) for p in records for r in p.roles})),
        gender=_most_common(genders)[0] if genders else None,
        age_band=_most_common(bands)[0] if bands else None,
        nationalities=_most_common(c.code for p in records for c in p.nationalities),
        recruitment_methods=_codes(m for r in recruitments for m in r.methods),
        recruitment_channels=_codes(c for r in recruitments for c in r.channels),
        promised_jobs=_codes(" ".join(r.promised_job.split()).casefold()
                             for r in recruitments if r.promised_job),
        promised_industries=_codes(r.promised_industry for r in recruitments
                                   if r.promised_industry),
        exploitation_types=_codes(t for e in exploitations for t in e.types),
        industries=_codes(e.industry for e in exploitations if e.industry),
        control_methods=_codes(m for e in exploitations for m in e.control_methods),
        exploitation_channels=_codes(c for e in exploitations for c in e.channels),
    )


def _codes(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values}))


# --- periods ----------------------------------------------------------------------------------


def check_period(period: str) -> None:
    """Refuse a period length other than year, quarter or month."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}: one of {', '.join(PERIODS)}")


def _index(day: dt.date, period: str) -> int:
    if period == "year":
        return day.year
    if period == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year * 12 + day.month - 1


def _label(index: int, period: str) -> str:
    if period == "year":
        return f"{index:04d}"
    if period == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of(day: dt.date, period: str = "year") -> str:
    """The label of the period holding ``day``: "2023", "2023-Q2" or "2023-05"."""
    check_period(period)
    return _label(_index(day, period), period)


# --- corridors --------------------------------------------------------------------------------


def route_label(route: Sequence[str]) -> str:
    return "→".join(route)


def path_label(transits: Sequence[str]) -> str:
    """A pair's transit path in words: "via PL", "via PL, HU" or "direct"."""
    return f"via {', '.join(transits)}" if transits else DIRECT


@dataclass(frozen=True, slots=True)
class Corridor:
    """A route and the people who took it, counted (distinct people) several ways."""

    route: tuple[str, ...]
    rank: int  # within its origin, 1 for the most people
    people: int
    by_period: dict[str, int]  # undated journeys are in ``people`` only
    by_mode: dict[str, int]  # a person counts once for each mode, crossing, document used
    by_crossing: dict[str, int]
    by_documents: dict[str, int]
    agencies: tuple[str, ...]

    @property
    def origin(self) -> str:
        return self.route[0]

    @property
    def destination(self) -> str:
        return self.route[-1]

    @property
    def transits(self) -> tuple[str, ...]:
        return self.route[1:-1]


@dataclass(frozen=True, slots=True)
class Pair:
    """The corridors from one origin to one destination, by transit path."""

    origin: str
    destination: str
    people: int  # all people from origin to destination, whether their path is seen or not
    unknown_path: int  # of which no leg is recorded
    by_path: dict[str, int]  # path label -> people whose path is seen
    by_period: dict[str, dict[str, int]]  # period -> path label -> people whose path is seen


@dataclass(frozen=True, slots=True)
class Corridors:
    period: str  # year, quarter or month
    periods: tuple[str, ...]  # every period from the first journey's to the last's, in order
    corridors: tuple[Corridor, ...]  # by origin, then rank
    pairs: tuple[Pair, ...]  # by origin, then destination
    journeys: int  # journeys in corridors
    undated: int  # of which with no date (in no period)
    unknown_path: int  # journeys with origin and destination but no leg: in pairs only
    incomplete: int  # journeys left out: no country of exploitation, or no origin

    def ranking(self, origin: str) -> list[Corridor]:
        """The corridors from ``origin``, most people first."""
        return [c for c in self.corridors if c.origin == origin]

    def corridor(self, route: Sequence[str]) -> Corridor:
        wanted = tuple(route)
        for found in self.corridors:
            if found.route == wanted:
                return found
        raise KeyError(f"no corridor {route_label(wanted)}")

    def rows(self) -> list[dict[str, Any]]:
        """One row per corridor, for a table or a CSV."""
        return [{
            "origin": c.origin, "transits": ";".join(c.transits), "destination": c.destination,
            "route": route_label(c.route), "rank": c.rank, "people": c.people,
            "first_period": min(c.by_period, default=""),
            "last_period": max(c.by_period, default=""),
            "agencies": ";".join(c.agencies),
        } for c in self.corridors]

    def breakdown_rows(self) -> list[dict[str, Any]]:
        """One row per corridor and value of each breakdown (period, mode, crossing,
        documents): ``route, by, value, people``."""
        out: list[dict[str, Any]] = []
        for c in self.corridors:
            for by, counts in (("period", c.by_period), ("mode", c.by_mode),
                               ("crossing", c.by_crossing), ("documents", c.by_documents)):
                out += [{"route": route_label(c.route), "by": by, "value": value,
                         "people": people} for value, people in sorted(counts.items())]
        return out

    def pair_rows(self) -> list[dict[str, Any]]:
        """One row per origin → destination pair and transit path, with its share."""
        return [{
            "origin": p.origin, "destination": p.destination, "path": path, "people": n,
            "pair_people": p.people, "unknown_path": p.unknown_path,
            "share": round(n / (p.people - p.unknown_path), 4),  # of the paths seen
        } for p in self.pairs for path, n in p.by_path.items()]


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def corridors(journeys: Iterable[Journey], period: str = "year") -> Corridors:
    """Journeys gathered into corridors (by route) and origin → destination pairs (by transit
    path), counted by ``period`` of their first date.

    Only what the records establish is counted. A journey whose country of exploitation no
    record gives ends only where the records lose the person, and one with no country of
    recruitment or departure has no known start: both are left out (``incomplete``), not
    counted as corridors ending or starting there. A journey with both ends but no leg counts
    in its pair (``unknown_path``) and in no corridor, since its way is not known.
    """
    check_period(period)
    by_route: dict[tuple[str, ...], list[Journey]] = defaultdict(list)
    unseen: Counter[tuple[str, str]] = Counter()
    incomplete = 0
    for journey in journeys:
        if journey.origin is None or journey.destination is None:
            incomplete += 1
        elif not journey.path_seen:
            unseen[(journey.origin, journey.destination)] += 1
        else:
            by_route[journey.route].append(journey)
    indices = [_index(j.first, period) for group in by_route.values() for j in group
               if j.first is not None]
    periods = tuple(_label(i, period) for i in range(min(indices), max(indices) + 1)
                    ) if indices else ()
    built: list[Corridor] = []
    pairs: dict[tuple[str, str], tuple[Counter[str], dict[str, Counter[str]]]] = {}
    for route, group in by_route.items():
        by_period: Counter[str] = Counter()
        by_mode: Counter[str] = Counter()
        by_crossing: Counter[str] = Counter()
        by_documents: Counter[str] = Counter()
        for j in group:
            if j.first is not None:
                by_period[period_of(j.first, period)] += 1
            by_mode.update({leg.mode or UNKNOWN for leg in j.legs})
            by_crossing.update({leg.crossing for leg in j.legs if leg.crossing})
            by_documents.update({d for leg in j.legs for d in leg.documents})
        built.append(Corridor(route, 0, len(group), dict(sorted(by_period.items())),
                              _sorted_counts(by_mode), _sorted_counts(by_crossing),
                              _sorted_counts(by_documents),
                              tuple(sorted({a for j in group for a in j.agencies}))))
        paths, periods_paths = pairs.setdefault((route[0], route[-1]), (Counter(), {}))
        path = path_label(route[1:-1])
        paths[path] += len(group)
        for label, n in by_period.items():
            periods_paths.setdefault(label, Counter())[path] += n
    for ends in unseen:
        pairs.setdefault(ends, (Counter(), {}))
    built.sort(key=lambda c: (c.origin, -c.people, c.route))
    ranked: list[Corridor] = []
    for c in built:
        rank = 1 if not ranked or ranked[-1].origin != c.origin else ranked[-1].rank + 1
        ranked.append(Corridor(c.route, rank, c.people, c.by_period, c.by_mode, c.by_crossing,
                               c.by_documents, c.agencies))
    return Corridors(
        period=period,
        periods=periods,
        corridors=tuple(ranked),
        pairs=tuple(Pair(o, d, sum(paths.values()) + unseen[(o, d)], unseen[(o, d)],
                         _sorted_counts(paths),
                         {p: _sorted_counts(n) for p, n in sorted(by_period.items())})
                    for (o, d), (paths, by_period) in sorted(pairs.items())),
        journeys=sum(len(g) for g in by_route.values()),
        undated=sum(j.first is None for g in by_route.values() for j in g),
        unknown_path=sum(unseen.values()),
        incomplete=incomplete,
    )


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha}")


def _period_position(found: Corridors, period: str, what: str) -> int:
    if period not in found.periods:
        shown = f"{found.periods[0]}…{found.periods[-1]}" if found.periods else "none"
        raise ValueError(f"{what} {period!r} is not one of the corridors' {found.period}s "
                         f"({shown})")
    return found.periods.index(period)


# --- emerging corridors -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Emerging:
    """A corridor that carried significantly more people in one period than its history
    predicts."""

    route: tuple[str, ...]
    period: str
    people: int  # in ``period``
    history: tuple[int, ...]  # people in each earlier period, oldest first
    expected: float  # the earlier periods' mean
    p_value: float
    q_value: float  # Benjamini–Hochberg, across the corridors tested
    reason: str

    def row(self) -> dict[str, Any]:
        return {"route": route_label(self.route), "period": self.period, "people": self.people,
                "expected": round(self.expected, 3), "history": ";".join(map(str, self.history)),
                "p_value": self.p_value, "q_value": self.q_value, "reason": self.reason}


def emerging(found: Corridors, period: str | None = None, *, alpha: float = 0.05,
             min_people: int = 3) -> list[Emerging]:
    """The corridors whose count in ``period`` (the latest by default) is a significant rise
    against their own earlier periods, most significant first.

    The test: if a corridor's rate were the same in each of the n earlier periods and the one
    tested, then of its T people in those n + 1 periods the number in the tested one would be
    Binomial(T, 1/(n+1)) — the exact conditional test of two Poisson rates. Unlike a Poisson
    tail against the earlier mean it allows for that mean being itself an estimate, and a new
    corridor (no history) gets a finite p-value rather than zero. Every corridor seen up to
    the period is tested; the p-values are adjusted by Benjamini–Hochberg, and a corridor is
    flagged when q ≤ ``alpha`` and it carried at least ``min_people`` people in the period.
    """
    _check_alpha(alpha)
    if min_people < 1:
        raise ValueError(f"min_people must be at least 1, not {min_people}")
    if not found.periods:
        return []
    period = found.periods[-1] if period is None else period
    position = _period_position(found, period, "period")
    if position == 0:
        raise ValueError(f"period {period!r} is the first {found.period} of the data: it has no "
                         "history to rise against")
    earlier = found.periods[:position]
    tested: list[tuple[Corridor, int, tuple[int, ...], float]] = []
    for c in found.corridors:
        history = tuple(c.by_period.get(p, 0) for p in earlier)
        now = c.by_period.get(period, 0)
        total = now + sum(history)
        if total == 0:
            continue
        tested.append((c, now, history, binomial_upper_tail(now, total, 1 / (position + 1))))
    q_values = benjamini_hochberg([p for *_, p in tested])
    out = []
    for (c, now, history, p), q in zip(tested, q_values, strict=True):
        if q > alpha or now < min_people:
            continue
        mean = sum(history) / len(history)
        out.append(Emerging(c.route, period, now, history, mean, p, q, (
            f"{route_label(c.route)}: {now} people in {period} against {mean:.1f} a "
            f"{found.period} in the {len(history)} before ({sum(history)} in all, "
            f"{earlier[0]}–{earlier[-1]}); p = {p:.2g}, q = {q:.2g} across {len(tested)} "
            "corridors")))
    return sorted(out, key=lambda e: (e.p_value, e.route))


# --- shifts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shift:
    """Between two periods, one transit path of an origin → destination pair lost share while
    another gained it."""

    origin: str
    destination: str
    before: str  # periods
    after: str
    falling: str  # path labels ("via PL", "direct")
    rising: str
    people: tuple[int, int]  # the pair's people in ``before`` and ``after``
    falling_share: tuple[float, float]  # before, after
    rising_share: tuple[float, float]
    p_value: float  # the larger of the two paths' Fisher p-values: both changes must hold
    q_value: float
    reason: str

    def row(self) -> dict[str, Any]:
        return {"origin": self.origin, "destination": self.destination,
                "before": self.before, "after": self.after, "falling": self.falling,
                "rising": self.rising, "people_before": self.people[0],
                "people_after": self.people[1],
                "falling_share_before": round(self.falling_share[0], 4),
                "falling_share_after": round(self.falling_share[1], 4),
                "rising_share_before": round(self.rising_share[0], 4),
                "rising_share_after": round(self.rising_share[1], 4),
                "p_value": self.p_value, "q_value": self.q_value, "reason": self.reason}


def _pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def shifts(found: Corridors, before: str | None = None, after: str | None = None, *,
           alpha: float = 0.05, min_people: int = 10) -> list[Shift]:
    """Pairs whose traffic moved from one transit path to another between ``before`` and
    ``after`` (the last two periods by default), most significant first.

    Each path of a pair with at least ``min_people`` people in each period is tested: is its
    share of the pair's people different after than before (Fisher's exact test on paths'
    people: this path or another, before or after)? The p-values of all paths of all pairs
    are adjusted together by Benjamini–Hochberg. A pair shows a shift when a path's share fell
    and another's rose, both with q ≤ ``alpha``; the largest fall and the largest rise are
    named.
    """
    _check_alpha(alpha)
    if min_people < 1:
        raise ValueError(f"min_people must be at least 1, not {min_people}")
    if len(found.periods) < 2 and (before is None or after is None):
        return []
    before = found.periods[-2] if before is None else before
    after = found.periods[-1] if after is None else after
    if _period_position(found, before, "before") >= _period_position(found, after, "after"):
        raise ValueError(f"before ({before}) must come earlier than after ({after})")
    tests: list[tuple[Pair, str, int, int, int, int, float]] = []
    for pair in found.pairs:
        then, now = pair.by_period.get(before, {}), pair.by_period.get(after, {})
        total_then, total_now = sum(then.values()), sum(now.values())
        if total_then < min_people or total_now < min_people:
            continue
        for path in sorted(set(then) | set(now)):
            a, c = then.get(path, 0), now.get(path, 0)
            tests.append((pair, path, a, total_then, c, total_now,
                          fisher_exact(a, total_then - a, c, total_now - c)))
    q_values = benjamini_hochberg([t[-1] for t in tests])
    moves: dict[tuple[str, str], list[tuple[float, str, float, float, float, float]]] = (
        defaultdict(list))
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for (pair, path, a, n_then, c, n_now, p), q in zip(tests, q_values, strict=True):
        if q <= alpha:
            key = (pair.origin, pair.destination)
            moves[key].append((c / n_now - a / n_then, path, a / n_then, c / n_now, p, q))
            totals[key] = (n_then, n_now)
    out = []
    for (origin, destination), changes in sorted(moves.items()):
        fall = min(changes)
        rise = max(changes)
        if fall[0] >= 0 or rise[0] <= 0:
            continue
        n_then, n_now = totals[(origin, destination)]
        p, q = max(fall[4], rise[4]), max(fall[5], rise[5])
        out.append(Shift(origin, destination, before, after, fall[1], rise[1],
                         (n_then, n_now), (fall[2], fall[3]), (rise[2], rise[3]), p, q, (
            f"{origin}→{destination} {rise[1]} replaced {fall[1]}: {fall[1]} fell from "
            f"{_pct(fall[2])} of {n_then} people in {before} to {_pct(fall[3])} of {n_now} in "
            f"{after}, {rise[1]} rose from {_pct(rise[2])} to {_pct(rise[3])}; "
            f"p = {p:.2g}, q = {q:.2g} (Fisher, across {len(tests)} paths)")))
    return sorted(out, key=lambda s: (s.p_value, s.origin, s.destination))


# --- findings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Findings:
    """The corridors emerging in the latest period and the shifts between the last two."""

    emerging: tuple[Emerging, ...]
    shifts: tuple[Shift, ...]
    history: bool  # two periods or more: the latest has earlier ones to rise or shift against


def findings(found: Corridors, alpha: float = 0.05) -> Findings:
    """``emerging`` and ``shifts`` at false discovery rate ``alpha``, each with its other
    defaults, when the corridors span at least two periods; with one period (or none) there
    is no history to test against, and both are empty."""
    if len(found.periods) < 2:
        return Findings((), (), history=False)
    return Findings(tuple(emerging(found, alpha=alpha)), tuple(shifts(found, alpha=alpha)),
                    history=True)
