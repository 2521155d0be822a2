"""The tamper-evident audit log: every entry carries the hash of the one before it.

Editing or deleting an entry breaks the chain at that point, which ``verify`` reports. The
database also refuses UPDATE and DELETE on the table (triggers, see the first migration), so
tampering needs a deliberate schema change. Deleting entries at the very end of the log leaves
a shorter but consistent chain; to catch that, keep the head hash ``verify`` prints somewhere
the hub cannot write (a printed report, another system) and pass it back with ``expect_head``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from tessera.hub.models import AuditEntry

GENESIS = "0" * 64
# An arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_PG_LOCK_KEY = 0x7E55E7A


def _digest(prev_hash: str, entry_id: int, fields: dict[str, Any]) -> str:
    body = json.dumps({"id": entry_id, **fields}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


_INSERT = insert(cast(Table, AuditEntry.__table__))


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "username": entry.username,
        "agency_code": entry.agency_code,
        "action": entry.action,
        "resource": entry.resource,
        "outcome": entry.outcome,
        "detail": entry.detail,
    }


def append(
    session: Session,
    *,
    username: str | None,
    agency_code: str | None,
    action: str,
    resource: str,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one entry in the caller's transaction; it commits or rolls back with the work.

    Every request to the hub appends, so this is written in SQLAlchemy Core: the ORM's unit of
    work cost as much again as the insert itself."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise appenders so that two transactions never chain onto the same head.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    head = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    prev_id, prev_hash = (head[0], head[1]) if head else (0, GENESIS)
    fields = {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
        "username": username,
        "agency_code": agency_code,
        "action": action,
        "resource": resource,
        "outcome": outcome,
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, default=str),
    }
    entry_id = prev_id + 1
    session.execute(
        _INSERT,
        {**fields, "id": entry_id, "prev_hash": prev_hash,
         "hash": _digest(prev_hash, entry_id, fields)},
    )


@dataclass(frozen=True)
class Verification:
    entries: int
    head: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def iter_entries(session: Session, batch: int = 10_000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def verify(session: Session, expect_head: str | None = None) -> Verification:
    """Recompute the chain; name every entry whose content, link or position is wrong."""
    problems: list[str] = []
    prev_hash, expected_id, count = GENESIS, 1, 0
    for entry in iter_entries(session):
        count += 1
        if entry.id != expected_id:
            problems.append(f"entries {expected_id}..{entry.id - 1} are missing (deleted)")
        if entry.prev_hash != prev_hash:
            problems.append(f"entry {entry.id}: does not follow the entry before it")
        if _digest(entry.prev_hash, entry.id, _fields(entry)) != entry.hash:
            problems.append(f"entry {entry.id}: content was changed after it was written")
        prev_hash, expected_id = entry.hash, entry.id + 1
    if expect_head is not None and expect_head != prev_hash:
        problems.append(
            "the last entry is not the expected head: entries at the end were removed or replaced"
        )
    return Verification(entries=count, head=prev_hash, problems=problems)
