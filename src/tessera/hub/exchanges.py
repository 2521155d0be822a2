"""Exchanges and the encodings agencies upload to them, in the hub.

Agencies that will not send names to the hub upload encodings instead: Bloom filters and keyed
identifier hashes made at the agency with the exchange's secret, which the hub never holds
(``tessera.linkage.pprl``). An exchange is a set of agencies that encode under one schema and one
secret; the convening organisation opens it and sets the lowest score recorded as a hit. The
first upload fixes the exchange's schema fingerprint and key id; encodings made under others
are refused, until a rotation retires the secret and clears every agency's encodings.

The hub stores what the encodings file holds and nothing else: the agency's own reference, the
filter, the identifier hashes and the non-identifying attributes the agency chose to share. An
upload replaces the agency's earlier encodings in the exchange, whole, in one transaction.
Match runs and hits are ``tessera.hub.hits``'; reading files is ``tessera.linkage.exchange``'s.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from tessera.hub import access
from tessera.hub.access import Actor, Refusal
from tessera.hub.models import Agency, EncodedRecord, EncodingUpload, Exchange, as_utc, utcnow
from tessera.hub.records import NotFound

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
KEY_ID_PATTERN = r"^[0-9a-f]{16}$"
THRESHOLD_MIN = 0.5  # below, a Dice score says little about two names being one
_INSERT_BATCH = 5000


class ExchangeError(ValueError):
    """A request about an exchange that cannot be carried out as asked, and why."""


class ExchangeMismatch(ExchangeError):
    """Encodings made under another schema or secret than the exchange's."""


class WrongAgency(Refusal, PermissionError):
    """An upload of another agency's encodings."""


@dataclass(frozen=True)
class Batch:
    """One agency's encodings for one exchange, as read from its file and checked
    (``tessera.linkage.exchange``)."""

    agency: str  # the agency the file says made it
    fingerprint: str
    key_id: str
    schema: dict[str, Any]
    refs: list[str]
    filters: list[bytes]
    identifiers: list[list[str]]
    shared: list[dict[str, Any]]
    sha256: str


@dataclass(frozen=True)
class StoredSet:
    """One agency's encodings in an exchange, as the matcher reads them."""

    agency_id: int
    agency: str
    refs: list[str]
    filters: list[bytes]
    identifiers: list[list[str]]


@dataclass(frozen=True)
class ExchangeView:
    """An exchange as a member sees it: its settings, and the member's own encodings."""

    name: str
    threshold: float
    fingerprint: str | None
    key_id: str | None
    rotated_at: dt.datetime | None
    records: int  # the viewer's agency's encodings in it
    uploaded_at: dt.datetime | None


def check_name(name: str) -> str:
    if not re.fullmatch(NAME_PATTERN, name):
        raise ExchangeError(f"{name!r} is not an exchange name: letters, digits, '.', '_' and "
                            "'-', at most 64, starting with a letter or digit")
    return name


def refuse_unless(actor: Actor, action: str, resource: str) -> None:
    if not access.allowed(actor, action):
        raise access.Forbidden(actor, action, resource)


def affected(result: Any) -> int:
    """Rows an UPDATE or DELETE changed."""
    return int(getattr(result, "rowcount", 0) or 0)


def find(session: Session, actor: Actor, action: str, name: str, *,
              for_update: bool = False) -> Exchange:
    """The exchange named; absent is refused as not found (and audited)."""
    query = select(Exchange).where(Exchange.name == name)
    if for_update:
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None:
        raise NotFound(actor, action, f"exchange:{name}", f"no exchange {name!r}")
    return found


# --- setting up exchanges -------------------------------------------------------------------


