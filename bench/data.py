"""Data the benchmarks share: the generated scenario's person rows and FEBRL4's, each with its
truth (``"AGENCY/ref"`` -> true person), for the linkage benchmarks; and ordinary payments
drawn in bulk, for the payment scans."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from pydantic import ValidationError

from tessera.linkage.evaluate import scenario_rows
from tessera.linkage.features import person_rows
from tessera.standard.records import ANY_RECORD, Record

Rows = list[dict[str, Any]]


def folder() -> Path:
    return Path(os.environ.get("TESSERA_BENCH_DATA", "../shared/data"))


def scenario(scale: int, seed: int) -> tuple[Rows, dict[str, str], set[str]]:
    """The person rows of a generated scenario, the truth, and the scripts its names use."""
    return scenario_rows(scale, seed)


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


def two_files(size: int, seed: int, *, overlap: float = 0.5,
              writers: tuple[str, str] = ("DE", "IT")) -> tuple[Rows, Rows, dict[str, str]]:
    """Two agencies' files of ``size`` person rows each, ``overlap`` of the people in both,
    and the truth. People come from the scenario's eight countries (``tessera.synth``'s
    name pools, birth dates as its world draws them); each file is written by a police force
    of one country (``writers``) with ``tessera.synth.noise``: names in their own script or
    in one of the romanisations that country's clerks use, typos, nicknames, swapped order,
    partial or wrong birth dates, a gender left blank now and then. No strong identifiers:
    the files link on name, birth date, gender and nationality alone.

    Built in the shape of ``tessera.linkage.features.person_rows`` (the columns PPRL reads),
    without the records in between, so a million rows a side take a minute or two; the
    parsed name and date of each distinct written form are shared between rows."""
    import datetime as dt
    import random

    from tessera.linkage.names import name_key
    from tessera.standard.values import PartialDate, PersonName
    from tessera.synth import noise
    from tessera.synth.countries import COUNTRIES
    from tessera.synth.observe import RATES

    rng = random.Random(seed)
    countries = sorted(COUNTRIES)
    shared = round(size * overlap)
    people = shared + 2 * (size - shared)
    names: dict[str, tuple[str, list[str]] | None] = {}
    dates: dict[str, tuple[int, int | None, int | None]] = {}

    def name_columns(written: str) -> tuple[str, list[str]] | None:
        found = names.get(written, ())
        if found == ():
            try:
                parts = PersonName.parse(written).parts
            except ValueError:
                found = None
            else:
                found = (" ".join(parts), sorted({k for k in map(name_key, parts) if k}))
            names[written] = found
        return found  # type: ignore[return-value]

    def date_columns(written: str) -> tuple[int, int | None, int | None]:
        found = dates.get(written)
        if found is None:
            date = PartialDate.parse(written)
            found = dates[written] = (date.year, date.month, date.day)
        return found

    sides: tuple[Rows, Rows] = ([], [])
    truth: dict[str, str] = {}
    # people 0..shared-1 are in both files, the next (size - shared) in the left only, the
    # rest in the right only; each file is then shuffled
    for person in range(people):
        country = countries[rng.randrange(len(countries))]
        profile = COUNTRIES[country]
        female = rng.random() < 0.5
        given, family = profile.given_name(rng, female), profile.family_name(rng, female)
        birth = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        on = (0, 1) if person < shared else ((0,) if person < size else (1,))
        for side in on:
            writer = writers[side]
            rates = RATES["home"] if writer == country else RATES["abroad"]
            agency = f"{writer}-POL"
            ref = f"P{len(sides[side]):07d}"
            name = name_columns(noise.written_name(rng, given, family, country, rates,
                                                   agency=writer))
            written_birth = noise.written_birth(rng, birth, rates)
            year, month, day = date_columns(written_birth) if written_birth else (None,) * 3
            sides[side].append({
                "unique_id": f"{agency}/{ref}", "agency": agency,
                "name_latin": name[0] if name else None,
                "name_keys": name[1] if name else None,
                "birth_year": year, "birth_month": month, "birth_day": day,
                "gender": ("female" if female else "male") if rng.random() > 0.1 else None,
                "nationality": country,
                "phones": None, "documents": None, "emails": None, "accounts": None,
            })
            truth[f"{agency}/{ref}"] = f"T{person}"
    for rows in sides:
        rng.shuffle(rows)
    return sides[0], sides[1], truth


def ordinary_payments(n: int, start: dt.datetime) -> pa.Table:
    """``n`` ordinary payments among ``n / 10`` accounts over two years from ``start`` (UTC),
    log-normal amounts around 200 EUR, as ``payments.scan`` reads them; drawn with numpy, so
    that tens of millions take seconds."""
    gen = np.random.default_rng(1)
    accounts = max(2, n // 10)
    payer = gen.integers(0, accounts, n)
    payee = gen.integers(0, accounts - 1, n)
    payee += payee >= payer  # nobody pays themselves
    seconds = np.sort(gen.integers(0, 730 * 86_400, n)) + int(
        start.replace(tzinfo=dt.UTC).timestamp())
    names = pa.array(np.char.add("A", np.arange(accounts).astype(str)))

    def named(index: np.ndarray) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)), names
                                              ).cast(pa.string())

    return pa.table({
        "id": pa.array(np.arange(n).astype(str)), "payer": named(payer),
        "beneficiary": named(payee),
        "amount": np.round(np.exp(np.log(200) + gen.standard_normal(n)), 2),
        "currency": pa.array(["EUR"]).take(np.zeros(n, dtype=np.int32)),
        "time": pa.array(seconds.astype("datetime64[s]")),
    })
