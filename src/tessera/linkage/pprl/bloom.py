"""Person rows into keyed Bloom filters, by column (the encoder behind ``encode``).

Each distinct token (a salted name q-gram or romanisation key, a birth date's part, a gender,
a nationality) is hashed once, with an HMAC, into the bits it sets, packed. Rows are made of
pieces that recur: a salted name part is the OR of its q-grams' bits, a birth date with a
gender and a nationality the OR of theirs; a row's filter is the OR of its pieces' and its
keys' bits. Per row, everything is done on integer codes by numpy and pyarrow (``columns``);
Python touches distinct values only. The filter is the same as setting the bits of every token
of ``encode.tokens(row)`` one by one, salted, and a test holds the two to it byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from tessera.linkage.pprl.columns import (
    Codes,
    combine,
    dictionary,
    expand,
    items,
    pairs,
    ragged,
    rank,
    read,
    words,
)
from tessera.linkage.pprl.schema import Schema, Secret

Filters = npt.NDArray[np.uint64]
Columns = Mapping[str, Sequence[Any]]

IDENTIFIERS = ("phones", "documents", "emails", "accounts")
TOKEN_KINDS = ("name_grams", "name_keys", "birth", "gender", "nationality")
# the tokens a row has one of at most: (column, kind of token, its text before the value); a
# birth date's part is absent when None, a gender or nationality when empty too
SINGLE = (("birth_year", "birth", "y"), ("birth_month", "birth", "m"), ("birth_day", "birth", "d"),
          ("gender", "gender", ""), ("nationality", "nationality", ""))
COLUMNS = ("name_latin", "name_keys", *(name for name, _, _ in SINGLE))
BATCH = 32_768  # rows hardened at once
SHA256_BLOCK = 64
GROUPS = 512  # groups ORed at once: the bits gathered for them stay in the processor's cache


def grams(part: str, q: int) -> list[str]:
    """The q-grams of one name part, padded so its first and last letters count."""
    padded = f"_{part}_"
    return [padded[i:i + q] for i in range(max(1, len(padded) - q + 1))]


def salt_text(year: Any, salt: str | None) -> str:
    """What name tokens are hashed with: the birth year, its decade, or nothing."""
    if salt is None or year is None:
        return ""
    return str(year // 10 if salt == "birth_decade" else year)


def hmacs(key: bytes, texts: Iterable[str]) -> bytes:
    """HMAC-SHA256 of each text under ``key``, one after another: RFC 2104 by hand, the
    key's inner and outer hashes begun once and copied for each text, which takes half the
    time of ``hmac.digest`` a text (the same digests; a test holds them to it)."""
    if len(key) > SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    block = key.ljust(SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block)).copy
    out = []
    for text in texts:
        first = inner()
        first.update(text.encode())
        second = outer()
        second.update(first.digest())
        out.append(second.digest())
    return b"".join(out)


def _or_groups(table: Filters, rows: Codes, starts: Codes) -> Filters:
    """The OR of the rows of ``table`` in each group of ``rows`` (the groups starting at
    ``starts``, none empty), a few hundred groups at a time."""
    out = np.empty((len(starts), table.shape[1]), dtype=np.uint64)
    ends = np.append(starts[1:], len(rows))
    for lo in range(0, len(starts), GROUPS):
        hi = min(lo + GROUPS, len(starts))
        first = starts[lo]
        out[lo:hi] = np.bitwise_or.reduceat(table[rows[first:ends[hi - 1]]],
                                            starts[lo:hi] - first, axis=0)
    return out


class Encoder:
    """Encodes person rows under one schema and secret."""

    def __init__(self, schema: Schema, secret: Secret) -> None:
        self.schema = schema
        self.secret = secret
        self._keys = {kind: secret.derive(schema, kind) for kind in
                      (*TOKEN_KINDS, "identifiers", "flip", "balance")}
        # by kind, each token (its salt and text, as hashed) -> its row in ``_bits``; row 0
        # sets no bit
        self._tokens: dict[str, dict[str, int]] = {kind: {} for kind in TOKEN_KINDS}
        self._bits = np.zeros((1, schema.bits // 64), dtype=np.uint64)

    def identifier_hashes(self, row: Mapping[str, Any]) -> tuple[str, ...]:
        """Keyed hashes of the row's strong identifiers, each tagged with its kind."""
        key = self._keys["identifiers"]
        return tuple(sorted(
            hmac.digest(key, f"{kind}\x1f{value}".encode(), "sha256").hex()[:32]
            for kind in IDENTIFIERS for value in row.get(kind) or ()
        ))

    def identifiers(self, rows: Sequence[Mapping[str, Any]],
                    columns: Columns | None = None) -> list[tuple[str, ...]]:
        """``identifier_hashes`` of each row (most rows hold no identifier); ``columns``,
        if given, holds the rows' ``IDENTIFIERS`` columns already read."""
        found = columns if columns is not None else read(rows, IDENTIFIERS)
        held = [found[kind] for kind in IDENTIFIERS]
        if not any(map(any, held)):
            return [()] * len(rows)
        return [self.identifier_hashes(row) if some else () for row, some in
                zip(rows, map(any, zip(*held, strict=True)), strict=True)]

    def filters(self, rows: Sequence[Mapping[str, Any]],
                columns: Columns | None = None) -> Filters:
        """The filters of ``rows``, hardened as the schema says; ``columns``, if given,
        holds the rows' ``COLUMNS`` already read."""
        if not rows:
            return np.zeros((0, self.schema.words), dtype=np.uint64)
        table, pieces, starts = self._pieces(columns if columns is not None
                                             else read(rows, COLUMNS), len(rows))
        packed = _or_groups(table, pieces, starts)
        if not (self.schema.hardening.flip or self.schema.hardening.balance):
            return packed
        return np.concatenate([self._harden(rows[lo:lo + BATCH], packed[lo:lo + BATCH])
                               for lo in range(0, len(rows), BATCH)])

    def _pieces(self, columns: Columns, n: int) -> tuple[Filters, Codes, Codes]:
        """A table of bits and, row after row, the table rows each row ORs (each row's
        starting at ``starts``): its birth date, gender and nationality, then its name parts'
        (salted), then its romanisation keys' (salted)."""
        years, year_values = dictionary(columns["birth_year"])
        single_piece, single_bits = self._single(columns, years, year_values)
        salt_of_year, salts = dictionary([salt_text(year, self.schema.hardening.salt)
                                          for year in year_values])
        salt = salt_of_year[years]
        # name parts: each distinct (salt, part) the OR of its q-grams, salted
        names, name_starts, name_lengths, name_parts, parts = words(columns["name_latin"])
        part_row, part = expand(names, name_starts, name_lengths, name_parts)
        piece_salt, piece_part, piece = pairs(salt[part_row], part)
        gram_index: dict[str, int] = {}
        gram_starts, gram_lengths, part_grams = ragged([
            [gram_index.setdefault(gram, len(gram_index)) for gram in grams(p, self.schema.q)]
            for p in parts])
        gram_piece, gram = expand(piece_part, gram_starts, gram_lengths, part_grams)
        gram_rows = self._salted("name_grams", salts, list(gram_index),
                                 piece_salt[gram_piece], gram)
        # romanisation keys: a token each, salted
        key_counts, key_codes, key_values = items(columns["name_keys"])
        key_row = np.repeat(np.arange(n, dtype=np.intp), key_counts)
        keys = self._salted("name_keys", salts, key_values, salt[key_row], key_codes)
        # every part has a q-gram at least, so no piece ORs nothing
        piece_starts = np.cumsum(gram_lengths[piece_part]) - gram_lengths[piece_part]
        name_bits = _or_groups(self._bits, gram_rows, piece_starts)
        table = np.concatenate([self._bits, name_bits, single_bits])
        part_counts = name_lengths[names]
        counts = 1 + part_counts + key_counts
        starts = np.cumsum(counts) - counts
        out = np.empty(int(counts.sum()), dtype=np.intp)
        out[starts] = len(self._bits) + len(name_bits) + single_piece
        out[starts[part_row] + 1 + rank(part_counts)] = len(self._bits) + piece
        out[starts[key_row] + 1 + part_counts[key_row] + rank(key_counts)] = keys
        return table, out, starts

    def _single(self, columns: Columns, years: Codes, year_values: list[Any]) -> tuple[
            Codes, Filters]:
        """Each row's piece of a birth date, gender and nationality, and the pieces' bits."""
        codes, rows = [], []
        for name, kind, prefix in SINGLE:
            found, values = ((years, year_values) if name == "birth_year" else
                             dictionary(columns[name]))
            present = [n for n, value in enumerate(values)
                       if (value is not None if kind == "birth" else value)]
            token = np.zeros(len(values), dtype=np.intp)
            token[present] = self._rows(kind, [f"\x1f{prefix}{values[n]}" for n in present])
            codes.append(found)
            rows.append(token)
        distinct, piece = combine(codes, [len(token) for token in rows])
        bits = self._bits[rows[0][distinct[:, 0]]]
        for place, token in enumerate(rows[1:], 1):
            bits |= self._bits[token[distinct[:, place]]]
        return piece, bits

    def _salted(self, kind: str, salts: Sequence[str], values: Sequence[Any], salt: Codes,
                value: Codes) -> Codes:
        """The rows in ``_bits`` of the tokens (salts[salt[i]], values[value[i]])."""
        first, second, inverse = pairs(salt, value)
        texts = [f"{salts[s]}\x1f{values[v]}"
                 for s, v in zip(first.tolist(), second.tolist(), strict=True)]
        return self._rows(kind, texts)[inverse]

    def _rows(self, kind: str, texts: list[str]) -> Codes:
        """The rows in ``_bits`` of tokens of one kind, distinct; those not seen before are
        hashed (an HMAC each, the positions from its first 16 bytes by double hashing,
        (h1 + i * h2) % bits) and their bits added."""
        known = self._tokens[kind]
        found = np.fromiter(map(known.get, texts, repeat(0)), dtype=np.intp, count=len(texts))
        new = np.flatnonzero(found == 0)
        if not len(new):
            return found
        fresh = [texts[i] for i in new.tolist()]
        words = np.frombuffer(hmacs(self._keys[kind], fresh), dtype="<u8").reshape(-1, 4)
        bits = self.schema.bits
        h1, h2 = words[:, 0] % bits, (words[:, 1] | np.uint64(1)) % bits
        steps = np.arange(getattr(self.schema, kind), dtype=np.uint64)
        positions = ((h1[:, None] + steps * h2[:, None]) % bits).astype(np.intp)
        # set as bytes, read as words: the layout of np.packbits(..., bitorder="little")
        packed = np.zeros((len(fresh), bits // 8), dtype=np.uint8)
        np.bitwise_or.at(packed, (np.repeat(np.arange(len(fresh)), positions.shape[1]),
                                  (positions >> 3).ravel()),
                         np.left_shift(1, positions & 7).astype(np.uint8).ravel())
        first = len(self._bits)
        self._bits = np.concatenate([self._bits, packed.view(np.uint64)])
        found[new] = np.arange(first, first + len(fresh))
        known.update(zip(fresh, range(first, first + len(fresh)), strict=True))
        return found

    def _harden(self, rows: Sequence[Mapping[str, Any]], packed: Filters) -> Filters:
        schema = self.schema
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
