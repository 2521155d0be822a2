"""Hit/no-hit matching over the hub: an agency's encodings file stored, and its match requests
run (``tessera.hub.exchanges`` keeps them; ``tessera.linkage.pprl`` reads the files and matches).

An upload is checked whole before anything is written, and written in one transaction: a bad
file is refused with the file's own error (its line and problem) and the agency's earlier
encodings stay as they were. Beyond what ``tessera.linkage.pprl.files`` checks, the hub refuses
anything that could carry plaintext into its store: identifier hashes that are not hashes,
shared attributes that are not the code, gender or year they claim to be, references longer
than a reference.

A match request matches every agency's encodings in the exchange at once, so that the greedy
solver sees the whole picture (a person is one group, with at most one record per agency), and
records, for each group that holds one of the requester's records, the requester's record with
each other member: one request tells the requester of every agency that holds the person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tessera.hub import access, admin, exchanges, hits
from tessera.hub.access import Actor
from tessera.hub.db import Hub
from tessera.hub.exchanges import Batch, StoredSet
from tessera.hub.hits import LINKED, Found, HitView
from tessera.hub.models import EncodingUpload, MatchRun, as_utc
from tessera.linkage.pprl import files
from tessera.linkage.pprl.encode import SHAREABLE, Encodings
from tessera.linkage.pprl.match import IDENTIFIER_SCORE, Hit, match
from tessera.linkage.pprl.schema import EncodingError, Schema
from tessera.standard.codes import Gender

MAX_REF = 128
MAX_IDENTIFIERS = 100
_HASH = re.compile(r"[0-9a-f]{32}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_GENDERS = frozenset(g.value for g in Gender)


@dataclass(frozen=True)
class UploadSummary:
    upload_id: int
    exchange: str
    agency: str
    records: int
    replaced: int
    fingerprint: str
    key_id: str


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    exchange: str
    purpose: str
    compared: int  # the requester's encoded records
    agencies: int  # other agencies whose encodings were searched
    new: list[HitView]
    known: int  # hits found again that were already recorded
    started_at: dt.datetime


def _actor(hub: Hub, username: str) -> Actor:
    with hub.reading() as session:
        return admin.actor(session, username)


def _refused(hub: Hub, actor: Actor, action: str, resource: str) -> None:
    """Refuse, audited, an actor whose roles do not allow ``action``: before a file is read."""
    if not access.allowed(actor, action):
        with hub.session():
            raise access.Forbidden(actor, action, resource)


def _shared_ok(key: str, value: Any) -> bool:
    if key == "nationality":
        return isinstance(value, str) and _COUNTRY.fullmatch(value) is not None
    if key == "gender":
        return value in _GENDERS
    if key == "birth_year":
        return isinstance(value, int) and not isinstance(value, bool) and 1800 <= value <= 2200
    return False


def check(encodings: Encodings, lines: Sequence[str], source: str) -> None:
    """What the hub refuses beyond the file format: anything that could carry plaintext."""
    numbers = [n for n, line in enumerate(lines[1:], start=2) if line.strip()]
    for k, ref in enumerate(encodings.refs):
        where = f"{source} line {numbers[k]}"
        if len(ref) > MAX_REF or not ref.isprintable():
            raise EncodingError(f"{where}: a ref is at most {MAX_REF} printable characters")
        ids = encodings.identifiers[k]
        if len(ids) > MAX_IDENTIFIERS:
            raise EncodingError(f"{where}: more than {MAX_IDENTIFIERS} identifier hashes")
        if any(_HASH.fullmatch(i) is None for i in ids):
            raise EncodingError(f"{where}: identifier hashes are 32 hexadecimal digits, as "
                                "`tessera encode` writes them; one is not a hash")
        for key, value in (encodings.shared[k] if encodings.shared else {}).items():
            if not _shared_ok(key, value):
                raise EncodingError(f"{where}: shared {key} is not a valid {key} "
                                    f"(only {', '.join(SHAREABLE)}, as codes, may be shared)")


def read_upload(data: bytes, source: str) -> Batch:
    """An uploaded encodings file, parsed and checked; ``EncodingError`` names its line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise EncodingError(f"{source}: not UTF-8 text") from None
    lines = text.splitlines()
    encodings = files.parse(lines, source)
    check(encodings, lines, source)
    return Batch(
        agency=encodings.agency,
        fingerprint=encodings.schema.fingerprint(),
        key_id=encodings.key_id,
        schema=encodings.schema.model_dump(mode="json"),
        refs=list(encodings.refs),
        filters=[row.tobytes() for row in encodings.filters],
        identifiers=[list(ids) for ids in encodings.identifiers],
        shared=list(encodings.shared) or [{} for _ in encodings.refs],
        sha256=hashlib.sha256(data).hexdigest(),
    )