def set_exchange(session: Session, actor: Actor, name: str, threshold: float) -> Exchange:
    """Open an exchange, or change its threshold (the lowest score recorded as a hit; already
    recorded hits stay)."""
    resource = f"exchange:{check_name(name)}"
    refuse_unless(actor, "exchange.manage", resource)
    if not THRESHOLD_MIN <= threshold <= 1.0:
        raise ExchangeError(f"a threshold is between {THRESHOLD_MIN} and 1")
    exchange = session.scalar(select(Exchange).where(Exchange.name == name).with_for_update())
    created = exchange is None
    if exchange is None:
        exchange = Exchange(name=name, threshold=threshold, retired_key_ids=[])
        session.add(exchange)
    before = None if created else exchange.threshold
    exchange.threshold = threshold
    session.flush()
    access.authorize(session, actor, "exchange.manage", resource,
                     {"threshold": threshold, "was": before, "created": created})
    return exchange


def rotate(session: Session, actor: Actor, name: str, reason: str,
           key_id: str | None = None) -> int:
    """Retire the exchange's secret and clear every agency's encodings, so that each encodes
    again under the new secret (and, if they choose, a new schema); returns the encodings
    cleared. Hits already recorded stay: follow-ups may cite them. Uploads under a retired key
    id are refused for good; ``key_id`` names the new secret's, when it is known, so that a
    stale upload cannot fix the exchange on the old one."""
    resource = f"exchange:{name}"
    refuse_unless(actor, "exchange.manage", resource)
    if len(reason.strip()) < 3:
        raise ExchangeError("a rotation states its reason (it is audited)")
    if key_id is not None and not re.fullmatch(KEY_ID_PATTERN, key_id):
        raise ExchangeError(f"{key_id!r} is not a key id (16 hexadecimal digits)")
    exchange = find(session, actor, "exchange.manage", name, for_update=True)
    retired = list(exchange.retired_key_ids)
    if exchange.key_id and exchange.key_id not in retired:
        retired.append(exchange.key_id)
    if key_id in retired:
        raise ExchangeError(f"the secret with key id {key_id} is retired; name the new one's")
    cleared = affected(session.execute(
        delete(EncodedRecord).where(EncodedRecord.exchange_id == exchange.id)
    ))
    old = exchange.key_id
    exchange.retired_key_ids = retired
    exchange.key_id, exchange.fingerprint, exchange.encoding_schema = key_id, None, None
    exchange.rotated_at = utcnow()
    access.authorize(session, actor, "exchange.manage", resource,
                     {"rotation": reason.strip(), "retired": old, "next": key_id,
                      "cleared": cleared})
    return int(cleared)


def list_exchanges(session: Session, actor: Actor) -> list[ExchangeView]:
    """Every exchange, with the actor's agency's own encodings in each."""
    access.authorize(session, actor, "exchange.read", "exchanges")
    counts = dict(session.execute(
        select(EncodedRecord.exchange_id, func.count())
        .where(EncodedRecord.agency_id == actor.agency_id)
        .group_by(EncodedRecord.exchange_id)
    ).all())
    last = dict(session.execute(
        select(EncodingUpload.exchange_id, func.max(EncodingUpload.received_at))
        .where(EncodingUpload.agency_id == actor.agency_id)
        .group_by(EncodingUpload.exchange_id)
    ).all())
    return [
        ExchangeView(e.name, e.threshold, e.fingerprint, e.key_id,
                     as_utc(e.rotated_at) if e.rotated_at else None, int(counts.get(e.id, 0)),
                     as_utc(last[e.id]) if last.get(e.id) else None)
        for e in session.scalars(select(Exchange).order_by(Exchange.name))
    ]


# --- encodings ------------------------------------------------------------------------------


