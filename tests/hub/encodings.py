"""Encodings for the tests: a few people per agency, encoded as `tessera encode` encodes them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tessera.linkage.features import person_rows
from tessera.linkage.pprl import files
from tessera.linkage.pprl.encode import encode
from tessera.linkage.pprl.schema import Schema, Secret
from tessera.standard.records import ANY_RECORD, Record

SECRET = Secret("tx", bytes(range(32)))
OTHER_SECRET = Secret("tx", bytes(range(100, 132)))
SHARE = ("nationality", "gender", "birth_year")
COUNTRY = {"UA-POL": "UA", "MD-NGO": "MD", "DE-FIU": "DE", "IOM": "CH"}


def person(ref: str, name: str, birth: str, gender: str = "male",
           nationality: str = "UA") -> dict[str, Any]:
    return {"record_type": "person", "ref": ref, "name": name, "birth_date": birth,
            "gender": gender, "nationalities": nationality}


def phone(ref: str, owner: str, number: str) -> dict[str, Any]:
    return {"record_type": "phone", "ref": ref, "owner_ref": owner, "number": number}


# Oleh Petrenko is known to three agencies (written three ways, and with one phone at two of
# them); Iryna Melnyk to two; everyone else to one.
PEOPLE: dict[str, list[dict[str, Any]]] = {
    "UA-POL": [
        person("UA-P1", "Олег Петренко", "1984-03-12"),
        phone("UA-T1", "UA-P1", "+380501234567"),
        person("UA-P2", "Ірина Мельник", "1999-04-02", "female"),
        person("UA-P3", "Bohdan Savchuk", "1975-07-30"),
    ],
    "MD-NGO": [
        person("MD-P1", "Oleh Petrenko", "1984-03-12"),
        person("MD-P2", "Iryna Melnyk", "1999-04-02", "female"),
        person("MD-P3", "Vasile Cebotari", "1980-11-05", nationality="MD"),
    ],
    "DE-FIU": [
        person("DE-P1", "Oleg Petrenko", "1984-03-12"),
        phone("DE-T1", "DE-P1", "+380501234567"),
        person("DE-P2", "Klaus Zimmermann", "1960-01-17", nationality="DE"),
    ],
    "IOM": [
        person("IOM-P1", "Amina Belkacem", "1992-05-05", "female", "MA"),
    ],
}
# What the encodings are made from, which the hub must never hold
PLAINTEXT = ["+380501234567", "380501234567", "1984-03-12", "1999-04-02", "1975-07-30",
             "1980-11-05", "1960-01-17", "1992-05-05"]


def records(agency: str, rows: Iterable[dict[str, Any]]) -> list[tuple[str, Record]]:
    context = {"country": COUNTRY.get(agency, "UA")}
    return [(agency, ANY_RECORD.validate_python(r, context=context)) for r in rows]


def name_parts() -> set[str]:
    """Every part of every name in ``PEOPLE``, as written and romanised."""
    parts: set[str] = set()
    for agency, rows in PEOPLE.items():
        for row in rows:
            if row["record_type"] == "person":
                parts.update(row["name"].split())
        for found in person_rows(records(agency, rows)):
            parts.update((found["name_latin"] or "").split())
    return parts


def encoded(agency: str, rows: Iterable[dict[str, Any]] | None = None, *,
            secret: Secret = SECRET, schema: Schema | None = None,
            share: tuple[str, ...] = SHARE) -> bytes:
    """An encodings file of ``agency``'s people (by default, theirs in ``PEOPLE``)."""
    found = person_rows(records(agency, PEOPLE[agency] if rows is None else rows))
    encodings = encode(agency, list(found), schema or Schema(), secret, share=share)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "encodings.jsonl"
        files.write(path, encodings)
        return path.read_bytes()
