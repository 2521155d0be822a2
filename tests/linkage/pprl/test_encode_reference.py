"""The encoder, which works by column, gives byte for byte what encoding one row at a time,
token by token, gives: the same filters, identifier hashes, references and shared values."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from tessera.linkage.evaluate import scenario_rows
from tessera.linkage.pprl.bloom import hmacs
from tessera.linkage.pprl.encode import IDENTIFIERS, Encodings, encode, tokens
from tessera.linkage.pprl.schema import Hardening, Schema, Secret

SECRET = Secret("test", hashlib.sha256(b"tessera/test/pprl").digest())
SALTED_KINDS = ("name_grams", "name_keys")


def reference_filter(row: Mapping[str, Any], schema: Schema, secret: Secret,
                     positions: dict[tuple[str, str], list[int]]) -> npt.NDArray[np.uint64]:
    """One row's filter as the encoder's definition says, token by token: each token of
    ``tokens(row)`` (the name's salted) sets the bits (h1 + i * h2) % bits of its HMAC; then
    the random flips seeded by the record, then the complement appended and permuted.
    ``positions`` remembers each token's bits, the HMAC being the slow part."""
    year, salt = row.get("birth_year"), schema.hardening.salt
    salted = ("" if salt is None or year is None
              else str(year // 10 if salt == "birth_decade" else year))
    bits = np.zeros(schema.bits, dtype=bool)
    for kind, found in tokens(row, schema.q).items():
        for token in found:
            text = f"{salted if kind in SALTED_KINDS else ''}\x1f{token}"
            if (kind, text) not in positions:
                digest = hmac.digest(secret.derive(schema, kind), text.encode(), "sha256")
                h1 = int.from_bytes(digest[:8], "little")
                h2 = int.from_bytes(digest[8:16], "little") | 1
                positions[kind, text] = [(h1 + i * h2) % schema.bits
                                         for i in range(getattr(schema, kind))]
            bits[positions[kind, text]] = True
    if schema.hardening.flip:
        digest = hmac.digest(secret.derive(schema, "flip"),
                             repr(sorted(row.items())).encode(), "sha256")
        rng = np.random.default_rng(int.from_bytes(digest[:16], "little"))
        bits ^= rng.random(schema.bits) < schema.hardening.flip
    if schema.hardening.balance:
        order = np.random.default_rng(int.from_bytes(secret.derive(schema, "balance")[:16],
                                                     "little")).permutation(2 * schema.bits)
        bits = np.concatenate([bits, ~bits])[order]
    return np.packbits(bits, bitorder="little").view(np.uint64)


def reference_identifiers(row: Mapping[str, Any], secret: Secret, schema: Schema) -> tuple[
        str, ...]:
    key = secret.derive(schema, "identifiers")
    return tuple(sorted(hmac.digest(key, f"{kind}\x1f{value}".encode(), "sha256").hex()[:32]
                        for kind in IDENTIFIERS for value in row.get(kind) or ()))


def assert_as_reference(encoded: Encodings, rows: Sequence[Mapping[str, Any]],
                        schema: Schema, share: Sequence[str] = ()) -> None:
    positions: dict[tuple[str, str], list[int]] = {}
    expected = np.array([reference_filter(r, schema, SECRET, positions) for r in rows])
    assert encoded.filters.dtype == np.uint64
    assert encoded.filters.shape == (len(rows), schema.words)
    differ = np.flatnonzero((encoded.filters != expected).any(axis=1))
    assert not len(differ), f"{len(differ)} filters differ, the first: {rows[differ[0]]}"
    assert encoded.identifiers == [reference_identifiers(r, SECRET, schema) for r in rows]
    assert encoded.refs == [str(r["unique_id"]).split("/", 1)[-1] for r in rows]
    assert encoded.shared == [{s: r.get(s) for s in share if r.get(s) is not None}
                              for r in rows]


def odd_rows() -> list[dict[str, Any]]:
    """Rows at the edges: no name, empty values, whitespace str.split() knows and a split on
    spaces does not, names outside ASCII, keys in a tuple, a year of 0, a reference with no
    agency, identifiers, columns missing altogether."""
    base: dict[str, Any] = {"name_latin": "oleg petrenko", "name_keys": ["alk", "ptrnk"],
                            "birth_year": 1984, "birth_month": 3, "birth_day": 12,
                            "gender": "male", "nationality": "UA", "phones": None,
                            "documents": None, "emails": None, "accounts": None}
    changes: list[dict[str, Any]] = [
        {}, {"name_latin": None, "name_keys": None}, {"name_latin": "", "name_keys": []},
        {"name_latin": "  oleg\tpetrenko\n"}, {"name_latin": "oleg\x1cpetrenko"},
        {"name_latin": "oleg\u2003petrenko\u00a0jr"}, {"name_latin": "олег петренко"},
        {"name_latin": "a b c d e f g h"}, {"name_latin": "o"}, {"name_keys": ("alk",)},
        {"name_keys": ["alk", "alk", ""]}, {"birth_year": None}, {"birth_year": 0},
        {"birth_year": 1999, "birth_month": None, "birth_day": None},
        {"birth_year": None, "birth_month": 7, "birth_day": 1}, {"gender": ""},
        {"gender": None, "nationality": None}, {"nationality": ""},
        {"documents": ["UA:FE123456"], "phones": ["+380501234567", "+380501234568"]},
        {"emails": ["o@example.org"], "accounts": ["UA213223130000026007233566001"]},
    ]
    rows = [{"unique_id": f"X/odd-{n}", **base, **change} for n, change in enumerate(changes)]
    rows.append({"unique_id": "no-agency", "name_latin": "anna kowalska"})  # columns missing
    rows.append({"unique_id": "X/a/b", "name_latin": "anna kowalska", "birth_year": 1990})
    return rows


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    """Person rows of a generated scenario: names in Latin, Cyrillic, Arabic and Han scripts
    transliterated, birth dates whole, partial or missing, identifiers now and then."""
    rows, _, scripts = scenario_rows(6_000, 3)
    assert len(scripts) > 2
    return rows


SCHEMAS = {
    "default": Schema(),
    "unsalted": Schema(hardening=Hardening(salt=None)),
    "decade": Schema(hardening=Hardening(salt="birth_decade")),
    "flip": Schema(hardening=Hardening(flip=0.05)),
    "balance": Schema(hardening=Hardening(salt=None, balance=True)),
    "flip and balance": Schema(hardening=Hardening(flip=0.02, balance=True)),
    "q 3, 2048 bits, no gender": Schema(bits=2048, q=3, name_grams=10, gender=0),
    "q 1, 1088 bits": Schema(bits=1088, q=1, birth=7),
}


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_the_encoder_gives_what_encoding_row_by_row_gives(
        name: str, generated: list[dict[str, Any]]) -> None:
    schema = SCHEMAS[name]
    share = ("nationality", "birth_year") if name == "default" else ()
    for rows in (generated, odd_rows(), [*odd_rows(), *generated[:500]]):
        assert_as_reference(encode("X", rows, schema, SECRET, share=share), rows, schema,
                            share)


def test_the_encoder_gives_the_same_whatever_the_rows_around() -> None:
    rows = odd_rows()
    alone = [encode("X", [r], Schema(), SECRET).filters[0] for r in rows]
    assert np.array_equal(np.array(alone), encode("X", rows, Schema(), SECRET).filters)


def test_no_rows_encode_to_no_filters() -> None:
    encoded = encode("X", [], Schema(hardening=Hardening(balance=True)), SECRET)
    assert encoded.filters.shape == (0, 32) and encoded.refs == [] and encoded.shared == []


def test_rows_that_are_other_mappings_encode_alike() -> None:
    rows = odd_rows()
    as_dicts = encode("X", rows, Schema(), SECRET)
    proxied = encode("X", [MappingProxyType(r) for r in rows], Schema(), SECRET)
    assert np.array_equal(as_dicts.filters, proxied.filters)
    assert (as_dicts.refs, as_dicts.identifiers) == (proxied.refs, proxied.identifiers)


def test_a_row_without_a_reference_is_refused() -> None:
    with pytest.raises(KeyError):
        encode("X", [{"name_latin": "anna kowalska"}], Schema(), SECRET)


@pytest.mark.parametrize("size", [16, 32, 64, 65, 100])
def test_hmacs_are_hmac_sha256(size: int) -> None:
    key = bytes(range(size))
    texts = ["", "a", "1984\x1fol", "олег" * 40]
    assert hmacs(key, texts) == b"".join(hmac.digest(key, t.encode(), "sha256") for t in texts)
