"""The simulated world's ground truth: who and what exists, before any agency observes it.

Plain slotted dataclasses (not the standard's pydantic records): a scenario of millions of
records is built and written in seconds, and these carry what no agency record holds — the
true identity behind each observation, group membership, key players, laundering typologies.
Agencies' records are made from them by ``tessera.synth.observe``.

Ids are stable strings, unique within a scenario: ``P…`` people, ``O…`` organisations,
``G…`` groups, ``A…`` accounts, ``T…`` transfers, ``J…`` journeys, ``M…`` money patterns.
Codes (roles, methods, industries…) are the standard's (``tessera.standard.codes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class Person:
    id: str
    country: str  # nationality, ISO 3166 alpha-2
    gender: str  # "female" or "male"
    given: str  # in the country's own script
    family: str
    birth: dt.date
    roles: list[str] = field(default_factory=list)  # standard Role codes; "victim" for victims
    groups: list[str] = field(default_factory=list)  # ids of the groups they serve
    residence: str = ""  # country where they live (destination for exploiters)
    phone: str = ""  # E.164
    email: str = ""
    passport: str = ""  # document number, issued by ``country``
    address_id: str = ""  # id of their Address (shared addresses are common)


@dataclass(slots=True)
class Organization:
    id: str
    name: str
    kind: str  # standard OrganizationKind: recruitment_agency, employer, travel_agency…
    country: str
    industry: str  # standard Industry
    registration: str
    group: str = ""  # the group using it as a front ("" for a legitimate business)
    directors: list[str] = field(default_factory=list)  # person ids


@dataclass(slots=True)
class Account:
    id: str
    owner: str  # person or organisation id
    country: str
    bank: str
    currency: str
    iban: str = ""  # for IBAN countries
    number: str = ""  # a domestic account number elsewhere
    role: str = "ordinary"  # ordinary, victim, controller, mule, front, organiser


@dataclass(slots=True)
class Transfer:
    """One payment between two accounts; ``typology`` and ``pattern`` are the ground truth."""

    id: str
    payer: str  # account id
    beneficiary: str  # account id
    amount_cents: int
    currency: str
    at: dt.datetime
    channel: str  # standard TransactionChannel
    purpose: str = ""
    # one of money.TYPOLOGIES, money.VICTIM_EARNINGS, or None for an ordinary payment
    typology: str | None = None
    pattern: str | None = None  # id of the pattern instance it belongs to


@dataclass(slots=True)
class Address:
    id: str
    country: str
    city: str
    street: str
    latitude: float
    longitude: float


@dataclass(slots=True)
class Leg:
    origin: str  # country
    destination: str
    departed: dt.date
    mode: str  # bus, car, air, train, boat, on_foot
    crossing: str  # border crossing point
    documents: list[str]  # standard DocumentKind used
    transporter: str = ""  # person id


@dataclass(slots=True)
class Journey:
    """One victim's trafficking: recruitment, route and exploitation."""

    id: str
    victim: str
    group: str
    recruiter: str
    recruited: dt.date
    method: str  # standard RecruitmentMethod
    channel: str  # facebook, telegram, whatsapp, viber, tiktok, instagram, in_person…
    promised_job: str
    legs: list[Leg]
    exploitation: str  # standard ExploitationType
    industry: str  # standard Industry
    country: str  # where exploited
    city: str
    started: dt.date
    ended: dt.date | None
    control: list[str]  # standard ControlMethod
    exploiter: str  # person id
    site: str = ""  # organisation id of the workplace, if any


@dataclass(slots=True)
class Group:
    id: str
    name: str
    origin: str  # country it recruits in
    destinations: list[str]
    route: list[str]  # countries, origin first
    members: dict[str, list[str]] = field(default_factory=dict)  # role -> person ids
    fronts: list[str] = field(default_factory=list)  # organisation ids
    key_players: list[str] = field(default_factory=list)  # person ids an analyst should find
    industry: str = ""


@dataclass(slots=True)
class Call:
    caller: str  # person id
    callee: str
    at: dt.datetime
    seconds: int


@dataclass
class World:
    seed: int
    countries: list[str]
    people: dict[str, Person] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    addresses: dict[str, Address] = field(default_factory=dict)
    journeys: list[Journey] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    # vehicle id: (plate, country, owner person id)
    vehicles: dict[str, tuple[str, str, str]] = field(default_factory=dict)
