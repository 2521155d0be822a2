"""What each agency sees of the world, written the way that agency writes.

Every country has the agencies its place on the routes gives it: police, a financial
intelligence unit (FIU) and NGO shelters in origin countries; police and a border agency in
transit countries; police, FIU, labour inspectorate, NGO and border agency in destination
countries. Each detects some victims' journeys (with the probabilities in ``DETECTION``) and
records what its kind of agency learns from them, in the standard's fields: a police force
the victim, the suspects it identifies, their phones and documents, the relations between them
and its outcomes; a border agency the crossings, passports and vehicles; an FIU the accounts
and transactions reported to it; a labour inspectorate the workplace; an NGO the victim's
account of recruitment and exploitation, with their consent.

Each agency refers to a person or account it meets twice by the same ref (it knows its own
files), but to nothing of another agency's: finding that two agencies' records are one person
is the hub's work. Names, dates, phones and documents carry the noise of ``tessera.synth.noise``
at rates that depend on the agency's kind (a border agency copies the passport; a police
officer abroad transliterates a name heard once). Beside every record, the truth: which person,
organisation, account, journey or transfer it is.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from tessera.synth import noise
from tessera.synth.countries import COUNTRIES, DESTINATION, ORIGIN, TRANSIT
from tessera.synth.model import Account, Journey, Person, Transfer, World

# Agency kinds by the country's place on the routes, with the code suffix and the hub's kind.
KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    ORIGIN: (("POL", "police"), ("FIU", "fiu"), ("NGO", "ngo")),
    TRANSIT: (("POL", "police"), ("BOR", "border")),
    DESTINATION: (
        ("POL", "police"),
        ("FIU", "fiu"),
        ("LAB", "labour_inspectorate"),
        ("NGO", "ngo"),
        ("BOR", "border"),
    ),
}
# The chance that an agency of this kind detects a journey it could see.
DETECTION: dict[str, float] = {
    "POL-destination": 0.5,
    "POL-origin": 0.25,
    "NGO-destination": 0.35,
    "NGO-origin": 0.15,
    "LAB-destination": 0.3,
    "BOR": 0.3,
    "FIU-pattern": 0.6,  # a laundering pattern reported to the FIU of its accounts' country
    "FIU-ordinary": 0.05,  # an ordinary payment that reaches an FIU anyway
}
# How each kind writes: a border agency reads the passport (Latin, few errors); police and
# labour inspectors abroad transliterate; NGOs and home police write in the person's script.
RATES: dict[str, noise.NoiseRates] = {
    "BOR": replace(noise.NoiseRates(), latin=1.0, swap_order=0.5, typo=0.01, nickname=0.0,
                   birth_partial=0.0, birth_missing=0.0),
    "FIU": replace(noise.NoiseRates(), latin=1.0, typo=0.02, nickname=0.0, birth_missing=0.6),
    "home": replace(noise.NoiseRates(), latin=0.1),
    "abroad": replace(noise.NoiseRates(), latin=0.9, typo=0.08),
}


@dataclass
class Agency:
    code: str  # e.g. DE-POL
    country: str
    kind: str  # the hub's agency kind: police, fiu, ngo…
    short: str  # POL, FIU, NGO, LAB, BOR
    rows: list[dict[str, str]] = field(default_factory=list)
    truth: list[tuple[str, str, str]] = field(default_factory=list)  # ref, record type, true id
    # (record type, true id) -> this agency's ref
    refs: dict[tuple[str, str], str] = field(default_factory=dict)
    counter: int = 0

    def add(self, record_type: str, true_id: str, row: dict[str, Any]) -> str:
        """Record ``row`` about ``true_id`` once; later calls return the same ref."""
        ref = self.refs.get((record_type, true_id))
        if ref is not None:
            return ref
        self.counter += 1
        ref = f"{self.code}-{record_type[:3].upper()}{self.counter:06d}"
        self.refs[(record_type, true_id)] = ref
        self.rows.append({"record_type": record_type, "ref": ref, **{
            k: v for k, v in row.items() if v not in (None, "")
        }})
        self.truth.append((ref, record_type, true_id))
        return ref


def agencies_for(world: World) -> list[Agency]:
    return [
        Agency(f"{c}-{short}", c, kind, short)
        for c in world.countries
        for short, kind in KINDS[COUNTRIES[c].region]
    ]


class _Observer:
    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed * 7919 + 1)
        self.agencies = agencies_for(world)
        self.by = {(a.country, a.short): a for a in self.agencies}
        self.account_of: dict[str, list[Account]] = {}
        for account in world.accounts.values():
            self.account_of.setdefault(account.owner, []).append(account)
        self.vehicle_of = {owner: (vid, plate, country)
                           for vid, (plate, country, owner) in world.vehicles.items()}
        self.calls_of: dict[str, Counter[str]] = {}  # person -> whom they called or were called by
        for call in world.calls:
            self.calls_of.setdefault(call.caller, Counter())[call.callee] += 1
            self.calls_of.setdefault(call.callee, Counter())[call.caller] += 1

    def agency(self, country: str, short: str) -> Agency | None:
        return self.by.get((country, short))

    # --- entities, each written once per agency ---------------------------------------------

    def person(self, agency: Agency, person_id: str, case: str, **extra: str) -> str:
        p = self.world.people[person_id]
        rates = self.rates(agency, p)
        rng = self.rng
        ref = agency.add("person", person_id, {
            "case_ref": case,
            "name": noise.written_name(rng, p.given, p.family, p.country, rates,
                                       agency=agency.country),
            "birth_date": noise.written_birth(rng, p.birth, rates),
            "gender": p.gender if rng.random() > 0.1 else "",
            "nationalities": p.country,
            "residence_country": p.residence if rng.random() < 0.5 else "",
            "roles": extra.pop("roles", ";".join(r for r in p.roles if r != "money_handler")
                               or "suspect"),
            **extra,
        })
        return ref

    def rates(self, agency: Agency, p: Person) -> noise.NoiseRates:
        if agency.short in RATES:
            return RATES[agency.short]
        return RATES["home"] if agency.country == p.country else RATES["abroad"]

    def phone(self, agency: Agency, person_id: str, owner_ref: str, case: str) -> None:
        p = self.world.people[person_id]
        if self.rng.random() < self.rates(agency, p).phone_missing:
            return
        agency.add("phone", f"{person_id}/phone", {
            "owner_ref": owner_ref, "case_ref": case,
            "number": noise.written_phone(self.rng, p.phone, agency.country),
        })

    def passport(self, agency: Agency, person_id: str, owner_ref: str, forged: bool) -> str:
        p = self.world.people[person_id]
        return agency.add("identity_document", f"{person_id}/passport", {
            "owner_ref": owner_ref, "kind": "passport", "issuing_country": p.country,
            "number": noise.written_document(self.rng, p.passport, self.rates(agency, p)),
            "suspected_forged": "true" if forged else "",
        })

    def account(self, agency: Agency, account: Account, case: str = "") -> str:
        owner_ref = ""
        if account.owner in self.world.people:
            owner_ref = self.person(agency, account.owner, case)
        elif account.owner in self.world.organizations:
            owner_ref = self.organization(agency, account.owner, case)
        return agency.add("account", account.id, {
            "owner_ref": owner_ref, "case_ref": case, "kind": "bank",
            "iban": account.iban, "account_number": account.number,
            "bank_name": account.bank, "currency": account.currency, "country": account.country,
        })

    def organization(self, agency: Agency, org_id: str, case: str) -> str:
        o = self.world.organizations[org_id]
        return agency.add("organization", org_id, {
            "case_ref": case, "name": o.name, "kind": o.kind, "country": o.country,
            "industry": o.industry,
            "registration_number": o.registration if self.rng.random() < 0.7 else "",
        })

    def case(self, agency: Agency, group_id: str, journey: Journey) -> str:
        return agency.add("case", f"{group_id}@{agency.code}", {
            "country": agency.country,
            "opened": journey.started.isoformat() if agency.country == journey.country
            else journey.recruited.isoformat(),
            "status": self.rng.choice(("under_investigation", "prosecution", "active")),
            "exploitation_types": journey.exploitation,
            "industries": journey.industry,
            "summary": f"Victims recruited in {journey.legs[0].origin if journey.legs else ''}"
                       f" for {journey.promised_job}",
        })

    # --- what each kind of agency records of a journey ------------------------------------

    def journey(self, j: Journey) -> None:
        rng = self.rng
        origin = self.world.groups[j.group].origin
        for short, where, key in (
            ("POL", j.country, "POL-destination"),
            ("NGO", j.country, "NGO-destination"),
            ("LAB", j.country, "LAB-destination"),
            ("POL", origin, "POL-origin"),
            ("NGO", origin, "NGO-origin"),
        ):
            agency = self.agency(where, short)
            if agency is None or rng.random() >= DETECTION[key]:
                continue
            if short == "LAB" and j.industry == "sex_industry":
                continue
            case = self.case(agency, j.group, j)
            victim = self.victim(agency, j, case)
            if short in ("POL", "NGO") or rng.random() < 0.5:
                self.exploitation(agency, j, victim, case)
            if short != "LAB":
                self.recruitment(agency, j, victim, case)
            if short == "POL":
                self.suspects(agency, j, victim, case)
        for number, leg in enumerate(j.legs):
            border = self.agency(leg.destination, "BOR")
            if border is not None and rng.random() < DETECTION["BOR"]:
                self.crossing(border, j, number)

    def victim(self, agency: Agency, j: Journey, case: str) -> str:
        consent = self.rng.choice(("given", "given", "refused", "unknown"))
        ref = self.person(agency, j.victim, case, roles="victim",
                          trafficking_status="actual_victim", consent=consent)
        self.phone(agency, j.victim, ref, case)
        if self.rng.random() < 0.5:
            self.passport(agency, j.victim, ref, forged="visa" in j.legs[0].documents
                          if j.legs else False)
        return ref

    def exploitation(self, agency: Agency, j: Journey, victim: str, case: str) -> None:
        exploiter = self.person(agency, j.exploiter, case) if self.rng.random() < 0.6 else ""
        site = self.organization(agency, j.site, case) if j.site else ""
        agency.add("exploitation", f"{j.id}/exploitation", {
            "person_ref": victim, "case_ref": case, "types": j.exploitation,
            "industry": j.industry, "country": j.country, "city": j.city,
            "started": j.started.isoformat()[: self.rng.choice((7, 10))],
            "control_methods": ";".join(j.control), "exploiter_ref": exploiter,
            "site_ref": site,
        })

    def recruitment(self, agency: Agency, j: Journey, victim: str, case: str) -> None:
        recruiter = self.person(agency, j.recruiter, case) if self.rng.random() < 0.5 else ""
        agency.add("recruitment", f"{j.id}/recruitment", {
            "person_ref": victim, "case_ref": case, "recruiter_ref": recruiter,
            "date": j.recruited.isoformat()[:7], "methods": j.method, "channels": j.channel,
            "country": self.world.groups[j.group].origin, "promised_job": j.promised_job,
        })
        if recruiter:
            agency.add("relation", f"{j.id}/recruited", {
                "kind": "recruited", "source_ref": recruiter, "target_ref": victim,
                "case_ref": case,
            })

    def suspects(self, agency: Agency, j: Journey, victim: str, case: str) -> None:
        rng = self.rng
        exploiter = self.person(agency, j.exploiter, case)
        self.phone(agency, j.exploiter, exploiter, case)
        agency.add("relation", f"{j.id}/controlled", {
            "kind": "controlled", "source_ref": exploiter, "target_ref": victim,
            "case_ref": case,
        })
        for account in self.account_of.get(j.exploiter, [])[:1]:
            if rng.random() < 0.4:
                self.account(agency, account, case)
        if rng.random() < 0.3:
            agency.add("outcome", f"{j.exploiter}/arrest@{agency.code}", {
                "case_ref": case, "kind": "arrest", "person_ref": exploiter,
                "date": (j.ended or j.started).isoformat(),
            })
        if rng.random() < 0.5:
            self.call_records(agency, j.exploiter, exploiter, case)
        group = self.world.groups[j.group]
        for organiser in group.members.get("organiser", []):
            if rng.random() < 0.15:
                ref = self.person(agency, organiser, case)
                agency.add("relation", f"{organiser}-{j.exploiter}/associate", {
                    "kind": "associate", "source_ref": ref, "target_ref": exploiter,
                    "case_ref": case,
                })

    def call_records(self, agency: Agency, person_id: str, ref: str, case: str) -> None:
        """The suspect's phone's call records, obtained by the police: a ``called`` relation
        to each person they were in touch with, with the number of calls."""
        for other, calls in sorted(self.calls_of.get(person_id, Counter()).items()):
            pair = "-".join(sorted((person_id, other)))
            agency.add("relation", f"{pair}/called", {
                "kind": "called", "source_ref": ref,
                "target_ref": self.person(agency, other, case), "case_ref": case,
                "details": f"{calls} calls in the call records of the suspect's phone",
            })

    def crossing(self, border: Agency, j: Journey, number: int) -> None:
        leg = j.legs[number]
        rng = self.rng
        case = self.case(border, j.group, j)
        victim = self.person(border, j.victim, case, roles="travelling_partner")
        document = self.passport(border, j.victim, victim, forged="visa" in leg.documents)
        transporter = ""
        if leg.transporter and rng.random() < 0.6:
            transporter = self.person(border, leg.transporter, case)
            vehicle = self.vehicle_of.get(leg.transporter)
            if vehicle is not None and leg.mode in ("bus", "car"):
                vehicle_id, plate, country = vehicle
                border.add("vehicle", vehicle_id, {
                    "owner_ref": transporter, "case_ref": case, "plate": plate,
                    "country": country,
                })
        border.add("movement", f"{j.id}/leg{number}", {
            "person_ref": victim, "case_ref": case, "from_country": leg.origin,
            "to_country": leg.destination, "departed": leg.departed.isoformat(),
            "mode": leg.mode, "border_crossing": leg.crossing, "document_refs": document,
            "transporter_ref": transporter,
        })

    # --- money ------------------------------------------------------------------------------

    def transfers(self) -> None:
        rng, world = self.rng, self.world
        reported: dict[str, bool] = {}
        for t in world.transfers:
            if t.pattern is not None:
                if t.pattern not in reported:
                    reported[t.pattern] = rng.random() < DETECTION["FIU-pattern"]
                seen = reported[t.pattern]
            else:
                seen = rng.random() < DETECTION["FIU-ordinary"]
            if not seen:
                continue
            payer = world.accounts[t.payer]
            fiu = self.agency(payer.country, "FIU") or self.agency(
                world.accounts[t.beneficiary].country, "FIU"
            )
            if fiu is not None:
                self.transaction(fiu, t)

    def transaction(self, fiu: Agency, t: Transfer) -> None:
        payer = self.account(fiu, self.world.accounts[t.payer])
        beneficiary = self.account(fiu, self.world.accounts[t.beneficiary])
        fiu.add("transaction", t.id, {
            "payer_account_ref": payer, "beneficiary_account_ref": beneficiary,
            "amount": f"{t.amount_cents // 100}.{t.amount_cents % 100:02d}",
            "currency": t.currency, "timestamp": t.at.isoformat(timespec="minutes"),
            "channel": t.channel, "purpose": t.purpose,
        })

    def observe(self) -> list[Agency]:
        for j in self.world.journeys:
            self.journey(j)
        self.transfers()
        return [a for a in self.agencies if a.rows]


def observe(world: World, seed: int) -> list[Agency]:
    """Each agency's records of ``world`` (agencies that saw nothing are left out)."""
    return _Observer(world, seed).observe()


def rows(agencies: list[Agency]) -> Iterator[tuple[Agency, dict[str, str]]]:
    for agency in agencies:
        for row in agency.rows:
            yield agency, row
