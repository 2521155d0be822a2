"""Encodings: similar people give similar filters, nothing readable leaves the agency."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tessera.linkage.pprl import files
from tessera.linkage.pprl.encode import encode
from tessera.linkage.pprl.match import dice
from tessera.linkage.pprl.schema import EncodingError, Hardening, Schema, Secret, load_schema
from tests.linkage.pprl.conftest import row

SECRET = Secret("test", b"k" * 32)
SCHEMA = Schema()


def _similarity(a: dict[str, object], b: dict[str, object], schema: Schema = SCHEMA,
                secret: Secret = SECRET) -> float:
    enc = encode("X", [a, b], schema, secret)
    return float(dice(enc.filters, np.array([0]), np.array([1]))[0])


def test_romanisations_of_one_name_are_close_and_other_people_far() -> None:
    oleg = row("1", "Oleg Petrenko", (1984, 3, 12), gender="male")
    assert _similarity(oleg, row("2", "Oleh Petrenko", (1984, 3, 12), gender="male")) > 0.85
    assert _similarity(oleg, row("2", "Petrenko Oleg", (1984, 3, 12), gender="male")) == 1.0
    assert _similarity(oleg, row("2", "Anna Kowalska", (1990, 7, 1), gender="female")) < 0.4
    # a wrong day costs a little, not everything
    assert _similarity(oleg, row("2", "Oleg Petrenko", (1984, 3, 21), gender="male")) > 0.9


def test_the_same_record_encodes_alike_under_one_secret_and_apart_under_another() -> None:
    people = [row("1", "Oleg Petrenko", (1984, 3, 12))]
    first = encode("X", people, Schema(), SECRET)
    assert np.array_equal(first.filters, encode("X", people, Schema(), SECRET).filters)
    other = encode("X", people, Schema(), Secret("test", b"z" * 32))
    assert not np.array_equal(first.filters, other.filters)
    assert first.key_id != other.key_id


def test_salting_spreads_a_name_over_birth_years() -> None:
    """Salted, the name sets other bits in people born in other years (so the frequency of a
    bit no longer follows a name's); unsalted it sets the same ones."""
    a, b = row("1", "Oleg Petrenko", (1984, 3, 12)), row("2", "Oleg Petrenko", (1991, 3, 12))
    unsalted = Schema(hardening=Hardening(salt=None))
    assert _similarity(a, b, unsalted) > 0.75
    assert _similarity(a, b) < 0.4


@pytest.mark.parametrize("hardening", [Hardening(flip=0.05), Hardening(balance=True)])
def test_other_hardenings_keep_one_person_close(hardening: Hardening) -> None:
    schema = Schema(hardening=hardening)
    a, b = row("1", "Oleg Petrenko", (1984, 3, 12)), row("2", "Oleh Petrenko", (1984, 3, 12))
    enc = encode("X", [a, b, row("3", "Anna Kowalska", (1990, 7, 1))], schema, SECRET)
    assert enc.filters.shape == (3, schema.words)
    same, other = dice(enc.filters, np.array([0, 0]), np.array([1, 2]))
    assert same > 0.75 and other < same - 0.2


def test_identifiers_are_keyed_hashes_that_agree_exactly() -> None:
    a = row("1", "Oleg Petrenko", documents=["UA:FE123456"], phones=["+380501234567"])
    b = row("2", "Ivan Bondar", documents=["UA:FE123456"])
    enc = encode("X", [a, b], Schema(), SECRET)
    assert len(enc.identifiers[0]) == 2 and set(enc.identifiers[0]) & set(enc.identifiers[1])
    assert not any("FE123456" in h or "380" in h for h in enc.identifiers[0])


def test_an_encodings_file_holds_no_name_date_or_number(tmp_path: Path) -> None:
    people = [row("P-1", "Oleg Petrenko", (1984, 3, 12), nationality="UA", gender="male",
                  documents=["UA:FE123456"], phones=["+380501234567"])]
    path = tmp_path / "enc.jsonl"
    files.write(path, encode("UA-POL", people, Schema(), SECRET))
    text = path.read_text().lower()
    for secret_text in ("oleg", "petrenko", "1984", "fe123456", "380501234567", "male"):
        assert secret_text not in text
    assert "P-1" in path.read_text()  # the agency's own reference, to cite in a follow-up
    header = json.loads(path.read_text().splitlines()[0])
    assert header["key_id"] == SECRET.key_id and "key" not in header


def test_only_non_identifying_attributes_are_shared() -> None:
    people = [row("1", "Oleg Petrenko", (1984, 3, 12), nationality="UA")]
    enc = encode("X", people, Schema(), SECRET, share=["nationality", "birth_year"])
    assert enc.shared == [{"nationality": "UA", "birth_year": 1984}]
    with pytest.raises(ValueError, match="cannot share name_latin"):
        encode("X", people, Schema(), SECRET, share=["name_latin"])


def test_files_round_trip(tmp_path: Path) -> None:
    people = [row(str(n), name, (1980 + n, 1, 1), nationality="UA")
              for n, name in enumerate(["Oleg Petrenko", "Anna Kowalska", "Jan Nowak"])]
    original = encode("UA-POL", people, Schema(), SECRET, share=["nationality"])
    files.write(tmp_path / "e.jsonl", original)
    back = files.read(tmp_path / "e.jsonl")
    assert back.refs == original.refs and back.agency == "UA-POL"
    assert np.array_equal(back.filters, original.filters)
    assert back.identifiers == original.identifiers and back.shared == original.shared
    assert back.schema == original.schema and back.key_id == original.key_id


def _lines(tmp_path: Path) -> list[str]:
    files.write(tmp_path / "e.jsonl", encode(
        "X", [row("1", "Oleg Petrenko"), row("2", "Anna Kowalska")], Schema(), SECRET))
    return (tmp_path / "e.jsonl").read_text().splitlines()


@pytest.mark.parametrize(("change", "message"), [
    (lambda ls: [], "empty"),
    (lambda ls: ["{}", *ls[1:]], "line 1: not a Tessera encodings header"),
    (lambda ls: [ls[0], ls[1], ls[1]], "line 3: ref '1' appears twice"),
    (lambda ls: ls[:2], "counts 2 records, the file holds 1"),
    (lambda ls: [ls[0], ls[1].replace('"filter": "', '"filter": "!!'), ls[2]],
     "line 2: not an encoded record"),
    (lambda ls: [ls[0], ls[1].replace('"filter": "', '"filter": "AAAA'), ls[2]],
     "line 2: the filter is 131 bytes; the schema makes 128"),
    (lambda ls: [ls[0].replace('"bits": 1024', '"bits": 2048'), *ls[1:]],
     "fingerprint does not match"),
    (lambda ls: [ls[0], ls[1][:-1] + ', "shared": {"name": "x"}}', ls[2]],
     "line 2: only nationality"),
])
def test_a_damaged_file_is_refused_saying_where(tmp_path: Path, change: object,
                                                message: str) -> None:
    lines = change(_lines(tmp_path))  # type: ignore[operator]
    with pytest.raises(EncodingError, match=message):
        files.parse(lines, "e.jsonl")


def test_secrets_and_schemas_from_files(tmp_path: Path) -> None:
    secret = Secret.new("eu")
    secret.save(tmp_path / "s.key")
    assert (tmp_path / "s.key").stat().st_mode & 0o777 == 0o600
    assert Secret.load(tmp_path / "s.key") == secret
    with pytest.raises(EncodingError, match="never overwritten"):
        Secret.new("eu").save(tmp_path / "s.key")
    (tmp_path / "bad.key").write_text('{"exchange": "eu", "key": "c2hvcnQ="}')
    with pytest.raises(EncodingError, match="at least 16"):
        Secret.load(tmp_path / "bad.key")
    (tmp_path / "schema.json").write_text('{"bits": 1000}')
    with pytest.raises(EncodingError, match=r"bits: .*multiple of 64"):
        load_schema(tmp_path / "schema.json")
