"""Encoding person records into keyed Bloom filters (cryptographic long-term keys, CLKs).

One filter per person: the q-grams of every transliterated name part and the part's
romanisation-blind key (so Олег, Oleg and Oleh land on mostly the same bits), the birth year,
month and day as separate positional tokens (a wrong day costs a little, not everything), the
gender and the nationality. Each token sets a few bits chosen by HMAC-SHA256 under a key derived
from the exchange secret, by double hashing as in Schnell et al. (2009). Strong identifiers
(passport with its issuing country, phone in E.164, IBAN or account number, e-mail) become
keyed hashes for exact hits.

Written here rather than taken from clkhash because clkhash hashes every q-gram of every record
afresh in Python, a row at a time: Tessera reads the rows by column, hashes each distinct token
once and ORs the bits of all records with numpy (``bloom``): seven times clkhash's speed on
the benchmark's files (bench/pprl.py, docs/benchmarks.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tessera.linkage.pprl.bloom import COLUMNS, IDENTIFIERS, Encoder, Filters, grams
from tessera.linkage.pprl.columns import after_slash, read
from tessera.linkage.pprl.schema import Schema, Secret

__all__ = ["IDENTIFIERS", "SHAREABLE", "Encoder", "Encodings", "encode", "tokens"]

# the attributes an owner may choose to share beside the encodings: none of them names anyone
SHAREABLE = ("nationality", "gender", "birth_year")


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
    """The tokens of one person row (``tessera.linkage.features`` columns), by kind; the name's
    are hashed with the salt (``bloom.salt_text``)."""
    found = []
    for part in (row.get("name_latin") or "").split():
        found += grams(part, q)
    year, month, day = row.get("birth_year"), row.get("birth_month"), row.get("birth_day")
    return {
        "name_grams": found,
        "name_keys": list(row.get("name_keys") or ()),
        "birth": [f"{t}{v}" for t, v in (("y", year), ("m", month), ("d", day))
                  if v is not None],
        "gender": [row["gender"]] if row.get("gender") else [],
        "nationality": [row["nationality"]] if row.get("nationality") else [],
    }


def encode(agency: str, rows: Sequence[Mapping[str, Any]], schema: Schema, secret: Secret, *,
           share: Iterable[str] = ()) -> Encodings:
    """Encode person rows (``tessera.linkage.features.person_rows``) of one agency; the refs
    are the rows' own references (``unique_id`` after the agency)."""
    shared = tuple(share)
    unknown = [s for s in shared if s not in SHAREABLE]
    if unknown:
        raise ValueError(f"cannot share {', '.join(unknown)}: only {', '.join(SHAREABLE)}")
    encoder = Encoder(schema, secret)
    with _collector_paused():
        columns = read(rows, ("unique_id", *COLUMNS, *IDENTIFIERS))
        ids = columns["unique_id"]
        if None in ids:  # a row without the column is refused (KeyError), as it always was
            ids = [row["unique_id"] for row in rows]
        return Encodings(
            agency=agency,
            schema=schema,
            key_id=secret.key_id,
            refs=after_slash(ids),
            filters=encoder.filters(rows, columns),
            identifiers=encoder.identifiers(rows, columns),
            shared=([{s: r.get(s) for s in shared if r.get(s) is not None} for r in rows]
                    if shared else [{} for _ in rows]),
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused. Encoding makes many small lists and tuples, and no
    reference cycle; every so many allocations the collector would walk every object of the
    process, the rows' millions included, to find none (a quarter to a half of the time,
    measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
