"""Build the true world of a scenario: groups, their members and fronts, victims' journeys,
money, calls — everything agencies will see only parts of.

Deterministic for a seed. The size follows ``scale``, the number of records the agencies'
files should hold in all (``observe`` writes about that many): the number of victims, groups
and background people are derived from it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tessera.synth import money
from tessera.synth.countries import (
    COUNTRIES,
    DEFAULT_COUNTRIES,
    DESTINATION,
    LAND_NEIGHBOURS,
    ORIGIN,
    TRANSIT,
    account_number,
    crossing,
    mobile,
    pattern_text,
)
from tessera.synth.model import (
    Account,
    Address,
    Call,
    Group,
    Journey,
    Leg,
    Organization,
    Person,
    Transfer,
    World,
)

# Records the agencies write, on average, per victim of the world (calibrated on the default
# settings by tests/synth: victims, suspects, their phones, documents, accounts, journeys,
# cases, and the transactions a financial intelligence unit sees).
RECORDS_PER_VICTIM = 15

# Industries a group exploits in, with the exploitation they bring and the share of women.
INDUSTRIES: dict[str, tuple[str, float]] = {
    "agriculture": ("forced_labour", 0.4),
    "construction": ("forced_labour", 0.05),
    "hospitality": ("forced_labour", 0.6),
    "domestic_work": ("servitude", 0.9),
    "sex_industry": ("sexual_exploitation", 0.95),
    "manufacturing": ("forced_labour", 0.5),
}
# How victims are recruited, with weights from the shares counter-trafficking data reports.
METHODS: dict[str, float] = {
    "deceptive_job_offer": 0.45,
    "romance": 0.12,
    "family_or_acquaintance": 0.15,
    "debt": 0.1,
    "abduction": 0.03,
    "online_advertisement": 0.15,
}
CHANNELS: dict[str, float] = {
    "facebook": 0.25,
    "telegram": 0.15,
    "whatsapp": 0.15,
    "viber": 0.1,
    "tiktok": 0.08,
    "instagram": 0.07,
    "in_person": 0.2,
}
CONTROL = (
    "debt_bondage",
    "withholds_documents",
    "threatens_family",
    "takes_earnings",
    "restricts_movement",
    "excessive_working_hours",
    "isolation",
    "physical_threats",
    "psychological_abuse",
)
PROMISED = {
    "agriculture": "seasonal fruit picking",
    "construction": "building site work",
    "hospitality": "hotel and restaurant work",
    "domestic_work": "live-in carer",
    "sex_industry": "dancer or waitress",
    "manufacturing": "factory work",
}
# Group roles: how many members of each, (low, high).
CREW: dict[str, tuple[int, int]] = {
    "organiser": (1, 2),
    "recruiter": (2, 4),
    "transporter": (1, 2),
    "document_forger": (0, 1),
    "controller": (2, 3),
    "money_handler": (1, 3),
}
VICTIMS_PER_GROUP = 25


@dataclass(frozen=True)
class Settings:
    """What to simulate. ``scale``: about how many records all agencies' files hold."""

    seed: int = 0
    scale: int = 10_000
    countries: tuple[str, ...] = DEFAULT_COUNTRIES
    start: dt.date = dt.date(2021, 1, 1)
    years: int = 4
    background_per_victim: int = 2  # people with no part in any crime, per victim
    reporting_threshold_cents: int = 1_000_000  # structuring stays under it (10,000.00)

    def __post_init__(self) -> None:
        unknown = [c for c in self.countries if c not in COUNTRIES]
        if unknown:
            raise ValueError(
                f"unknown countries {unknown}: the generator knows {', '.join(COUNTRIES)}"
            )
        regions = {COUNTRIES[c].region for c in self.countries}
        if ORIGIN not in regions or DESTINATION not in regions:
            raise ValueError("a scenario needs at least one origin and one destination country")
        if self.scale < 100:
            raise ValueError(f"scale must be at least 100 records, not {self.scale}")

    @property
    def victims(self) -> int:
        return max(4, self.scale // RECORDS_PER_VICTIM)


def _counter(prefix: str, width: int = 7) -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):0{width}d}"