def _check_fits(exchange: Exchange, batch: Batch) -> None:
    """Refuse encodings made under another schema or secret than the exchange's."""
    rotate_hint = ("or, if the exchange has agreed a new secret or schema, the convening "
                   "organisation rotates the exchange")
    if batch.key_id in exchange.retired_key_ids:
        raise ExchangeMismatch(
            f"exchange {exchange.name!r}: the secret with key id {batch.key_id} was retired by "
            "a rotation; encode again with the exchange's current secret")
    if exchange.key_id is not None and batch.key_id != exchange.key_id:
        raise ExchangeMismatch(
            f"exchange {exchange.name!r} uses another secret (key id {exchange.key_id}) than "
            f"this file (key id {batch.key_id}): encode again with the exchange's secret, "
            f"{rotate_hint}")
    if exchange.fingerprint is not None and batch.fingerprint != exchange.fingerprint:
        raise ExchangeMismatch(
            f"exchange {exchange.name!r} uses another schema (fingerprint "
            f"{exchange.fingerprint}) than this file ({batch.fingerprint}): encode again with "
            f"the exchange's schema, {rotate_hint}")


def replace_encodings(session: Session, actor: Actor, name: str, batch: Batch) -> EncodingUpload:
    """Make ``batch`` the actor's agency's encodings in the exchange, in place of any before
    (encodings are a snapshot: a record left out is withdrawn). The first upload after the
    exchange opens, or is rotated, fixes its schema and secret."""
    resource = f"encodings:{name}/{actor.agency_code}"
    refuse_unless(actor, "encoding.submit", resource)
    if batch.agency != actor.agency_code:
        raise WrongAgency(actor, "encoding.submit", resource,
                          f"the file holds {batch.agency}'s encodings; {actor.username} "
                          f"uploads for {actor.agency_code}")
    exchange = find(session, actor, "encoding.submit", name, for_update=True)
    _check_fits(exchange, batch)
    if exchange.fingerprint is None:
        exchange.fingerprint, exchange.encoding_schema = batch.fingerprint, batch.schema
        exchange.key_id = batch.key_id
    replaced = affected(session.execute(
        delete(EncodedRecord).where(EncodedRecord.exchange_id == exchange.id,
                                    EncodedRecord.agency_id == actor.agency_id)
    ))
    upload = EncodingUpload(
        exchange_id=exchange.id, agency_id=actor.agency_id, user_id=actor.user_id,
        file_sha256=batch.sha256, fingerprint=batch.fingerprint, key_id=batch.key_id,
        records=len(batch.refs), replaced=int(replaced),
    )
    session.add(upload)
    session.flush()
    rows = [
        {"exchange_id": exchange.id, "agency_id": actor.agency_id, "ref": ref,
         "filter": batch.filters[n], "identifiers": batch.identifiers[n],
         "shared": batch.shared[n], "upload_id": upload.id}
        for n, ref in enumerate(batch.refs)
    ]
    for start in range(0, len(rows), _INSERT_BATCH):
        session.execute(insert(EncodedRecord), rows[start:start + _INSERT_BATCH])
    access.authorize(session, actor, "encoding.submit", resource,
                     {"upload": upload.id, "records": upload.records, "replaced": upload.replaced,
                      "fingerprint": batch.fingerprint, "key_id": batch.key_id,
                      "sha256": batch.sha256})
    return upload


def encodings_of(session: Session, exchange_id: int) -> list[StoredSet]:
    """Every agency's encodings in the exchange, for the matcher (which the run authorised)."""
    query = (
        select(EncodedRecord.agency_id, Agency.code, EncodedRecord.ref, EncodedRecord.filter,
               EncodedRecord.identifiers)
        .join(Agency, Agency.id == EncodedRecord.agency_id)
        .where(EncodedRecord.exchange_id == exchange_id)
        .order_by(Agency.code, EncodedRecord.id)
        .execution_options(yield_per=10_000)
    )
    sets: list[StoredSet] = []
    for agency_id, code, ref, bits, ids in session.execute(query):
        if not sets or sets[-1].agency_id != agency_id:
            sets.append(StoredSet(agency_id, code, [], [], []))
        sets[-1].refs.append(ref)
        sets[-1].filters.append(bytes(bits))
        sets[-1].identifiers.append(list(ids))
    return sets


