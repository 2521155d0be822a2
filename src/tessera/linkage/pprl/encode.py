"""Encoding person records into keyed Bloom filters (cryptographic long-term keys, CLKs).

One filter per person: the q-grams of every transliterated name part and the part's
romanisation-blind key (so Олег, Oleg and Oleh land on mostly the same bits), the birth year,
month and day as separate positional tokens (a wrong day costs a little, not everything), the
gender and the nationality. Each token sets a few bits chosen by HMAC-SHA256 under a key derived
from the exchange secret, by double hashing as in Schnell et al. (2009). Strong identifiers
(passport with its issuing country, phone in E.164, IBAN or account number, e-mail) become
keyed hashes for exact hits.

Written here rather than taken from clkhash because clkhash hashes every q-gram of every record
afresh in Python: Tessera hashes each distinct token once and sets the bits of a batch of
records with numpy, which is what makes a million records a matter of seconds (bench/pprl.py).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tessera.linkage.pprl.schema import Schema, Secret

BATCH = 32_768
# the attributes an owner may choose to share beside the encodings: none of them names anyone
SHAREABLE = ("nationality", "gender", "birth_year")
IDENTIFIERS = ("phones", "documents", "emails", "accounts")

Filters = npt.NDArray[np.uint64]


@dataclass
class Encodings:
    """One agency's encoded person records: references, filters, identifier hashes and the
    attributes it chose to share, and nothing else."""

    agency: str
    schema: Schema
    key_id: str
    refs: list[str]
    filters: Filters  # (records, schema.words)
    identifiers: list[tuple[str, ...]]
    shared: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.refs)


def tokens(row: Mapping[str, Any], q: int) -> dict[str, list[str]]:
    """The tokens of one person row (``tessera.linkage.features`` columns), by kind."""
    grams = []
    for part in (row.get("name_latin") or "").split():
        grams += _grams(part, q)
    year, month, day = row.get("birth_year"), row.get("birth_month"), row.get("birth_day")
    return {
        "name_grams": grams,
        "name_keys": list(row.get("name_keys") or ()),
        "birth": [f"{t}{v}" for t, v in (("y", year), ("m", month), ("d", day))
                  if v is not None],
        "gender": [row["gender"]] if row.get("gender") else [],
        "nationality": [row["nationality"]] if row.get("nationality") else [],
    }


def _grams(part: str, q: int) -> list[str]:
    """The q-grams of one name part, padded so its first and last letters count."""
    padded = f"_{part}_"
    return [padded[i:i + q] for i in range(max(1, len(padded) - q + 1))]


def _salt(row: Mapping[str, Any], salt: str | None) -> str:
    year = row.get("birth_year")
    if salt is None or year is None:
        return ""
    return str(year // 10 if salt == "birth_decade" else year)


class Encoder:
    """Encodes person rows under one schema and secret.

    Rows are made of pieces that recur from row to row: a name part (its q-grams), a
    romanisation key, and the birth date with gender and nationality. Each distinct piece is
    hashed once into the bits it sets, packed; a row's filter is the OR of its pieces' bits,
    taken for a batch of rows at once by numpy. The filter is the same as setting the bits of
    every token of ``tokens(row)`` one by one; only the work is shared."""

    def __init__(self, schema: Schema, secret: Secret) -> None:
        self.schema = schema
        self.secret = secret
        self._keys = {kind: secret.derive(schema, kind) for kind in
                      ("name_grams", "name_keys", "birth", "gender", "nationality",
                       "identifiers", "flip", "balance")}
        self._cache: dict[tuple[str, str, str], npt.NDArray[np.int64]] = {}
        # piece -> its row in ``_table``; row 0 sets no bit
        self._pieces: dict[tuple[Any, ...], int] = {}
        self._table = np.zeros((1, schema.bits // 64), dtype=np.uint64)
        self._new: list[list[npt.NDArray[np.int64]]] = []  # positions of pieces to hash

    def _positions(self, kind: str, salt: str, token: str) -> npt.NDArray[np.int64]:
        cached = self._cache.get((kind, salt, token))
        if cached is None:
            digest = hmac.digest(self._keys[kind], f"{salt}\x1f{token}".encode(), "sha256")
            h1 = int.from_bytes(digest[:8], "little")
            h2 = int.from_bytes(digest[8:16], "little") | 1
            k = getattr(self.schema, kind)
            bits = self.schema.bits
            # (h1 + i * h2) % bits, each term reduced first so int64 holds it
            cached = (h1 % bits + np.arange(k, dtype=np.int64) * (h2 % bits)) % bits
            self._cache[kind, salt, token] = cached
        return cached

    def _piece(self, piece: tuple[Any, ...]) -> int:
        """Number a piece not seen before, to be hashed at the end of the batch (see
        ``_batch`` for the kinds of piece)."""
        what = piece[0]
        if what == "name_grams":
            found = [(what, piece[1], gram) for gram in _grams(piece[2], self.schema.q)]
        elif what == "name_keys":
            found = [piece]
        elif what == "birth":
            found = [(what, "", t) for t in piece[1:] if t is not None]
        else:  # the gender and the nationality
            found = [(kind, "", v) for kind, v in zip(("gender", "nationality"), piece[1:],
                                                       strict=True)
                     if v is not None]
        self._new.append([self._positions(*token) for token in found])
        index = self._pieces[piece] = len(self._pieces) + 1
        return index

    def _hash_new(self) -> None:
        """Add the bits of the pieces numbered since the last call to ``_table``."""
        if not self._new:
            return
        bits = np.zeros((len(self._new), self.schema.bits), dtype=bool)
        counts = [sum(len(p) for p in positions) for positions in self._new]
        where = [p for positions in self._new for p in positions]
        if where:
            bits[np.repeat(np.arange(len(self._new)), counts), np.concatenate(where)] = True
        packed = np.packbits(bits, axis=1, bitorder="little").view(np.uint64)
        self._table = np.concatenate([self._table, packed])
        self._new = []

    def identifier_hashes(self, row: Mapping[str, Any]) -> tuple[str, ...]:
        """Keyed hashes of the row's strong identifiers, each tagged with its kind."""
        key = self._keys["identifiers"]
        return tuple(sorted(
            hmac.digest(key, f"{kind}\x1f{value}".encode(), "sha256").hex()[:32]
            for kind in IDENTIFIERS for value in row.get(kind) or ()
        ))

    def filters(self, rows: Sequence[Mapping[str, Any]]) -> Filters:
        """The filters of ``rows``, hardened as the schema says."""
        out = [self._batch(rows[i:i + BATCH]) for i in range(0, len(rows), BATCH)]
        if not out:
            return np.zeros((0, self.schema.words), dtype=np.uint64)
        return np.concatenate(out)

    def _batch(self, rows: Sequence[Mapping[str, Any]]) -> Filters:
        schema = self.schema
        salting = schema.hardening.salt
        pieces, new = self._pieces, self._piece
        # each row's pieces, in a row of their own after a 0 (no bit) that starts the row
        flat: list[int] = []
        starts: list[int] = []
        for row in rows:
            starts.append(len(flat))
            flat.append(0)
            salt = _salt(row, salting)
            # the pieces of ``tokens(row)``: one per name part and per key, salted; the birth
            # date; the gender and nationality
            for part in (row.get("name_latin") or "").split():
                piece: tuple[Any, ...] = ("name_grams", salt, part)
                flat.append(pieces.get(piece) or new(piece))
            for key in row.get("name_keys") or ():
                piece = ("name_keys", salt, key)
                flat.append(pieces.get(piece) or new(piece))
            year, month, day = row.get("birth_year"), row.get("birth_month"), row.get("birth_day")
            piece = ("birth", None if year is None else f"y{year}",
                     None if month is None else f"m{month}", None if day is None else f"d{day}")
            flat.append(pieces.get(piece) or new(piece))
            piece = ("about", row.get("gender") or None, row.get("nationality") or None)
            flat.append(pieces.get(piece) or new(piece))
        self._hash_new()
        if not rows:
            return np.zeros((0, schema.words), dtype=np.uint64)
        packed = np.bitwise_or.reduceat(self._table[np.array(flat, dtype=np.intp)],
                                        np.array(starts, dtype=np.intp), axis=0)
        if not (schema.hardening.flip or schema.hardening.balance):
            return packed
        bits = np.unpackbits(packed.view(np.uint8), axis=1, bitorder="little").astype(bool)
        if schema.hardening.flip:
            bits ^= self._flips(rows, bits.shape)
        if schema.hardening.balance:
            bits = np.concatenate([bits, ~bits], axis=1)
            bits = np.ascontiguousarray(bits[:, self._permutation(bits.shape[1])])
        return np.packbits(bits, axis=1, bitorder="little").view(np.uint64)

    def _flips(self, rows: Sequence[Mapping[str, Any]], shape: tuple[int, int]) -> npt.NDArray[
            np.bool_]:
        """Random flips, reproducible per record under the secret (the same record encodes
        to the same filter, so re-encoding a file does not reveal which bits were noise)."""
        key = self._keys["flip"]
        flips = np.empty(shape, dtype=bool)
        for n, row in enumerate(rows):
            seed = hmac.new(key, repr(sorted(row.items())).encode(), hashlib.sha256).digest()
            rng = np.random.default_rng(int.from_bytes(seed[:16], "little"))
            flips[n] = rng.random(shape[1]) < self.schema.hardening.flip
        return flips

    def _permutation(self, n: int) -> npt.NDArray[np.int64]:
        seed = int.from_bytes(self._keys["balance"][:16], "little")
        return np.random.default_rng(seed).permutation(n)


def encode(agency: str, rows: Sequence[Mapping[str, Any]], schema: Schema, secret: Secret, *,
           share: Iterable[str] = ()) -> Encodings:
    """Encode person rows (``tessera.linkage.features.person_rows``) of one agency; the refs
    are the rows' own references (``unique_id`` after the agency)."""
    shared = tuple(share)
    unknown = [s for s in shared if s not in SHAREABLE]
    if unknown:
        raise ValueError(f"cannot share {', '.join(unknown)}: only {', '.join(SHAREABLE)}")
    encoder = Encoder(schema, secret)
    return Encodings(
        agency=agency,
        schema=schema,
        key_id=secret.key_id,
        refs=[str(r["unique_id"]).split("/", 1)[-1] for r in rows],
        filters=encoder.filters(rows),
        identifiers=[encoder.identifier_hashes(r) for r in rows],
        shared=[{s: r.get(s) for s in shared if r.get(s) is not None} for r in rows],
    )
