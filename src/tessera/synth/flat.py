"""A fast generator of valid, mixed-type submission files, case by case.

This is the first piece of ``tessera.synth``: records that are valid under the standard and
linked to each other within a case (people, their phones, documents, accounts, journeys,
recruitment, exploitation, payments, relations, outcomes), in several scripts, written as an
agency would (national phone formats, local-script names). It models no criminal world and has
no ground truth; it feeds ingest tests, the ingest benchmark and the quickstart.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from tessera.standard.fields import mixed_columns

# Per country: given names and family names, in the country's script.
NAMES: dict[str, tuple[list[str], list[str]]] = {
    "UA": (
        ["Олена", "Ірина", "Олег", "Тарас", "Наталія", "Андрій"],
        ["Петренко", "Коваленко", "Шевченко", "Бондаренко", "Мельник"],
    ),
    "MD": (
        ["Ana", "Maria", "Ion", "Vasile", "Elena", "Mihai"],
        ["Rusu", "Ceban", "Cojocaru", "Popa", "Lungu"],
    ),
    "VN": (["Lan", "Hương", "Minh", "Tuấn", "Thảo"], ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"]),
    "CN": (["伟", "芳", "娜", "敏", "静"], ["王", "李", "张", "刘", "陈"]),
    "MA": (["محمد", "فاطمة", "يوسف", "خديجة", "أمين"], ["العلوي", "بنعلي", "الإدريسي", "التازي"]),
    "NG": (
        ["Chioma", "Blessing", "Emeka", "Joy", "Tunde"],
        ["Okafor", "Adeyemi", "Eze", "Bello", "Okoro"],
    ),
    "DE": (["Anna", "Lukas", "Jonas", "Lea"], ["Müller", "Schmidt", "Weber"]),
    "IT": (["Giulia", "Marco", "Luca"], ["Rossi", "Russo", "Ferrari"]),
}
DESTINATIONS = ("DE", "IT", "PL", "AT", "FR", "ES", "NL")
TRANSIT = ("PL", "RO", "HU", "TR", "RS")
ROLES_SUSPECT = ("recruiter", "transporter", "exploiter", "organiser", "money_handler")
METHODS = (
    "deceptive_job_offer",
    "romance",
    "family_or_acquaintance",
    "debt",
    "online_advertisement",
)
CHANNELS = ("facebook", "telegram", "whatsapp", "viber", "tiktok", "in_person")
EXPLOITATION = (
    ("forced_labour", "agriculture"),
    ("forced_labour", "construction"),
    ("sexual_exploitation", "sex_industry"),
    ("forced_labour", "domestic_work"),
    ("forced_labour", "hospitality"),
)
CONTROL = (
    "debt_bondage",
    "withholds_documents",
    "threatens_family",
    "takes_earnings",
    "restricts_movement",
    "excessive_working_hours",
)
IBAN_COUNTRIES = ("DE", "IT", "PL", "AT", "FR", "ES", "NL", "RO")

COLUMNS: list[str] = mixed_columns()


def _iban(rng: random.Random, country: str) -> str:
    """A checksum-valid IBAN of the right length for ``country`` (random bank and account)."""
    lengths = {"DE": 22, "IT": 27, "PL": 28, "AT": 20, "FR": 27, "ES": 24, "NL": 18, "RO": 24}
    if country == "IT":
        bban = rng.choice("ABCDEFGHIJ") + "".join(rng.choices("0123456789", k=22))
    elif country == "NL":
        bban = "ABNA" + "".join(rng.choices("0123456789", k=10))
    elif country == "RO":
        bban = "RNCB" + "".join(rng.choices("0123456789", k=16))
    else:
        bban = "".join(rng.choices("0123456789", k=lengths[country] - 4))
    if country == "FR":  # French BBANs carry their own RIB key; keep it valid
        body = bban[:21]
        key = 97 - (int(body[:5]) * 89 + int(body[5:10]) * 15 + int(body[10:21]) * 3) % 97
        bban = f"{body}{key:02d}"
    if country == "ES":  # Spanish BBANs carry two control digits
        weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
        bank, acct = bban[:8], bban[10:]
        d1 = 11 - sum(int(x) * w for x, w in zip("00" + bank, weights, strict=True)) % 11
        d2 = 11 - sum(int(x) * w for x, w in zip(acct, weights, strict=True)) % 11
        fix = {10: 1, 11: 0}
        bban = f"{bank}{fix.get(d1, d1)}{fix.get(d2, d2)}{acct}"
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    check = 98 - int(numeric) % 97
    return f"{country}{check:02d}{bban}"


def case_rows(rng: random.Random, n: int, agency_country: str) -> Iterator[dict[str, str]]:
    """The rows of case number ``n``: 20-30 linked records of 16 types."""
    origin = rng.choice([c for c in NAMES if c not in ("DE", "IT")])
    given, family = NAMES[origin]
    dest, transit = rng.choice(DESTINATIONS), rng.choice(TRANSIT)
    year = rng.randint(2018, 2025)
    c = f"C{n}"
    yield {
        "record_type": "case",
        "ref": c,
        "country": agency_country,
        "opened": f"{year}",
        "status": rng.choice(["under_investigation", "prosecution", "active"]),
        "exploitation_types": "forced_labour;sexual_exploitation",
        "summary": f"Case {n}: recruitment in {origin}, exploitation in {dest}",
    }
    people: list[str] = []
    accounts: list[str] = []
    for k in range(rng.randint(3, 4)):
        p = f"{c}-P{k}"
        people.append(p)
        victim = k > 0
        name = (
            f"{rng.choice(family)}{rng.choice(given)}"
            if origin == "CN"
            else f"{rng.choice(given)} {rng.choice(family)}"
        )
        yield {
            "record_type": "person",
            "ref": p,
            "case_ref": c,
            "name": name,
            "birth_date": f"{rng.randint(1965, 2005)}-{rng.randint(1, 12):02d}",
            "gender": rng.choice(["female", "male"]),
            "nationalities": origin,
            "roles": "victim" if victim else rng.choice(ROLES_SUSPECT),
            "consent": rng.choice(["given", "refused", "unknown"]) if victim else "",
        }
        yield {
            "record_type": "phone",
            "ref": f"{p}-T",
            "owner_ref": p,
            "case_ref": c,
            "number": _phone(rng, origin, national=origin == agency_country),
        }
        yield {
            "record_type": "identity_document",
            "ref": f"{p}-D",
            "owner_ref": p,
            "kind": "passport",
            "issuing_country": origin,
            "number": "".join(rng.choices("ABEKMN", k=2)) + str(rng.randint(10**6, 10**7 - 1)),
        }
        acct_country = rng.choice(IBAN_COUNTRIES)
        a = f"{p}-A"
        accounts.append(a)
        yield {
            "record_type": "account",
            "ref": a,
            "owner_ref": p,
            "case_ref": c,
            "iban": _iban(rng, acct_country),
            "currency": "EUR",
            "country": acct_country,
        }
        if victim:
            yield {
                "record_type": "movement",
                "ref": f"{p}-M1",
                "person_ref": p,
                "case_ref": c,
                "from_country": origin,
                "to_country": transit,
                "departed": f"{year}-03-0{k}",
                "mode": rng.choice(["bus", "air", "car"]),
                "documents_used": "passport",
            }
            yield {
                "record_type": "movement",
                "ref": f"{p}-M2",
                "person_ref": p,
                "case_ref": c,
                "from_country": transit,
                "to_country": dest,
                "departed": f"{year}-03-1{k}",
                "mode": "bus",
                "border_crossing": f"{transit}-{dest} crossing",
            }
            yield {
                "record_type": "recruitment",
                "ref": f"{p}-R",
                "person_ref": p,
                "case_ref": c,
                "recruiter_ref": people[0],
                "methods": rng.choice(METHODS),
                "channels": rng.choice(CHANNELS),
                "country": origin,
                "promised_job": "seasonal work",
            }
            kind, industry = rng.choice(EXPLOITATION)
            yield {
                "record_type": "exploitation",
                "ref": f"{p}-X",
                "person_ref": p,
                "case_ref": c,
                "types": kind,
                "industry": industry,
                "country": dest,
                "control_methods": ";".join(rng.sample(CONTROL, 2)),
                "exploiter_ref": people[0],
            }
            yield {
                "record_type": "relation",
                "ref": f"{p}-L",
                "kind": "recruited",
                "source_ref": people[0],
                "target_ref": p,
                "case_ref": c,
            }
    yield {
        "record_type": "organization",
        "ref": f"{c}-O",
        "case_ref": c,
        "name": f"{rng.choice(family)} Recruitment Ltd",
        "kind": "recruitment_agency",
        "country": origin,
        "registration_number": str(rng.randint(10**7, 10**8)),
    }
    yield {
        "record_type": "location",
        "ref": f"{c}-LOC",
        "case_ref": c,
        "kind": "workplace",
        "city": "Site",
        "country": dest,
    }
    yield {
        "record_type": "vehicle",
        "ref": f"{c}-V",
        "owner_ref": people[0],
        "plate": f"{rng.choice('ABKM')}{rng.randint(1000, 9999)}{rng.choice('ABKM')}",
        "country": origin,
    }
    yield {
        "record_type": "email",
        "ref": f"{c}-E",
        "owner_ref": people[0],
        "address": f"jobs{n}@example.org",
    }
    yield {
        "record_type": "social_handle",
        "ref": f"{c}-S",
        "owner_ref": people[0],
        "platform": "telegram",
        "handle": f"@work_abroad_{n}",
    }
    for t in range(rng.randint(3, 8)):
        yield {
            "record_type": "transaction",
            "ref": f"{c}-TX{t}",
            "case_ref": c,
            "payer_account_ref": rng.choice(accounts[1:]),
            "beneficiary_account_ref": accounts[0],
            "amount": f"{rng.randint(50, 9900)}.{rng.randint(0, 99):02d}",
            "currency": "EUR",
            "timestamp": f"{year}-{rng.randint(4, 12):02d}-{rng.randint(1, 28):02d}T10:00:00",
        }
    yield {
        "record_type": "outcome",
        "ref": f"{c}-OUT",
        "case_ref": c,
        "kind": "arrest",
        "person_ref": people[0],
        "date": f"{year + 1}",
    }


def _phone(rng: random.Random, country: str, *, national: bool) -> str:
    """A possible mobile number of ``country``, written nationally or internationally."""
    example = phonenumbers.example_number_for_type(country, PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"phonenumbers has no mobile example for {country}")
    digits = str(example.national_number)
    example.national_number = int(digits[:-6] + "".join(rng.choices("0123456789", k=6)))
    style = PhoneNumberFormat.NATIONAL if national else PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(example, style))


def rows(count: int, *, seed: int = 0, agency_country: str = "UA") -> Iterator[dict[str, str]]:
    """About ``count`` rows (whole cases, so it may run a case over), deterministic for ``seed``."""
    rng = random.Random(seed)
    written, n = 0, 0
    while written < count:
        n += 1
        for row in case_rows(rng, n, agency_country):
            written += 1
            yield row


def write_csv(path: Path, count: int, *, seed: int = 0, agency_country: str = "UA") -> int:
    """A mixed-type CSV (``record_type`` column) of about ``count`` rows; returns rows written."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows(count, seed=seed, agency_country=agency_country):
            writer.writerow(row)
            n += 1
    return n


def write_jsonl(path: Path, count: int, *, seed: int = 0, agency_country: str = "UA") -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for row in rows(count, seed=seed, agency_country=agency_country):
            fh.write(json.dumps({k: v for k, v in row.items() if v}, ensure_ascii=False) + "\n")
            n += 1
    return n