class _Builder:
    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.rng = random.Random(settings.seed)
        self.world = World(seed=settings.seed, countries=list(settings.countries))
        self.ids = {p: _counter(p) for p in "POGAJMHT"}
        self.origins = [c for c in settings.countries if COUNTRIES[c].region == ORIGIN]
        self.transits = [c for c in settings.countries if COUNTRIES[c].region == TRANSIT]
        self.destinations = [
            c for c in settings.countries if COUNTRIES[c].region == DESTINATION
        ]
        self.end = settings.start + dt.timedelta(days=365 * settings.years)

    # --- people, places, accounts -----------------------------------------------------------

    def day(self, after: dt.date | None = None, within: int | None = None) -> dt.date:
        first = after or self.s.start
        span = within if within is not None else max(1, (self.end - first).days)
        return first + dt.timedelta(days=self.rng.randrange(max(1, span)))

    def address(self, country: str) -> Address:
        rng = self.rng
        city, lat, lon = rng.choice(COUNTRIES[country].cities)
        address = Address(
            self.ids["H"](),
            country,
            city,
            f"{rng.randrange(1, 180)} {rng.choice(('Main', 'Station', 'Park', 'Mill', 'Oak'))}"
            f" {rng.choice(('Street', 'Road', 'Lane'))}",
            round(lat + rng.uniform(-0.05, 0.05), 5),
            round(lon + rng.uniform(-0.05, 0.05), 5),
        )
        self.world.addresses[address.id] = address
        return address

    def person(
        self,
        country: str,
        *,
        female: float = 0.5,
        born: tuple[int, int] = (1965, 2000),
        roles: tuple[str, ...] = (),
        residence: str | None = None,
        address: Address | None = None,
    ) -> Person:
        rng, profile = self.rng, COUNTRIES[country]
        is_female = rng.random() < female
        given = profile.given_name(rng, is_female)
        family = profile.family_name(rng, is_female)
        birth = dt.date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
        home = residence or country
        p = Person(
            id=self.ids["P"](),
            country=country,
            gender="female" if is_female else "male",
            given=given,
            family=family,
            birth=birth,
            roles=list(roles),
            residence=home,
            phone=mobile(rng, home if home in COUNTRIES else country),
            passport=pattern_text(rng, profile.passport),
            address_id=(address or self.address(home)).id,
        )
        p.email = f"{p.id.lower()}@{rng.choice(('gmail.com', 'mail.com', 'proton.me'))}"
        self.world.people[p.id] = p
        return p

    def account(self, owner: str, country: str, role: str) -> Account:
        rng, profile = self.rng, COUNTRIES[country]
        bank = rng.randrange(len(profile.banks))
        iban, number = account_number(rng, country, bank)
        account = Account(
            self.ids["A"](),
            owner,
            country,
            profile.banks[bank][1],
            "EUR" if profile.iban else profile.currency,
            iban=iban,
            number=number,
            role=role,
        )
        self.world.accounts[account.id] = account
        return account

    # --- groups -------------------------------------------------------------------------------

    def route(self, origin: str, destination: str) -> list[str]:
        middle = [
            t for t in self.transits
            if (origin, t) in LAND_NEIGHBOURS and (t, destination) in LAND_NEIGHBOURS
        ]
        if not middle and self.transits and self.rng.random() < 0.5:
            middle = [self.rng.choice(self.transits)]
        return [origin, *middle[:1], destination]

    def group(self, number: int) -> Group:
        rng = self.rng
        origin = rng.choice(self.origins)
        destinations = rng.sample(self.destinations, k=min(len(self.destinations),
                                                           rng.choice((1, 1, 2))))
        industry = rng.choice(tuple(INDUSTRIES))
        group = Group(
            self.ids["G"](),
            f"Group {number}",
            origin,
            destinations,
            self.route(origin, destinations[0]),
            industry=industry,
        )
        for role, (low, high) in CREW.items():
            abroad = role in ("controller", "money_handler") and rng.random() < 0.6
            members = [
                self.person(
                    origin,
                    female=0.3,
                    born=(1960, 1995),
                    roles=(role,),
                    residence=rng.choice(destinations) if abroad else origin,
                )
                for _ in range(rng.randint(low, high))
            ]
            group.members[role] = [m.id for m in members]
            for m in members:
                m.groups.append(group.id)
        recruiter_front = self.organization(
            group, "recruitment_agency", origin, "administrative_support"
        )
        employer = self.organization(group, "employer", destinations[0], industry)
        group.fronts = [recruiter_front.id, employer.id]
        # The organisers and money handlers run it: an analyst disrupting the group should
        # find them (and the brokers it shares with others, added when brokers are made).
        group.key_players = [*group.members["organiser"], *group.members["money_handler"][:1]]
        self.world.groups[group.id] = group
        return group

    def organization(self, group: Group, kind: str, country: str, industry: str) -> Organization:
        rng = self.rng
        profile = COUNTRIES[country]
        family = profile.family_name(rng)
        suffix = {"recruitment_agency": "Work Abroad", "employer": industry.replace("_", " ")}
        org = Organization(
            self.ids["O"](),
            f"{family} {suffix.get(kind, 'Services')} {rng.choice(('Ltd', 'GmbH', 'SRL', 'LLC'))}",
            kind,
            country,
            industry,
            str(rng.randrange(10**7, 10**8)),
            group=group.id,
            directors=[rng.choice(group.members["organiser"] or [""])],
        )
        self.world.organizations[org.id] = org
        return org

    def brokers(self, groups: list[Group]) -> None:
        """A few people serve several groups across borders: forgers, transporters, brokers."""
        rng = self.rng
        for _ in range(max(1, len(groups) // 5)):
            served = rng.sample(groups, k=min(len(groups), rng.randint(2, 3)))
            role = rng.choice(("broker", "document_forger", "transporter"))
            broker = self.person(
                rng.choice(self.transits or self.origins), female=0.2, roles=(role,)
            )
            for g in served:
                g.members.setdefault(role, []).append(broker.id)
                g.key_players.append(broker.id)
                broker.groups.append(g.id)

    # --- victims ------------------------------------------------------------------------------

    def journey(self, group: Group, housing: dict[str, Address]) -> Journey:
        rng = self.rng
        kind, women = INDUSTRIES[group.industry]
        destination = rng.choice(group.destinations)
        shared = housing.get(destination)
        if shared is None or rng.random() < 0.3:  # victims of a group often share a flat
            shared = housing[destination] = self.address(destination)
        victim = self.person(
            group.origin, female=women, born=(1975, 2007), roles=("victim",),
            residence=destination, address=shared,
        )
        victim.groups.append(group.id)
        recruited = self.day(within=(self.end - self.s.start).days - 200)
        when = recruited + dt.timedelta(days=rng.randint(5, 60))
        legs = []
        route = [*group.route[:-1], destination]
        for origin, to in itertools.pairwise(route):
            point, mode = crossing(origin, to)
            forged = bool(group.members.get("document_forger")) and rng.random() < 0.3
            legs.append(
                Leg(origin, to, when, mode, point,
                    ["passport", "visa" if forged else "passport"][: 1 + forged],
                    rng.choice(group.members["transporter"]))
            )
            when += dt.timedelta(days=rng.randint(1, 4))
        started = when + dt.timedelta(days=rng.randint(1, 10))
        ended = started + dt.timedelta(days=rng.randint(30, 500))
        city = rng.choice(COUNTRIES[destination].cities)[0]
        site = next(
            (o for o in group.fronts if self.world.organizations[o].kind == "employer"), ""
        )
        return Journey(
            id=self.ids["J"](),
            victim=victim.id,
            group=group.id,
            recruiter=rng.choice(group.members["recruiter"]),
            recruited=recruited,
            method=_weighted(rng, METHODS),
            channel=_weighted(rng, CHANNELS),
            promised_job=PROMISED[group.industry],
            legs=legs,
            exploitation=kind,
            industry=group.industry,
            country=destination,
            city=city,
            started=started,
            ended=ended if ended < self.end else None,
            control=rng.sample(CONTROL, rng.randint(2, 4)),
            exploiter=rng.choice(group.members["controller"]),
            site=site,
        )

    # --- money and calls ----------------------------------------------------------------------

    def finances(self, group: Group, journeys: list[Journey]) -> None:
        rng, world = self.rng, self.world
        members = [p for ids in group.members.values() for p in ids]
        own: dict[str, Account] = {}
        for person_id in members:
            p = world.people[person_id]
            role = "controller" if "controller" in p.roles else (
                "organiser" if "organiser" in p.roles else "mule" if "money_handler" in p.roles
                else "ordinary"
            )
            own[person_id] = self.account(person_id, _banking(p.residence), role)
        fronts = [self.account(o, _banking(world.organizations[o].country), "front")
                  for o in group.fronts]
        mules = [self.account(self.person(group.origin, roles=("money_handler",)).id,
                              _banking(rng.choice(group.destinations)), "mule")
                 for _ in range(rng.randint(3, 6))]
        for j in journeys:  # victims' wages land in accounts their controller runs
            wage = self.account(j.victim, _banking(j.country), "victim")
            controller = own[j.exploiter]
            at = dt.datetime.combine(j.started, dt.time(9))
            for _ in range(rng.randint(2, 6)):
                at += dt.timedelta(days=rng.randint(20, 35))
                world.transfers.append(Transfer(
                    self.ids["T"](), wage.id, controller.id, rng.randint(300_00, 1_500_00),
                    wage.currency, at, "bank_transfer", "rent and debt",
                    typology=money.VICTIM_EARNINGS,
                ))
        # Layering: the controllers' takings through mules and fronts to the organisers.
        pool = list(dict.fromkeys([  # one account may serve twice (an organiser who controls)
            *(own[c].id for c in group.members["controller"]), *(m.id for m in mules),
            *(f.id for f in fronts), *(own[o].id for o in group.members["organiser"])]))
        start = dt.datetime.combine(self.day(), dt.time(10))
        for typology in rng.sample(money.TYPOLOGIES, k=rng.randint(2, 4)):
            low, high = money.accounts_needed(typology)
            n = min(max(low, min(high, len(pool))), len(pool))
            if n < low:
                continue
            world.transfers.extend(money.pattern(
                rng, typology, rng.sample(pool, n), start=start, pattern_id=self.ids["M"](),
                next_id=self.ids["T"], threshold_cents=self.s.reporting_threshold_cents,
            ))
            start += dt.timedelta(days=rng.randint(5, 60))
        # Calls: recruiters with organisers and their victims; controllers among themselves.
        for j in journeys:
            self.call(j.recruiter, j.victim, j.recruited)
        core = group.members["organiser"] + group.members["recruiter"] + group.members[
            "controller"]
        for a, b in itertools.combinations(core, 2):
            if rng.random() < 0.6:
                for _ in range(rng.randint(1, 5)):
                    self.call(a, b, self.day())

    def call(self, caller: str, callee: str, day: dt.date) -> None:
        rng = self.rng
        at = dt.datetime.combine(day, dt.time(rng.randrange(7, 23), rng.randrange(60)))
        self.world.calls.append(Call(caller, callee, at, rng.randint(10, 900)))

    def background(self, count: int) -> None:
        """People with no part in any crime, with accounts and ordinary payments between them:
        the population the suspicious ones hide in (and share names with)."""
        rng = self.rng
        accounts = []
        for _ in range(count):
            country = rng.choice(self.s.countries)
            p = self.person(country, residence=rng.choice((country, *self.destinations)))
            accounts.append(self.account(p.id, _banking(p.residence), "ordinary").id)
        if len(accounts) >= 2:
            start = dt.datetime.combine(self.s.start, dt.time())
            self.world.transfers.extend(money.background(
                rng, accounts, count * 2, start=start,
                end=dt.datetime.combine(self.end, dt.time()), next_id=self.ids["T"],
            ))

    def build(self) -> World:
        rng = self.rng
        victims = self.s.victims
        groups = [self.group(n + 1) for n in range(max(1, victims // VICTIMS_PER_GROUP))]
        self.brokers(groups)
        for g, share in zip(groups, _split(rng, victims, len(groups)), strict=True):
            housing: dict[str, Address] = {}
            journeys = [self.journey(g, housing) for _ in range(share)]
            self.world.journeys.extend(journeys)
            self.finances(g, journeys)
        for role_holder in self.world.people.values():  # transporters drive their own vans
            if "transporter" in role_holder.roles:
                plate = pattern_text(rng, COUNTRIES[role_holder.country].plate)
                self.world.vehicles[f"V{len(self.world.vehicles) + 1:07d}"] = (
                    plate, role_holder.country, role_holder.id)
        self.background(victims * self.s.background_per_victim)
        self.world.transfers.sort(key=lambda t: (t.at, t.id))
        return self.world


def _banking(country: str) -> str:
    """Where a resident of ``country`` banks: at home if its banks are profiled."""
    return country if country in COUNTRIES else "DE"


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _split(rng: random.Random, total: int, parts: int) -> Iterator[int]:
    """``total`` split into ``parts`` uneven positive shares (some groups are much bigger)."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    yield from (b - a for a, b in itertools.pairwise([0, *cuts, total]))


def build(settings: Settings) -> World:
    """The true world for ``settings``; the same settings always give the same world."""
    return _Builder(settings).build()
