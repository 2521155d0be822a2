"""Data the linkage benchmarks share: the generated scenario's person rows and FEBRL4's, each
with its truth (``"AGENCY/ref"`` -> true person)."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tessera.linkage.features import person_rows
from tessera.linkage.run import LINKED_TYPES
from tessera.standard.records import ANY_RECORD, Person, Record

Rows = list[dict[str, Any]]


def folder() -> Path:
    return Path(os.environ.get("TESSERA_BENCH_DATA", "../shared/data"))


def scenario(scale: int, seed: int) -> tuple[Rows, dict[str, str], set[str]]:
    """The person rows of a generated scenario, the truth, and the scripts its names use."""
    from tessera.synth.scenario import generate
    from tessera.synth.world import Settings

    generated = generate(Settings(seed=seed, scale=scale))
    records: list[tuple[str, Record]] = []
    truth: dict[str, str] = {}
    for agency in generated.agencies:
        context = {"country": agency.country}
        records += [(agency.code, ANY_RECORD.validate_python(r, context=context))
                    for r in agency.rows if r["record_type"] in LINKED_TYPES]
        truth.update({f"{agency.code}/{ref}": true_id
                      for ref, kind, true_id in agency.truth if kind == "person"})
    scripts = {r.name.script for _, r in records if isinstance(r, Person) and r.name}
    return person_rows(records), truth, scripts


def febrl4() -> tuple[Rows, dict[str, str], int] | None:
    """FEBRL4's A and B files as two agencies' person rows (name, date of birth, the social
    security number as an identity document), the truth, and how many impossible dates of
    birth were left out; None, saying so, when the data is absent."""
    files = [folder() / "febrl" / "dataset4a.csv", folder() / "febrl" / "dataset4b.csv"]
    if not all(f.exists() for f in files):
        print(f"FEBRL4: skipped, {files[0]} not found (set TESSERA_BENCH_DATA)")
        return None
    records: list[tuple[str, Record]] = []
    truth: dict[str, str] = {}
    skipped = 0
    for agency, path in zip(("A", "B"), files, strict=True):
        with path.open(encoding="utf-8") as f:
            for raw in csv.DictReader(f, skipinitialspace=True):
                ref = raw["rec_id"].strip()
                truth[f"{agency}/{ref}"] = ref.split("-")[1]
                person: dict[str, Any] = {
                    "record_type": "person", "ref": ref,
                    "name": f"{raw['given_name']} {raw['surname']}".strip() or "unknown",
                }
                dob = raw["date_of_birth"].strip()
                if len(dob) == 8:
                    person["birth_date"] = f"{dob[:4]}-{dob[4:6]}-{dob[6:]}"
                try:
                    records.append((agency, ANY_RECORD.validate_python(person)))
                except ValidationError:
                    person.pop("birth_date", None)
                    skipped += 1
                    records.append((agency, ANY_RECORD.validate_python(person)))
                if raw["soc_sec_id"].strip():
                    records.append((agency, ANY_RECORD.validate_python({
                        "record_type": "identity_document", "ref": f"{ref}-ssn",
                        "owner_ref": ref, "kind": "national_id",
                        "number": raw["soc_sec_id"].strip(), "issuing_country": "AU",
                    })))
    return person_rows(records), truth, skipped