def upload(hub: Hub, username: str, exchange: str, data: bytes, *,
           source: str = "upload") -> UploadSummary:
    """Make the encodings file ``data`` the user's agency's encodings in ``exchange``, in
    place of its earlier ones; all or nothing."""
    actor = _actor(hub, username)
    _refused(hub, actor, "encoding.submit", f"encodings:{exchange}/{actor.agency_code}")
    batch = read_upload(data, source)
    with hub.session() as session:
        row: EncodingUpload = exchanges.replace_encodings(session, actor, exchange, batch)
    return UploadSummary(row.id, exchange, actor.agency_code, row.records, row.replaced,
                         row.fingerprint, row.key_id)


def upload_file(hub: Hub, username: str, exchange: str, path: Path) -> UploadSummary:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EncodingError(f"{path}: no such file") from None
    return upload(hub, username, exchange, data, source=path.name)


def _encodings(stored: StoredSet, schema: Schema, key_id: str) -> Encodings:
    filters = np.frombuffer(b"".join(stored.filters), dtype=np.uint64)
    return Encodings(stored.agency, schema, key_id, stored.refs,
                     filters.reshape(len(stored.refs), schema.words).copy(),
                     [tuple(ids) for ids in stored.identifiers])


def _direct(a: Encodings, i: int, b: Encodings, j: int) -> Hit:
    """The score of two records the solver placed in one group without comparing them."""
    fa, fb = a.filters[i], b.filters[j]
    total = int(np.bitwise_count(fa).sum()) + int(np.bitwise_count(fb).sum())
    score = 2 * int(np.bitwise_count(fa & fb).sum()) / total if total else 0.0
    identifier = bool(set(a.identifiers[i]) & set(b.identifiers[j]))
    return Hit((0, i), (1, j), max(score, IDENTIFIER_SCORE) if identifier else score, identifier)


def requester_hits(sets: Sequence[Encodings], mine: int, threshold: float,
                   agency_ids: Mapping[str, int]) -> list[Found]:
    """For each group the matcher solves that holds a record of ``sets[mine]``, that record
    with each other member of the group."""
    result = match(sets, threshold=threshold)
    kept = {frozenset((h.left, h.right)): h for h in result.hits}
    found: list[Found] = []
    for group in result.groups:
        own = [m for m in group if m[0] == mine]
        if not own:
            continue
        a = own[0]
        for b in group:
            if b == a:
                continue
            hit = kept.get(frozenset((a, b))) or _direct(sets[a[0]], a[1], sets[b[0]], b[1])
            close = hit.identifier or hit.score >= threshold
            other = sets[b[0]]
            found.append(Found(ref=sets[mine].refs[a[1]], other_agency_id=agency_ids[other.agency],
                               other_ref=other.refs[b[1]], score=round(hit.score, 6),
                               band=hit.band(threshold) if close else LINKED,
                               identifier=hit.identifier))
    return found


def run_match(hub: Hub, username: str, exchange: str, purpose: str, *,
              per_day: int) -> RunSummary:
    """The user's agency's match request: its encodings against every other agency's in the
    exchange. The request is audited with its purpose and counted against ``per_day``; the
    matcher runs between two transactions, so it holds no lock while it works."""
    with hub.session() as session:
        actor = admin.actor(session, username)
        run, chosen = hits.begin_run(session, actor, exchange, purpose, per_day=per_day)
        run_id, threshold, started = run.id, chosen.threshold, run.started_at
        schema_json, key_id, stated = chosen.encoding_schema, chosen.key_id, run.purpose
        stored = exchanges.encodings_of(session, chosen.id)
    assert schema_json is not None and key_id is not None  # the requester's upload fixed them
    schema = Schema.model_validate(schema_json)
    sets = [_encodings(s, schema, key_id) for s in stored]
    ids = {s.agency: s.agency_id for s in stored}
    mine = next(n for n, s in enumerate(stored) if s.agency_id == actor.agency_id)
    found = requester_hits(sets, mine, threshold, ids) if len(sets) > 1 else []
    with hub.session() as session:
        outcome = hits.finish_run(session, actor, run_id, found, agencies=len(sets) - 1)
        done: MatchRun = outcome.run
        return RunSummary(run_id, exchange, stated, done.compared, done.agencies, outcome.new,
                          outcome.known, as_utc(started))
